import { ClusterNode } from '../../../core/profile';
import { quantityValue } from '../../../core/quantity';
import { allContainers, isBatch, podTemplateOf, replicasOf } from '../../pod';
import { AnalysisViolation, ManifestRecord, PolicyRule, RuleLevel, describe } from '../../rule';

/** Share of eligible allocatable memory that requests may use before the synth fails. */
export const MAX_MEMORY_REQUEST_SHARE = 0.85;

const MI = 2 ** 20;

/** Effective memory request of one pod: max(sum of main containers, largest init container). */
function podMemoryRequest(spec: any): number {
  let main = 0;
  let init = 0;
  for (const { container, list } of allContainers(spec)) {
    const v = quantityValue(container?.resources?.requests?.memory) ?? 0;
    if (list === 'containers') main += v;
    else if (list === 'initContainers') init = Math.max(init, v);
  }
  return Math.max(main, init);
}

/** Nodes a pod may land on: taints tolerated, nodeSelector and required hostname affinity satisfied. */
function eligibleNodes(spec: any, nodes: readonly ClusterNode[]): ClusterNode[] {
  const selector: Record<string, string> = spec?.nodeSelector ?? {};
  const hostnames = new Set<string>();
  for (const term of spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const e of term.matchExpressions ?? []) {
      if (e.key === 'kubernetes.io/hostname' && e.operator === 'In') for (const v of e.values ?? []) hostnames.add(v);
    }
  }
  return nodes.filter((n) => n.tolerates(spec?.tolerations ?? [])
    && Object.entries(selector).every(([k, v]) => n.labels[k] === v)
    && (hostnames.size === 0 || hostnames.has(n.name)));
}

/**
 * HK-X-04: memory requests fit the nodes that can run them. Each pod's request must fit the
 * largest node it may land on, and all requests together must stay within
 * {@link MAX_MEMORY_REQUEST_SHARE} of the memory of the nodes they may land on (taints,
 * node selectors and hostname affinity honoured; DaemonSets counted once per eligible node).
 */
export const capacityBudgetRule: PolicyRule = {
  id: 'HK-X-04',
  level: RuleLevel.ERROR,
  title: 'memory requests must fit the nodes that can run them',
  explanation: 'The cortex cluster requested 96-99% of its workers\' memory: seven cortex-school pods stayed Pending with '
    + '"Insufficient memory" while the two CriticalAddonsOnly masters could not take them. Requests are what the scheduler '
    + 'reserves, so over-requesting stops pods from starting even when real usage is low.',
  fix: 'lower the memory requests to what the apps use at rest, mark optional apps Criticality.OPTIONAL and scale them down, or add nodes to the profile',
  analyze(ctx) {
    const nodes = ctx.profile?.nodes;
    if (!nodes || nodes.length === 0) return [];
    const out: AnalysisViolation[] = [];
    const eligibleUnion = new Set<ClusterNode>();
    let total = 0;
    let largest: { record: ManifestRecord; bytes: number } | undefined;
    for (const record of ctx.objects) {
      const m = record.manifest;
      const pod = podTemplateOf(m);
      if (!pod || isBatch(m) || m.kind === 'Pod') continue;
      const perPod = podMemoryRequest(pod.spec);
      const eligible = eligibleNodes(pod.spec, nodes);
      const replicas = m.kind === 'DaemonSet' ? eligible.length : replicasOf(m) ?? 0;
      if (replicas === 0) continue;
      if (eligible.length === 0) {
        out.push({ target: record, message: `fits no node of the profile: no node tolerates its taints and matches its node selector/affinity, so its pods would stay Pending` });
        continue;
      }
      const biggest = Math.max(...eligible.map((n) => n.memory.bytes));
      if (perPod > biggest) {
        out.push({ target: record, message: `requests ${Math.round(perPod / MI)}Mi per pod, more than the largest node it may run on (${Math.round(biggest / MI)}Mi): its pods would stay Pending with "Insufficient memory"` });
      }
      for (const n of eligible) eligibleUnion.add(n);
      total += perPod * replicas;
      if (!largest || perPod * replicas > largest.bytes) largest = { record, bytes: perPod * replicas };
    }
    const allocatable = [...eligibleUnion].reduce((n, x) => n + x.memory.bytes, 0);
    if (largest && allocatable > 0 && total > MAX_MEMORY_REQUEST_SHARE * allocatable) {
      out.push({
        target: largest.record,
        message: `memory requests total ${Math.round(total / MI)}Mi, ${Math.round((total / allocatable) * 100)}% of the ${Math.round(allocatable / MI)}Mi allocatable on the nodes they may run on `
          + `(${[...eligibleUnion].map((n) => n.name).sort().join(', ')}); the limit is ${Math.round(MAX_MEMORY_REQUEST_SHARE * 100)}%. Largest: ${describe(largest.record.manifest)} with ${Math.round(largest.bytes / MI)}Mi`,
      });
    }
    return out;
  },
};
