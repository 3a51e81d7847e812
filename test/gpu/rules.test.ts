import { BASELINE_PACK, createContext, evaluatePolicies } from '../../lib/policies';
import {
  devicePluginConfigRule, gpuMemoryBudgetRule, gpuMemoryDeclaredRule, gpuQuotaKeysRule, gpuQuotaRule, gpuSlicesRule, nvidiaRuntimeRequestRule,
  nvidiaVisibleDevicesRule, timeSlicingRequestLimitRule,
} from '../../lib/policies/rules/gpu';
import { Manifest, PolicyRule } from '../../lib/policies/rule';
import { configMap, container, deployment, found, merge, namespaceBaseline, records, runWithProfile, workload } from '../policies/fixtures';
import { PROFILE, configs, devicePlugin, gpuApp, quota, timeSlicingConfig } from './fixtures';

/** `[level, path, message]` of one rule's findings over `manifests`, with the GPU profile. */
function findings(rule: PolicyRule, ...manifests: Manifest[]): [string, string, string][] {
  return runWithProfile(rule, PROFILE, ...manifests).map((f) => [f.level, f.path, f.message]);
}

const PLUGIN = [devicePlugin(), configs()];

describe('HK-GPU-01 GPU slices', () => {
  test('compliant: two pods on the T4 time-sliced ×4', () => {
    expect(findings(gpuSlicesRule, ...PLUGIN, gpuApp('ollama', 'ai', { node: 'gpu1', memory: '6Gi' }), gpuApp('a1111', 'ai', { node: 'gpu1', memory: '8Gi' }))).toEqual([]);
  });

  test('five slices asked of a node that offers four', () => {
    expect(findings(gpuSlicesRule, ...PLUGIN, ...['a', 'b', 'c', 'd', 'e'].map((n) => gpuApp(n, 'ai', { node: 'gpu1', memory: '1Gi' })))).toEqual([
      ['error', 'test/deployment-a', 'node gpu1 offers 4 nvidia.com/gpu (1× Tesla T4, time-sliced ×4 (config "shared")); the pods that must run there request 5: ai/a (1), ai/b (1), ai/c (1), ai/d (1), ai/e (1). 1 would stay Pending'],
    ]);
  });

  test('a rolling update that needs a slice more than the node has', () => {
    const apps = [...['a', 'b', 'c'].map((n) => gpuApp(n, 'ai', { node: 'gpu1', memory: '1Gi' })), gpuApp('d', 'ai', { node: 'gpu1', memory: '1Gi', strategy: { type: 'RollingUpdate' } })];
    const f = runWithProfile(gpuSlicesRule, PROFILE, ...PLUGIN, ...apps);
    expect(f.map((x) => [x.path, x.message, x.fix])).toEqual([[
      'test/deployment-a',
      'node gpu1 offers 4 nvidia.com/gpu (1× Tesla T4, time-sliced ×4 (config "shared")); the pods request 4, but 5 during a rolling update of ai/d (maxSurge): the new pod would stay Pending and the rollout would hang',
      'use strategy Recreate for single-replica GPU Deployments (the app pattern does), or maxSurge 0',
    ]]);
  });

  test('a resource no node advertises (the config renames it to nvidia.com/gpu.shared)', () => {
    const renamed = configs({ whole: 'version: v1\n', shared: timeSlicingConfig(4, { renameByDefault: true, failRequestsGreaterThanOne: true }) });
    expect(findings(gpuSlicesRule, devicePlugin(), renamed, gpuApp('a', 'ai', { node: 'gpu1', memory: '1Gi' }))).toEqual([
      ['error', 'test/deployment-a', 'requests nvidia.com/gpu, which no node it may run on offers (offered: gpu1: nvidia.com/gpu.shared; gpu2: nvidia.com/gpu; igpu: gpu.intel.com/i915): its pods would stay Pending'],
    ]);
    expect(findings(gpuSlicesRule, devicePlugin(), renamed, gpuApp('a', 'ai', { node: 'gpu1', memory: '1Gi', resource: 'nvidia.com/gpu.shared' }))).toEqual([]);
  });

  test('two slices in one container where the plugin refuses more than one', () => {
    expect(findings(gpuSlicesRule, ...PLUGIN, gpuApp('a', 'ai', { node: 'gpu1', memory: '1Gi', count: 2 }))).toEqual([
      ['error', 'test/deployment-a', 'a container requests 2 nvidia.com/gpu, but the device plugin on gpu1 refuses more than 1 time-sliced replica per container (failRequestsGreaterThanOne): the pod fails admission'],
    ]);
  });

  test('without a device plugin in the program: one slice per GPU, pods free to land on either GPU node counted against the cluster', () => {
    expect(findings(gpuSlicesRule, gpuApp('a'), gpuApp('b'))).toEqual([]);
    expect(findings(gpuSlicesRule, gpuApp('a'), gpuApp('b'), gpuApp('c'))).toEqual([
      ['error', 'test/deployment-a', 'the cluster offers 2 nvidia.com/gpu and its pods request 3: 1 would stay Pending'],
    ]);
  });

  test('the device plugin of the upstream chart (config.map in the HelmRelease values) is read the same way', () => {
    const hr = {
      apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'nvidia-device-plugin', namespace: 'nvidia-gpu' },
      spec: { chart: { spec: { chart: 'nvidia-device-plugin', version: '0.19.0' } }, values: { config: { default: 'whole', map: { whole: 'version: v1\n', shared: timeSlicingConfig(2, { failRequestsGreaterThanOne: true }) } } } },
    };
    expect(findings(gpuSlicesRule, hr, ...['a', 'b', 'c'].map((n) => gpuApp(n, 'ai', { node: 'gpu1', memory: '1Gi' })))).toEqual([
      ['error', 'test/deployment-a', 'node gpu1 offers 2 nvidia.com/gpu (1× Tesla T4, time-sliced ×2 (config "shared")); the pods that must run there request 3: ai/a (1), ai/b (1), ai/c (1). 1 would stay Pending'],
    ]);
  });

  test('the Intel GpuDevicePlugin\'s sharedDevNum on the nodes its selector matches', () => {
    const cr = { apiVersion: 'deviceplugin.intel.com/v1', kind: 'GpuDevicePlugin', metadata: { name: 'intel' }, spec: { sharedDevNum: 2, nodeSelector: { 'intel.feature.node.kubernetes.io/gpu': 'true' } } };
    const jelly = (n: string) => gpuApp(n, 'media', { node: 'igpu', resource: 'gpu.intel.com/i915' });
    expect(findings(gpuSlicesRule, cr, jelly('a'), jelly('b'))).toEqual([]);
    expect(findings(gpuSlicesRule, cr, jelly('a'), jelly('b'), jelly('c'))[0][2]).toBe('node igpu offers 2 gpu.intel.com/i915 (1× UHD 630, shared by 2 (intel sharedDevNum)); the pods that must run there request 3: media/a (1), media/b (1), media/c (1). 1 would stay Pending');
  });

  test('the GPU budgets report section', () => {
    const q = quota({ 'requests.nvidia.com/gpu': 2 });
    const section = gpuSlicesRule.report!(evaluateContext(...PLUGIN, q, gpuApp('ollama', 'ai', { node: 'gpu1', memory: '6Gi' }), gpuApp('a1111', 'ai', { node: 'gpu1', memory: '8Gi' })))!;
    expect(section.title).toBe('GPU budgets');
    expect(section.lines).toEqual([
      'NVIDIA offers from DaemonSet nvidia-gpu/nvidia-device-plugin; Intel offers from no GpuDevicePlugin in this program: one gpu.intel.com/i915 per GPU assumed. Requested counts pods pinned to the node (replicas; a rolling update\'s surge in parentheses when it needs more).',
      '',
      '| node | GPUs | resource | sharing | offered | requested | pods | GPU memory declared / one GPU |',
      '|---|---|---|---|---|---|---|---|',
      '| gpu1 | 1× Tesla T4 | nvidia.com/gpu | time-sliced ×4 (config "shared") | 4 | 2 | ai/ollama, ai/a1111 | 14Gi / 16Gi |',
      '| gpu2 | 1× RTX 4090 | nvidia.com/gpu | whole GPUs (config "whole") | 1 | 0 | – | 0Gi / 24Gi |',
      '| igpu | 1× UHD 630 | gpu.intel.com/i915 | whole GPUs (no GpuDevicePlugin found) | 1 | 0 | – | – |',
      '',
      '| namespace | quota | resource | hard (requests.) | requested |',
      '|---|---|---|---|---|',
      '| ai | gpu-quota | nvidia.com/gpu | 2 | 2 |',
    ]);
  });
});

/** The policy context the rules see for `manifests`. */
function evaluateContext(...manifests: Manifest[]) {
  return createContext(records(...manifests), PROFILE);
}

describe('HK-GPU-02 / HK-GPU-03 GPU quotas', () => {
  const ollama = gpuApp('ollama', 'ai', { node: 'gpu1', memory: '6Gi' });
  const a1111 = gpuApp('automatic1111', 'ai', { node: 'gpu1', memory: '8Gi' });

  test('the homelab\'s ai quota: 1 GPU for two GPU pods, with limits. and bare keys that are never enforced', () => {
    const real = quota({ 'requests.nvidia.com/gpu': 1, 'limits.nvidia.com/gpu': 1, 'requests.gpu.intel.com/i915': 0, 'limits.gpu.intel.com/i915': 0 });
    expect(findings(gpuQuotaRule, ...PLUGIN, real, ollama, a1111)).toEqual([
      ['error', 'test/resourcequota-gpu-quota', 'ResourceQuota ai/gpu-quota allows requests.nvidia.com/gpu: 1, but the namespace\'s pods request 2: ai/ollama (1), ai/automatic1111 (1). The API server refuses the pods beyond the quota ("exceeded quota")'],
    ]);
    expect(findings(gpuQuotaKeysRule, real, quota({ 'nvidia.com/gpu': 1 }, 'media', 'q2'))).toEqual([
      ['warning', 'test/resourcequota-gpu-quota', 'limits.nvidia.com/gpu is never enforced: quotas count extended resources only as requests.nvidia.com/gpu'],
      ['warning', 'test/resourcequota-gpu-quota', 'limits.gpu.intel.com/i915 is never enforced: quotas count extended resources only as requests.gpu.intel.com/i915'],
      ['warning', 'test/resourcequota-q2', 'nvidia.com/gpu is never enforced: quotas count extended resources only as requests.nvidia.com/gpu'],
    ]);
  });

  test('compliant: a quota that admits both, quotas of other namespaces, scoped quotas and CPU keys are not judged', () => {
    expect(findings(gpuQuotaRule, ...PLUGIN, quota({ 'requests.nvidia.com/gpu': 2, 'requests.cpu': '1' }), quota({ 'requests.nvidia.com/gpu': 0 }, 'media', 'm'), ollama, a1111)).toEqual([]);
    expect(findings(gpuQuotaRule, merge(quota({ 'requests.nvidia.com/gpu': 0 }), { spec: { scopes: ['BestEffort'] } }), ollama)).toEqual([]);
    expect(findings(gpuQuotaKeysRule, quota({ 'requests.nvidia.com/gpu': 2, 'limits.memory': '1Gi' }))).toEqual([]);
  });

  test('a quota that admits the pods but not a rolling update\'s surge pod', () => {
    const f = runWithProfile(gpuQuotaRule, PROFILE, ...PLUGIN, quota({ 'requests.nvidia.com/gpu': 1 }), gpuApp('ollama', 'ai', { node: 'gpu1', memory: '6Gi', strategy: { type: 'RollingUpdate' } }));
    expect(f.map((x) => [x.message, x.fix])).toEqual([[
      'ResourceQuota ai/gpu-quota allows requests.nvidia.com/gpu: 1; the pods request 1, but 2 during a rolling update (maxSurge), so every update of ai/ollama is refused and hangs',
      'use strategy Recreate for the GPU Deployment (the app pattern does), or set requests.nvidia.com/gpu to 2',
    ]]);
  });
});

describe('HK-GPU-04 / HK-GPU-05 GPU memory', () => {
  test('compliant: 6Gi and 8Gi on a 16Gi T4', () => {
    const apps = [gpuApp('ollama', 'ai', { node: 'gpu1', memory: '6Gi' }), gpuApp('a1111', 'ai', { node: 'gpu1', memory: '8Gi' })];
    expect(findings(gpuMemoryBudgetRule, ...PLUGIN, ...apps)).toEqual([]);
    expect(findings(gpuMemoryDeclaredRule, ...PLUGIN, ...apps)).toEqual([]);
  });

  test('18Gi declared on a 16Gi time-sliced GPU; 30Gi on a 24Gi GPU', () => {
    expect(findings(gpuMemoryBudgetRule, ...PLUGIN, gpuApp('ollama', 'ai', { node: 'gpu1', memory: '10Gi' }), gpuApp('a1111', 'ai', { node: 'gpu1', memory: '8Gi' }), gpuApp('big', 'ai', { node: 'gpu2', memory: '30Gi' }))).toEqual([
      ['error', 'test/deployment-ollama', 'the pods sharing the Tesla T4 on gpu1 (time-sliced ×4 (config "shared")) declare 18Gi of GPU memory (ai/ollama 10Gi, ai/a1111 8Gi), more than its 16Gi: time-slicing has no memory isolation, so the last one to allocate fails with CUDA out of memory'],
      ['error', 'test/deployment-big', 'declares 30Gi of GPU memory, but one RTX 4090 on gpu2 has 24Gi: the model cannot load'],
    ]);
  });

  test('replicas count once each', () => {
    expect(findings(gpuMemoryBudgetRule, ...PLUGIN, gpuApp('ollama', 'ai', { node: 'gpu1', memory: '6Gi', replicas: 3 }))[0][2])
      .toBe('the pods sharing the Tesla T4 on gpu1 (time-sliced ×4 (config "shared")) declare 18Gi of GPU memory (ai/ollama 18Gi), more than its 16Gi: time-slicing has no memory isolation, so the last one to allocate fails with CUDA out of memory');
  });

  test('pods on a time-sliced GPU that declare nothing, or something that is not a quantity; whole GPUs need no declaration', () => {
    expect(findings(gpuMemoryDeclaredRule, ...PLUGIN, gpuApp('nomem', 'ai', { node: 'gpu1' }), gpuApp('badmem', 'ai', { node: 'gpu1', memory: '6GB' }), gpuApp('whole', 'ai', { node: 'gpu2' }))).toEqual([
      ['warning', 'test/deployment-nomem', 'requests nvidia.com/gpu on a time-sliced GPU without declaring its GPU memory (annotation hardened-homelab.io/gpu-memory)'],
      ['warning', 'test/deployment-badmem', 'annotation hardened-homelab.io/gpu-memory = "6GB" is not a memory quantity'],
    ]);
  });
});

describe('HK-GPU-06 NVIDIA_VISIBLE_DEVICES / HK-GPU-07 NVIDIA runtime without a GPU request', () => {
  test('the homelab\'s NVIDIA_VISIBLE_DEVICES=all is refused; void and none hide GPUs and pass', () => {
    const env = (value: string) => deployment('ollama', 'ai', { containers: [container({ env: [{ name: 'NVIDIA_VISIBLE_DEVICES', value }] })] });
    expect(found(nvidiaVisibleDevicesRule, env('all'))).toEqual([['error', 'container "app" sets NVIDIA_VISIBLE_DEVICES=all, which overrides the device plugin\'s allocation']]);
    expect(found(nvidiaVisibleDevicesRule, deployment('x', 'ai', { containers: [container({ env: [{ name: 'NVIDIA_VISIBLE_DEVICES', valueFrom: { configMapKeyRef: { name: 'a', key: 'b' } } }] })] })))
      .toEqual([['error', 'container "app" sets NVIDIA_VISIBLE_DEVICES from a reference, which overrides the device plugin\'s allocation']]);
    expect(found(nvidiaVisibleDevicesRule, env('void'), env('none'), deployment('plain'))).toEqual([]);
  });

  test('a pod on the NVIDIA runtime without an nvidia.com request (the homelab\'s DCGM exporter) is refused; with one it passes', () => {
    expect(found(nvidiaRuntimeRequestRule, workload('DaemonSet', 'dcgm-exporter', 'monitoring', { runtimeClassName: 'nvidia' })))
      .toEqual([['error', 'runs with runtimeClassName nvidia but no container requests an nvidia.com resource, so it sees every GPU of the node']]);
    expect(found(nvidiaRuntimeRequestRule, gpuApp('ollama', 'ai', { node: 'gpu1', memory: '6Gi' }), deployment('plain'))).toEqual([]);
  });
});

describe('HK-GPU-08 / HK-GPU-09 device plugin configs', () => {
  test('compliant: the standard configs', () => {
    expect(findings(devicePluginConfigRule, ...PLUGIN)).toEqual([]);
    expect(findings(timeSlicingRequestLimitRule, ...PLUGIN)).toEqual([]);
  });

  test('every mistake the device plugin refuses or silently ignores', () => {
    const bad = configMap('configs', 'nvidia-gpu', {
      a: 'version: v2\nflags:\n  renameByDefault: true\nsharing:\n  mps:\n    resources: []\n  timeSlicing:\n    resources:\n      - name: nvidia.com/foo\n        replicas: 1\n      - replicas: 2\n',
      b: ': : :',
      c: 'version: v1\nsharing:\n  timeSlicing:\n    resources: []\n',
    });
    const where = (k: string) => `ConfigMap nvidia-gpu/configs, key "${k}": `;
    expect(findings(devicePluginConfigRule, devicePlugin('nope'), bad).map((f) => f[2])).toEqual([
      `${where('a')}version is "v2", not "v1"`,
      `${where('a')}flags.renameByDefault is ignored; it belongs under sharing.timeSlicing`,
      `${where('a')}sharing.mps and sharing.timeSlicing exclude each other`,
      `${where('a')}sharing.timeSlicing.resources[0].name nvidia.com/foo cannot be time-sliced (only nvidia.com/gpu and MIG resources)`,
      `${where('a')}sharing.timeSlicing.resources[0].replicas is 1; time-slicing needs a whole number of at least 2`,
      `${where('a')}sharing.timeSlicing.resources[1] has no name`,
      `${where('b')}is not YAML (Nested mappings are not allowed in compact mappings at line 1, column 3:)`,
      `${where('c')}sharing.timeSlicing.resources is empty`,
      'the default config "nope" is not among the configs (a, b, c)',
      'node gpu1 selects config "shared" by its nvidia.com/device-plugin.config label, which does not exist (configs: a, b, c)',
      'node gpu2 has no nvidia.com/device-plugin.config label and there is no default among several configs, so the plugin there has no config',
    ]);
  });

  test('the homelab\'s chart install: config.name points at an external ConfigMap with one config', () => {
    const hr = {
      apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'nvidia-device-plugin', namespace: 'nvidia-device-plugin' },
      spec: { chart: { spec: { chart: 'nvidia-device-plugin', version: '0.14.5' } }, values: { runtimeClassName: 'nvidia', config: { name: 'nvidia-device-plugin-config' } } },
    };
    const cm = configMap('nvidia-device-plugin-config', 'nvidia-device-plugin', { shared: timeSlicingConfig(4) });
    expect(findings(timeSlicingRequestLimitRule, hr, cm)).toEqual([
      ['warning', 'test/configmap-nvidia-device-plugin-config', 'ConfigMap nvidia-device-plugin/nvidia-device-plugin-config, key "shared": sharing.timeSlicing.failRequestsGreaterThanOne is not true, so a pod may take several slices of one GPU for nothing'],
    ]);
    // one config is every node's config: gpu1 and gpu2 both offer 4 slices
    expect(findings(gpuSlicesRule, hr, cm, ...['a', 'b', 'c', 'd'].map((n) => gpuApp(n, 'ai', { node: 'gpu2', memory: '1Gi' })))).toEqual([]);
    expect(findings(devicePluginConfigRule, hr, cm)).toEqual([]);
  });

  test('the homelab\'s config left failRequestsGreaterThanOne unset', () => {
    const real = configs({ whole: 'version: v1\n', shared: timeSlicingConfig(4) });
    expect(findings(timeSlicingRequestLimitRule, devicePlugin(), real)).toEqual([
      ['warning', 'test/configmap-configs', 'ConfigMap nvidia-gpu/configs, key "shared": sharing.timeSlicing.failRequestsGreaterThanOne is not true, so a pod may take several slices of one GPU for nothing'],
    ]);
  });
});

describe('the homelab\'s real GPU manifests (seed 003) under the baseline pack', () => {
  // apps/ai/ollama at the seed commit, reduced to the fields that matter: privileged, runtime nvidia, NVIDIA_VISIBLE_DEVICES=all
  const ollama = merge(gpuApp('ollama', 'ai', { node: 'gpu1', memory: '6Gi', strategy: { type: 'RollingUpdate' } }), {
    spec: { template: { spec: { containers: [container({
      image: 'ollama/ollama:latest',
      securityContext: { privileged: true },
      resources: { requests: { cpu: '2', memory: '8Gi', 'nvidia.com/gpu': 1 }, limits: { cpu: '8', memory: '32Gi', 'nvidia.com/gpu': 1 } },
      env: [{ name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }, { name: 'NVIDIA_DRIVER_CAPABILITIES', value: 'compute,utility' }],
    })] } } },
  });
  const a1111 = gpuApp('automatic1111', 'ai', { node: 'gpu1', memory: '8Gi', strategy: { type: 'RollingUpdate' } });
  const realQuota = quota({ 'requests.nvidia.com/gpu': 1, 'limits.nvidia.com/gpu': 1 });
  const all = evaluatePolicies(records(...namespaceBaseline('ai'), ...PLUGIN, realQuota, ollama, a1111), [BASELINE_PACK], PROFILE);
  const of = (id: string, path: string) => all.filter((f) => f.ruleId === id && f.path === path).map((f) => f.message);

  test('the privileged AI pod is refused', () => {
    expect(of('HK-SEC-01', 'test/deployment-ollama')).toEqual(['container "app" sets privileged to true']);
  });

  test('NVIDIA_VISIBLE_DEVICES=all is refused', () => {
    expect(of('HK-GPU-06', 'test/deployment-ollama')).toEqual(['container "app" sets NVIDIA_VISIBLE_DEVICES=all, which overrides the device plugin\'s allocation']);
  });

  test('the quota conflict is refused, and its limits. key reported', () => {
    expect(of('HK-GPU-02', 'test/resourcequota-gpu-quota')).toEqual(['ResourceQuota ai/gpu-quota allows requests.nvidia.com/gpu: 1, but the namespace\'s pods request 2: ai/ollama (1), ai/automatic1111 (1). The API server refuses the pods beyond the quota ("exceeded quota")']);
    expect(of('HK-GPU-03', 'test/resourcequota-gpu-quota')).toEqual(['limits.nvidia.com/gpu is never enforced: quotas count extended resources only as requests.nvidia.com/gpu']);
  });

  test('the floating image tag too', () => {
    expect(of('HK-IMG-01', 'test/deployment-ollama').length).toBe(1);
  });
});
