import * as YAML from 'yaml';
import { ValidationError } from '../core/errors';
import { GitOpsEngine } from '../core/profile';
import { CLUSTER_FOLDER, Cluster, ClusterSynthesis } from '../cluster/cluster';
import { Manifest } from '../policies/rule';
import { GitOpsUnit, gitOpsObjects } from './engine-objects';
import { renderReport } from './report';
import { upstreamChartsOf } from './upstream-chart';

/** Folder of the GitOps engine's own objects inside a cluster tree. */
export const GITOPS_FOLDER = 'gitops';
/** Folder of a namespace's own objects (Namespace, quota, limits, default policies). */
export const NAMESPACE_FOLDER = 'namespace';

/** A rendered cluster tree: relative file path → content. */
export type FileTree = Map<string, string>;

/** `Kind-name.yaml`, lower-case. */
export function fileNameOf(m: Manifest): string {
  return `${m.kind.toLowerCase()}-${m.metadata?.name ?? 'unnamed'}.yaml`;
}

function kustomization(resources: string[]): string {
  return YAML.stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources });
}

/**
 * Lays out a synthesized cluster as a GitOps tree (paths relative to the cluster folder):
 *
 * ```text
 * kustomization.yaml            every folder below (kubectl kustomize builds the whole cluster)
 * cluster/                      cluster-scoped objects
 * <namespace>/kustomization.yaml
 * <namespace>/namespace/        Namespace, ResourceQuota, LimitRange, default-deny, DNS egress
 * <namespace>/<app>/            one folder per app
 * gitops/                       Flux Kustomizations or Argo CD Applications, one per folder above
 * REPORT.md
 * ```
 */
export function renderClusterTree(cluster: Cluster, synthesis: ClusterSynthesis): FileTree {
  const files: FileTree = new Map();
  // folder -> app -> manifests
  const folders = new Map<string, Map<string, Manifest[]>>();
  for (const o of synthesis.objects) {
    const app = o.folder === CLUSTER_FOLDER ? '' : o.app ?? NAMESPACE_FOLDER;
    if (o.app === NAMESPACE_FOLDER || o.folder === GITOPS_FOLDER) {
      throw new ValidationError(o.path, { prop: 'id', value: o.app ?? o.folder, rule: `"${NAMESPACE_FOLDER}" and "${GITOPS_FOLDER}" are reserved folder names in the GitOps tree`, fix: 'rename the app or namespace' });
    }
    let apps = folders.get(o.folder);
    if (!apps) folders.set(o.folder, (apps = new Map()));
    const list = apps.get(app);
    if (list) list.push(o.manifest);
    else apps.set(app, [o.manifest]);
  }

  // API group -> unit of the upstream chart that installs its CRDs
  const providers = new Map<string, string>();
  for (const uc of upstreamChartsOf(cluster)) {
    for (const g of uc.release.providesApiGroups) providers.set(g, unitName(uc.release.namespace, uc.release.name));
  }
  const providerOf = (m: Manifest): string | undefined => {
    const slash = m.apiVersion.indexOf('/');
    return slash > 0 ? providers.get(m.apiVersion.slice(0, slash)) : undefined;
  };
  const crdDependencies = (unit: string, manifests: readonly Manifest[]): string[] => {
    const deps = new Set<string>();
    for (const m of manifests) {
      const provider = providerOf(m);
      if (provider !== undefined && provider !== unit) deps.add(provider);
    }
    return [...deps].sort();
  };

  // the cluster and namespace folders are applied before every app, so they cannot wait for a chart
  const refuseEarlyCustomResources = (dir: string, manifests: readonly Manifest[]) => {
    const early = manifests.find((m) => crdDependencies('', [m]).length);
    if (early) {
      throw new ValidationError(`${dir}/${fileNameOf(early)}`, { prop: 'scope', value: `${early.kind} ${early.metadata?.name}`, rule: `a custom resource in the ${dir} folder would be applied before the upstream chart that installs its CRD`, fix: 'create it inside its own app (a construct marked with markAppBoundary), which then waits for the chart' });
    }
  };

  const units: GitOpsUnit[] = [];
  const rootResources: string[] = [];
  const folderNames = [...folders.keys()].sort((a, b) => (a === CLUSTER_FOLDER ? -1 : b === CLUSTER_FOLDER ? 1 : a.localeCompare(b)));
  for (const folder of folderNames) {
    const apps = folders.get(folder)!;
    rootResources.push(folder);
    if (folder === CLUSTER_FOLDER) {
      const objs = apps.get('') ?? [];
      refuseEarlyCustomResources(CLUSTER_FOLDER, objs);
      writeObjects(files, CLUSTER_FOLDER, objs);
      units.push({ name: `${cluster.profile.name}-cluster`, folder: CLUSTER_FOLDER, dependsOn: [], wave: -2 });
      continue;
    }
    const appNames = [...apps.keys()].sort((a, b) => (a === NAMESPACE_FOLDER ? -1 : b === NAMESPACE_FOLDER ? 1 : a.localeCompare(b)));
    files.set(`${folder}/kustomization.yaml`, kustomization(appNames));
    const nsUnit = `${folder}-namespace`;
    for (const app of appNames) {
      writeObjects(files, `${folder}/${app}`, apps.get(app)!);
      if (app === NAMESPACE_FOLDER) {
        refuseEarlyCustomResources(`${folder}/${app}`, apps.get(app)!);
        units.push({ name: nsUnit, folder: `${folder}/${app}`, namespace: folder, dependsOn: [`${cluster.profile.name}-cluster`], wave: -1 });
      } else {
        const name = unitName(folder, app);
        const own = apps.get(app)!.find((m) => providerOf(m) === name);
        if (own) {
          throw new ValidationError(`${folder}/${app}/${fileNameOf(own)}`, { prop: 'scope', value: `${own.kind} ${own.metadata?.name}`, rule: 'a custom resource in the same app as the upstream chart that installs its CRD cannot be applied until the chart is installed, which that same apply does', fix: 'create the custom resource in its own app (a construct marked with markAppBoundary), which then waits for the chart' });
        }
        const crds = crdDependencies(name, apps.get(app)!);
        const base = apps.has(NAMESPACE_FOLDER) ? nsUnit : `${cluster.profile.name}-cluster`;
        units.push({ name, folder: `${folder}/${app}`, namespace: folder, dependsOn: [base, ...crds], wave: crds.length ? 1 : 0 });
      }
    }
  }

  const engineObjects = gitOpsObjects(cluster.profile, units);
  if (engineObjects.length) {
    rootResources.push(GITOPS_FOLDER);
    writeObjects(files, GITOPS_FOLDER, engineObjects);
  }
  files.set('kustomization.yaml', kustomization(rootResources));
  files.set('REPORT.md', renderReport(cluster, synthesis, cluster.profile.gitops?.engine ?? GitOpsEngine.FLUX));
  return files;
}

function unitName(folder: string, app: string): string {
  const n = `${folder}-${app}`;
  return n.length <= 63 ? n : n.slice(0, 63).replace(/-+$/, '');
}

function writeObjects(files: FileTree, dir: string, manifests: readonly Manifest[]) {
  const names: string[] = [];
  for (const m of manifests) {
    const name = fileNameOf(m);
    const path = `${dir}/${name}`;
    if (files.has(path)) {
      throw new ValidationError(dir, { prop: 'metadata.name', value: m.metadata?.name, rule: `two ${m.kind} objects with the same name in ${dir}`, fix: 'give every object of a kind its own name' });
    }
    files.set(path, YAML.stringify(m));
    names.push(name);
  }
  names.sort();
  files.set(`${dir}/kustomization.yaml`, kustomization(names));
}
