import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import { Cluster, GitOpsEngine, k8s, Namespace, UpstreamChart, markAppBoundary, renderClusterTree, upstreamChartsOf } from '../../lib';
import { Backup } from '../../lib/imports/velero.io';
import { createValidator } from '../schema/validator';
import { TEST_PROFILE, errorOf } from '../helpers';

jest.setTimeout(60_000);

const FP = { cpu: '100m', memory: '128Mi', memoryLimit: '256Mi', pods: 1 };
const CHART = { chart: 'velero', version: '10.1.3', repositoryUrl: 'https://vmware-tanzu.github.io/helm-charts' };

function lab(engine: GitOpsEngine | null = GitOpsEngine.FLUX): Cluster {
  return new Cluster(Testing.app(), 'lab', { profile: { ...TEST_PROFILE, gitops: engine ? { engine, repoUrl: 'https://github.com/me/lab' } : undefined }, policies: [] });
}

describe('UpstreamChart', () => {
  test('Flux: a HelmRepository and a HelmRelease with pinned version, values, CRD policy and remediation', () => {
    const ns = new Namespace(lab(), 'velero');
    const chart = new UpstreamChart(ns, 'velero', { chart: CHART, footprint: FP, values: { kubectl: { image: { tag: '1.29' } } } });
    const objs = Testing.synth(ns).filter((o: any) => o.apiVersion.includes('fluxcd'));
    expect(objs.map((o: any) => [o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name])).toEqual([
      ['source.toolkit.fluxcd.io/v1', 'HelmRepository', 'velero', 'velero'],
      ['helm.toolkit.fluxcd.io/v2', 'HelmRelease', 'velero', 'velero'],
    ]);
    expect(objs[0].spec).toEqual({ url: CHART.repositoryUrl, interval: '1h' });
    expect(objs[1].spec).toEqual({
      interval: '30m',
      releaseName: 'velero',
      chart: { spec: { chart: 'velero', version: '10.1.3', sourceRef: { kind: 'HelmRepository', name: 'velero', namespace: 'velero' }, interval: '1h' } },
      install: { crds: 'CreateReplace', remediation: { retries: 3 } },
      upgrade: { crds: 'CreateReplace', cleanupOnFail: true, remediation: { retries: 3, strategy: 'rollback' } },
      values: { kubectl: { image: { tag: '1.29' } } },
    });
    expect(chart.release).toEqual({ name: 'velero', namespace: 'velero', chart: CHART, values: { kubectl: { image: { tag: '1.29' } } }, providesApiGroups: [], dependsOn: [] });
    expect(chart.gitOpsObjects).toHaveLength(2);
  });

  test('values are copied: changing the caller\'s object later does not change the release', () => {
    const values: any = { a: { b: 1 } };
    const chart = new UpstreamChart(new Namespace(lab(), 'x'), 'x', { chart: CHART, footprint: FP, values });
    values.a.b = 2;
    expect(chart.release.values).toEqual({ a: { b: 1 } });
  });

  test('Flux: an oci:// repository is a HelmRepository of type oci; dependsOn names the other release', () => {
    const c = lab();
    const first = new UpstreamChart(new Namespace(c, 'a'), 'first', { chart: CHART, footprint: FP });
    const ns = new Namespace(c, 'b');
    new UpstreamChart(ns, 'second', { chart: { chart: 'thing', version: '1.0.0', repositoryUrl: 'oci://ghcr.io/org/charts' }, footprint: FP, dependsOn: [first], releaseName: 'thing' });
    const objs = Testing.synth(ns);
    expect(objs.find((o: any) => o.kind === 'HelmRepository').spec).toEqual({ url: 'oci://ghcr.io/org/charts', interval: '1h', type: 'oci' });
    const hr = objs.find((o: any) => o.kind === 'HelmRelease');
    expect(hr.metadata.name).toBe('thing');
    expect(hr.spec.dependsOn).toEqual([{ name: 'first', namespace: 'a' }]);
    expect(hr.spec.values).toBeUndefined();
  });

  test('Argo CD: one Application with a Helm source in the argocd namespace', () => {
    const ns = new Namespace(lab(GitOpsEngine.ARGO_CD), 'velero');
    new UpstreamChart(ns, 'velero', { chart: CHART, footprint: FP, values: { a: 1 }, providesApiGroups: ['velero.io'] });
    const app = Testing.synth(ns).find((o: any) => o.kind === 'Application');
    expect(app.metadata).toEqual({
      name: 'velero-velero-chart',
      namespace: 'argocd',
      labels: { 'app.kubernetes.io/name': 'velero', 'app.kubernetes.io/managed-by': 'hardened-homelab' },
      annotations: { 'argocd.argoproj.io/sync-wave': '-1', 'hardened-homelab.io/footprint': JSON.stringify(FP) },
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    });
    expect(app.spec).toEqual({
      project: 'default',
      source: { repoURL: CHART.repositoryUrl, chart: 'velero', targetRevision: '10.1.3', helm: { releaseName: 'velero', valuesObject: { a: 1 } } },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'velero' },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        retry: { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } },
        syncOptions: ['ServerSideApply=true', 'PruneLast=true'],
      },
    });
  });

  test('the engine objects validate against the Flux and Argo CD CRD schemas', () => {
    const v = createValidator();
    for (const engine of [GitOpsEngine.FLUX, GitOpsEngine.ARGO_CD]) {
      const ns = new Namespace(lab(engine), 'velero');
      new UpstreamChart(ns, 'velero', { chart: CHART, footprint: FP, values: { a: 1 } });
      const crs = Testing.synth(ns).filter((o: any) => /fluxcd|argoproj/.test(o.apiVersion));
      expect(crs.length).toBeGreaterThan(0);
      for (const o of crs) expect(v.validate(o)).toEqual([]);
    }
  });

  test('the tree: the chart has its own app folder after its namespace (Flux dependsOn, Argo CD wave 0)', () => {
    for (const engine of [GitOpsEngine.FLUX, GitOpsEngine.ARGO_CD]) {
      const c = lab(engine);
      new UpstreamChart(new Namespace(c, 'velero'), 'velero', { chart: CHART, footprint: FP, providesApiGroups: ['velero.io'] });
      const files = renderClusterTree(c, c.synthesize());
      if (engine === GitOpsEngine.FLUX) {
        expect(files.has('velero/velero/helmrelease-velero.yaml')).toBe(true);
        expect(YAML.parse(files.get('gitops/kustomization-velero-velero.yaml')!).spec.dependsOn).toEqual([{ name: 'velero-namespace' }]);
      } else {
        expect(files.has('velero/velero/application-velero-velero-chart.yaml')).toBe(true);
        expect(YAML.parse(files.get('gitops/application-velero-velero.yaml')!).metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '0' });
      }
    }
  });

  test('an app that uses a provided API group depends on the chart\'s unit', () => {
    const c = lab(GitOpsEngine.ARGO_CD);
    new UpstreamChart(new Namespace(c, 'velero'), 'velero', { chart: CHART, footprint: FP, providesApiGroups: ['velero.io'] });
    const backups = new Namespace(c, 'backups');
    const app = new Construct(backups, 'ladder');
    markAppBoundary(app, 'ladder');
    new Backup(app, 'nightly', { metadata: { name: 'nightly' }, spec: {} });
    const files = renderClusterTree(c, c.synthesize());
    const unit = YAML.parse(files.get('gitops/application-backups-ladder.yaml')!);
    expect(unit.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('1');
    expect(unit.spec.syncPolicy.syncOptions).toEqual(['PruneLast=true', 'ServerSideApply=true', 'SkipDryRunOnMissingResource=true']);
  });

  test('upstreamChartsOf finds every chart in tree order', () => {
    const c = lab();
    new UpstreamChart(new Namespace(c, 'a'), 'one', { chart: CHART, footprint: FP });
    new UpstreamChart(new Namespace(c, 'b'), 'two', { chart: CHART, footprint: FP });
    expect(upstreamChartsOf(c).map((u) => u.release.name)).toEqual(['one', 'two']);
  });

  test('a footprint is written to the engine object and counted in the derived namespace quota (DaemonSet share × nodes)', () => {
    const ns = new Namespace(lab(), 'velero');
    const chart = new UpstreamChart(ns, 'velero', { chart: CHART, footprint: { cpu: '100m', memory: '256Mi', memoryLimit: '512Mi', pods: 1, perNode: { cpu: '50m', memory: '64Mi', memoryLimit: '128Mi' } } });
    expect(chart.footprint!.memory.bytes).toBe(256 * 2 ** 20);
    const objs = Testing.synth(ns);
    expect(JSON.parse(objs.find((o: any) => o.kind === 'HelmRelease').metadata.annotations['hardened-homelab.io/footprint'])).toEqual({ cpu: '100m', memory: '256Mi', memoryLimit: '512Mi', pods: 1, perNode: { cpu: '50m', memory: '64Mi', memoryLimit: '128Mi' } });
    // 3 nodes in the profile: 100m + 3×50m = 250m → ×1.25 = 312.5m → 350m; 256Mi + 3×64Mi = 448Mi → 560Mi → 576Mi; 512Mi + 3×128Mi = 896Mi → 1120Mi → 1152Mi
    expect(objs.find((o: any) => o.kind === 'ResourceQuota').spec.hard).toEqual({ 'requests.cpu': '350m', 'requests.memory': '576Mi', 'limits.memory': '1152Mi' });
  });

  test('Argo CD: the footprint annotation sits next to the sync wave', () => {
    const ns = new Namespace(lab(GitOpsEngine.ARGO_CD), 'velero');
    new UpstreamChart(ns, 'velero', { chart: CHART, footprint: { cpu: '1', memory: '1Gi', memoryLimit: '2Gi', pods: 2 } });
    expect(Testing.synth(ns).find((o: any) => o.kind === 'Application').metadata.annotations).toEqual({
      'argocd.argoproj.io/sync-wave': '0', 'hardened-homelab.io/footprint': '{"cpu":"1","memory":"1Gi","memoryLimit":"2Gi","pods":2}' });
  });

  test('a visible allow-all NetworkPolicy for the release\'s pods by default; custom rules; or none', () => {
    const ns = new Namespace(lab(), 'velero');
    new UpstreamChart(ns, 'velero', { chart: CHART, footprint: FP });
    new UpstreamChart(ns, 'tight', { chart: CHART, footprint: FP, networkPolicy: { podSelector: { app: 'tight' }, ingress: [], egress: [{ ports: [{ port: k8s.IntOrString.fromNumber(443) }] }] } });
    new UpstreamChart(ns, 'own', { chart: CHART, footprint: FP, networkPolicy: false });
    const nps = Testing.synth(ns).filter((o: any) => o.kind === 'NetworkPolicy' && o.metadata.name.endsWith('-upstream'));
    expect(nps.map((n: any) => [n.metadata.name, n.spec])).toEqual([
      ['velero-upstream', { podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'velero' } }, policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{}] }],
      ['tight-upstream', { podSelector: { matchLabels: { app: 'tight' } }, policyTypes: ['Ingress', 'Egress'], ingress: [], egress: [{ ports: [{ port: 443 }] }] }],
    ]);
  });

  describe('refuses', () => {
    test('a chart without a footprint in a namespace that derives its quota; an explicit quota accepts it', () => {
      const ns = new Namespace(lab(), 'velero');
      new UpstreamChart(ns, 'velero', { chart: CHART });
      expect(errorOf(() => Testing.synth(ns))).toContain(
        '[lab/velero/velero] footprint = undefined: namespace velero derives its ResourceQuota from what runs in it, and this chart\'s pods are not known. Fix: give the UpstreamChart a footprint (the requests of its pods), or give the Namespace an explicit quota');
      const ok = new Namespace(lab(), 'velero', { quota: { cpu: '1', memory: '1Gi', memoryLimit: '2Gi' } });
      new UpstreamChart(ok, 'velero', { chart: CHART });
      expect(() => Testing.synth(ok)).not.toThrow();
    });
    test('a bad footprint', () => {
      const ns = new Namespace(lab(), 'v');
      expect(errorOf(() => new UpstreamChart(ns, 'a', { chart: CHART, footprint: { cpu: '100m', memory: '256MB', memoryLimit: '512Mi', pods: 1 } }))).toMatch(/^\[lab\/v\/a\] footprint\.memory = "256MB": /);
      expect(errorOf(() => new UpstreamChart(ns, 'b', { chart: CHART, footprint: { cpu: '100m', memory: '256Mi', memoryLimit: '128Mi', pods: 1 } }))).toBe(
        '[lab/v/b] footprint.memoryLimit = "128Mi": is below the memory requests (256Mi). Fix: sum the memory limits of the same pods');
      expect(errorOf(() => new UpstreamChart(ns, 'c', { chart: CHART, footprint: { cpu: '100m', memory: '256Mi', memoryLimit: '512Mi', pods: -1 } }))).toBe(
        '[lab/v/c] footprint.pods = -1: must be a whole number of at least 0. Fix: count the pods of the chart\'s Deployments and StatefulSets (all replicas)');
      expect(errorOf(() => new UpstreamChart(ns, 'd', { chart: CHART, footprint: { cpu: '1', memory: '1Gi', memoryLimit: '1Gi', pods: 1, perNode: { cpu: 'x', memory: '1Gi', memoryLimit: '1Gi' } } }))).toMatch(/^\[lab\/v\/d\] footprint\.perNode\.cpu = "x": /);
    });

    test('a custom resource in the same app as the chart that installs its CRD', () => {
      const c = lab();
      const chart = new UpstreamChart(new Namespace(c, 'velero'), 'velero', { chart: CHART, footprint: FP, providesApiGroups: ['velero.io'] });
      new Backup(chart, 'b', { metadata: { name: 'b' }, spec: {} });
      expect(errorOf(() => renderClusterTree(c, c.synthesize()))).toBe(
        '[velero/velero/backup-b.yaml] scope = "Backup b": a custom resource in the same app as the upstream chart that installs its CRD cannot be applied until the chart is installed, which that same apply does. Fix: create the custom resource in its own app (a construct marked with markAppBoundary), which then waits for the chart');
    });

    test('a scope outside a Namespace chart', () => {
      const c = lab();
      expect(errorOf(() => new UpstreamChart(c.clusterChart, 'x', { chart: CHART, footprint: FP }))).toBe(
        '[lab/cluster/x] scope = "lab/cluster": an upstream chart is installed into a namespace. Fix: create the UpstreamChart inside a Namespace chart');
    });
    test('a profile without a GitOps engine', () => {
      expect(errorOf(() => new UpstreamChart(new Namespace(lab(null), 'v'), 'velero', { chart: CHART, footprint: FP }))).toBe(
        '[lab/v/velero] profile.gitops = undefined: an upstream chart is installed by the GitOps engine, and the profile names none. Fix: set profile.gitops (engine FLUX or ARGO_CD, repoUrl); the Pulumi engine installs the same release as a Helm release');
    });
    test('a floating chart version', () => {
      expect(errorOf(() => new UpstreamChart(new Namespace(lab(), 'v'), 'velero', { chart: { ...CHART, version: '10.x' } }))).toBe(
        '[lab/v/velero] chart.version = "10.x": must be an exact semantic version (no ranges, no "latest"). Fix: pin the chart version in the Charts table, e.g. "1.9.2"');
    });
    test('a plain-http repository', () => {
      expect(errorOf(() => new UpstreamChart(new Namespace(lab(), 'v'), 'velero', { chart: { ...CHART, repositoryUrl: 'http://charts.example' } }))).toMatch(
        /^\[lab\/v\/velero\] chart\.repositoryUrl = "http:\/\/charts\.example": must be an https:\/\/ or oci:\/\/ Helm repository URL\. Fix: /);
    });
    test('an invalid release name', () => {
      expect(errorOf(() => new UpstreamChart(new Namespace(lab(), 'v'), 'velero', { chart: CHART, footprint: FP, releaseName: 'Velero_1' }))).toMatch(/^\[lab\/v\/velero\] releaseName = "Velero_1": /);
    });
    test('a bad API group', () => {
      expect(errorOf(() => new UpstreamChart(new Namespace(lab(), 'v'), 'velero', { chart: CHART, footprint: FP, providesApiGroups: ['velero'] }))).toBe(
        '[lab/v/velero] providesApiGroups = "velero": must be an API group such as "velero.io". Fix: list the group part of the CRDs\' apiVersion');
    });
    test('a bad interval', () => {
      expect(errorOf(() => new UpstreamChart(new Namespace(lab(), 'v'), 'velero', { chart: CHART, footprint: FP, interval: '30 minutes' }))).toBe(
        '[lab/v/velero] interval = "30 minutes": must be a Go duration in hours, minutes and seconds. Fix: use e.g. "30m" or "1h"');
    });
    test('a custom resource of a provided group in the cluster or a namespace folder', () => {
      // (the cluster and namespace folders are applied before every app, so they cannot wait for a chart)
      const c = lab();
      new UpstreamChart(new Namespace(c, 'velero'), 'velero', { chart: CHART, footprint: FP, providesApiGroups: ['velero.io'] });
      new Backup(c.clusterChart, 'b', { metadata: { name: 'b' }, spec: {} });
      expect(errorOf(() => renderClusterTree(c, c.synthesize()))).toBe(
        '[cluster/backup-b.yaml] scope = "Backup b": a custom resource in the cluster folder would be applied before the upstream chart that installs its CRD. Fix: create it inside its own app (a construct marked with markAppBoundary), which then waits for the chart');
      const d = lab();
      new UpstreamChart(new Namespace(d, 'velero'), 'velero', { chart: CHART, footprint: FP, providesApiGroups: ['velero.io'] });
      new Backup(new Namespace(d, 'backups'), 'nightly', { metadata: { name: 'nightly' }, spec: {} });
      expect(errorOf(() => renderClusterTree(d, d.synthesize()))).toMatch(/^\[backups\/namespace\/backup-nightly\.yaml\] scope = "Backup nightly": a custom resource in the backups\/namespace folder would be applied before /);
    });
  });
});

describe('UpstreamChart: one id per scope (issue 8)', () => {
  test('a second chart of the same id names its path and asks for another id', () => {
    const ns = new Namespace(lab(), 'velero');
    new UpstreamChart(ns, 'velero', { chart: CHART, footprint: FP });
    expect(errorOf(() => new UpstreamChart(ns, 'velero', { chart: CHART, footprint: FP }))).toBe(
      '[lab/velero/velero] id = "velero": lab/velero already has a construct with this id (UpstreamChart), and ids are unique within their scope. Fix: choose another id (the id names the objects it synthesizes), or reuse the construct you created first');
  });
});
