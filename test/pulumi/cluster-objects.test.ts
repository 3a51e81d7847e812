import * as pulumi from '@pulumi/pulumi';
import { App, Chart, Testing } from 'cdk8s';
import { k8s as k8s29 } from 'cdk8s-plus-29';
import { AppSize, AppWorkload, Cluster, EnvValue, GitOpsEngine, Namespace, UpstreamChart, requireSecret } from '../../lib';
import { Backup } from '../../lib/imports/velero.io';
import { TEST_PROFILE } from '../helpers';
import { installMocks, registered, settle } from './mocks';

jest.setTimeout(60_000);

const FP = { cpu: '100m', memory: '128Mi', memoryLimit: '256Mi', pods: 1 };
const CHART = { chart: 'velero', version: '10.1.3', repositoryUrl: 'https://vmware-tanzu.github.io/helm-charts' };

/** A cluster with an upstream chart, a custom resource of its API group, and Secret references. */
function lab(): Cluster {
  const c = new Cluster(new App({ outdir: '/nonexistent' }), 'lab', { profile: { ...TEST_PROFILE, gitops: { engine: GitOpsEngine.FLUX, repoUrl: 'https://github.com/me/lab' } }, policies: [] });
  const velero = new Namespace(c, 'velero');
  const chart = new UpstreamChart(velero, 'velero', { chart: CHART, footprint: FP, values: { kubectl: { tag: '1.29' } }, providesApiGroups: ['velero.io'] });
  requireSecret(chart, { name: 'cloud-credentials', keys: { cloud: { description: 'the S3 credentials file', validate: (v) => (v.includes('aws_access_key_id') ? undefined : 'not an AWS credentials file') } } });
  new UpstreamChart(velero, 'second', { chart: { ...CHART, chart: 'other', repositoryUrl: 'oci://ghcr.io/org/charts' }, footprint: FP, dependsOn: [chart] });
  const apps = new Namespace(c, 'apps');
  new AppWorkload(apps, 'web', { image: 'ghcr.io/x/web:1.0.0', size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }], env: { TOKEN: EnvValue.fromSecret('web-token', 'token'), MAYBE: EnvValue.fromSecret('web-extra', 'x', true) } });
  new Backup(apps, 'nightly', { metadata: { name: 'nightly' }, spec: {} });
  new k8s29.KubeSecret(apps, 'made-here', { metadata: { name: 'made-here' }, stringData: { a: 'b' } });
  return c;
}

const GOOD_SECRETS = { velero: { 'cloud-credentials': { cloud: '[default]\naws_access_key_id=x\n' } }, apps: { 'web-token': { token: 't0k3n' } } };

describe('ClusterObjects', () => {
  const deps = new Map<string, string[]>();

  beforeAll(async () => {
    await installMocks();
  });

  test('registers prerequisites, secrets, Helm releases, objects and custom resources in order under the component', async () => {
    const { ClusterObjects } = await import('../../lib/pulumi');
    registered.length = 0;
    const record: pulumi.ResourceTransformation = (a) => {
      deps.set(a.name, ((a.opts.dependsOn ?? []) as pulumi.Resource[]).map((r: any) => r.__name));
      return undefined;
    };
    const component = new ClusterObjects('lab', { cluster: lab(), secretValues: GOOD_SECRETS }, { transformations: [record] });
    await settle();

    const byType = (t: string) => registered.filter((r) => r.type === t);
    expect(byType('hardened-homelab:k8s:ClusterObjects').map((r) => r.name)).toEqual(['lab']);
    expect(byType('kubernetes:yaml/v2:ConfigGroup').map((r) => r.name).sort()).toEqual(['lab-custom-resources', 'lab-objects', 'lab-prerequisites']);
    const groups = Object.fromEntries(byType('kubernetes:yaml/v2:ConfigGroup').map((g) => [g.name, g.inputs.objs.map((o: any) => `${o.kind}/${o.metadata.name}`)]));
    expect(groups['lab-prerequisites']).toEqual(['PriorityClass/workload-critical', 'PriorityClass/workload-standard', 'PriorityClass/workload-optional', 'Namespace/velero', 'Namespace/apps']);
    expect(groups['lab-custom-resources']).toEqual(['Backup/nightly']);
    expect(groups['lab-objects']).toContain('Deployment/web');
    expect(groups['lab-objects']).toContain('Secret/made-here');
    // the GitOps-controller objects of upstream charts are not handed to Pulumi
    expect(groups['lab-objects'].filter((k: string) => /^Helm/.test(k))).toEqual([]);
    expect(component.plan.omitted.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual(['HelmRepository/velero', 'HelmRelease/velero', 'HelmRepository/second', 'HelmRelease/second']);

    const releases = byType('kubernetes:helm.sh/v3:Release');
    releases.sort((a, b) => b.name.localeCompare(a.name));
    expect(releases.map((r) => r.name)).toEqual(['lab-velero-velero', 'lab-velero-second']);
    expect(releases[0].inputs).toMatchObject({ name: 'velero', namespace: 'velero', chart: 'velero', version: '10.1.3', repositoryOpts: { repo: CHART.repositoryUrl }, values: { kubectl: { tag: '1.29' } }, createNamespace: false, atomic: true });
    expect(releases[1].inputs).toMatchObject({ name: 'second', chart: 'oci://ghcr.io/org/charts/other', version: '10.1.3' });
    expect(releases[1].inputs.repositoryOpts).toBeUndefined();

    const secrets = byType('kubernetes:core/v1:Secret').sort((a, b) => a.name.localeCompare(b.name));
    // web-extra is referenced only as optional and has no value: not created
    expect(secrets.map((s) => [s.name, s.inputs.metadata.namespace, s.inputs.metadata.name, s.inputs.type])).toEqual([
      ['lab-apps-web-token', 'apps', 'web-token', 'Opaque'],
      ['lab-velero-cloud-credentials', 'velero', 'cloud-credentials', 'Opaque'],
    ]);
    expect(component.objectCount).toBe(groups['lab-prerequisites'].length + groups['lab-objects'].length + 1);
  });

  test('dependsOn: releases and secrets after prerequisites; custom resources after the release providing their group', () => {
    expect(deps.get('lab-prerequisites')).toEqual([]);
    expect(deps.get('lab-velero-velero')).toEqual(['lab-prerequisites']);
    expect(deps.get('lab-velero-second')).toEqual(['lab-prerequisites', 'lab-velero-velero']);
    expect(deps.get('lab-apps-web-token')).toEqual(['lab-prerequisites']);
    expect(deps.get('lab-objects')).toEqual(['lab-prerequisites', 'lab-apps-web-token', 'lab-velero-cloud-credentials']);
    expect(deps.get('lab-custom-resources')).toEqual(['lab-prerequisites', 'lab-apps-web-token', 'lab-velero-cloud-credentials', 'lab-velero-velero']);
  });
});

describe('ClusterObjects refuses', () => {
  beforeAll(async () => {
    await installMocks();
  });

  test('a missing secret, naming the pulumi config set command; an optional reference is not required', async () => {
    const { ClusterObjects } = await import('../../lib/pulumi');
    expect(() => new ClusterObjects('lab', { cluster: lab(), secretValues: { velero: GOOD_SECRETS.velero } })).toThrow(
      "ClusterObjects lab: 1 secret value(s) missing or invalid:\n- Secret apps/web-token key \"token\", read by Deployment apps/web, is not set. Fix: pulumi config set --secret --path 'secrets.apps.web-token.token' <value>");
  });

  test('a value the consumer\'s check refuses, naming the config key', async () => {
    const { ClusterObjects } = await import('../../lib/pulumi');
    expect(() => new ClusterObjects('lab', { cluster: lab(), secretValues: { ...GOOD_SECRETS, velero: { 'cloud-credentials': { cloud: 'nope' } } } })).toThrow(
      "- config hardened-homelab:secrets.velero.cloud-credentials.cloud: not an AWS credentials file. Fix: pulumi config set --secret --path 'secrets.velero.cloud-credentials.cloud' <value> with a valid value");
  });

  test('secret values read from the `secrets` config object when not given', async () => {
    const { ClusterObjects } = await import('../../lib/pulumi');
    pulumi.runtime.setAllConfig({ 'hardened-homelab:secrets': JSON.stringify(GOOD_SECRETS) }, ['hardened-homelab:secrets']);
    expect(new ClusterObjects('cfg', { cluster: lab() }).secrets.size).toBe(2);
    pulumi.runtime.setAllConfig({}, []);
    expect(() => new ClusterObjects('cfg2', { cluster: lab() })).toThrow(/2 secret value\(s\) missing or invalid/);
  });

  test('a cluster that fails its policies', async () => {
    const { ClusterObjects } = await import('../../lib/pulumi');
    const c = new Cluster(new App({ outdir: '/nonexistent' }), 'bad', { profile: TEST_PROFILE });
    new AppWorkload(new Namespace(c, 'apps'), 'web', { image: 'ghcr.io/x/web:latest', size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }] });
    expect(() => new ClusterObjects('bad', { cluster: c })).toThrow(/^cluster bad fails its checks:\n\[bad\/apps\/web\/Resource\] HK-IMG-01 \(error\)/);
  });

  test('both or neither of cluster and charts', async () => {
    const { ClusterObjects } = await import('../../lib/pulumi');
    expect(() => new ClusterObjects('x', {})).toThrow('ClusterObjects x: args.cluster and args.charts: give exactly one. Fix: pass the Cluster a stack builds, or the charts of your own cdk8s program');
  });

  test('a release that depends on a chart not given', async () => {
    const { ClusterObjects } = await import('../../lib/pulumi');
    const c = lab();
    const velero = c.node.findChild('velero') as Chart;
    expect(() => new ClusterObjects('part', { charts: [velero], secretValues: GOOD_SECRETS })).not.toThrow();
    const other = new Cluster(Testing.app(), 'o', { profile: { ...TEST_PROFILE, gitops: { engine: GitOpsEngine.FLUX, repoUrl: 'https://x/y' } }, policies: [] });
    const first = new UpstreamChart(new Namespace(other, 'a'), 'first', { chart: CHART, footprint: FP });
    const b = new Namespace(other, 'b');
    new UpstreamChart(b, 'then', { chart: CHART, footprint: FP, dependsOn: [first] });
    expect(() => new ClusterObjects('part2', { charts: [b] })).toThrow('ClusterObjects part2: release b/then depends on a/first, which is not among the charts given. Fix: pass the chart that installs a/first too');
  });
});
