import { ClusterProfile, Distro, TaintEffect } from '../../lib/core/profile';
import { evaluatePolicies } from '../../lib/policies/engine';
import { capacityBudgetRule } from '../../lib/policies/rules/capacity';
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
      'requests 5120Mi per pod, more than the largest node it may run on (4096Mi): its pods would stay Pending with "Insufficient memory"',
    ]);
  });

  test('fails when no node matches the node selector', () => {
    expect(messages(sized('x', '1Gi', 1, { nodeSelector: { disk: 'nvme' } }))).toEqual(['fits no node of the profile: no node tolerates its taints and matches its node selector/affinity, so its pods would stay Pending']);
  });

  test('counts a DaemonSet once per eligible node', () => {
    const ds = workload('DaemonSet', 'agent', 'apps', { containers: [container({ resources: { requests: { memory: '3500Mi' }, limits: { memory: '3500Mi' } } })] });
    expect(messages(ds)).toEqual(['memory requests total 7000Mi, 85% of the 8192Mi allocatable on the nodes they may run on (w1, w2); the limit is 85%. Largest: DaemonSet apps/agent with 7000Mi']);
  });
});
