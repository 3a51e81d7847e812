import { App, Testing } from 'cdk8s';
import {
  AccessMode, AppWorkload, Cluster, ClusterProfileProps, Distro, GitOpsEngine, Longhorn, Namespace, NodeRole, Probe, RecurringJobTask, STORAGE_RULES,
  TaintEffect, WorkloadKind,
} from '../../lib';
import { evaluatePolicies } from '../../lib/policies/engine';
import { buildCortex } from '../../stacks/cortex';
import { buildHomelab } from '../../stacks/homelab';
import { errorOf } from '../helpers';
import { merge, records, workload } from '../policies/fixtures';
import { createValidator } from '../schema/validator';
import { longhornRelease, tieredProfile } from './rule-fixtures';

const NODE = { cpu: '6', memory: '5929Mi' };
const TAINT = [{ key: 'CriticalAddonsOnly', value: 'true', effect: TaintEffect.NO_EXECUTE }];
/** Cortex's shape, with Longhorn disks on only two of its four workers. */
const CORTEX_TWO_DISKS: ClusterProfileProps = {
  distro: Distro.K3S,
  version: 'v1.31.4+k3s1',
  gitops: { engine: GitOpsEngine.ARGO_CD, repoUrl: 'https://github.com/ry-ops/cortex-gitops' },
  nodes: [
    { name: 'k3s-master01', role: NodeRole.CONTROL_PLANE, allocatable: NODE, taints: TAINT },
    { name: 'k3s-worker01', allocatable: NODE, disks: [{ tier: 'default', capacity: '100Gi' }] },
    { name: 'k3s-worker02', allocatable: NODE, disks: [{ tier: 'default', capacity: '100Gi' }] },
    { name: 'k3s-worker03', allocatable: NODE },
    { name: 'k3s-worker04', allocatable: NODE },
  ],
};

describe('seed 000: the Qdrant volume that went "detached, faulted"', () => {
  test('as it was: the chart\'s longhorn class (3 replicas) on fewer nodes with disks is a synth error naming the nodes', () => {
    const qdrant = merge(workload('StatefulSet', 'qdrant', 'cortex-school'), {
      spec: { volumeClaimTemplates: [{ metadata: { name: 'qdrant-storage' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'longhorn', resources: { requests: { storage: '20Gi' } } } }] },
    });
    const found = evaluatePolicies(records(longhornRelease({}), qdrant), [{ name: 'storage', rules: STORAGE_RULES }], tieredProfile(CORTEX_TWO_DISKS))
      .filter((f) => f.ruleId === 'HK-STO-01');
    expect(found.map((f) => [f.path, f.message])).toEqual([['test/helmrelease-longhorn',
      'the chart\'s StorageClass longhorn (persistence.* values) asks for 3 replicas, but only 2 nodes carry Longhorn disks (k3s-worker01 and k3s-worker02): replicas need a node each, so every volume would run degraded with 2 of 3 replicas, and be faulted once those fail']]);
  });

  test('with the library: the chart\'s class and the tiers get replicas the nodes can hold, and more is refused at construction', () => {
    const cluster = new Cluster(Testing.app(), 'test', { profile: CORTEX_TWO_DISKS });
    const lh = new Longhorn(cluster, 'longhorn-system');
    expect([lh.defaultTier.storageClassName, lh.defaultTier.replicas, lh.defaultTier.nodes]).toEqual(['longhorn-default', 2, ['k3s-worker01', 'k3s-worker02']]);
    const ns = new Namespace(cluster, 'cortex-school');
    new AppWorkload(ns, 'qdrant', {
      kind: WorkloadKind.STATEFUL_SET, image: 'docker.io/qdrant/qdrant:v1.7.4', resources: { cpu: '50m', memory: '128Mi', memoryLimit: '512Mi' },
      ports: [{ name: 'http', port: 6333 }], probes: { readiness: Probe.httpGet('/readyz'), liveness: Probe.tcpSocket() },
      volumes: { 'qdrant-storage': { mountPath: '/qdrant/storage', source: lh.defaultTier.claim({ size: '20Gi', accessMode: AccessMode.READ_WRITE_ONCE }) } },
    });
    const r = cluster.synthesize();
    expect(r.findings.filter((f) => f.ruleId.startsWith('HK-STO'))).toEqual([]);
    const hr = r.objects.find((o) => o.manifest.kind === 'Application' && o.manifest.spec?.source?.chart === 'longhorn')!.manifest;
    expect(hr.spec.source.helm.valuesObject.persistence).toEqual({ defaultClass: false, defaultClassReplicaCount: 2, reclaimPolicy: 'Retain' });
    expect(errorOf(() => new Longhorn(new Cluster(Testing.app(), 'test', { profile: CORTEX_TWO_DISKS }), 'longhorn-system', { tiers: { default: { replicas: 3 } } })))
      .toBe('[test/longhorn-system] tiers.default.replicas = 3: tier "default" has disks on 2 nodes (k3s-worker01, k3s-worker02), so 3 replicas cannot sit on different nodes: every volume would run degraded with 2 of 3 replicas, and be faulted once those fail (the cortex Qdrant volume went faulted this way). Fix: use at most 2 replicas, or add default disks to more nodes in the profile');
  });
});

describe('seed 003: the kubelet-path outage', () => {
  test('the library derives csi.kubeletRootDir from the profile, and HK-STO-06 catches an override that disagrees', () => {
    const profile = { ...tieredProfileProps(), kubeletRootDir: '/var/lib/kubelet' };
    const ok = new Cluster(Testing.app(), 'test', { profile });
    new Longhorn(ok, 'longhorn-system', BACKED_UP);
    expect(ok.synthesize().findings.filter((f) => f.ruleId === 'HK-STO-06')).toEqual([]);

    const stale = new Cluster(Testing.app(), 'test', { profile });
    new Longhorn(stale, 'longhorn-system', { ...BACKED_UP, values: { csi: { kubeletRootDir: '/var/lib/rancher/k3s/agent/kubelet' } } });
    expect(stale.synthesize().errors.filter((e) => e.includes('HK-STO-06'))).toEqual([
      '[test/longhorn-system/longhorn/HelmRelease] HK-STO-06 (error) HelmRelease longhorn-system/longhorn: chart value csi.kubeletRootDir = "/var/lib/rancher/k3s/agent/kubelet" is a kubelet directory, but the kubelet of this cluster runs in /var/lib/kubelet (profile.kubeletRootDir)\n'
      + '    fix: use /var/lib/kubelet, or derive the value from the profile',
    ]);
  });
});

const BACKED_UP = {
  backupTarget: { url: 'nfs://192.168.10.100:/mnt/nvme_storage/longhorn-backups' },
  recurringJobs: { 'backup-daily': { task: RecurringJobTask.BACKUP, cron: '30 1 * * *', groups: ['default'] } },
};

function tieredProfileProps(): ClusterProfileProps {
  return { ...CORTEX_TWO_DISKS, gitops: { engine: GitOpsEngine.FLUX, repoUrl: 'ssh://git@github.com/example/cluster' } };
}

describe('the stacks\' storage', () => {
  const validator = createValidator();
  const longhornObjects = (cluster: Cluster) => cluster.synthesize().objects.map((o) => o.manifest)
    .filter((m) => m.kind === 'StorageClass' || m.apiVersion.startsWith('longhorn.io/') || m.metadata?.namespace === 'longhorn-system' || m.metadata?.name === 'longhorn-system');

  test('homelab: three tiers on the real disks, hourly snapshots everywhere, daily backups to the R730, no storage findings', () => {
    const cluster = buildHomelab(new App());
    const r = cluster.synthesize();
    expect(r.findings.filter((f) => f.ruleId.startsWith('HK-STO'))).toEqual([]);
    const classes = r.objects.filter((o) => o.manifest.kind === 'StorageClass').map((o) => o.manifest);
    expect(classes.map((c) => [c.metadata.name, c.parameters.numberOfReplicas, c.parameters.diskSelector, c.parameters.recurringJobSelector, c.metadata.annotations?.['storageclass.kubernetes.io/is-default-class']])).toEqual([
      ['longhorn-nvme', '3', 'nvme', '[{"name":"snapshots","isGroup":true},{"name":"backups","isGroup":true}]', 'true'],
      ['longhorn-optane', '1', 'optane', '[{"name":"snapshots","isGroup":true},{"name":"backups","isGroup":true}]', undefined],
      ['longhorn-sas-ssd', '1', 'sas-ssd', '[{"name":"snapshots","isGroup":true},{"name":"backups","isGroup":true}]', undefined],
    ]);
    const jobs = r.objects.filter((o) => o.manifest.kind === 'RecurringJob').map((o) => o.manifest.spec);
    expect(jobs.map((j) => [j.name, j.task, j.cron, j.retain, j.groups])).toEqual([
      ['snapshot-hourly', 'snapshot', '7 * * * *', 24, ['snapshots']],
      ['backup-daily', 'backup', '30 1 * * *', 7, ['backups']],
      ['trim-weekly', 'filesystem-trim', '45 4 * * 6', 0, ['snapshots']],
    ]);
    const hr = r.objects.find((o) => o.manifest.kind === 'HelmRelease' && o.manifest.metadata.name === 'longhorn')!.manifest;
    expect(hr.spec.values.csi).toEqual({ kubeletRootDir: '/var/lib/kubelet' });
    expect(hr.spec.values.defaultBackupStore).toEqual({ backupTarget: 'nfs://192.168.10.100:/mnt/nvme_storage/longhorn-backups', pollInterval: 300 });
    expect(hr.spec.values.ingress).toEqual({ enabled: false });
    expect(longhornObjects(cluster).flatMap((m) => validator.validate(m))).toEqual([]);
  });

  test('cortex: one replicated tier on the four workers for Qdrant and Redis, a daily snapshot, no storage findings', () => {
    const cluster = buildCortex(new App());
    const r = cluster.synthesize();
    expect(r.findings.filter((f) => f.ruleId.startsWith('HK-STO'))).toEqual([]);
    const cls = r.objects.find((o) => o.manifest.kind === 'StorageClass')!.manifest;
    expect([cls.metadata.name, cls.parameters.numberOfReplicas, cls.parameters.diskSelector, cls.metadata.annotations]).toEqual(['longhorn-default', '3', 'default', { 'storageclass.kubernetes.io/is-default-class': 'true' }]);
    const qdrant = r.objects.find((o) => o.manifest.kind === 'StatefulSet' && o.manifest.metadata.name === 'qdrant')!.manifest;
    expect(qdrant.spec.volumeClaimTemplates[0].spec.storageClassName).toBe('longhorn-default');
    const redis = r.objects.find((o) => o.manifest.kind === 'PersistentVolumeClaim' && o.manifest.metadata.name === 'redis-queue-data')!.manifest;
    expect(redis.spec.storageClassName).toBe('longhorn-default');
    expect(r.objects.filter((o) => o.manifest.kind === 'RecurringJob').map((o) => o.manifest.spec)).toEqual([
      { name: 'snapshot-daily', task: 'snapshot', cron: '20 1 * * *', retain: 7, concurrency: 1, groups: ['default'] },
    ]);
    expect(longhornObjects(cluster).flatMap((m) => validator.validate(m))).toEqual([]);
  });
});
