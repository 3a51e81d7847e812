/**
 * HK-STO-08 (tier classes select their tier) and HK-STO-09 (Longhorn disk directories shared with
 * local PersistentVolumes or hostPath volumes), and the core helpers behind them.
 */
import {
  ClusterProfile, Distro, Longhorn, RecurringJobTask, isSameOrUnder, longhornDiskDirectories, longhornDiskDirectoryRule, normalizeHostPath,
  replicasFitNodesRule, tierDiskSelectorRule, tierNamesIn,
} from '../../lib';
import { evaluatePolicies } from '../../lib/policies/engine';
import { Manifest } from '../../lib/policies/rule';
import { errorOf } from '../helpers';
import { manifests, tieredCluster } from '../storage/fixtures';
import { claim, findings, longhornRelease, storageClass, tieredProfile } from '../storage/rule-fixtures';
import { createValidator } from '../schema/validator';
import { deployment, merge, records, workload } from './fixtures';

const p = tieredProfile(); // nvme on small-1, small-2 (/var/lib/longhorn) and big (/mnt/nvme-{1,2}/lh); optane on big (/mnt/optane-{1,2}/lh)

describe('core helpers', () => {
  test('tierNamesIn: whole hyphen-separated words, the longer of two overlapping tiers', () => {
    expect(tierNamesIn('longhorn-optane', ['nvme', 'optane'])).toEqual(['optane']);
    expect(tierNamesIn('longhorn-sas-ssd', ['ssd', 'sas-ssd'])).toEqual(['sas-ssd']);
    expect(tierNamesIn('ssd-and-sas-ssd', ['ssd', 'sas-ssd'])).toEqual(['sas-ssd', 'ssd']);
    expect(tierNamesIn('longhorn-nvmes', ['nvme'])).toEqual([]);
    expect(tierNamesIn('nvme', ['nvme'])).toEqual(['nvme']);
    expect(tierNamesIn('longhorn', ['nvme'])).toEqual([]);
  });

  test('host paths: normalized, and "is or lies under"', () => {
    expect(normalizeHostPath('/mnt//optane-1/./k8s-pv/')).toBe('/mnt/optane-1/k8s-pv');
    expect(normalizeHostPath('/mnt/optane-1/k8s-pv/../pv')).toBe('/mnt/optane-1/pv');
    expect(normalizeHostPath('/')).toBe('/');
    expect(isSameOrUnder('/mnt/optane-1/k8s-pv', '/mnt/optane-1/k8s-pv')).toBe(true);
    expect(isSameOrUnder('/mnt/optane-1/k8s-pv/db', '/mnt/optane-1/k8s-pv')).toBe(true);
    expect(isSameOrUnder('/mnt/optane-1/k8s-pv2', '/mnt/optane-1/k8s-pv')).toBe(false);
    expect(isSameOrUnder('/mnt/optane-1', '/mnt/optane-1/k8s-pv')).toBe(false);
  });

  test('longhornDiskDirectories: brace patterns expanded, /var/lib/longhorn for a disk without a path, unexpandable paths skipped', () => {
    const big = p.nodes.find((n) => n.name === 'big')!;
    expect(longhornDiskDirectories(big)).toEqual([
      { path: '/mnt/nvme-1/lh', tier: 'nvme' }, { path: '/mnt/nvme-2/lh', tier: 'nvme' },
      { path: '/mnt/optane-1/lh', tier: 'optane' }, { path: '/mnt/optane-2/lh', tier: 'optane' },
    ]);
    const odd = new ClusterProfile('lab', {
      distro: Distro.K3S, version: 'v1.32.5+k3s1',
      nodes: [{ name: 'a', allocatable: { cpu: '1', memory: '1Gi' }, disks: [{ tier: 'nvme', capacity: '1Gi' }, { tier: 'ssd', capacity: '1Gi', path: '/mnt/ssd-{x}/' }] }],
    });
    expect(longhornDiskDirectories(odd.nodes[0])).toEqual([{ path: '/var/lib/longhorn', tier: 'nvme' }]);
  });
});

describe('HK-STO-08 tier classes select their tier', () => {
  const fixes = (...ms: Manifest[]) => evaluatePolicies(records(...ms), [{ name: 't', rules: [tierDiskSelectorRule] }], p).map((f) => [f.message, f.fix]);

  test('compliant: classes selecting their tier, the chart\'s longhorn class, a hand-written "longhorn", other provisioners; nothing without a profile', () => {
    expect(findings(tierDiskSelectorRule, p,
      storageClass('longhorn-nvme', { diskSelector: 'nvme' }), storageClass('longhorn-optane', { diskSelector: 'optane', numberOfReplicas: '1' }),
      storageClass('fast', { diskSelector: 'optane', numberOfReplicas: '1' }), longhornRelease({}), storageClass('longhorn'),
      { ...storageClass('local-optane'), provisioner: 'kubernetes.io/no-provisioner' },
    )).toEqual([]);
    expect(findings(tierDiskSelectorRule, undefined, storageClass('longhorn-optane'))).toEqual([]);
  });

  test('no diskSelector is fine when the disks the class can use are of one tier (one tier in the profile, or a node selector)', () => {
    const oneTier = tieredProfile({
      nodes: ['a', 'b'].map((name) => ({ name, allocatable: { cpu: '2', memory: '4Gi' }, disks: [{ tier: 'default', capacity: '100Gi' }] })),
    });
    expect(findings(tierDiskSelectorRule, oneTier, storageClass('longhorn-default'), storageClass('replicated'))).toEqual([]);
    const split = tieredProfile({
      nodes: [
        { name: 'small', allocatable: { cpu: '2', memory: '4Gi' }, disks: [{ tier: 'nvme', capacity: '100Gi' }] },
        { name: 'big', allocatable: { cpu: '2', memory: '4Gi' }, disks: [{ tier: 'optane', capacity: '100Gi', path: '/mnt/optane' }] },
      ],
    });
    expect(findings(tierDiskSelectorRule, split, storageClass('on-small', { nodeSelector: 'nvme', numberOfReplicas: '1' }))).toEqual([]);
    expect(findings(tierDiskSelectorRule, split, storageClass('anywhere', { numberOfReplicas: '1' }))).toEqual([['test/storageclass-anywhere',
      'StorageClass anywhere sets no diskSelector, and the disks it can use are of several tiers, nvme and optane (on small and big): its replicas land on whichever Longhorn picks, so its volumes belong to no tier']]);
  });

  test('§1.11.7: a tier class without diskSelector, and a class without any on a multi-tier cluster', () => {
    expect(fixes(storageClass('longhorn-optane', { numberOfReplicas: '1', dataLocality: 'strict-local' }), storageClass('longhorn-replicated'))).toEqual([
      ['StorageClass longhorn-optane is named for tier optane but sets no diskSelector: Longhorn puts its replicas on disks of any tier, nvme and optane (on small-1, small-2 and big), so it is a tier in name only',
        'set parameters.diskSelector: "optane"'],
      ['StorageClass longhorn-replicated sets no diskSelector, and the disks it can use are of several tiers, nvme and optane (on small-1, small-2 and big): its replicas land on whichever Longhorn picks, so its volumes belong to no tier',
        'set parameters.diskSelector to one tier of the profile (nvme, optane), or use the chart\'s longhorn class for "any disk"'],
    ]);
  });

  test('a class named for one tier selecting another', () => {
    expect(fixes(storageClass('longhorn-optane', { diskSelector: 'nvme' }))).toEqual([[
      'StorageClass longhorn-optane is named for tier optane but its diskSelector selects nvme: its volumes live on nvme disks, not optane ones',
      'set parameters.diskSelector: "optane", or rename the class after the tier it selects',
    ]]);
  });

  test('a selector tag that is no tier (commit f078b84\'s "tags=optane") is HK-STO-01\'s, not reported twice', () => {
    const wrong = storageClass('longhorn-optane', { diskSelector: 'tags=optane', numberOfReplicas: '1' });
    expect(findings(tierDiskSelectorRule, p, wrong)).toEqual([]);
    expect(findings(replicasFitNodesRule, p, wrong)).toEqual([['test/storageclass-longhorn-optane',
      'StorageClass longhorn-optane selects disks tagged tags=optane, and no node of the profile has them: no replica can be placed and every volume would be faulted']]);
  });

  test('the library\'s Longhorn tier classes pass: each selects its tier', () => {
    const cluster = tieredCluster();
    new Longhorn(cluster, 'longhorn-system', {
      backupTarget: { url: 'nfs://192.168.10.100:/exports/longhorn' },
      recurringJobs: { 'backup-daily': { task: RecurringJobTask.BACKUP, cron: '30 1 * * *', groups: ['default'] } },
    });
    const objs = manifests(cluster);
    expect(objs.filter((o) => o.kind === 'StorageClass').map((o) => [o.metadata.name, o.parameters.diskSelector])).toEqual([['longhorn-nvme', 'nvme'], ['longhorn-optane', 'optane']]);
    expect(findings(tierDiskSelectorRule, p, ...objs)).toEqual([]);
  });

  test('Longhorn refuses a tier class named for another tier', () => {
    expect(errorOf(() => new Longhorn(tieredCluster(), 'longhorn-system', {
      backupTarget: { url: 'nfs://192.168.10.100:/exports/longhorn' },
      recurringJobs: { 'backup-daily': { task: RecurringJobTask.BACKUP, cron: '30 1 * * *', groups: ['default'] } },
      tiers: { optane: { storageClassName: 'nvme-fast' } },
    }))).toBe('[test/longhorn-system] tiers.optane.storageClassName = "nvme-fast": the name is that of tier "nvme", but the class keeps its volumes on optane disks (diskSelector "optane"), so claims by name would get the wrong tier (HK-STO-08). Fix: name it after its own tier, e.g. "longhorn-optane"');
  });
});

/** A static local PersistentVolume of class `local-ssd`, pinned to `node` when given. */
function localPv(name: string, path: string, node?: string, patch: any = {}): Manifest {
  return merge({
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name },
    spec: {
      capacity: { storage: '100Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'local-ssd',
      local: { path },
      ...(node ? { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } } } : {}),
    },
  }, patch);
}
const nvme = storageClass('longhorn-nvme', { diskSelector: 'nvme' });

describe('HK-STO-09 Longhorn disk directories are Longhorn\'s alone', () => {
  const hostPathPod = (name: string, path: string, podPatch: any = {}, namespace = 'apps') =>
    deployment(name, namespace, merge({ volumes: [{ name: 'data', hostPath: { path, type: 'Directory' } }] }, podPatch));

  test('compliant: other directories, a parent of a disk directory, other nodes, Longhorn\'s own namespace; nothing without Longhorn or a profile', () => {
    expect(findings(longhornDiskDirectoryRule, p, nvme,
      localPv('elsewhere', '/mnt/local/pv-1', 'big'),
      localPv('parent', '/mnt/optane-1', 'big'),
      localPv('sibling', '/mnt/optane-1/lh2', 'big'),
      localPv('other-node', '/mnt/optane-1/lh', 'small-1'),
      hostPathPod('pinned', '/var/lib/longhorn/x', { nodeSelector: { 'kubernetes.io/hostname': 'big' } }),
      hostPathPod('longhorn-manager', '/var/lib/longhorn', {}, 'longhorn-system'),
    )).toEqual([]);
    expect(findings(longhornDiskDirectoryRule, p, localPv('k3s3-optane-1', '/mnt/optane-1/lh', 'big'))).toEqual([]);
    expect(findings(longhornDiskDirectoryRule, undefined, nvme, localPv('k3s3-optane-1', '/mnt/optane-1/lh', 'big'))).toEqual([]);
  });

  test('§1.5: static local PVs on the directories of Longhorn\'s disks, and under them', () => {
    expect(findings(longhornDiskDirectoryRule, p, nvme,
      localPv('big-optane-1', '/mnt/optane-1/lh/', 'big'),
      localPv('big-nvme-2', '/mnt/nvme-2/lh/data', 'big'),
      localPv('anywhere', '/var/lib/longhorn', undefined, { spec: { local: undefined, hostPath: { path: '/var/lib/longhorn' } } }),
    )).toEqual([
      ['test/persistentvolume-big-optane-1', 'PersistentVolume big-optane-1 (local path /mnt/optane-1/lh) is the Longhorn optane disk directory /mnt/optane-1/lh on big: Longhorn and the volume would write one directory and share its space'],
      ['test/persistentvolume-big-nvme-2', 'PersistentVolume big-nvme-2 (local path /mnt/nvme-2/lh/data) lies under the Longhorn nvme disk directory /mnt/nvme-2/lh on big: Longhorn and the volume would write one directory and share its space'],
      ['test/persistentvolume-anywhere', 'PersistentVolume anywhere (hostPath path /var/lib/longhorn, no node affinity) is the Longhorn nvme disk directory /var/lib/longhorn on small-1 and small-2: Longhorn and the volume would write one directory and share its space'],
    ]);
  });

  test('a pod hostPath volume on nodes it may run on; the chart alone marks Longhorn as present', () => {
    const ds = merge(workload('DaemonSet', 'scrubber', 'apps'), { spec: { template: { spec: { volumes: [{ name: 'scratch', hostPath: { path: '/mnt/optane-2/lh/tmp' } }] } } } });
    expect(findings(longhornDiskDirectoryRule, p, longhornRelease(), hostPathPod('cache', '/var/lib/longhorn/cache'), ds)).toEqual([
      ['test/deployment-cache', 'Deployment apps/cache mounts host path /var/lib/longhorn/cache (volume "data"), which lies under the Longhorn nvme disk directory /var/lib/longhorn on small-1 and small-2: Longhorn and the pod would write one directory and share its space'],
      ['test/daemonset-scrubber', 'DaemonSet apps/scrubber mounts host path /mnt/optane-2/lh/tmp (volume "scratch"), which lies under the Longhorn optane disk directory /mnt/optane-2/lh on big: Longhorn and the pod would write one directory and share its space'],
    ]);
    // the release names Longhorn's namespace: its own pods there are not judged
    const elsewhere = { ...longhornRelease(), metadata: { name: 'longhorn', namespace: 'flux-system' }, spec: { ...longhornRelease().spec, targetNamespace: 'storage' } };
    expect(findings(longhornDiskDirectoryRule, p, elsewhere, hostPathPod('manager', '/var/lib/longhorn', {}, 'storage'))).toEqual([]);
  });

  test('the fixtures are valid Kubernetes objects', () => {
    const v = createValidator();
    expect([localPv('a', '/mnt/x', 'big'), claim('c', 'local-ssd'), hostPathPod('h', '/x')].flatMap((o) => v.validate(o))).toEqual([]);
  });
});
