import { IConstruct } from 'constructs';

/**
 * What a {@link ValidationError} says about one bad input.
 */
export interface ValidationErrorDetails {
  /** The prop (or dotted prop path, e.g. `nodes[2].allocatable.memory`) that is wrong. */
  readonly prop: string;
  /** The value that was received. */
  readonly value: unknown;
  /** The rule the value breaks, in the user's terms. */
  readonly rule: string;
  /** How to fix it. */
  readonly fix: string;
}

/**
 * The one error type the library throws for bad input.
 *
 * Its message has one house format, so users learn to read it once:
 *
 * ```text
 * [homelab/media/sonarr] resources.memory = "512Mb": not a Kubernetes memory quantity. Fix: did you mean "512Mi"?
 * ```
 *
 * i.e. `[<construct path>] <prop> = <value>: <rule>. Fix: <fix>`.
 */
export class ValidationError extends Error {
  /**
   * Runs `fn`; a ValidationError it throws is re-thrown with `scope`'s path and with `prop`
   * prefixed to the error's prop. Pure helpers (quantity and name parsers) throw without a
   * path; constructs call them through this so that every error names the construct.
   */
  public static within<T>(scope: IConstruct | string, prop: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof ValidationError) {
        throw e.at(scope, prop);
      }
      throw e;
    }
  }

  /**
   * Runs `fn`; a path-less ValidationError it throws is re-thrown, still without a path, with
   * `prop` in front of its prop. For helpers that check a part of a larger value (a label map,
   * a probe, an env source) before a construct places the error with {@link within}.
   */
  public static under<T>(prop: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof ValidationError && e.path === undefined) {
        throw new ValidationError(undefined, { prop: joinProps(prop, e.prop), value: e.value, rule: e.rule, fix: e.fix });
      }
      throw e;
    }
  }

  /** The construct path, or `undefined` when thrown by a pure helper. */
  public readonly path?: string;
  public readonly prop: string;
  public readonly value: unknown;
  public readonly rule: string;
  public readonly fix: string;

  constructor(scope: IConstruct | string | undefined, details: ValidationErrorDetails) {
    const path = scope === undefined ? undefined : typeof scope === 'string' ? scope : scope.node.path;
    super(ValidationError.format(path, details));
    this.name = 'ValidationError';
    this.path = path;
    this.prop = details.prop;
    this.value = details.value;
    this.rule = details.rule;
    this.fix = details.fix;
  }

  /**
   * This error, placed at `scope` with `prop` in front of its own prop.
   * An error that already has a path keeps it.
   */
  public at(scope: IConstruct | string, prop?: string): ValidationError {
    if (this.path !== undefined) {
      return this;
    }
    return new ValidationError(scope, { prop: joinProps(prop ?? '', this.prop), value: this.value, rule: this.rule, fix: this.fix });
  }

  private static format(path: string | undefined, d: ValidationErrorDetails): string {
    const where = path === undefined ? '' : `[${path || '<root>'}] `;
    const prop = d.prop === '' ? '' : `${d.prop} = `;
    return `${where}${prop}${show(d.value)}: ${d.rule}. Fix: ${d.fix}`;
  }
}

/** `outer.inner`, or `outer[0]` when `inner` is an index; either alone when the other is empty. */
function joinProps(outer: string, inner: string): string {
  return outer === '' ? inner : inner === '' ? outer : inner.startsWith('[') ? `${outer}${inner}` : `${outer}.${inner}`;
}

/** Renders a value for an error message: strings quoted, objects as compact JSON. */
export function show(value: unknown): string {
  if (value === undefined) {
    return 'undefined';
  }
  if (typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return String(value);
  }
  try {
    const json = JSON.stringify(value);
    return json.length > 120 ? `${json.slice(0, 117)}...` : json;
  } catch {
    return String(value);
  }
}

/** Throws a path-less ValidationError (see {@link ValidationError.within}). */
export function invalid(prop: string, value: unknown, rule: string, fix: string): never {
  throw new ValidationError(undefined, { prop, value, rule, fix });
}

/**
 * A construct validation message with the construct path in front, unless the message already
 * starts with a path (a `ValidationError` message made for another construct).
 */
export function atPath(path: string, message: string): string {
  return message.startsWith('[') ? message : `[${path}] ${message}`;
}
