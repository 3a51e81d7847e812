import { App } from 'cdk8s';
import * as fc from 'fast-check';
import {
  BackupTargetKind, BackupTargetProps, CapacityBudgetProps, Cluster, ClusterNodeProps, ClusterProfileProps, Distro, ExternalServiceProps, GatewayProps, GitOpsEngine, GitOpsProps,
  GpuVendor, IdentityProviderKind, Namespace, NodeDisk, NodeGpu, NodeRole, NodeTaint, TaintEffect,
} from '../../lib';
import { Breaker, SEED, assertBreaker, breaker, breakerRows, cpuQuantity, dnsLabel, dnsSubdomain, k3sVersion, liftBreaker, memoryQuantity, propCluster, synthClean } from './support';

/**
 * ClusterProfile properties: any profile built from valid facts (nodes with allocatable CPU and
 * memory, labels, taints, disks by tier, GPUs; domain, gateway, identity provider, GitOps,
 * capacity budget, backup targets, external services) is accepted, read back exactly, and a
 * cluster on it synthesizes cleanly; any one fact made invalid is refused at the Cluster's path
 * naming the fact.
 */

const label = fc.tuple(fc.option(fc.constantFrom('example.com/', 'node.example.net/', 'topology.kubernetes.io/'), { nil: '' }), dnsLabel(20))
  .map(([prefix, name]) => `${prefix}${name}`)
  // the library's own meaning of these keys is tested by the GPU and storage suites
  .filter((k) => k !== 'kubernetes.io/hostname');
const labelValue = fc.oneof(dnsLabel(20), fc.constantFrom('true', 'false', ''));

const taint = fc.record({
  key: fc.constantFrom('CriticalAddonsOnly', 'dedicated', 'example.com/gpu', 'node-role.kubernetes.io/control-plane'),
  value: fc.option(dnsLabel(10), { nil: undefined }),
  effect: fc.constantFrom(TaintEffect.NO_SCHEDULE, TaintEffect.PREFER_NO_SCHEDULE, TaintEffect.NO_EXECUTE),
});

const disk = fc.record({
  tier: fc.oneof(fc.constantFrom('nvme', 'optane', 'sas-ssd', 'default'), dnsLabel(12)),
  capacity: memoryQuantity(1024, 4 * 1024 * 1024),
  path: fc.option(fc.constantFrom('/var/lib/longhorn', '/mnt/disk-{1..3}/lh', '/mnt/optane-{1,2}/pv', '/srv/data'), { nil: undefined }),
});

const gpu = fc.record({
  vendor: fc.constantFrom(GpuVendor.NVIDIA, GpuVendor.INTEL),
  model: fc.constantFrom('Tesla T4', 'RTX 3090', 'UHD 630', 'Arc A380'),
  memory: fc.option(memoryQuantity(1024, 96 * 1024), { nil: undefined }),
  count: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
});

const node = fc.record({
  name: fc.oneof(dnsLabel(15), dnsSubdomain),
  role: fc.option(fc.constantFrom(NodeRole.CONTROL_PLANE, NodeRole.WORKER), { nil: undefined }),
  cpu: cpuQuantity(500, 128_000),
  memory: memoryQuantity(512, 1024 * 1024),
  pods: fc.option(fc.integer({ min: 1, max: 250 }), { nil: undefined }),
  labels: fc.dictionary(label, labelValue, { maxKeys: 3 }),
  taints: fc.array(taint, { maxLength: 2 }),
  disks: fc.array(disk, { maxLength: 3 }),
  gpus: fc.array(gpu, { maxLength: 2 }),
});

/** Distinct disk paths per node (two disks on one path are refused, by Longhorn, and tested there). */
function distinctPaths<T extends { path?: string }>(disks: T[]): T[] {
  const seen = new Set<string>();
  return disks.map((d, i) => {
    const path = d.path ?? '/var/lib/longhorn';
    if (!seen.has(path)) {
      seen.add(path);
      return d;
    }
    return { ...d, path: `/mnt/extra-${i}` };
  });
}

const octet = fc.integer({ min: 0, max: 255 });
const gateway = fc.record({
  name: dnsLabel(15),
  namespace: dnsLabel(15),
  sectionName: fc.option(fc.constantFrom('https', 'websecure'), { nil: undefined }),
  base: fc.tuple(fc.constantFrom(10, 172, 192), octet, octet),
  bits: fc.integer({ min: 24, max: 30 }),
  host: fc.nat(),
}).map(({ base, bits, host, ...g }) => {
  const size = 2 ** (32 - bits);
  const last = (host % size);
  return { ...g, cidr: `${base.join('.')}.0/${bits}`, ip: `${base.join('.')}.${last}` };
});

const backupTarget = fc.oneof(
  fc.record({ kind: fc.constant(BackupTargetKind.MINIO), endpoint: fc.constantFrom('http://192.168.10.100:9000', 'http://minio.storage.svc:9000'), bucket: fc.constantFrom('velero', 'velero-backups') }),
  fc.record({ kind: fc.constant(BackupTargetKind.BACKBLAZE_B2), endpoint: fc.constantFrom('https://s3.us-west-001.backblazeb2.com', 'https://s3.eu-central-003.backblazeb2.com'), bucket: fc.constantFrom('k3s-backups', 'lab.offsite') }),
  fc.record({ kind: fc.constant(BackupTargetKind.CEPH_RGW), endpoint: fc.constant('http://rook-ceph-rgw.storage.svc:80'), bucket: fc.constant('velero') }),
  fc.record({ kind: fc.constant(BackupTargetKind.AWS_S3), bucket: fc.constant('lab-velero'), region: fc.constantFrom('eu-central-1', 'us-east-2') }),
  fc.record({ kind: fc.constant(BackupTargetKind.NFS), endpoint: fc.constant('nfs://192.168.10.100:/mnt/backups') }),
);

const validProfile = fc.record({
  name: dnsLabel(20),
  distro: fc.constantFrom(Distro.K3S, Distro.KUBEADM, Distro.TALOS),
  version: k3sVersion,
  kubeletRootDir: fc.option(fc.constantFrom('/var/lib/kubelet', '/var/lib/rancher/k3s/agent/kubelet', '/data/kubelet'), { nil: undefined }),
  nodes: fc.uniqueArray(node, { minLength: 1, maxLength: 6, selector: (n) => n.name }),
  domain: fc.option(dnsSubdomain.map((d) => `${d}.net`), { nil: undefined }),
  gateway: fc.option(gateway, { nil: undefined }),
  identityProvider: fc.option(fc.record({ kind: fc.constantFrom(IdentityProviderKind.AUTHENTIK, IdentityProviderKind.OIDC), host: dnsSubdomain.map((d) => `${d}.example.net`) }), { nil: undefined }),
  gitops: fc.option(fc.record({
    engine: fc.constantFrom(GitOpsEngine.FLUX, GitOpsEngine.ARGO_CD),
    repoUrl: fc.constantFrom('https://github.com/example/lab', 'ssh://git@github.com/example/lab', 'git@github.com:example/lab.git'),
    branch: fc.option(fc.constantFrom('main', 'prod'), { nil: undefined }),
  }), { nil: undefined }),
  capacity: fc.option(fc.record({
    maxMemoryRequestShare: fc.option(fc.double({ min: 0.05, max: 1, noNaN: true }), { nil: undefined }),
    maxCpuRequestShare: fc.option(fc.double({ min: 0.05, max: 1, noNaN: true }), { nil: undefined }),
    maxMemoryLimitRatio: fc.option(fc.double({ min: 0.5, max: 10, noNaN: true }), { nil: undefined }),
  }), { nil: undefined }),
  backupTargets: fc.uniqueArray(fc.tuple(dnsLabel(15), backupTarget), { maxLength: 3, selector: ([n]) => n }),
  externalServices: fc.array(fc.record({ name: dnsLabel(15), namespace: dnsLabel(15), ports: fc.array(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 3 }), reason: fc.constant('installed by the platform repository') }), { maxLength: 2 }),
}).map((g) => ({
  name: g.name,
  gen: g,
  props: {
    distro: g.distro,
    version: g.version,
    kubeletRootDir: g.kubeletRootDir,
    nodes: g.nodes.map((n): ClusterNodeProps => ({
      name: n.name,
      role: n.role,
      allocatable: { cpu: n.cpu.text, memory: n.memory.text, pods: n.pods },
      labels: n.labels,
      taints: n.taints,
      disks: distinctPaths(n.disks.map((d) => ({ tier: d.tier, capacity: d.capacity.text, path: d.path }))),
      gpus: n.gpus.map((x) => ({ vendor: x.vendor, model: x.model, memory: x.memory?.text, count: x.count })),
    })),
    domain: g.domain,
    gateway: g.gateway,
    identityProvider: g.identityProvider,
    gitops: g.gitops,
    capacity: g.capacity,
    backupTargets: g.backupTargets.map(([name, t]) => ({ name, ...t })),
    externalServices: g.externalServices,
  } as ClusterProfileProps,
}));

type Generated = typeof validProfile extends fc.Arbitrary<infer T> ? T : never;

describe('ClusterProfile properties', () => {
  test('any valid profile is read back exactly, and a cluster on it synthesizes cleanly', () => {
    fc.assert(fc.property(validProfile, ({ name, gen, props }) => {
      const cluster = propCluster(props, name);
      const p = cluster.profile;
      expect(p.name).toBe(name);
      expect(p.kubeletRootDir).toBe(gen.kubeletRootDir ?? '/var/lib/kubelet');
      expect(p.nodes.map((n) => n.name)).toEqual(gen.nodes.map((n) => n.name));
      gen.nodes.forEach((g, i) => {
        const n = p.nodes[i];
        expect([n.cpu.millis, n.memory.bytes, n.pods, n.role]).toEqual([g.cpu.millis, g.memory.bytes, g.pods ?? 110, g.role ?? NodeRole.WORKER]);
        expect(n.labels).toEqual({ ...g.labels, 'kubernetes.io/hostname': g.name });
        expect(n.disks.map((d) => [d.tier, d.capacity.bytes])).toEqual(g.disks.map((d) => [d.tier, d.capacity.bytes]));
        for (const vendor of [GpuVendor.NVIDIA, GpuVendor.INTEL]) {
          expect(n.gpuCount(vendor)).toBe(g.gpus.filter((x) => x.vendor === vendor).reduce((s, x) => s + (x.count ?? 1), 0));
        }
        expect(n.gpus.map((x) => x.memory?.bytes)).toEqual(g.gpus.map((x) => x.memory?.bytes));
        // a node tolerates exactly what tolerates its NoSchedule/NoExecute taints
        const hard = g.taints.filter((t) => t.effect !== TaintEffect.PREFER_NO_SCHEDULE);
        expect(n.tolerates([])).toBe(hard.length === 0);
        expect(n.tolerates([{ operator: 'Exists' }])).toBe(true);
        expect(n.tolerates(hard.map((t) => ({ key: t.key, operator: t.value === undefined ? 'Exists' : 'Equal', value: t.value, effect: t.effect })))).toBe(true);
      });
      expect(p.gateway).toEqual(gen.gateway ? { ...gen.gateway, sectionName: gen.gateway.sectionName ?? 'https' } : undefined);
      expect(p.backupTargets.map((t) => t.name)).toEqual(gen.backupTargets.map(([n]) => n));
      expect(p.capacity).toEqual({
        maxMemoryRequestShare: gen.capacity?.maxMemoryRequestShare ?? 0.85,
        maxCpuRequestShare: gen.capacity?.maxCpuRequestShare ?? 0.85,
        maxMemoryLimitRatio: gen.capacity?.maxMemoryLimitRatio ?? 1.5,
      });
      new Namespace(cluster, 'apps');
      const objs = synthClean(cluster);
      expect(objs.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)).toEqual(['apps']);
    }), { seed: SEED, numRuns: 80 });
  }, 60_000);

  type Props = ClusterProfileProps;
  const onNode = (i: number, patch: (n: ClusterNodeProps) => ClusterNodeProps) => (p: Props): Props => ({ ...p, nodes: p.nodes.map((n, j) => (j === i ? patch(n) : n)) });
  const node0 = <V>(prop: string | RegExp, values: V[], patch: (n: ClusterNodeProps, v: V) => ClusterNodeProps) => breaker<Props, V>(prop, values, (p, v) => onNode(0, (n) => patch(n, v))(p));
  const breakers: Breaker<Props>[] = [
    node0('profile.nodes[0].name', ['Node_1', '-node', 'node 1', '', 'x'.repeat(254)], (n, v) => ({ ...n, name: v })),
    node0('profile.nodes[0].allocatable.cpu', ['2 cores', '512Mi', '-2', '1.5.0', 'fast', '0.0001'], (n, v) => ({ ...n, allocatable: { ...n.allocatable, cpu: v } })),
    node0('profile.nodes[0].allocatable.memory', ['8GB', '8gb', '-8Gi', '8 Gi', 'lots', '0.5'], (n, v) => ({ ...n, allocatable: { ...n.allocatable, memory: v } })),
    node0('profile.nodes[0].allocatable', ['0', '0m'], (n, v) => ({ ...n, allocatable: { ...n.allocatable, cpu: v } })),
    node0('profile.nodes[0].allocatable.pods', [-1, 0, 1.5, Number.NaN], (n, v) => ({ ...n, allocatable: { ...n.allocatable, pods: v } })),
    node0(/^profile\.nodes\[0\]\.labels/, ['Bad Key', 'example.com/', '-x', 'a/b/c'], (n, v) => ({ ...n, labels: { [v]: 'x' } })),
    node0(/^profile\.nodes\[0\]\.labels/, ['bad value!', 'v'.repeat(64)], (n, v) => ({ ...n, labels: { 'example.com/role': v } })),
    node0('profile.nodes[0].taints[0].key', ['bad key', 'example.com/', '-taint', 'a/b/c'], (n, v) => ({ ...n, taints: [{ key: v, effect: TaintEffect.NO_SCHEDULE }] })),
    node0('profile.nodes[0].taints[0].value', ['bad value!', '-x', 'v'.repeat(64)], (n, v) => ({ ...n, taints: [{ key: 'dedicated', value: v, effect: TaintEffect.NO_SCHEDULE }] })),
    node0('profile.nodes[0].taints[0].effect', ['noschedule', 'Evict', ''], (n, v) => ({ ...n, taints: [{ key: 'dedicated', effect: v as TaintEffect }] })),
    node0('profile.nodes[0].disks[0].tier', ['NVMe', 'sas_ssd', '', 'tier-'.repeat(13)], (n, v) => ({ ...n, disks: [{ tier: v, capacity: '100Gi' }] })),
    node0('profile.nodes[0].disks[0].capacity', ['100GB', '-1Gi', '1e3Gi', 'big', '0'], (n, v) => ({ ...n, disks: [{ tier: 'nvme', capacity: v }] })),
    node0('profile.nodes[0].disks[0].path', ['mnt/disk', 'relative/path'], (n, v) => ({ ...n, disks: [{ tier: 'nvme', capacity: '100Gi', path: v }] })),
    node0('profile.nodes[0].gpus[0].count', [0, -1, 1.5, Number.NaN], (n, v) => ({ ...n, gpus: [{ vendor: GpuVendor.NVIDIA, model: 'T4', count: v }] })),
    node0('profile.nodes[0].gpus[0].vendor', ['amd', 'NVIDIA', ''], (n, v) => ({ ...n, gpus: [{ vendor: v as GpuVendor, model: 'T4' }] })),
    node0('profile.nodes[0].gpus[0].memory', ['16GB', '16 Gi', '-16Gi'], (n, v) => ({ ...n, gpus: [{ vendor: GpuVendor.NVIDIA, model: 'T4', memory: v }] })),
    breaker<Props, number>('profile.nodes[1].name', [1], (p) => ({ ...p, nodes: [p.nodes[0], { ...p.nodes[0] }] })),
    breaker<Props, unknown>('profile.nodes', [[], undefined], (p, v) => ({ ...p, nodes: v as ClusterNodeProps[] })),
    breaker<Props, string>('profile.distro', ['rke2', 'K3S', ''], (p, v) => ({ ...p, distro: v as Distro })),
    breaker<Props, string>('profile.version', ['latest', '1', 'v1.x', ''], (p, v) => ({ ...p, version: v })),
    breaker<Props, string>('profile.kubeletRootDir', ['var/lib/kubelet', '/var/lib/kubelet/', ''], (p, v) => ({ ...p, kubeletRootDir: v })),
    breaker<Props, string>('profile.domain', ['Example.NET', 'lab_example.net', '.net', 'a..b'], (p, v) => ({ ...p, domain: v })),
    breaker<Props, string>('profile.gateway.name', ['Main', 'main_gateway', ''], (p, v) => ({ ...p, gateway: { name: v, namespace: 'networking' } })),
    breaker<Props, string>('profile.gateway.ip', ['192.168.10.256', '192.168.10', 'gateway.lan'], (p, v) => ({ ...p, gateway: { name: 'gw', namespace: 'networking', ip: v } })),
    breaker<Props, string>('profile.gateway.cidr', ['192.168.10.0/33', '192.168.10.0', '192.168.10.0/abc'], (p, v) => ({ ...p, gateway: { name: 'gw', namespace: 'networking', cidr: v } })),
    breaker<Props, string>('profile.gateway.ip', ['10.0.1.5', '11.0.0.1'], (p, v) => ({ ...p, gateway: { name: 'gw', namespace: 'networking', ip: v, cidr: '10.0.0.0/24' } })),
    breaker<Props, string>('profile.identityProvider.kind', ['keycloak', ''], (p, v) => ({ ...p, identityProvider: { kind: v as IdentityProviderKind, host: 'auth.example.net' } })),
    breaker<Props, string>('profile.identityProvider.host', ['https://auth.example.net', 'Auth.Example.net'], (p, v) => ({ ...p, identityProvider: { kind: IdentityProviderKind.AUTHENTIK, host: v } })),
    breaker<Props, string>('profile.gitops.repoUrl', ['github.com/example/lab', 'http://github.com/example/lab', ''], (p, v) => ({ ...p, gitops: { engine: GitOpsEngine.FLUX, repoUrl: v } })),
    breaker<Props, string>('profile.gitops.engine', ['fluxcd', ''], (p, v) => ({ ...p, gitops: { engine: v as GitOpsEngine, repoUrl: 'https://github.com/example/lab' } })),
    breaker<Props, number>('profile.capacity.maxMemoryRequestShare', [0, -0.5, 1.2, Number.NaN], (p, v) => ({ ...p, capacity: { maxMemoryRequestShare: v } })),
    breaker<Props, number>('profile.capacity.maxMemoryLimitRatio', [0, 11, Number.POSITIVE_INFINITY], (p, v) => ({ ...p, capacity: { maxMemoryLimitRatio: v } })),
    breaker<Props, number[]>('profile.externalServices[0].ports', [[0], [65536], [], [80.5]], (p, v) => ({ ...p, externalServices: [{ name: 'db', namespace: 'data', ports: v, reason: 'installed elsewhere' }] })),
    breaker<Props, string>('profile.externalServices[0].reason', [''], (p) => ({ ...p, externalServices: [{ name: 'db', namespace: 'data', ports: [5432], reason: '' }] })),
    breaker<Props, string>('profile.backupTargets[0].bucket', ['My_Bucket', 'ab', 'a..b'], (p, v) => ({ ...p, backupTargets: [{ name: 'minio', kind: BackupTargetKind.MINIO, endpoint: 'http://192.168.10.100:9000', bucket: v }] })),
    breaker<Props, string>('profile.backupTargets[0].endpoint', ['s3.example.net', 'ftp://minio:9000'], (p, v) => ({ ...p, backupTargets: [{ name: 'minio', kind: BackupTargetKind.MINIO, endpoint: v, bucket: 'velero' }] })),
    breaker<Props, number>('profile.backupTargets[1].name', [1], (p) => ({ ...p, backupTargets: [{ name: 'nfs', kind: BackupTargetKind.NFS, endpoint: 'nfs://nas:/b' }, { name: 'nfs', kind: BackupTargetKind.NFS, endpoint: 'nfs://nas:/c' }] })),
    // wrong-typed input from JavaScript callers: refused naming the fact, never a TypeError
    breaker<Props, unknown>('profile.nodes[0]', [null, 'node-1', 7, ['node-1']], (p, v) => ({ ...p, nodes: [v as ClusterNodeProps, ...p.nodes.slice(1)] })),
    node0<unknown>('profile.nodes[0].taints', ['x', 1, { key: 'gpu', effect: TaintEffect.NO_SCHEDULE }], (n, v) => ({ ...n, taints: v as NodeTaint[] })),
    node0<unknown>('profile.nodes[0].taints[0]', [null, 'gpu=true:NoSchedule', 0], (n, v) => ({ ...n, taints: [v as NodeTaint] })),
    node0<unknown>('profile.nodes[0].disks', ['x', { tier: 'nvme', capacity: '100Gi' }], (n, v) => ({ ...n, disks: v as NodeDisk[] })),
    node0<unknown>('profile.nodes[0].disks[0]', [null, 'nvme', 3], (n, v) => ({ ...n, disks: [v as NodeDisk] })),
    node0<unknown>('profile.nodes[0].gpus', ['T4', 1], (n, v) => ({ ...n, gpus: v as NodeGpu[] })),
    node0<unknown>('profile.nodes[0].gpus[0]', [null, 'Tesla T4'], (n, v) => ({ ...n, gpus: [v as NodeGpu] })),
    node0<unknown>('profile.nodes[0].gpus[0].model', [undefined, '', '  ', 4], (n, v) => ({ ...n, gpus: [{ vendor: GpuVendor.NVIDIA, model: v as string }] })),
    node0<unknown>('profile.nodes[0].labels', ['x', ['gpu=true'], 5], (n, v) => ({ ...n, labels: v as Record<string, string> })),
    breaker<Props, unknown>('profile', [null, 'homelab'], (_p, v) => v as Props),
    breaker<Props, unknown>('profile.gateway', ['main', 1], (p, v) => ({ ...p, gateway: v as GatewayProps })),
    breaker<Props, unknown>('profile.gitops', ['flux'], (p, v) => ({ ...p, gitops: v as GitOpsProps })),
    breaker<Props, unknown>('profile.externalServices', ['db'], (p, v) => ({ ...p, externalServices: v as ExternalServiceProps[] })),
    breaker<Props, unknown>('profile.externalServices[0]', [null, 'db'], (p, v) => ({ ...p, externalServices: [v as ExternalServiceProps] })),
    breaker<Props, unknown>('profile.backupTargets', ['minio'], (p, v) => ({ ...p, backupTargets: v as BackupTargetProps[] })),
    breaker<Props, unknown>('profile.backupTargets[0]', [null, 'minio'], (p, v) => ({ ...p, backupTargets: [v as BackupTargetProps] })),
    breaker<Props, unknown>('profile.runtimeClasses', ['nvidia'], (p, v) => ({ ...p, runtimeClasses: v as string[] })),
    breaker<Props, unknown>('profile.capacity', ['85%', 0.85], (p, v) => ({ ...p, capacity: v as CapacityBudgetProps })),
    breaker<Props, unknown>('profile.version', [1.29, 132], (p, v) => ({ ...p, version: v as string })),
    breaker<Props, unknown>('profile.kubeletRootDir', [5, ['/var/lib/kubelet']], (p, v) => ({ ...p, kubeletRootDir: v as string })),
    breaker<Props, string>('profile.runtimeClasses[0]', ['Nvidia', 'nvidia_experimental'], (p, v) => ({ ...p, runtimeClasses: [v] })),
  ];

  test.each(breakerRows(breakers))('%s is refused at the cluster path, naming the fact — never a TypeError', (_title, b) => {
    const lifted = liftBreaker<Props, Generated>(b, (g) => g.props, (g, props) => ({ ...g, props }));
    assertBreaker(validProfile, lifted, ({ name, props }) => new Cluster(new App({ outdir: '/nonexistent' }), name, { profile: props }), ({ name }) => name);
  }, 30_000);
});
