import { selectorMatches } from '../../pod';
import { AnalysisViolation, PolicyRule, RuleLevel, describe } from '../../rule';
import { HOSTNAME_KEY, PodTemplateRef, isReplicated, list, plural, podSelectorLabels, podTemplates, replicaCounter, yamlLabels } from './_shared';

/** True when the pod spec spreads its own pods across nodes (spread constraint or anti-affinity on the hostname). */
function spreadsAcrossNodes(p: PodTemplateRef): boolean {
  const own = (selector: any) => selectorMatches(selector, p.labels);
  for (const c of list(p.spec.topologySpreadConstraints)) {
    if (c?.topologyKey === HOSTNAME_KEY && own(c.labelSelector)) return true;
  }
  const anti = p.spec.affinity?.podAntiAffinity;
  const terms = [
    ...list(anti?.requiredDuringSchedulingIgnoredDuringExecution),
    ...list(anti?.preferredDuringSchedulingIgnoredDuringExecution).map((w: any) => w?.podAffinityTerm),
  ];
  return terms.some((t: any) => t?.topologyKey === HOSTNAME_KEY && own(t.labelSelector));
}

/** HK-AVL-02 (W): a workload with two or more replicas spreads them across nodes. */
export const replicaSpreadRule: PolicyRule = {
  id: 'HK-AVL-02',
  level: RuleLevel.WARNING,
  title: 'Replicated workloads spread their pods across nodes',
  explanation:
    'Without a topology spread constraint or pod anti-affinity on kubernetes.io/hostname the scheduler may stack every replica on one '
    + 'node, and losing that node takes the whole service down. In the cortex cluster (seed 000) four of six pods ran on a single node.',
  fix: 'Add a topologySpreadConstraints entry with topologyKey kubernetes.io/hostname, maxSkew 1, whenUnsatisfiable ScheduleAnyway '
    + 'and a labelSelector matching the pod labels (or a podAntiAffinity term on kubernetes.io/hostname).',
  analyze(ctx) {
    const replicas = replicaCounter(ctx);
    const out: AnalysisViolation[] = [];
    for (const p of podTemplates(ctx)) {
      if (!isReplicated(p.manifest)) continue;
      const n = replicas(p.manifest) ?? 1;
      if (n < 2 || spreadsAcrossNodes(p)) continue;
      out.push({
        target: p.record,
        message: `${describe(p.manifest)} runs ${plural(n, 'replica')} without a topologySpreadConstraint or podAntiAffinity term on `
          + `${HOSTNAME_KEY} that selects its own pods, so they may all land on one node`,
        fix: `add topologySpreadConstraints: [{maxSkew: 1, topologyKey: ${HOSTNAME_KEY}, whenUnsatisfiable: ScheduleAnyway, `
          + `labelSelector: {matchLabels: ${yamlLabels(podSelectorLabels(p))}}}] to the pod template of ${describe(p.manifest)}`,
      });
    }
    return out;
  },
};
