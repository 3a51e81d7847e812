import { ClusterProfile, Distro } from '../../../lib/core/profile';
import { evaluatePolicies } from '../../../lib/policies/engine';
import { Manifest, RuleLevel } from '../../../lib/policies/rule';
import { serviceReferencesRule } from '../../../lib/policies/rules/cluster';
import { configMap, container, deployment, found, records, run, runWithProfile, service, workload } from '../fixtures';

const E = RuleLevel.ERROR;
const redisQueue = service('redis-queue', 'cortex', 6379, { spec: { ports: [{ name: 'redis', port: 6379, targetPort: 'redis' }] } });

/** A cortex-school Deployment whose container `app` has `env`. */
function coordinator(env: Record<string, string>, extra: any = {}): Manifest {
  return deployment('school-coordinator', 'cortex-school', {
    containers: [container({ env: Object.entries(env).map(([name, value]) => ({ name, value })), ...extra })],
  });
}

function profile(externalServices: any[] = []): ClusterProfile {
  return new ClusterProfile('test', {
    distro: Distro.K3S,
    version: 'v1.32.5+k3s1',
    nodes: [{ name: 'n1', allocatable: { cpu: '4', memory: '8Gi' } }],
    externalServices,
  });
}

describe('HK-X-03 in-cluster Service references', () => {
  test('the cortex seed: REDIS_HOST names redis.cortex while the Service is redis-queue', () => {
    const findings = run(serviceReferencesRule, coordinator({ REDIS_HOST: 'redis.cortex.svc.cluster.local', REDIS_PORT: '6379' }), redisQueue);
    expect(findings.map((f) => [f.level, f.kind, f.name, f.message])).toEqual([[E, 'Deployment', 'school-coordinator',
      'env REDIS_HOST of container "app" names Service redis.cortex, which does not exist (Services in cortex: redis-queue)']]);
    expect(findings[0].fix).toBe('reference one of the Services in cortex (redis-queue) through the Service object instead of a typed host name, '
      + 'or declare redis.cortex in profile.externalServices if it is installed outside this program');
  });

  test('the fixed seed value is compliant', () => {
    expect(found(serviceReferencesRule, coordinator({ REDIS_HOST: 'redis-queue.cortex.svc.cluster.local', REDIS_PORT: '6379' }), redisQueue)).toEqual([]);
  });

  test('accepts every supported spelling of an existing Service and port', () => {
    const m = coordinator({
      A: 'redis-queue.cortex.svc.cluster.local:6379',
      B: 'redis-queue.cortex.svc:6379',
      C: 'redis://redis-queue.cortex:6379/0',
      D: 'redis://:s3cret@redis-queue.cortex.svc.cluster.local.:6379',
      E: 'http://moe-router:8080/route',
      F: 'jdbc:postgresql://moe-router.cortex-school:8080/db?sslmode=require',
    });
    expect(found(serviceReferencesRule, m, redisQueue, service('moe-router', 'cortex-school', 8080))).toEqual([]);
  });

  test('flags a port the Service does not expose', () => {
    const m = coordinator({ REDIS_URL: 'redis://redis-queue.cortex.svc.cluster.local:6380/0' });
    expect(found(serviceReferencesRule, m, redisQueue)).toEqual([[E,
      'env REDIS_URL of container "app" names port 6380 of Service redis-queue.cortex, which exposes 6379']]);
  });

  test('lists every port of a multi-port Service', () => {
    const qdrant = service('qdrant', 'cortex-school', 6333, { spec: { ports: [{ name: 'http', port: 6333 }, { name: 'grpc', port: 6334 }] } });
    expect(found(serviceReferencesRule, coordinator({ QDRANT_URL: 'http://qdrant.cortex-school.svc.cluster.local:6335' }), qdrant)).toEqual([[E,
      'env QDRANT_URL of container "app" names port 6335 of Service qdrant.cortex-school, which exposes 6333, 6334']]);
  });

  test('resolves single-label URLs in the namespace of the object that holds them', () => {
    expect(found(serviceReferencesRule, coordinator({ QDRANT_URL: 'http://qdrant:6333' }), service('qdrant', 'cortex', 6333))).toEqual([[E,
      'env QDRANT_URL of container "app" names Service qdrant.cortex-school, which does not exist (no Services in cortex-school)']]);
  });

  test('reads command and args items, init containers and other workload kinds', () => {
    const m = deployment('worker', 'cortex-school', {
      initContainers: [container({ name: 'wait', command: ['sh', '-c', 'until nc -z redis.cortex.svc 6379; do sleep 1; done'] })],
      containers: [container({ args: ['--upstream', 'http://llmd-service.cortex.svc.cluster.local:8000'] })],
    });
    const job = workload('Job', 'seed', 'cortex', { containers: [container({ name: 'loader', args: ['--redis=redis-queue.cortex.svc:6390'] })] });
    expect(found(serviceReferencesRule, m, job, redisQueue)).toEqual([
      [E, 'args of container "app" names Service llmd-service.cortex, which does not exist (Services in cortex: redis-queue)'],
      [E, 'command of init container "wait" names Service redis.cortex, which does not exist (Services in cortex: redis-queue)'],
      [E, 'args of container "loader" names port 6390 of Service redis-queue.cortex, which exposes 6379'],
    ]);
  });

  test('reads ConfigMap data values and reports on the ConfigMap', () => {
    const cm = configMap('router-config', 'cortex-school', {
      'config.yaml': 'redis:\n  url: redis://redis-queue.cortex:6379\nexperts:\n  url: http://moe-router.cortex-school.svc.cluster.local:8080\n',
    });
    const findings = run(serviceReferencesRule, cm, redisQueue);
    expect(findings.map((f) => [f.level, f.kind, f.name, f.message])).toEqual([[E, 'ConfigMap', 'router-config',
      'ConfigMap key config.yaml names Service moe-router.cortex-school, which does not exist (no Services in cortex-school)']]);
  });

  test('resolves StatefulSet pod names through their headless Service', () => {
    const headless = service('qdrant', 'cortex-school', 6333, { spec: { clusterIP: 'None', ports: [{ name: 'http', port: 6333, targetPort: 6333 }] } });
    expect(found(serviceReferencesRule, coordinator({ QDRANT_URL: 'http://qdrant-0.qdrant.cortex-school.svc.cluster.local:6333' }), headless)).toEqual([]);
  });

  test('accepts the Services every cluster has', () => {
    expect(found(serviceReferencesRule, coordinator({ K8S: 'https://kubernetes.default.svc', DNS: 'kube-dns.kube-system.svc.cluster.local:53' }))).toEqual([]);
  });

  test('ignores external hosts, loopback, IPs, placeholders and non-network schemes', () => {
    const m = coordinator({
      GITHUB: 'https://github.com/ry-ops/cortex-gitops',
      OPENAI: 'https://api.openai.com/v1',
      LOCAL: 'http://localhost:8080/health',
      REGISTRY: 'http://10.43.170.72:5000/v2/',
      PLAIN: 'redis',
      K8S_VAR: '$(REDIS_HOST)',
      K8S_VAR_URL: 'http://$(REDIS_HOST):6379',
      SHELL_VAR: '${REDIS}.cortex.svc.cluster.local',
      SHELL_SUFFIX: 'redis-${SUFFIX}.cortex.svc.cluster.local:6379',
      BUCKET: 's3://velero-backups/cortex',
      FILE: 'file:///gitops/repo',
      UNKNOWN_NAMESPACE: 'http://prometheus.monitoring:9090',
      SNAKE: 'http://not_a_service:80',
    });
    expect(found(serviceReferencesRule, m, redisQueue)).toEqual([]);
  });

  test('reports each reference once per value', () => {
    const m = coordinator({ URLS: 'redis.cortex.svc:6379,redis.cortex.svc:6379' });
    expect(found(serviceReferencesRule, m, redisQueue)).toHaveLength(1);
  });

  test('profile.externalServices declares Services installed elsewhere, with their ports', () => {
    const prometheus = { name: 'prometheus', namespace: 'monitoring', ports: [9090], reason: 'installed by the platform repo' };
    const ok = coordinator({ A: 'http://prometheus.monitoring.svc.cluster.local:9090', B: 'http://prometheus.monitoring:9090/api/v1/query' });
    expect(runWithProfile(serviceReferencesRule, profile([prometheus]), ok)).toEqual([]);
    const pack = { name: 'test', rules: [serviceReferencesRule] };
    const wrongPort = coordinator({ PROMETHEUS_URL: 'http://prometheus.monitoring:9091' });
    expect(evaluatePolicies(records(wrongPort), [pack], profile([prometheus])).map((f) => [f.level, f.message])).toEqual([[E,
      'env PROMETHEUS_URL of container "app" names port 9091 of Service prometheus.monitoring, which exposes 9090']]);
    const undeclared = coordinator({ PROMETHEUS_URL: 'http://prometheus.monitoring.svc.cluster.local:9090' });
    expect(evaluatePolicies(records(undeclared), [pack], profile()).map((f) => [f.level, f.message])).toEqual([[E,
      'env PROMETHEUS_URL of container "app" names Service prometheus.monitoring, which does not exist (no Services in monitoring)']]);
  });

  test('not applicable: objects without references, Secrets and Services', () => {
    const secret: Manifest = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'cortex' }, stringData: { url: 'redis://redis.cortex.svc:6379' } };
    expect(found(serviceReferencesRule, deployment(), service(), secret, configMap())).toEqual([]);
  });
});
