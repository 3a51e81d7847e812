import { ClusterProfile, Distro, GitOpsEngine } from '../../../lib/core/profile';
import { evaluatePolicies } from '../../../lib/policies/engine';
import { Manifest, RuleLevel } from '../../../lib/policies/rule';
import { FLUX_BOOTSTRAP, fluxReferencesRule } from '../../../lib/policies/rules/cluster';
import { found, namespaceObject, records, run, runWithProfile } from '../fixtures';

const E = RuleLevel.ERROR;

const helmRepository = (name: string, namespace = 'flux-system'): Manifest => ({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: { name, namespace }, spec: { url: `https://charts.example.com/${name}`, interval: '1h' } });
const ociRepository = (name: string, namespace: string): Manifest => ({ apiVersion: 'source.toolkit.fluxcd.io/v1beta2', kind: 'OCIRepository', metadata: { name, namespace }, spec: { url: `oci://ghcr.io/example/${name}`, interval: '1h' } });
function helmRelease(name: string, namespace: string, spec: any): Manifest {
  return { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name, namespace }, spec: { interval: '30m', ...spec } };
}
const chart = (repository: string, namespace?: string, kind = 'HelmRepository') => ({ chart: { spec: { chart: 'x', version: '1.0.0', sourceRef: { kind, name: repository, ...(namespace ? { namespace } : {}) } } } });
function kustomization(name: string, spec: any, namespace = 'flux-system'): Manifest {
  return { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name, namespace }, spec: { interval: '10m', path: './x', prune: true, ...spec } };
}

function fluxProfile(): ClusterProfile {
  return new ClusterProfile('homelab', {
    distro: Distro.K3S, version: 'v1.32.5+k3s1', nodes: [{ name: 'n1', allocatable: { cpu: '4', memory: '8Gi' } }],
    gitops: { engine: GitOpsEngine.FLUX, repoUrl: 'ssh://git@github.com/example/cluster', path: 'dist/homelab' },
  });
}

describe('HK-API-05 Flux sources and dependencies exist', () => {
  test('compliant: UpstreamChart-style release and repository, default namespace, chartRef, dependsOn, the bootstrap source', () => {
    const objects = [
      helmRepository('cert-manager', 'cert-manager'),
      helmRelease('cert-manager', 'cert-manager', chart('cert-manager', 'cert-manager')),
      helmRepository('velero', 'velero'),
      helmRelease('velero', 'velero', { ...chart('velero'), dependsOn: [{ name: 'cert-manager', namespace: 'cert-manager' }] }),
      ociRepository('podinfo', 'apps'),
      helmRelease('podinfo', 'apps', { chartRef: { kind: 'OCIRepository', name: 'podinfo' } }),
      kustomization('apps', { sourceRef: { kind: 'GitRepository', name: 'flux-system' } }),
      kustomization('extra', { sourceRef: { kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' }, dependsOn: [{ name: 'apps' }, { name: 'flux-system' }] }),
    ];
    expect(found(fluxReferencesRule, ...objects)).toEqual([]);
    expect(FLUX_BOOTSTRAP).toEqual({ namespace: 'flux-system', name: 'flux-system' });
  });

  test('seed 003: the oauth2-proxy HelmRelease whose HelmRepository no kustomization includes', () => {
    const release = helmRelease('oauth2-proxy-prometheus', 'monitoring', chart('oauth2-proxy', 'flux-system'));
    const f = run(fluxReferencesRule, release, helmRepository('prometheus-community'), helmRepository('grafana'));
    expect(f.map((x) => [x.level, x.kind, x.namespace, x.name, x.message, x.fix])).toEqual([[E, 'HelmRelease', 'monitoring', 'oauth2-proxy-prometheus',
      'spec.chart.spec.sourceRef names HelmRepository flux-system/oauth2-proxy, which is not in the object set (HelmRepositories in flux-system: grafana, prometheus-community), so the chart is never fetched and the release never installs',
      'name one of grafana, prometheus-community, or create HelmRepository oauth2-proxy in namespace flux-system']]);
  });

  test('the reference namespace defaults to the referrer\'s; kinds must match', () => {
    const inOwn = helmRelease('loki', 'monitoring', chart('grafana'));
    expect(run(fluxReferencesRule, inOwn, helmRepository('grafana')).map((x) => [x.message, x.fix])).toEqual([[
      'spec.chart.spec.sourceRef names HelmRepository monitoring/grafana, which is not in the object set (HelmRepositories in monitoring: none), so the chart is never fetched and the release never installs',
      'create HelmRepository grafana in namespace monitoring (UpstreamChart creates it with the release), or correct the reference']]);
    const wrongKind = helmRelease('app', 'apps', chart('charts', 'flux-system', 'GitRepository'));
    expect(found(fluxReferencesRule, wrongKind, helmRepository('charts'))).toEqual([[E,
      'spec.chart.spec.sourceRef names GitRepository flux-system/charts, which is not in the object set (GitRepositories in flux-system: none), so the chart is never fetched and the release never installs']]);
    expect(found(fluxReferencesRule, helmRelease('podinfo', 'apps', { chartRef: { kind: 'OCIRepository', name: 'podinfo' } }))).toEqual([[E,
      'spec.chartRef names OCIRepository apps/podinfo, which is not in the object set (OCIRepositories in apps: none), so the chart is never fetched and the release never installs']]);
  });

  test('dependsOn entries name a HelmRelease or Kustomization of the set', () => {
    const release = helmRelease('loki', 'monitoring', { ...chart('grafana', 'monitoring'), dependsOn: [{ name: 'kube-prometheus-stack' }, { name: 'cert-manager', namespace: 'cert-manager' }] });
    const f = run(fluxReferencesRule, release, helmRepository('grafana', 'monitoring'), helmRelease('cert-manager', 'cert-manager', chart('jetstack')), helmRepository('jetstack'));
    // the cert-manager release names a repository in its own namespace; jetstack is in flux-system
    expect(f.map((x) => `${x.name}: ${x.message}`)).toEqual([
      'loki: spec.dependsOn[0] names HelmRelease monitoring/kube-prometheus-stack, which is not in the object set (HelmReleases in monitoring: loki), so this release waits for it forever',
      'cert-manager: spec.chart.spec.sourceRef names HelmRepository cert-manager/jetstack, which is not in the object set (HelmRepositories in cert-manager: none), so the chart is never fetched and the release never installs',
    ]);
    const k = kustomization('monitoring', { sourceRef: { kind: 'GitRepository', name: 'homelab' }, dependsOn: [{ name: 'longhorn' }] });
    expect(found(fluxReferencesRule, k)).toEqual([
      [E, 'spec.sourceRef names GitRepository flux-system/homelab, which is not in the object set (GitRepositories in flux-system: none), so nothing under its path is ever applied'],
      [E, 'spec.dependsOn[0] names Kustomization flux-system/longhorn, which is not in the object set (Kustomizations in flux-system: monitoring), so this Kustomization waits for it forever'],
    ]);
  });

  test('with a Flux profile, the Kustomizations the GitOps tree writes (<cluster>-cluster, <namespace>-…) are known', () => {
    const k = kustomization('backups', { sourceRef: { kind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' }, dependsOn: [{ name: 'homelab-cluster' }, { name: 'velero-namespace' }, { name: 'velero-velero' }, { name: 'media-sonarr' }] }, 'velero');
    const objects = [namespaceObject('velero'), k];
    expect(runWithProfile(fluxReferencesRule, fluxProfile(), ...objects).map((f) => f.message)).toEqual([
      'spec.dependsOn[0] names Kustomization velero/homelab-cluster, which is not in the object set (Kustomizations in velero: backups), so this Kustomization waits for it forever',
      'spec.dependsOn[1] names Kustomization velero/velero-namespace, which is not in the object set (Kustomizations in velero: backups), so this Kustomization waits for it forever',
      'spec.dependsOn[2] names Kustomization velero/velero-velero, which is not in the object set (Kustomizations in velero: backups), so this Kustomization waits for it forever',
      'spec.dependsOn[3] names Kustomization velero/media-sonarr, which is not in the object set (Kustomizations in velero: backups), so this Kustomization waits for it forever',
    ]);
    const inFluxSystem = kustomization('backups', { sourceRef: { kind: 'GitRepository', name: 'flux-system' }, dependsOn: [{ name: 'homelab-cluster' }, { name: 'velero-namespace' }, { name: 'velero-velero' }, { name: 'media-sonarr' }] });
    expect(runWithProfile(fluxReferencesRule, fluxProfile(), namespaceObject('velero'), inFluxSystem).map((f) => f.message)).toEqual([
      // media is no namespace of the set
      'spec.dependsOn[3] names Kustomization flux-system/media-sonarr, which is not in the object set (Kustomizations in flux-system: backups), so this Kustomization waits for it forever',
    ]);
    // without a Flux profile nothing is assumed
    expect(found(fluxReferencesRule, namespaceObject('velero'), inFluxSystem)).toHaveLength(4);
  });

  test('objects of other API groups with the same kinds are ignored', () => {
    const notFlux: Manifest = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', metadata: { name: 'k' }, spec: { sourceRef: { name: 'nothing' } } } as any;
    expect(evaluatePolicies(records(notFlux), [{ name: 'x', rules: [fluxReferencesRule] }])).toEqual([]);
  });
});
