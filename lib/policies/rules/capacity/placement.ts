import { GpuResources } from '../../../core/gpu';
import { AnnotationKeys } from '../../../core/labels';
import { ClusterNode, GpuVendor } from '../../../core/profile';
import { Cpu, Memory, quantityValue } from '../../../core/quantity';
import { helmReleaseOf } from '../../helm';
import { allContainers, isBatch, podTemplateOf, replicasOf, schedulableNodes } from '../../pod';
import { ManifestRecord, PolicyContext, describe } from '../../rule';
import { Claim, claimsMountedBy, joinNames } from '../storage/_shared';
import { ClaimPlacement, StaticVolume, claimPlacements, volumeNodesText } from '../storage/_volumes';

/** What one pod of a workload asks the scheduler for. */
export interface PodDemand {
  /** The workload (or chart) the pod belongs to. */
  readonly record: ManifestRecord;
  /** `Kind namespace/name`. */
  readonly owner: string;
  readonly namespace?: string;
  /** CPU requests in millicores (max of the main containers' sum and the largest init container). */
  readonly cpu: number;
  /** Memory requests in bytes (same rule). */
  readonly memory: number;
  /** Memory limits in bytes (main containers). */
  readonly memoryLimit: number;
  /** PriorityClass value (0 when none or unknown). */
  readonly priority: number;
  /** Nodes whose taints it tolerates and whose labels, hostname and GPUs satisfy it. */
  readonly schedulable: readonly ClusterNode[];
  /**
   * `schedulable` narrowed to the nodes its volumes allow: the nodes of the static
   * PersistentVolumes its claims can bind, the nodes with the disks of a strict-local Longhorn
   * class.
   */
  readonly eligible: readonly ClusterNode[];
  /** The claims whose volumes constrain its nodes (static PersistentVolumes, strict-local Longhorn). */
  readonly volumes: readonly ClaimPlacement[];
  /** Why its volumes leave it no node, when they do. */
  readonly volumeProblem?: string;
  /** Required pod anti-affinity on `kubernetes.io/hostname` against its own pods. */
  readonly spreadByHost: boolean;
}

/** One node after placement. */
export interface NodePlacement {
  readonly node: ClusterNode;
  /** `owner` of each pod placed on the node (DaemonSet and chart per-node pods included). */
  readonly pods: string[];
  /** The object each placed pod comes from, in the same order as `pods`. */
  readonly records: ManifestRecord[];
  cpu: number;
  memory: number;
  memoryLimit: number;
}

/** A pod the scheduler could not place. */
export interface PendingPod {
  readonly demand: PodDemand;
  /** What the scheduler would say, e.g. `Insufficient memory`. */
  readonly reason: string;
}

/** The result of {@link simulatePlacement}. */
export interface PlacementResult {
  readonly nodes: readonly NodePlacement[];
  readonly pending: readonly PendingPod[];
  /** Every demand, for totals (replicated pods once per replica, DaemonSets once per eligible node). */
  readonly demands: readonly { readonly demand: PodDemand; readonly count: number }[];
}

const GPU_RESOURCES: Record<string, GpuVendor> = {
  [GpuResources.NVIDIA]: GpuVendor.NVIDIA,
  [GpuResources.NVIDIA_SHARED]: GpuVendor.NVIDIA,
  [GpuResources.INTEL_I915]: GpuVendor.INTEL,
};

function podRequests(spec: any): { cpu: number; memory: number; memoryLimit: number } {
  let cpu = 0, memory = 0, memoryLimit = 0, initCpu = 0, initMemory = 0;
  for (const { container, list } of allContainers(spec)) {
    const r = container?.resources ?? {};
    const c = cpuMillis(r.requests?.cpu);
    const m = quantityValue(r.requests?.memory) ?? 0;
    if (list === 'containers') {
      cpu += c;
      memory += m;
      memoryLimit += quantityValue(r.limits?.memory) ?? m;
    } else if (list === 'initContainers') {
      initCpu = Math.max(initCpu, c);
      initMemory = Math.max(initMemory, m);
    }
  }
  return { cpu: Math.max(cpu, initCpu), memory: Math.max(memory, initMemory), memoryLimit };
}

function cpuMillis(v: unknown): number {
  if (v === undefined || v === null) return 0;
  try {
    return Cpu.parse(String(v)).millis;
  } catch {
    return 0;
  }
}

function gpuVendorsOf(spec: any): GpuVendor[] {
  const vendors = new Set<GpuVendor>();
  for (const { container } of allContainers(spec)) {
    for (const key of Object.keys({ ...container?.resources?.limits, ...container?.resources?.requests })) {
      const v = GPU_RESOURCES[key] ?? (key.startsWith('gpu.intel.com/') ? GpuVendor.INTEL : undefined);
      if (v) vendors.add(v);
    }
  }
  return [...vendors];
}

/** Nodes a pod may land on: {@link schedulableNodes} that also have the GPU vendors it requests. */
export function eligibleNodes(spec: any, nodes: readonly ClusterNode[]): ClusterNode[] {
  const vendors = gpuVendorsOf(spec);
  return schedulableNodes(spec, nodes).filter((n) => vendors.every((v) => n.gpuCount(v) > 0));
}

function spreadsByHost(spec: any, podLabels: Record<string, string>): boolean {
  return (spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).some((t: any) =>
    t.topologyKey === 'kubernetes.io/hostname'
    && Object.entries(t.labelSelector?.matchLabels ?? {}).every(([k, v]) => podLabels[k] === v));
}

/**
 * A first-fit-decreasing placement of every long-running pod on the profile's nodes, the way
 * the scheduler filters them: DaemonSet pods (and upstream charts' per-node pods) first on
 * each node they may run on, then the other pods by priority (highest first) and memory
 * (largest first), each on the first node with room (CPU, memory, pod count) that it
 * tolerates and matches (node selector, required node affinity, GPUs, hostname
 * anti-affinity) and where its volumes can be: a claim that binds only static
 * PersistentVolumes (`storageClassName: ""`, a `kubernetes.io/no-provisioner` class, or a
 * `volumeName`) takes a free one whose node affinity admits the node (a PVC keeps the volume for
 * all its pods; each pod of a volumeClaimTemplate takes its own), and a claim on a strict-local
 * Longhorn class needs a node with the class's disks. Pods that fit nowhere are pending, with
 * the scheduler's reason. Linear in the number of pods times the number of nodes.
 */
export function simulatePlacement(ctx: PolicyContext): PlacementResult {
  let result = cache.get(ctx);
  if (!result) cache.set(ctx, (result = simulate(ctx)));
  return result;
}

const cache = new WeakMap<PolicyContext, PlacementResult>();

function simulate(ctx: PolicyContext): PlacementResult {
  const nodes = ctx.profile?.nodes ?? [];
  const placements: NodePlacement[] = nodes.map((node) => ({ node, pods: [], records: [], cpu: 0, memory: 0, memoryLimit: 0 }));
  const byNode = new Map(placements.map((p) => [p.node, p]));
  const priorities = new Map<string, number>();
  for (const r of ctx.byKind('PriorityClass')) priorities.set(String(r.manifest.metadata.name), Number(r.manifest.value) || 0);
  const storage = claimPlacements(ctx);
  const bindings: Bindings = { taken: new Set(), bound: new Map(), cursors: new WeakMap() };

  const demands: { demand: PodDemand; count: number }[] = [];
  const replicated: { demand: PodDemand; count: number }[] = [];
  const pending: PendingPod[] = [];
  const place = (p: NodePlacement, d: PodDemand) => {
    p.pods.push(d.owner);
    p.records.push(d.record);
    p.cpu += d.cpu;
    p.memory += d.memory;
    p.memoryLimit += d.memoryLimit;
  };

  for (const record of ctx.objects) {
    const m = record.manifest;
    const pod = podTemplateOf(m);
    if (pod && !isBatch(m) && m.kind !== 'Pod') {
      const req = podRequests(pod.spec);
      const schedulable = eligibleNodes(pod.spec, nodes);
      const volumes = claimsMountedBy(record, pod.spec, storage.claims).map((c) => storage.of(c)).filter((v): v is ClaimPlacement => v !== undefined);
      const { eligible, problem } = narrowByVolumes(schedulable, volumes);
      const demand: PodDemand = {
        record, owner: describe(m), namespace: m.metadata.namespace, ...req,
        priority: priorities.get(pod.spec?.priorityClassName) ?? 0,
        schedulable, eligible, volumes, volumeProblem: problem,
        spreadByHost: spreadsByHost(pod.spec, pod.metadata?.labels ?? {}),
      };
      if (m.kind === 'DaemonSet') {
        // the DaemonSet controller makes a pod for every schedulable node; volumes do not filter them
        for (const n of schedulable) {
          const picks = eligible.includes(n) ? volumesOn(demand, n, bindings) : undefined;
          if (picks) {
            bind(picks, bindings);
            place(byNode.get(n)!, demand);
          } else {
            pending.push({ demand, reason: `the pod for ${n.name}: ${eligible.includes(n) ? noFreeVolume(demand, [n], bindings) : volumeExcludes(demand, n)}` });
          }
        }
        demands.push({ demand, count: schedulable.length });
      } else {
        const count = replicasOf(m) ?? 0;
        if (count > 0) replicated.push({ demand, count });
        demands.push({ demand, count });
      }
      continue;
    }
    const release = helmReleaseOf(m);
    const raw = release ? m.metadata.annotations?.[AnnotationKeys.FOOTPRINT] : undefined;
    if (!raw) continue;
    const f = parseFootprint(raw);
    if (!f) continue;
    const owner = `chart ${release!.namespace ?? ''}/${release!.release}`;
    if (f.perNode) {
      const d: PodDemand = { record, owner, namespace: release!.namespace, ...f.perNode, priority: 0, schedulable: nodes, eligible: nodes, volumes: [], spreadByHost: false };
      for (const p of placements) place(p, d);
      demands.push({ demand: d, count: nodes.length });
    }
    if (f.pods > 0) {
      const untainted = nodes.filter((n) => n.tolerates([]));
      const d: PodDemand = {
        record, owner, namespace: release!.namespace, cpu: f.cpu / f.pods, memory: f.memory / f.pods, memoryLimit: f.memoryLimit / f.pods,
        priority: 0, schedulable: untainted, eligible: untainted, volumes: [], spreadByHost: false,
      };
      replicated.push({ demand: d, count: f.pods });
      demands.push({ demand: d, count: f.pods });
    }
  }

  replicated.sort((a, b) => b.demand.priority - a.demand.priority || b.demand.memory - a.demand.memory || a.demand.owner.localeCompare(b.demand.owner));
  for (const { demand, count } of replicated) {
    const used = new Set<ClusterNode>();
    for (let i = 0; i < count; i++) {
      const candidates = demand.eligible.filter((n) => !(demand.spreadByHost && used.has(n)));
      let picks: VolumePick[] | undefined;
      const fit = candidates.find((n) => {
        const p = byNode.get(n)!;
        if (!(p.memory + demand.memory <= n.memory.bytes && p.cpu + demand.cpu <= n.cpu.millis && p.pods.length < n.pods)) return false;
        picks = volumesOn(demand, n, bindings);
        return picks !== undefined;
      });
      if (fit) {
        bind(picks!, bindings);
        place(byNode.get(fit)!, demand);
        used.add(fit);
        continue;
      }
      pending.push({ demand, reason: pendingReason(demand, candidates, byNode, bindings) });
    }
  }
  return { nodes: placements, pending, demands };
}

/** The PersistentVolumes taken so far, and the volume each shared claim (a PVC) is bound to. */
interface Bindings {
  readonly taken: Set<StaticVolume>;
  readonly bound: Map<Claim, StaticVolume>;
  /** Per candidate list and node: the index before which every volume is taken or not on the node (only moves forward). */
  readonly cursors: WeakMap<readonly StaticVolume[], Map<ClusterNode, number>>;
}

/**
 * The first volume of `list` that is free, on `n` and not in `exclude`. Taken volumes stay taken, so
 * the search resumes where the last one for this list and node stopped: linear in the list over
 * the whole simulation.
 */
function firstFree(list: readonly StaticVolume[], n: ClusterNode, b: Bindings, exclude: readonly StaticVolume[] = []): StaticVolume | undefined {
  let byNode = b.cursors.get(list);
  if (!byNode) b.cursors.set(list, (byNode = new Map()));
  let i = byNode.get(n) ?? 0;
  while (i < list.length && (b.taken.has(list[i]) || !admits(list[i], n))) i++;
  byNode.set(n, i);
  for (let j = i; j < list.length; j++) {
    const pv = list[j];
    if (!b.taken.has(pv) && admits(pv, n) && !exclude.includes(pv)) return pv;
  }
  return undefined;
}

interface VolumePick {
  readonly claim: Claim;
  readonly volume: StaticVolume;
}

const admits = (v: StaticVolume, n: ClusterNode) => v.nodes === undefined || v.nodes.includes(n);

/** The nodes any of `volumes` admits (`any` when one has no node affinity); memoized per list, which claims of one signature share. */
function volumeNodes(volumes: readonly StaticVolume[]): ReadonlySet<ClusterNode> | 'any' {
  let nodes = nodesCache.get(volumes);
  if (!nodes) {
    nodes = volumes.some((pv) => pv.nodes === undefined) ? 'any' : new Set(volumes.flatMap((pv) => pv.nodes ?? []));
    nodesCache.set(volumes, nodes);
  }
  return nodes;
}

const nodesCache = new WeakMap<readonly StaticVolume[], ReadonlySet<ClusterNode> | 'any'>();
const claimLabel = (c: Claim) => (c.perPod ? c.description.replace(/ of .*$/, '') : c.description);

/**
 * The schedulable nodes its volumes allow, or why they allow none: a static claim that no
 * PersistentVolume can bind, PersistentVolumes on other nodes, a strict-local tier on other nodes.
 */
function narrowByVolumes(schedulable: readonly ClusterNode[], volumes: readonly ClaimPlacement[]): { eligible: readonly ClusterNode[]; problem?: string } {
  let eligible = schedulable;
  if (schedulable.length === 0) return { eligible };
  for (const v of volumes) {
    if (v.kind === 'static') {
      if (v.volumes.length === 0) return { eligible: [], problem: `${claimLabel(v.claim)} ${v.problem}` };
      const allowed = volumeNodes(v.volumes);
      if (allowed === 'any') continue;
      const next = eligible.filter((n) => allowed.has(n));
      if (next.length === 0) {
        return {
          eligible: [],
          problem: `${claimLabel(v.claim)} can only bind PersistentVolume${v.volumes.length === 1 ? '' : 's'} ${joinNames(v.volumes.map((pv) => `${pv.name} (${volumeNodesText(pv).replace(/^on /, '')})`))}, `
            + `and the pod may only run on ${joinNames(eligible.map((n) => n.name))}`,
        };
      }
      eligible = next;
    } else {
      const next = eligible.filter((n) => v.nodes.includes(n));
      if (next.length === 0) {
        const disks = v.cls.diskTags.length ? `${v.cls.diskTags.join(' and ')} disks` : 'Longhorn disks';
        return {
          eligible: [],
          problem: `${claimLabel(v.claim)} is on StorageClass ${v.cls.name} with strict-local data locality, so its one replica and the pod share a node, `
            + `and ${v.nodes.length ? `only ${joinNames(v.nodes.map((n) => n.name))} ${v.nodes.length === 1 ? 'has' : 'have'} ${disks}` : `no node has ${disks}`}; the pod may only run on ${joinNames(eligible.map((n) => n.name))}`,
        };
      }
      eligible = next;
    }
  }
  return { eligible };
}

/** A free PersistentVolume on `n` for each static claim of the pod (a bound shared claim keeps its volume), or `undefined`. */
function volumesOn(d: PodDemand, n: ClusterNode, b: Bindings): VolumePick[] | undefined {
  const picks: VolumePick[] = [];
  for (const v of d.volumes) {
    if (v.kind !== 'static') continue;
    const bound = v.claim.perPod ? undefined : b.bound.get(v.claim);
    if (bound) {
      if (!admits(bound, n)) return undefined;
      continue;
    }
    if (picks.some((p) => p.claim === v.claim)) continue;
    const volume = firstFree(v.volumes, n, b, picks.map((p) => p.volume));
    if (!volume) return undefined;
    picks.push({ claim: v.claim, volume });
  }
  return picks;
}

function bind(picks: readonly VolumePick[], b: Bindings): void {
  for (const p of picks) {
    b.taken.add(p.volume);
    if (!p.claim.perPod) b.bound.set(p.claim, p.volume);
  }
}

/** Why a DaemonSet's pod for `n` cannot have its volumes there. */
function volumeExcludes(d: PodDemand, n: ClusterNode): string {
  if (d.volumeProblem) return d.volumeProblem;
  for (const v of d.volumes) {
    if (v.kind === 'static' && !v.volumes.some((pv) => admits(pv, n))) {
      return `${claimLabel(v.claim)} can only bind PersistentVolumes ${joinNames([...new Set(v.volumes.map((pv) => volumeNodesText(pv)))])}`;
    }
    if (v.kind === 'strict-local' && !v.nodes.includes(n)) {
      return `${claimLabel(v.claim)} is on StorageClass ${v.cls.name} with strict-local data locality, and ${n.name} has none of its disks`;
    }
  }
  return 'its volumes cannot be attached there';
}

/** Why no node of `candidates` has free PersistentVolumes for the pod's static claims. */
function noFreeVolume(d: PodDemand, candidates: readonly ClusterNode[], b: Bindings): string {
  for (const v of d.volumes) {
    if (v.kind !== 'static') continue;
    const bound = v.claim.perPod ? undefined : b.bound.get(v.claim);
    if (bound) {
      if (!candidates.some((n) => admits(bound, n))) {
        return `${claimLabel(v.claim)} is bound to PersistentVolume ${bound.name} ${volumeNodesText(bound)}, where this pod cannot go`;
      }
      continue;
    }
    if (!candidates.some((n) => firstFree(v.volumes, n, b) !== undefined)) {
      const taken = v.volumes.filter((pv) => b.taken.has(pv)).map((pv) => pv.name);
      return `${claimLabel(v.claim)} has no free PersistentVolume left: ${joinNames(taken)} ${taken.length === 1 ? 'is' : 'are'} bound to other claims`;
    }
  }
  return 'its claims cannot all get a free PersistentVolume on one node';
}

const MI = 2 ** 20;

function pendingReason(d: PodDemand, candidates: readonly ClusterNode[], byNode: Map<ClusterNode, NodePlacement>, b: Bindings): string {
  if (d.schedulable.length === 0) return 'no node tolerates its taints and matches its node selector, affinity and GPUs';
  if (d.eligible.length === 0) return d.volumeProblem ?? 'its volumes allow none of the nodes it may run on';
  const biggest = Math.max(...d.eligible.map((n) => n.memory.bytes));
  if (d.memory > biggest) return `Insufficient memory: it requests ${Math.round(d.memory / MI)}Mi per pod, more than the largest node it may run on (${Math.round(biggest / MI)}Mi)`;
  if (candidates.length === 0) return `pod anti-affinity: one pod per node and only ${d.eligible.length} eligible node(s)`;
  const withVolumes = candidates.filter((n) => volumesOn(d, n, b) !== undefined);
  if (withVolumes.length === 0) return noFreeVolume(d, candidates, b);
  const reasons: string[] = [];
  if (withVolumes.every((n) => byNode.get(n)!.memory + d.memory > n.memory.bytes)) reasons.push('Insufficient memory');
  if (withVolumes.every((n) => byNode.get(n)!.cpu + d.cpu > n.cpu.millis)) reasons.push('Insufficient cpu');
  if (withVolumes.every((n) => byNode.get(n)!.pods.length >= n.pods)) reasons.push('Too many pods');
  return reasons.length ? reasons.join(', ') : 'no single node has both the CPU and the memory free';
}

interface Footprint {
  cpu: number;
  memory: number;
  memoryLimit: number;
  pods: number;
  perNode?: { cpu: number; memory: number; memoryLimit: number };
}

function parseFootprint(raw: string): Footprint | undefined {
  try {
    const f = JSON.parse(raw);
    const res = (r: any) => ({ cpu: Cpu.parse(String(r.cpu)).millis, memory: Memory.parse(String(r.memory)).bytes, memoryLimit: Memory.parse(String(r.memoryLimit)).bytes });
    return { ...res(f), pods: Number(f.pods) || 0, perNode: f.perNode ? res(f.perNode) : undefined };
  } catch {
    return undefined;
  }
}
