import * as YAML from 'yaml';
import { Distro, GpuVendor, Namespace, NvidiaDevicePlugin, NvidiaDevicePluginProps, gpuOffersOf, k3sCreatesRuntimeClasses } from '../../lib';
import { errorOf } from '../helpers';
import { find, gpuCluster, manifestsOf, standardPlugin } from './helpers';

function plugin(props: NvidiaDevicePluginProps, overrides = {}): NvidiaDevicePlugin {
  const c = gpuCluster(false, overrides);
  return new NvidiaDevicePlugin(new Namespace(c, 'nvidia-gpu', { podSecurity: 'privileged' }), 'nvidia-device-plugin', props);
}

const P = '[lab/nvidia-gpu/nvidia-device-plugin]';

describe('NvidiaDevicePlugin: the configs ConfigMap', () => {
  const c = gpuCluster();
  standardPlugin(c);
  const ms = manifestsOf(c);
  const data = find(ms, 'ConfigMap', 'nvidia-device-plugin-configs').data;

  test('one key per named config, rendered as the device plugin\'s v1 YAML', () => {
    expect(Object.keys(data).sort()).toEqual(['shared', 'whole']);
    expect(YAML.parse(data.shared)).toEqual({
      version: 'v1',
      flags: { migStrategy: 'none', failOnInitError: true },
      sharing: { timeSlicing: { renameByDefault: false, failRequestsGreaterThanOne: true, resources: [{ name: 'nvidia.com/gpu', replicas: 4 }] } },
    });
    expect(YAML.parse(data.whole)).toEqual({ version: 'v1', flags: { migStrategy: 'none', failOnInitError: true } });
  });

  test('renameByDefault, a rename (with or without the domain), failRequestsGreaterThanOne: false and failOnInitError: false are written as given', () => {
    const p = plugin({ configs: { shared: { failOnInitError: false, timeSlicing: { renameByDefault: true, failRequestsGreaterThanOne: false, resources: [{ replicas: 2, rename: 'gpu.slice' }] } } } });
    expect(YAML.parse(p.configMap.toJson().data.shared)).toEqual({
      version: 'v1',
      flags: { migStrategy: 'none', failOnInitError: false },
      sharing: { timeSlicing: { renameByDefault: true, failRequestsGreaterThanOne: false, resources: [{ name: 'nvidia.com/gpu', rename: 'nvidia.com/gpu.slice', replicas: 2 }] } },
    });
    expect(p.offers.map((o) => o.resourceName)).toEqual(['nvidia.com/gpu.slice', 'nvidia.com/gpu.slice']);
  });
});

describe('NvidiaDevicePlugin: per-node configs and offers', () => {
  test('the node label picks the config, other NVIDIA nodes get the default', () => {
    const p = standardPlugin(gpuCluster());
    expect(p.nodeConfigs).toEqual({ gpu1: 'shared', gpu2: 'whole' });
    expect(p.defaultConfig).toBe('whole');
    expect(p.offers.map((o) => [o.node, o.resourceName, o.sharedBy, o.gpus, o.model, o.memory?.toString()])).toEqual([
      ['gpu1', 'nvidia.com/gpu', 4, 1, 'Tesla T4', '16Gi'],
      ['gpu2', 'nvidia.com/gpu', 1, 1, 'RTX 4090', '24Gi'],
    ]);
  });

  test('renameByDefault advertises nvidia.com/gpu.shared on the time-sliced node only', () => {
    const p = standardPlugin(gpuCluster(), true);
    expect(p.offers.map((o) => [o.node, o.resourceName])).toEqual([['gpu1', 'nvidia.com/gpu.shared'], ['gpu2', 'nvidia.com/gpu']]);
  });

  test('a single config is the default without saying so', () => {
    const p = plugin({ configs: { shared: { timeSlicing: { resources: [{ replicas: 3 }] } } } });
    expect(p.defaultConfig).toBe('shared');
    expect(p.offers.map((o) => o.sharedBy)).toEqual([3, 3]);
  });

  test('registers its offers: apps created afterwards read them', () => {
    const c = gpuCluster();
    const p = standardPlugin(c);
    expect(gpuOffersOf(c, GpuVendor.NVIDIA)).toEqual({ offers: p.offers, source: p });
  });
});

describe('NvidiaDevicePlugin: the DaemonSet', () => {
  const c = gpuCluster();
  standardPlugin(c);
  const ms = manifestsOf(c);
  const pod = find(ms, 'DaemonSet', 'nvidia-device-plugin').spec.template.spec;

  test('runs on the NVIDIA nodes of the profile, tolerating their taints, as a node-critical pod on the NVIDIA runtime', () => {
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['gpu1', 'gpu2'] }] }]);
    expect(pod.tolerations).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'gpu', operator: 'Equal', value: 'nvidia', effect: 'NoSchedule' },
    ]);
    expect([pod.priorityClassName, pod.runtimeClassName, pod.shareProcessNamespace, pod.enableServiceLinks, pod.securityContext]).toEqual(['system-node-critical', 'nvidia', true, false, { seccompProfile: { type: 'RuntimeDefault' } }]);
  });

  test('one host path, the kubelet device-plugins dir, mounted where the plugin registers', () => {
    expect(pod.volumes.filter((v: any) => v.hostPath)).toEqual([{ name: 'device-plugins', hostPath: { path: '/var/lib/kubelet/device-plugins', type: 'Directory' } }]);
    const main = pod.containers.find((x: any) => x.name === 'nvidia-device-plugin');
    expect(main.volumeMounts[0]).toEqual({ name: 'device-plugins', mountPath: '/var/lib/kubelet/device-plugins' });
    expect(main.env).toEqual([{ name: 'CONFIG_FILE', value: '/config/config.yaml' }]);
  });

  test('the host path follows the profile\'s kubelet root dir', () => {
    const p = plugin({ configs: { shared: {} } }, { kubeletRootDir: '/srv/kubelet' });
    const vol = p.daemonSet.toJson().spec.template.spec.volumes[0];
    expect(vol).toEqual({ name: 'device-plugins', hostPath: { path: '/srv/kubelet/device-plugins', type: 'Directory' } });
  });

  test('no container is privileged, escalates, keeps a capability or writes its root filesystem', () => {
    for (const x of [...pod.initContainers, ...pod.containers]) {
      expect([x.name, x.securityContext]).toEqual([x.name, {
        allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false, runAsUser: 0, runAsGroup: 0, runAsNonRoot: false, capabilities: { drop: ['ALL'] },
      }]);
    }
  });

  test('the config manager picks the node\'s config before the plugin starts, then signals it on label changes', () => {
    const env = (x: any) => Object.fromEntries(x.env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
    expect(pod.initContainers.map((x: any) => [x.name, x.command])).toEqual([['config-manager-init', ['config-manager']]]);
    expect(env(pod.initContainers[0])).toEqual({
      ONESHOT: 'true', KUBECONFIG: '', NODE_LABEL: 'nvidia.com/device-plugin.config', CONFIG_FILE_SRCDIR: '/available-configs', CONFIG_FILE_DST: '/config/config.yaml',
      DEFAULT_CONFIG: 'whole', FALLBACK_STRATEGIES: 'named,single', SEND_SIGNAL: 'false', SIGNAL: '', PROCESS_TO_SIGNAL: '',
    });
    const sidecar = pod.containers.find((x: any) => x.name === 'config-manager');
    expect(env(sidecar)).toMatchObject({ ONESHOT: 'false', SEND_SIGNAL: 'true', SIGNAL: '1', PROCESS_TO_SIGNAL: 'nvidia-device-plugin', DEFAULT_CONFIG: 'whole' });
    expect(sidecar.env.find((e: any) => e.name === 'NODE_NAME')).toEqual({ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } });
  });

  test('requests and memory limits are explicit', () => {
    expect(pod.containers.map((x: any) => [x.name, x.resources])).toEqual([
      ['config-manager', { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } }],
      ['nvidia-device-plugin', { requests: { cpu: '20m', memory: '64Mi' }, limits: { memory: '128Mi' } }],
    ]);
  });

  test('narrow exemptions, each with its reason', () => {
    const ex = JSON.parse(find(ms, 'DaemonSet', 'nvidia-device-plugin').metadata.annotations['hardened-homelab.io/exemptions']);
    expect(Object.keys(ex)).toEqual(['HK-GPU-07', 'HK-PRB-01', 'HK-PRB-02', 'HK-SEC-03', 'HK-SEC-04', 'HK-SEC-12', 'HK-SEC-20']);
    expect(ex['HK-SEC-12']).toBe('registers its socket with the kubelet in /var/lib/kubelet/device-plugins, the only host path it mounts');
  });

  test('the config manager may read nodes and reach the API server, nothing else', () => {
    expect(find(ms, 'ClusterRole', 'nvidia-gpu-nvidia-device-plugin').rules).toEqual([{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] }]);
    expect(find(ms, 'ClusterRoleBinding', 'nvidia-gpu-nvidia-device-plugin').subjects).toEqual([{ kind: 'ServiceAccount', name: 'nvidia-device-plugin', namespace: 'nvidia-gpu' }]);
    expect(find(ms, 'NetworkPolicy', 'nvidia-device-plugin').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'nvidia-device-plugin', 'app.kubernetes.io/instance': 'nvidia-device-plugin' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [{ ports: [{ port: 443, protocol: 'TCP' }, { port: 6443, protocol: 'TCP' }] }],
    });
  });
});

describe('NvidiaDevicePlugin: RuntimeClass nvidia, adopted or created', () => {
  test('adopted on K3s v1.32 (K3s creates it): nothing synthesized', () => {
    const c = gpuCluster();
    const p = standardPlugin(c);
    expect(p.createsRuntimeClass).toBe(false);
    expect(manifestsOf(c).filter((m) => m.kind === 'RuntimeClass')).toEqual([]);
  });

  test('created on K3s before the December 2023 releases and on other distributions', () => {
    for (const version of ['v1.28.4+k3s1', 'v1.27.8+k3s2']) {
      const c = gpuCluster(false, { version });
      const p = standardPlugin(c);
      expect(p.createsRuntimeClass).toBe(true);
      const rc = find(manifestsOf(c), 'RuntimeClass', 'nvidia');
      expect([rc.apiVersion, rc.handler, rc.metadata.namespace]).toEqual(['node.k8s.io/v1', 'nvidia', undefined]);
    }
  });

  test('adopted when the profile lists it', () => {
    const c = gpuCluster(false, { version: 'v1.27.1+k3s1', runtimeClasses: ['nvidia'] });
    expect(standardPlugin(c).createsRuntimeClass).toBe(false);
  });

  test('created on kubeadm (no RuntimeClass without the profile saying so); a bad profile entry is refused', () => {
    const c = gpuCluster(false, { distro: Distro.KUBEADM, version: 'v1.32.5' });
    expect(standardPlugin(c).createsRuntimeClass).toBe(true);
    expect(c.profile.runtimeClasses).toEqual([]);
    expect(gpuCluster().profile.runtimeClasses).toEqual(['crun', 'lunatic', 'nvidia', 'nvidia-experimental', 'slight', 'spin', 'wasmedge', 'wasmer', 'wasmtime', 'wws']);
    expect(errorOf(() => gpuCluster(false, { runtimeClasses: ['Nvidia'] })))
      .toBe('[lab] profile.runtimeClasses[0] = "Nvidia": not a DNS-1123 subdomain (dot-separated lower-case labels, at most 253 characters). Fix: did you mean "nvidia"?');
  });

  test('which K3s versions create RuntimeClasses', () => {
    expect(['v1.26.11+k3s1', 'v1.26.12+k3s1', 'v1.27.8+k3s1', 'v1.27.9+k3s1', 'v1.28.4+k3s1', 'v1.28.5+k3s1', 'v1.29.0+k3s1', 'v1.32.5+k3s1', 'v1.25.16+k3s4', 'garbage'].map(k3sCreatesRuntimeClasses))
      .toEqual([false, true, false, true, false, true, true, true, false, false]);
  });
});

describe('NvidiaDevicePlugin: refused configs', () => {
  test('a second construct with the same id, naming the path it would have had (before the second plugin of the vendor)', () => {
    const c = gpuCluster();
    const ns = new Namespace(c, 'nvidia-gpu', { podSecurity: 'privileged' });
    new NvidiaDevicePlugin(ns, 'nvidia-device-plugin', { configs: { shared: {} } });
    expect(errorOf(() => new NvidiaDevicePlugin(ns, 'nvidia-device-plugin', { configs: { shared: {} } })))
      .toBe(`${P} id = "nvidia-device-plugin": lab/nvidia-gpu already has a construct with this id (NvidiaDevicePlugin), and ids are unique within their scope. Fix: choose another id (the id names the objects it synthesizes), or reuse the construct you created first`);
  });

  test('time-slicing with fewer than 2 replicas, or a fraction', () => {
    expect(errorOf(() => plugin({ configs: { shared: { timeSlicing: { resources: [{ replicas: 1 }] } } } })))
      .toBe(`${P} configs.shared.timeSlicing.resources[0].replicas = 1: time-slicing needs a whole number of at least 2 replicas per GPU (the device plugin refuses fewer; 1 is no sharing). Fix: use e.g. replicas: 4 (the homelab's T4), or drop timeSlicing to give whole GPUs`);
    expect(errorOf(() => plugin({ configs: { shared: { timeSlicing: { resources: [{ replicas: 2.5 }] } } } })))
      .toMatch(/^\[lab\/nvidia-gpu\/nvidia-device-plugin\] configs\.shared\.timeSlicing\.resources\[0\]\.replicas = 2\.5: time-slicing needs a whole number/);
  });

  test('configs, resources and names given as something else are refused, not read', () => {
    // found by the property suite's type-confusion inputs (JavaScript callers, `as any`): these were TypeErrors
    expect(errorOf(() => plugin({ configs: { shared: null as any } })))
      .toBe(`${P} configs.shared = null: a config is an object. Fix: use {} for whole GPUs, or { timeSlicing: { resources: [{ replicas: 4 }] } }`);
    expect(errorOf(() => plugin({ configs: { shared: { nodes: 'gpu1' as any } } })))
      .toBe(`${P} configs.shared.nodes = "gpu1": a list of node names. Fix: write nodes: ["k3s3"]`);
    expect(errorOf(() => plugin({ configs: { shared: { timeSlicing: { resources: [null as any] } } } })))
      .toBe(`${P} configs.shared.timeSlicing.resources[0] = null: a shared resource is an object. Fix: e.g. { name: "nvidia.com/gpu", replicas: 4 }`);
    expect(errorOf(() => plugin({ configs: { shared: { timeSlicing: { resources: [{ replicas: 2, rename: 5 as any }] } } } })))
      .toBe(`${P} configs.shared.timeSlicing.resources[0].rename = 5: a resource name is a string. Fix: use e.g. "nvidia.com/gpu.shared"`);
  });

  test('MPS together with time-slicing, and MPS alone', () => {
    expect(errorOf(() => plugin({ configs: { shared: { timeSlicing: { resources: [{ replicas: 4 }] }, mps: { resources: [{ replicas: 2 }] } } } })))
      .toBe(`${P} configs.shared.mps = "mps and timeSlicing": MPS and time-slicing exclude each other in one config (the device plugin refuses the config). Fix: keep timeSlicing and remove mps, or put them in two configs for different nodes`);
    expect(errorOf(() => plugin({ configs: { shared: { mps: { resources: [{ replicas: 2 }] } } } })))
      .toBe(`${P} configs.shared.mps = {"resources":[{"replicas":2}]}: MPS sharing needs the NVIDIA MPS control daemon (hostPID, a daemon per node), which this construct does not deploy. Fix: use timeSlicing, or deploy the device plugin with its upstream chart and mps.enabled`);
  });

  test('an empty resource list, a resource that is not nvidia.com/gpu, a duplicate, a bad rename', () => {
    expect(errorOf(() => plugin({ configs: { shared: { timeSlicing: { resources: [] } } } })))
      .toBe(`${P} configs.shared.timeSlicing.resources = []: time-slicing needs at least one resource (the device plugin refuses an empty list). Fix: e.g. resources: [{ name: "nvidia.com/gpu", replicas: 4 }]`);
    expect(errorOf(() => plugin({ configs: { shared: { timeSlicing: { resources: [{ name: 'nvidia.com/mig-1g.5gb', replicas: 2 }] } } } })))
      .toBe(`${P} configs.shared.timeSlicing.resources[0].name = "nvidia.com/mig-1g.5gb": only nvidia.com/gpu is time-sliced here (MIG resources need a MIG strategy this construct does not set). Fix: use name "nvidia.com/gpu" or leave it out`);
    expect(errorOf(() => plugin({ configs: { shared: { timeSlicing: { resources: [{ replicas: 2 }, { name: 'gpu', replicas: 3 }] } } } })))
      .toBe(`${P} configs.shared.timeSlicing.resources[1].name = "gpu": the resource is listed twice. Fix: list each resource once`);
    expect(errorOf(() => plugin({ configs: { shared: { timeSlicing: { resources: [{ replicas: 2, rename: 'amd.com/x' }] } } } })))
      .toBe(`${P} configs.shared.timeSlicing.resources[0].rename = "amd.com/x": not a new resource name under nvidia.com/. Fix: use e.g. "nvidia.com/gpu.shared"`);
  });

  test('no configs, a config name that is not a label value, several configs without a default, an unknown default', () => {
    expect(errorOf(() => plugin({ configs: {} })))
      .toBe(`${P} configs = {}: the device plugin needs at least one named config. Fix: e.g. configs: { 't4-shared': { timeSlicing: { resources: [{ replicas: 4 }] } } }`);
    expect(errorOf(() => plugin({ configs: { Shared: {} } })))
      .toBe(`${P} configs.Shared = "Shared": not a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit). Fix: did you mean "shared"?`);
    expect(errorOf(() => plugin({ configs: { a: {}, b: {} } })))
      .toBe(`${P} defaultConfig = undefined: with several configs (a, b) the nodes without a nvidia.com/device-plugin.config label need a default. Fix: set defaultConfig to one of "a", "b"`);
    expect(errorOf(() => plugin({ configs: { a: {} }, defaultConfig: 'x' })))
      .toBe(`${P} defaultConfig = "x": not one of the configs (a). Fix: use one of "a"`);
  });
});

describe('NvidiaDevicePlugin: configs checked against the profile\'s nodes and labels', () => {
  test('a config naming a node without an NVIDIA GPU, or an unknown node', () => {
    expect(errorOf(() => plugin({ configs: { shared: { nodes: ['igpu'] } } })))
      .toBe(`${P} configs.shared.nodes[0] = "igpu": node igpu has no nvidia GPU in the lab profile (nvidia GPUs are on gpu1, gpu2). Fix: place the workload on "gpu1" or "gpu2"`);
    expect(errorOf(() => plugin({ configs: { shared: { nodes: ['nope'] } } })))
      .toBe(`${P} configs.shared.nodes[0] = "nope": no node of that name in the lab profile (nodes: server, gpu1, gpu2, igpu). Fix: use one of "server", "gpu1", "gpu2", "igpu", or add the node to the profile`);
  });

  test('a config naming a node whose label selects another config, or none', () => {
    expect(errorOf(() => plugin({ configs: { whole: {}, shared: {}, other: { nodes: ['gpu1'] } }, defaultConfig: 'whole' })))
      .toBe(`${P} configs.other.nodes[0] = "gpu1": node gpu1 selects config "shared" by its nvidia.com/device-plugin.config label in the profile, not "other". Fix: label the node (kubectl label node gpu1 nvidia.com/device-plugin.config=other --overwrite) and record the label in the node's labels in the profile`);
    expect(errorOf(() => plugin({ configs: { whole: {}, shared: { nodes: ['gpu2'] } }, defaultConfig: 'whole' })))
      .toBe(`${P} configs.shared.nodes[0] = "gpu2": node gpu2 carries no nvidia.com/device-plugin.config label in the profile, so the config manager gives it the default config "whole", not "shared". Fix: label the node (kubectl label node gpu2 nvidia.com/device-plugin.config=shared --overwrite) and record the label in the node's labels in the profile`);
  });

  test('a node listed under two configs', () => {
    expect(errorOf(() => plugin({ configs: { whole: { nodes: ['gpu2'] }, shared: { nodes: ['gpu2'] } }, defaultConfig: 'whole' })))
      .toBe(`${P} configs.shared.nodes[0] = "gpu2": node gpu2 is already listed under config "whole"; a node uses one config. Fix: list each node under one config`);
  });

  test('a node label naming a config the plugin does not define', () => {
    expect(errorOf(() => plugin({ configs: { a: {} } })))
      .toBe(`${P} configs = ["a"]: node gpu1 selects config "shared" (label nvidia.com/device-plugin.config=shared in the profile), which this device plugin does not define. Fix: add a config named "shared", or relabel the node to one of "a"`);
  });

  test('a cluster without an NVIDIA GPU, and a second NVIDIA device plugin', () => {
    expect(errorOf(() => plugin({ configs: { a: {} } }, { nodes: [{ name: 'n', allocatable: { cpu: '1', memory: '1Gi' } }] })))
      .toBe(`${P} scope = "lab": no node of the lab profile has an NVIDIA GPU, so the device plugin would run nowhere. Fix: add the GPU to the node's gpus in the profile (vendor GpuVendor.NVIDIA), or leave the device plugin out`);
    const c = gpuCluster();
    const ns = new Namespace(c, 'nvidia-gpu', { podSecurity: 'privileged' });
    new NvidiaDevicePlugin(ns, 'a', { configs: { shared: {} } });
    expect(errorOf(() => new NvidiaDevicePlugin(ns, 'b', { configs: { shared: {} } })))
      .toBe('[lab/nvidia-gpu/b] scope = "lab/nvidia-gpu/b": the cluster already has an NVIDIA device plugin (lab/nvidia-gpu/a); two would advertise the same GPUs twice. Fix: keep one device plugin per GPU vendor and give it one named config per kind of node');
  });
});
