import { RuleLevel } from '../../../lib/policies/rule';
import { limitRangeComplianceRule } from '../../../lib/policies/rules/cluster';
import { container, deployment, found, limitRange, run, workload } from '../fixtures';

const E = RuleLevel.ERROR;
const REJECTED = '(the pod would be rejected at admission)';

/** The LimitRange template the cortex namespaces shared (seed-repos.md §2.4/2.5). */
const cortexLimits = limitRange('cortex', {
  default: { cpu: '500m', memory: '512Mi' },
  defaultRequest: { cpu: '100m', memory: '128Mi' },
  min: { cpu: '50m', memory: '64Mi' },
  max: { cpu: '4', memory: '8Gi' },
  maxLimitRequestRatio: { cpu: '4', memory: '2' },
}, 'cortex-limits');

/** A container `name` with exactly these requests and limits (`container()`'s own are dropped). */
function sized(name: string, requests: any, limits: any): any {
  const c = container({ name });
  c.resources = { requests, limits };
  return c;
}

describe('HK-X-21 containers satisfy their namespace LimitRange', () => {
  test('compliant: the fixture container fits the fixture LimitRange, defaults included', () => {
    expect(found(limitRangeComplianceRule, limitRange('apps'), deployment())).toEqual([]);
    const fits = deployment('redis-queue', 'cortex', { containers: [sized('redis', { cpu: '250m', memory: '1Gi' }, { cpu: '1', memory: '2Gi' })] });
    expect(found(limitRangeComplianceRule, cortexLimits, fits)).toEqual([]);
  });

  test('the cortex seed: redis-queue at 10x CPU and 8x memory against ratios 4 and 2', () => {
    const redis = deployment('redis-queue', 'cortex', { containers: [sized('redis', { cpu: '100m', memory: '256Mi' }, { cpu: '1', memory: '2Gi' })] });
    const findings = run(limitRangeComplianceRule, cortexLimits, redis);
    expect(findings.map((f) => [f.level, f.kind, f.name, f.message])).toEqual([
      [E, 'Deployment', 'redis-queue', `container "redis" cpu limit/request ratio 10 exceeds the LimitRange cortex-limits maxLimitRequestRatio 4 ${REJECTED}`],
      [E, 'Deployment', 'redis-queue', `container "redis" memory limit/request ratio 8 exceeds the LimitRange cortex-limits maxLimitRequestRatio 2 ${REJECTED}`],
    ]);
    expect(findings[1].fix).toBe('bring the memory limit of container "redis" to at most 2 × its request 256Mi, or raise the request to at least the limit 2Gi / 2');
  });

  test('the cortex seed: youtube-ingestion requests 25m against a 50m min', () => {
    const yt = deployment('youtube-ingestion', 'cortex', { containers: [sized('app', { cpu: '25m', memory: '64Mi' }, { cpu: '100m', memory: '128Mi' })] });
    expect(found(limitRangeComplianceRule, cortexLimits, yt)).toEqual([[E, `container "app" cpu request 25m is below the LimitRange cortex-limits min 50m ${REJECTED}`]]);
  });

  test('flags a limit above max, and judges init containers and other workload kinds', () => {
    const big = workload('StatefulSet', 'elasticsearch', 'cortex', {
      initContainers: [sized('sysctl', { cpu: '10m', memory: '64Mi' }, { cpu: '20m', memory: '64Mi' })],
      containers: [sized('es', { cpu: '2', memory: '9Gi' }, { cpu: '4', memory: '16Gi' })],
    });
    expect(found(limitRangeComplianceRule, cortexLimits, big)).toEqual([
      [E, `container "es" memory limit 16Gi exceeds the LimitRange cortex-limits max 8Gi ${REJECTED}`],
      [E, `init container "sysctl" cpu request 10m is below the LimitRange cortex-limits min 50m ${REJECTED}`],
    ]);
  });

  test('applies LimitRange defaults the way admission does', () => {
    // cpu: request 50m and no limit, so the limit defaults to 500m: ratio 10 against 4.
    const defaulted = deployment('web', 'cortex', { containers: [sized('app', { cpu: '50m', memory: '256Mi' }, { memory: '512Mi' })] });
    expect(found(limitRangeComplianceRule, cortexLimits, defaulted)).toEqual([[E,
      `container "app" cpu limit/request ratio 10 (limit 500m is the LimitRange default) exceeds the LimitRange cortex-limits maxLimitRequestRatio 4 ${REJECTED}`]]);
    // A limit without a request makes the request equal to the limit: ratio 1.
    const limitOnly = deployment('web', 'cortex', { containers: [sized('app', undefined, { cpu: '1', memory: '1Gi' })] });
    expect(found(limitRangeComplianceRule, cortexLimits, limitOnly)).toEqual([]);
  });

  test('flags a missing request or limit that the LimitRange cannot default', () => {
    const bare = limitRange('apps', { default: undefined, defaultRequest: undefined, max: undefined, min: { cpu: '50m', memory: undefined }, maxLimitRequestRatio: { cpu: undefined, memory: '2' } }, 'bounds');
    const c = container();
    c.resources = { requests: { memory: '128Mi' } };
    const m = deployment('web', 'apps', { containers: [c] });
    expect(found(limitRangeComplianceRule, bare, m)).toEqual([
      [E, `container "app" has no cpu request, which the LimitRange bounds min 50m requires ${REJECTED}`],
      [E, `container "app" has no memory limit, which the LimitRange bounds maxLimitRequestRatio 2 requires ${REJECTED}`],
    ]);
  });

  test('not applicable: no LimitRange, a LimitRange of another namespace or of type Pod only', () => {
    const greedy = deployment('web', 'apps', { containers: [sized('app', { cpu: '1m', memory: '1Mi' }, { cpu: '64', memory: '1Ti' })] });
    const podOnly = limitRange('apps', { type: 'Pod' });
    expect(found(limitRangeComplianceRule, greedy)).toEqual([]);
    expect(found(limitRangeComplianceRule, greedy, cortexLimits, podOnly)).toEqual([]);
  });
});
