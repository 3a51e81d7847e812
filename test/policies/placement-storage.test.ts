/**
 * Storage in the placement simulation (HK-X-04): claims that bind only static PersistentVolumes
 * pin their pods to the volumes' nodes, strict-local Longhorn classes to the nodes with their
 * disks, and a claim no volume can bind leaves its pod Pending with that reason.
 */
import { capacityBudgetRule, simulatePlacement } from '../../lib';
import { createContext, evaluatePolicies, reportSections } from '../../lib/policies/engine';
import { Manifest } from '../../lib/policies/rule';
import { claim, storageClass, tieredProfile } from '../storage/rule-fixtures';
import { createValidator } from '../schema/validator';
import { deployment, merge, records, workload } from './fixtures';

// server (tainted, no disks); small-1, small-2 (nvme); big (nvme, optane): 4 CPU / 8Gi each
const p = tieredProfile();
const pack = [{ name: 't', rules: [capacityBudgetRule] }];
const messages = (...ms: Manifest[]) => evaluatePolicies(records(...ms), pack, p).map((f) => `${f.kind} ${f.name}: ${f.message}`);
/** Where each pod of the object set lands: `owner → nodes`. */
function placed(...ms: Manifest[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const n of simulatePlacement(createContext(records(...ms), p)).nodes) {
    for (const owner of n.pods) (out[owner] ??= []).push(n.node.name);
  }
  return out;
}

const localSsd: Manifest = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'local-ssd' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Delete' };
const hostname = (node: string) => ({ nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } } });
/** A static local PV of class `cls` on `node`, 100Gi RWO. */
function pv(name: string, node: string | undefined, labels: Record<string, string> = {}, cls = 'local-ssd', patch: any = {}): Manifest {
  return merge({
    apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name, labels },
    spec: { capacity: { storage: '100Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Delete', storageClassName: cls, local: { path: `/mnt/local/${name}` }, ...(node ? hostname(node) : {}) },
  }, patch);
}
const mounting = (name: string, claimName: string, podPatch: any = {}, replicas = 1) =>
  deployment(name, 'apps', merge({ volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] }, podPatch), { spec: { replicas } });
const onNode = (node: string) => ({ nodeSelector: { 'kubernetes.io/hostname': node } });
const withClaim = (c: Manifest, patch: any) => merge(c, patch);

describe('HK-X-04 placement: static PersistentVolumes', () => {
  test('a no-provisioner claim bound by volumeName, or by selector, lands on the volume\'s node', () => {
    const byName = withClaim(claim('config', 'local-ssd'), { spec: { volumeName: 'big-1' } });
    expect(placed(localSsd, pv('big-1', 'big'), byName, mounting('app', 'config'))).toEqual({ 'Deployment apps/app': ['big'] });
    const bySelector = withClaim(claim('config', 'local-ssd', '50Gi'), { spec: { selector: { matchLabels: { tier: 'ultra-performance' } } } });
    expect(placed(localSsd, pv('small', 'small-1', { tier: 'standard' }), pv('fast', 'big', { tier: 'ultra-performance' }), bySelector, mounting('app', 'config')))
      .toEqual({ 'Deployment apps/app': ['big'] });
    // the demand records both node sets
    const ctx = createContext(records(localSsd, pv('big-1', 'big'), byName, mounting('app', 'config')), p);
    const d = simulatePlacement(ctx).demands[0].demand;
    expect([d.schedulable.map((n) => n.name), d.eligible.map((n) => n.name), d.volumes.map((v) => v.kind)]).toEqual([['small-1', 'small-2', 'big'], ['big'], ['static']]);
    expect(messages(localSsd, pv('big-1', 'big'), byName, mounting('app', 'config'))).toEqual([]);
  });

  test('seed 003 Whisparr: a claim of a local-ssd PV on one node, its pod pinned to another: Pending, naming the volumes', () => {
    const c = withClaim(claim('whisparr-config', 'local-ssd', '50Gi'), { spec: { selector: { matchLabels: { tier: 'ultra-performance', node: 'big' } } } });
    expect(messages(localSsd, pv('big-optane-1', 'big', { tier: 'ultra-performance', node: 'big' }), pv('big-optane-2', 'big', { tier: 'ultra-performance', node: 'big' }), c,
      mounting('whisparr', 'whisparr-config', onNode('small-1')))).toEqual([
      'Deployment whisparr: 1 of 1 pod(s) would stay Pending: claim apps/whisparr-config can only bind PersistentVolumes big-optane-1 (big) and big-optane-2 (big), and the pod may only run on small-1',
    ]);
  });

  test('a static claim no volume can bind: no PV of the class, none matching, a named PV that is missing or does not fit', () => {
    expect(messages(localSsd, claim('x', 'local-ssd'), mounting('a', 'x'))).toEqual([
      'Deployment a: 1 of 1 pod(s) would stay Pending: claim apps/x has no PersistentVolume that could bind it: the object set has no PersistentVolume of StorageClass local-ssd']);
    const picky = withClaim(claim('x', 'local-ssd', '10Gi'), { spec: { selector: { matchLabels: { tier: 'x' }, matchExpressions: [{ key: 'node', operator: 'In', values: ['big'] }] } } });
    expect(messages(localSsd, pv('one', 'big', { tier: 'y' }), pv('two', 'big'), picky, mounting('a', 'x'))).toEqual([
      'Deployment a: 1 of 1 pod(s) would stay Pending: claim apps/x has no PersistentVolume that could bind it: none of the 2 PersistentVolumes of StorageClass local-ssd (one and two) is free and matches its selector tier=x, node In (big), size 10Gi and access modes ReadWriteOnce']);
    // storageClassName "" binds only PVs without a class
    expect(messages(withClaim(claim('x', ''), { spec: { volumeName: 'gone' } }), mounting('a', 'x'))).toEqual([
      'Deployment a: 1 of 1 pod(s) would stay Pending: claim apps/x names PersistentVolume gone (volumeName), which is not in the object set']);
    const named = (c: string, size = '10Gi', modes = ['ReadWriteOnce']) => withClaim(claim('x', c, size, undefined, modes), { spec: { volumeName: 'nfs' } });
    const nfs = pv('nfs', undefined, {}, '', { spec: { local: undefined, nfs: { server: '192.168.10.100', path: '/x' }, accessModes: ['ReadWriteMany'], claimRef: { namespace: 'apps', name: 'x' } } });
    expect(messages(localSsd, nfs, named('local-ssd', '10Gi', ['ReadWriteMany']), mounting('a', 'x'))).toEqual([
      'Deployment a: 1 of 1 pod(s) would stay Pending: claim apps/x names PersistentVolume nfs (volumeName), which cannot bind it: its storageClassName is "" and the claim\'s "local-ssd"']);
    expect(messages(nfs, named('', '200Gi', ['ReadWriteMany']), mounting('a', 'x'))).toEqual([
      'Deployment a: 1 of 1 pod(s) would stay Pending: claim apps/x names PersistentVolume nfs (volumeName), which cannot bind it: it holds 100Gi, the claim requests 200Gi']);
    expect(messages(nfs, named(''), mounting('a', 'x'))).toEqual([
      'Deployment a: 1 of 1 pod(s) would stay Pending: claim apps/x names PersistentVolume nfs (volumeName), which cannot bind it: it offers ReadWriteMany, the claim asks for ReadWriteOnce']);
    const reserved = merge(nfs, { spec: { claimRef: { namespace: 'apps', name: 'other' } } });
    expect(messages(reserved, named('', '10Gi', ['ReadWriteMany']), mounting('a', 'x'))).toEqual([
      'Deployment a: 1 of 1 pod(s) would stay Pending: claim apps/x names PersistentVolume nfs (volumeName), which cannot bind it: it is reserved for claim apps/other (claimRef)']);
    // compliant: the pre-bound NFS volume (no node affinity) goes anywhere
    expect(messages(nfs, named('', '10Gi', ['ReadWriteMany']), mounting('a', 'x', {}, 3))).toEqual([]);
  });

  test('claims without a static class are not judged: a dynamic class, a class not in the set, no class and no default', () => {
    expect(messages(localSsd, claim('a', 'local-path'), claim('b', undefined), storageClass('longhorn-nvme', { diskSelector: 'nvme' }), claim('c', 'longhorn-nvme'),
      mounting('x', 'a'), mounting('y', 'b'), mounting('z', 'c'), mounting('w', 'not-in-the-set'))).toEqual([]);
  });

  test('a PVC binds one volume for all its pods; each pod of a volumeClaimTemplate takes its own', () => {
    // two PVs of the class on small-1 and small-2: the shared claim takes the first, both replicas follow it
    expect(placed(localSsd, pv('a', 'small-1'), pv('b', 'small-2'), claim('shared', 'local-ssd'), mounting('app', 'shared', {}, 2)))
      .toEqual({ 'Deployment apps/app': ['small-1', 'small-1'] });
    const sts = merge(workload('StatefulSet', 'db', 'apps'), {
      spec: { replicas: 3, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { storageClassName: 'local-ssd', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } }] },
    });
    expect(placed(localSsd, pv('a', 'small-1'), pv('b', 'small-2'), sts)).toEqual({ 'StatefulSet apps/db': ['small-1', 'small-2'] });
    expect(messages(localSsd, pv('a', 'small-1'), pv('b', 'small-2'), sts)).toEqual([
      'StatefulSet db: 1 of 3 pod(s) would stay Pending: volumeClaimTemplate "data" has no free PersistentVolume left: a and b are bound to other claims']);
  });

  test('the smallest volume that fits is taken first; a volume whose claimRef names the claim is its own, and no other claim\'s', () => {
    const big = pv('roomy', 'big', {}, 'local-ssd', { spec: { capacity: { storage: '500Gi' } } });
    const tiny = pv('tiny', 'small-2', {}, 'local-ssd', { spec: { capacity: { storage: '5Gi' } } });
    expect(placed(localSsd, big, pv('snug', 'small-1'), tiny, claim('x', 'local-ssd', '50Gi'), mounting('app', 'x'))).toEqual({ 'Deployment apps/app': ['small-1'] });
    expect(placed(localSsd, big, pv('snug', 'small-1'), tiny, claim('x', 'local-ssd', '200Gi'), mounting('app', 'x'))).toEqual({ 'Deployment apps/app': ['big'] });
    const mine = pv('mine', 'small-2', {}, 'local-ssd', { spec: { claimRef: { namespace: 'apps', name: 'x' } } });
    expect(placed(localSsd, pv('free', 'small-1'), mine, claim('x', 'local-ssd'), mounting('app', 'x'))).toEqual({ 'Deployment apps/app': ['small-2'] });
    expect(messages(localSsd, mine, claim('y', 'local-ssd'), mounting('other', 'y'))).toEqual([
      'Deployment other: 1 of 1 pod(s) would stay Pending: claim apps/y has no PersistentVolume that could bind it: none of the 1 PersistentVolume of StorageClass local-ssd (mine) is free and matches its size 10Gi and access modes ReadWriteOnce']);
  });

  test('two claims competing for one volume: the pod placed first (higher priority) gets it', () => {
    const pcs = [
      { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 },
      { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'low' }, value: 10 },
    ];
    expect(messages(...pcs, localSsd, pv('only', 'big'), claim('a', 'local-ssd'), claim('b', 'local-ssd'),
      mounting('late', 'b', { priorityClassName: 'low' }), mounting('first', 'a', { priorityClassName: 'high' }))).toEqual([
      'Deployment late: 1 of 1 pod(s) would stay Pending: claim apps/b has no free PersistentVolume left: only is bound to other claims']);
  });

  test('a DaemonSet pod for a node its volume is not on stays Pending', () => {
    const ds = merge(workload('DaemonSet', 'agent', 'apps'), { spec: { template: { spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'agent' } }] } } } });
    expect(messages(localSsd, pv('big-1', 'big'), claim('agent', 'local-ssd'), ds)).toEqual([
      'DaemonSet agent: 2 of 3 pod(s) would stay Pending: the pod for small-1: claim apps/agent can only bind PersistentVolumes on big']);
  });

  test('the Placement report lists the pods whose volumes narrow their nodes', () => {
    const byName = withClaim(claim('config', 'local-ssd'), { spec: { volumeName: 'big-1' } });
    const lines = reportSections(records(localSsd, pv('big-1', 'big'), byName, mounting('app', 'config')), pack, p)[0].lines;
    expect(lines.slice(-5)).toEqual([
      'Pods whose volumes narrow their nodes (static PersistentVolumes\' node affinity, strict-local Longhorn classes):',
      '',
      '- Deployment apps/app: big (of small-1, small-2, big)',
      '',
      'Every pod is placed.',
    ]);
  });

  test('the fixtures are valid Kubernetes objects', () => {
    const v = createValidator();
    const objs = [localSsd, pv('a', 'big', { tier: 'x' }), withClaim(claim('c', 'local-ssd'), { spec: { selector: { matchLabels: { tier: 'x' } } } }), mounting('m', 'c')];
    expect(objs.flatMap((o) => v.validate(o))).toEqual([]);
  });
});

describe('HK-X-04 placement: strict-local Longhorn classes', () => {
  const optane = storageClass('longhorn-optane', { diskSelector: 'optane', numberOfReplicas: '1', dataLocality: 'strict-local' });

  test('a strict-local claim lands on a node with the class\'s disks; best-effort goes anywhere', () => {
    expect(placed(optane, claim('db', 'longhorn-optane'), mounting('db', 'db'))).toEqual({ 'Deployment apps/db': ['big'] });
    const nvme = storageClass('longhorn-nvme', { diskSelector: 'nvme', dataLocality: 'best-effort' });
    expect(placed(nvme, claim('db', 'longhorn-nvme'), mounting('db', 'db'))).toEqual({ 'Deployment apps/db': ['small-1'] });
  });

  test('pinned to a node without the disks: Pending, naming the class and the nodes that have them', () => {
    expect(messages(optane, claim('db', 'longhorn-optane'), mounting('db', 'db', onNode('small-1')))).toEqual([
      'Deployment db: 1 of 1 pod(s) would stay Pending: claim apps/db is on StorageClass longhorn-optane with strict-local data locality, so its one replica and the pod share a node, and only big has optane disks; the pod may only run on small-1']);
    // a volumeClaimTemplate the same way
    const sts = merge(workload('StatefulSet', 'db', 'apps', onNode('small-2')), {
      spec: { volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { storageClassName: 'longhorn-optane', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } }] },
    });
    expect(messages(optane, sts)).toEqual([
      'StatefulSet db: 1 of 1 pod(s) would stay Pending: volumeClaimTemplate "data" is on StorageClass longhorn-optane with strict-local data locality, so its one replica and the pod share a node, and only big has optane disks; the pod may only run on small-2']);
  });
});
