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

/** Tags that move: a deploy with one of them is not reproducible. */
export const FLOATING_TAGS: ReadonlySet<string> = new Set(['latest', 'main', 'master', 'rolling', 'stable', 'edge', 'nightly']);

/**
 * True for tags that move: the named floating tags, tags with no version number at all
 * (`alpine`, `cached`), a bare major with or without a variant (`7`, `v3`, `7-alpine`), and
 * versions marked as moving (`2.4.0-latest`).
 */
export function isFloatingTag(tag: string): boolean {
  const t = tag.toLowerCase();
  if (FLOATING_TAGS.has(t) || !/\d/.test(t)) return true;
  if (/^v?\d+(-[a-z][a-z0-9.]*)?$/.test(t)) return true;
  return /(^|[-_.])(latest|nightly|edge|rolling|stable)($|[-_.])/.test(t);
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
  /**
   * The rest of the cortex services, built in-cluster and pushed to the same registry. The real
   * manifests ran most of them as `:latest`, or as `python:3.11-slim` / `node:*-alpine` with a
   * `pip install` / `npm install` at start; the stack runs each from its own image with the build
   * tag below (dependencies installed at build time, source baked in).
   */
  cortexApi: { repository: '10.43.170.72:5000/cortex-api', tag: '2026.01.15' },
  youtubeIngestion: { repository: '10.43.170.72:5000/youtube-ingestion', tag: '2026.01.15' },
  youtubeChannelIntelligence: { repository: '10.43.170.72:5000/youtube-channel-intelligence', tag: '2026.01.15' },
  cortexQueueWorker: { repository: '10.43.170.72:5000/cortex-queue-worker', tag: '2026.01.15' },
  modelRouter: { repository: '10.43.170.72:5000/model-router', tag: '2026.01.15' },
  costTracker: { repository: '10.43.170.72:5000/cost-tracker', tag: '2026.01.15' },
  cortexDesktopMcp: { repository: '10.43.170.72:5000/cortex-desktop-mcp', tag: '2026.01.15' },
  documentationMaster: { repository: '10.43.170.72:5000/documentation-master', tag: '2026.01.15' },
  cortexOrchestrator: { repository: '10.43.170.72:5000/cortex-orchestrator', tag: '2026.01.15' },
  sandflyMcpServer: { repository: '10.43.170.72:5000/sandfly-mcp-server', tag: '2026.01.15' },
  kubernetesMcpServer: { repository: '10.43.170.72:5000/kubernetes-mcp-server', tag: '2026.01.15' },
  n8nMcpServer: { repository: '10.43.170.72:5000/n8n-mcp-server', tag: '2026.01.15' },
  cloudflareMcpServer: { repository: '10.43.170.72:5000/cloudflare-mcp-server', tag: '2026.01.15' },
  unifiMcpServer: { repository: '10.43.170.72:5000/unifi-mcp-server', tag: '2026.01.15' },
  proxmoxMcpServer: { repository: '10.43.170.72:5000/proxmox-mcp-server', tag: '2026.01.15' },
  checkmkMcpServer: { repository: '10.43.170.72:5000/checkmk-mcp-server', tag: '2026.01.15' },
  githubSecurityMcpServer: { repository: '10.43.170.72:5000/github-security-mcp-server', tag: '2026.01.15' },
  cortexMcpServer: { repository: '10.43.170.72:5000/cortex-mcp-server', tag: '2026.01.15' },
  langflowChatMcpServer: { repository: '10.43.170.72:5000/langflow-chat-mcp-server', tag: '2026.01.15' },
  doclingService: { repository: '10.43.170.72:5000/docling-service', tag: '2026.01.15' },
  cortexResourceManager: { repository: '10.43.170.72:5000/cortex-resource-manager', tag: '2026.01.15' },
  coordinatorMaster: { repository: '10.43.170.72:5000/coordinator-master', tag: '2026.01.15' },
  cicdMaster: { repository: '10.43.170.72:5000/cicd-master', tag: '2026.01.15' },
  securityMaster: { repository: '10.43.170.72:5000/security-master', tag: '2026.01.15' },
  developmentMaster: { repository: '10.43.170.72:5000/development-master', tag: '2026.01.15' },
  redisPostgresSync: { repository: '10.43.170.72:5000/redis-postgres-sync', tag: '2026.01.15' },
  cortexChat: { repository: '10.43.170.72:5000/cortex-chat', tag: '2026.01.15' },
  cortexChatBackend: { repository: '10.43.170.72:5000/cortex-chat-backend-simple', tag: '2026.01.15' },
  cortexChatProxy: { repository: '10.43.170.72:5000/cortex-chat-proxy', tag: '2026.01.15' },
  grafanaPdfService: { repository: '10.43.170.72:5000/grafana-pdf-service', tag: '2026.01.15' },
  codeGenerator: { repository: '10.43.170.72:5000/code-generator', tag: '2026.01.15' },
  issueParser: { repository: '10.43.170.72:5000/issue-parser', tag: '2026.01.15' },
  repoContext: { repository: '10.43.170.72:5000/repo-context', tag: '2026.01.15' },
  improvementDetector: { repository: '10.43.170.72:5000/improvement-detector', tag: '2026.01.15' },
  knowledgeDashboard: { repository: '10.43.170.72:5000/knowledge-dashboard', tag: '2026.01.15' },
  knowledgeExtractor: { repository: '10.43.170.72:5000/knowledge-extractor', tag: '2026.01.15' },
  knowledgeGraphApi: { repository: '10.43.170.72:5000/knowledge-graph-api', tag: '2026.01.15' },
  phoenix: { repository: '10.43.170.72:5000/phoenix', tag: '2026.01.15' },
  valueStreamOptimizer: { repository: '10.43.170.72:5000/value-stream-optimizer', tag: '2026.01.15' },
  csafRuntime: { repository: '10.43.170.72:5000/csaf-runtime', tag: '2026.01.15' },
  csafRegistry: { repository: '10.43.170.72:5000/csaf-registry', tag: '2026.01.15' },
  csafCorrelator: { repository: '10.43.170.72:5000/csaf-correlator', tag: '2026.01.15' },
  csafScheduler: { repository: '10.43.170.72:5000/csaf-scheduler', tag: '2026.01.15' },
  cortexMetricsCollector: { repository: '10.43.170.72:5000/cortex-metrics-collector', tag: '2026.01.15' },
  cortexMetricsExporter: { repository: '10.43.170.72:5000/cortex-metrics-exporter', tag: '2026.01.15' },
  cortexReportGenerator: { repository: '10.43.170.72:5000/cortex-report-generator', tag: '2026.01.15' },
  dashy: { repository: '10.43.170.72:5000/dashy', tag: '2026.01.15' },
  /** Langflow and the cortex-live TUI were the two in-cluster images the real cluster already pinned. */
  langflow: { repository: '10.43.170.72:5000/langflow', tag: '1.0.19' },
  cortexLive: { repository: '10.43.170.72:5000/cortex-live', tag: 'v2.0.0' },
  /** PostgreSQL 16 (alpine; user `postgres` is uid/gid 70) for the cortex databases (the real ones ran `postgres:16-alpine` and `bitnami/postgresql:latest`). */
  postgres16: { repository: 'docker.io/library/postgres', tag: '16.6-alpine' },
  /** Redis Stack server (Redis with RediSearch), which falcosidekick-ui needs; the falcosidekick chart pins the same line (7.2.0-v11). */
  redisStackServer: { repository: 'docker.io/redis/redis-stack-server', tag: '7.2.0-v11' },
  /** The in-cluster image registry of cortex (registry:2 in the real cluster). */
  registry: { repository: 'docker.io/library/registry', tag: '2.8.3' },
  mongo: { repository: 'docker.io/library/mongo', tag: '7.0.16' },
  elasticsearch: { repository: 'docker.elastic.co/elasticsearch/elasticsearch', tag: '8.11.0' },
  /** Checkmk Raw (the real cluster pulled the floating `2.4.0-latest`). */
  checkmkRaw: { repository: 'docker.io/checkmk/check-mk-raw', tag: '2.4.0p14' },
  pgadmin: { repository: 'docker.io/dpage/pgadmin4', tag: '8.14' },
  postgresExporter: { repository: 'quay.io/prometheuscommunity/postgres-exporter', tag: 'v0.16.0' },
  falcosidekick: { repository: 'docker.io/falcosecurity/falcosidekick', tag: '2.32.0' },
  falcosidekickUi: { repository: 'docker.io/falcosecurity/falcosidekick-ui', tag: '2.2.0' },
  /** Trivy in server mode (the real cluster pulled `aquasec/trivy:latest`). */
  trivy: { repository: 'docker.io/aquasec/trivy', tag: '0.58.1' },
  /** kubectl with bash for the cortex janitor CronJobs (within one minor of the K3s v1.31 servers). */
  kubectl: { repository: 'docker.io/bitnamilegacy/kubectl', tag: '1.31.4' },
  /** The Tekton Triggers EventListener sink of cortex-cicd (the real cluster pinned it by digest). */
  tektonEventListenerSink: { repository: 'gcr.io/tekton-releases/github.com/tektoncd/triggers/cmd/eventlistenersink', tag: 'v0.34.0' },
  gitSync: { repository: 'registry.k8s.io/git-sync/git-sync', tag: 'v4.4.0' },
  /** Used by the init-copy helper (ConfigMap → writable emptyDir). */
  busybox: { repository: 'docker.io/library/busybox', tag: '1.36.1' },
  /**
   * oauth2-proxy (distroless, runs as uid/gid 65532 by default; the front runs it as 2000).
   * v7.15.2 added `--trusted-proxy-ip` (without it `--reverse-proxy` trusts every client's
   * X-Forwarded-* headers); v7.15.5 fixes the X-Forwarded-Uri skip-auth bypass of 7.15.2-7.15.4.
   */
  oauth2Proxy: { repository: 'quay.io/oauth2-proxy/oauth2-proxy', tag: 'v7.15.5' },
  /** The official Vault image (alpine based; user `vault` is uid 100, group `vault` gid 1000). */
  vault: { repository: 'docker.io/hashicorp/vault', tag: '1.20.4' },
  /** psql for the Vault PostgreSQL schema bootstrap Job (alpine image; user `postgres` is uid/gid 70). */
  postgresClient: { repository: 'docker.io/library/postgres', tag: '17.4-alpine' },
  // GPU (homelab)
  /** NVIDIA device plugin; the same image carries `config-manager` (per-node config selection). */
  nvidiaDevicePlugin: { repository: 'nvcr.io/nvidia/k8s-device-plugin', tag: 'v0.19.0' },
  /**
   * DCGM exporter. The tag pairs the exporter (3.4.0) with DCGM (3.3.5); this pairing is the one the
   * homelab proved on the T4 with driver 535. From 3.3.8-3.6.0 on, the embedded host engine refuses to
   * start without CAP_SYS_ADMIN (NVIDIA/dcgm-exporter#402, #407); the DcgmExporter construct adds the
   * capability only for such tags or when profiling metrics are asked for.
   */
  dcgmExporter: { repository: 'nvcr.io/nvidia/k8s/dcgm-exporter', tag: '3.3.5-3.4.0-ubuntu22.04' },
  /** Intel GPU device plugin, deployed by the Intel device plugins operator from a GpuDevicePlugin. */
  intelGpuPlugin: { repository: 'docker.io/intel/intel-gpu-plugin', tag: '0.36.0' },
  // AI (homelab)
  ollama: { repository: 'docker.io/ollama/ollama', tag: '0.9.0' },
  openWebui: { repository: 'ghcr.io/open-webui/open-webui', tag: 'v0.6.15' },
  /**
   * AUTOMATIC1111 Stable Diffusion web UI (universonic's build, as the homelab ran it). The real
   * cluster pulled `:latest`; the pin is the last A1111 release (v1.10.1), which Renovate (or a
   * human) must confirm exists in the registry before deploying.
   */
  automatic1111: { repository: 'docker.io/universonic/stable-diffusion-webui', tag: 'v1.10.1' },
  /**
   * Velero server and node agent. Chart `velero` 10.x is the chart line of Velero 1.16 (11.0.0
   * moved to 1.17); 1.16.2 is also the version of the vendored velero.io CRDs.
   */
  velero: { repository: 'docker.io/velero/velero', tag: 'v1.16.2' },
  /**
   * The AWS object-store plugin (S3, MinIO, B2, Ceph RGW). Plugin 1.12.x is the line for Velero
   * 1.16.x; `checksumAlgorithm` is accepted from 1.9.2 on.
   */
  veleroPluginForAws: { repository: 'docker.io/velero/velero-plugin-for-aws', tag: 'v1.12.2' },
  /**
   * kubectl for the Velero chart's CRD-upgrade Job (the Job runs `sh` and `which`, so the image
   * needs a shell). Pinned because the chart otherwise derives the tag from the cluster version,
   * and a tag that was never published is seed 004's Velero ImagePullBackOff.
   */
  veleroKubectl: { repository: 'docker.io/bitnamilegacy/kubectl', tag: '1.33.4' },
} as const satisfies Record<string, ImageRef>;

/** Pinned upstream charts (installed by the upstream-chart construct). */
export const Charts = {
  longhorn: { chart: 'longhorn', version: '1.9.2', repositoryUrl: 'https://charts.longhorn.io' },
  velero: { chart: 'velero', version: '10.1.3', repositoryUrl: 'https://vmware-tanzu.github.io/helm-charts' },
  certManager: { chart: 'cert-manager', version: 'v1.18.6', repositoryUrl: 'https://charts.jetstack.io' },
  /** Cilium CNI with the Gateway API (the homelab's version). */
  cilium: { chart: 'cilium', version: '1.17.4', repositoryUrl: 'https://helm.cilium.io' },
  /** Authentik server + worker (chart version = Authentik version); PostgreSQL from its bundled subchart. */
  authentik: { chart: 'authentik', version: '2026.8.0', repositoryUrl: 'https://charts.goauthentik.io' },
  /** Prometheus Operator, Prometheus, Alertmanager, Grafana, kube-state-metrics, node-exporter. */
  kubePrometheusStack: { chart: 'kube-prometheus-stack', version: '85.1.2', repositoryUrl: 'https://prometheus-community.github.io/helm-charts' },
  /** Loki 3 in SingleBinary mode with filesystem storage. */
  loki: { chart: 'loki', version: '6.24.0', repositoryUrl: 'https://grafana.github.io/helm-charts' },
  /** Intel device plugins operator (installs the deviceplugin.intel.com CRDs; needs cert-manager for its webhook). */
  intelDevicePluginsOperator: { chart: 'intel-device-plugins-operator', version: '0.36.0', repositoryUrl: 'https://intel.github.io/helm-charts' },
  /** Node Feature Discovery (labels nodes by their hardware; the Intel GPU plugin selects nodes by its labels). */
  nodeFeatureDiscovery: { chart: 'node-feature-discovery', version: '0.17.3', repositoryUrl: 'https://kubernetes-sigs.github.io/node-feature-discovery/charts' },
} as const satisfies Record<string, ChartRef>;
