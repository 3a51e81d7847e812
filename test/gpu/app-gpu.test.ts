import { AppGpu, AppSize, AppWorkload, AppWorkloadProps, Cluster, EnvValue, GpuSharing, GpuVendor, IntelGpuPlugin, Namespace, NvidiaDevicePlugin, WorkloadKind } from '../../lib';
import { createValidator } from '../schema/validator';
import { errorOf } from '../helpers';
import { gpuCluster, standardPlugin } from './helpers';

const A = '[lab/ai/llm]';

function intel(cluster: Cluster, sharedDevNum = 10): IntelGpuPlugin {
  return new IntelGpuPlugin(new Namespace(cluster, 'intel-device-plugins', { podSecurity: 'privileged', quota: { cpu: '1', memory: '1Gi', memoryLimit: '2Gi' } }), 'intel-gpu-plugin', { sharedDevNum });
}

function app(cluster: Cluster, gpu: AppGpu | undefined, extra: Partial<AppWorkloadProps> = {}): AppWorkload {
  return new AppWorkload(new Namespace(cluster, 'ai'), 'llm', { image: 'ghcr.io/example/llm:1.0.0', size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }], gpu, ...extra });
}

function podOf(a: AppWorkload): any {
  const m = a.controller.toJson();
  return m.kind === 'CronJob' ? m.spec.jobTemplate.spec.template : m.spec.template;
}

describe('the gpu option on a time-sliced NVIDIA GPU (the default: shared)', () => {
  const c = gpuCluster();
  standardPlugin(c);
  const a = app(c, { vendor: GpuVendor.NVIDIA, memory: '6Gi' });
  const tpl = podOf(a);
  const spec = tpl.spec;
  const container = spec.containers[0];

  test('requests one time-sliced nvidia.com/gpu, request = limit = 1, next to the app\'s own resources', () => {
    expect(container.resources).toEqual({ requests: { cpu: '50m', memory: '128Mi', 'nvidia.com/gpu': 1 }, limits: { memory: '256Mi', 'nvidia.com/gpu': 1 } });
  });

  test('runs with RuntimeClass nvidia on the time-sliced node only, tolerating its taint', () => {
    expect(spec.runtimeClassName).toBe('nvidia');
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['gpu1'] }] }]);
    expect(spec.tolerations).toEqual([{ key: 'gpu', operator: 'Equal', value: 'nvidia', effect: 'NoSchedule' }]);
  });

  test('declares its GPU memory on the pod for the budget', () => {
    expect(tpl.metadata.annotations).toEqual({ 'hardened-homelab.io/criticality': 'standard', 'hardened-homelab.io/gpu-memory': '6Gi' });
  });

  test('is replaced with Recreate: a surge pod would need a second slice', () => {
    expect(a.controller.toJson().spec.strategy).toEqual({ type: 'Recreate' });
  });

  test('stays unprivileged and sets no NVIDIA_VISIBLE_DEVICES', () => {
    expect([container.securityContext.privileged, container.securityContext.runAsNonRoot, container.securityContext.capabilities]).toEqual([false, true, { drop: ['ALL'] }]);
    expect(container.env).toBeUndefined();
  });

  test('exposes the resolved placement', () => {
    expect(a.gpu).toEqual({ vendor: 'nvidia', sharing: 'shared', resourceName: 'nvidia.com/gpu', nodes: ['gpu1'], tolerations: [{ key: 'gpu', operator: 'Equal', value: 'nvidia', effect: 'NoSchedule' }], runtimeClassName: 'nvidia', memory: a.gpu!.memory, groups: [] });
    expect(a.gpu!.memory!.toString()).toBe('6Gi');
  });

  test('validates against the Kubernetes schema', () => {
    expect(createValidator().validate(a.controller.toJson())).toEqual([]);
  });
});

describe('the gpu option: other resources and placements', () => {
  test('renameByDefault: the app requests nvidia.com/gpu.shared', () => {
    const c = gpuCluster();
    standardPlugin(c, true);
    const a = app(c, { vendor: GpuVendor.NVIDIA, memory: '2Gi' });
    expect(podOf(a).spec.containers[0].resources.limits).toEqual({ memory: '256Mi', 'nvidia.com/gpu.shared': 1 });
  });

  test('exclusive: a whole GPU on the node whose config does not share, with no taint to tolerate', () => {
    const c = gpuCluster();
    standardPlugin(c);
    const a = app(c, { vendor: GpuVendor.NVIDIA, sharing: GpuSharing.EXCLUSIVE, memory: '20Gi' });
    const spec = podOf(a).spec;
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values).toEqual(['gpu2']);
    expect(spec.tolerations).toBeUndefined();
    expect(spec.containers[0].resources.requests['nvidia.com/gpu']).toBe(1);
  });

  test('exclusive without any device plugin in the program: whole GPUs on every NVIDIA node (K3s provides the RuntimeClass)', () => {
    const a = app(gpuCluster(), { vendor: GpuVendor.NVIDIA, sharing: GpuSharing.EXCLUSIVE });
    expect(a.gpu!.nodes).toEqual(['gpu1', 'gpu2']);
    expect(a.gpu!.tolerations).toEqual([{ key: 'gpu', operator: 'Equal', value: 'nvidia', effect: 'NoSchedule' }]);
    expect(podOf(a).metadata.annotations['hardened-homelab.io/gpu-memory']).toBeUndefined();
  });

  test('memory larger than the smaller GPU narrows the nodes to those it fits', () => {
    const c = gpuCluster();
    new NvidiaDevicePlugin(new Namespace(c, 'nvidia-gpu', { podSecurity: 'privileged' }), 'p', { configs: { shared: { timeSlicing: { resources: [{ replicas: 2 }] } } } });
    expect(app(c, { vendor: GpuVendor.NVIDIA, memory: '20Gi' }).gpu!.nodes).toEqual(['gpu2']);
  });

  test('Intel QuickSync: a share of gpu.intel.com/i915, no runtime class, the device groups added to the app\'s', () => {
    const c = gpuCluster();
    intel(c);
    const a = app(c, { vendor: GpuVendor.INTEL, groups: [44, 109] }, { security: { supplementalGroups: [44, 2000] } });
    const spec = podOf(a).spec;
    expect(spec.containers[0].resources).toEqual({ requests: { cpu: '50m', memory: '128Mi', 'gpu.intel.com/i915': 1 }, limits: { memory: '256Mi', 'gpu.intel.com/i915': 1 } });
    expect(spec.runtimeClassName).toBeUndefined();
    expect(spec.securityContext.supplementalGroups).toEqual([44, 2000, 109]);
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values).toEqual(['igpu']);
  });

  test('several replicas update one at a time without surging (maxSurge 0)', () => {
    const c = gpuCluster();
    intel(c);
    const a = app(c, { vendor: GpuVendor.INTEL }, { replicas: 2 });
    expect(a.controller.toJson().spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
  });

  test('a CronJob and a StatefulSet get the GPU too', () => {
    const c = gpuCluster();
    standardPlugin(c);
    const ns = new Namespace(c, 'ai');
    const job = new AppWorkload(ns, 'batch', { image: 'ghcr.io/example/job:1.0.0', size: AppSize.SMALL, kind: WorkloadKind.CRON_JOB, schedule: '0 3 * * *', gpu: { vendor: GpuVendor.NVIDIA, memory: '1Gi' } });
    const sts = new AppWorkload(ns, 'db', { image: 'ghcr.io/example/db:1.0.0', size: AppSize.SMALL, kind: WorkloadKind.STATEFUL_SET, ports: [{ name: 'db', port: 5432 }], gpu: { vendor: GpuVendor.NVIDIA, memory: '1Gi' } });
    expect(podOf(job).spec.runtimeClassName).toBe('nvidia');
    expect(podOf(sts).spec.containers[0].resources.limits['nvidia.com/gpu']).toBe(1);
  });

  test('the app\'s own nodes are kept in its order when they offer the GPU', () => {
    const c = gpuCluster();
    new NvidiaDevicePlugin(new Namespace(c, 'nvidia-gpu', { podSecurity: 'privileged' }), 'p', { configs: { shared: { timeSlicing: { resources: [{ replicas: 2 }] } } } });
    expect(app(c, { vendor: GpuVendor.NVIDIA, memory: '1Gi' }, { nodes: ['gpu2', 'gpu1'] }).gpu!.nodes).toEqual(['gpu2', 'gpu1']);
  });
});

describe('the gpu option: refused', () => {
  const withPlugin = (gpu: any, extra: Partial<AppWorkloadProps> = {}) => () => {
    const c = gpuCluster();
    standardPlugin(c);
    return app(c, gpu, extra);
  };

  test('NVIDIA_VISIBLE_DEVICES in env, as a literal (the homelab\'s Ollama) or a reference', () => {
    const rule = 'NVIDIA_VISIBLE_DEVICES picks GPUs behind the device plugin\'s back: under the NVIDIA runtime "all" exposes every GPU of the node whatever the pod requested (the homelab\'s Ollama set it), so time-slicing and quotas stop meaning anything. Fix: remove it and give the app gpu: { vendor: GpuVendor.NVIDIA, ... }; the device plugin sets the variable for the GPU it allocates';
    expect(errorOf(withPlugin(undefined, { env: { NVIDIA_VISIBLE_DEVICES: 'all' } }))).toBe(`${A} env.NVIDIA_VISIBLE_DEVICES = "all": ${rule}`);
    expect(errorOf(withPlugin(undefined, { env: { NVIDIA_VISIBLE_DEVICES: EnvValue.fromConfigMap('x', 'y') } }))).toBe(`${A} env.NVIDIA_VISIBLE_DEVICES = "NVIDIA_VISIBLE_DEVICES": ${rule}`);
  });

  test('NVIDIA_VISIBLE_DEVICES=void or none hides every GPU: accepted, as HK-GPU-06 accepts it', () => {
    for (const value of ['void', 'none', ' None ', EnvValue.of('void')]) {
      const c = gpuCluster(true);
      const a = app(c, undefined, { env: { NVIDIA_VISIBLE_DEVICES: value } });
      expect(podOf(a).spec.containers[0].env).toEqual([{ name: 'NVIDIA_VISIBLE_DEVICES', value: typeof value === 'string' ? value : 'void' }]);
      expect(c.synthesize().findings.filter((f) => f.ruleId === 'HK-GPU-06')).toEqual([]);
    }
    // the same value spelled to pick GPUs is refused by both
    expect(errorOf(withPlugin(undefined, { env: { NVIDIA_VISIBLE_DEVICES: EnvValue.of('0') } }))).toMatch(/^\[lab\/ai\/llm\] env\.NVIDIA_VISIBLE_DEVICES = "NVIDIA_VISIBLE_DEVICES": NVIDIA_VISIBLE_DEVICES picks GPUs/);
  });

  test('a shared NVIDIA GPU without a memory estimate', () => {
    expect(errorOf(withPlugin({ vendor: GpuVendor.NVIDIA })))
      .toBe(`${A} gpu.memory = undefined: a pod on a time-sliced NVIDIA GPU must declare the GPU memory it uses: time-slicing has no memory isolation, so pods sharing the GPU can run each other out of memory. Fix: give gpu.memory, the peak the app needs (e.g. memory: "6Gi" for a 7B model at 4 bits), so the GPU budget can check the sum`);
  });

  test('unknown vendor or sharing, a bad or zero memory quantity, group 0', () => {
    expect(errorOf(withPlugin({ vendor: 'amd' }))).toBe(`${A} gpu.vendor = "amd": unknown GPU vendor. Fix: use GpuVendor.NVIDIA or GpuVendor.INTEL`);
    expect(errorOf(withPlugin({ vendor: GpuVendor.NVIDIA, sharing: 'half', memory: '1Gi' }))).toBe(`${A} gpu.sharing = "half": unknown GPU sharing. Fix: use GpuSharing.SHARED or GpuSharing.EXCLUSIVE`);
    expect(errorOf(withPlugin({ vendor: GpuVendor.NVIDIA, memory: '6GB' }))).toBe(`${A} gpu.memory = "6GB": "GB" is not a Kubernetes memory unit. Fix: did you mean "6Gi"?`);
    expect(errorOf(withPlugin({ vendor: GpuVendor.NVIDIA, memory: '0' }))).toBe(`${A} gpu.memory = "0": a GPU app uses more than zero bytes of GPU memory. Fix: give the peak GPU memory the app uses, e.g. "6Gi"`);
    expect(errorOf(withPlugin({ vendor: GpuVendor.INTEL, sharing: GpuSharing.EXCLUSIVE, groups: [0] })))
      .toBe(`${A} gpu.groups[0] = 0: a group id is a whole number of at least 1 (group 0 is root's). Fix: use the host group that owns the device nodes, e.g. 109 for \`render\` on Ubuntu (\`getent group render\`)`);
  });

  test('no node has the vendor\'s GPU; the NVIDIA RuntimeClass does not exist', () => {
    expect(errorOf(() => app(gpuCluster(false, { nodes: [{ name: 'n', allocatable: { cpu: '1', memory: '1Gi' } }], runtimeClasses: ['nvidia'] }), { vendor: GpuVendor.NVIDIA, memory: '1Gi' })))
      .toBe(`${A} gpu.vendor = "nvidia": no node of the lab profile has an NVIDIA GPU (or its device plugin runs on none). Fix: add the GPU to the node's gpus in the profile, or remove the gpu option`);
    expect(errorOf(() => app(gpuCluster(false, { version: 'v1.27.1+k3s1' }), { vendor: GpuVendor.NVIDIA, sharing: GpuSharing.EXCLUSIVE })))
      .toBe(`${A} gpu.vendor = "nvidia": NVIDIA pods run with RuntimeClass "nvidia", which neither the lab profile lists (K3s creates it since v1.26.12/v1.27.9/v1.28.5/v1.29.0) nor an NvidiaDevicePlugin of this program creates. Fix: create the NvidiaDevicePlugin before this app (it adopts or creates the RuntimeClass), or add "nvidia" to profile.runtimeClasses if the cluster has it`);
  });

  test('the app\'s nodes or node selector exclude every GPU node', () => {
    expect(errorOf(withPlugin({ vendor: GpuVendor.NVIDIA, memory: '1Gi' }, { nodes: ['server'] })))
      .toBe(`${A} nodes[0] = "server": node server has no nvidia GPU in the lab profile (nvidia GPUs are on gpu1, gpu2). Fix: place the workload on "gpu1" or "gpu2"`);
    expect(errorOf(withPlugin({ vendor: GpuVendor.NVIDIA, memory: '1Gi' }, { nodeSelector: { 'intel.feature.node.kubernetes.io/gpu': 'true' } })))
      .toBe(`${A} nodeSelector = {"intel.feature.node.kubernetes.io/gpu":"true"}: no node with an NVIDIA GPU carries these labels. Fix: drop the node selector or label one of gpu1, gpu2`);
  });

  test('shared where no GPU is shared, exclusive where every GPU is', () => {
    expect(errorOf(withPlugin({ vendor: GpuVendor.NVIDIA, memory: '1Gi' }, { nodes: ['gpu2'] })))
      .toBe(`${A} gpu.sharing = "shared": no NVIDIA GPU the app may use is shared: gpu2 (whole GPUs). Fix: create the NvidiaDevicePlugin with a time-slicing config for the node before this app, or use GpuSharing.EXCLUSIVE`);
    expect(errorOf(() => app(gpuCluster(), { vendor: GpuVendor.NVIDIA, memory: '1Gi' })))
      .toBe(`${A} gpu.sharing = "shared": no NVIDIA GPU the app may use is shared: gpu1 (whole GPUs), gpu2 (whole GPUs). Fix: create the NvidiaDevicePlugin with a time-slicing config for the node before this app, or use GpuSharing.EXCLUSIVE`);
    expect(errorOf(withPlugin({ vendor: GpuVendor.NVIDIA, sharing: GpuSharing.EXCLUSIVE }, { nodes: ['gpu1'] })))
      .toBe(`${A} gpu.sharing = "exclusive": every NVIDIA GPU the app may use is shared, so none can be given whole: gpu1 (shared by 4). Fix: use GpuSharing.SHARED, or give a node a device plugin config without sharing`);
    expect(errorOf(() => app(gpuCluster(), { vendor: GpuVendor.INTEL })))
      .toBe(`${A} gpu.sharing = "shared": no Intel GPU the app may use is shared: igpu (whole GPUs). Fix: create the IntelGpuPlugin (sharedDevNum > 1) before this app, or use GpuSharing.EXCLUSIVE`);
  });

  test('more GPU memory than one GPU has', () => {
    expect(errorOf(withPlugin({ vendor: GpuVendor.NVIDIA, memory: '20Gi' })))
      .toBe(`${A} gpu.memory = "20Gi": more than the memory of one GPU on any node the app may use (largest: Tesla T4 on gpu1, 16Gi). Fix: use a smaller model or quantization so the app fits in 16Gi, or add a larger GPU to the profile`);
  });

  test('candidate nodes that advertise the GPU under different names', () => {
    const c = gpuCluster();
    new NvidiaDevicePlugin(new Namespace(c, 'nvidia-gpu', { podSecurity: 'privileged' }), 'p', {
      defaultConfig: 'plain',
      configs: { plain: { timeSlicing: { resources: [{ replicas: 2 }] } }, shared: { timeSlicing: { renameByDefault: true, resources: [{ replicas: 4 }] } } },
    });
    expect(errorOf(() => app(c, { vendor: GpuVendor.NVIDIA, memory: '1Gi' })))
      .toBe(`${A} nodes = undefined: the nodes the app may use advertise the GPU under different names (gpu1: nvidia.com/gpu.shared, gpu2: nvidia.com/gpu), and a pod requests one name. Fix: pin the app with nodes: [...] to nodes whose device plugin config names the resource the same way`);
    expect(app(gpuCluster(), undefined).gpu).toBeUndefined();
  });
});
