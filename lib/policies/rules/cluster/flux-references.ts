import { GitOpsEngine } from '../../../core/profile';
import { AnalysisViolation, Manifest, ManifestRecord, PolicyContext, PolicyRule, RuleLevel } from '../../rule';
import { list, namespaceOf, push } from './_shared';

/**
 * The namespace and name `flux bootstrap` gives the root GitRepository and Kustomization. The
 * GitOps tree ships the same two objects at render time (outside the object set the policies
 * see), so they always exist.
 */
export const FLUX_BOOTSTRAP = { namespace: 'flux-system', name: 'flux-system' } as const;

/** Flux source kinds, by the API group that serves them. */
const SOURCE_KINDS: ReadonlySet<string> = new Set(['GitRepository', 'HelmRepository', 'OCIRepository', 'Bucket', 'HelmChart']);

function isFlux(m: Manifest, group: 'source' | 'helm' | 'kustomize'): boolean {
  return (m.apiVersion ?? '').startsWith(`${group}.toolkit.fluxcd.io/`);
}

/** Flux objects of the set by `Kind\0namespace/name`, and names per kind and namespace for messages. */
class FluxIndex {
  private readonly objects = new Set<string>();
  private readonly names = new Map<string, string[]>();

  constructor(ctx: PolicyContext, private readonly treeUnits: (name: string) => boolean) {
    for (const { manifest: m } of ctx.objects) {
      const name = m.metadata?.name;
      if (!name) continue;
      const known = (SOURCE_KINDS.has(m.kind) && isFlux(m, 'source'))
        || (m.kind === 'HelmRelease' && isFlux(m, 'helm'))
        || (m.kind === 'Kustomization' && isFlux(m, 'kustomize'));
      if (known) this.add(m.kind, namespaceOf(m), name);
    }
  }

  /** True when `kind` `namespace/name` is in the set, or is an object Flux or the GitOps tree creates. */
  public has(kind: string, namespace: string, name: string): boolean {
    if (this.objects.has(`${kind}\u0000${namespace}/${name}`)) return true;
    if (namespace === FLUX_BOOTSTRAP.namespace && name === FLUX_BOOTSTRAP.name && (kind === 'GitRepository' || kind === 'Kustomization')) return true;
    return kind === 'Kustomization' && namespace === FLUX_BOOTSTRAP.namespace && this.treeUnits(name);
  }

  /** The names of `kind` in `namespace`, sorted. */
  public namesIn(kind: string, namespace: string): string[] {
    return [...(this.names.get(`${kind}\u0000${namespace}`) ?? [])].sort();
  }

  private add(kind: string, namespace: string, name: string): void {
    const key = `${kind}\u0000${namespace}/${name}`;
    if (this.objects.has(key)) return;
    this.objects.add(key);
    push(this.names, `${kind}\u0000${namespace}`, name);
  }
}

/**
 * A predicate for the names of the Flux Kustomizations the GitOps tree writes into flux-system at
 * render time (`<cluster>-cluster`, `<namespace>-namespace`, `<namespace>-<app>`): those are not in
 * the object set. App folder names are not visible in manifests, so any `<namespace>-…` name of a
 * namespace of the set is taken as one of them.
 */
function treeUnitNames(ctx: PolicyContext): (name: string) => boolean {
  const profile = ctx.profile;
  if (profile?.gitops?.engine !== GitOpsEngine.FLUX) return () => false;
  const namespaces = ctx.namespaces;
  return (name) => {
    if (name === `${profile.name}-cluster`) return true;
    for (let i = name.indexOf('-'); i > 0; i = name.indexOf('-', i + 1)) {
      if (namespaces.has(name.slice(0, i))) return true;
    }
    return false;
  };
}

/** `HelmRepositories`, `Kustomizations`. */
function plural(kind: string): string {
  return kind.endsWith('y') ? `${kind.slice(0, -1)}ies` : `${kind}s`;
}

interface Reference {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  /** The field, for messages: `spec.chart.spec.sourceRef`, `spec.dependsOn[1]`. */
  readonly field: string;
  /** What happens when it is missing. */
  readonly effect: string;
}

/** The object references of a Flux HelmRelease or Kustomization. */
function referencesOf(m: Manifest): Reference[] {
  const own = namespaceOf(m);
  const out: Reference[] = [];
  const ref = (r: any, field: string, fallbackKind: string, effect: string) => {
    if (typeof r?.name !== 'string') return;
    out.push({ kind: typeof r.kind === 'string' ? r.kind : fallbackKind, name: r.name, namespace: typeof r.namespace === 'string' ? r.namespace : own, field, effect });
  };
  if (m.kind === 'HelmRelease' && isFlux(m, 'helm')) {
    ref(m.spec?.chart?.spec?.sourceRef, 'spec.chart.spec.sourceRef', 'HelmRepository', 'the chart is never fetched and the release never installs');
    ref(m.spec?.chartRef, 'spec.chartRef', 'OCIRepository', 'the chart is never fetched and the release never installs');
    list(m.spec?.dependsOn).forEach((d, i) => ref(d, `spec.dependsOn[${i}]`, 'HelmRelease', 'this release waits for it forever'));
  } else if (m.kind === 'Kustomization' && isFlux(m, 'kustomize')) {
    ref(m.spec?.sourceRef, 'spec.sourceRef', 'GitRepository', 'nothing under its path is ever applied');
    list(m.spec?.dependsOn).forEach((d, i) => ref(d, `spec.dependsOn[${i}]`, 'Kustomization', 'this Kustomization waits for it forever'));
  }
  return out;
}

/**
 * HK-API-05: the sources and dependencies a Flux HelmRelease or Kustomization names exist in the
 * object set (or are the bootstrap `flux-system` objects, or the tree's own Kustomizations).
 */
export const fluxReferencesRule: PolicyRule = {
  id: 'HK-API-05',
  level: RuleLevel.ERROR,
  title: 'Flux HelmReleases and Kustomizations name sources and dependencies that exist',
  explanation: 'Flux applies a HelmRelease whose HelmRepository does not exist without complaint; the release then stays not ready '
    + '("source not found") and the chart is never installed, and a dependsOn entry naming a missing release or Kustomization holds '
    + 'its dependant back forever. In the homelab (seed 003) the oauth2-proxy HelmRepository existed in two files that no '
    + 'kustomization included, so the OAuth2 proxy in front of Prometheus was never installed while the docs called Prometheus '
    + 'secured. The reference namespace defaults to the referrer\'s. The bootstrap GitRepository and Kustomization flux-system/flux-system '
    + 'always exist, and so do the per-folder Kustomizations the GitOps tree writes into flux-system.',
  fix: 'create the source (UpstreamChart creates the HelmRepository with its HelmRelease) or the dependency in the object set, or correct its kind, name or namespace',
  analyze(ctx) {
    const index = new FluxIndex(ctx, treeUnitNames(ctx));
    const out: AnalysisViolation[] = [];
    const judge = (record: ManifestRecord) => {
      for (const r of referencesOf(record.manifest)) {
        if (index.has(r.kind, r.namespace, r.name)) continue;
        const known = index.namesIn(r.kind, r.namespace);
        out.push({
          target: record,
          message: `${r.field} names ${r.kind} ${r.namespace}/${r.name}, which is not in the object set (${plural(r.kind)} in ${r.namespace}: ${known.length ? known.join(', ') : 'none'}), so ${r.effect}`,
          fix: known.length
            ? `name one of ${known.join(', ')}, or create ${r.kind} ${r.name} in namespace ${r.namespace}`
            : `create ${r.kind} ${r.name} in namespace ${r.namespace}${r.kind === 'HelmRepository' ? ' (UpstreamChart creates it with the release)' : ''}, or correct the reference`,
        });
      }
    };
    for (const record of ctx.byKind('HelmRelease')) judge(record);
    for (const record of ctx.byKind('Kustomization')) judge(record);
    return out;
  },
};
