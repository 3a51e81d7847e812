import { Construct } from 'constructs';
import { AppSize, AppWorkload, Cpu, Memory, Namespace, Probe, registerQuotaConsumer } from '../../lib';
import { errorOf, one, synth, testCluster, testNamespace } from '../helpers';

/** A readiness check for apps that serve no port (a long-running app must have one). */
const READY = Probe.exec(['/bin/healthy']);

describe('Namespace', () => {
  test('synthesizes the Namespace with Pod Security restricted, a quota, limits, default-deny and DNS egress', () => {
    const ns = new Namespace(testCluster(), 'apps');
    const objs = synth(ns);
    expect(one(objs, 'Namespace').metadata.labels).toEqual({
      'kubernetes.io/metadata.name': 'apps', 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted', 'app.kubernetes.io/managed-by': 'hardened-homelab',
    });
    expect(one(objs, 'NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(one(objs, 'NetworkPolicy', 'allow-dns').spec).toEqual({
      podSelector: {}, policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }],
    });
    expect(one(objs, 'LimitRange').spec.limits).toEqual([{ type: 'Container', defaultRequest: { cpu: '50m', memory: '64Mi' }, default: { memory: '256Mi' }, maxLimitRequestRatio: { memory: '4' } }]);
    expect(objs.every((o) => o.kind === 'Namespace' || o.metadata.namespace === 'apps')).toBe(true);
  });

  test('the derived quota covers the apps plus 25% headroom, rounded up', () => {
    const ns = new Namespace(testCluster(), 'apps');
    new AppWorkload(ns, 'a', { image: 'x/a:1', healthCheck: READY, size: AppSize.MEDIUM, replicas: 2 }); // 200m, 512Mi, limit 1Gi
    new AppWorkload(ns, 'b', { image: 'x/b:1', healthCheck: READY, size: AppSize.SMALL }); // 50m, 128Mi, limit 256Mi
    // cpu 250m*1.25=312.5 -> 350m; memory 640Mi*1.25=800Mi -> 832Mi; limits 1280Mi*1.25=1600Mi -> 1600Mi
    expect(one(synth(ns), 'ResourceQuota').spec.hard).toEqual({ 'requests.cpu': '350m', 'requests.memory': '832Mi', 'limits.memory': '1600Mi' });
  });

  test('an explicit quota and limits are used as given', () => {
    const ns = new Namespace(testCluster(), 'apps', { quota: { cpu: '2', memory: '4Gi', memoryLimit: '8Gi', pods: 20 }, limits: { maxMemoryRatio: 2, defaultMemoryLimit: '128Mi' }, podSecurity: 'baseline' });
    const objs = synth(ns);
    expect(one(objs, 'ResourceQuota').spec.hard).toEqual({ 'requests.cpu': '2', 'requests.memory': '4Gi', 'limits.memory': '8Gi', 'pods': 20 });
    expect(one(objs, 'LimitRange').spec.limits[0].maxLimitRequestRatio).toEqual({ memory: '2' });
    expect(one(objs, 'LimitRange').spec.limits[0].default).toEqual({ memory: '128Mi' });
    expect(one(objs, 'Namespace').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
  });

  test('throws on default, kube-* and invalid names', () => {
    expect(errorOf(() => new Namespace(testCluster(), 'default'))).toBe('[test/default] id = "default": apps do not belong in default or kube-* namespaces. Fix: name the namespace after what runs in it, e.g. "media"');
    expect(errorOf(() => new Namespace(testCluster(), 'Media'))).toBe('[test/Media] id = "Media": not a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit). Fix: did you mean "media"?');
  });

  test('throws on bad quota quantities, ratio and headroom', () => {
    expect(errorOf(() => new Namespace(testCluster(), 'apps', { quota: { cpu: '2', memory: '4GB', memoryLimit: '8Gi' } }))).toBe('[test/apps] quota.memory = "4GB": "GB" is not a Kubernetes memory unit. Fix: did you mean "4Gi"?');
    expect(errorOf(() => new Namespace(testCluster(), 'apps', { limits: { maxMemoryRatio: 0.5 } }))).toBe('[test/apps] limits.maxMemoryRatio = 0.5: a limit/request ratio below 1 rejects every container. Fix: use 1 (limit = request) or more');
    expect(errorOf(() => new Namespace(testCluster(), 'apps', { quotaHeadroom: -1 }))).toBe('[test/apps] quotaHeadroom = -1: must be a share from 0 to 10. Fix: use e.g. 0.25 for 25% on top of the apps\' totals');
  });

  test('throws outside a Cluster', () => {
    const { Testing } = require('cdk8s');
    expect(errorOf(() => new Namespace(Testing.app(), 'apps'))).toBe('[apps] scope = "apps": this construct is not inside a Cluster, so it has no ClusterProfile. Fix: create it inside a Cluster: `const cluster = new Cluster(app, \'homelab\', { profile })`, then `new Namespace(cluster, \'media\')`');
  });
});

describe('Namespace quota and other pod owners', () => {
  test('a registered quota consumer counts toward the derived quota', () => {
    const ns = testNamespace();
    const custom = new Construct(ns, 'custom');
    registerQuotaConsumer(custom, () => ({ cpu: Cpu.parse('200m'), memory: Memory.parse('512Mi'), memoryLimit: Memory.parse('1Gi') }));
    // 200m → ×1.25 = 250m; 512Mi → 640Mi; 1Gi → 1280Mi
    expect(synth(ns).find((o: any) => o.kind === 'ResourceQuota').spec.hard).toEqual({ 'requests.cpu': '250m', 'requests.memory': '640Mi', 'limits.memory': '1280Mi' });
    expect(ns.demand()).toEqual({ cpu: 200, memory: 512 * 2 ** 20, memoryLimit: 2 ** 30 });
  });

  test('an explicit quota smaller than what runs in the namespace is an error per resource', () => {
    const ns = new Namespace(testCluster(), 'apps', { quota: { cpu: '1', memory: '100Mi', memoryLimit: '8Gi' } });
    new AppWorkload(ns, 'web', { image: 'ghcr.io/x/web:1.0.0', size: AppSize.MEDIUM, replicas: 2, ports: [{ name: 'http', port: 8080 }] });
    expect(errorOf(() => synth(ns))).toContain(
      '[test/apps] quota.memory = "100Mi": what runs in the namespace needs requests.memory 512Mi, so the ResourceQuota would reject pods at admission. Fix: raise quota.memory to at least 512Mi, or leave quota out to derive it');
  });
});

describe('Namespace refuses what the API server would refuse (issue 8)', () => {
  test('label keys and values, a pod quota below 1, an unknown Pod Security level', () => {
    expect(errorOf(() => new Namespace(testCluster(), 'apps', { labels: { team: 'media team' } }))).toBe(
      '[test/apps] labels.team = "media team": not a label value (at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit). Fix: did you mean "media-team"?');
    expect(errorOf(() => new Namespace(testCluster(), 'apps', { labels: { '/team': 'media' } }))).toBe(
      '[test/apps] labels./team = "/team": not a label key (an optional DNS-1123 subdomain prefix and "/", then a name of at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit). Fix: did you mean "app/team"?');
    expect(errorOf(() => new Namespace(testCluster(), 'apps', { quota: { cpu: '2', memory: '4Gi', memoryLimit: '8Gi', pods: -1 } }))).toBe(
      '[test/apps] quota.pods = -1: a pod quota is a whole number of at least 1. Fix: count the pods the namespace runs (replicas, jobs, chart pods), or leave pods out');
    expect(errorOf(() => new Namespace(testCluster(), 'apps', { podSecurity: 'strict' as any }))).toBe(
      '[test/apps] podSecurity = "strict": not a Pod Security Standard level. Fix: use "restricted" (the default), "baseline" or "privileged"');
  });

  test('a default memory request above the default memory limit (the API server refuses the LimitRange)', () => {
    expect(errorOf(() => new Namespace(testCluster(), 'apps', { limits: { defaultMemory: '64Mi', defaultMemoryLimit: '32Mi' } }))).toBe(
      '[test/apps] limits.defaultMemoryLimit = "32Mi": the default memory request 64Mi is above the default memory limit 32Mi, and the API server refuses such a LimitRange. Fix: raise limits.defaultMemoryLimit to at least "64Mi", or lower limits.defaultMemory to at most "32Mi"');
    // only the request given: it is the prop named (the limit is the 256Mi default)
    expect(errorOf(() => new Namespace(testCluster(), 'apps', { limits: { defaultMemory: '512Mi' } }))).toBe(
      '[test/apps] limits.defaultMemory = "512Mi": the default memory request 512Mi is above the default memory limit 256Mi, and the API server refuses such a LimitRange. Fix: raise limits.defaultMemoryLimit to at least "512Mi", or lower limits.defaultMemory to at most "256Mi"');
    // equal is accepted (Guaranteed QoS for containers that take the defaults)
    const ns = new Namespace(testCluster(), 'apps', { limits: { defaultMemory: '128Mi', defaultMemoryLimit: '128Mi', maxMemoryRatio: 1 } });
    expect(one(synth(ns), 'LimitRange').spec.limits[0]).toEqual({ type: 'Container', defaultRequest: { cpu: '50m', memory: '128Mi' }, default: { memory: '128Mi' }, maxLimitRequestRatio: { memory: '1' } });
  });

  test('defaults that break the maximum ratio (every container taking both defaults is refused at admission)', () => {
    expect(errorOf(() => new Namespace(testCluster(), 'apps', { limits: { maxMemoryRatio: 2 } }))).toBe(
      '[test/apps] limits.maxMemoryRatio = 2: a container that takes both defaults has memory limit/request 256Mi/64Mi = 4, above limits.maxMemoryRatio 2, so the LimitRanger would refuse every such container at admission. Fix: raise limits.maxMemoryRatio to at least 4, or bring limits.defaultMemoryLimit within 2 × limits.defaultMemory');
    expect(errorOf(() => new Namespace(testCluster(), 'apps', { limits: { defaultMemory: '96Mi', defaultMemoryLimit: '1Gi' } }))).toBe(
      '[test/apps] limits.defaultMemoryLimit = "1Gi": a container that takes both defaults has memory limit/request 1Gi/96Mi = 10.67, above limits.maxMemoryRatio 4, so the LimitRanger would refuse every such container at admission. Fix: raise limits.maxMemoryRatio to at least 10.67, or bring limits.defaultMemoryLimit within 4 × limits.defaultMemory');
    expect(errorOf(() => new Namespace(testCluster(), 'apps', { limits: { defaultMemory: '0' } }))).toBe(
      '[test/apps] limits.defaultMemory = "0": the LimitRange sets a memory limit/request ratio, which refuses every container whose memory request is zero, so every container taking this default would be refused at admission. Fix: give a default request above zero, e.g. "64Mi"');
    expect(errorOf(() => new Namespace(testCluster(), 'apps', { limits: { maxMemoryRatio: Number.POSITIVE_INFINITY } }))).toBe(
      '[test/apps] limits.maxMemoryRatio = Infinity: the ratio is written into the LimitRange as a quantity, so it is a finite number. Fix: use a number such as 4, or leave maxMemoryRatio out');
    // exactly at the ratio is admitted
    const ns = new Namespace(testCluster(), 'apps', { limits: { defaultMemory: '100Mi', defaultMemoryLimit: '250Mi', maxMemoryRatio: 2.5 } });
    expect(one(synth(ns), 'LimitRange').spec.limits[0].maxLimitRequestRatio).toEqual({ memory: '2.5' });
  });

  test('a namespace created twice names its path and asks for another id', () => {
    const c = testCluster();
    new Namespace(c, 'apps');
    expect(errorOf(() => new Namespace(c, 'apps'))).toBe(
      '[test/apps] id = "apps": test already has a construct with this id (Namespace), and ids are unique within their scope. Fix: choose another id (the id names the objects it synthesizes), or reuse the construct you created first');
  });
});
