import { AnalysisViolation, PolicyRule, RuleLevel, describe } from '../../rule';
import { PodIndex, PodTemplateRef, isReplicated, namespaceOf, plural, podSelectorLabels, podTemplates, replicaCounter, yamlLabels } from './_shared';

/** HK-AVL-04: a Deployment or StatefulSet with two or more replicas is covered by a PodDisruptionBudget. */
export const pdbCoverageRule: PolicyRule = {
  id: 'HK-AVL-04',
  level: RuleLevel.ERROR,
  title: 'Deployments and StatefulSets with two or more replicas have a PodDisruptionBudget',
  explanation:
    'Without a PodDisruptionBudget a node drain (an upgrade, a reboot, Longhorn maintenance) may evict every replica at once, so running '
    + 'several replicas buys no availability during upkeep. The cortex cluster (seed 000) had no PDBs for most services, and the Vault '
    + 'deployment of seed 002 had none either.',
  fix: 'Add a PodDisruptionBudget in the same namespace whose selector matches the pod labels, with maxUnavailable: 1 and '
    + 'unhealthyPodEvictionPolicy: AlwaysAllow.',
  analyze(ctx) {
    const replicas = replicaCounter(ctx);
    const pods = podTemplates(ctx);
    const index = new PodIndex(pods);
    const covered = new Set<PodTemplateRef>();
    for (const r of ctx.byKind('PodDisruptionBudget')) {
      for (const p of index.select(namespaceOf(r.manifest), r.manifest.spec?.selector)) covered.add(p);
    }
    const out: AnalysisViolation[] = [];
    for (const p of pods) {
      if (!isReplicated(p.manifest) || covered.has(p)) continue;
      const n = replicas(p.manifest) ?? 1;
      if (n < 2) continue;
      out.push({
        target: p.record,
        message: `${describe(p.manifest)} runs ${plural(n, 'replica')} but no PodDisruptionBudget in ${p.namespace} selects its pods`,
        fix: `add a PodDisruptionBudget in ${p.namespace} with selector.matchLabels ${yamlLabels(podSelectorLabels(p))}, `
          + 'maxUnavailable: 1 and unhealthyPodEvictionPolicy: AlwaysAllow',
      });
    }
    return out;
  },
};
