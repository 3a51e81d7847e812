import { AnnotationKeys } from '../../../lib/core/labels';
import { blockingFindings, evaluatePolicies } from '../../../lib/policies/engine';
import { Manifest, RuleLevel } from '../../../lib/policies/rule';
import { CLUSTER_RULES } from '../../../lib/policies/rules/cluster';
import { configMap, container, deployment, limitRange, merge, namespaceBaseline, networkPolicy, podDisruptionBudget, records, service } from '../fixtures';

const pack = { name: 'cluster', rules: CLUSTER_RULES };

/** A compliant replicated app `name` in `namespace`: Deployment, Service, PDB, its own allow policy, and a ConfigMap naming a peer. */
function app(name: string, namespace: string, peer?: string): Manifest[] {
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name };
  const spread = { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: labels } }] };
  const env = peer ? [{ name: 'PEER_URL', value: `http://${peer}.${namespace}.svc.cluster.local:8080` }] : [];
  return [
    deployment(name, namespace, { ...spread, containers: [container({ env })] }, { spec: { replicas: 2 } }),
    service(name, namespace, 8080),
    podDisruptionBudget(name, namespace),
    networkPolicy(`${name}-ingress`, namespace, { podSelector: { matchLabels: labels }, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 8080 }] }] }),
    configMap(`${name}-config`, namespace, { 'app.yaml': `upstream: http://${peer ?? name}:8080\n` }),
  ];
}

describe('CLUSTER_RULES', () => {
  test('are ordered by id, unique, and documented', () => {
    const ids = CLUSTER_RULES.map((r) => r.id);
    expect(ids).toEqual(['HK-API-03', 'HK-API-05', 'HK-AVL-02', 'HK-AVL-04', 'HK-AVL-05', 'HK-AVL-06', 'HK-NET-01', 'HK-NET-02', 'HK-NET-04', 'HK-NET-12', 'HK-RES-06', 'HK-SCR-04', 'HK-X-03', 'HK-X-21']);
    expect([...ids].sort()).toEqual(ids);
    for (const r of CLUSTER_RULES) {
      expect(r.title.length).toBeGreaterThan(10);
      expect(r.explanation.length).toBeGreaterThan(60);
      expect(r.fix.length).toBeGreaterThan(20);
      expect(Boolean(r.check) || Boolean(r.analyze)).toBe(true);
    }
    expect(CLUSTER_RULES.filter((r) => r.level === RuleLevel.WARNING).map((r) => r.id)).toEqual(['HK-AVL-02', 'HK-AVL-06']);
  });

  test('a namespace built the hardened way has no findings', () => {
    const objects = [...namespaceBaseline('apps'), ...app('web', 'apps', 'api'), ...app('api', 'apps')];
    expect(evaluatePolicies(records(...objects), [pack])).toEqual([]);
  });

  test('an exemption on the reported object keeps an analysis finding from blocking', () => {
    const exempt = merge(deployment('legacy', 'apps', { containers: [container({ env: [{ name: 'REDIS_HOST', value: 'redis.apps.svc' }] })] }),
      { metadata: { annotations: { [AnnotationKeys.EXEMPTIONS]: JSON.stringify({ 'HK-X-03': 'redis is provisioned by hand until the migration' }) } } });
    const findings = evaluatePolicies(records(...namespaceBaseline('apps'), exempt), [pack]).filter((f) => f.ruleId === 'HK-X-03');
    expect(findings.map((f) => [f.message, f.exemption])).toEqual([[
      'env REDIS_HOST of container "app" names Service redis.apps, which does not exist (no Services in apps)', 'redis is provisioned by hand until the migration']]);
    expect(blockingFindings(findings)).toEqual([]);
  });

  test('scale linearly with the number of objects, also within one namespace', () => {
    const cluster = (n: number) => {
      const objects: Manifest[] = [...namespaceBaseline('big'), limitRange('big')];
      for (let i = 0; i < n; i++) objects.push(...app(`app-${i}`, 'big', i > 0 ? `app-${i - 1}` : undefined));
      for (let i = 0; i < n / 10; i++) objects.push(...namespaceBaseline(`ns-${i}`), ...app('web', `ns-${i}`));
      return records(...objects);
    };
    const time = (n: number) => {
      const objects = cluster(n);
      const start = process.hrtime.bigint();
      const findings = evaluatePolicies(objects, [pack]);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      expect(findings).toEqual([]);
      return ms;
    };
    time(200); // warm up
    const small = time(500);
    const large = time(2000);
    // Linear: about 4x. A per-namespace nested loop would be about 16x.
    expect(large / Math.max(small, 1)).toBeLessThan(9);
    expect(large).toBeLessThan(5000);
  });
});
