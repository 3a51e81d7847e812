import { AnnotationKeys } from '../../lib/core/labels';
import { Testing } from 'cdk8s';
import { AppSize, AppWorkload, Cluster, Namespace, renderClusterTree } from '../../lib';
import { EXEMPTION_RULE_ID, blockingFindings, evaluatePolicies, formatFinding, reportSections } from '../../lib/policies/engine';
import { TEST_PROFILE } from '../helpers';
import { Manifest, PolicyRule, RuleLevel } from '../../lib/policies/rule';
import { deployment, merge, records } from './fixtures';

const noReplicasOfThree: PolicyRule = {
  id: 'HK-TST-01',
  level: RuleLevel.ERROR,
  title: 'replicas must not be 3',
  explanation: 'test rule',
  fix: 'use another replica count',
  check: (m) => (m.spec?.replicas === 3 ? [{ message: 'replicas is 3' }] : []),
};
const pack = { name: 'test', rules: [noReplicasOfThree] };

function withExemptions(m: Manifest, value: string): Manifest {
  return merge(m, { metadata: { annotations: { [AnnotationKeys.EXEMPTIONS]: value } } });
}

describe('policy engine', () => {
  test('reports a violation with path, rule id, level and fix', () => {
    const findings = evaluatePolicies(records(deployment('web', 'apps', {}, { spec: { replicas: 3 } })), [pack]);
    expect(findings).toEqual([{
      ruleId: 'HK-TST-01', level: RuleLevel.ERROR, path: 'test/deployment-web', kind: 'Deployment', namespace: 'apps', name: 'web',
      message: 'replicas is 3', fix: 'use another replica count', exemption: undefined,
    }]);
    expect(blockingFindings(findings)).toHaveLength(1);
    expect(formatFinding(findings[0])).toBe('[test/deployment-web] HK-TST-01 (error) Deployment apps/web: replicas is 3\n    fix: use another replica count');
  });

  test('a compliant object has no findings', () => {
    expect(evaluatePolicies(records(deployment()), [pack])).toEqual([]);
  });

  test('an exemption with a reason keeps the finding but does not block', () => {
    const m = withExemptions(deployment('web', 'apps', {}, { spec: { replicas: 3 } }), JSON.stringify({ 'HK-TST-01': 'three is fine here' }));
    const findings = evaluatePolicies(records(m), [pack]);
    expect(findings).toHaveLength(1);
    expect(findings[0].exemption).toBe('three is fine here');
    expect(blockingFindings(findings)).toEqual([]);
  });

  test('fails on an exemption without a reason, or with one shorter than addExemption accepts', () => {
    const findings = evaluatePolicies(records(withExemptions(deployment(), JSON.stringify({ 'HK-TST-01': ' ' }))), [pack]);
    expect(findings.map((f) => [f.ruleId, f.message, f.fix])).toEqual([[EXEMPTION_RULE_ID, 'exemption from HK-TST-01 has no reason of at least 10 characters (" ")',
      'write the annotation as a JSON object whose values say why, in at least 10 characters']]);
    expect(evaluatePolicies(records(withExemptions(deployment(), JSON.stringify({ 'HK-TST-01': 'because' }))), [pack]).map((f) => f.message))
      .toEqual(['exemption from HK-TST-01 has no reason of at least 10 characters ("because")']);
  });

  test('fails on an exemption naming an unknown rule', () => {
    const findings = evaluatePolicies(records(withExemptions(deployment(), JSON.stringify({ 'HK-SEC-99': 'some reason here' }))), [pack]);
    expect(findings.map((f) => f.message)).toEqual(['exemption names unknown rule HK-SEC-99']);
  });

  test('fails on an exemption annotation that is not a JSON object', () => {
    expect(evaluatePolicies(records(withExemptions(deployment(), 'HK-TST-01')), [pack])[0].message)
      .toBe(`annotation ${AnnotationKeys.EXEMPTIONS} is not JSON: HK-TST-01`);
    expect(evaluatePolicies(records(withExemptions(deployment(), '["HK-TST-01"]')), [pack])[0].message)
      .toBe(`annotation ${AnnotationKeys.EXEMPTIONS} must be a JSON object {"<rule-id>": "<reason>"}`);
  });
});

describe('report sections', () => {
  const counting: PolicyRule = {
    id: 'HK-TST-02',
    level: RuleLevel.WARNING,
    title: 'counts deployments',
    explanation: 'test rule',
    fix: 'none',
    report: (ctx) => (ctx.byKind('Deployment').length ? { title: 'Deployments', lines: [`${ctx.byKind('Deployment').length} deployments`] } : undefined),
  };

  test('rules with a report hook contribute sections, in pack order, once per rule id', () => {
    const objs = records(deployment());
    expect(reportSections(objs, [{ name: 'a', rules: [counting, noReplicasOfThree] }, { name: 'b', rules: [counting] }])).toEqual([
      { title: 'Deployments', lines: ['1 deployments'] },
    ]);
  });

  test('a rule that has nothing to report contributes no section', () => {
    expect(reportSections([], [{ name: 'a', rules: [counting] }])).toEqual([]);
  });

  test('sections reach REPORT.md under their own heading', () => {
    const c = new Cluster(Testing.app(), 'lab', { profile: TEST_PROFILE, policies: [{ name: 'a', rules: [counting] }] });
    new AppWorkload(new Namespace(c, 'apps'), 'web', { image: 'ghcr.io/x/web:1.0.0', size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }] });
    const report = renderClusterTree(c, c.synthesize()).get('REPORT.md')!;
    expect(report).toContain('\n## Deployments\n\n1 deployments\n');
  });
});
