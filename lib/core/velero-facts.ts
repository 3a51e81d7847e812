import { compareSemVer, parseSemVer } from './semver';

/** A Velero component whose version decides what it accepts. */
export type VeleroComponent = 'velero' | 'velero-plugin-for-aws';

/** One version-gated behaviour of Velero or its AWS object-store plugin. */
export interface VeleroFact {
  /** Whose version counts. */
  readonly component: VeleroComponent;
  /** The first version with the behaviour (`v`-prefixed, as the image tags are). */
  readonly since: string;
  /** The upstream change or issue that records it. */
  readonly source: string;
}

/**
 * Version facts of Velero and velero-plugin-for-aws that both the backup patterns (refusing at
 * construction) and the backup policies (judging rendered objects, hand-written ones too) read,
 * so the two never disagree about a version.
 */
export const VELERO_FACTS = {
  /** Velero resolves a `CRON_TZ=` prefix of a Schedule; earlier versions report "unknown time zone" (velero#9519). */
  cronTimeZone: { component: 'velero', since: 'v1.18.1', source: 'velero#9519' },
  /** Velero matches glob patterns in included namespaces; earlier versions only exact names and `*` (velero#9255). */
  namespaceGlobs: { component: 'velero', since: 'v1.18.0', source: 'velero#9255' },
  /** The AWS plugin sends CRC32 checksum headers, which Backblaze B2 and Ceph RGW reject (XAmzContentSHA256Mismatch). */
  crc32Checksums: { component: 'velero-plugin-for-aws', since: 'v1.9.1', source: 'velero-plugin-for-aws#197' },
  /** The AWS plugin accepts the `checksumAlgorithm` config key (`""` turns the checksums off); older plugins fail with "config has invalid keys". */
  checksumAlgorithmKey: { component: 'velero-plugin-for-aws', since: 'v1.9.2', source: 'velero-plugin-for-aws#197' },
} as const satisfies Record<string, VeleroFact>;

/** A behaviour listed in {@link VELERO_FACTS}. */
export type VeleroFeature = keyof typeof VELERO_FACTS;

/**
 * True when `version` (of the fact's component) has `feature`. A tag that is not a version
 * (`main`, a digest-only reference) is assumed not to have it, so the caller refuses or warns
 * instead of trusting an unknown build.
 */
export function veleroHas(feature: VeleroFeature, version: string): boolean {
  return parseSemVer(version) !== undefined && compareSemVer(version, VELERO_FACTS[feature].since) >= 0;
}

/**
 * What is wrong when no BackupStorageLocation of a Velero install is the default, in the words
 * the Velero construct (prop `backupStorageLocations`) and HK-BAK-06 (on hand-written
 * locations) both use.
 */
export const NO_DEFAULT_LOCATION = {
  rule: 'none of them is the default, so backups that name no location fail validation',
  fix: 'set `default: true` on exactly one of them',
} as const;

/**
 * What is wrong with a second default BackupStorageLocation of one Velero install, in the words
 * the BackupStorageLocation construct (prop `default`) and HK-BAK-06 both use.
 * @param first the location that is already the default
 * @param here the second default, named in the fix when the message is not placed on it (a rule finding)
 */
export function secondDefaultLocation(first: string, here?: string): { rule: string; fix: string } {
  return {
    rule: `${first} is already the default BackupStorageLocation; Velero needs exactly one`,
    fix: `remove \`default: true\` ${here === undefined ? 'here' : `from ${here}`} or from ${first}`,
  };
}
