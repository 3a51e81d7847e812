import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { Cluster } from '../../lib/cluster/cluster';
import {
  ClusterNodeProps, ClusterProfile, ClusterProfileProps, Distro, GitOpsEngine, GpuVendor, IdentityProviderKind,
  NodeRole, NodeTaint, TaintEffect, isIpv4, parseCidr, tolerationsFor, validateToleration,
} from '../../lib/core/profile';
import { expectValidationError, validationErrorOf } from './helpers';

const WHERE = '[ClusterProfile(homelab)]';
const LABEL_RULE = 'not a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit)';
const SUBDOMAIN_RULE = 'not a DNS-1123 subdomain (dot-separated lower-case labels, at most 253 characters)';

function node(name: string, extra: Partial<ClusterNodeProps> = {}): ClusterNodeProps {
  return { name, allocatable: { cpu: '4', memory: '8Gi' }, ...extra };
}

function props(extra: Partial<ClusterProfileProps> = {}): ClusterProfileProps {
  return { distro: Distro.K3S, version: 'v1.32.5+k3s1', nodes: [node('k3s-master', { role: NodeRole.CONTROL_PLANE }), node('k3s-worker1')], ...extra };
}

const profile = (extra: Partial<ClusterProfileProps> = {}) => new ClusterProfile('homelab', props(extra));
const build = (extra: Partial<ClusterProfileProps>) => () => profile(extra);
const withNode = (extra: Partial<ClusterNodeProps>) => build({ nodes: [node('k3s-master', extra)] });
const nodeWithTaints = (...taints: NodeTaint[]) => profile({ nodes: [node('gpu1', { taints })] }).node('gpu1');

describe('ClusterProfile defaults', () => {
  test('keeps the name, distro and version', () => {
    const p = profile();
    expect(p.name).toBe('homelab');
    expect(p.distro).toBe(Distro.K3S);
    expect(p.version).toBe('v1.32.5+k3s1');
  });

  test('defaults kubeletRootDir to /var/lib/kubelet', () => {
    expect(profile().kubeletRootDir).toBe('/var/lib/kubelet');
  });

  test('keeps a given kubeletRootDir', () => {
    expect(profile({ kubeletRootDir: '/var/lib/rancher/k3s/agent/kubelet' }).kubeletRootDir).toBe('/var/lib/rancher/k3s/agent/kubelet');
  });

  test('defaults a node role to worker and keeps a given role', () => {
    const p = profile();
    expect(p.node('k3s-worker1').role).toBe(NodeRole.WORKER);
    expect(p.node('k3s-master').role).toBe(NodeRole.CONTROL_PLANE);
  });

  test('defaults allocatable pods to 110 and keeps a given number', () => {
    const p = profile({ nodes: [node('a'), node('b', { allocatable: { cpu: '2', memory: '4Gi', pods: 250 } })] });
    expect(p.node('a').pods).toBe(110);
    expect(p.node('b').pods).toBe(250);
  });

  test('parses allocatable cpu and memory', () => {
    const n = profile({ nodes: [node('a', { allocatable: { cpu: '3800m', memory: '5929Mi' } })] }).node('a');
    expect(n.cpu.millis).toBe(3800);
    expect(n.memory.bytes).toBe(5929 * 2 ** 20);
    expect(n.memory.toString()).toBe('5929Mi');
  });

  test('adds the kubernetes.io/hostname label to the node labels', () => {
    const p = profile({ nodes: [node('k3s-worker1', { labels: { 'gpu.vendor': 'nvidia' } })] });
    expect(p.node('k3s-worker1').labels).toEqual({ 'gpu.vendor': 'nvidia', 'kubernetes.io/hostname': 'k3s-worker1' });
    expect(profile().node('k3s-master').labels).toEqual({ 'kubernetes.io/hostname': 'k3s-master' });
  });

  test('sets the hostname label to the node name even when the labels give another', () => {
    const p = profile({ nodes: [node('a', { labels: { 'kubernetes.io/hostname': 'b' } })] });
    expect(p.node('a').labels['kubernetes.io/hostname']).toBe('a');
  });

  test('defaults taints, disks and GPUs to none', () => {
    const n = profile().node('k3s-master');
    expect(n.taints).toEqual([]);
    expect(n.disks).toEqual([]);
    expect(n.gpus).toEqual([]);
  });

  test('parses disk capacities and keeps tier and path', () => {
    const n = profile({ nodes: [node('a', { disks: [{ tier: 'optane', capacity: '220Gi', path: '/mnt/optane' }, { tier: 'nvme', capacity: '1Ti' }] })] }).node('a');
    expect(n.disks.map((d) => [d.tier, d.capacity.bytes, d.path])).toEqual([['optane', 220 * 2 ** 30, '/mnt/optane'], ['nvme', 2 ** 40, undefined]]);
  });

  test('defaults a GPU count to 1 and parses GPU memory', () => {
    const n = profile({ nodes: [node('a', { gpus: [{ vendor: GpuVendor.NVIDIA, model: 'Tesla T4', memory: '16Gi' }, { vendor: GpuVendor.INTEL, model: 'Arc A380' }] })] }).node('a');
    expect(n.gpus[0].count).toBe(1);
    expect(n.gpus[0].memory?.bytes).toBe(16 * 2 ** 30);
    expect(n.gpus[1].memory).toBeUndefined();
  });

  test('counts GPUs per vendor', () => {
    const n = profile({
      nodes: [node('a', {
        gpus: [
          { vendor: GpuVendor.NVIDIA, model: 'Tesla T4', count: 2 },
          { vendor: GpuVendor.NVIDIA, model: 'RTX 3090' },
        ],
      })],
    }).node('a');
    expect(n.gpuCount(GpuVendor.NVIDIA)).toBe(3);
    expect(n.gpuCount(GpuVendor.INTEL)).toBe(0);
  });

  test('defaults the gateway sectionName to https and keeps ip and cidr', () => {
    const p = profile({ gateway: { name: 'envoy', namespace: 'network', ip: '192.168.10.224', cidr: '192.168.10.224/28' } });
    expect(p.gateway).toEqual({ name: 'envoy', namespace: 'network', sectionName: 'https', ip: '192.168.10.224', cidr: '192.168.10.224/28' });
  });

  test('keeps a given gateway sectionName', () => {
    expect(profile({ gateway: { name: 'envoy', namespace: 'network', sectionName: 'web' } }).gateway?.sectionName).toBe('web');
  });

  test('defaults the gitops branch to main and the path to dist/<cluster name>', () => {
    const p = profile({ gitops: { engine: GitOpsEngine.FLUX, repoUrl: 'https://github.com/me/homelab.git' } });
    expect(p.gitops).toEqual({ engine: GitOpsEngine.FLUX, repoUrl: 'https://github.com/me/homelab.git', branch: 'main', path: 'dist/homelab' });
  });

  test('keeps a given gitops branch and strips ./ and a trailing slash from the path', () => {
    const p = profile({ gitops: { engine: GitOpsEngine.ARGO_CD, repoUrl: 'git@github.com:me/homelab.git', branch: 'prod', path: './clusters/homelab/' } });
    expect(p.gitops).toEqual({ engine: GitOpsEngine.ARGO_CD, repoUrl: 'git@github.com:me/homelab.git', branch: 'prod', path: 'clusters/homelab' });
  });

  test('accepts https, ssh and scp-style Git URLs', () => {
    for (const repoUrl of ['https://github.com/me/homelab', 'ssh://git@github.com/me/homelab.git', 'git@github.com:me/homelab.git']) {
      expect(profile({ gitops: { engine: GitOpsEngine.FLUX, repoUrl } }).gitops?.repoUrl).toBe(repoUrl);
    }
  });

  test('leaves domain, gateway, identity provider and gitops unset when not given', () => {
    const p = profile();
    expect(p.domain).toBeUndefined();
    expect(p.gateway).toBeUndefined();
    expect(p.identityProvider).toBeUndefined();
    expect(p.gitops).toBeUndefined();
    expect(p.externalServices).toEqual([]);
  });

  test('keeps domain, identity provider and external services', () => {
    const ports = [5432];
    const p = profile({
      domain: 'fletcherlabs.net',
      identityProvider: { kind: IdentityProviderKind.AUTHENTIK, host: 'authentik.fletcherlabs.net' },
      externalServices: [{ name: 'postgres', namespace: 'db', ports, reason: 'installed by the platform repo' }],
    });
    expect(p.domain).toBe('fletcherlabs.net');
    expect(p.identityProvider).toEqual({ kind: IdentityProviderKind.AUTHENTIK, host: 'authentik.fletcherlabs.net' });
    expect(p.externalServices).toEqual([{ name: 'postgres', namespace: 'db', ports: [5432], reason: 'installed by the platform repo' }]);
    ports.push(1);
    expect(p.externalServices[0].ports).toEqual([5432]);
  });

  test.each(['v1.32.5+k3s1', '1.30', 'v1.29.3', 'v1.31.0-rc.1'])('accepts the version %s', (version) => {
    expect(profile({ version }).version).toBe(version);
  });
});

describe('ClusterProfile validation', () => {
  test('refuses a cluster name that is not a DNS label', () => {
    expectValidationError(() => new ClusterProfile('Home_Lab', props()), `[ClusterProfile(Home_Lab)] name = "Home_Lab": ${LABEL_RULE}. Fix: did you mean "home-lab"?`);
  });

  test('refuses an unknown distro', () => {
    expectValidationError(build({ distro: 'k0s' as Distro }), `${WHERE} profile.distro = "k0s": unknown distribution. Fix: use Distro.K3S, Distro.KUBEADM or Distro.TALOS`);
  });

  test('refuses a version that is not a Kubernetes version', () => {
    expectValidationError(build({ version: 'latest' }), `${WHERE} profile.version = "latest": not a Kubernetes version. Fix: use the server version, e.g. "v1.32.5+k3s1"`);
    expectValidationError(build({ version: 'v1' }), `${WHERE} profile.version = "v1": not a Kubernetes version. Fix: use the server version, e.g. "v1.32.5+k3s1"`);
    expectValidationError(build({ version: undefined as unknown as string }), `${WHERE} profile.version = undefined: not a Kubernetes version. Fix: use the server version, e.g. "v1.32.5+k3s1"`);
  });

  test('refuses a relative kubeletRootDir', () => {
    expectValidationError(build({ kubeletRootDir: 'var/lib/kubelet' }), `${WHERE} profile.kubeletRootDir = "var/lib/kubelet": must be an absolute path without a trailing slash. Fix: use "/var/lib/kubelet" (the K3s default since v0.10)`);
  });

  test('refuses a kubeletRootDir with a trailing slash', () => {
    expectValidationError(build({ kubeletRootDir: '/var/lib/kubelet/' }), `${WHERE} profile.kubeletRootDir = "/var/lib/kubelet/": must be an absolute path without a trailing slash. Fix: use "/var/lib/kubelet" (the K3s default since v0.10)`);
  });

  test('refuses an empty node list', () => {
    expectValidationError(build({ nodes: [] }), `${WHERE} profile.nodes = []: a cluster needs at least one node. Fix: list every node with its allocatable cpu and memory`);
    expectValidationError(build({ nodes: undefined as unknown as ClusterNodeProps[] }), `${WHERE} profile.nodes = undefined: a cluster needs at least one node. Fix: list every node with its allocatable cpu and memory`);
  });

  test('refuses a duplicate node name', () => {
    expectValidationError(build({ nodes: [node('a'), node('b'), node('a')] }), `${WHERE} profile.nodes[2].name = "a": duplicate node name. Fix: give every node its own name, as \`kubectl get nodes\` shows them`);
  });

  test('refuses a node name that is not a DNS subdomain', () => {
    expectValidationError(build({ nodes: [node('k3s-master'), node('K3S_Worker1')] }), `${WHERE} profile.nodes[1].name = "K3S_Worker1": ${SUBDOMAIN_RULE}. Fix: did you mean "k3s-worker1"?`);
  });

  test('refuses a bad allocatable memory quantity, naming the node index', () => {
    expectValidationError(
      build({ nodes: [node('a'), node('b', { allocatable: { cpu: '4', memory: '8Gb' } })] }),
      `${WHERE} profile.nodes[1].allocatable.memory = "8Gb": "Gb" is not a Kubernetes memory unit. Fix: did you mean "8Gi"?`,
    );
  });

  test('refuses a bad allocatable cpu quantity', () => {
    expectValidationError(
      build({ nodes: [node('a', { allocatable: { cpu: '4 cores', memory: '8Gi' } })] }),
      `${WHERE} profile.nodes[0].allocatable.cpu = "4 cores": "cores" is not a Kubernetes CPU unit. Fix: did you mean "4"? (a bare number counts cores)`,
    );
  });

  test('refuses a missing allocatable', () => {
    expectValidationError(
      build({ nodes: [{ name: 'a' } as ClusterNodeProps] }),
      `${WHERE} profile.nodes[0].allocatable.cpu = undefined: a CPU quantity must be a string such as "100m". Fix: write it as a string, e.g. "100m" or "1"`,
    );
  });

  test('refuses zero allocatable cpu or memory', () => {
    const fix = 'allocatable cpu and memory must be greater than zero. Fix: copy the "Allocatable" figures from `kubectl describe node`';
    expectValidationError(withNode({ allocatable: { cpu: '0', memory: '8Gi' } }), `${WHERE} profile.nodes[0].allocatable = {"cpu":"0","memory":"8Gi"}: ${fix}`);
    expectValidationError(withNode({ allocatable: { cpu: '4', memory: '0', pods: 110 } }), `${WHERE} profile.nodes[0].allocatable = {"cpu":"4","memory":"0","pods":110}: ${fix}`);
  });

  test('refuses a bad taint effect', () => {
    expectValidationError(
      withNode({ taints: [{ key: 'dedicated', effect: TaintEffect.NO_SCHEDULE }, { key: 'gpu', effect: 'NoSchedul' as TaintEffect }] }),
      `${WHERE} profile.nodes[0].taints[1].effect = "NoSchedul": not a taint effect. Fix: use TaintEffect.NO_SCHEDULE, PREFER_NO_SCHEDULE or NO_EXECUTE`,
    );
  });

  test('refuses a GPU count of 0 or a fraction', () => {
    const rule = 'a GPU count must be a whole number of at least 1. Fix: give the number of physical GPUs of this model, or remove the entry';
    expectValidationError(withNode({ gpus: [{ vendor: GpuVendor.NVIDIA, model: 'Tesla T4', count: 0 }] }), `${WHERE} profile.nodes[0].gpus[0].count = 0: ${rule}`);
    expectValidationError(withNode({ gpus: [{ vendor: GpuVendor.NVIDIA, model: 'Tesla T4', count: 1.5 }] }), `${WHERE} profile.nodes[0].gpus[0].count = 1.5: ${rule}`);
  });

  test('refuses an unknown GPU vendor', () => {
    expectValidationError(
      withNode({ gpus: [{ vendor: 'amd' as GpuVendor, model: 'RX 7900' }] }),
      `${WHERE} profile.nodes[0].gpus[0].vendor = "amd": unknown GPU vendor. Fix: use GpuVendor.NVIDIA or GpuVendor.INTEL`,
    );
  });

  test('refuses a bad GPU memory quantity', () => {
    expectValidationError(
      withNode({ gpus: [{ vendor: GpuVendor.NVIDIA, model: 'Tesla T4', memory: '16GB' }] }),
      `${WHERE} profile.nodes[0].gpus[0].memory = "16GB": "GB" is not a Kubernetes memory unit. Fix: did you mean "16Gi"?`,
    );
  });

  test('refuses a disk tier that is not a DNS label', () => {
    expectValidationError(
      withNode({ disks: [{ tier: 'nvme', capacity: '1Ti' }, { tier: 'SAS_SSD', capacity: '2Ti' }] }),
      `${WHERE} profile.nodes[0].disks[1].tier = "SAS_SSD": ${LABEL_RULE}. Fix: did you mean "sas-ssd"?`,
    );
  });

  test('refuses a bad disk capacity', () => {
    expectValidationError(
      withNode({ disks: [{ tier: 'optane', capacity: '220GB' }] }),
      `${WHERE} profile.nodes[0].disks[0].capacity = "220GB": "GB" is not a Kubernetes memory unit. Fix: did you mean "220Gi"?`,
    );
  });

  test('refuses a domain that is not a DNS subdomain', () => {
    expectValidationError(build({ domain: 'Fletcherlabs.NET' }), `${WHERE} profile.domain = "Fletcherlabs.NET": ${SUBDOMAIN_RULE}. Fix: did you mean "fletcherlabs.net"?`);
  });

  test('refuses a gateway name or namespace that is not a DNS label', () => {
    expectValidationError(build({ gateway: { name: 'Envoy_GW', namespace: 'network' } }), `${WHERE} profile.gateway.name = "Envoy_GW": ${LABEL_RULE}. Fix: did you mean "envoy-gw"?`);
    expectValidationError(build({ gateway: { name: 'envoy', namespace: 'Network' } }), `${WHERE} profile.gateway.namespace = "Network": ${LABEL_RULE}. Fix: did you mean "network"?`);
  });

  test('refuses a gateway IP that is not IPv4', () => {
    const fix = 'not an IPv4 address. Fix: give the address the gateway Service got, e.g. "192.168.10.224"';
    expectValidationError(build({ gateway: { name: 'envoy', namespace: 'network', ip: '192.168.10.300' } }), `${WHERE} profile.gateway.ip = "192.168.10.300": ${fix}`);
    expectValidationError(build({ gateway: { name: 'envoy', namespace: 'network', ip: 'fd00::1' } }), `${WHERE} profile.gateway.ip = "fd00::1": ${fix}`);
  });

  test('refuses a malformed gateway CIDR', () => {
    const fix = 'not an IPv4 CIDR. Fix: write it like "192.168.10.224/28"';
    expectValidationError(build({ gateway: { name: 'envoy', namespace: 'network', cidr: '192.168.10.224' } }), `${WHERE} profile.gateway.cidr = "192.168.10.224": ${fix}`);
    expectValidationError(build({ gateway: { name: 'envoy', namespace: 'network', cidr: '192.168.10.224/33' } }), `${WHERE} profile.gateway.cidr = "192.168.10.224/33": ${fix}`);
  });

  test('refuses a gateway IP outside the gateway CIDR', () => {
    expectValidationError(
      build({ gateway: { name: 'envoy', namespace: 'network', ip: '192.168.10.240', cidr: '192.168.10.224/28' } }),
      `${WHERE} profile.gateway.ip = "192.168.10.240": the gateway IP is outside the gateway range 192.168.10.224/28. Fix: fix the IP or the CIDR so that the range contains the IP`,
    );
    expectValidationError(
      build({ gateway: { name: 'envoy', namespace: 'network', ip: '192.168.10.223', cidr: '192.168.10.224/28' } }),
      `${WHERE} profile.gateway.ip = "192.168.10.223": the gateway IP is outside the gateway range 192.168.10.224/28. Fix: fix the IP or the CIDR so that the range contains the IP`,
    );
  });

  test('accepts a gateway IP at either end of the CIDR, and a CIDR written with host bits', () => {
    for (const ip of ['192.168.10.224', '192.168.10.239']) {
      expect(profile({ gateway: { name: 'envoy', namespace: 'network', ip, cidr: '192.168.10.224/28' } }).gateway?.ip).toBe(ip);
    }
    expect(profile({ gateway: { name: 'envoy', namespace: 'network', ip: '192.168.10.224', cidr: '192.168.10.230/28' } }).gateway?.cidr).toBe('192.168.10.230/28');
    expect(profile({ gateway: { name: 'envoy', namespace: 'network', ip: '10.1.2.3', cidr: '10.1.2.3/32' } }).gateway?.ip).toBe('10.1.2.3');
  });

  test('refuses an unknown identity provider kind and a bad host', () => {
    expectValidationError(
      build({ identityProvider: { kind: 'keycloak' as IdentityProviderKind, host: 'auth.example.net' } }),
      `${WHERE} profile.identityProvider.kind = "keycloak": unknown identity provider. Fix: use IdentityProviderKind.AUTHENTIK or IdentityProviderKind.OIDC`,
    );
    expectValidationError(
      build({ identityProvider: { kind: IdentityProviderKind.OIDC, host: 'Auth.example.net' } }),
      `${WHERE} profile.identityProvider.host = "Auth.example.net": ${SUBDOMAIN_RULE}. Fix: did you mean "auth.example.net"?`,
    );
  });

  test('refuses an unknown GitOps engine', () => {
    expectValidationError(
      build({ gitops: { engine: 'fluxcd' as GitOpsEngine, repoUrl: 'https://github.com/me/homelab' } }),
      `${WHERE} profile.gitops.engine = "fluxcd": unknown GitOps engine. Fix: use GitOpsEngine.FLUX or GitOpsEngine.ARGO_CD`,
    );
  });

  test('refuses a gitops repoUrl that is not a Git URL', () => {
    const fix = 'not a Git URL. Fix: use an https:// or ssh:// URL of the repository the tree is committed to';
    expectValidationError(build({ gitops: { engine: GitOpsEngine.FLUX, repoUrl: 'github.com/me/homelab' } }), `${WHERE} profile.gitops.repoUrl = "github.com/me/homelab": ${fix}`);
    expectValidationError(build({ gitops: { engine: GitOpsEngine.FLUX, repoUrl: 'http://github.com/me/homelab' } }), `${WHERE} profile.gitops.repoUrl = "http://github.com/me/homelab": ${fix}`);
    expectValidationError(build({ gitops: { engine: GitOpsEngine.FLUX, repoUrl: undefined as unknown as string } }), `${WHERE} profile.gitops.repoUrl = undefined: ${fix}`);
  });

  test('refuses an external service without a reason', () => {
    const fix = 'an external service needs a reason. Fix: say where it comes from, e.g. "installed by the platform repo"';
    expectValidationError(build({ externalServices: [{ name: 'postgres', namespace: 'db', ports: [5432], reason: '' }] }), `${WHERE} profile.externalServices[0].reason = "": ${fix}`);
    expectValidationError(
      build({ externalServices: [{ name: 'postgres', namespace: 'db', ports: [5432], reason: 'platform' }, { name: 'minio', namespace: 'db', ports: [9000] } as never] }),
      `${WHERE} profile.externalServices[1].reason = undefined: ${fix}`,
    );
  });

  test('refuses an external service name or namespace that is not a DNS label', () => {
    expectValidationError(
      build({ externalServices: [{ name: 'Postgres', namespace: 'db', ports: [5432], reason: 'platform' }] }),
      `${WHERE} profile.externalServices[0].name = "Postgres": ${LABEL_RULE}. Fix: did you mean "postgres"?`,
    );
    expectValidationError(
      build({ externalServices: [{ name: 'postgres', namespace: 'data_base', ports: [5432], reason: 'platform' }] }),
      `${WHERE} profile.externalServices[0].namespace = "data_base": ${LABEL_RULE}. Fix: did you mean "data-base"?`,
    );
  });

  test('uses a given path in its errors', () => {
    expectValidationError(() => new ClusterProfile('homelab', props({ version: 'x' }), 'somewhere/else'), '[somewhere/else] profile.version = "x": not a Kubernetes version. Fix: use the server version, e.g. "v1.32.5+k3s1"');
  });
});

describe('ClusterProfile.node', () => {
  test('finds a node by name', () => {
    const p = profile();
    expect(p.node('k3s-worker1').name).toBe('k3s-worker1');
    expect(p.nodes.map((n) => n.name)).toEqual(['k3s-master', 'k3s-worker1']);
  });

  test('throws for an unknown node and lists the known nodes', () => {
    expectValidationError(
      () => profile().node('k3s-worker9'),
      `${WHERE} node = "k3s-worker9": no node of that name in the homelab profile (nodes: k3s-master, k3s-worker1). Fix: use one of "k3s-master", "k3s-worker1", or add the node to the profile`,
    );
  });

  test('throws at the given scope and prop', () => {
    const scope = new Construct(new Construct(new App(), 'homelab'), 'ollama');
    expectValidationError(
      () => profile().node('gpu9', scope, 'placement.node'),
      '[homelab/ollama] placement.node = "gpu9": no node of that name in the homelab profile (nodes: k3s-master, k3s-worker1). Fix: use one of "k3s-master", "k3s-worker1", or add the node to the profile',
    );
    expectValidationError(
      () => profile().node('gpu9', 'homelab/ai', 'nodeName'),
      '[homelab/ai] nodeName = "gpu9": no node of that name in the homelab profile (nodes: k3s-master, k3s-worker1). Fix: use one of "k3s-master", "k3s-worker1", or add the node to the profile',
    );
  });
});

describe('ClusterProfile.nodesWithLabels', () => {
  const p = profile({
    nodes: [
      node('a', { labels: { 'gpu.vendor': 'nvidia', zone: 'rack1' } }),
      node('b', { labels: { 'gpu.vendor': 'intel', zone: 'rack1' } }),
      node('c', { labels: { zone: 'rack2' } }),
    ],
  });
  const names = (labels: Record<string, string>) => p.nodesWithLabels(labels).map((n) => n.name);

  test('returns the nodes that carry every given label', () => {
    expect(names({ zone: 'rack1' })).toEqual(['a', 'b']);
    expect(names({ zone: 'rack1', 'gpu.vendor': 'intel' })).toEqual(['b']);
  });

  test('matches the hostname label', () => {
    expect(names({ 'kubernetes.io/hostname': 'c' })).toEqual(['c']);
  });

  test('returns every node for no labels and none when nothing matches', () => {
    expect(names({})).toEqual(['a', 'b', 'c']);
    expect(names({ zone: 'rack3' })).toEqual([]);
  });
});

describe('ClusterNode.tolerates', () => {
  const noSchedule: NodeTaint = { key: 'dedicated', value: 'gpu', effect: TaintEffect.NO_SCHEDULE };
  const noExecute: NodeTaint = { key: 'dedicated', value: 'gpu', effect: TaintEffect.NO_EXECUTE };

  test('a node without taints tolerates every pod', () => {
    expect(nodeWithTaints().tolerates([])).toBe(true);
  });

  test.each([noSchedule, noExecute])('a $effect taint refuses a pod without a matching toleration', (taint) => {
    const n = nodeWithTaints(taint);
    expect(n.tolerates([])).toBe(false);
    expect(n.tolerates([{ key: 'other', operator: 'Exists' }])).toBe(false);
    expect(n.tolerates([{ key: 'dedicated', operator: 'Equal', value: 'cpu' }])).toBe(false);
  });

  test.each([noSchedule, noExecute])('a $effect taint admits a matching Equal toleration', (taint) => {
    const n = nodeWithTaints(taint);
    expect(n.tolerates([{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: taint.effect }])).toBe(true);
    expect(n.tolerates([{ key: 'dedicated', operator: 'Equal', value: 'gpu' }])).toBe(true);
    expect(n.tolerates([{ key: 'dedicated', value: 'gpu' }])).toBe(true);
  });

  test.each([noSchedule, noExecute])('a $effect taint admits a matching Exists toleration', (taint) => {
    const n = nodeWithTaints(taint);
    expect(n.tolerates([{ key: 'dedicated', operator: 'Exists' }])).toBe(true);
    expect(n.tolerates([{ key: 'dedicated', operator: 'Exists', effect: taint.effect }])).toBe(true);
  });

  test('an Exists toleration without a key admits every taint', () => {
    expect(nodeWithTaints(noSchedule, { key: 'other', effect: TaintEffect.NO_EXECUTE }).tolerates([{ operator: 'Exists' }])).toBe(true);
    expect(nodeWithTaints(noSchedule).tolerates([{ key: '', operator: 'Exists' }])).toBe(true);
  });

  test('a toleration for another effect does not match', () => {
    expect(nodeWithTaints(noSchedule).tolerates([{ key: 'dedicated', operator: 'Exists', effect: TaintEffect.NO_EXECUTE }])).toBe(false);
    expect(nodeWithTaints(noExecute).tolerates([{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: TaintEffect.NO_SCHEDULE }])).toBe(false);
  });

  test('a taint without a value needs an Equal toleration without a value', () => {
    const n = nodeWithTaints({ key: 'nvidia.com/gpu', effect: TaintEffect.NO_SCHEDULE });
    expect(n.tolerates([{ key: 'nvidia.com/gpu', operator: 'Equal' }])).toBe(true);
    expect(n.tolerates([{ key: 'nvidia.com/gpu', operator: 'Equal', value: '' }])).toBe(true);
    expect(n.tolerates([{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'present' }])).toBe(false);
  });

  test('a PreferNoSchedule taint is ignored', () => {
    const n = nodeWithTaints({ key: 'soft', value: 'yes', effect: TaintEffect.PREFER_NO_SCHEDULE });
    expect(n.tolerates([])).toBe(true);
  });

  test('every NoSchedule and NoExecute taint needs its own toleration', () => {
    const n = nodeWithTaints(noSchedule, { key: 'maintenance', effect: TaintEffect.NO_EXECUTE }, { key: 'soft', effect: TaintEffect.PREFER_NO_SCHEDULE });
    expect(n.tolerates([{ key: 'dedicated', operator: 'Exists' }])).toBe(false);
    expect(n.tolerates([{ key: 'dedicated', operator: 'Exists' }, { key: 'maintenance', operator: 'Exists' }])).toBe(true);
  });
});

describe('ClusterProfile.of', () => {
  const cluster = (id = 'homelab', extra: Partial<ClusterProfileProps> = {}) => new Cluster(new App(), id, { profile: props(extra) });

  test('finds the profile of the enclosing Cluster from any descendant', () => {
    const c = cluster();
    const deep = new Construct(new Construct(c, 'media'), 'sonarr');
    expect(ClusterProfile.of(deep)).toBe(c.profile);
    expect(ClusterProfile.of(c)).toBe(c.profile);
    expect(ClusterProfile.of(deep).name).toBe('homelab');
  });

  test('finds the profile of its own cluster when there are two', () => {
    const app = new App();
    const a = new Cluster(app, 'alpha', { profile: props() });
    const b = new Cluster(app, 'beta', { profile: props() });
    expect(ClusterProfile.of(new Construct(a, 'x')).name).toBe('alpha');
    expect(ClusterProfile.of(new Construct(b, 'x')).name).toBe('beta');
  });

  test('throws outside a Cluster', () => {
    const loose = new Construct(new Construct(new App(), 'stray'), 'loose');
    expectValidationError(
      () => ClusterProfile.of(loose),
      "[stray/loose] scope = \"stray/loose\": this construct is not inside a Cluster, so it has no ClusterProfile. Fix: create it inside a Cluster: `const cluster = new Cluster(app, 'homelab', { profile })`, then `new Namespace(cluster, 'media')`",
    );
  });

  test('throws for the root construct', () => {
    expectValidationError(
      () => ClusterProfile.of(new App()),
      "[<root>] scope = \"\": this construct is not inside a Cluster, so it has no ClusterProfile. Fix: create it inside a Cluster: `const cluster = new Cluster(app, 'homelab', { profile })`, then `new Namespace(cluster, 'media')`",
    );
  });

  test('tryOf returns undefined outside a Cluster and the profile inside', () => {
    const c = cluster();
    expect(ClusterProfile.tryOf(new Construct(new App(), 'loose'))).toBeUndefined();
    expect(ClusterProfile.tryOf(new Construct(c, 'x'))).toBe(c.profile);
  });

  test('names the cluster after the Cluster id and reports errors at its path', () => {
    expect(cluster('lab').profile.name).toBe('lab');
    expectValidationError(
      () => cluster('homelab', { nodes: [node('a'), node('b', { allocatable: { cpu: '4', memory: '512Mb' } })] }),
      '[homelab] profile.nodes[1].allocatable.memory = "512Mb": "Mb" is not a Kubernetes memory unit. Fix: did you mean "512Mi"?',
    );
  });
});

describe('isIpv4', () => {
  test.each(['192.168.10.224', '0.0.0.0', '255.255.255.255', '10.43.170.72'])('accepts %s', (ip) => {
    expect(isIpv4(ip)).toBe(true);
  });

  test.each(['256.0.0.1', '1.2.3', '1.2.3.4.5', 'a.b.c.d', '', '1.2.3.-4', '1.2.3.4 ', '1234.1.1.1', 'fd00::1', '1..2.3'])('refuses %j', (ip) => {
    expect(isIpv4(ip)).toBe(false);
  });
});

describe('parseCidr', () => {
  test('parses the base address and prefix length', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ base: 10 * 2 ** 24, bits: 8 });
    expect(parseCidr('192.168.10.224/28')).toEqual({ base: 192 * 2 ** 24 + 168 * 2 ** 16 + 10 * 2 ** 8 + 224, bits: 28 });
    expect(parseCidr('0.0.0.0/0')).toEqual({ base: 0, bits: 0 });
    expect(parseCidr('255.255.255.255/32')).toEqual({ base: 2 ** 32 - 1, bits: 32 });
  });

  test.each(['10.0.0.0', '10.0.0.0/33', '10.0.0.0/8/1', '10.0.0/8', '10.0.0.0/', '10.0.0.0/abc', '10.0.0.256/8', '10.0.0.0/100', ''])('returns undefined for %j', (cidr) => {
    expect(parseCidr(cidr)).toBeUndefined();
  });
});

describe('tolerationsFor', () => {
  const p = new ClusterProfile('lab', {
    distro: Distro.K3S, version: 'v1.32.5+k3s1',
    nodes: [
      { name: 'a', allocatable: { cpu: '1', memory: '1Gi' }, taints: [{ key: 'CriticalAddonsOnly', value: 'true', effect: TaintEffect.NO_EXECUTE }, { key: 'soft', effect: TaintEffect.PREFER_NO_SCHEDULE }] },
      { name: 'b', allocatable: { cpu: '1', memory: '1Gi' }, taints: [{ key: 'gpu', effect: TaintEffect.NO_SCHEDULE }, { key: 'CriticalAddonsOnly', value: 'true', effect: TaintEffect.NO_EXECUTE }] },
    ],
  });
  test('one toleration per distinct hard taint, none for PreferNoSchedule', () => {
    expect(tolerationsFor(p.nodes)).toEqual([
      { key: 'CriticalAddonsOnly', operator: 'Equal', value: 'true', effect: 'NoExecute' },
      { key: 'gpu', operator: 'Exists', effect: 'NoSchedule' },
    ]);
  });
  test('taints the given tolerations already cover are skipped', () => {
    expect(tolerationsFor(p.nodes, [{ key: 'gpu', operator: 'Exists' }])).toEqual([{ key: 'CriticalAddonsOnly', operator: 'Equal', value: 'true', effect: 'NoExecute' }]);
    expect(tolerationsFor(p.nodes, [{ operator: 'Exists' }])).toEqual([]);
  });
});

describe('ClusterProfile refuses negative and invalid facts (issue 8)', () => {
  const KEY_RULE = 'not a label key (an optional DNS-1123 subdomain prefix and "/", then a name of at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit)';
  const VALUE_RULE = 'not a label value (at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit)';

  test('a pod capacity below 1, a zero-capacity or relative disk, a GPU without memory, an unknown role', () => {
    const POD_FIX = 'copy "pods" from the "Allocatable" figures of `kubectl describe node` (110 by default), or leave it out';
    expectValidationError(withNode({ allocatable: { cpu: '4', memory: '8Gi', pods: -10 } }), `${WHERE} profile.nodes[0].allocatable.pods = -10: the pod capacity of a node is a whole number of at least 1. Fix: ${POD_FIX}`);
    expectValidationError(withNode({ allocatable: { cpu: '4', memory: '8Gi', pods: 0 } }), `${WHERE} profile.nodes[0].allocatable.pods = 0: the pod capacity of a node is a whole number of at least 1. Fix: ${POD_FIX}`);
    expectValidationError(withNode({ disks: [{ tier: 'nvme', capacity: '0Gi' }] }), `${WHERE} profile.nodes[0].disks[0].capacity = "0Gi": a disk of zero capacity holds no volume. Fix: give the usable capacity, e.g. "400Gi", or remove the disk`);
    expectValidationError(withNode({ disks: [{ tier: 'nvme', capacity: '400Gi', path: 'var/lib/longhorn' }] }), `${WHERE} profile.nodes[0].disks[0].path = "var/lib/longhorn": a mount path on the node is absolute. Fix: use "/var/lib/longhorn", or leave path out`);
    expectValidationError(withNode({ gpus: [{ vendor: GpuVendor.NVIDIA, model: 'Tesla T4', memory: '0' }] }), `${WHERE} profile.nodes[0].gpus[0].memory = "0": a GPU with zero memory fits no model. Fix: give the memory of one physical GPU, e.g. "16Gi" for a Tesla T4, or leave it out`);
    expectValidationError(withNode({ role: 'master' as NodeRole }), `${WHERE} profile.nodes[0].role = "master": unknown node role. Fix: use NodeRole.CONTROL_PLANE or NodeRole.WORKER`);
  });

  test('node label and taint keys and values', () => {
    expectValidationError(withNode({ labels: { 'example.com/gpu/model': 't4' } }), `${WHERE} profile.nodes[0].labels.example.com/gpu/model = "example.com/gpu/model": ${KEY_RULE}. Fix: did you mean "example.com/gpu-model"?`);
    expectValidationError(withNode({ labels: { 'gpu.model': 'Tesla T4' } }), `${WHERE} profile.nodes[0].labels.gpu.model = "Tesla T4": ${VALUE_RULE}. Fix: did you mean "Tesla-T4"?`);
    expectValidationError(withNode({ taints: [{ key: 'critical addons', effect: TaintEffect.NO_SCHEDULE }] }), `${WHERE} profile.nodes[0].taints[0].key = "critical addons": ${KEY_RULE}. Fix: did you mean "critical-addons"?`);
    expectValidationError(withNode({ taints: [{ key: 'gpu', value: 'yes please', effect: TaintEffect.NO_SCHEDULE }] }), `${WHERE} profile.nodes[0].taints[0].value = "yes please": ${VALUE_RULE}. Fix: did you mean "yes-please"?`);
  });

  test('a gateway listener name that is not a DNS subdomain', () => {
    expectValidationError(build({ gateway: { name: 'main', namespace: 'networking', sectionName: 'HTTPS' } }), `${WHERE} profile.gateway.sectionName = "HTTPS": ${SUBDOMAIN_RULE}. Fix: did you mean "https"?`);
  });
});

describe('ClusterProfile refuses wrong-typed input from JavaScript callers, never a TypeError (issue 8)', () => {
  const NODE = '{ name: "worker1", allocatable: { cpu: "4", memory: "8Gi" } }';
  const anyNode = (extra: Record<string, unknown>) => withNode(extra as Partial<ClusterNodeProps>);
  const any = (extra: Record<string, unknown>) => build(extra as Partial<ClusterProfileProps>);

  test('a node that is not an object', () => {
    expectValidationError(any({ nodes: [null] }), `${WHERE} profile.nodes[0] = null: a node must be an object. Fix: write e.g. ${NODE}`);
    expectValidationError(any({ nodes: [node('a'), 'worker1'] }), `${WHERE} profile.nodes[1] = "worker1": a node must be an object. Fix: write e.g. ${NODE}`);
  });

  test('taints, disks and GPUs that are not lists, and entries that are not objects', () => {
    expectValidationError(anyNode({ taints: 'x' }), `${WHERE} profile.nodes[0].taints = "x": node taints must be a list. Fix: write an array, e.g. [{ key: "gpu", effect: TaintEffect.NO_SCHEDULE }]`);
    expectValidationError(anyNode({ taints: [null] }), `${WHERE} profile.nodes[0].taints[0] = null: a taint must be an object. Fix: write e.g. { key: "gpu", value: "true", effect: TaintEffect.NO_SCHEDULE }`);
    expectValidationError(anyNode({ disks: { tier: 'nvme', capacity: '400Gi' } }), `${WHERE} profile.nodes[0].disks = {"tier":"nvme","capacity":"400Gi"}: node disks must be a list. Fix: write an array, e.g. [{ tier: "nvme", capacity: "400Gi" }]`);
    expectValidationError(anyNode({ disks: [null] }), `${WHERE} profile.nodes[0].disks[0] = null: a disk must be an object. Fix: write e.g. { tier: "nvme", capacity: "400Gi", path: "/var/lib/longhorn" }`);
    expectValidationError(anyNode({ gpus: 'T4' }), `${WHERE} profile.nodes[0].gpus = "T4": node GPUs must be a list. Fix: write an array, e.g. [{ vendor: GpuVendor.NVIDIA, model: "Tesla T4" }]`);
    expectValidationError(anyNode({ gpus: [null] }), `${WHERE} profile.nodes[0].gpus[0] = null: a GPU entry must be an object. Fix: write e.g. { vendor: GpuVendor.NVIDIA, model: "Tesla T4", memory: "16Gi" }`);
    expectValidationError(anyNode({ gpus: [{ vendor: GpuVendor.NVIDIA }] }), `${WHERE} profile.nodes[0].gpus[0].model = undefined: a GPU entry names its model. Fix: give the model as \`nvidia-smi -L\` or \`lspci\` shows it, e.g. "Tesla T4"`);
    // null means "none", as undefined does
    expect(profile({ nodes: [node('a', { taints: null, disks: null, gpus: null } as any)] }).node('a').taints).toEqual([]);
  });

  test('labels that are not a map, taint keys and disk tiers that are not strings', () => {
    const MAP = 'a label map is an object of key: value strings. Fix: write e.g. { "app.kubernetes.io/name": "web" }';
    expectValidationError(anyNode({ labels: 'x' }), `${WHERE} profile.nodes[0].labels = "x": ${MAP}`);
    expectValidationError(anyNode({ labels: ['gpu=true'] }), `${WHERE} profile.nodes[0].labels = ["gpu=true"]: ${MAP}`);
    expect(validationErrorOf(anyNode({ taints: [{ key: 5, effect: TaintEffect.NO_SCHEDULE }] })).prop).toBe('profile.nodes[0].taints[0].key');
    expect(validationErrorOf(anyNode({ disks: [{ tier: 3, capacity: '400Gi' }] })).prop).toBe('profile.nodes[0].disks[0].tier');
    expect(validationErrorOf(anyNode({ disks: [{ tier: 'nvme', capacity: 400 }] })).prop).toBe('profile.nodes[0].disks[0].capacity');
  });

  test('a profile, gateway, identity provider, GitOps settings or capacity budget that is not an object', () => {
    expectValidationError(() => new ClusterProfile('homelab', undefined as any), `${WHERE} profile = undefined: the cluster profile must be an object. Fix: write e.g. { distro: Distro.K3S, version: "v1.32.5+k3s1", nodes: [...] }`);
    expectValidationError(any({ gateway: 'main' }), `${WHERE} profile.gateway = "main": the gateway must be an object. Fix: write e.g. { name: "main-gateway", namespace: "networking" }`);
    expectValidationError(any({ identityProvider: 'authentik' }), `${WHERE} profile.identityProvider = "authentik": the identity provider must be an object. Fix: write e.g. { kind: IdentityProviderKind.AUTHENTIK, host: "auth.example.net" }`);
    expectValidationError(any({ gitops: 'flux' }), `${WHERE} profile.gitops = "flux": the GitOps settings must be an object. Fix: write e.g. { engine: GitOpsEngine.FLUX, repoUrl: "https://github.com/example/lab" }`);
    expectValidationError(any({ capacity: 0.85 }), `${WHERE} profile.capacity = 0.85: the capacity budget must be an object. Fix: write e.g. { maxMemoryRequestShare: 0.85 }`);
  });

  test('lists of the profile that are not lists, and their entries', () => {
    expectValidationError(any({ externalServices: 'postgres' }), `${WHERE} profile.externalServices = "postgres": external services must be a list. Fix: write an array, e.g. [{ name: "postgres", namespace: "data", ports: [5432], reason: "..." }]`);
    expectValidationError(any({ externalServices: [null] }), `${WHERE} profile.externalServices[0] = null: an external service must be an object. Fix: write e.g. { name: "postgres", namespace: "data", ports: [5432], reason: "installed by the platform repo" }`);
    expectValidationError(any({ externalServices: [{ name: 'db', namespace: 'data', ports: [5432], reason: 7 }] }), `${WHERE} profile.externalServices[0].reason = 7: an external service needs a reason. Fix: say where it comes from, e.g. "installed by the platform repo"`);
    expectValidationError(any({ runtimeClasses: 'nvidia' }), `${WHERE} profile.runtimeClasses = "nvidia": RuntimeClasses must be a list. Fix: write an array, e.g. ["nvidia"]`);
    expectValidationError(any({ backupTargets: 'minio' }), `${WHERE} profile.backupTargets = "minio": backup targets must be a list. Fix: write an array, e.g. [{ name: "minio", kind: BackupTargetKind.MINIO, endpoint: "http://192.168.10.100:9000", bucket: "velero" }]`);
    expectValidationError(any({ backupTargets: [null] }), `${WHERE} profile.backupTargets[0] = null: a backup target must be an object. Fix: write e.g. { name: "minio", kind: BackupTargetKind.MINIO, endpoint: "http://192.168.10.100:9000", bucket: "velero" }`);
  });

  test('a version, kubelet root dir, GitOps branch or path that is not a string', () => {
    expectValidationError(any({ version: 1.29 }), `${WHERE} profile.version = 1.29: not a Kubernetes version. Fix: use the server version, e.g. "v1.32.5+k3s1"`);
    expectValidationError(any({ kubeletRootDir: 5 }), `${WHERE} profile.kubeletRootDir = 5: must be an absolute path without a trailing slash. Fix: use "/var/lib/kubelet" (the K3s default since v0.10)`);
    const gitops = { engine: GitOpsEngine.FLUX, repoUrl: 'https://github.com/example/lab' };
    expectValidationError(any({ gitops: { ...gitops, branch: '' } }), `${WHERE} profile.gitops.branch = "": a branch name is a non-empty string. Fix: give the branch the tree is committed to, e.g. "main", or leave branch out`);
    expectValidationError(any({ gitops: { ...gitops, path: 3 } }), `${WHERE} profile.gitops.path = 3: the tree's path in the repository is a string. Fix: use e.g. "dist/homelab", or leave path out`);
  });
});

describe('validateToleration', () => {
  test('accepts what the API server accepts', () => {
    for (const t of [{ operator: 'Exists' }, { key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }, { key: 'gpu', value: 'true' }, { key: 'a', operator: 'Equal', value: '', effect: 'NoExecute', tolerationSeconds: 30 }]) {
      expect(validateToleration(t)).toBe(t);
    }
  });

  test('refuses what it refuses, naming the field', () => {
    expect(validationErrorOf(() => validateToleration({ key: 'gpu', operator: 'Exists', effect: 'NoRun' })).message)
      .toBe('effect = "NoRun": not a taint effect. Fix: use "NoSchedule", "PreferNoSchedule" or "NoExecute" (TaintEffect.*), or leave effect out to match every effect');
    expect(validationErrorOf(() => validateToleration({ key: 'gpu', value: 'a b' })).message).toBe('value = "a b": not a label value (at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit). Fix: did you mean "a-b"?');
    expect(validationErrorOf(() => validateToleration({ key: 'a b', operator: 'Exists' })).prop).toBe('key');
  });
});
