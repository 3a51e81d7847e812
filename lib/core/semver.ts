/** A parsed `v?MAJOR.MINOR.PATCH[-pre][+build]` version. */
export interface SemVer {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** Pre-release identifiers (`rc.1`), empty for a release. */
  readonly prerelease: string;
}

/** Parses `v1.16.2`, `1.12.2`, `v1.18.1-rc.1`; `undefined` when `text` is not a version. */
export function parseSemVer(text: string | undefined): SemVer | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(String(text ?? '').trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), prerelease: m[4] ?? '' };
}

/**
 * Compares two versions: negative when `a` < `b`, 0 when equal, positive when `a` > `b`.
 * A pre-release sorts before its release (`1.18.1-rc.1` < `1.18.1`).
 * @throws Error when either is not a version
 */
export function compareSemVer(a: string | SemVer, b: string | SemVer): number {
  const x = typeof a === 'string' ? parseSemVer(a) : a;
  const y = typeof b === 'string' ? parseSemVer(b) : b;
  if (!x || !y) throw new Error(`not a version: ${!x ? String(a) : String(b)}`);
  if (x.major !== y.major) return x.major - y.major;
  if (x.minor !== y.minor) return x.minor - y.minor;
  if (x.patch !== y.patch) return x.patch - y.patch;
  if (x.prerelease === y.prerelease) return 0;
  if (x.prerelease === '') return 1;
  if (y.prerelease === '') return -1;
  return x.prerelease < y.prerelease ? -1 : 1;
}

/** True when `version` is at least `minimum` (both `v`-prefixed or not). */
export function versionAtLeast(version: string, minimum: string): boolean {
  return compareSemVer(version, minimum) >= 0;
}
