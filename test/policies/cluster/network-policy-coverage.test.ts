import { RuleLevel } from '../../../lib/policies/rule';
import { networkPolicyCoverageRule } from '../../../lib/policies/rules/cluster';
import { defaultDenyPolicy, deployment, found, networkPolicy, run, workload } from '../fixtures';

const E = RuleLevel.ERROR;
const web = { matchLabels: { 'app.kubernetes.io/name': 'web' } };

describe('HK-NET-01 every long-running pod is isolated in both directions', () => {
  test('compliant: a namespace default-deny covers every pod', () => {
    expect(found(networkPolicyCoverageRule, defaultDenyPolicy('apps'), deployment(), workload('DaemonSet', 'agent'), workload('Pod', 'debug'))).toEqual([]);
  });

  test('compliant: per-pod policies, with policyTypes defaulted from the egress section', () => {
    const ingress = networkPolicy('web-ingress', 'apps', { podSelector: web, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 8080 }] }] });
    const egress = networkPolicy('web-egress', 'apps', { podSelector: web, policyTypes: ['Egress'], egress: [{ ports: [{ port: 5432 }] }] });
    const both = networkPolicy('api', 'apps', { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api' } }, egress: [{ ports: [{ port: 443 }] }] });
    expect(found(networkPolicyCoverageRule, ingress, egress, both, deployment(), deployment('api'))).toEqual([]);
  });

  test('flags a pod no policy selects, reported on the workload', () => {
    const findings = run(networkPolicyCoverageRule, deployment('vault', 'vault'), defaultDenyPolicy('other'));
    expect(findings.map((f) => [f.level, f.kind, f.name, f.message])).toEqual([[E, 'Deployment', 'vault',
      'no NetworkPolicy in vault covers Ingress or Egress for the pods of Deployment vault/vault']]);
    expect(findings[0].fix).toBe('add a default-deny NetworkPolicy (podSelector {}, policyTypes [Ingress, Egress]) to namespace vault, '
      + 'then allow the ingress and egress traffic Deployment vault/vault needs with policies selecting its labels');
  });

  test('flags the direction that is missing', () => {
    const ingressOnly = networkPolicy('web-ingress', 'apps', { podSelector: web, ingress: [{}] });
    const otherPods = networkPolicy('api-egress', 'apps', { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api' } }, policyTypes: ['Egress'] });
    expect(found(networkPolicyCoverageRule, ingressOnly, otherPods, deployment())).toEqual([[E,
      'no NetworkPolicy in apps covers Egress for the pods of Deployment apps/web']]);
  });

  test('not applicable: Jobs and CronJobs, and objects without pods', () => {
    expect(found(networkPolicyCoverageRule, workload('Job', 'migrate'), workload('CronJob', 'backup'), networkPolicy('x', 'apps', { podSelector: web }))).toEqual([]);
  });
});
