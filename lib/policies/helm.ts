import { Manifest } from './rule';

/** An upstream Helm release as the policies see it, whichever GitOps engine renders it. */
export interface RenderedHelmRelease {
  /** Helm release name. */
  readonly release: string;
  /** Namespace the chart installs into. */
  readonly namespace?: string;
  /** Chart name. */
  readonly chart?: string;
  /** Chart version. */
  readonly version?: string;
  /** The values given to the chart (`{}` when none). */
  readonly values: Record<string, unknown>;
}

/**
 * Reads a Flux `HelmRelease` (`spec.values`) or an Argo CD `Application` with a Helm source
 * (`spec.source.helm.valuesObject`). Returns `undefined` for any other object, so rules about
 * chart values (kubelet paths, secrets) judge both engines' output the same way.
 */
export function helmReleaseOf(m: Manifest): RenderedHelmRelease | undefined {
  if (m.kind === 'HelmRelease' && m.apiVersion.startsWith('helm.toolkit.fluxcd.io/')) {
    const spec = m.spec ?? {};
    return {
      release: spec.releaseName ?? m.metadata.name ?? '',
      namespace: spec.targetNamespace ?? m.metadata.namespace,
      chart: spec.chart?.spec?.chart,
      version: spec.chart?.spec?.version,
      values: spec.values ?? {},
    };
  }
  if (m.kind === 'Application' && m.apiVersion.startsWith('argoproj.io/')) {
    const source = m.spec?.source;
    if (!source?.chart) return undefined;
    return {
      release: source.helm?.releaseName ?? m.metadata.name ?? '',
      namespace: m.spec?.destination?.namespace,
      chart: source.chart,
      version: source.targetRevision,
      values: source.helm?.valuesObject ?? {},
    };
  }
  return undefined;
}

/** Every string leaf of `value` with its dotted path (`csi.kubeletRootDir`, `args[2]`). */
export function stringLeaves(value: unknown, path = ''): [string, string][] {
  const out: [string, string][] = [];
  const walk = (v: unknown, p: string) => {
    if (typeof v === 'string') out.push([p, v]);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${p}[${i}]`));
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) walk(x, p ? `${p}.${k}` : k);
    }
  };
  walk(value, path);
  return out;
}
