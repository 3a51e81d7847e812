import { AnalysisViolation, Manifest, ManifestRecord, PolicyRule, RuleLevel, describe } from '../../rule';
import { PodIndex, isLongRunning, namespaceOf, plural, podTemplates, replicaCounter } from './_shared';

/** An IntOrString budget value: an integer, a percentage, or something unreadable. */
type Budget = { kind: 'int'; value: number; text: string } | { kind: 'percent'; value: number; text: string } | { kind: 'invalid'; text: string };

function budget(v: unknown): Budget {
  if (typeof v === 'number' && Number.isInteger(v)) return { kind: 'int', value: v, text: String(v) };
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return { kind: 'int', value: Number(v.trim()), text: v.trim() };
  if (typeof v === 'string' && /^\d+(\.\d+)?%$/.test(v.trim())) return { kind: 'percent', value: Number(v.trim().slice(0, -1)), text: v.trim() };
  return { kind: 'invalid', text: String(v) };
}

/** HK-AVL-05: every PodDisruptionBudget leaves room for at least one eviction. */
export const pdbAllowsEvictionRule: PolicyRule = {
  id: 'HK-AVL-05',
  level: RuleLevel.ERROR,
  title: 'PodDisruptionBudgets allow at least one eviction',
  explanation:
    'A PodDisruptionBudget that can never be satisfied (maxUnavailable 0, minAvailable 100%, or minAvailable equal to the replica count) '
    + 'makes every node drain hang, turning routine upkeep into an outage. In the cortex cluster (seed 000) the redis PDBs in cortex-dev '
    + 'and cortex-security set minAvailable 1 on a single-replica redis, which blocked drains of its node.',
  fix: 'Use maxUnavailable: 1 instead of minAvailable, or run more replicas than minAvailable.',
  analyze(ctx) {
    const replicas = replicaCounter(ctx);
    const index = new PodIndex(podTemplates(ctx));
    const out: AnalysisViolation[] = [];
    for (const r of ctx.byKind('PodDisruptionBudget')) {
      out.push(...judge(r, index, replicas));
    }
    return out;
  },
};

function judge(r: ManifestRecord, index: PodIndex, replicas: (m: Manifest) => number | undefined): AnalysisViolation[] {
  const m = r.manifest;
  const spec = m.spec ?? {};
  const name = describe(m);
  const blocked = 'so no pod can ever be evicted';
  if (spec.minAvailable === undefined && spec.maxUnavailable === undefined) {
    return [{ target: r, message: `${name} sets neither minAvailable nor maxUnavailable`, fix: `set maxUnavailable: 1 on ${name}` }];
  }
  if (spec.maxUnavailable !== undefined) {
    const b = budget(spec.maxUnavailable);
    if (b.kind !== 'invalid' && b.value === 0) {
      return [{ target: r, message: `${name} sets maxUnavailable ${b.text}, ${blocked}`, fix: `set maxUnavailable: 1 on ${name}` }];
    }
    return [];
  }
  const b = budget(spec.minAvailable);
  if (b.kind === 'percent' && b.value >= 100) {
    return [{ target: r, message: `${name} sets minAvailable ${b.text}, ${blocked}`, fix: `replace minAvailable with maxUnavailable: 1 on ${name}` }];
  }
  if (b.kind === 'invalid') return [];
  const out: AnalysisViolation[] = [];
  for (const p of index.select(namespaceOf(m), spec.selector)) {
    const n = replicas(p.manifest);
    if (n === undefined || n === 0 || !isLongRunning(p.manifest)) continue;
    // The disruption controller rounds a percentage of minAvailable up.
    const required = b.kind === 'int' ? b.value : Math.ceil((b.value * n) / 100);
    if (required < n) continue;
    const shown = b.kind === 'int' ? b.text : `${b.text} (${plural(required, 'pod')})`;
    out.push({
      target: r,
      message: `${name} requires minAvailable ${shown} but ${describe(p.manifest)} runs ${plural(n, 'replica')}, ${blocked}`,
      fix: `replace minAvailable with maxUnavailable: 1 on ${name}, or run more than ${plural(required, 'replica')} of ${describe(p.manifest)}`,
    });
  }
  return out;
}
