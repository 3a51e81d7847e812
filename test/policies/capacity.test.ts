import { ClusterProfile, Distro, TaintEffect } from '../../lib/core/profile';
import { evaluatePolicies } from '../../lib/policies/engine';
import { capacityBudgetRule, overcommitRule, simulatePlacement } from '../../lib/policies/rules/capacity';
import { createContext, reportSections } from '../../lib/policies/engine';
import { errorOf } from '../helpers';
import { container, deployment, merge, records, workload } from './fixtures';

const profile = new ClusterProfile('lab', {
  distro: Distro.K3S, version: 'v1.32.5+k3s1',
  nodes: [
    { name: 'master', allocatable: { cpu: '4', memory: '4Gi' }, taints: [{ key: 'CriticalAddonsOnly', value: 'true', effect: TaintEffect.NO_EXECUTE }] },
    { name: 'w1', allocatable: { cpu: '4', memory: '4Gi' }, labels: { disk: 'ssd' } },
    { name: 'w2', allocatable: { cpu: '4', memory: '4Gi' } },
  ],
});
const pack = [{ name: 't', rules: [capacityBudgetRule] }];
const sized = (name: string, memory: string, replicas = 1, podPatch: any = {}) =>
  deployment(name, 'apps', merge({ containers: [container({ resources: { requests: { memory }, limits: { memory } } })] }, podPatch), { spec: { replicas } });
const messages = (...ms: any[]) => evaluatePolicies(records(...ms), pack, profile).map((f) => f.message);

describe('HK-X-04 capacity budget', () => {
  test('compliant: requests well under the untainted nodes\' memory', () => {
    expect(messages(sized('a', '1Gi', 2), sized('b', '512Mi'))).toEqual([]);
  });

  test('not applicable without a profile', () => {
    expect(evaluatePolicies(records(sized('a', '100Gi')), pack).length).toBe(0);
  });

  test('tainted nodes do not count unless tolerated', () => {
    // 7Gi on w1+w2 (8Gi) = 87.5% > 85%
    expect(messages(sized('a', '1Gi', 7))).toEqual(['memory requests total 7168Mi, 88% of the 8192Mi allocatable on the nodes they may run on (w1, w2); the limit is 85%. Largest: Deployment apps/a with 7168Mi']);
    // tolerating the taint adds the master: 7Gi of 12Gi
    expect(messages(sized('a', '1Gi', 7, { tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }] }))).toEqual([]);
  });

  test('fails when a pod is larger than every node it may run on', () => {
    // 5Gi of 8Gi (63%) is within the total budget: only the per-pod fit fails
    expect(messages(sized('big', '5Gi'))).toEqual([
      '1 of 1 pod(s) would stay Pending: Insufficient memory: it requests 5120Mi per pod, more than the largest node it may run on (4096Mi)',
    ]);
  });

  test('fails when no node matches the node selector', () => {
    expect(messages(sized('x', '1Gi', 1, { nodeSelector: { disk: 'nvme' } }))).toEqual(['1 of 1 pod(s) would stay Pending: no node tolerates its taints and matches its node selector, affinity and GPUs']);
  });

  test('counts a DaemonSet once per eligible node', () => {
    const ds = workload('DaemonSet', 'agent', 'apps', { containers: [container({ resources: { requests: { memory: '3500Mi' }, limits: { memory: '3500Mi' } } })] });
    expect(messages(ds)).toEqual(['memory requests total 7000Mi, 85% of the 8192Mi allocatable on the nodes they may run on (w1, w2); the limit is 85%. Largest: DaemonSet apps/agent with 7000Mi']);
  });
});

describe('HK-X-04 placement simulation', () => {
  test('first fit: a pod that fits the total budget but no single node is Pending (fragmentation)', () => {
    // 2.5Gi + 2.5Gi + 1.6Gi = 6.6Gi of 8Gi (81%): within 85%, but after the two big pods each worker has 1.5Gi free
    expect(messages(sized('big', '2560Mi', 2), sized('small', '1640Mi'))).toEqual(['1 of 1 pod(s) would stay Pending: Insufficient memory']);
  });

  test('required hostname anti-affinity: one pod per node', () => {
    const spread = { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'vault' } } }] } } };
    const vault = deployment('vault', 'apps', merge({ containers: [container({ resources: { requests: { memory: '256Mi' }, limits: { memory: '256Mi' } } })] }, spread), { spec: { replicas: 3, template: { metadata: { labels: { 'app.kubernetes.io/name': 'vault' } } } } });
    expect(messages(vault)).toEqual(['1 of 3 pod(s) would stay Pending: pod anti-affinity: one pod per node and only 2 eligible node(s)']);
  });

  test('higher priority pods are placed first, so the optional one is the one left Pending', () => {
    const roomy = new ClusterProfile('lab', { distro: Distro.K3S, version: 'v1.32.5+k3s1', nodes: [{ name: 'w1', allocatable: { cpu: '4', memory: '4Gi' } }, { name: 'w2', allocatable: { cpu: '4', memory: '4Gi' } }], capacity: { maxMemoryRequestShare: 1 } });
    const pcs = [
      { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'workload-critical' }, value: 100000 },
      { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'workload-optional' }, value: 1000 },
    ];
    // 8Gi of 8Gi requested: within a 100% budget, but the optional 2Gi pod comes last and finds 1Gi free per node
    const optional = sized('optional', '2Gi', 1, { priorityClassName: 'workload-optional' });
    const critical = sized('critical', '3Gi', 2, { priorityClassName: 'workload-critical' });
    const findings = evaluatePolicies(records(...pcs, optional, critical), pack, roomy);
    expect(findings.map((f) => [f.name, f.message])).toEqual([['optional', '1 of 1 pod(s) would stay Pending: Insufficient memory']]);
  });

  test('a GPU pod only fits nodes with that GPU vendor', () => {
    const gpu = sized('ollama', '1Gi', 1, { containers: [container({ resources: { requests: { memory: '1Gi' }, limits: { memory: '1Gi', 'nvidia.com/gpu': 1 } } })] });
    expect(messages(gpu)).toEqual(['1 of 1 pod(s) would stay Pending: no node tolerates its taints and matches its node selector, affinity and GPUs']);
  });

  test('required node affinity with NotIn / DoesNotExist is honoured', () => {
    const notControlPlane = { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'DoesNotExist' }] }] } } } };
    const ctx = createContext(records(sized('a', '1Gi', 1, notControlPlane)), profile);
    const placed = simulatePlacement(ctx).nodes.filter((n) => n.pods.length).map((n) => n.node.name);
    expect(placed).toEqual(['w2']);
    const placedBy = (expr: any) => simulatePlacement(createContext(records(sized('a', '1Gi', 1, { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [expr] }] } } } })), profile)).nodes.filter((n) => n.pods.length).map((n) => n.node.name);
    expect(placedBy({ key: 'disk', operator: 'NotIn', values: ['ssd'] })).toEqual(['w2']);
    expect(placedBy({ key: 'kubernetes.io/hostname', operator: 'In', values: ['w2'] })).toEqual(['w2']);
    // Gt compares numbers; no node has the label, so nothing is placed (an unknown operator never matches)
    expect(placedBy({ key: 'cpu-generation', operator: 'Gt', values: ['3'] })).toEqual([]);
  });

  test('an upstream chart footprint takes memory on every node (per-node pods) and on untainted nodes (its other pods)', () => {
    const release = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'longhorn', namespace: 'longhorn-system', annotations: { 'hardened-homelab.io/footprint': JSON.stringify({ cpu: '200m', memory: '2Gi', memoryLimit: '4Gi', pods: 2, perNode: { cpu: '100m', memory: '512Mi', memoryLimit: '1Gi' } }) } }, spec: { chart: { spec: { chart: 'longhorn' } } } };
    const ctx = createContext(records(release), profile);
    const nodes = simulatePlacement(ctx).nodes.map((n) => [n.node.name, n.pods.length, n.memory / 2 ** 20]);
    // per-node pods on all three nodes; the chart's two 1Gi pods first-fit on w1
    expect(nodes).toEqual([['master', 1, 512], ['w1', 3, 2560], ['w2', 1, 512]]);
    // two 3Gi app pods are placed first (larger), leaving 512Mi per worker: the chart's pods stay Pending
    expect(evaluatePolicies(records(release, sized('a', '3Gi', 2)), pack, profile).map((f) => [f.kind, f.message])).toEqual([['HelmRelease', '2 of 2 pod(s) would stay Pending: Insufficient memory']]);
  });

  test('the budget share comes from the profile', () => {
    const tight = new ClusterProfile('lab', { distro: Distro.K3S, version: 'v1.32.5+k3s1', nodes: [{ name: 'w', allocatable: { cpu: '4', memory: '4Gi' } }], capacity: { maxMemoryRequestShare: 0.5 } });
    expect(evaluatePolicies(records(sized('a', '3Gi')), pack, tight).map((f) => f.message)).toEqual([
      'memory requests total 3072Mi, 75% of the 4096Mi allocatable on the nodes they may run on (w); the limit is 50%. Largest: Deployment apps/a with 3072Mi']);
    expect(errorOf(() => new ClusterProfile('lab', { distro: Distro.K3S, version: 'v1.32.5+k3s1', nodes: [{ name: 'w', allocatable: { cpu: '1', memory: '1Gi' } }], capacity: { maxMemoryRequestShare: 1.2 } }, 'lab'))).toBe(
      '[lab] profile.capacity.maxMemoryRequestShare = 1.2: must be a number above 0 and at most 1. Fix: use a share such as 0.85 (85% of allocatable)');
    expect(errorOf(() => new ClusterProfile('lab', { distro: Distro.K3S, version: 'v1.32.5+k3s1', nodes: [{ name: 'w', allocatable: { cpu: '1', memory: '1Gi' } }], capacity: { maxMemoryLimitRatio: 0 } }, 'lab'))).toBe(
      '[lab] profile.capacity.maxMemoryLimitRatio = 0: must be a number above 0 and at most 10. Fix: use e.g. 1.5 (limits may add up to 150% of allocatable memory)');
  });

  test('REPORT.md section: per node pods, requests, limits and the Pending pods', () => {
    const sections = reportSections(records(sized('big', '2560Mi', 2), sized('small', '1640Mi')), pack, profile);
    expect(sections).toEqual([{
      title: 'Placement',
      lines: [
        'First-fit placement of every long-running pod (DaemonSets and upstream charts\' per-node pods first, then by priority and size), honouring taints, node selectors, node affinity, GPUs and hostname anti-affinity.',
        '',
        '| node | pods | cpu requests | cpu % | memory requests | memory % | memory limits | limits / allocatable |',
        '|---|---|---|---|---|---|---|---|',
        '| master | 0 | 0m of 4000m | 0% | 0Mi of 4096Mi | 0% | 0Mi | 0.00× |',
        '| w1 | 1 | 50m of 4000m | 1% | 2560Mi of 4096Mi | 63% | 2560Mi | 0.63× |',
        '| w2 | 1 | 50m of 4000m | 1% | 2560Mi of 4096Mi | 63% | 2560Mi | 0.63× |',
        '',
        '**1 pod(s) would stay Pending:**',
        '',
        '- Deployment apps/small: Insufficient memory',
      ],
    }]);
  });
});

describe('HK-X-22 over-commit', () => {
  const over = [{ name: 't', rules: [overcommitRule] }];
  test('memory limits above 1.5× the memory of the nodes the pods run on warn, naming the largest', () => {
    const burst = deployment('burst', 'apps', { containers: [container({ resources: { requests: { cpu: '100m', memory: '1Gi' }, limits: { memory: '7Gi' } } })] });
    expect(evaluatePolicies(records(burst), over, profile).map((f) => [f.level, f.message])).toEqual([
      ['warning', 'memory limits add up to 7168Mi, 1.75× the 4096Mi of the nodes the pods run on (budget 1.5×). Largest: Deployment apps/burst with 7168Mi']]);
    // spread over both workers the same limits are within budget: 2 × 3Gi of 8Gi
    expect(evaluatePolicies(records(sized('a', '3Gi', 2)), over, profile)).toEqual([]);
  });
  test('CPU requests above 85% of the CPU of the nodes they run on warn', () => {
    const cpu = deployment('cpu', 'apps', { containers: [container({ resources: { requests: { cpu: '3900m', memory: '1Gi' }, limits: { memory: '1Gi' } } })] }, { spec: { replicas: 2 } });
    expect(evaluatePolicies(records(cpu), over, profile).map((f) => f.message)).toEqual(['CPU requests total 7800m, 98% of the 8000m on the nodes they run on (budget 85%)']);
  });
  test('compliant', () => {
    expect(evaluatePolicies(records(sized('a', '1Gi', 2)), over, profile)).toEqual([]);
  });
});
