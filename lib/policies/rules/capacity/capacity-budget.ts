import { ClusterNode } from '../../../core/profile';
import { AnalysisViolation, ManifestRecord, PolicyRule, RuleLevel, describe } from '../../rule';
import { simulatePlacement } from './placement';

const MI = 2 ** 20;
const mi = (bytes: number) => `${Math.round(bytes / MI)}Mi`;
const pct = (a: number, b: number) => `${b > 0 ? Math.round((a / b) * 100) : 0}%`;

/**
 * HK-X-04: every pod can be placed, and memory requests stay within the profile's budget.
 * Runs the placement simulation ({@link simulatePlacement}): each workload whose pods would
 * stay Pending is an error naming the reason; memory requests above
 * `profile.capacity.maxMemoryRequestShare` (default 85%) of the memory of the nodes the pods
 * may run on is an error. Contributes the "Placement" section of REPORT.md.
 */
export const capacityBudgetRule: PolicyRule = {
  id: 'HK-X-04',
  level: RuleLevel.ERROR,
  title: 'every pod can be placed, and memory requests stay within the budget',
  explanation: 'The cortex cluster requested 96-99% of its workers\' memory: seven cortex-school pods stayed Pending with '
    + '"Insufficient memory" while the two CriticalAddonsOnly masters could not take them. Requests are what the scheduler '
    + 'reserves, so over-requesting stops pods from starting even when real usage is low. The placement simulation names '
    + 'the pods that would stay Pending before they are deployed, volumes included: a claim that only static local '
    + 'PersistentVolumes can bind pins its pod to their nodes (the homelab\'s Whisparr claimed a local-ssd volume on k3s3 by '
    + 'label), a strict-local Longhorn class to the nodes with its disks, and a claim no volume can bind stays Pending.',
  fix: 'lower the memory requests to what the apps use at rest, mark optional apps Criticality.OPTIONAL and scale them down, or add nodes to the profile',
  analyze(ctx) {
    const profile = ctx.profile;
    if (!profile || profile.nodes.length === 0) return [];
    const { pending, demands } = simulatePlacement(ctx);
    const out: AnalysisViolation[] = [];
    const counts = new Map(demands.map((d) => [d.demand, d.count]));
    const byOwner = new Map<ManifestRecord, { reason: string; count: number; total: number }>();
    for (const p of pending) {
      const e = byOwner.get(p.demand.record);
      if (e) e.count++;
      else byOwner.set(p.demand.record, { reason: p.reason, count: 1, total: counts.get(p.demand) ?? 1 });
    }
    for (const [record, e] of byOwner) {
      out.push({ target: record, message: `${e.count} of ${e.total} pod(s) would stay Pending: ${e.reason}` });
    }

    const eligible = new Set<ClusterNode>();
    let total = 0;
    let largest: { record: ManifestRecord; bytes: number } | undefined;
    for (const { demand, count } of demands) {
      if (count === 0) continue;
      for (const n of demand.eligible) eligible.add(n);
      total += demand.memory * count;
      if (!largest || demand.memory * count > largest.bytes) largest = { record: demand.record, bytes: demand.memory * count };
    }
    const allocatable = [...eligible].reduce((n, x) => n + x.memory.bytes, 0);
    const share = profile.capacity.maxMemoryRequestShare;
    if (largest && allocatable > 0 && total > share * allocatable) {
      out.push({
        target: largest.record,
        message: `memory requests total ${mi(total)}, ${pct(total, allocatable)} of the ${mi(allocatable)} allocatable on the nodes they may run on `
          + `(${[...eligible].map((n) => n.name).sort().join(', ')}); the limit is ${Math.round(share * 100)}%. Largest: ${describe(largest.record.manifest)} with ${mi(largest.bytes)}`,
      });
    }
    return out;
  },
  report(ctx) {
    if (!ctx.profile || ctx.profile.nodes.length === 0) return undefined;
    const { nodes, pending, demands } = simulatePlacement(ctx);
    const lines = [
      'First-fit placement of every long-running pod (DaemonSets and upstream charts\' per-node pods first, then by priority and size), honouring taints, node selectors, node affinity, GPUs and hostname anti-affinity.',
      '',
      '| node | pods | cpu requests | cpu % | memory requests | memory % | memory limits | limits / allocatable |',
      '|---|---|---|---|---|---|---|---|',
    ];
    for (const p of nodes) {
      lines.push(`| ${p.node.name} | ${p.pods.length} | ${Math.round(p.cpu)}m of ${p.node.cpu.millis}m | ${pct(p.cpu, p.node.cpu.millis)} | ${mi(p.memory)} of ${mi(p.node.memory.bytes)} | ${pct(p.memory, p.node.memory.bytes)} | ${mi(p.memoryLimit)} | ${(p.memoryLimit / p.node.memory.bytes).toFixed(2)}× |`);
    }
    const pinned = demands.filter(({ demand: d, count }) => count > 0 && d.eligible.length > 0 && d.eligible.length < d.schedulable.length);
    if (pinned.length) {
      lines.push('', 'Pods whose volumes narrow their nodes (static PersistentVolumes\' node affinity, strict-local Longhorn classes):', '');
      for (const { demand: d } of pinned) lines.push(`- ${d.owner}: ${d.eligible.map((n) => n.name).join(', ')} (of ${d.schedulable.map((n) => n.name).join(', ')})`);
    }
    lines.push('');
    if (pending.length === 0) lines.push('Every pod is placed.');
    else {
      lines.push(`**${pending.length} pod(s) would stay Pending:**`, '');
      for (const p of pending) lines.push(`- ${p.demand.owner}: ${p.reason}`);
    }
    return { title: 'Placement', lines };
  },
};

/**
 * HK-X-22: limits and CPU requests stay within the budget after placement: memory limits in
 * total at most `profile.capacity.maxMemoryLimitRatio` × the memory of the nodes the pods run on
 * (over-commit: when limits are reached together the kernel OOM-kills), and CPU requests in
 * total at most `maxCpuRequestShare` of their CPU. Judged over all nodes together: the
 * placement is first-fit, which packs nodes the scheduler would spread.
 */
export const overcommitRule: PolicyRule = {
  id: 'HK-X-22',
  level: RuleLevel.WARNING,
  title: 'memory limits and CPU requests stay within the over-commit budget',
  explanation: 'The cortex pods\' memory limits added up to 2-3× their nodes\' memory: when several grew at once the '
    + 'kernel OOM-killed them. Limits far above allocatable are a bet that apps never peak together.',
  fix: 'bring memory limits closer to requests (a ratio of at most 2), or spread the apps over more nodes',
  analyze(ctx) {
    const profile = ctx.profile;
    if (!profile || profile.nodes.length === 0) return [];
    const { nodes, demands } = simulatePlacement(ctx);
    const used = nodes.filter((p) => p.pods.length > 0);
    if (used.length === 0) return [];
    let largest: { record: ManifestRecord; bytes: number } | undefined;
    for (const { demand, count } of demands) {
      const bytes = demand.memoryLimit * count;
      if (count > 0 && (!largest || bytes > largest.bytes)) largest = { record: demand.record, bytes };
    }
    const out: AnalysisViolation[] = [];
    const limits = used.reduce((n, p) => n + p.memoryLimit, 0);
    const memory = used.reduce((n, p) => n + p.node.memory.bytes, 0);
    const ratio = limits / memory;
    if (ratio > profile.capacity.maxMemoryLimitRatio && largest) {
      out.push({ target: largest.record, message: `memory limits add up to ${mi(limits)}, ${ratio.toFixed(2)}× the ${mi(memory)} of the nodes the pods run on (budget ${profile.capacity.maxMemoryLimitRatio}×). Largest: ${describe(largest.record.manifest)} with ${mi(largest.bytes)}` });
    }
    const cpu = used.reduce((n, p) => n + p.cpu, 0);
    const alloc = used.reduce((n, p) => n + p.node.cpu.millis, 0);
    if (cpu > profile.capacity.maxCpuRequestShare * alloc) {
      out.push({ target: used[0].records[0], message: `CPU requests total ${Math.round(cpu)}m, ${pct(cpu, alloc)} of the ${alloc}m on the nodes they run on (budget ${Math.round(profile.capacity.maxCpuRequestShare * 100)}%)` });
    }
    return out;
  },
};
