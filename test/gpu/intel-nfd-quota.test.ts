import { Probe, AppSize, AppWorkload, GpuQuota, GpuVendor, IntelGpuAllocationPolicy, IntelGpuPlugin, IntelGpuPluginProps, Namespace, NodeFeatureDiscovery, TaintEffect, k8s } from '../../lib';
import { createValidator } from '../schema/validator';
import { errorOf } from '../helpers';
import { GPU_PROFILE, find, gpuCluster, manifestsOf, standardPlugin } from './helpers';

/** A readiness check for apps that serve no port (a long-running app must have one). */
const READY = Probe.exec(['/bin/healthy']);

function intel(props: IntelGpuPluginProps = {}, overrides = {}): { plugin: IntelGpuPlugin; manifests: any[]; objects: ReturnType<ReturnType<typeof gpuCluster>['synthesize']>['objects'] } {
  const c = gpuCluster(false, overrides);
  const plugin = new IntelGpuPlugin(new Namespace(c, 'intel-device-plugins', { podSecurity: 'privileged' }), 'intel-gpu-plugin', props);
  const objects = c.synthesize().objects;
  return { plugin, manifests: objects.map((o) => o.manifest), objects };
}

const I = '[lab/intel-device-plugins/intel-gpu-plugin]';

describe('IntelGpuPlugin', () => {
  test('a second construct with the same id, naming the path it would have had', () => {
    const c = gpuCluster();
    const ns = new Namespace(c, 'intel-device-plugins', { podSecurity: 'privileged' });
    new IntelGpuPlugin(ns, 'intel-gpu-plugin');
    expect(errorOf(() => new IntelGpuPlugin(ns, 'intel-gpu-plugin')))
      .toBe(`${I} id = "intel-gpu-plugin": lab/intel-device-plugins already has a construct with this id (IntelGpuPlugin), and ids are unique within their scope. Fix: choose another id (the id names the objects it synthesizes), or reuse the construct you created first`);
  });

  const { plugin, manifests, objects } = intel({ sharedDevNum: 10 });

  test('the operator from its pinned chart, providing the deviceplugin.intel.com CRDs, sized for a hardened namespace', () => {
    expect(plugin.operator.release).toEqual({
      name: 'intel-device-plugins-operator', namespace: 'intel-device-plugins',
      chart: { chart: 'intel-device-plugins-operator', version: '0.36.0', repositoryUrl: 'https://intel.github.io/helm-charts' },
      values: { manager: { devices: { gpu: true } }, resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } } },
      providesApiGroups: ['deviceplugin.intel.com'], dependsOn: [],
    });
    expect(find(manifests, 'HelmRelease', 'intel-device-plugins-operator').spec.chart.spec.version).toBe('0.36.0');
  });

  test('a cluster-scoped GpuDevicePlugin sharing each iGPU 10 ways on the NFD-labelled nodes, in its own app after the operator', () => {
    const cr = find(manifests, 'GpuDevicePlugin', 'intel-gpu-plugin');
    expect([cr.apiVersion, cr.metadata.namespace]).toEqual(['deviceplugin.intel.com/v1', undefined]);
    expect(cr.spec).toEqual({ image: 'docker.io/intel/intel-gpu-plugin:0.36.0', sharedDevNum: 10, logLevel: 2, nodeSelector: { 'intel.feature.node.kubernetes.io/gpu': 'true' } });
    const o = objects.find((x) => x.manifest.kind === 'GpuDevicePlugin')!;
    expect([o.folder, o.app]).toEqual(['intel-device-plugins', 'intel-gpu-plugin']);
    expect(createValidator().validate(cr)).toEqual([]);
  });

  test('offers gpu.intel.com/i915 shared by sharedDevNum on the selected Intel nodes', () => {
    expect(plugin.offers.map((x) => [x.node, x.resourceName, x.sharedBy, x.gpus])).toEqual([['igpu', 'gpu.intel.com/i915', 10, 1]]);
  });

  test('defaults: one container per GPU, no allocation policy; a policy and the nodes\' taints when given', () => {
    expect(find(intel().manifests, 'GpuDevicePlugin', 'intel-gpu-plugin').spec.sharedDevNum).toBe(1);
    const tainted = { nodes: GPU_PROFILE.nodes.map((n) => (n.name === 'igpu' ? { ...n, taints: [{ key: 'media', effect: TaintEffect.NO_SCHEDULE }] } : n)) };
    const cr = find(intel({ sharedDevNum: 4, allocationPolicy: IntelGpuAllocationPolicy.BALANCED }, tainted).manifests, 'GpuDevicePlugin', 'intel-gpu-plugin');
    expect([cr.spec.preferredAllocationPolicy, cr.spec.tolerations]).toEqual(['balanced', [{ key: 'media', operator: 'Exists', effect: 'NoSchedule' }]]);
  });

  test('refuses a kubelet root dir the operator cannot mount (the homelab\'s symlink workaround)', () => {
    expect(errorOf(() => intel({}, { kubeletRootDir: '/var/lib/rancher/k3s/agent/kubelet' })))
      .toBe(`${I} profile.kubeletRootDir = "/var/lib/rancher/k3s/agent/kubelet": the operator's GPU plugin DaemonSet mounts /var/lib/kubelet/device-plugins and the GpuDevicePlugin cannot change it, so the plugin would register with no kubelet. Fix: run the kubelet with its default root dir (K3s uses /var/lib/kubelet since v0.10); do not symlink the sockets with a privileged DaemonSet as the homelab did`);
  });

  test('refuses bad sharing, policy and log level', () => {
    expect(errorOf(() => intel({ sharedDevNum: 0 }))).toBe(`${I} sharedDevNum = 0: a whole number of at least 1 (containers per GPU). Fix: use 1 for a GPU per container, or e.g. 10 to let transcodes share an iGPU`);
    expect(errorOf(() => intel({ allocationPolicy: IntelGpuAllocationPolicy.PACKED })))
      .toBe(`${I} allocationPolicy = "packed": an allocation policy only applies to shared GPUs (the operator's webhook refuses it with sharedDevNum 1). Fix: set sharedDevNum above 1, or leave allocationPolicy out`);
    expect(errorOf(() => intel({ allocationPolicy: 'random' as IntelGpuAllocationPolicy, sharedDevNum: 2 }))).toBe(`${I} allocationPolicy = "random": unknown allocation policy. Fix: use IntelGpuAllocationPolicy.NONE, BALANCED or PACKED`);
    expect(errorOf(() => intel({ logLevel: -1 }))).toBe(`${I} logLevel = -1: a log level is a whole number of at least 0. Fix: use e.g. 2`);
  });

  test('refuses a plugin image older than the operator, or not the GPU plugin', () => {
    const fix = 'Fix: use "docker.io/intel/intel-gpu-plugin:0.36.0" (keep Images.intelGpuPlugin and Charts.intelDevicePluginsOperator in step)';
    expect(errorOf(() => intel({ image: 'docker.io/intel/intel-gpu-plugin:0.30.0' })))
      .toBe(`${I} image = "docker.io/intel/intel-gpu-plugin:0.30.0": the operator (chart 0.36.0) accepts only an intel-gpu-plugin image of its own version or newer. ${fix}`);
    expect(errorOf(() => intel({ image: 'docker.io/example/gpu:0.40.0' })))
      .toBe(`${I} image = "docker.io/example/gpu:0.40.0": the operator (chart 0.36.0) accepts only an intel-gpu-plugin image of its own version or newer. ${fix}`);
  });

  test('refuses a node selector that matches no Intel GPU node, or a node without one', () => {
    expect(errorOf(() => intel({ nodeSelector: { x: 'y' } })))
      .toBe(`${I} nodeSelector = {"x":"y"}: no node with an Intel GPU carries these labels in the lab profile (Intel GPUs are on igpu), so the plugin would run nowhere. Fix: record the labels Node Feature Discovery sets on those nodes in the profile, or change the selector`);
    expect(errorOf(() => intel({}, { nodes: [{ name: 'n', allocatable: { cpu: '1', memory: '1Gi' } }] })))
      .toBe(`${I} nodeSelector = {"intel.feature.node.kubernetes.io/gpu":"true"}: no node with an Intel GPU carries these labels in the lab profile (no node has an Intel GPU), so the plugin would run nowhere. Fix: add the GPU to the node's gpus in the profile (vendor GpuVendor.INTEL)`);
    expect(errorOf(() => intel({ nodeSelector: {} })))
      .toBe(`${I} nodeSelector = {}: node server matches the selector but has no Intel GPU in the profile. Fix: add the GPU to server's gpus in the profile, or narrow the selector`);
  });
});

describe('NodeFeatureDiscovery', () => {
  test('a second construct with the same id, naming the path it would have had', () => {
    const ns = new Namespace(gpuCluster(), 'node-feature-discovery', { podSecurity: 'privileged' });
    new NodeFeatureDiscovery(ns, 'node-feature-discovery');
    expect(errorOf(() => new NodeFeatureDiscovery(ns, 'node-feature-discovery')))
      .toBe(`[lab/node-feature-discovery/node-feature-discovery] id = "node-feature-discovery": lab/node-feature-discovery already has a construct with this id (NodeFeatureDiscovery), and ids are unique within their scope. Fix: choose another id (the id names the objects it synthesizes), or reuse the construct you created first`);
  });

  const c = gpuCluster();
  const nfd = new NodeFeatureDiscovery(new Namespace(c, 'node-feature-discovery', { podSecurity: 'privileged' }), 'node-feature-discovery');

  test('the pinned chart with explicit requests within a 4× limit ratio, workers tolerating every node taint, and the Intel GPU rule', () => {
    const v = nfd.release.release.values as any;
    expect(nfd.release.release.chart).toEqual({ chart: 'node-feature-discovery', version: '0.17.3', repositoryUrl: 'https://kubernetes-sigs.github.io/node-feature-discovery/charts' });
    expect([v.master.resources, v.worker.resources, v.gc.resources, v.topologyUpdater]).toEqual([
      { requests: { cpu: '20m', memory: '64Mi' }, limits: { memory: '256Mi' } },
      { requests: { cpu: '5m', memory: '64Mi' }, limits: { memory: '256Mi' } },
      { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } },
      { enable: false },
    ]);
    expect(v.worker.tolerations).toEqual([{ key: 'gpu', operator: 'Equal', value: 'nvidia', effect: 'NoSchedule' }]);
    const rule = v.worker.config.sources.custom[0];
    expect([rule.name, rule.labels]).toEqual(['intel.gpu', { 'intel.feature.node.kubernetes.io/gpu': 'true' }]);
    expect(rule.matchAny.map((a: any) => a.matchFeatures[1].matchExpressions)).toEqual([{ i915: { op: 'Exists' } }, { xe: { op: 'Exists' } }]);
    expect(rule.matchAny[0].matchFeatures[0]).toEqual({ feature: 'pci.device', matchExpressions: { vendor: { op: 'In', value: ['8086'] }, class: { op: 'In', value: ['0300', '0380'] } } });
  });

  test('without the Intel rule the worker config has no custom source', () => {
    const nfd2 = new NodeFeatureDiscovery(new Namespace(gpuCluster(), 'nfd', { podSecurity: 'privileged' }), 'nfd', { intelGpuRule: false });
    expect((nfd2.release.release.values as any).worker.config).toEqual({ core: { sleepInterval: '60s' } });
  });

  test('refuses an Intel GPU node whose profile labels miss the label NFD will set', () => {
    const c2 = gpuCluster(false, { nodes: [{ name: 'n', allocatable: { cpu: '1', memory: '1Gi' }, gpus: [{ vendor: GpuVendor.INTEL, model: 'x' }] }] });
    expect(errorOf(() => new NodeFeatureDiscovery(new Namespace(c2, 'nfd', { podSecurity: 'privileged' }), 'nfd')))
      .toBe('[lab/nfd/nfd] profile.nodes(n).labels = {"kubernetes.io/hostname":"n"}: node n has an Intel GPU, so Node Feature Discovery will label it intel.feature.node.kubernetes.io/gpu=true, but the profile does not record that label. Fix: add "intel.feature.node.kubernetes.io/gpu": "true" to n\'s labels in the profile');
  });
});

describe('GpuQuota', () => {
  test('a second quota with the same (default) id, naming the path it would have had', () => {
    const ns = new Namespace(gpuCluster(), 'ai');
    new GpuQuota(ns);
    expect(errorOf(() => new GpuQuota(ns)))
      .toBe(`[lab/ai/gpu] id = "gpu": lab/ai already has a construct with this id (GpuQuota), and ids are unique within their scope. Fix: choose another id (the id names the objects it synthesizes), or reuse the construct you created first`);
  });

  test('derived: the GPU requests of the namespace\'s pods, 0 for the cluster\'s other GPU resources, a rolling update\'s surge counted', () => {
    const c = gpuCluster();
    standardPlugin(c);
    const ns = new Namespace(c, 'ai');
    new AppWorkload(ns, 'a', { image: 'ghcr.io/example/a:1.0.0', healthCheck: READY, size: AppSize.SMALL, gpu: { vendor: GpuVendor.NVIDIA, memory: '1Gi' } });
    new AppWorkload(ns, 'b', { image: 'ghcr.io/example/b:1.0.0', healthCheck: READY, size: AppSize.SMALL, gpu: { vendor: GpuVendor.NVIDIA, memory: '1Gi' } });
    // a hand-written Deployment with the default RollingUpdate (maxSurge 25% of 2 → 1)
    new k8s.KubeDeployment(ns, 'hand', {
      metadata: { name: 'hand' },
      spec: {
        replicas: 2, selector: { matchLabels: { app: 'hand' } },
        template: { metadata: { labels: { app: 'hand' } }, spec: { containers: [{ name: 'x', image: 'x:1', resources: { limits: { 'nvidia.com/gpu': k8s.Quantity.fromNumber(1) } } }] } },
      },
    });
    new GpuQuota(ns);
    expect(find(manifestsOf(c), 'ResourceQuota', 'gpu').spec).toEqual({ hard: { 'requests.gpu.intel.com/i915': 0, 'requests.nvidia.com/gpu': 5 } });
  });

  test('derived: a DaemonSet with a GPU counts as one pod, as HK-GPU-02 counts it', () => {
    const c = gpuCluster();
    const ns = new Namespace(c, 'agents');
    new k8s.KubeDaemonSet(ns, 'agent', {
      metadata: { name: 'agent' },
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'x', image: 'x:1', resources: { limits: { 'nvidia.com/gpu': k8s.Quantity.fromNumber(1) } } }] } },
      },
    });
    new GpuQuota(ns);
    expect(find(manifestsOf(c), 'ResourceQuota', 'gpu').spec.hard['requests.nvidia.com/gpu']).toBe(1);
    expect(c.synthesize().findings.filter((f) => f.ruleId === 'HK-GPU-02')).toEqual([]);
  });

  test('derived in a namespace without GPU pods: every GPU resource at 0', () => {
    const c = gpuCluster();
    new GpuQuota(new Namespace(c, 'web'));
    expect(find(manifestsOf(c), 'ResourceQuota', 'gpu').spec.hard).toEqual({ 'requests.gpu.intel.com/i915': 0, 'requests.nvidia.com/gpu': 0 });
  });

  test('explicit: written as requests.<resource>, named as given, and valid', () => {
    const c = gpuCluster();
    new GpuQuota(new Namespace(c, 'ai'), 'gpu-quota', { hard: { 'nvidia.com/gpu': 1, 'gpu.intel.com/i915': 0 } });
    const q = find(manifestsOf(c), 'ResourceQuota', 'gpu-quota');
    expect(q.spec.hard).toEqual({ 'requests.gpu.intel.com/i915': 0, 'requests.nvidia.com/gpu': 1 });
    expect(createValidator().validate(q)).toEqual([]);
  });

  test('refuses prefixed keys, non-resource names and negative counts', () => {
    const q = (hard: Record<string, number>) => () => new GpuQuota(new Namespace(gpuCluster(), 'ai'), 'gpu', { hard });
    expect(errorOf(q({ 'limits.nvidia.com/gpu': 1 })))
      .toBe('[lab/ai/gpu] hard.limits.nvidia.com/gpu = "limits.nvidia.com/gpu": give the resource name without a prefix; the quota writes requests.<resource>, the only prefix enforced for extended resources. Fix: use "nvidia.com/gpu"');
    expect(errorOf(q({ gpu: 1 }))).toBe('[lab/ai/gpu] hard.gpu = "gpu": not an extended resource name (domain/name). Fix: use e.g. "nvidia.com/gpu" or "gpu.intel.com/i915"');
    // found by the property suite's type-confusion inputs: a TypeError before
    expect(errorOf(q(null as any))).toBe('[lab/ai/gpu] hard = null: GPU counts by resource name. Fix: e.g. hard: { "nvidia.com/gpu": 2 }, or leave hard out to derive it');
    expect(errorOf(q({ 'nvidia.com/gpu': -1 })))
      .toBe('[lab/ai/gpu] hard.nvidia.com/gpu = -1: a GPU count is a whole number of at least 0. Fix: use 0 to forbid the resource, or the number of slices the namespace may hold');
  });
});
