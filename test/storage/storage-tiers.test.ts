import {
  ClusterProfile, Distro, LonghornKeys, expandDiskPath, formatStorageSize, longhornEligibleNodes, longhornGroupLabel, longhornJobLabel,
  longhornNodeSetup, placeableBytes, profileStorageTiers,
} from '../../lib';
import { errorOf } from '../helpers';

const GI = 2 ** 30;

const profile = new ClusterProfile('lab', {
  distro: Distro.K3S,
  version: 'v1.32.5+k3s1',
  nodes: [
    { name: 'small-1', allocatable: { cpu: '4', memory: '8Gi' }, disks: [{ tier: 'nvme', capacity: '400Gi', path: '/var/lib/longhorn' }] },
    { name: 'server', allocatable: { cpu: '4', memory: '8Gi' } },
    {
      name: 'big', allocatable: { cpu: '4', memory: '8Gi' },
      disks: [
        { tier: 'nvme', capacity: '1800Gi', path: '/mnt/nvme-{1,2}/lh' },
        { tier: 'optane', capacity: '200Gi', path: '/mnt/optane-{1..2}/lh' },
        { tier: 'nvme', capacity: '100Gi' },
      ],
    },
  ],
});

describe('profile storage tiers', () => {
  test('groups the disks by tier, in order of appearance, summing each node\'s share', () => {
    const tiers = profileStorageTiers(profile);
    expect([...tiers.keys()]).toEqual(['nvme', 'optane']);
    const nvme = tiers.get('nvme')!;
    expect(nvme.bytes).toBe(2300 * GI);
    expect(nvme.nodes.map((n) => [n.node.name, n.bytes / GI, n.paths])).toEqual([
      ['small-1', 400, ['/var/lib/longhorn']],
      ['big', 1900, ['/mnt/nvme-1/lh', '/mnt/nvme-2/lh']],
    ]);
    expect(tiers.get('optane')!.nodes.map((n) => [n.node.name, n.bytes / GI])).toEqual([['big', 200]]);
  });

  test('eligible nodes: every selector tag on one disk, every node tag among the node\'s tiers', () => {
    expect(longhornEligibleNodes(profile, ['nvme']).map((n) => [n.node.name, n.bytes / GI])).toEqual([['small-1', 400], ['big', 1900]]);
    expect(longhornEligibleNodes(profile, ['nvme'], ['optane']).map((n) => n.node.name)).toEqual(['big']);
    expect(longhornEligibleNodes(profile, []).map((n) => [n.node.name, n.bytes / GI])).toEqual([['small-1', 400], ['big', 2100]]);
    // a disk carries one tag, so two tags select nothing (Longhorn's AND semantics)
    expect(longhornEligibleNodes(profile, ['nvme', 'optane'])).toEqual([]);
    expect(longhornEligibleNodes(profile, ['sata'])).toEqual([]);
  });

  test('placeable bytes: replicas on different nodes are bounded by the smaller nodes', () => {
    expect(placeableBytes([400, 400, 1800], 3)).toBe(400);
    expect(placeableBytes([400, 400, 1800], 2)).toBe(800);
    expect(placeableBytes([400, 400, 1800], 1)).toBe(2600);
    expect(placeableBytes([50, 50, 50, 50], 3)).toBe(66);
    expect(placeableBytes([400, 400], 3)).toBe(0);
    expect(placeableBytes([400], 0)).toBe(0);
  });

  test('disk paths: lists and ranges expand, nested patterns too', () => {
    expect(expandDiskPath('/var/lib/longhorn')).toEqual(['/var/lib/longhorn']);
    expect(expandDiskPath('/mnt/ssd-{1..3}/pv')).toEqual(['/mnt/ssd-1/pv', '/mnt/ssd-2/pv', '/mnt/ssd-3/pv']);
    expect(expandDiskPath('/mnt/{a,b}-{1..2}')).toEqual(['/mnt/a-1', '/mnt/a-2', '/mnt/b-1', '/mnt/b-2']);
    expect(errorOf(() => expandDiskPath('/mnt/ssd-{3..1}'))).toBe('path = "/mnt/ssd-{3..1}": the range {3..1} must count up. Fix: write it low to high, e.g. {1..3}');
    expect(errorOf(() => expandDiskPath('/mnt/ssd-{x}'))).toBe('path = "/mnt/ssd-{x}": "{x}" is neither a list {a,b} nor a range {1..3}. Fix: write the disks as /mnt/ssd-{1..7}/pv or /mnt/optane-{1,2}/pv, or list one path per disk');
  });

  test('node setup: create-default-disk=config, one tagged disk per path, node tags = the node\'s tiers', () => {
    expect(longhornNodeSetup(profile.node('server'))).toBeUndefined();
    const big = longhornNodeSetup(profile.node('big'))!;
    expect(big.labels).toEqual({ 'node.longhorn.io/create-default-disk': 'config' });
    expect(JSON.parse(big.annotations[LonghornKeys.DEFAULT_DISKS_CONFIG])).toEqual([
      { path: '/mnt/nvme-1/lh', allowScheduling: true, tags: ['nvme'], name: 'nvme-1' },
      { path: '/mnt/nvme-2/lh', allowScheduling: true, tags: ['nvme'], name: 'nvme-2' },
      { path: '/mnt/optane-1/lh', allowScheduling: true, tags: ['optane'], name: 'optane-1' },
      { path: '/mnt/optane-2/lh', allowScheduling: true, tags: ['optane'], name: 'optane-2' },
      { path: '/var/lib/longhorn', allowScheduling: true, tags: ['nvme'], name: 'nvme-3' },
    ]);
    expect(big.annotations[LonghornKeys.DEFAULT_NODE_TAGS]).toBe('["nvme","optane"]');
    const small = longhornNodeSetup(profile.node('small-1'))!;
    expect(small.commands).toEqual([
      'kubectl label node small-1 node.longhorn.io/create-default-disk=config --overwrite',
      'kubectl annotate node small-1 node.longhorn.io/default-disks-config=\'[{"path":"/var/lib/longhorn","allowScheduling":true,"tags":["nvme"],"name":"nvme-1"}]\' --overwrite',
      'kubectl annotate node small-1 node.longhorn.io/default-node-tags=\'["nvme"]\' --overwrite',
    ]);
  });

  test('label helpers and sizes', () => {
    expect(longhornJobLabel('backup-daily')).toBe('recurring-job.longhorn.io/backup-daily');
    expect(longhornGroupLabel('default')).toBe('recurring-job-group.longhorn.io/default');
    expect([20 * GI, 2600 * GI, 1.5 * GI, 12.34 * 2 ** 40, 0].map(formatStorageSize)).toEqual(['20Gi', '2600Gi', '1536Mi', '12.3Ti', '0']);
  });
});
