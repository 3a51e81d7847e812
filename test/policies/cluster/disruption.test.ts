import { Manifest, RuleLevel } from '../../../lib/policies/rule';
import { pdbAllowsEvictionRule, pdbCoverageRule, pdbUnhealthyEvictionRule, replicaSpreadRule } from '../../../lib/policies/rules/cluster';
import { deployment, found, merge, podDisruptionBudget, run, workload } from '../fixtures';

const E = RuleLevel.ERROR;
const W = RuleLevel.WARNING;

const replicas = (n: number, name = 'web', namespace = 'apps') => deployment(name, namespace, {}, { spec: { replicas: n } });
const selector = { matchLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' } };

function hpa(target: string, minReplicas: number, namespace = 'apps'): Manifest {
  return {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: target, namespace },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target }, minReplicas, maxReplicas: 5 },
  };
}

describe('HK-AVL-04 replicated workloads have a PodDisruptionBudget', () => {
  test('compliant: a PDB in the namespace selects the pods', () => {
    expect(found(pdbCoverageRule, replicas(3), podDisruptionBudget())).toEqual([]);
  });

  test('flags a replicated Deployment without a PDB, reported on the Deployment', () => {
    const findings = run(pdbCoverageRule, replicas(3), podDisruptionBudget('api'));
    expect(findings.map((f) => [f.level, f.kind, f.name, f.message])).toEqual([[E, 'Deployment', 'web',
      'Deployment apps/web runs 3 replicas but no PodDisruptionBudget in apps selects its pods']]);
    expect(findings[0].fix).toBe('add a PodDisruptionBudget in apps with selector.matchLabels '
      + '{app.kubernetes.io/name: web, app.kubernetes.io/instance: web}, maxUnavailable: 1 and unhealthyPodEvictionPolicy: AlwaysAllow');
  });

  test('a PDB in another namespace does not count; StatefulSets and HPA floors are judged', () => {
    const sts = merge(workload('StatefulSet', 'db'), { spec: { replicas: 2 } });
    const scaled = deployment('api', 'apps', {}, { spec: { replicas: undefined } });
    expect(found(pdbCoverageRule, replicas(2), podDisruptionBudget('web', 'other'), sts, scaled, hpa('api', 2))).toEqual([
      [E, 'Deployment apps/web runs 2 replicas but no PodDisruptionBudget in apps selects its pods'],
      [E, 'StatefulSet apps/db runs 2 replicas but no PodDisruptionBudget in apps selects its pods'],
      [E, 'Deployment apps/api runs 2 replicas but no PodDisruptionBudget in apps selects its pods'],
    ]);
  });

  test('not applicable: single replicas, DaemonSets, ReplicaSets, Jobs', () => {
    const rs = merge(workload('ReplicaSet', 'rs'), { spec: { replicas: 3 } });
    expect(found(pdbCoverageRule, replicas(1), workload('DaemonSet', 'agent'), rs, workload('Job', 'batch'))).toEqual([]);
  });
});

describe('HK-AVL-05 PodDisruptionBudgets allow eviction', () => {
  test('compliant: maxUnavailable 1, or minAvailable below the replica count', () => {
    expect(found(pdbAllowsEvictionRule, replicas(3), podDisruptionBudget())).toEqual([]);
    expect(found(pdbAllowsEvictionRule, replicas(3), podDisruptionBudget('web', 'apps', { spec: { maxUnavailable: undefined, minAvailable: 2 } }))).toEqual([]);
    expect(found(pdbAllowsEvictionRule, replicas(4), podDisruptionBudget('web', 'apps', { spec: { maxUnavailable: undefined, minAvailable: '50%' } }))).toEqual([]);
  });

  test('the cortex-dev seed: minAvailable 1 on a single-replica redis blocks drains', () => {
    const redis = workload('StatefulSet', 'redis', 'cortex-dev');
    const pdb = podDisruptionBudget('redis-pdb', 'cortex-dev', { spec: { maxUnavailable: undefined, minAvailable: 1 } }, 'redis');
    const findings = run(pdbAllowsEvictionRule, redis, pdb);
    expect(findings.map((f) => [f.level, f.kind, f.name, f.message])).toEqual([[E, 'PodDisruptionBudget', 'redis-pdb',
      'PodDisruptionBudget cortex-dev/redis-pdb requires minAvailable 1 but StatefulSet cortex-dev/redis runs 1 replica, so no pod can ever be evicted']]);
    expect(findings[0].fix).toBe('replace minAvailable with maxUnavailable: 1 on PodDisruptionBudget cortex-dev/redis-pdb, '
      + 'or run more than 1 replica of StatefulSet cortex-dev/redis');
  });

  test('flags budgets that can never be met', () => {
    const pdb = (name: string, spec: any) => podDisruptionBudget(name, 'apps', { spec: { maxUnavailable: undefined, ...spec } }, 'web');
    expect(found(pdbAllowsEvictionRule, replicas(3),
      pdb('none', {}), pdb('zero', { maxUnavailable: 0 }), pdb('zero-pct', { maxUnavailable: '0%' }), pdb('all', { minAvailable: '100%' }),
      pdb('three', { minAvailable: 3 }))).toEqual([
      [E, 'PodDisruptionBudget apps/none sets neither minAvailable nor maxUnavailable'],
      [E, 'PodDisruptionBudget apps/zero sets maxUnavailable 0, so no pod can ever be evicted'],
      [E, 'PodDisruptionBudget apps/zero-pct sets maxUnavailable 0%, so no pod can ever be evicted'],
      [E, 'PodDisruptionBudget apps/all sets minAvailable 100%, so no pod can ever be evicted'],
      [E, 'PodDisruptionBudget apps/three requires minAvailable 3 but Deployment apps/web runs 3 replicas, so no pod can ever be evicted'],
    ]);
  });

  test('a percentage minAvailable rounds up against the replica count, and an HPA floor counts', () => {
    const pct = podDisruptionBudget('web', 'apps', { spec: { maxUnavailable: undefined, minAvailable: '50%' } });
    expect(found(pdbAllowsEvictionRule, replicas(1), pct)).toEqual([[E,
      'PodDisruptionBudget apps/web requires minAvailable 50% (1 pod) but Deployment apps/web runs 1 replica, so no pod can ever be evicted']]);
    const two = podDisruptionBudget('web', 'apps', { spec: { maxUnavailable: undefined, minAvailable: 2 } });
    expect(found(pdbAllowsEvictionRule, replicas(3), hpa('web', 2), two)).toEqual([[E,
      'PodDisruptionBudget apps/web requires minAvailable 2 but Deployment apps/web runs 2 replicas, so no pod can ever be evicted']]);
  });

  test('not applicable: PDBs that select nothing, scaled-to-zero workloads, DaemonSets', () => {
    const pdb = podDisruptionBudget('web', 'apps', { spec: { maxUnavailable: undefined, minAvailable: 1 } });
    expect(found(pdbAllowsEvictionRule, pdb, replicas(1, 'api'))).toEqual([]);
    expect(found(pdbAllowsEvictionRule, pdb, replicas(0))).toEqual([]);
    expect(found(pdbAllowsEvictionRule, pdb, workload('DaemonSet'))).toEqual([]);
  });
});

describe('HK-AVL-06 PodDisruptionBudgets let unhealthy pods be evicted', () => {
  test('compliant: AlwaysAllow', () => expect(found(pdbUnhealthyEvictionRule, podDisruptionBudget())).toEqual([]));

  test('warns when the policy is unset or IfHealthyBudget', () => {
    const unset = podDisruptionBudget('web', 'apps', { spec: { unhealthyPodEvictionPolicy: undefined } });
    const ifHealthy = podDisruptionBudget('cortex-queue-worker-pdb', 'cortex', { spec: { unhealthyPodEvictionPolicy: 'IfHealthyBudget' } });
    expect(found(pdbUnhealthyEvictionRule, unset, ifHealthy)).toEqual([
      [W, 'PodDisruptionBudget apps/web does not set unhealthyPodEvictionPolicy (the default is IfHealthyBudget), so crash-looping pods it covers can block node drains'],
      [W, 'PodDisruptionBudget cortex/cortex-queue-worker-pdb sets unhealthyPodEvictionPolicy IfHealthyBudget, so crash-looping pods it covers can block node drains'],
    ]);
  });

  test('not applicable to other kinds', () => expect(found(pdbUnhealthyEvictionRule, replicas(3))).toEqual([]));
});

describe('HK-AVL-02 replicated workloads spread across nodes', () => {
  const spread = { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector }] };

  test('compliant: a hostname spread constraint or anti-affinity term selecting the own pods', () => {
    const preferred = { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [
      { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: selector } }] } } };
    const required = { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [
      { topologyKey: 'kubernetes.io/hostname', labelSelector: selector }] } } };
    expect(found(replicaSpreadRule,
      deployment('web', 'apps', spread, { spec: { replicas: 3 } }),
      deployment('web', 'b', preferred, { spec: { replicas: 3 } }),
      deployment('web', 'c', required, { spec: { replicas: 2 } }))).toEqual([]);
  });

  test('warns about the cortex shape: replicas with nothing keeping them apart', () => {
    const findings = run(replicaSpreadRule, replicas(3));
    expect(findings.map((f) => [f.level, f.kind, f.message])).toEqual([[W, 'Deployment',
      'Deployment apps/web runs 3 replicas without a topologySpreadConstraint or podAntiAffinity term on kubernetes.io/hostname that selects its own pods, so they may all land on one node']]);
    expect(findings[0].fix).toBe('add topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, '
      + 'labelSelector: {matchLabels: {app.kubernetes.io/name: web, app.kubernetes.io/instance: web}}}] to the pod template of Deployment apps/web');
  });

  test('warns when the constraint uses another key or does not select the own pods', () => {
    const zone = { topologySpreadConstraints: [{ ...spread.topologySpreadConstraints[0], topologyKey: 'topology.kubernetes.io/zone' }] };
    const foreign = { topologySpreadConstraints: [{ ...spread.topologySpreadConstraints[0], labelSelector: { matchLabels: { app: 'other' } } }] };
    const sts = merge(workload('StatefulSet', 'db', 'apps', zone), { spec: { replicas: 2 } });
    const tail = 'without a topologySpreadConstraint or podAntiAffinity term on kubernetes.io/hostname that selects its own pods, so they may all land on one node';
    expect(found(replicaSpreadRule, deployment('web', 'apps', foreign, { spec: { replicas: 2 } }), sts)).toEqual([
      [W, `Deployment apps/web runs 2 replicas ${tail}`],
      [W, `StatefulSet apps/db runs 2 replicas ${tail}`],
    ]);
  });

  test('not applicable: single replicas, DaemonSets, Jobs', () => {
    expect(found(replicaSpreadRule, replicas(1), workload('DaemonSet'), workload('Job'))).toEqual([]);
  });
});
