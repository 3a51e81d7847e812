import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { AppSize, AppWorkload, Cluster, GitOpsEngine, Namespace, Probe, k8s, renderClusterTree } from '../../lib';
import { TEST_PROFILE, errorOf, testCluster } from '../helpers';

/** A readiness check for apps that serve no port (a long-running app must have one). */
const READY = Probe.exec(['/bin/healthy']);

describe('Cluster', () => {
  test('synthesizes the three priority classes, cluster-scoped', () => {
    const cluster = testCluster();
    const pcs = Testing.synth(cluster.clusterChart).map((o: any) => [o.metadata.name, o.value, o.preemptionPolicy]);
    expect(pcs).toEqual([['workload-critical', 100000, 'PreemptLowerPriority'], ['workload-standard', 10000, 'PreemptLowerPriority'], ['workload-optional', 1000, 'Never']]);
  });

  test('synthesize() places objects in namespace and app folders and runs the baseline policies', () => {
    const cluster = testCluster(true);
    const ns = new Namespace(cluster, 'apps');
    new AppWorkload(ns, 'web', { image: 'ghcr.io/example/web:1.0.0', size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }] });
    const s = cluster.synthesize();
    expect(s.errors).toEqual([]);
    const where = (kind: string, name: string) => s.objects.filter((o) => o.manifest.kind === kind && o.manifest.metadata.name === name).map((o) => [o.folder, o.app]);
    expect(where('Deployment', 'web')).toEqual([['apps', 'web']]);
    expect(where('Namespace', 'apps')).toEqual([['apps', undefined]]);
    expect(where('ResourceQuota', 'compute')).toEqual([['apps', undefined]]);
    expect(where('PriorityClass', 'workload-critical')).toEqual([['cluster', undefined]]);
  });

  test('a policy violation fails synthesize() and Testing.synth with path, rule id and fix', () => {
    const cluster = testCluster(true);
    const ns = new Namespace(cluster, 'apps');
    new AppWorkload(ns, 'web', { image: 'ghcr.io/example/web:latest', size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }] });
    const s = cluster.synthesize();
    expect(s.errors).toHaveLength(1);
    expect(s.errors[0]).toMatch(/^\[test\/apps\/web\/Resource\] HK-IMG-01 \(error\) Deployment apps\/web: /);
    expect(errorOf(() => Testing.synth(ns))).toMatch(/HK-IMG-01 \(error\) Deployment apps\/web/);
  });

  test('a second Cluster of the same id in one app names its path and asks for another id', () => {
    const app = Testing.app();
    new Cluster(app, 'lab', { profile: TEST_PROFILE, policies: [] });
    expect(errorOf(() => new Cluster(app, 'lab', { profile: TEST_PROFILE, policies: [] }))).toBe(
      '[lab] id = "lab": the app already has a construct with this id (Cluster), and ids are unique within their scope. Fix: choose another id (the id names the objects it synthesizes), or reuse the construct you created first');
  });

  test('props or a profile left out by a JavaScript caller name the profile, never a TypeError', () => {
    const FIX = 'Fix: write e.g. { distro: Distro.K3S, version: "v1.32.5+k3s1", nodes: [...] }';
    expect(errorOf(() => new (Cluster as any)(Testing.app(), 'lab'))).toBe(`[lab] profile = undefined: the cluster profile must be an object. ${FIX}`);
    expect(errorOf(() => new Cluster(Testing.app(), 'lab', { profile: null as any }))).toBe(`[lab] profile = null: the cluster profile must be an object. ${FIX}`);
  });

  test('throws on an invalid profile with the cluster path', () => {
    expect(errorOf(() => new Cluster(Testing.app(), 'lab', { profile: { ...TEST_PROFILE, nodes: [TEST_PROFILE.nodes[1], TEST_PROFILE.nodes[1]] } }))).toBe(
      '[lab] profile.nodes[1].name = "worker1": duplicate node name. Fix: give every node its own name, as `kubectl get nodes` shows them');
  });
});

describe('GitOps tree', () => {
  function tree(engine: GitOpsEngine) {
    const cluster = new Cluster(Testing.app(), 'lab', { profile: { ...TEST_PROFILE, gitops: { engine, repoUrl: 'https://github.com/me/lab' } } });
    const ns = new Namespace(cluster, 'apps');
    new AppWorkload(ns, 'web', { image: 'ghcr.io/example/web:1.0.0', size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }] });
    return renderClusterTree(cluster, cluster.synthesize());
  }

  test('one folder per namespace and app, with a kustomization.yaml at each level', () => {
    const files = tree(GitOpsEngine.FLUX);
    expect(YAML.parse(files.get('kustomization.yaml')!).resources).toEqual(['cluster', 'apps', 'gitops']);
    expect(YAML.parse(files.get('apps/kustomization.yaml')!).resources).toEqual(['namespace', 'web']);
    expect(YAML.parse(files.get('apps/web/kustomization.yaml')!).resources).toEqual(['deployment-web.yaml', 'networkpolicy-web.yaml', 'service-web.yaml', 'serviceaccount-web.yaml']);
    expect(YAML.parse(files.get('apps/namespace/kustomization.yaml')!).resources).toEqual([
      'limitrange-container-defaults.yaml', 'namespace-apps.yaml', 'networkpolicy-allow-dns.yaml', 'networkpolicy-default-deny.yaml', 'resourcequota-compute.yaml']);
    expect(files.get('REPORT.md')).toContain('# lab: cluster report');
  });

  test('Flux: a Kustomization per folder with prune, wait and dependsOn', () => {
    const files = tree(GitOpsEngine.FLUX);
    const ks = YAML.parse(files.get('gitops/kustomization-apps-web.yaml')!);
    expect(ks.apiVersion).toBe('kustomize.toolkit.fluxcd.io/v1');
    expect(ks.metadata).toEqual({ name: 'apps-web', namespace: 'flux-system' });
    expect(ks.spec).toEqual({
      interval: '10m', retryInterval: '1m', timeout: '5m', path: './dist/lab/apps/web', prune: true, wait: true,
      sourceRef: { kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' }, dependsOn: [{ name: 'apps-namespace' }],
    });
    expect(YAML.parse(files.get('gitops/kustomization-apps-namespace.yaml')!).spec.dependsOn).toEqual([{ name: 'lab-cluster' }]);
  });

  test('Argo CD: an Application per folder with automated prune, selfHeal, retry and sync waves', () => {
    const files = tree(GitOpsEngine.ARGO_CD);
    const app = YAML.parse(files.get('gitops/application-apps-web.yaml')!);
    expect(app.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '0' });
    expect(app.spec).toEqual({
      project: 'default',
      source: { repoURL: 'https://github.com/me/lab', targetRevision: 'main', path: 'dist/lab/apps/web' },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'apps' },
      syncPolicy: { automated: { prune: true, selfHeal: true }, retry: { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } }, syncOptions: ['PruneLast=true', 'ServerSideApply=true'] },
    });
    expect(YAML.parse(files.get('gitops/application-apps-namespace.yaml')!).metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-1');
    expect(YAML.parse(files.get('gitops/application-lab-cluster.yaml')!).metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-2');
  });

  test('Flux root: GitRepository and Kustomization flux-system (as flux bootstrap writes them) apply the gitops folder', () => {
    const files = tree(GitOpsEngine.FLUX);
    expect(YAML.parse(files.get('gitops/gitrepository-flux-system.yaml')!)).toEqual({
      apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'flux-system', namespace: 'flux-system' },
      spec: { url: 'https://github.com/me/lab', ref: { branch: 'main' }, interval: '1m' },
    });
    expect(YAML.parse(files.get('gitops/kustomization-flux-system.yaml')!).spec).toEqual({
      interval: '10m', path: './dist/lab/gitops', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' },
    });
    // an ssh repository needs the deploy key Secret flux bootstrap creates
    const ssh = new Cluster(Testing.app(), 'lab', { profile: { ...TEST_PROFILE, gitops: { engine: GitOpsEngine.FLUX, repoUrl: 'ssh://git@github.com/me/lab' } }, policies: [] });
    new Namespace(ssh, 'apps');
    expect(YAML.parse(renderClusterTree(ssh, ssh.synthesize()).get('gitops/gitrepository-flux-system.yaml')!).spec.secretRef).toEqual({ name: 'flux-system' });
  });

  test('Argo CD root: an app-of-apps Application that applies the gitops folder', () => {
    const root = YAML.parse(tree(GitOpsEngine.ARGO_CD).get('gitops/application-lab-root.yaml')!);
    expect(root.metadata).toEqual({ name: 'lab-root', namespace: 'argocd', finalizers: ['resources-finalizer.argocd.argoproj.io'] });
    expect(root.spec.source).toEqual({ repoURL: 'https://github.com/me/lab', targetRevision: 'main', path: 'dist/lab/gitops' });
    expect(root.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'argocd' });
    expect(root.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
  });

  test('throws on an app named like a reserved folder', () => {
    const cluster = new Cluster(Testing.app(), 'lab', { profile: TEST_PROFILE, policies: [] });
    new AppWorkload(new Namespace(cluster, 'apps'), 'namespace', { image: 'x/y:1', healthCheck: READY, size: AppSize.SMALL });
    expect(errorOf(() => renderClusterTree(cluster, cluster.synthesize()))).toMatch(
      /^\[lab\/apps\/namespace\/\w+\] id = "namespace": "namespace" and "gitops" are reserved folder names in the GitOps tree\. Fix: rename the app or namespace$/);
  });
});

describe('cluster-scoped objects in namespaced charts', () => {
  test('lose the chart namespace: Namespace objects, ClusterIssuers and the like carry no metadata.namespace', () => {
    const cluster = new Cluster(Testing.app(), 'lab', { profile: TEST_PROFILE, policies: [] });
    const ns = new Namespace(cluster, 'apps');
    new k8s.KubeStorageClass(ns, 'fast', { metadata: { name: 'fast' }, provisioner: 'driver.longhorn.io' });
    const objs = cluster.synthesize().objects.map((o) => o.manifest);
    expect(objs.find((m) => m.kind === 'Namespace')!.metadata).not.toHaveProperty('namespace');
    expect(objs.find((m) => m.kind === 'StorageClass')!.metadata).toEqual({ name: 'fast' });
    expect(objs.find((m) => m.kind === 'LimitRange')!.metadata.namespace).toBe('apps');
    // Testing.synth sees the same objects
    expect(Testing.synth(ns).find((m: any) => m.kind === 'Namespace').metadata.namespace).toBeUndefined();
  });
});
