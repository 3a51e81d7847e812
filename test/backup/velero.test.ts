import { Testing } from 'cdk8s';
import { BackupStorageLocation, Cluster, GitOpsEngine, Images, Velero, parseCron } from '../../lib';
import { createValidator } from '../schema/validator';
import { errorOf, one } from '../helpers';
import { BACKUP_PROFILE, backupCluster, veleroObjects, veleroSetup } from './fixtures';

describe('Velero', () => {
  const { cluster } = veleroSetup();
  const objs = veleroObjects(cluster);
  const values = one(objs, 'HelmRelease', 'velero').spec.values;

  test('installs the pinned chart through Flux, ordered before the velero.io objects', () => {
    const hr = one(objs, 'HelmRelease', 'velero');
    expect(hr.spec.chart.spec).toEqual({ chart: 'velero', version: '10.1.3', sourceRef: { kind: 'HelmRepository', name: 'velero', namespace: 'velero' }, interval: '1h' });
    expect(one(objs, 'HelmRepository', 'velero').spec.url).toBe('https://vmware-tanzu.github.io/helm-charts');
  });

  test('pins the Velero, AWS plugin and kubectl images (seed 004: a kubectl tag derived from the cluster did not exist)', () => {
    expect(values.image).toEqual({ repository: 'docker.io/velero/velero', tag: 'v1.16.2', pullPolicy: 'IfNotPresent' });
    expect(values.initContainers).toEqual([{
      name: 'velero-plugin-for-aws',
      image: 'docker.io/velero/velero-plugin-for-aws:v1.12.2',
      imagePullPolicy: 'IfNotPresent',
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
      volumeMounts: [{ mountPath: '/target', name: 'plugins' }],
    }]);
    expect(values.kubectl.image).toEqual({ repository: 'docker.io/bitnamilegacy/kubectl', tag: '1.33.4' });
    expect(values.upgradeCRDs).toBe(true);
  });

  test('node agent under the profile\'s kubelet root dir, kopia, no chart locations, schedules or credentials Secret', () => {
    expect(values.deployNodeAgent).toBe(true);
    expect(values.nodeAgent).toEqual({
      podVolumePath: '/var/lib/kubelet/pods',
      pluginVolumePath: '/var/lib/kubelet/plugins',
      resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '2Gi' } },
      tolerations: [{ operator: 'Exists' }],
      priorityClassName: 'workload-standard',
      podSecurityContext: { runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } },
      containerSecurityContext: { privileged: false },
      dnsPolicy: 'ClusterFirst',
    });
    expect(values.configuration).toEqual({
      uploaderType: 'kopia',
      backupStorageLocation: [],
      volumeSnapshotLocation: [],
      logFormat: 'json',
      repositoryMaintenanceJob: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' }, latestJobsCount: 3 },
    });
    expect([values.backupsEnabled, values.snapshotsEnabled, values.credentials, values.schedules]).toEqual([false, false, { useSecret: false }, {}]);
  });

  test('restricted server, priority classes, metrics with a ServiceMonitor', () => {
    expect(values.podSecurityContext).toEqual({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    expect(values.containerSecurityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(values.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } });
    expect(values.priorityClassName).toBe('workload-critical');
    expect(values.metrics).toEqual({ enabled: true, serviceMonitor: { enabled: true, autodetect: false, additionalLabels: {} } });
  });

  test('the namespace: privileged for the node agent, a quota for server, jobs and one agent per node', () => {
    expect(one(objs, 'Namespace').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    // 2 x server (100m/256Mi/1Gi, the CRD job runs the same) + 2 maintenance jobs (100m/256Mi/1Gi) + 3 agents (100m/512Mi/2Gi), + 25 %
    expect(one(objs, 'ResourceQuota').spec.hard).toEqual({ 'requests.cpu': '900m', 'requests.memory': '3200Mi', 'limits.memory': '12800Mi' });
  });

  test('declares its footprint (server + one node agent per node) and no allow-all policy of the chart\'s own', () => {
    expect(JSON.parse(one(objs, 'HelmRelease', 'velero').metadata.annotations['hardened-homelab.io/footprint'])).toEqual({
      cpu: '100m', memory: '256Mi', memoryLimit: '1Gi', pods: 1, perNode: { cpu: '100m', memory: '512Mi', memoryLimit: '2Gi' },
    });
    expect(objs.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name)).toEqual(['default-deny', 'allow-dns', 'velero-egress', 'velero-metrics']);
  });

  test('NetworkPolicies: the API and the stores out (with the MinIO port), Prometheus in', () => {
    expect(one(objs, 'NetworkPolicy', 'velero-egress').spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        { ports: [{ port: 443, protocol: 'TCP' }, { port: 6443, protocol: 'TCP' }] },
        { to: [{ ipBlock: { cidr: '192.168.10.100/32' } }], ports: [{ port: 9000, protocol: 'TCP' }] },
      ],
    });
    expect(one(objs, 'NetworkPolicy', 'velero-metrics').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'velero' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 8085, protocol: 'TCP' }] }],
    });
  });

  test('options: no node agent (baseline namespace, smaller quota), custom kubelet dir, monitoring labels, Argo CD', () => {
    const cluster2 = new Cluster(Testing.app(), 'argo', {
      policies: [],
      profile: { ...BACKUP_PROFILE, kubeletRootDir: '/data/kubelet', gitops: { engine: GitOpsEngine.ARGO_CD, repoUrl: 'https://github.com/example/argo' } },
    });
    const { velero } = veleroSetup(cluster2, { monitoringLabels: { release: 'kube-prometheus-stack' }, prometheusNamespace: 'observability', serviceMonitor: false });
    expect(velero.version).toBe('v1.16.2');
    expect(velero.awsPluginVersion).toBe('v1.12.2');
    const s = cluster2.synthesize();
    const app = s.objects.find((o) => o.manifest.kind === 'Application' && o.manifest.metadata.name === 'velero-velero-chart')!.manifest;
    const v = app.spec.source.helm.valuesObject;
    expect([v.nodeAgent.podVolumePath, v.nodeAgent.pluginVolumePath]).toEqual(['/data/kubelet/pods', '/data/kubelet/plugins']);
    expect(v.metrics.serviceMonitor).toEqual({ enabled: false, autodetect: false, additionalLabels: { release: 'kube-prometheus-stack' } });
    expect(app.metadata.annotations?.['argocd.argoproj.io/sync-wave']).toBe('-1');

    const c3 = backupCluster();
    veleroSetup(c3, { nodeAgent: false });
    const o3 = veleroObjects(c3);
    const v3 = one(o3, 'HelmRelease', 'velero').spec.values;
    expect([v3.deployNodeAgent, v3.nodeAgent, one(o3, 'Namespace').metadata.labels['pod-security.kubernetes.io/enforce']]).toEqual([false, undefined, 'baseline']);
    expect(one(o3, 'ResourceQuota').spec.hard).toEqual({ 'requests.cpu': '500m', 'requests.memory': '1280Mi', 'limits.memory': '5Gi' });
  });

  test('every object validates against the Kubernetes and CRD schemas', () => {
    const validator = createValidator();
    expect(objs.flatMap((o) => validator.validate(o))).toEqual([]);
  });

  test.each([
    // the app pattern's resource checks (resolveResources), then the LimitRange ratio
    [{ serverResources: { cpu: '0', memory: '256Mi', memoryLimit: '1Gi' } }, '[test/velero] serverResources.cpu = "0": a CPU request of zero lets the scheduler pack the node until everything starves. Fix: request what the app uses at rest, e.g. "25m"'],
    [{ serverResources: { cpu: '100m', memory: '256Mi', memoryLimit: '128Mi' } }, '[test/velero] serverResources.memoryLimit = "128Mi": the memory limit is below the request 256Mi. Fix: set memoryLimit to at least "256Mi"'],
    [{ nodeAgentResources: { cpu: '100m', memory: '256Mi', memoryLimit: '4Gi' } }, '[test/velero] nodeAgentResources.memoryLimit = "4Gi": the memory limit must be between the request (256Mi) and 4x the request (the namespace LimitRange admits no higher ratio). Fix: set memoryLimit between "256Mi" and "1Gi"'],
    [{ maintenanceJobResources: { cpu: '100m', memory: '256MB', memoryLimit: '1Gi' } }, /^\[test\/velero\] maintenanceJobResources\.memory = "256MB": /],
    [{ image: { repository: 'docker.io/velero/velero', tag: 'latest' } }, '[test/velero] image.tag = "latest": images are pinned to a release tag. Fix: use the entry of the Images table, or a release tag such as "v1.16.2"'],
    [{ image: { repository: 'docker.io/velero/velero', tag: 'v1' } }, '[test/velero] image.tag = "v1": images are pinned to a release tag. Fix: use the entry of the Images table, or a release tag such as "v1.16.2"'],
  ])('refuses %j', (props, message) => {
    const fn = () => new Velero(backupCluster(), 'velero', props as any);
    if (typeof message === 'string') expect(errorOf(fn)).toBe(message);
    else expect(errorOf(fn)).toMatch(message);
  });

  test('needs a location, exactly one default, unique names', () => {
    const c1 = backupCluster();
    new Velero(c1);
    expect(c1.synthesize().errors).toEqual(['[test/velero] backupStorageLocations = []: a Velero install needs a BackupStorageLocation. Fix: add one, e.g. `new BackupStorageLocation(velero, \'minio-local\', { target: \'minio-local\', credential: { name: \'minio-credentials\' }, default: true })`']);
    const c2 = backupCluster();
    const v2 = new Velero(c2);
    new BackupStorageLocation(v2, 'minio-local', { target: 'minio-local', credential: { name: 'minio-credentials' } });
    expect(c2.synthesize().errors).toEqual(['[test/velero] backupStorageLocations = ["minio-local"]: none of them is the default, so backups that name no location fail validation. Fix: set `default: true` on exactly one of them']);
    const { velero } = veleroSetup();
    expect(errorOf(() => new BackupStorageLocation(velero, 'ceph', { target: 'ceph', credential: { name: 'ceph' }, default: true })))
      .toBe('[test/velero/ceph] default = true: minio-local is already the default BackupStorageLocation; Velero needs exactly one. Fix: remove `default: true` here or from minio-local');
  });

  test('a missing default is reported once, by the construct: HK-BAK-06 leaves the library\'s own locations to it', () => {
    const c = backupCluster(true);
    const v = new Velero(c);
    new BackupStorageLocation(v, 'minio-local', { target: 'minio-local', credential: { name: 'minio-credentials' } });
    const errors = c.synthesize().errors;
    expect(errors.filter((e) => /default/.test(e))).toEqual(['[test/velero] backupStorageLocations = ["minio-local"]: none of them is the default, so backups that name no location fail validation. Fix: set `default: true` on exactly one of them']);
  });

  test('constructs that belong to a Velero install refuse other scopes', () => {
    const cluster3 = backupCluster();
    const ns = new (require('../../lib').Namespace)(cluster3, 'apps');
    expect(errorOf(() => new BackupStorageLocation(ns, 'x', { target: 'minio-local', credential: { name: 'c' } })))
      .toBe('[test/apps/x] scope = "test/apps/x": a BackupStorageLocation belongs to a Velero install. Fix: create it inside the Velero namespace: `const velero = new Velero(cluster, \'velero\')`, then `new BackupStorageLocation(velero, ...)`');
  });

  test('freeMinute staggers from the start minute and refuses a full hour', () => {
    const { velero } = veleroSetup();
    expect(velero.freeMinute(5, 10)).toBe(5);
    expect(Images.velero.tag).toBe(velero.version);
    for (let m = 0; m < 60; m++) velero._registerSchedule(`s${m}`, parseCron(`${m} 0 1 1 *`));
    expect(errorOf(() => velero.freeMinute()))
      .toBe('[test/velero] schedules = 60: every minute of the hour already has a schedule. Fix: merge schedules: one Velero backup runs at a time anyway');
  });
});

describe('Velero refuses invalid tolerations and labels, and a second install of one id (issue 8)', () => {
  test('node agent tolerations and monitoring labels as the API server checks them', () => {
    expect(errorOf(() => new Velero(backupCluster(), 'velero', { nodeAgentTolerations: [{ operator: 'Exists', effect: 'NoRun' }] }))).toBe(
      '[test/velero] nodeAgentTolerations[0].effect = "NoRun": not a taint effect. Fix: use "NoSchedule", "PreferNoSchedule" or "NoExecute" (TaintEffect.*), or leave effect out to match every effect');
    expect(errorOf(() => new Velero(backupCluster(), 'velero', { monitoringLabels: { release: 'kube prometheus stack' } }))).toBe(
      '[test/velero] monitoringLabels.release = "kube prometheus stack": not a label value (at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit). Fix: did you mean "kube-prometheus-stack"?');
    expect(errorOf(() => new Velero(backupCluster(), 'velero', { prometheusNamespace: 'Monitoring' }))).toBe(
      '[test/velero] prometheusNamespace = "Monitoring": not a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit). Fix: did you mean "monitoring"?');
  });

  test('a second Velero of one id, and a location id used twice', () => {
    const s = veleroSetup();
    expect(errorOf(() => new Velero(s.cluster, 'velero'))).toBe(
      '[test/velero] id = "velero": test already has a construct with this id (Velero), and ids are unique within their scope. Fix: choose another id (the id names the objects it synthesizes), or reuse the construct you created first');
    expect(errorOf(() => new BackupStorageLocation(s.velero, 'minio-local', { target: 'minio-local', credential: { name: 'minio-credentials' } }))).toBe(
      '[test/velero/minio-local] id = "minio-local": test/velero already has a construct with this id (BackupStorageLocation), and ids are unique within their scope. Fix: choose another id (the id names the objects it synthesizes), or reuse the construct you created first');
  });
});
