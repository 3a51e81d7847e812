import { IConstruct } from 'constructs';
import { ValidationError } from './errors';

/**
 * The shortest reason the library accepts wherever a user opts out of a default and must say
 * why: policy exemptions, `app-native:`/`public:` route auth declarations, Vault without TLS,
 * OAuth2-proxy hostAliases. Long enough that "todo" or "temp" do not pass, short enough for a
 * real sentence such as "lab cluster, WireGuard between all nodes".
 */
export const MIN_REASON_LENGTH = 10;

/** How a reason is checked. */
export interface ReasonOptions {
  /**
   * The reason must fit on one line (it is written into a one-line annotation or a table row).
   * @default false
   */
  readonly oneLine?: boolean;
}

/** What {@link validateReason} says when a reason is refused. */
export interface ReasonRequirement extends ReasonOptions {
  /**
   * The start of the rule, up to "a reason": e.g. `an exemption needs` gives the rule
   * "an exemption needs a reason of at least 10 characters".
   */
  readonly needs: string;
  /** How to fix it, with an example of a good reason. */
  readonly fix: string;
}

/**
 * True when `value` is a reason the library accepts: a string of at least
 * {@link MIN_REASON_LENGTH} characters once trimmed (and on one line with `oneLine`).
 * Pure, for policy rules that judge reasons written into manifests.
 */
export function isReason(value: unknown, options: ReasonOptions = {}): value is string {
  if (typeof value !== 'string') return false;
  const r = value.trim();
  return r.length >= MIN_REASON_LENGTH && !(options.oneLine && /[\r\n]/.test(r));
}

/**
 * Checks a reason and returns it trimmed.
 * @param scope the construct (or path) the error names; `undefined` for a path-less error that a
 *   construct places later with `ValidationError.within`
 * @param prop the prop holding the reason, e.g. `hostAliases.reason`
 * @param value the reason as given
 * @throws ValidationError `<needs> a [one-line ]reason of at least 10 characters` when it is not one
 */
export function validateReason(scope: IConstruct | string | undefined, prop: string, value: unknown, requirement: ReasonRequirement): string {
  if (!isReason(value, requirement)) {
    throw new ValidationError(scope, {
      prop, value,
      rule: `${requirement.needs} a ${requirement.oneLine ? 'one-line ' : ''}reason of at least ${MIN_REASON_LENGTH} characters`,
      fix: requirement.fix,
    });
  }
  return value.trim();
}
