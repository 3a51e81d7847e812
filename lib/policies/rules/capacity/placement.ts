import { AnnotationKeys } from '../../../core/labels';
import { ClusterNode, GpuVendor } from '../../../core/profile';
import { Cpu, Memory, quantityValue } from '../../../core/quantity';
import { helmReleaseOf } from '../../helm';
import { allContainers, isBatch, podTemplateOf, replicasOf, schedulableNodes } from '../../pod';
import { ManifestRecord, PolicyContext, describe } from '../../rule';

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
  readonly eligible: readonly ClusterNode[];
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
  'nvidia.com/gpu': GpuVendor.NVIDIA,
  'nvidia.com/gpu.shared': GpuVendor.NVIDIA,
  'gpu.intel.com/i915': GpuVendor.INTEL,
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
 * anti-affinity). Pods that fit nowhere are pending, with the scheduler's reason. Linear in
 * the number of pods times the number of nodes.
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

  const demands: { demand: PodDemand; count: number }[] = [];
  const replicated: { demand: PodDemand; count: number }[] = [];
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
      const eligible = eligibleNodes(pod.spec, nodes);
      const demand: PodDemand = {
        record, owner: describe(m), namespace: m.metadata.namespace, ...req,
        priority: priorities.get(pod.spec?.priorityClassName) ?? 0,
        eligible, spreadByHost: spreadsByHost(pod.spec, pod.metadata?.labels ?? {}),
      };
      if (m.kind === 'DaemonSet') {
        for (const n of eligible) place(byNode.get(n)!, demand);
        demands.push({ demand, count: eligible.length });
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
      const d: PodDemand = { record, owner, namespace: release!.namespace, ...f.perNode, priority: 0, eligible: nodes, spreadByHost: false };
      for (const p of placements) place(p, d);
      demands.push({ demand: d, count: nodes.length });
    }
    if (f.pods > 0) {
      const untainted = nodes.filter((n) => n.tolerates([]));
      const d: PodDemand = {
        record, owner, namespace: release!.namespace, cpu: f.cpu / f.pods, memory: f.memory / f.pods, memoryLimit: f.memoryLimit / f.pods,
        priority: 0, eligible: untainted, spreadByHost: false,
      };
      replicated.push({ demand: d, count: f.pods });
      demands.push({ demand: d, count: f.pods });
    }
  }

  replicated.sort((a, b) => b.demand.priority - a.demand.priority || b.demand.memory - a.demand.memory || a.demand.owner.localeCompare(b.demand.owner));
  const pending: PendingPod[] = [];
  for (const { demand, count } of replicated) {
    const used = new Set<ClusterNode>();
    for (let i = 0; i < count; i++) {
      const candidates = demand.eligible.filter((n) => !(demand.spreadByHost && used.has(n)));
      const fit = candidates.find((n) => {
        const p = byNode.get(n)!;
        return p.memory + demand.memory <= n.memory.bytes && p.cpu + demand.cpu <= n.cpu.millis && p.pods.length < n.pods;
      });
      if (fit) {
        place(byNode.get(fit)!, demand);
        used.add(fit);
        continue;
      }
      pending.push({ demand, reason: pendingReason(demand, candidates, byNode) });
    }
  }
  return { nodes: placements, pending, demands };
}

const MI = 2 ** 20;

function pendingReason(d: PodDemand, candidates: readonly ClusterNode[], byNode: Map<ClusterNode, NodePlacement>): string {
  if (d.eligible.length === 0) return 'no node tolerates its taints and matches its node selector, affinity and GPUs';
  const biggest = Math.max(...d.eligible.map((n) => n.memory.bytes));
  if (d.memory > biggest) return `Insufficient memory: it requests ${Math.round(d.memory / MI)}Mi per pod, more than the largest node it may run on (${Math.round(biggest / MI)}Mi)`;
  if (candidates.length === 0) return `pod anti-affinity: one pod per node and only ${d.eligible.length} eligible node(s)`;
  const reasons: string[] = [];
  if (candidates.every((n) => byNode.get(n)!.memory + d.memory > n.memory.bytes)) reasons.push('Insufficient memory');
  if (candidates.every((n) => byNode.get(n)!.cpu + d.cpu > n.cpu.millis)) reasons.push('Insufficient cpu');
  if (candidates.every((n) => byNode.get(n)!.pods.length >= n.pods)) reasons.push('Too many pods');
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
