/**
 * Every image and chart version the library and its stacks use, pinned in one place.
 *
 * Floating tags (`latest`, `main`, `rolling`, a bare major like `v3`) are never used: the
 * HK-IMG-01 policy refuses them. Tags cannot be resolved to digests offline, so digests are
 * added where they were known at pinning time; Renovate (or a human) bumps this one file.
 *
 * Media images: the real homelab ran `lscr.io/linuxserver/*` images, whose s6-overlay init
 * needs root and a writable root filesystem. The stacks use the rootless
 * `ghcr.io/home-operations/*` builds instead, which run as any non-root UID with a read-only
 * root filesystem.
 */

/** A container image reference. */
export interface ImageRef {
  /** Registry and repository, e.g. `ghcr.io/home-operations/sonarr`. */
  readonly repository: string;
  /** The pinned tag. */
  readonly tag: string;
  /** `sha256:<hex>` digest, when known. @default - tag only */
  readonly digest?: string;
}

/** `repository:tag[@digest]`. */
export function imageReference(ref: ImageRef): string {
  return `${ref.repository}:${ref.tag}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** The parts of an image reference as written in a manifest. */
export interface ParsedImage {
  /** Registry (with port) and repository. */
  readonly repository: string;
  /** @default - none */
  readonly tag?: string;
  /** @default - none */
  readonly digest?: string;
}

/**
 * Splits `registry[:port]/repo[:tag][@digest]`. The tag is what follows the last `:` after the
 * last `/`, so a registry port (`10.43.170.72:5000/app`) is never taken for a tag.
 */
export function parseImageReference(image: string): ParsedImage {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const named = at >= 0 ? image.slice(0, at) : image;
  const colon = named.lastIndexOf(':');
  if (colon > named.lastIndexOf('/')) {
    const tag = named.slice(colon + 1);
    return { repository: named.slice(0, colon), tag: tag === '' ? undefined : tag, digest };
  }
  return { repository: named, digest };
}

/** A pinned upstream Helm chart. */
export interface ChartRef {
  /** Chart name in its repository. */
  readonly chart: string;
  /** Pinned chart version. */
  readonly version: string;
  /** Helm repository URL (`https://…` or `oci://…`). */
  readonly repositoryUrl: string;
}

/** Pinned images. */
export const Images = {
  // media (homelab)
  jellyfin: { repository: 'ghcr.io/jellyfin/jellyfin', tag: '10.10.7' },
  plex: { repository: 'ghcr.io/home-operations/plex', tag: '1.41.8.9834' },
  sonarr: { repository: 'ghcr.io/home-operations/sonarr', tag: '4.0.16.2942' },
  radarr: { repository: 'ghcr.io/home-operations/radarr', tag: '6.0.3.10276' },
  lidarr: { repository: 'ghcr.io/home-operations/lidarr', tag: '2.13.3.4711' },
  prowlarr: { repository: 'ghcr.io/home-operations/prowlarr', tag: '2.1.5' },
  bazarr: { repository: 'ghcr.io/home-operations/bazarr', tag: '1.5.2' },
  whisparr: { repository: 'ghcr.io/home-operations/whisparr', tag: '2.0.0.1171' },
  sabnzbd: { repository: 'ghcr.io/home-operations/sabnzbd', tag: '4.5.5' },
  overseerr: { repository: 'ghcr.io/sct/overseerr', tag: '1.34.0' },
  recyclarr: { repository: 'ghcr.io/recyclarr/recyclarr', tag: '7.4.1' },
  // cortex
  redis: { repository: 'docker.io/library/redis', tag: '7.2.5-alpine' },
  qdrant: { repository: 'docker.io/qdrant/qdrant', tag: 'v1.7.4' },
  /**
   * The cortex-school services are built in-cluster and pushed to the registry at
   * 10.43.170.72:5000. The real manifests used `:latest`; the stack pins the tag below, so
   * the build pipeline must push it (a tag that does not exist is the seed's ImagePullBackOff).
   */
  cortexSchoolCoordinator: { repository: '10.43.170.72:5000/cortex-school-coordinator', tag: '2026.01.15' },
  cortexHealthMonitor: { repository: '10.43.170.72:5000/cortex-health-monitor', tag: '2026.01.15' },
  cortexMoeRouter: { repository: '10.43.170.72:5000/cortex-moe-router', tag: '2026.01.15' },
  cortexRagValidator: { repository: '10.43.170.72:5000/cortex-rag-validator', tag: '2026.01.15' },
  cortexImplementationWorker: { repository: '10.43.170.72:5000/cortex-implementation-worker', tag: '2026.01.15' },
  gitSync: { repository: 'registry.k8s.io/git-sync/git-sync', tag: 'v4.4.0' },
  /** Used by the init-copy helper (ConfigMap → writable emptyDir). */
  busybox: { repository: 'docker.io/library/busybox', tag: '1.36.1' },
} as const satisfies Record<string, ImageRef>;

/** Pinned upstream charts (installed by the upstream-chart construct). */
export const Charts = {
  longhorn: { chart: 'longhorn', version: '1.9.2', repositoryUrl: 'https://charts.longhorn.io' },
  velero: { chart: 'velero', version: '10.1.3', repositoryUrl: 'https://vmware-tanzu.github.io/helm-charts' },
  certManager: { chart: 'cert-manager', version: 'v1.18.6', repositoryUrl: 'https://charts.jetstack.io' },
} as const satisfies Record<string, ChartRef>;
