import { App, Chart } from 'cdk8s';
import { Application } from '../imports/argoproj.io';
import { Kustomization, KustomizationSpecSourceRefKind } from '../imports/kustomize.toolkit.fluxcd.io';
import { GitRepository } from '../imports/source.toolkit.fluxcd.io';
import { ClusterProfile, GitOpsEngine } from '../core/profile';
import { Manifest } from '../policies/rule';

/** One reconciliation unit of the tree: a folder the GitOps engine applies as a whole. */
export interface GitOpsUnit {
  /** Unique, DNS-1123 name of the unit, e.g. `media-sonarr`. */
  readonly name: string;
  /** Folder relative to the cluster tree root, e.g. `media/sonarr`. */
  readonly folder: string;
  /** Namespace the unit's objects go to (Argo CD destination). @default - cluster-scoped */
  readonly namespace?: string;
  /** Units that must be ready first. */
  readonly dependsOn: readonly string[];
  /**
   * Argo CD sync wave: cluster-scoped -2, namespaces -1, apps 0, apps that use a CRD an
   * upstream chart installs 1.
   */
  readonly wave: number;
}

/** Namespace of the Flux objects the tree ships. */
export const FLUX_NAMESPACE = 'flux-system';
/**
 * Name of the root GitRepository and Kustomization (Flux): the names `flux bootstrap` uses, so
 * a bootstrapped cluster adopts them.
 */
export const FLUX_ROOT = 'flux-system';
/** Namespace of the Argo CD objects the tree ships. */
export const ARGO_CD_NAMESPACE = 'argocd';

/**
 * The GitOps engine's own objects for `units`: a root that makes the engine apply the
 * `gitops/` folder (Flux: GitRepository + Kustomization `flux-system`, as `flux bootstrap`
 * writes them; Argo CD: an app-of-apps Application `<cluster>-root`), then a Flux Kustomization per unit (prune, wait,
 * `dependsOn`) or an Argo CD Application per unit (automated prune and self-heal, retry,
 * sync waves). Rendered from the imported CRD classes; they are not part of the cluster's
 * construct tree, so the Pulumi engine (which needs no GitOps controller) never sees them.
 */
export function gitOpsObjects(profile: ClusterProfile, units: readonly GitOpsUnit[]): Manifest[] {
  const g = profile.gitops;
  if (!g) return [];
  const chart = new Chart(new App({ outdir: '/nonexistent' }), 'gitops', { disableResourceNameHashes: true });
  // the root: the engine applies this gitops/ folder itself, the same objects `flux bootstrap` writes
  if (g.engine === GitOpsEngine.FLUX) {
    new GitRepository(chart, 'root-source', {
      metadata: { name: FLUX_ROOT, namespace: FLUX_NAMESPACE },
      spec: { url: g.repoUrl, ref: { branch: g.branch }, interval: '1m', secretRef: g.repoUrl.startsWith('https://') ? undefined : { name: FLUX_ROOT } },
    });
    new Kustomization(chart, 'root', {
      metadata: { name: FLUX_ROOT, namespace: FLUX_NAMESPACE },
      spec: {
        interval: '10m',
        path: `./${g.path}/gitops`,
        prune: true,
        sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: FLUX_ROOT, namespace: FLUX_NAMESPACE },
      },
    });
  } else {
    new Application(chart, 'root', {
      metadata: { name: `${profile.name}-root`, namespace: ARGO_CD_NAMESPACE, finalizers: ['resources-finalizer.argocd.argoproj.io'] },
      spec: {
        project: 'default',
        source: { repoUrl: g.repoUrl, targetRevision: g.branch, path: `${g.path}/gitops` },
        destination: { server: 'https://kubernetes.default.svc', namespace: ARGO_CD_NAMESPACE },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          retry: { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } },
        },
      },
    });
  }
  for (const u of units) {
    const path = `./${g.path}/${u.folder}`;
    if (g.engine === GitOpsEngine.FLUX) {
      new Kustomization(chart, u.name, {
        metadata: { name: u.name, namespace: FLUX_NAMESPACE },
        spec: {
          interval: '10m',
          retryInterval: '1m',
          timeout: '5m',
          path,
          prune: true,
          wait: true,
          sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name: 'flux-system', namespace: FLUX_NAMESPACE },
          dependsOn: u.dependsOn.length ? u.dependsOn.map((name) => ({ name })) : undefined,
        },
      });
    } else {
      new Application(chart, u.name, {
        metadata: {
          name: u.name,
          namespace: ARGO_CD_NAMESPACE,
          annotations: { 'argocd.argoproj.io/sync-wave': String(u.wave) },
          finalizers: ['resources-finalizer.argocd.argoproj.io'],
        },
        spec: {
          project: 'default',
          source: { repoUrl: g.repoUrl, targetRevision: g.branch, path: path.slice(2) },
          destination: { server: 'https://kubernetes.default.svc', namespace: u.namespace },
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            retry: { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } },
            syncOptions: ['PruneLast=true', 'ServerSideApply=true', ...(u.wave > 0 ? ['SkipDryRunOnMissingResource=true'] : [])],
          },
        },
      });
    }
  }
  return chart.toJson() as Manifest[];
}
