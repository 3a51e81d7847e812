import { IConstruct } from 'constructs';
import { ValidationError, show } from '../core/errors';
import { GpuResources, NVIDIA_RUNTIME_CLASS } from '../core/gpu';
import { ClusterNode, ClusterProfile, GpuVendor, tolerationsFor } from '../core/profile';
import { Memory } from '../core/quantity';

/** Whether an app takes a slice of a shared GPU or a whole one. */
export enum GpuSharing {
  /** A slice of a GPU that several pods share (NVIDIA time-slicing, Intel `sharedDevNum`). */
  SHARED = 'shared',
  /** A whole GPU that no other pod uses. */
  EXCLUSIVE = 'exclusive',
}

// the resource names, RuntimeClass and config label live in core, where the GPU policies read them too
export { DEVICE_PLUGIN_CONFIG_LABEL, GpuResources, NVIDIA_RUNTIME_CLASS } from '../core/gpu';

/** The `gpu` option of the app pattern: which GPU a pod needs and how much of it. */
export interface AppGpu {
  readonly vendor: GpuVendor;
  /** @default GpuSharing.SHARED */
  readonly sharing?: GpuSharing;
  /**
   * The GPU memory the app uses at peak, e.g. `6Gi` (model weights plus context or batch).
   * Written to the pod annotation `hardened-homelab.io/gpu-memory`, which the GPU memory budget
   * (HK-GPU-04) sums per physical GPU. Required on a shared NVIDIA GPU: time-slicing has no
   * memory isolation.
   * @default - not declared (refused for a shared NVIDIA GPU)
   */
  readonly memory?: string;
  /**
   * Host groups that own the GPU's device nodes (e.g. `video` 44 and `render` 109 on Ubuntu),
   * added to the pod's supplementalGroups so a non-root app can open `/dev/dri/renderD128`.
   * The NVIDIA runtime needs none.
   * @default []
   */
  readonly groups?: number[];
}

/** What a GPU device plugin advertises on one node. */
export interface GpuOffer {
  readonly node: string;
  readonly vendor: GpuVendor;
  /** The extended resource pods request, e.g. `nvidia.com/gpu`. */
  readonly resourceName: string;
  /** How many pods share one physical GPU (time-slicing replicas, Intel sharedDevNum); 1 = whole GPUs. */
  readonly sharedBy: number;
  /** Physical GPUs of the vendor on the node. */
  readonly gpus: number;
  /** Model of the node's GPUs (for messages). */
  readonly model: string;
  /** Memory of one physical GPU, when the profile records it. */
  readonly memory?: Memory;
}

/** A device plugin construct that tells apps what it offers. */
export interface IGpuOfferSource {
  readonly vendor: GpuVendor;
  /** Construct path (for messages). */
  readonly path: string;
  /** One offer per node the plugin runs on. */
  readonly offers: readonly GpuOffer[];
}

const REGISTRY = new WeakMap<ClusterProfile, Map<GpuVendor, IGpuOfferSource>>();

/**
 * Registers `source` as the device plugin of its vendor in the cluster of `scope`. Apps created
 * afterwards take their resource name, sharing and nodes from it.
 * @throws ValidationError when the vendor already has a device plugin in this cluster
 */
export function registerGpuOffers(scope: IConstruct, source: IGpuOfferSource): void {
  const profile = ClusterProfile.of(scope);
  let byVendor = REGISTRY.get(profile);
  if (!byVendor) {
    byVendor = new Map();
    REGISTRY.set(profile, byVendor);
  }
  const existing = byVendor.get(source.vendor);
  if (existing) {
    throw new ValidationError(scope, {
      prop: 'scope', value: scope.node.path,
      rule: `the cluster already has an ${source.vendor === GpuVendor.NVIDIA ? 'NVIDIA' : 'Intel'} device plugin (${existing.path}); two would advertise the same GPUs twice`,
      fix: 'keep one device plugin per GPU vendor and give it one named config per kind of node',
    });
  }
  byVendor.set(source.vendor, source);
}

/**
 * What the cluster of `scope` offers for `vendor`: the registered device plugin's offers, or,
 * without one, one whole GPU per physical GPU on every node the profile gives that vendor
 * (a device plugin installed outside this program with its defaults).
 */
export function gpuOffersOf(scope: IConstruct, vendor: GpuVendor): { offers: readonly GpuOffer[]; source?: IGpuOfferSource } {
  const profile = ClusterProfile.of(scope);
  const source = REGISTRY.get(profile)?.get(vendor);
  return source ? { offers: source.offers, source } : { offers: defaultGpuOffers(profile, vendor) };
}

/** One whole-GPU offer per node of the profile that has a GPU of `vendor`. */
export function defaultGpuOffers(profile: ClusterProfile, vendor: GpuVendor): GpuOffer[] {
  return profile.nodes.filter((n) => n.gpuCount(vendor) > 0).map((n) => ({
    ...gpuFacts(n, vendor),
    resourceName: vendor === GpuVendor.NVIDIA ? GpuResources.NVIDIA : GpuResources.INTEL_I915,
    sharedBy: 1,
  }));
}

/** Node, vendor, GPU count, model and per-GPU memory of `node`'s GPUs of `vendor`. */
export function gpuFacts(node: ClusterNode, vendor: GpuVendor): Pick<GpuOffer, 'node' | 'vendor' | 'gpus' | 'model' | 'memory'> {
  const gpus = node.gpus.filter((g) => g.vendor === vendor);
  const memories = gpus.map((g) => g.memory).filter((m): m is Memory => m !== undefined);
  return {
    node: node.name,
    vendor,
    gpus: node.gpuCount(vendor),
    model: [...new Set(gpus.map((g) => g.model))].join(' + '),
    // with mixed models, budget against the smallest one
    memory: memories.length === gpus.length && memories.length > 0 ? memories.reduce((a, b) => (a.bytes <= b.bytes ? a : b)) : undefined,
  };
}

/** A toleration, as the pod spec writes it. */
export interface GpuToleration {
  readonly key?: string;
  readonly operator?: string;
  readonly value?: string;
  readonly effect?: string;
}

/** Where and how a GPU app runs, resolved from its `gpu` option and the cluster's offers. */
export interface GpuPlacement {
  readonly vendor: GpuVendor;
  readonly sharing: GpuSharing;
  /** The extended resource requested (request = limit = 1). */
  readonly resourceName: string;
  /** Nodes the pod may run on, in profile order (or the order of the app's `nodes`). */
  readonly nodes: readonly string[];
  /** Tolerations for the taints of those nodes that the app does not tolerate yet. */
  readonly tolerations: readonly GpuToleration[];
  /** `nvidia` for NVIDIA GPUs. */
  readonly runtimeClassName?: string;
  /** Declared peak GPU memory. */
  readonly memory?: Memory;
  /** Extra supplemental groups. */
  readonly groups: readonly number[];
}

/** Placement constraints the app already has. */
export interface GpuPlacementConstraints {
  /** The app's `nodes`. */
  readonly nodes?: readonly string[];
  /** The app's node selector. */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** The app's tolerations. */
  readonly tolerations?: readonly GpuToleration[];
}

/**
 * Resolves the `gpu` option of an app at `scope`: the resource name (`nvidia.com/gpu`, the
 * renamed `nvidia.com/gpu.shared`, `gpu.intel.com/i915`), the nodes that offer it with the
 * requested sharing and enough memory, the tolerations for their taints and the runtime class.
 * @throws ValidationError (prop `gpu.*` or `nodes[i]`) when no node can serve the request
 */
export function resolveGpuPlacement(scope: IConstruct, gpu: AppGpu, constraints: GpuPlacementConstraints = {}): GpuPlacement {
  const profile = ClusterProfile.of(scope);
  if (!Object.values(GpuVendor).includes(gpu.vendor)) {
    throw new ValidationError(scope, { prop: 'gpu.vendor', value: gpu.vendor, rule: 'unknown GPU vendor', fix: 'use GpuVendor.NVIDIA or GpuVendor.INTEL' });
  }
  const sharing = gpu.sharing ?? GpuSharing.SHARED;
  if (!Object.values(GpuSharing).includes(sharing)) {
    throw new ValidationError(scope, { prop: 'gpu.sharing', value: gpu.sharing, rule: 'unknown GPU sharing', fix: 'use GpuSharing.SHARED or GpuSharing.EXCLUSIVE' });
  }
  const memory = gpu.memory === undefined ? undefined : ValidationError.within(scope, 'gpu.memory', () => Memory.parse(gpu.memory as string));
  if (memory && memory.bytes === 0) {
    throw new ValidationError(scope, { prop: 'gpu.memory', value: gpu.memory, rule: 'a GPU app uses more than zero bytes of GPU memory', fix: 'give the peak GPU memory the app uses, e.g. "6Gi"' });
  }
  const groups = (gpu.groups ?? []).map((g, i) => {
    if (!Number.isInteger(g) || g < 1) {
      throw new ValidationError(scope, { prop: `gpu.groups[${i}]`, value: g, rule: 'a group id is a whole number of at least 1 (group 0 is root\'s)', fix: 'use the host group that owns the device nodes, e.g. 109 for `render` on Ubuntu (`getent group render`)' });
    }
    return g;
  });
  const vendorName = gpu.vendor === GpuVendor.NVIDIA ? 'NVIDIA' : 'Intel';
  if (memory === undefined && gpu.vendor === GpuVendor.NVIDIA && sharing === GpuSharing.SHARED) {
    throw new ValidationError(scope, {
      prop: 'gpu.memory', value: undefined,
      rule: 'a pod on a time-sliced NVIDIA GPU must declare the GPU memory it uses: time-slicing has no memory isolation, so pods sharing the GPU can run each other out of memory',
      fix: 'give gpu.memory, the peak the app needs (e.g. memory: "6Gi" for a 7B model at 4 bits), so the GPU budget can check the sum',
    });
  }

  const { offers, source } = gpuOffersOf(scope, gpu.vendor);
  if (gpu.vendor === GpuVendor.NVIDIA && !source && !profile.hasRuntimeClass(NVIDIA_RUNTIME_CLASS)) {
    throw new ValidationError(scope, {
      prop: 'gpu.vendor', value: gpu.vendor,
      rule: `NVIDIA pods run with RuntimeClass "${NVIDIA_RUNTIME_CLASS}", which neither the ${profile.name} profile lists (K3s creates it since v1.26.12/v1.27.9/v1.28.5/v1.29.0) nor an NvidiaDevicePlugin of this program creates`,
      fix: 'create the NvidiaDevicePlugin before this app (it adopts or creates the RuntimeClass), or add "nvidia" to profile.runtimeClasses if the cluster has it',
    });
  }
  if (offers.length === 0) {
    throw new ValidationError(scope, {
      prop: 'gpu.vendor', value: gpu.vendor,
      rule: `no node of the ${profile.name} profile has an ${vendorName} GPU (or its device plugin runs on none)`,
      fix: 'add the GPU to the node\'s gpus in the profile, or remove the gpu option',
    });
  }
  const byNode = new Map(offers.map((o) => [o.node, o]));
  let pool: GpuOffer[];
  if (constraints.nodes) {
    pool = constraints.nodes.map((n, i) => {
      profile.gpuNode(n, gpu.vendor, scope, `nodes[${i}]`);
      const offer = byNode.get(n);
      if (!offer) {
        throw new ValidationError(scope, {
          prop: `nodes[${i}]`, value: n,
          rule: `the ${vendorName} device plugin does not run on node ${n} (it runs on ${[...byNode.keys()].join(', ')})`,
          fix: `place the app on ${[...byNode.keys()].map((x) => show(x)).join(' or ')}, or let the device plugin cover ${n}`,
        });
      }
      return offer;
    });
  } else {
    pool = [...offers];
  }
  const selector = constraints.nodeSelector ?? {};
  if (Object.keys(selector).length > 0) {
    const labelled = new Set(profile.nodesWithLabels({ ...selector }).map((n) => n.name));
    pool = pool.filter((o) => labelled.has(o.node));
    if (pool.length === 0) {
      throw new ValidationError(scope, {
        prop: 'nodeSelector', value: selector,
        rule: `no node with an ${vendorName} GPU carries these labels`,
        fix: `drop the node selector or label one of ${offers.map((o) => o.node).join(', ')}`,
      });
    }
  }

  const describe = (o: GpuOffer) => `${o.node} (${o.sharedBy > 1 ? `shared by ${o.sharedBy}` : 'whole GPUs'})`;
  const shared = pool.filter((o) => (sharing === GpuSharing.SHARED ? o.sharedBy > 1 : o.sharedBy === 1));
  if (shared.length === 0) {
    throw new ValidationError(scope, {
      prop: 'gpu.sharing', value: sharing,
      rule: sharing === GpuSharing.SHARED
        ? `no ${vendorName} GPU the app may use is shared: ${pool.map(describe).join(', ')}`
        : `every ${vendorName} GPU the app may use is shared, so none can be given whole: ${pool.map(describe).join(', ')}`,
      fix: sharing === GpuSharing.SHARED
        ? (gpu.vendor === GpuVendor.NVIDIA
          ? 'create the NvidiaDevicePlugin with a time-slicing config for the node before this app, or use GpuSharing.EXCLUSIVE'
          : 'create the IntelGpuPlugin (sharedDevNum > 1) before this app, or use GpuSharing.EXCLUSIVE')
        : 'use GpuSharing.SHARED, or give a node a device plugin config without sharing',
    });
  }
  let fitting = shared;
  if (memory) {
    fitting = shared.filter((o) => o.memory === undefined || o.memory.bytes >= memory.bytes);
    if (fitting.length === 0) {
      const largest = shared.reduce((a, b) => ((a.memory?.bytes ?? 0) >= (b.memory?.bytes ?? 0) ? a : b));
      throw new ValidationError(scope, {
        prop: 'gpu.memory', value: gpu.memory,
        rule: `more than the memory of one GPU on any node the app may use (largest: ${largest.model} on ${largest.node}, ${largest.memory})`,
        fix: `use a smaller model or quantization so the app fits in ${largest.memory}, or add a larger GPU to the profile`,
      });
    }
  }
  const names = [...new Set(fitting.map((o) => o.resourceName))];
  if (names.length > 1) {
    throw new ValidationError(scope, {
      prop: 'nodes', value: constraints.nodes,
      rule: `the nodes the app may use advertise the GPU under different names (${fitting.map((o) => `${o.node}: ${o.resourceName}`).join(', ')}), and a pod requests one name`,
      fix: 'pin the app with nodes: [...] to nodes whose device plugin config names the resource the same way',
    });
  }

  const given = [...(constraints.tolerations ?? [])];
  const tolerations = tolerationsFor(fitting.map((o) => profile.node(o.node)), given) as GpuToleration[];

  return {
    vendor: gpu.vendor,
    sharing,
    resourceName: names[0],
    nodes: fitting.map((o) => o.node),
    tolerations,
    runtimeClassName: gpu.vendor === GpuVendor.NVIDIA ? NVIDIA_RUNTIME_CLASS : undefined,
    memory,
    groups,
  };
}
