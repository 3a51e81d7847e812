import { RuleLevel } from '../../../lib/policies/rule';
import { rwoRolloutStrategyRule, selectorMatchesTemplateRule, serviceLinksRule } from '../../../lib/policies/rules/workload';
import { deployment, found, merge, pvc, service, workload } from '../fixtures';

const E = RuleLevel.ERROR;

describe('HK-AVL-10 selector matches template', () => {
  test('compliant baseline and other controllers', () => {
    expect(found(selectorMatchesTemplateRule, deployment(), workload('StatefulSet'), workload('DaemonSet'), workload('ReplicaSet'))).toEqual([]);
  });
  test('flags a selector that does not select the template', () => {
    const m = deployment('web', 'apps', {}, { spec: { template: { metadata: { labels: { app: 'web' } } } } });
    m.spec.template.metadata.labels = { app: 'web' };
    expect(found(selectorMatchesTemplateRule, m)).toEqual([
      [E, 'spec.selector (app.kubernetes.io/name=web, app.kubernetes.io/instance=web) does not select the pod template labels (app=web)'],
    ]);
  });
  test('flags a failing matchExpression and an empty selector', () => {
    const expr = merge(deployment(), { spec: { selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['api', 'web'] }] } } });
    expect(found(selectorMatchesTemplateRule, expr)).toEqual([[E,
      'spec.selector (app.kubernetes.io/name=web, app.kubernetes.io/instance=web, tier In (api, web)) does not select the pod template labels '
      + '(app.kubernetes.io/name=web, app.kubernetes.io/instance=web)']]);
    const empty = merge(deployment(), { spec: { selector: {} } });
    empty.spec.selector = {};
    expect(found(selectorMatchesTemplateRule, empty)).toEqual([[E, 'spec.selector is empty or not set']]);
  });
  test('not applicable to Pods, Jobs and Services', () => {
    expect(found(selectorMatchesTemplateRule, workload('Pod'), workload('Job'), service())).toEqual([]);
  });
});

describe('HK-X-02 service links', () => {
  test('compliant baseline', () => expect(found(serviceLinksRule, deployment(), service())).toEqual([]));
  test('names the variables Services of the namespace would inject', () => {
    const m = deployment('rag-validator', 'cortex-school', { enableServiceLinks: undefined });
    const qdrant = service('qdrant', 'cortex-school', 6333);
    const redis = service('redis-queue', 'cortex-school', 6379);
    expect(found(serviceLinksRule, m, qdrant, redis)).toEqual([[E,
      'enableServiceLinks is not false: the kubelet injects QDRANT_PORT=tcp://<cluster-ip>:6333, QDRANT_SERVICE_HOST, '
      + 'REDIS_QUEUE_PORT=tcp://<cluster-ip>:6379, … which shadow app settings (the cortex rag-validator crash)']]);
  });
  test('headless Services and other namespaces inject nothing', () => {
    const m = deployment('web', 'apps', { enableServiceLinks: true });
    const headless = service('qdrant-headless', 'apps', 6333, { spec: { clusterIP: 'None' } });
    expect(found(serviceLinksRule, m, headless, service('qdrant', 'other', 6333))).toEqual([[E,
      'enableServiceLinks is not false: the kubelet injects <SERVICE>_PORT=tcp://<cluster-ip>:<port>, <SERVICE>_SERVICE_HOST, … '
      + 'for every Service in the namespace, which shadow app settings (the cortex rag-validator crash)']]);
  });
  test('judges StatefulSets and bare Pods', () => {
    expect(found(serviceLinksRule, workload('Pod', 'debug', 'apps', { enableServiceLinks: undefined }), service('dns', 'apps', 53, { spec: { ports: [{ port: 53, protocol: 'UDP' }] } })))
      .toEqual([[E, 'enableServiceLinks is not false: the kubelet injects DNS_PORT=udp://<cluster-ip>:53, DNS_SERVICE_HOST, … which shadow app settings (the cortex rag-validator crash)']]);
  });
  test('not applicable to Jobs, CronJobs and Services', () => {
    expect(found(serviceLinksRule, workload('Job', 'j', 'apps', { enableServiceLinks: undefined }), workload('CronJob', 'c', 'apps', { enableServiceLinks: undefined }), service()))
      .toEqual([]);
  });
});

describe('HK-X-15 RWO claim and rollout strategy', () => {
  const withClaim = (claim: string, specPatch: any = {}) =>
    deployment('qdrant', 'apps', { volumes: [{ name: 'storage', persistentVolumeClaim: { claimName: claim } }] }, specPatch);

  test('compliant: baseline, Recreate, RWX claim, several replicas', () => {
    expect(found(rwoRolloutStrategyRule, deployment())).toEqual([]);
    expect(found(rwoRolloutStrategyRule, withClaim('data', { spec: { strategy: { type: 'Recreate' } } }), pvc('data'))).toEqual([]);
    expect(found(rwoRolloutStrategyRule, withClaim('shared'), pvc('shared', 'apps', ['ReadWriteMany']))).toEqual([]);
    expect(found(rwoRolloutStrategyRule, withClaim('data', { spec: { replicas: 2 } }), pvc('data'))).toEqual([]);
  });
  test('flags a rolling update on an RWO claim, replicas set or unset', () => {
    expect(found(rwoRolloutStrategyRule, withClaim('data'), pvc('data')))
      .toEqual([[E, 'the Deployment runs 1 replica with the ReadWriteOnce claim "data" but uses the RollingUpdate strategy']]);
    const unset = withClaim('data', { spec: { strategy: { type: 'RollingUpdate' } } });
    delete unset.spec.replicas;
    expect(found(rwoRolloutStrategyRule, unset, pvc('data', 'apps', ['ReadWriteOncePod'])))
      .toEqual([[E, 'the Deployment runs 1 replica with the ReadWriteOnce claim "data" but uses the RollingUpdate strategy']]);
  });
  test('a claim not in the set, or in another namespace, is not judged', () => {
    expect(found(rwoRolloutStrategyRule, withClaim('data'), pvc('data', 'other'))).toEqual([]);
  });
  test('not applicable to StatefulSets and Services', () => {
    const sts = workload('StatefulSet', 'qdrant', 'apps', { volumes: [{ name: 'storage', persistentVolumeClaim: { claimName: 'data' } }] });
    expect(found(rwoRolloutStrategyRule, sts, pvc('data'), service())).toEqual([]);
  });
});
