import { RuleLevel } from '../../../lib/policies/rule';
import { memoryBurstRatioRule, memoryLimitRule, priorityClassRule, resourceRequestsRule } from '../../../lib/policies/rules/workload';
import { configMap, container, deployment, found, service, workload } from '../fixtures';

const E = RuleLevel.ERROR;
const W = RuleLevel.WARNING;

function withResources(resources: any, name = 'app') {
  return deployment('web', 'apps', { containers: [{ ...container({ name }), resources }] });
}

describe('HK-RES-01 requests', () => {
  test('compliant baseline', () => expect(found(resourceRequestsRule, deployment())).toEqual([]));
  test('flags missing requests', () => {
    expect(found(resourceRequestsRule, withResources({ limits: { memory: '256Mi' } }))).toEqual([
      [E, 'container "app" does not set resources.requests.cpu'],
      [E, 'container "app" does not set resources.requests.memory'],
    ]);
  });
  test('flags zero and unparseable quantities', () => {
    expect(found(resourceRequestsRule, withResources({ requests: { cpu: '0', memory: '512Mb' } }))).toEqual([
      [E, 'container "app" sets resources.requests.cpu to "0"; it must be greater than 0'],
      [E, 'container "app" sets resources.requests.memory to "512Mb", which is not a Kubernetes quantity'],
    ]);
  });
  test('judges init containers', () => {
    const m = deployment('web', 'apps', { initContainers: [{ ...container({ name: 'migrate' }), resources: { requests: { cpu: 0.1 } } }] });
    expect(found(resourceRequestsRule, m)).toEqual([[E, 'init container "migrate" does not set resources.requests.memory']]);
  });
  test('does not judge ephemeral containers (they cannot declare resources)', () => {
    expect(found(resourceRequestsRule, deployment('web', 'apps', { ephemeralContainers: [{ name: 'debug', image: 'busybox:1.36' }] }))).toEqual([]);
  });
  test('not applicable to a Service or ConfigMap', () => expect(found(resourceRequestsRule, service(), configMap())).toEqual([]));
});

describe('HK-RES-02 memory limit', () => {
  test('compliant baseline', () => expect(found(memoryLimitRule, deployment())).toEqual([]));
  test('flags a missing or zero memory limit', () => {
    expect(found(memoryLimitRule, withResources({ requests: { cpu: '50m', memory: '128Mi' } })))
      .toEqual([[E, 'container "app" does not set resources.limits.memory']]);
    expect(found(memoryLimitRule, workload('Job', 'migrate', 'apps', { containers: [{ ...container(), resources: { limits: { memory: '0' } } }] })))
      .toEqual([[E, 'container "app" sets resources.limits.memory to "0"; it must be greater than 0']]);
  });
  test('not applicable to a Service', () => expect(found(memoryLimitRule, service())).toEqual([]));
});

describe('HK-RES-04 memory burst ratio', () => {
  test('compliant baseline and exactly 4×', () => {
    expect(found(memoryBurstRatioRule, deployment())).toEqual([]);
    expect(found(memoryBurstRatioRule, withResources({ requests: { memory: '256Mi' }, limits: { memory: '1Gi' } }))).toEqual([]);
  });
  test('warns above 4×', () => {
    expect(found(memoryBurstRatioRule, withResources({ requests: { cpu: '50m', memory: '256Mi' }, limits: { memory: '2Gi' } }))).toEqual([
      [W, 'container "app" has a memory burst ratio of 8 (limits.memory 2Gi / requests.memory 256Mi); keep it at most 4'],
    ]);
  });
  test('leaves missing values to HK-RES-01/02', () => {
    expect(found(memoryBurstRatioRule, withResources({ limits: { memory: '2Gi' } }))).toEqual([]);
  });
  test('not applicable to a Service', () => expect(found(memoryBurstRatioRule, service())).toEqual([]));
});

describe('HK-RES-07 priorityClassName', () => {
  test('compliant baseline', () => expect(found(priorityClassRule, deployment())).toEqual([]));
  test('warns when unset', () => {
    expect(found(priorityClassRule, workload('StatefulSet', 'qdrant', 'apps', { priorityClassName: undefined })))
      .toEqual([[W, 'the pod does not set priorityClassName']]);
  });
  test('not applicable to a Service', () => expect(found(priorityClassRule, service())).toEqual([]));
});
