import * as fc from 'fast-check';
import * as YAML from 'yaml';
import {
  AppWorkload, Cluster, ClusterProfileProps, DevicePluginConfig, Distro, GitOpsEngine, GpuQuota, GpuSharing, GpuVendor, Namespace, NvidiaDevicePlugin, NvidiaDevicePluginProps,
  TaintEffect, ValidationError,
} from '../../lib';
import { Breaker, SEED, assertBreaker, breaker, breakerRows, propCluster, synthClean, thrownBy } from './support';

/**
 * NvidiaDevicePlugin and GpuQuota properties: generated GPU nodes (models, memory, counts,
 * taints, config labels), named device plugin configs (time-slicing replicas, renamed resources,
 * whole GPUs), GPU apps pinned to nodes within their slices and memory, and the namespace's GPU
 * quota (derived, or explicit at least the demand) synthesize cleanly: every app requests what
 * its node's config advertises, the quota admits exactly the apps' slices. Any one field made
 * invalid is refused at the construct's path; slices or memory beyond what a node offers are
 * refused by the GPU analyses.
 */

const GI = 2 ** 30;
const CONFIG_NAMES = ['whole', 'shared', 'shared-x8', 't4-quad'];

const gpuNode = fc.record({
  model: fc.constantFrom('Tesla T4', 'RTX 3090', 'RTX 4090', 'A2000'),
  memoryGi: fc.integer({ min: 8, max: 48 }),
  count: fc.integer({ min: 1, max: 2 }),
  taint: fc.constantFrom(undefined, { key: 'nvidia.com/gpu', effect: TaintEffect.NO_SCHEDULE }, { key: 'gpu', value: 'nvidia', effect: TaintEffect.NO_SCHEDULE }),
  labelIndex: fc.nat(),
  labelled: fc.boolean(),
});

const config = fc.record({
  shared: fc.boolean(),
  replicas: fc.integer({ min: 2, max: 16 }),
  renameByDefault: fc.option(fc.boolean(), { nil: undefined }),
  rename: fc.option(fc.constantFrom('gpu.shared', 'nvidia.com/gpu.slice', 'gpu.ts'), { nil: undefined }),
  failRequestsGreaterThanOne: fc.option(fc.boolean(), { nil: undefined }),
  failOnInitError: fc.option(fc.boolean(), { nil: undefined }),
  listNodes: fc.boolean(),
});

const app = fc.record({ nodeIndex: fc.nat(), memoryShare: fc.double({ min: 0.05, max: 1, noNaN: true }), replicas: fc.integer({ min: 1, max: 2 }) });

const validGpu = fc.record({
  version: fc.constantFrom('v1.32.5+k3s1', 'v1.28.3+k3s1', 'v1.29.0+k3s1'),
  nodes: fc.array(gpuNode, { minLength: 1, maxLength: 3 }),
  configNames: fc.shuffledSubarray(CONFIG_NAMES, { minLength: 1, maxLength: 3 }),
  configs: fc.array(config, { minLength: 3, maxLength: 3 }),
  defaultIndex: fc.nat(),
  apps: fc.array(app, { maxLength: 4 }),
  quota: fc.constantFrom('derived', 'explicit', 'none'),
  quotaExtra: fc.integer({ min: 0, max: 3 }),
  id: fc.constantFrom('nvidia-device-plugin', 'nvdp'),
}).map((g) => {
  const names = g.configNames;
  const defaultConfig = names[g.defaultIndex % names.length];
  const configs: Record<string, { -readonly [K in keyof DevicePluginConfig]: DevicePluginConfig[K] } & { _shared: boolean; _resource: string; _replicas: number }> = {};
  names.forEach((n, i) => {
    const c = g.configs[i];
    const advertised = c.rename ? (c.rename.includes('/') ? c.rename : `nvidia.com/${c.rename}`) : c.renameByDefault ? 'nvidia.com/gpu.shared' : 'nvidia.com/gpu';
    configs[n] = {
      failOnInitError: c.failOnInitError,
      timeSlicing: c.shared ? { renameByDefault: c.renameByDefault, failRequestsGreaterThanOne: c.failRequestsGreaterThanOne, resources: [{ replicas: c.replicas, rename: c.rename }] } : undefined,
      _shared: c.shared, _resource: c.shared ? advertised : 'nvidia.com/gpu', _replicas: c.shared ? c.replicas : 1,
    };
  });
  const nodes = g.nodes.map((n, i) => ({ ...n, name: `gpu-${i + 1}`, config: n.labelled ? names[n.labelIndex % names.length] : defaultConfig }));
  // configs list the nodes that use them when asked to (the library checks the list against the labels)
  for (const [n, c] of Object.entries(configs)) {
    if (g.configs[names.indexOf(n)].listNodes) c.nodes = nodes.filter((x) => x.config === n).map((x) => x.name);
  }
  const profile: ClusterProfileProps = {
    distro: Distro.K3S,
    version: g.version,
    gitops: { engine: GitOpsEngine.FLUX, repoUrl: 'ssh://git@example.com/lab.git' },
    nodes: [
      { name: 'cpu-node', allocatable: { cpu: '8', memory: '16Gi' } },
      ...nodes.map((n, i) => ({
        name: n.name,
        allocatable: { cpu: '16', memory: '64Gi' },
        labels: (g.nodes[i].labelled ? { 'nvidia.com/device-plugin.config': n.config } : {}) as Record<string, string>,
        taints: n.taint ? [n.taint] : [],
        gpus: [{ vendor: GpuVendor.NVIDIA, model: n.model, memory: `${n.memoryGi}Gi`, count: n.count }],
      })),
    ],
  };
  // apps pinned to a node, within its slices (or whole GPUs) and its memory
  const used = new Map<string, { slices: number; memory: number }>();
  const apps = g.apps.flatMap((a, i) => {
    const node = nodes[a.nodeIndex % nodes.length];
    const c = configs[node.config];
    const slices = c._replicas * node.count;
    const memoryBudget = node.memoryGi * GI * (c._shared ? node.count : 1);
    const u = used.get(node.name) ?? { slices: 0, memory: 0 };
    const memory = Math.max(1, Math.floor(node.memoryGi * a.memoryShare)) * GI;
    // a shared GPU: Recreate (one pod per replica); a whole GPU: one replica per free GPU
    const replicas = c._shared ? a.replicas : 1;
    if (u.slices + replicas > slices || (c._shared && u.memory + memory * replicas > memoryBudget)) return [];
    used.set(node.name, { slices: u.slices + replicas, memory: u.memory + memory * replicas });
    return [{ name: `app-${i}`, node: node.name, shared: c._shared, resource: c._resource, memory: `${memory / GI}Gi`, replicas }];
  });
  return { ...g, names, defaultConfig, configs, nodes, profile, apps };
});

type Generated = typeof validGpu extends fc.Arbitrary<infer T> ? T : never;

function pluginProps(g: Generated): NvidiaDevicePluginProps {
  const configs = Object.fromEntries(Object.entries(g.configs).map(([n, c]) => {
    const { _shared, _resource, _replicas, ...rest } = c;
    void _shared; void _resource; void _replicas;
    return [n, rest];
  }));
  return { configs, defaultConfig: g.names.length > 1 || g.defaultIndex % 2 === 0 ? g.defaultConfig : undefined };
}

function build(g: Generated, patch: { plugin?: (p: NvidiaDevicePluginProps) => NvidiaDevicePluginProps; quota?: Record<string, number>; app?: Record<string, unknown> } = {}): { cluster: Cluster; plugin: NvidiaDevicePlugin } {
  const cluster = propCluster(g.profile);
  const gpuNs = new Namespace(cluster, 'nvidia-gpu', { podSecurity: 'privileged', quota: { cpu: '1', memory: '1Gi', memoryLimit: '2Gi' } });
  const plugin = new NvidiaDevicePlugin(gpuNs, g.id, (patch.plugin ?? ((p) => p))(pluginProps(g)));
  const ai = new Namespace(cluster, 'ai');
  for (const a of g.apps) {
    new AppWorkload(ai, a.name, {
      image: 'ghcr.io/example/llm:1.0.0',
      resources: { cpu: '100m', memory: '256Mi', memoryLimit: '512Mi' },
      replicas: a.replicas,
      ports: [{ name: 'http', port: 8080 }],
      nodes: [a.node],
      gpu: { vendor: GpuVendor.NVIDIA, sharing: a.shared ? GpuSharing.SHARED : GpuSharing.EXCLUSIVE, memory: a.memory },
      ...(patch.app && a === g.apps[0] ? patch.app : {}),
    });
  }
  if (patch.quota !== undefined) {
    new GpuQuota(ai, 'gpu', { hard: patch.quota });
  } else if (g.quota !== 'none') {
    const demand = new Map<string, number>();
    for (const a of g.apps) demand.set(a.resource, (demand.get(a.resource) ?? 0) + a.replicas);
    new GpuQuota(ai, 'gpu', g.quota === 'explicit' ? { hard: Object.fromEntries([...demand].map(([r, n]) => [r, n + g.quotaExtra])) } : {});
  }
  return { cluster, plugin };
}

describe('NvidiaDevicePlugin and GpuQuota properties', () => {
  test('any configs, labels and GPU apps within their slices and memory synthesize cleanly; apps request what their node advertises, the quota admits exactly that', () => {
    fc.assert(fc.property(validGpu, (g) => {
      const { cluster, plugin } = build(g);
      const objs = synthClean(cluster);
      expect(plugin.defaultConfig).toBe(g.defaultConfig);
      expect(plugin.nodeConfigs).toEqual(Object.fromEntries(g.nodes.map((n) => [n.name, n.config])));
      const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === `${g.id}-configs`);
      expect(Object.keys(cm.data).sort()).toEqual([...g.names].sort());
      for (const [n, c] of Object.entries(g.configs)) {
        const doc = YAML.parse(cm.data[n]);
        expect(doc.version).toBe('v1');
        expect(doc.flags).toEqual({ migStrategy: 'none', failOnInitError: c.failOnInitError ?? true });
        if (c._shared) {
          expect(doc.sharing.timeSlicing.resources).toEqual([{ name: 'nvidia.com/gpu', ...(c.timeSlicing!.resources[0].rename ? { rename: c._resource } : {}), replicas: c._replicas }]);
          expect(doc.sharing.timeSlicing.failRequestsGreaterThanOne).toBe(c.timeSlicing!.failRequestsGreaterThanOne ?? true);
          expect(c._replicas).toBeGreaterThanOrEqual(2);
        } else {
          expect(doc.sharing).toBeUndefined();
        }
      }
      const ds = objs.find((o) => o.kind === 'DaemonSet' && o.metadata.name === g.id).spec.template.spec;
      expect(ds.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values).toEqual(g.nodes.map((n) => n.name));
      for (const n of g.nodes.filter((x) => x.taint)) {
        expect(ds.tolerations.some((t: any) => (t.key === n.taint!.key || t.key === undefined) && (t.operator === 'Exists' || t.value === (n.taint as any).value))).toBe(true);
      }
      expect(objs.filter((o) => o.kind === 'RuntimeClass').length).toBe(g.version === 'v1.28.3+k3s1' ? 1 : 0);
      for (const a of g.apps) {
        const d = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === a.name);
        const spec = d.spec.template.spec;
        expect(spec.containers[0].resources.limits[a.resource]).toBe(1);
        expect(spec.containers[0].resources.requests[a.resource]).toBe(1);
        expect(spec.runtimeClassName).toBe('nvidia');
        expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values).toEqual([a.node]);
        expect(d.spec.template.metadata.annotations['hardened-homelab.io/gpu-memory']).toBe(a.memory);
        // a rollout never needs a slice more: Recreate, or a rolling update without surge
        const st = d.spec.strategy;
        expect(st.type === 'Recreate' || (st.type === 'RollingUpdate' && st.rollingUpdate.maxSurge === 0)).toBe(true);
      }
      const quota = objs.find((o) => o.kind === 'ResourceQuota' && o.metadata.name === 'gpu');
      if (g.quota === 'none') {
        expect(quota).toBeUndefined();
      } else {
        const demand = new Map<string, number>();
        for (const a of g.apps) demand.set(a.resource, (demand.get(a.resource) ?? 0) + a.replicas);
        const expected: Record<string, number> = {};
        if (g.quota === 'derived') for (const r of new Set(Object.values(g.configs).filter((c) => g.nodes.some((n) => g.configs[n.config] === c)).map((c) => c._resource))) expected[`requests.${r}`] = 0;
        for (const [r, n] of demand) expected[`requests.${r}`] = n + (g.quota === 'explicit' ? g.quotaExtra : 0);
        expect(quota.spec.hard).toEqual(expected);
      }
    }), { seed: SEED, numRuns: 50 });
  }, 60_000);

  const onPlugin = (f: (p: NvidiaDevicePluginProps, g: Generated, v: any) => NvidiaDevicePluginProps) => (g: Generated, v: any) => ({ ...g, _patch: { plugin: (p: NvidiaDevicePluginProps) => f(p, g, v) } } as Generated);
  const first = (g: Generated) => g.names[0];
  const withConfig = (patch: (c: DevicePluginConfig, v: any) => DevicePluginConfig) => onPlugin((p, g, v) => ({ ...p, configs: { ...p.configs, [first(g)]: patch(p.configs[first(g)], v) } }));
  const CFG = (rest: string) => new RegExp(`^configs\\.[a-z0-9-]+\\.${rest}$`);
  const pluginBreakers: Breaker<Generated>[] = [
    breaker(CFG('timeSlicing\\.resources\\[0\\]\\.replicas'), [1, 0, -2, 2.5, Number.NaN], withConfig((c, v) => ({ ...c, timeSlicing: { resources: [{ replicas: v }] } }))),
    breaker(CFG('timeSlicing\\.resources'), [[], undefined], withConfig((c, v) => ({ ...c, timeSlicing: { resources: v } }))),
    breaker(CFG('timeSlicing\\.resources\\[0\\]\\.name'), ['nvidia.com/mig-1g.5gb', 'amd.com/gpu'], withConfig((c, v) => ({ ...c, timeSlicing: { resources: [{ name: v, replicas: 4 }] } }))),
    breaker(CFG('timeSlicing\\.resources\\[1\\]\\.name'), ['nvidia.com/gpu'], withConfig((c, v) => ({ ...c, timeSlicing: { resources: [{ replicas: 4 }, { name: v, replicas: 2 }] } }))),
    breaker(CFG('timeSlicing\\.resources\\[0\\]\\.rename'), ['gpu', 'nvidia.com/gpu', 'gpu.Shared', 'amd.com/x', 'nvidia.com/-x'], withConfig((c, v) => ({ ...c, timeSlicing: { resources: [{ replicas: 4, rename: v }] } }))),
    breaker(CFG('mps'), [{ resources: [{ replicas: 2 }] }], withConfig((c, v) => ({ ...c, mps: v }))),
    breaker(/^configs\.[A-Za-z0-9_-]+$/, ['Shared', 'shared_1', 'x'.repeat(64)], onPlugin((p, g, v) => ({ ...p, configs: { ...p.configs, [v]: {} }, defaultConfig: p.defaultConfig ?? first(g) }))),
    breaker('configs', [{}], onPlugin((p, _g, v) => ({ ...p, configs: v }))),
    // wrong types (JavaScript callers, `as any`): refused, never a TypeError
    breaker(/^configs\.[a-z0-9-]+$/, [null, 'shared', 4], withConfig((_c, v) => v)),
    breaker(CFG('nodes'), ['gpu-1', 1], withConfig((c, v) => ({ ...c, nodes: v }))),
    breaker(CFG('timeSlicing\\.resources\\[0\\]'), [null, 4, 'nvidia.com/gpu'], withConfig((c, v) => ({ ...c, timeSlicing: { resources: [v] } }))),
    breaker(CFG('timeSlicing\\.resources\\[0\\]\\.(name|rename)'), [5, true], withConfig((c, v) => ({ ...c, timeSlicing: { resources: [{ replicas: 4, rename: v }] } }))),
    breaker('defaultConfig', ['nope', 'Whole'], onPlugin((p, _g, v) => ({ ...p, defaultConfig: v }))),
    breaker('defaultConfig', [undefined], onPlugin((p, g) => ({ ...p, defaultConfig: undefined, configs: { ...p.configs, [`${first(g)}-other`]: {} } }))),
    breaker(/^configs\.[a-z0-9-]+\.nodes\[0\]$/, ['cpu-node', 'no-such-node'], withConfig((c, v) => ({ ...c, nodes: [v] }))),
    // a node listed under a config its label (or the default) does not pick
    breaker(/^configs\.[a-z0-9-]+\.nodes\[0\]$/, [0], onPlugin((p, g) => ({ ...p, defaultConfig: p.defaultConfig ?? g.defaultConfig, configs: { ...p.configs, 'not-picked': { nodes: [g.nodes[0].name] } } }))),
    breaker('id', ['NVDP', 'nvidia_device_plugin', 'x'.repeat(53)], (g, v: string) => ({ ...g, id: v as any })),
    // a node label that names a config the plugin does not define
    breaker('configs', ['missing-config'], (g, v: string) => ({ ...g, profile: { ...g.profile, nodes: g.profile.nodes.map((n) => (n.name === g.nodes[0].name ? { ...n, labels: { 'nvidia.com/device-plugin.config': v } } : n)) } })),
  ];

  test.each(breakerRows(pluginBreakers))('plugin: %s is refused at the plugin\'s path — never a TypeError', (_t, b) => {
    assertBreaker(validGpu, b, (g) => build(g, (g as any)._patch ?? {}), (g) => `prop/nvidia-gpu/${g.id}`, 2);
  }, 30_000);

  // apps and quota: the first app (there is one) or the quota of `ai`
  const withApp = (gpu: Record<string, unknown>, extra: Record<string, unknown> = {}) => (g: Generated, v: any): Generated => {
    const apps = g.apps.length ? g.apps : [{ name: 'app-0', node: g.nodes[0].name, shared: g.configs[g.nodes[0].config]._shared, resource: 'nvidia.com/gpu', memory: '1Gi', replicas: 1 }];
    const base = { vendor: GpuVendor.NVIDIA, sharing: apps[0].shared ? GpuSharing.SHARED : GpuSharing.EXCLUSIVE, memory: apps[0].memory };
    const resolved = Object.fromEntries(Object.entries(gpu).map(([k, x]) => [k, typeof x === 'function' ? x(g, v) : x === '$v' ? v : x]));
    return { ...g, apps, _patch: { app: { gpu: { ...base, ...resolved }, ...Object.fromEntries(Object.entries(extra).map(([k, x]) => [k, x === '$v' ? v : x])) } } } as Generated;
  };
  const appBreakers: Breaker<Generated>[] = [
    breaker('gpu.memory', ['16GB', '16 Gi', '-1Gi', '0'], withApp({ memory: '$v' })),
    breaker('gpu.memory', [1], withApp({ memory: (g: Generated) => `${Math.max(...g.nodes.map((n) => n.memoryGi)) + 1}Gi` })),
    breaker('gpu.vendor', ['amd', 'NVIDIA'], withApp({ vendor: '$v' })),
    breaker('gpu.sharing', ['partial', 'Shared'], withApp({ sharing: '$v' })),
    breaker('gpu.groups[0]', [0, -1, 1.5], withApp({ groups: (_g: Generated, v: number) => [v] })),
    breaker('nodes[0]', ['cpu-node', 'no-such-node'], withApp({}, { nodes: ['$v'] })),
  ];
  const quotaBreakers: Breaker<Generated>[] = [
    breaker(/^hard\.(requests|limits)\.nvidia\.com\/gpu$/, ['requests.nvidia.com/gpu', 'limits.nvidia.com/gpu'], (g, v: string) => ({ ...g, _patch: { quota: { [v]: 1 } } } as Generated)),
    breaker(/^hard\./, ['gpu', 'nvidia.com', 'Nvidia Com/gpu'], (g, v: string) => ({ ...g, _patch: { quota: { [v]: 1 } } } as Generated)),
    breaker('hard.nvidia.com/gpu', [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '1'], (g, v: any) => ({ ...g, _patch: { quota: { 'nvidia.com/gpu': v } } } as Generated)),
    breaker('hard', [null, 2, ['nvidia.com/gpu']], (g, v: any) => ({ ...g, _patch: { quota: v } } as Generated)),
  ];

  test.each(breakerRows(appBreakers))('app gpu: %s is refused at the app\'s path — never a TypeError', (_t, b) => {
    assertBreaker(validGpu, b, (g) => build(g, (g as any)._patch ?? {}), () => 'prop/ai/app-0', 2);
  }, 30_000);

  test.each(breakerRows(quotaBreakers))('quota: %s is refused at the quota\'s path — never a TypeError', (_t, b) => {
    assertBreaker(validGpu, b, (g) => build(g, (g as any)._patch ?? {}), () => 'prop/ai/gpu', 2);
  }, 30_000);

  test('a shared GPU asked for on a node whose config gives whole GPUs (and the other way round) is refused at the app\'s path', () => {
    fc.assert(fc.property(validGpu, (g) => {
      const node = g.nodes[0];
      const shared = g.configs[node.config]._shared;
      const e = thrownBy(() => build({ ...g, apps: [{ name: 'app-0', node: node.name, shared: !shared, resource: 'nvidia.com/gpu', memory: '1Gi', replicas: 1 }] }));
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).message.startsWith('[prop/ai/app-0] gpu.sharing = ')).toBe(true);
    }), { seed: SEED, numRuns: 20 });
  }, 30_000);

  test('more slices than a node offers, or more GPU memory than its GPUs have, are refused by the GPU analyses (HK-GPU-01, HK-GPU-04)', () => {
    fc.assert(fc.property(validGpu, fc.constantFrom('slices', 'memory'), (g, how) => {
      const node = g.nodes[0];
      const c = g.configs[node.config];
      const slices = c._replicas * node.count;
      const apps = how === 'slices'
        ? Array.from({ length: slices + 1 }, (_, i) => ({ name: `app-${i}`, node: node.name, shared: c._shared, resource: c._resource, memory: '1Gi', replicas: 1 }))
        : [0, 1].map((i) => ({ name: `app-${i}`, node: node.name, shared: true, resource: c._resource, memory: `${node.memoryGi}Gi`, replicas: node.count }));
      if (how === 'memory' && (!c._shared || c._replicas * node.count < 2 * node.count)) return; // a whole GPU holds one pod: nothing to share
      const { cluster } = build({ ...g, quota: 'none', apps });
      const errors = cluster.synthesize().errors.join('\n');
      expect(errors).toMatch(how === 'slices' ? /HK-GPU-01 \(error\)/ : /HK-GPU-04 \(error\)/);
      expect(errors).toMatch(/\n\s+fix: \S/);
    }), { seed: SEED, numRuns: 20 });
  }, 30_000);
});
