import { evaluatePolicies } from '../../../lib/policies/engine';
import { WORKLOAD_RULES } from '../../../lib/policies/rules/workload';
import { configMap, deployment, records, service, workload } from '../fixtures';

const pack = { name: 'workload', rules: WORKLOAD_RULES };

describe('WORKLOAD_RULES', () => {
  test('the compliant fixtures produce no findings', () => {
    expect(evaluatePolicies(records(deployment(), service()), [pack])).toEqual([]);
  });

  test('every workload kind built from the compliant template is compliant', () => {
    const kinds = ['Pod', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'] as const;
    expect(evaluatePolicies(records(...kinds.map((k) => workload(k, k.toLowerCase())), configMap()), [pack])).toEqual([]);
  });

  test('ids are unique and ordered, and every rule is documented', () => {
    const ids = WORKLOAD_RULES.map((r) => r.id);
    expect(ids).toEqual([...new Set(ids)].sort());
    expect(ids).toHaveLength(31);
    for (const r of WORKLOAD_RULES) {
      expect(r.id).toMatch(/^HK-[A-Z]+-\d{2}$/);
      expect([r.title, r.explanation, r.fix].every((s) => s.trim().length > 10)).toBe(true);
      expect(r.check).toBeDefined();
    }
  });
});
