import { AnalysisViolation, PolicyRule, RuleLevel, describe } from '../../rule';
import { PodIndex, PodTemplateRef, isEmptySelector, isLongRunning, namespaceOf, podTemplates, policyTypesOf } from './_shared';

type Direction = 'Ingress' | 'Egress';
const DIRECTIONS: readonly Direction[] = ['Ingress', 'Egress'];

/** HK-NET-01: every long-running pod is selected by NetworkPolicies covering Ingress and Egress. */
export const networkPolicyCoverageRule: PolicyRule = {
  id: 'HK-NET-01',
  level: RuleLevel.ERROR,
  title: 'Every long-running pod is selected by a NetworkPolicy for Ingress and one for Egress',
  explanation:
    'A pod that no NetworkPolicy selects for a direction accepts (or opens) any connection in that direction, so one compromised pod can '
    + 'reach every database and admin UI in the cluster. The Vault cluster of seed 002 ran with no NetworkPolicies at all '
    + '("network policies not configured").',
  fix: 'Add a default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress) to the namespace, plus allow policies for the '
    + 'traffic the pod needs.',
  analyze(ctx) {
    const pods = podTemplates(ctx);
    const index = new PodIndex(pods);
    // Namespace-wide policies (podSelector {}) are recorded per namespace, not per pod, so a default-deny costs O(1).
    const wholeNamespace = new Map<string, Set<Direction>>();
    const perPod = new Map<PodTemplateRef, Set<Direction>>();
    for (const r of ctx.byKind('NetworkPolicy')) {
      const ns = namespaceOf(r.manifest);
      const types = policyTypesOf(r.manifest);
      const selector = r.manifest.spec?.podSelector;
      if (isEmptySelector(selector)) {
        addAll(wholeNamespace, ns, types);
        continue;
      }
      for (const p of index.select(ns, selector)) addAll(perPod, p, types);
    }
    const out: AnalysisViolation[] = [];
    for (const p of pods) {
      if (!isLongRunning(p.manifest)) continue;
      const missing = DIRECTIONS.filter((d) => !wholeNamespace.get(p.namespace)?.has(d) && !perPod.get(p)?.has(d));
      if (missing.length === 0) continue;
      out.push({
        target: p.record,
        message: `no NetworkPolicy in ${p.namespace} covers ${missing.join(' or ')} for the pods of ${describe(p.manifest)}`,
        fix: `add a default-deny NetworkPolicy (podSelector {}, policyTypes [Ingress, Egress]) to namespace ${p.namespace}, `
          + `then allow the ${missing.map((d) => d.toLowerCase()).join(' and ')} traffic ${describe(p.manifest)} needs with policies selecting its labels`,
      });
    }
    return out;
  },
};

function addAll<K>(map: Map<K, Set<Direction>>, key: K, types: Set<Direction>): void {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  for (const t of types) set.add(t);
}
