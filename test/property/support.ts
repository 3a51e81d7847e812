import { App } from 'cdk8s';
import * as fc from 'fast-check';
import { Cluster, ClusterProfileProps, Distro, ValidationError } from '../../lib';
import { createValidator, Validator } from '../schema/validator';

/**
 * Shared pieces of the property suites (issue 8, item 3): generators of valid values in
 * Kubernetes' own syntax, and the two checks every suite makes:
 *
 * - valid generated props: the cluster synthesizes with no errors (construct validations and
 *   blocking policy findings) and every object validates strictly against its schema;
 * - one field broken: the construct refuses it with a `ValidationError` whose message starts
 *   with the construct path and names the prop — never a TypeError, a RangeError or a manifest.
 */

let shared: Validator | undefined;

/** One strict schema validator for the whole file (compiling schemas is the slow part). */
export function validator(): Validator {
  shared ??= createValidator();
  return shared;
}

/** A fresh cluster `prop` in its own app (policies on: the baseline pack). */
export function propCluster(profile: ClusterProfileProps, id = 'prop'): Cluster {
  return new Cluster(new App({ outdir: '/nonexistent' }), id, { profile });
}

/**
 * The manifests of `cluster`, after checking that the synth has no errors and that every object
 * validates against its schema. Fails with the errors (or the schema problems) otherwise.
 */
export function synthClean(cluster: Cluster): any[] {
  const s = cluster.synthesize();
  expect(s.errors).toEqual([]);
  const manifests = s.objects.map((o) => o.manifest);
  const problems = manifests.flatMap((m) => validator().validate(m));
  expect(problems).toEqual([]);
  return manifests;
}

/** What `fn` threw, or `undefined`. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** How one broken field must be refused. */
export interface Refusal {
  /** The prop the error names, exactly (a string), or a pattern it matches. */
  readonly prop: string | RegExp;
  /** The construct path the message starts with (after `[`). */
  readonly path: string;
}

/**
 * Asserts that `error` is a ValidationError for `expected`: `instanceof ValidationError`, the
 * message `[<path…>] <prop> = …: … Fix: …`, the prop as expected.
 */
export function expectRefusal(error: unknown, expected: Refusal): void {
  if (!(error instanceof ValidationError)) {
    // show what came instead: nothing, or another error type (TypeError, RangeError, …)
    throw new Error(`expected a ValidationError naming ${String(expected.prop)} at [${expected.path}…], got ${error === undefined ? 'no error' : `${(error as Error)?.constructor?.name}: ${(error as Error)?.message}`}`);
  }
  expect(error.message.startsWith(`[${expected.path}`)).toBe(true);
  if (typeof expected.prop === 'string') {
    expect(error.prop).toBe(expected.prop);
  } else {
    expect(error.prop).toMatch(expected.prop);
  }
  expect(error.message).toContain(`] ${error.prop} = `);
  expect(error.fix.trim()).not.toBe('');
  expect(error.message.endsWith(`. Fix: ${error.fix}`)).toBe(true);
}

/**
 * Asserts that a whole-tree validation (one that needs the finished tree, e.g. a quota shortfall)
 * refused the cluster with a line `[<path>] <prop> = … Fix: …` in `synthesize().errors`.
 */
export function expectSynthRefusal(cluster: Cluster, expected: Refusal & { prop: string }): void {
  const errors = cluster.synthesize().errors;
  const head = `[${expected.path}] ${expected.prop} = `;
  expect(errors.filter((e) => e.startsWith(head) && /\. Fix: \S/.test(e))).not.toEqual([]);
}

// ---------------------------------------------------------------------------------------------
// generators of valid values

/** A DNS-1123 label of 1 to `max` characters (at least one letter first, so it is never all digits). */
export function dnsLabel(max = 20): fc.Arbitrary<string> {
  let arb = LABELS.get(max);
  if (!arb) {
    // built once per length: stringMatching compiles its pattern into a generator, which is slow
    arb = fc.stringMatching(new RegExp(`^[a-z]([-a-z0-9]{0,${Math.max(0, max - 2)}}[a-z0-9])?$`));
    LABELS.set(max, arb);
  }
  return arb;
}
const LABELS = new Map<number, fc.Arbitrary<string>>();

/** A DNS-1123 subdomain of 1 to 3 labels. */
export const dnsSubdomain: fc.Arbitrary<string> = fc.array(dnsLabel(12), { minLength: 1, maxLength: 3 }).map((ls) => ls.join('.'));

/** A Kubernetes CPU quantity in cores or millicores between `minMillis` and `maxMillis`, with its millicores. */
export function cpuQuantity(minMillis: number, maxMillis: number): fc.Arbitrary<{ text: string; millis: number }> {
  const millis = fc.integer({ min: minMillis, max: maxMillis }).map((m) => ({ text: `${m}m`, millis: m }));
  const lo = Math.ceil(minMillis / 1000);
  const hi = Math.floor(maxMillis / 1000);
  return lo <= hi && lo >= 1 ? fc.oneof(millis, fc.integer({ min: lo, max: hi }).map((c) => ({ text: String(c), millis: c * 1000 }))) : millis;
}

/** A Kubernetes memory quantity between `minMi` and `maxMi` mebibytes, in Mi, Gi or plain bytes, with its bytes. */
export function memoryQuantity(minMi: number, maxMi: number): fc.Arbitrary<{ text: string; bytes: number }> {
  const mi = fc.integer({ min: minMi, max: maxMi }).map((m) => ({ text: `${m}Mi`, bytes: m * 2 ** 20 }));
  const lo = Math.ceil(minMi / 1024);
  const hi = Math.floor(maxMi / 1024);
  const gi = lo <= hi && lo >= 1 ? [fc.integer({ min: lo, max: hi }).map((g) => ({ text: `${g}Gi`, bytes: g * 2 ** 30 }))] : [];
  const raw = fc.integer({ min: minMi, max: maxMi }).map((m) => ({ text: String(m * 2 ** 20), bytes: m * 2 ** 20 }));
  return fc.oneof(mi, raw, ...gi);
}

/** A K3s server version. */
export const k3sVersion: fc.Arbitrary<string> = fc.tuple(fc.integer({ min: 26, max: 33 }), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 1, max: 3 }))
  .map(([minor, patch, build]) => `v1.${minor}.${patch}+k3s${build}`);

/** The smallest valid profile: one worker. */
export const ONE_NODE: ClusterProfileProps = {
  distro: Distro.K3S,
  version: 'v1.32.5+k3s1',
  nodes: [{ name: 'node-1', allocatable: { cpu: '4', memory: '8Gi' } }],
};

/** The fixed seed of every property (reproducible runs; change it to explore other inputs). */
export const SEED = 20250806;

// ---------------------------------------------------------------------------------------------
// one field broken

/** One field of valid props made invalid, in each of `values`' ways. */
export interface Breaker<P> {
  /** The prop the error must name (exactly, or matching). */
  readonly prop: string | RegExp;
  /** Bad values, tried on generated valid props. */
  readonly values: readonly unknown[];
  /** `props` with the field set to `value`. */
  readonly apply: (props: P, value: any) => P;
  /** Path the message names, when not the default of the suite. */
  readonly path?: string;
  /** The refusal is a whole-tree validation: a line in `synthesize().errors` (the build returns the Cluster). */
  readonly atSynth?: boolean;
}

/** A {@link Breaker}. */
export function breaker<P, V>(prop: string | RegExp, values: readonly V[], apply: (props: P, value: V) => P, options: { path?: string; atSynth?: boolean } = {}): Breaker<P> {
  return { prop, values, apply, ...options };
}

/** `[title, breaker]` rows for `test.each`: the prop and the bad values. */
export function breakerRows<P>(breakers: readonly Breaker<P>[]): [string, Breaker<P>][] {
  return breakers.map((b) => [`${String(b.prop)} = ${b.values.map((v) => (typeof v === 'string' ? JSON.stringify(v.length > 24 ? `${v.slice(0, 21)}...` : v) : typeof v === 'number' || typeof v === 'boolean' || v === undefined ? String(v) : '{…}')).join(' | ')}`, b]);
}

/**
 * For generated valid props and each bad value of `b`: `build(broken props)` is refused with a
 * ValidationError at `path` naming `b.prop` (or, for `atSynth` breakers, the built cluster's
 * synthesis errors carry that line). `numRuns` generated props per bad value.
 */
export function assertBreaker<P>(valid: fc.Arbitrary<P>, b: Breaker<P>, build: (props: P) => unknown, path: (props: P) => string, numRuns = 4): void {
  fc.assert(fc.property(valid, fc.constantFrom(...b.values), (props, value) => {
    const broken = b.apply(props, value);
    const where = b.path ?? path(broken);
    if (b.atSynth) {
      let cluster: unknown;
      const e = thrownBy(() => { cluster = build(broken); });
      if (e !== undefined) throw e;
      if (!(cluster instanceof Cluster)) throw new Error('an atSynth breaker\'s build must return the Cluster');
      expectSynthRefusal(cluster, { path: where, prop: b.prop as string });
    } else {
      expectRefusal(thrownBy(() => build(broken)), { path: where, prop: b.prop });
    }
  }), { seed: SEED, numRuns: Math.max(numRuns * b.values.length, 4) });
}

/** `b` on a part of bigger generated values (`get` reads the part, `set` writes it back). */
export function liftBreaker<P, Q>(b: Breaker<P>, get: (q: Q) => P, set: (q: Q, p: P) => Q): Breaker<Q> {
  return { ...b, apply: (q: Q, v: unknown) => set(q, b.apply(get(q), v)) };
}
