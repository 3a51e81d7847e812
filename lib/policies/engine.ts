import { AnnotationKeys } from '../core/labels';
import { ClusterProfile } from '../core/profile';
import { MIN_REASON_LENGTH, isReason } from '../core/reasons';
import { DeclaredSecret, Finding, Manifest, ManifestRecord, PolicyContext, PolicyPack, PolicyRule, ReportSection, RuleLevel, describe } from './rule';

/** The id of the engine's own rule about malformed exemptions. */
export const EXEMPTION_RULE_ID = 'HK-META-01';

/**
 * Builds the indexed context the rules read. Linear in the number of objects.
 * @param declaredSecrets Secrets constructs declared with `requireSecret` (the Cluster passes them)
 */
export function createContext(objects: readonly ManifestRecord[], profile?: ClusterProfile, declaredSecrets: readonly DeclaredSecret[] = []): PolicyContext {
  const byKind = new Map<string, ManifestRecord[]>();
  const byKindNs = new Map<string, ManifestRecord[]>();
  const services = new Map<string, Manifest>();
  const namespaces = new Set<string>();
  for (const r of objects) {
    const m = r.manifest;
    push(byKind, m.kind, r);
    const ns = m.metadata?.namespace;
    if (ns) {
      namespaces.add(ns);
      push(byKindNs, `${m.kind}\u0000${ns}`, r);
      if (m.kind === 'Service' && m.apiVersion === 'v1' && m.metadata.name) {
        services.set(`${ns}/${m.metadata.name}`, m);
      }
    }
    if (m.kind === 'Namespace' && m.metadata?.name) {
      namespaces.add(m.metadata.name);
    }
  }
  return {
    objects,
    profile,
    declaredSecrets,
    namespaces,
    byKind: (kind) => byKind.get(kind) ?? [],
    inNamespace: (kind, ns) => byKindNs.get(`${kind}\u0000${ns}`) ?? [],
    service: (ns, name) => services.get(`${ns}/${name}`),
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Reads the exemption annotation of an object: `{ ruleId: reason }`.
 * Returns the problems found instead of throwing, so the engine can report them as findings.
 */
export function readExemptions(m: Manifest): { exemptions: Map<string, string>; problems: string[] } {
  const exemptions = new Map<string, string>();
  const raw = m.metadata?.annotations?.[AnnotationKeys.EXEMPTIONS];
  if (raw === undefined) {
    return { exemptions, problems: [] };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { exemptions, problems: [`annotation ${AnnotationKeys.EXEMPTIONS} is not JSON: ${raw}`] };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { exemptions, problems: [`annotation ${AnnotationKeys.EXEMPTIONS} must be a JSON object {"<rule-id>": "<reason>"}`] };
  }
  const problems: string[] = [];
  for (const [id, reason] of Object.entries(parsed as Record<string, unknown>)) {
    if (!isReason(reason)) {
      problems.push(`exemption from ${id} has no reason of at least ${MIN_REASON_LENGTH} characters (${JSON.stringify(reason)})`);
    } else {
      exemptions.set(id, reason.trim());
    }
  }
  return { exemptions, problems };
}

/**
 * Runs every rule of `packs` over `objects` and returns all findings, exempted ones included
 * (marked with their reason). Each rule runs once per object (checks) or once per cluster
 * (analyses): linear in the number of objects for linear rules. Pass `context` to share one
 * index (and the analyses' caches, such as the placement) with {@link reportSections}.
 */
export function evaluatePolicies(objects: readonly ManifestRecord[], packs: readonly PolicyPack[], profile?: ClusterProfile, context?: PolicyContext): Finding[] {
  const ctx = context ?? createContext(objects, profile);
  const rules = uniqueRules(packs);
  const known = new Set(rules.map((r) => r.id));
  const exemptionsOf = new Map<ManifestRecord, Map<string, string>>();
  const findings: Finding[] = [];

  for (const r of objects) {
    const { exemptions, problems } = readExemptions(r.manifest);
    exemptionsOf.set(r, exemptions);
    for (const p of problems) {
      findings.push(finding(r, EXEMPTION_RULE_ID, RuleLevel.ERROR, p, `write the annotation as a JSON object whose values say why, in at least ${MIN_REASON_LENGTH} characters`));
    }
    for (const id of exemptions.keys()) {
      if (!known.has(id)) {
        findings.push(finding(r, EXEMPTION_RULE_ID, RuleLevel.ERROR, `exemption names unknown rule ${id}`,
          'use a rule id from the policy pack (see docs/policies.md), or remove the exemption'));
      }
    }
  }

  const add = (rule: PolicyRule, r: ManifestRecord, message: string, fix?: string, level?: RuleLevel) => {
    const reason = exemptionsOf.get(r)?.get(rule.id);
    findings.push(finding(r, rule.id, level ?? rule.level, message, fix ?? rule.fix, reason));
  };

  for (const rule of rules) {
    if (rule.check) {
      for (const r of objects) {
        for (const v of rule.check(r.manifest, ctx)) {
          add(rule, r, v.message, v.fix, v.level);
        }
      }
    }
    if (rule.analyze) {
      for (const v of rule.analyze(ctx)) {
        if (!exemptionsOf.has(v.target)) {
          exemptionsOf.set(v.target, readExemptions(v.target.manifest).exemptions);
        }
        add(rule, v.target, v.message, v.fix, v.level);
      }
    }
  }
  return findings;
}

/**
 * The REPORT.md sections the rules of `packs` contribute, in pack order. Reuses `ctx` when
 * given (one index for findings and report).
 */
export function reportSections(objects: readonly ManifestRecord[], packs: readonly PolicyPack[], profile?: ClusterProfile, ctx?: PolicyContext): ReportSection[] {
  const context = ctx ?? createContext(objects, profile);
  const out: ReportSection[] = [];
  for (const rule of uniqueRules(packs)) {
    const section = rule.report?.(context);
    if (section) out.push(section);
  }
  return out;
}

function uniqueRules(packs: readonly PolicyPack[]): PolicyRule[] {
  const seen = new Map<string, PolicyRule>();
  for (const p of packs) {
    for (const r of p.rules) {
      if (!seen.has(r.id)) seen.set(r.id, r);
    }
  }
  return [...seen.values()];
}

function finding(r: ManifestRecord, ruleId: string, level: RuleLevel, message: string, fix: string, exemption?: string): Finding {
  const m = r.manifest;
  return {
    ruleId, level, path: r.path, kind: m.kind, namespace: m.metadata?.namespace, name: m.metadata?.name, message, fix, exemption,
  };
}

/** Findings that fail a synth: errors without an exemption. */
export function blockingFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.level === RuleLevel.ERROR && f.exemption === undefined);
}

/** One finding as a few lines: object path, rule id, what is wrong, how to fix. */
export function formatFinding(f: Finding): string {
  const obj = `${f.kind} ${f.namespace ? `${f.namespace}/` : ''}${f.name ?? ''}`;
  return `[${f.path}] ${f.ruleId} (${f.level}) ${obj}: ${f.message}\n    fix: ${f.fix}`;
}

export { describe };
