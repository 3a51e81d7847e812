import { ClusterProfile } from '../core/profile';

/** How bad a finding is. */
export enum RuleLevel {
  /** The synth fails unless the object carries an exemption with a reason. */
  ERROR = 'error',
  /** Reported in the synth output and REPORT.md; the synth succeeds. */
  WARNING = 'warning',
}

/** A rendered Kubernetes object, as the policies see it (plain JSON). */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
    readonly [key: string]: unknown;
  };
  readonly [key: string]: any;
}

/** A manifest and where it came from. */
export interface ManifestRecord {
  readonly manifest: Manifest;
  /** The construct path of the ApiObject (or a file path for objects read from disk). */
  readonly path: string;
}

/** One problem a rule found, on one object. */
export interface RuleViolation {
  /** What is wrong, in one sentence, naming the container/field when there is one. */
  readonly message: string;
  /** A fix specific to this violation. @default - the rule's fix */
  readonly fix?: string;
  /**
   * How bad this violation is, when a rule reports findings of two levels (e.g. HK-X-08: too little
   * headroom is an error, no limit at all a warning). @default - the rule's level
   */
  readonly level?: RuleLevel;
}

/** One problem a whole-cluster analysis found. */
export interface AnalysisViolation extends RuleViolation {
  /** The object the finding is reported on (and whose exemptions apply). */
  readonly target: ManifestRecord;
}

/**
 * A policy rule: an id, a level, an explanation, a fix, and either a per-object `check`
 * or a whole-cluster `analyze` (or both). Rules are pure functions of the rendered objects,
 * so they judge objects a user adds by hand exactly like the ones the patterns build.
 */
export interface PolicyRule {
  /** Stable id, e.g. `HK-SEC-08`. */
  readonly id: string;
  readonly level: RuleLevel;
  /** One line: what the rule requires. */
  readonly title: string;
  /** Why, naming the incident it prevents where there is one. */
  readonly explanation: string;
  /** The general fix. */
  readonly fix: string;
  /** Judges one object. Return an empty list when compliant or not applicable. */
  check?(m: Manifest, ctx: PolicyContext): RuleViolation[];
  /** Judges the whole object set (cross-references, capacity, coverage). */
  analyze?(ctx: PolicyContext): AnalysisViolation[];
  /**
   * A section of the cluster's REPORT.md (e.g. the backup coverage table), computed from the
   * same context. Return `undefined` when there is nothing to report.
   */
  report?(ctx: PolicyContext): ReportSection | undefined;
}

/** A REPORT.md section contributed by a rule. */
export interface ReportSection {
  /** Heading (rendered as `## title`). */
  readonly title: string;
  /** Markdown body lines (tables, lists). */
  readonly lines: readonly string[];
}

/** A named selection of rules. */
export interface PolicyPack {
  readonly name: string;
  readonly rules: readonly PolicyRule[];
}

/** A finding: one violation of one rule on one object. */
export interface Finding {
  readonly ruleId: string;
  readonly level: RuleLevel;
  /** Construct path of the object. */
  readonly path: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly message: string;
  readonly fix: string;
  /** The reason from the object's exemption annotation, when the object is exempt. */
  readonly exemption?: string;
}

/** What the rules can read: every object of the cluster, indexed, and the cluster profile. */
/**
 * A Secret a construct declared it needs (`requireSecret`) without a pod reference showing it,
 * e.g. one named in chart values (`existingSecret`). Plain data, so rules stay manifest-only.
 */
export interface DeclaredSecret {
  readonly namespace: string;
  readonly name: string;
  readonly keys: readonly string[];
  /** Construct path of the consumer. */
  readonly consumer: string;
}

export interface PolicyContext {
  readonly objects: readonly ManifestRecord[];
  readonly profile?: ClusterProfile;
  /** Secrets constructs declared with `requireSecret`. @default - none (hand-written objects only) */
  readonly declaredSecrets: readonly DeclaredSecret[];
  /** Objects by `kind`. */
  byKind(kind: string): readonly ManifestRecord[];
  /** The Service `name` in `namespace`, if synthesized. */
  service(namespace: string, name: string): Manifest | undefined;
  /** Objects of `kind` in `namespace`. */
  inNamespace(kind: string, namespace: string): readonly ManifestRecord[];
  /** Namespaces that objects are synthesized into (excluding cluster-scoped objects). */
  readonly namespaces: ReadonlySet<string>;
}

/** `Kind namespace/name` for messages. */
export function describe(m: Manifest): string {
  const ns = m.metadata?.namespace ? `${m.metadata.namespace}/` : '';
  return `${m.kind} ${ns}${m.metadata?.name ?? '<unnamed>'}`;
}
