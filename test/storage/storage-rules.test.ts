import {
  fsGroupChangePolicyRule, foreignKubeletDir, kubeletRootDirRule, recurringJobReferencesRule, replicasFitNodesRule, singleDefaultClassRule,
  singleReplicaBackupRule, tierCapacityRule,
} from '../../lib';
import { createContext } from '../../lib/policies/engine';
import { Manifest } from '../../lib/policies/rule';
import { deployment, merge, records, workload } from '../policies/fixtures';
import { claim, findings, longhornRelease, recurringJob, storageClass, tieredProfile } from './rule-fixtures';

const p = tieredProfile();
const nvme = (params: Record<string, string> = {}, isDefault = false) => storageClass('nvme', { diskSelector: 'nvme', ...params }, isDefault);
const optane = (params: Record<string, string> = {}, isDefault = false) => storageClass('optane', { diskSelector: 'optane', numberOfReplicas: '1', ...params }, isDefault);
const daily = '[{"name":"daily","isGroup":true}]';
/** A StatefulSet with one volumeClaimTemplate `data`. */
const sts = (name: string, cls: string | undefined, size: string, replicas = 1, labels?: Record<string, string>): Manifest => merge(workload('StatefulSet', name), {
  spec: { replicas, volumeClaimTemplates: [{ metadata: { name: 'data', ...(labels ? { labels } : {}) }, spec: { accessModes: ['ReadWriteOnce'], ...(cls ? { storageClassName: cls } : {}), resources: { requests: { storage: size } } } }] },
});

describe('HK-STO-01 replicas fit the nodes carrying the disks', () => {
  test('compliant: 3 replicas on 3 NVMe nodes, 1 on the Optane node; not applicable without a profile', () => {
    expect(findings(replicasFitNodesRule, p, nvme(), optane())).toEqual([]);
    expect(findings(replicasFitNodesRule, undefined, nvme({ numberOfReplicas: '9' }))).toEqual([]);
  });

  test('more replicas than nodes (the homelab\'s 2-replica SAS-SSD class on one node)', () => {
    expect(findings(replicasFitNodesRule, p, optane({ numberOfReplicas: '2' }))).toEqual([['test/storageclass-optane',
      'StorageClass optane asks for 2 replicas, but only 1 node carries disks tagged optane (big): replicas need a node each, so every volume would run degraded with 1 of 2 replicas, and be faulted once those fail']]);
    expect(findings(replicasFitNodesRule, p, nvme({ numberOfReplicas: '4' }))).toEqual([['test/storageclass-nvme',
      'StorageClass nvme asks for 4 replicas, but only 3 nodes carry disks tagged nvme (small-1, small-2 and big): replicas need a node each, so every volume would run degraded with 3 of 4 replicas, and be faulted once those fail']]);
    expect(findings(replicasFitNodesRule, p, nvme({ nodeSelector: 'optane' }))).toEqual([['test/storageclass-nvme',
      'StorageClass nvme asks for 3 replicas, but only 1 node carries disks tagged nvme on nodes tagged optane (big): replicas need a node each, so every volume would run degraded with 1 of 3 replicas, and be faulted once those fail']]);
  });

  test('the chart\'s own class counts: 3 replicas by default, on nodes with any Longhorn disk', () => {
    const two = tieredProfile({
      nodes: ['w1', 'w2', 'w3'].map((name, i) => ({ name, allocatable: { cpu: '6', memory: '5929Mi' }, ...(i < 2 ? { disks: [{ tier: 'default', capacity: '50Gi' }] } : {}) })),
    });
    expect(findings(replicasFitNodesRule, two, longhornRelease({}))).toEqual([['test/helmrelease-longhorn',
      'the chart\'s StorageClass longhorn (persistence.* values) asks for 3 replicas, but only 2 nodes carry Longhorn disks (w1 and w2): replicas need a node each, so every volume would run degraded with 2 of 3 replicas, and be faulted once those fail']]);
    expect(findings(replicasFitNodesRule, two, longhornRelease({ persistence: { defaultClassReplicaCount: 2 } }))).toEqual([]);
  });

  test('no matching disk, no disks at all, strict-local with several replicas', () => {
    expect(findings(replicasFitNodesRule, p, storageClass('sata', { diskSelector: 'sata' }))).toEqual([['test/storageclass-sata',
      'StorageClass sata selects disks tagged sata, and no node of the profile has them: no replica can be placed and every volume would be faulted']]);
    expect(findings(replicasFitNodesRule, tieredProfile({ nodes: [{ name: 'a', allocatable: { cpu: '1', memory: '1Gi' } }] }), storageClass('x'))).toEqual([['test/storageclass-x',
      'StorageClass x needs Longhorn disks, and no node of the lab profile declares one, so no replica can be placed and every volume would be faulted']]);
    expect(findings(replicasFitNodesRule, p, nvme({ dataLocality: 'strict-local' }))).toEqual([['test/storageclass-nvme',
      'StorageClass nvme uses strict-local data locality with 3 replicas; strict-local keeps the only replica on the pod\'s node, so Longhorn takes exactly 1']]);
  });

  test('classes of other provisioners are not judged', () => {
    expect(findings(replicasFitNodesRule, p, { ...storageClass('local', { numberOfReplicas: '9' }), provisioner: 'rancher.io/local-path' })).toEqual([]);
  });
});

describe('HK-STO-02 one-replica volumes are backed up', () => {
  test('compliant: the class selects a backup group, or gets the default group with a backup in it', () => {
    expect(findings(singleReplicaBackupRule, p, optane({ recurringJobSelector: daily }), recurringJob('bk', 'backup', ['daily']))).toEqual([]);
    expect(findings(singleReplicaBackupRule, p, optane(), recurringJob('bk', 'backup-force-create', ['default']))).toEqual([]);
    // three replicas need no backup job here
    expect(findings(singleReplicaBackupRule, p, nvme())).toEqual([]);
  });

  test('a one-replica class without a backup job', () => {
    expect(findings(singleReplicaBackupRule, p, optane(), recurringJob('snap', 'snapshot', ['default']))).toEqual([['test/storageclass-optane',
      'StorageClass optane keeps one replica per volume, and its volumes\' jobs (group default: snap snapshot) include no backup: losing the disk loses the data']]);
    expect(findings(singleReplicaBackupRule, p, optane({ recurringJobSelector: '[{"name":"bk","isGroup":false}]' }))).toEqual([['test/storageclass-optane',
      'StorageClass optane keeps one replica per volume, and its volumes\' jobs (job bk: none) include no backup: losing the disk loses the data']]);
  });

  test('a claim that becomes the label source must keep a backup job', () => {
    const jobs = [optane({ recurringJobSelector: daily }), recurringJob('bk', 'backup', ['daily']), recurringJob('snap', 'snapshot', ['hourly'])];
    const source = { 'recurring-job.longhorn.io/source': 'enabled' };
    expect(findings(singleReplicaBackupRule, p, ...jobs, claim('db', 'optane', '10Gi', { ...source, 'recurring-job-group.longhorn.io/hourly': 'enabled' }))).toEqual([['test/persistentvolumeclaim-db',
      'claim apps/db is on one-replica StorageClass optane and, as its volume\'s recurring-job label source, replaces the class\'s jobs with group hourly, which include no backup']]);
    expect(findings(singleReplicaBackupRule, p, ...jobs, claim('db', 'optane', '10Gi', { ...source, 'recurring-job-group.longhorn.io/hourly': 'enabled', 'recurring-job.longhorn.io/bk': 'enabled' }))).toEqual([]);
    // labels without the source label change nothing (HK-STO-03 reports them)
    expect(findings(singleReplicaBackupRule, p, ...jobs, claim('db', 'optane', '10Gi', { 'recurring-job-group.longhorn.io/hourly': 'enabled' }))).toEqual([]);
  });

  test('backup jobs need a backup target in the Longhorn release (defaultSettings.backupTarget is ignored since 1.8)', () => {
    expect(findings(singleReplicaBackupRule, p, longhornRelease(), recurringJob('bk', 'backup', ['daily']))).toEqual([['test/recurringjob-bk',
      'RecurringJob longhorn-system/bk is a backup job, and the Longhorn release longhorn sets no backup target']]);
    expect(findings(singleReplicaBackupRule, p, longhornRelease({ defaultSettings: { backupTarget: 'nfs://nas:/b' } }), recurringJob('sys', 'system-backup'))).toEqual([['test/recurringjob-sys',
      'RecurringJob longhorn-system/sys is a system-backup job, and the Longhorn release longhorn sets no backup target (defaultSettings.backupTarget is ignored by chart 1.9.2: the target moved to defaultBackupStore.backupTarget in 1.8)']]);
    // before chart 1.8 defaultSettings.backupTarget was the place (HK-BAK-01 reads it the same way)
    expect(findings(singleReplicaBackupRule, p, longhornRelease({ defaultSettings: { backupTarget: 'nfs://nas:/b' } }, '1.7.2'), recurringJob('bk', 'backup'))).toEqual([]);
    // a longhorn.io BackupTarget object declares it too
    const cr = { apiVersion: 'longhorn.io/v1beta2', kind: 'BackupTarget', metadata: { name: 'default', namespace: 'longhorn-system' }, spec: { backupTargetURL: 's3://bucket@us-east-1/' } };
    expect(findings(singleReplicaBackupRule, p, longhornRelease(), cr, recurringJob('bk', 'backup'))).toEqual([]);
    expect(findings(singleReplicaBackupRule, p, longhornRelease({ defaultBackupStore: { backupTarget: 'nfs://nas:/b' } }), recurringJob('bk', 'backup'))).toEqual([]);
    // without the release in the object set (Longhorn installed elsewhere) there is nothing to judge
    expect(findings(singleReplicaBackupRule, p, recurringJob('bk', 'backup'))).toEqual([]);
  });
});

describe('HK-STO-03 recurring-job references', () => {
  test('compliant: classes and claims name existing jobs and groups, claims as label source with "enabled"', () => {
    expect(findings(recurringJobReferencesRule, p,
      nvme({ recurringJobSelector: '[{"name":"daily","isGroup":true},{"name":"snap","isGroup":false}]' }), recurringJob('bk', 'backup', ['daily']), recurringJob('snap', 'snapshot'),
      claim('a', 'nvme', '1Gi', { 'recurring-job.longhorn.io/source': 'enabled', 'recurring-job-group.longhorn.io/daily': 'enabled', 'recurring-job.longhorn.io/snap': 'enabled' }),
      // claims on other classes are not Longhorn's business
      claim('b', 'local-path', '1Gi', { 'recurring-job-group.longhorn.io/x': 'enabled' }),
    )).toEqual([]);
  });

  test('classes selecting missing jobs and groups, or an unreadable selector', () => {
    expect(findings(recurringJobReferencesRule, p, nvme({ recurringJobSelector: '[{"name":"daily","isGroup":true},{"name":"snap","isGroup":false}]' }), storageClass('bad', { recurringJobSelector: 'daily' }),
      storageClass('worse', { recurringJobSelector: '[{"group":"daily"}]' }), recurringJob('bk', 'backup', ['weekly']))).toEqual([
      ['test/storageclass-nvme', 'StorageClass nvme selects recurring job group "daily", which no RecurringJob is in (groups: weekly), so its volumes get no job from it'],
      ['test/storageclass-nvme', 'StorageClass nvme selects recurring job "snap", which no RecurringJob is named (jobs: bk), so its volumes get no job from it'],
      ['test/storageclass-bad', 'StorageClass bad: recurringJobSelector is not JSON: daily'],
      ['test/storageclass-worse', 'StorageClass worse: recurringJobSelector must be a JSON list of {"name": "<job or group>", "isGroup": true|false}: [{"group":"daily"}]'],
    ]);
    expect(findings(recurringJobReferencesRule, p, longhornRelease({ persistence: { recurringJobSelector: { enable: true, jobList: '[{"name":"x","isGroup":true}]' } } }))).toEqual([
      ['test/helmrelease-longhorn', 'the chart\'s StorageClass longhorn (persistence.* values) selects recurring job group "x", which no RecurringJob is in (groups: none), so its volumes get no job from it'],
    ]);
  });

  test('claim labels without the source label, with values other than "enabled", or naming nothing', () => {
    expect(findings(recurringJobReferencesRule, p, nvme(), recurringJob('bk', 'backup', ['weekly']),
      claim('a', 'nvme', '1Gi', { 'recurring-job-group.longhorn.io/weekly': 'enabled' }),
      claim('b', 'nvme', '1Gi', { 'recurring-job.longhorn.io/source': 'true', 'recurring-job-group.longhorn.io/weekly': 'true', 'recurring-job.longhorn.io/hourly': 'enabled' }),
      sts('db', 'nvme', '1Gi', 1, { 'recurring-job-group.longhorn.io/x': 'enabled' }),
    )).toEqual([
      ['test/persistentvolumeclaim-a', 'claim apps/a carries recurring-job labels (group weekly) without recurring-job.longhorn.io/source: enabled, so Longhorn never copies them to the volume'],
      ['test/persistentvolumeclaim-b', 'claim apps/b has recurring-job.longhorn.io/source: "true"; Longhorn only reads "enabled"'],
      ['test/persistentvolumeclaim-b', 'claim apps/b carries recurring-job labels (job hourly, group weekly) without recurring-job.longhorn.io/source: enabled, so Longhorn never copies them to the volume'],
      ['test/persistentvolumeclaim-b', 'claim apps/b names recurring job "hourly", which no RecurringJob is named (jobs: bk)'],
      ['test/persistentvolumeclaim-b', 'claim apps/b has recurring-job-group.longhorn.io/weekly: "true"; Longhorn only applies the value "enabled"'],
      ['test/statefulset-db', 'volumeClaimTemplate "data" of StatefulSet apps/db carries recurring-job labels (group x) without recurring-job.longhorn.io/source: enabled, so Longhorn never copies them to the volume'],
      ['test/statefulset-db', 'volumeClaimTemplate "data" of StatefulSet apps/db names recurring job group "x", which no RecurringJob is in (groups: weekly)'],
    ]);
  });
});

describe('HK-STO-04 tier capacity', () => {
  test('compliant: claims times replicas within the disks; not applicable without disks or classes', () => {
    expect(findings(tierCapacityRule, p, nvme(), optane(), claim('a', 'nvme', '300Gi'), claim('b', 'optane', '150Gi'), claim('c', 'other', '99Ti'))).toEqual([]);
    expect(findings(tierCapacityRule, tieredProfile({ nodes: [{ name: 'a', allocatable: { cpu: '1', memory: '1Gi' } }] }), nvme(), claim('a', 'nvme', '9Ti'))).toEqual([]);
    expect(findings(tierCapacityRule, p, claim('a', 'nvme', '9Ti'))).toEqual([]);
  });

  test('claims times replicas beyond the tier\'s disks, StatefulSet replicas and the default class counted', () => {
    expect(findings(tierCapacityRule, p, optane(), claim('a', 'optane', '150Gi'), claim('b', 'optane', '100Gi'))).toEqual([['test/persistentvolumeclaim-a',
      'Longhorn tier "optane" needs 250Gi for its claims with their replicas (optane: 250Gi × 1), more than the 200Gi of disks the profile declares for it; the largest is claim apps/a (150Gi with replicas)']]);
    expect(findings(tierCapacityRule, p, optane({}, true), sts('db', undefined, '80Gi', 3))).toEqual([['test/statefulset-db',
      'Longhorn tier "optane" needs 240Gi for its claims with their replicas (optane: 240Gi × 1), more than the 200Gi of disks the profile declares for it; the largest is volumeClaimTemplate "data" of StatefulSet apps/db (240Gi with replicas)']]);
  });

  test('a claim larger than the nodes its replicas need', () => {
    expect(findings(tierCapacityRule, p, nvme(), claim('a', 'nvme', '500Gi'))).toEqual([['test/persistentvolumeclaim-a',
      'claim apps/a requests 500Gi on StorageClass nvme, whose 3 replicas need 3 different nodes with that much disk; the nodes have big 1800Gi, small-1 400Gi and small-2 400Gi']]);
  });

  test('replicas on different nodes: the small nodes bound the tier (600Gi × 3 fits 2600Gi, but not 400Gi nodes)', () => {
    expect(findings(tierCapacityRule, p, nvme(), claim('a', 'nvme', '300Gi'), claim('b', 'nvme', '300Gi'))).toEqual([['test/persistentvolumeclaim-a',
      'StorageClass nvme has 600Gi of claims with 3 replicas each on different nodes, and its nodes (big 1800Gi, small-1 400Gi and small-2 400Gi) can hold 400Gi that way']]);
  });

  test('the "Storage tiers" report section', () => {
    const ctx = createContext(records(
      nvme({}, true), optane(), longhornRelease({ persistence: { defaultClass: false, defaultClassReplicaCount: 2 } }),
      claim('a', 'nvme', '20Gi'), sts('db', 'optane', '50Gi', 2), claim('c', undefined, '10Gi'),
    ), p);
    const section = tierCapacityRule.report!(ctx)!;
    expect(section.title).toBe('Storage tiers');
    expect(section.lines.slice(0, 9)).toEqual([
      'Longhorn StorageClasses by tier (disk tag): replicas per volume, the nodes carrying the tier\'s disks, the disks\' capacity, and what the claims take with their replicas.',
      '',
      '| tier | class | replicas | nodes | capacity | requested × replicas | use % |',
      '|---|---|---|---|---|---|---|',
      '| any disk | longhorn (chart) | 2 | small-1, small-2, big | 2800Gi | 0 × 2 = 0 | 0% |',
      '| any disk | **total** (all classes) | | | 2800Gi | 190Gi | 7% |',
      '| nvme | nvme (default) | 3 | small-1, small-2, big | 2600Gi | 30Gi × 3 = 90Gi | 3% |',
      '| optane | optane | 1 | big | 200Gi | 100Gi × 1 = 100Gi | 50% |',
      '',
    ]);
    expect(section.lines).toContain('kubectl label node big node.longhorn.io/create-default-disk=config --overwrite');
    expect(tierCapacityRule.report!(createContext(records(claim('a', 'nvme')), p))).toBeUndefined();
  });
});

describe('HK-STO-05 fsGroupChangePolicy with Longhorn volumes', () => {
  const vol = (claimName: string) => ({ volumes: [{ name: 'd', persistentVolumeClaim: { claimName } }] });
  test('compliant: OnRootMismatch, no fsGroup, a ReadWriteMany claim, or not Longhorn', () => {
    expect(findings(fsGroupChangePolicyRule, p, nvme(), claim('data', 'nvme'), claim('shared', 'nvme', '1Gi', undefined, ['ReadWriteMany']), claim('local', 'local-path'),
      deployment('b', 'apps', { securityContext: { fsGroup: 10001, fsGroupChangePolicy: 'OnRootMismatch' }, ...vol('data') }),
      deployment('c', 'apps', vol('shared')),
      deployment('d', 'apps', { securityContext: { fsGroup: undefined }, ...vol('data') }),
      deployment('e', 'apps', vol('local')),
    )).toEqual([]);
  });

  test('fsGroup on a ReadWriteOnce Longhorn claim or volumeClaimTemplate without OnRootMismatch', () => {
    expect(findings(fsGroupChangePolicyRule, p, nvme(), claim('data', 'nvme'), deployment('a', 'apps', vol('data')), sts('e', 'nvme', '1Gi'),
      deployment('f', 'apps', { securityContext: { fsGroupChangePolicy: 'Always' }, ...vol('data') }))).toEqual([
      ['test/deployment-a', 'Deployment apps/a sets fsGroup 10001 and mounts Longhorn claim data with fsGroupChangePolicy unset (Always): the kubelet re-owns every file on every mount'],
      ['test/statefulset-e', 'StatefulSet apps/e sets fsGroup 10001 and mounts Longhorn volumeClaimTemplate "data" with fsGroupChangePolicy unset (Always): the kubelet re-owns every file on every mount'],
      ['test/deployment-f', 'Deployment apps/f sets fsGroup 10001 and mounts Longhorn claim data with fsGroupChangePolicy Always: the kubelet re-owns every file on every mount'],
    ]);
  });
});

describe('HK-STO-06 kubelet paths agree with the profile', () => {
  const agent = (path: string) => merge(workload('DaemonSet', 'node-agent', 'velero'), { spec: { template: { spec: { volumes: [{ name: 'host-pods', hostPath: { path } }] } } } });

  test('which kubelet directory a path is in', () => {
    expect(foreignKubeletDir('/var/lib/rancher/k3s/agent/kubelet/pods', '/var/lib/kubelet')).toBe('/var/lib/rancher/k3s/agent/kubelet');
    expect(foreignKubeletDir('/var/lib/kubelet/pods', '/var/lib/kubelet')).toBeUndefined();
    expect(foreignKubeletDir('/var/lib/kubelet/', '/var/lib/kubelet')).toBeUndefined();
    expect(foreignKubeletDir('/var/lib/kubelet/plugins', '/var/lib/rancher/k3s/agent/kubelet')).toBe('/var/lib/kubelet');
    expect(foreignKubeletDir('/var/snap/microk8s/common/var/lib/kubelet', '/var/lib/kubelet')).toBe('/var/snap/microk8s/common/var/lib/kubelet');
    expect(foreignKubeletDir('/var/lib/k0s/kubelet/pods', '/var/lib/kubelet')).toBe('/var/lib/k0s/kubelet');
    expect(foreignKubeletDir('/var/log/kubelet', '/var/lib/kubelet')).toBeUndefined();
    expect(foreignKubeletDir('/var/lib/kubelet-plugins', '/data/kubelet')).toBeUndefined();
    expect(foreignKubeletDir('/data/kubelet/pods', '/data/kubelet')).toBeUndefined();
  });

  test('the seed 003 outage: a node agent and the Longhorn chart pointing at the stale K3s kubelet path', () => {
    expect(findings(kubeletRootDirRule, p, agent('/var/lib/rancher/k3s/agent/kubelet/pods'), agent('/var/lib/kubelet/pods'),
      longhornRelease({ csi: { kubeletRootDir: '/var/lib/rancher/k3s/agent/kubelet' }, extraArgs: ['--kubelet-dir=/var/snap/microk8s/common/var/lib/kubelet', '/var/log/kubelet', '/var/lib/kubelet-plugins'] }))).toEqual([
      ['test/daemonset-node-agent', 'volume "host-pods" mounts host path /var/lib/rancher/k3s/agent/kubelet/pods, which lies under the kubelet directory /var/lib/rancher/k3s/agent/kubelet, but the kubelet of this cluster runs in /var/lib/kubelet (profile.kubeletRootDir)'],
      ['test/helmrelease-longhorn', 'chart value csi.kubeletRootDir = "/var/lib/rancher/k3s/agent/kubelet" is a kubelet directory, but the kubelet of this cluster runs in /var/lib/kubelet (profile.kubeletRootDir)'],
      ['test/helmrelease-longhorn', 'chart value extraArgs[0] = "--kubelet-dir=/var/snap/microk8s/common/var/lib/kubelet" names /var/snap/microk8s/common/var/lib/kubelet, which is a kubelet directory, but the kubelet of this cluster runs in /var/lib/kubelet (profile.kubeletRootDir)'],
    ]);
  });

  test('the other way round, and PersistentVolumes', () => {
    const stale = tieredProfile({ kubeletRootDir: '/var/lib/rancher/k3s/agent/kubelet' });
    const pv: Manifest = { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'x' }, spec: { local: { path: '/var/lib/kubelet/plugins/x' } } };
    expect(findings(kubeletRootDirRule, stale, pv, agent('/var/lib/rancher/k3s/agent/kubelet/pods'))).toEqual([
      ['test/persistentvolume-x', 'PersistentVolume x points at /var/lib/kubelet/plugins/x, which lies under the kubelet directory /var/lib/kubelet, but the kubelet of this cluster runs in /var/lib/rancher/k3s/agent/kubelet (profile.kubeletRootDir)'],
    ]);
    expect(findings(kubeletRootDirRule, undefined, agent('/var/lib/rancher/k3s/agent/kubelet/pods'))).toEqual([]);
  });
});

describe('HK-STO-07 one default StorageClass', () => {
  test('two defaults, the chart\'s class (default unless persistence.defaultClass is false) included', () => {
    const localPath = { ...storageClass('local-path', {}, true), provisioner: 'rancher.io/local-path' };
    expect(findings(singleDefaultClassRule, p, nvme({}, true), longhornRelease({}), localPath)).toEqual([
      ['test/storageclass-local-path', 'StorageClass local-path is marked default, and so are nvme and longhorn'],
      ['test/helmrelease-longhorn', 'the Longhorn chart\'s StorageClass longhorn is marked default, and so are nvme and local-path'],
    ]);
    expect(findings(singleDefaultClassRule, p, nvme({}, true), longhornRelease({ persistence: { defaultClass: true } }))).toEqual([
      ['test/helmrelease-longhorn', 'the Longhorn chart\'s StorageClass longhorn is marked default, and so is nvme'],
    ]);
    expect(findings(singleDefaultClassRule, p, nvme({}, true), longhornRelease({ persistence: { defaultClass: false } }))).toEqual([]);
  });
});
