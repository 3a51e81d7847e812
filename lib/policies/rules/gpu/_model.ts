import * as YAML from 'yaml';
import { AnnotationKeys } from '../../../core/labels';
import { ClusterNode, GpuVendor } from '../../../core/profile';
import { Memory } from '../../../core/quantity';
import { helmReleaseOf } from '../../helm';
import { allContainers, podTemplateOf, schedulableNodes } from '../../pod';
import { ManifestRecord, PolicyContext, describe } from '../../rule';
import { DEVICE_PLUGIN_CONFIG_LABEL, GpuResources, gpuRequests, isGpuResource, podCounts, qualifyNvidiaResource } from '../../../core/gpu';

export { DEVICE_PLUGIN_CONFIG_LABEL, gpuRequests, isGpuResource, podCounts };

/** NVIDIA's whole-GPU resource. */
export const NVIDIA_GPU = GpuResources.NVIDIA;
/** Intel's i915 GPU resource. */
export const INTEL_I915 = GpuResources.INTEL_I915;

/** A named NVIDIA device plugin config found in a ConfigMap or in chart values. */
export interface DevicePluginConfigRef {
  /** The object holding it (ConfigMap, HelmRelease or Application). */
  readonly record: ManifestRecord;
  /** Config name (ConfigMap key, `config.map` key). */
  readonly name: string;
  /** `ConfigMap ns/name, key "x"` for messages. */
  readonly where: string;
  /** The parsed config, when it parses. */
  readonly config?: any;
  /** Why it does not parse. */
  readonly parseError?: string;
}

/** A device plugin installation: its configs and default. */
export interface DevicePluginInstall {
  /** The DaemonSet or the chart release. */
  readonly record: ManifestRecord;
  readonly configs: readonly DevicePluginConfigRef[];
  /** `DEFAULT_CONFIG` / `config.default`. */
  readonly defaultConfig?: string;
}

/** What a device plugin advertises on one node for one resource. */
export interface NodeOffer {
  readonly node: ClusterNode;
  readonly vendor: GpuVendor;
  readonly resourceName: string;
  /** Pods per physical GPU (time-slicing replicas, sharedDevNum); 1 = whole GPUs. */
  readonly sharedBy: number;
  readonly gpus: number;
  readonly model: string;
  /** Bytes of one GPU, when the profile records it. */
  readonly memory?: number;
  /** The config that defines it (`time-sliced ×4 by config "t4-shared"`), for reports. */
  readonly basis: string;
  /** Time-sliced replicas that refuse requests above 1. */
  readonly failRequestsGreaterThanOne: boolean;
}

/** A workload that requests GPUs. */
export interface GpuPod {
  readonly record: ManifestRecord;
  readonly namespace: string;
  /** `ns/name`. */
  readonly label: string;
  /** Per pod: resource → count (main containers summed, init containers' max). */
  readonly requests: ReadonlyMap<string, number>;
  /** Largest per-container request per resource. */
  readonly perContainer: ReadonlyMap<string, number>;
  /** Pods it runs normally. */
  readonly replicas: number;
  /** Pods it runs during a rolling update (replicas + maxSurge). */
  readonly peak: number;
  /** Declared GPU memory in bytes (annotation), when parseable. */
  readonly memory?: number;
  /** The annotation's raw value. */
  readonly memoryText?: string;
  /** Nodes the pod may be scheduled to that offer every GPU resource it requests. */
  readonly candidates: readonly ClusterNode[];
  /** The node it must run on, when there is exactly one candidate. */
  readonly node?: ClusterNode;
  /** For a DaemonSet: one pod per candidate node. */
  readonly daemonSet: boolean;
}

/** Everything the GPU rules read, built once per policy context. */
export interface GpuModel {
  readonly installs: readonly DevicePluginInstall[];
  readonly configs: readonly DevicePluginConfigRef[];
  /** Offers by `node\0resource`. */
  readonly offers: ReadonlyMap<string, NodeOffer>;
  /** Every offer in node order. */
  readonly offerList: readonly NodeOffer[];
  readonly pods: readonly GpuPod[];
  /** GPU pods by namespace. */
  readonly podsByNamespace: ReadonlyMap<string, readonly GpuPod[]>;
  /** How NVIDIA offers were derived (for the report). */
  readonly nvidiaBasis: string;
  /** How Intel offers were derived (for the report). */
  readonly intelBasis: string;
}

const CACHE = new WeakMap<PolicyContext, GpuModel>();

/** The GPU model of `ctx` (built once; linear in the number of objects). */
export function gpuModel(ctx: PolicyContext): GpuModel {
  let m = CACHE.get(ctx);
  if (!m) {
    m = buildModel(ctx);
    CACHE.set(ctx, m);
  }
  return m;
}

/** `key\0value`. */
export function offerKey(node: string, resource: string): string {
  return `${node}\u0000${resource}`;
}

function buildModel(ctx: PolicyContext): GpuModel {
  const installs = findDevicePlugins(ctx);
  const configs = installs.flatMap((i) => i.configs);
  const nodes = ctx.profile?.nodes ?? [];
  const offerList: NodeOffer[] = [];

  // --- NVIDIA
  const nvidiaNodes = nodes.filter((n) => n.gpuCount(GpuVendor.NVIDIA) > 0);
  let nvidiaBasis = 'no NVIDIA device plugin in this program: one nvidia.com/gpu per physical GPU assumed';
  const install = installs[0];
  if (install) {
    nvidiaBasis = `${describe(install.record.manifest)}`;
    const byName = new Map(install.configs.map((c) => [c.name, c]));
    for (const n of nvidiaNodes) {
      const cfg = effectiveConfig(n, install, byName);
      offerList.push(offerFromConfig(n, cfg));
    }
  } else {
    for (const n of nvidiaNodes) offerList.push(plainOffer(n, GpuVendor.NVIDIA, NVIDIA_GPU, 1, 'whole GPUs (no device plugin config found)'));
  }

  // --- Intel
  const intelNodes = nodes.filter((n) => n.gpuCount(GpuVendor.INTEL) > 0);
  const intelPlugins = ctx.byKind('GpuDevicePlugin').filter((r) => r.manifest.apiVersion.startsWith('deviceplugin.intel.com/'));
  let intelBasis = 'no GpuDevicePlugin in this program: one gpu.intel.com/i915 per GPU assumed';
  if (intelPlugins.length) {
    intelBasis = intelPlugins.map((r) => describe(r.manifest)).join(', ');
    const seen = new Set<string>();
    for (const r of intelPlugins) {
      const spec = r.manifest.spec ?? {};
      const shared = Number.isInteger(spec.sharedDevNum) && spec.sharedDevNum > 1 ? spec.sharedDevNum : 1;
      for (const n of intelNodes) {
        if (seen.has(n.name) || !Object.entries(spec.nodeSelector ?? {}).every(([k, v]) => n.labels[k] === v)) continue;
        seen.add(n.name);
        offerList.push(plainOffer(n, GpuVendor.INTEL, INTEL_I915, shared, shared > 1 ? `shared by ${shared} (${r.manifest.metadata.name} sharedDevNum)` : 'whole GPUs'));
      }
    }
  } else {
    for (const n of intelNodes) offerList.push(plainOffer(n, GpuVendor.INTEL, INTEL_I915, 1, 'whole GPUs (no GpuDevicePlugin found)'));
  }

  const offers = new Map(offerList.map((o) => [offerKey(o.node.name, o.resourceName), o]));

  // --- pods that request GPUs
  const pods: GpuPod[] = [];
  for (const record of ctx.objects) {
    const m = record.manifest;
    const pod = podTemplateOf(m);
    if (!pod) continue;
    const { requests, perContainer } = gpuRequests(pod.spec);
    if (requests.size === 0) continue;
    const eligible = schedulableNodes(pod.spec, nodes);
    const candidates = eligible.filter((n) => [...requests.keys()].every((r) => offers.has(offerKey(n.name, r))));
    const memoryText: string | undefined = pod.metadata?.annotations?.[AnnotationKeys.GPU_MEMORY];
    let memory: number | undefined;
    if (memoryText !== undefined) {
      try {
        memory = Memory.parse(memoryText).bytes;
      } catch {
        memory = undefined;
      }
    }
    const { replicas, peak } = podCounts(m);
    const namespace = m.metadata?.namespace ?? 'default';
    pods.push({
      record, namespace, label: `${namespace}/${m.metadata?.name}`,
      requests, perContainer, replicas, peak, memory, memoryText,
      candidates,
      node: m.kind !== 'DaemonSet' && candidates.length === 1 ? candidates[0] : undefined,
      daemonSet: m.kind === 'DaemonSet',
    });
  }

  const podsByNamespace = new Map<string, GpuPod[]>();
  for (const p of pods) {
    const list = podsByNamespace.get(p.namespace);
    if (list) list.push(p);
    else podsByNamespace.set(p.namespace, [p]);
  }
  return { installs, configs, offers, offerList, pods, podsByNamespace, nvidiaBasis, intelBasis };
}

function plainOffer(n: ClusterNode, vendor: GpuVendor, resourceName: string, sharedBy: number, basis: string): NodeOffer {
  const gpus = n.gpus.filter((g) => g.vendor === vendor);
  const memories = gpus.map((g) => g.memory?.bytes).filter((b): b is number => b !== undefined);
  return {
    node: n, vendor, resourceName, sharedBy, basis,
    gpus: n.gpuCount(vendor),
    model: [...new Set(gpus.map((g) => g.model))].join(' + '),
    memory: memories.length === gpus.length && memories.length ? Math.min(...memories) : undefined,
    failRequestsGreaterThanOne: false,
  };
}

/** The config a node gets: its label's config, else the default, else the only config. */
export function effectiveConfig(n: ClusterNode, install: DevicePluginInstall, byName: ReadonlyMap<string, DevicePluginConfigRef>): DevicePluginConfigRef | undefined {
  const label = n.labels[DEVICE_PLUGIN_CONFIG_LABEL];
  if (label !== undefined && byName.has(label)) return byName.get(label);
  if (install.defaultConfig !== undefined && byName.has(install.defaultConfig)) return byName.get(install.defaultConfig);
  return install.configs.length === 1 ? install.configs[0] : undefined;
}

function offerFromConfig(n: ClusterNode, ref: DevicePluginConfigRef | undefined): NodeOffer {
  const ts = ref?.config?.sharing?.timeSlicing;
  const entry = Array.isArray(ts?.resources) ? ts.resources.find((r: any) => qualify(String(r?.name ?? '')) === NVIDIA_GPU) : undefined;
  if (!ref || !entry || !Number.isInteger(entry.replicas) || entry.replicas < 2 || ref.config?.sharing?.mps) {
    return plainOffer(n, GpuVendor.NVIDIA, NVIDIA_GPU, 1, ref ? `whole GPUs (config "${ref.name}")` : 'whole GPUs (no config selected)');
  }
  const name = entry.rename ? qualify(String(entry.rename)) : ts.renameByDefault === true ? `${NVIDIA_GPU}.shared` : NVIDIA_GPU;
  return {
    ...plainOffer(n, GpuVendor.NVIDIA, name, entry.replicas, `time-sliced ×${entry.replicas} (config "${ref.name}")`),
    failRequestsGreaterThanOne: ts.failRequestsGreaterThanOne === true,
  };
}

/** `gpu` → `nvidia.com/gpu`, as the device plugin defaults names. */
export const qualify = qualifyNvidiaResource;

/** NVIDIA device plugin DaemonSets (by image) and chart releases, with their named configs. */
function findDevicePlugins(ctx: PolicyContext): DevicePluginInstall[] {
  const out: DevicePluginInstall[] = [];
  for (const record of ctx.byKind('DaemonSet')) {
    const m = record.manifest;
    const pod = podTemplateOf(m);
    if (!pod) continue;
    const containers = allContainers(pod.spec).map((c) => c.container);
    if (!containers.some((c) => /\/k8s-device-plugin(:|@|$)/.test(String(c?.image ?? '')))) continue;
    const ns = m.metadata?.namespace ?? 'default';
    let defaultConfig: string | undefined;
    for (const c of containers) {
      for (const e of c?.env ?? []) if (e?.name === 'DEFAULT_CONFIG' && typeof e.value === 'string' && e.value) defaultConfig = e.value;
    }
    const configs: DevicePluginConfigRef[] = [];
    for (const v of pod.spec?.volumes ?? []) {
      const cmName = v?.configMap?.name;
      if (!cmName) continue;
      const cm = ctx.inNamespace('ConfigMap', ns).find((r) => r.manifest.metadata?.name === cmName);
      if (!cm) continue;
      for (const [key, value] of Object.entries(cm.manifest.data ?? {})) {
        configs.push(parseConfig(cm, key, `${describe(cm.manifest)}, key "${key}"`, value));
      }
    }
    out.push({ record, configs, defaultConfig });
  }
  for (const record of [...ctx.byKind('HelmRelease'), ...ctx.byKind('Application')]) {
    const release = helmReleaseOf(record.manifest);
    if (!release || release.chart !== 'nvidia-device-plugin') continue;
    const cfg: any = release.values.config ?? {};
    const configs: DevicePluginConfigRef[] = [];
    if (cfg.map && typeof cfg.map === 'object') {
      for (const [key, value] of Object.entries(cfg.map)) configs.push(parseConfig(record, key, `${describe(record.manifest)}, values config.map "${key}"`, value));
    } else if (typeof cfg.name === 'string' && cfg.name) {
      const cm = ctx.inNamespace('ConfigMap', release.namespace ?? '').find((r) => r.manifest.metadata?.name === cfg.name);
      for (const [key, value] of Object.entries(cm?.manifest.data ?? {})) configs.push(parseConfig(cm!, key, `${describe(cm!.manifest)}, key "${key}"`, value));
    }
    out.push({ record, configs, defaultConfig: typeof cfg.default === 'string' && cfg.default ? cfg.default : undefined });
  }
  return out;
}

function parseConfig(record: ManifestRecord, name: string, where: string, value: unknown): DevicePluginConfigRef {
  if (value !== null && typeof value === 'object') return { record, name, where, config: value };
  try {
    const config = YAML.parse(String(value));
    if (config === null || typeof config !== 'object') return { record, name, where, parseError: 'is not a YAML mapping' };
    return { record, name, where, config };
  } catch (e) {
    return { record, name, where, parseError: `is not YAML (${(e as Error).message.split('\n')[0]})` };
  }
}

/** `6Gi` for messages (whole GiB or MiB when exact). */
export function bytesText(b: number): string {
  const gi = 2 ** 30;
  const mi = 2 ** 20;
  if (b % gi === 0) return `${b / gi}Gi`;
  if (b % mi === 0) return `${b / mi}Mi`;
  return `${(b / gi).toFixed(1)}Gi`;
}
