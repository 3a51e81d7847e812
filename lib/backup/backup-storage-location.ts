import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { BackupSite, BackupTarget, BackupTargetKind, BackupTargetProps } from '../core/backup-target';
import { formatGoDuration } from '../core/cron';
import { ValidationError, show } from '../core/errors';
import { LabelKeys, MANAGED_BY } from '../core/labels';
import { markAppBoundary, uniqueId } from '../core/tree';
import { validateDnsLabel } from '../core/names';
import { ClusterProfile, isIpv4 } from '../core/profile';
import { requireSecret } from '../core/secrets';
import { parseSemVer } from '../core/semver';
import { VELERO_FACTS, veleroHas } from '../core/velero-facts';
import { BackupStorageLocation as BackupStorageLocationObject, BackupStorageLocationSpecAccessMode } from '../imports/velero.io';
import { Velero } from './velero';

/** A key of a Secret in the Velero namespace. */
export interface SecretKeyReference {
  /** Secret name. */
  readonly name: string;
  /** Key in the Secret. @default 'cloud' */
  readonly key?: string;
}

/** Who may write to a location. */
export enum BackupLocationAccessMode {
  READ_WRITE = 'ReadWrite',
  /** For restoring from another cluster's backups without touching them. */
  READ_ONLY = 'ReadOnly',
}

/** Props of {@link BackupStorageLocation}. */
export interface BackupStorageLocationProps {
  /**
   * The store: the name of one of the profile's `backupTargets`, or its facts inline.
   * NFS targets are refused (Velero writes to object stores only).
   */
  readonly target: string | BackupTargetProps;
  /**
   * The Secret (in the Velero namespace) and key holding an AWS-style credentials file:
   * `[default]`, `aws_access_key_id=…`, `aws_secret_access_key=…`. Referenced, never inlined.
   */
  readonly credential: SecretKeyReference;
  /** The location Velero uses when a backup names none. Exactly one per Velero install. @default false */
  readonly default?: boolean;
  /**
   * Key prefix inside the bucket, so several clusters can share one bucket.
   * @default - the cluster name
   */
  readonly prefix?: string;
  /** @default BackupLocationAccessMode.READ_WRITE */
  readonly accessMode?: BackupLocationAccessMode;
  /** How often Velero lists the bucket for backups it does not know yet. @default - Velero's default (1m) */
  readonly backupSyncPeriod?: Duration;
  /** How often Velero checks that the location is reachable. @default - Velero's default (1m) */
  readonly validationFrequency?: Duration;
  /**
   * More plugin settings (`serverSideEncryption`, `insecureSkipTLSVerify`, …). Values are
   * strings: the CRD's `config` is a string map, and an unquoted `true` in YAML is refused.
   * @default {}
   */
  readonly config?: Record<string, string>;
}

/** The AWS plugin version that first accepts `checksumAlgorithm` (velero-plugin-for-aws#197); see VELERO_FACTS.checksumAlgorithmKey. */
export const CHECKSUM_ALGORITHM_SINCE: string = VELERO_FACTS.checksumAlgorithmKey.since;
/** The plugin version that started sending CRC32 checksums by default, with no way to turn them off; see VELERO_FACTS.crc32Checksums. */
export const CRC32_DEFAULT_SINCE: string = VELERO_FACTS.crc32Checksums.since;

/**
 * The BackupStorageLocation `config` for a target, as the AWS object-store plugin expects it:
 * every value a string; `s3Url`, path-style addressing and the region for MinIO, B2 and Ceph RGW;
 * `checksumAlgorithm: ""` for B2 and Ceph RGW (which reject the CRC32 checksum header the plugin
 * sends since 1.9.1) when the plugin version accepts the key (1.9.2 and later; older plugins fail
 * with "config has invalid keys").
 *
 * @throws Error with the reason when the plugin version cannot work with the target
 */
export function s3ProviderConfig(target: BackupTarget, awsPluginVersion: string): Record<string, string> {
  const config: Record<string, string> = {};
  if (target.region) config.region = target.region;
  if (target.kind !== BackupTargetKind.AWS_S3) {
    config.s3ForcePathStyle = 'true';
  }
  if (target.endpoint) config.s3Url = target.endpoint.replace(/\/$/, '');
  if (target.kind === BackupTargetKind.BACKBLAZE_B2 || target.kind === BackupTargetKind.CEPH_RGW) {
    if (parseSemVer(awsPluginVersion) === undefined) {
      throw new Error(`velero-plugin-for-aws ${awsPluginVersion} is not a release version, so whether it sends the CRC32 checksums ${target.kind} rejects cannot be told`);
    }
    if (veleroHas('checksumAlgorithmKey', awsPluginVersion)) {
      config.checksumAlgorithm = '';
    } else if (veleroHas('crc32Checksums', awsPluginVersion)) {
      throw new Error(`velero-plugin-for-aws ${awsPluginVersion} sends CRC32 checksums, which ${target.kind} rejects (XAmzContentSHA256Mismatch), and cannot turn them off`);
    }
  }
  return config;
}

/**
 * A Velero BackupStorageLocation: where backups go. Created inside a {@link Velero} install; the
 * store's facts come from the profile's `backupTargets` (or inline), and the plugin config from
 * the provider preset for its kind ({@link s3ProviderConfig}). Credentials are a Secret reference
 * (declared with `requireSecret`, so the Pulumi engine can create and check it); the egress
 * NetworkPolicy of the Velero namespace gets the endpoint's port.
 *
 * Refuses: NFS targets, a second default location, a plugin version that cannot talk to the
 * store, `checksumAlgorithm` on a plugin that does not know the key, config values that are not
 * strings.
 */
export class BackupStorageLocation extends Construct {
  /** The location's name (the construct id). */
  public readonly name: string;
  /** The store. */
  public readonly target: BackupTarget;
  /** True for the install's default location. */
  public readonly isDefault: boolean;
  /** The rendered BackupStorageLocation. */
  public readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: BackupStorageLocationProps) {
    super(scope, uniqueId(scope, id));
    const velero = Velero.require(this, 'BackupStorageLocation');
    // an app folder of the namespace, so the GitOps engine applies it after the chart's CRDs
    markAppBoundary(this, 'locations');
    const profile = ClusterProfile.of(this);
    this.name = ValidationError.within(this, 'id', () => validateDnsLabel(id));
    this.target = typeof props.target === 'string'
      ? profile.backupTarget(props.target, this, 'target')
      : new BackupTarget(props.target, this.node.path, 'target');
    if (this.target.kind === BackupTargetKind.NFS) {
      throw new ValidationError(this, {
        prop: 'target', value: this.target.name,
        rule: 'Velero writes backups to object stores only; an NFS export is a Longhorn backup target',
        fix: 'point the location at an S3-compatible store (MinIO running on the NFS server\'s own disks, B2, Ceph RGW)',
      });
    }
    const key = props.credential?.key ?? 'cloud';
    if (!props.credential?.name) {
      throw new ValidationError(this, { prop: 'credential.name', value: props.credential?.name, rule: 'a location needs the Secret with its access key', fix: 'name the Secret holding the AWS-style credentials file, e.g. { name: "b2-credentials", key: "cloud" }' });
    }
    requireSecret(this, {
      name: props.credential.name,
      keys: {
        [key]: {
          description: `AWS-style credentials file for ${this.target.name} ([default] aws_access_key_id=..., aws_secret_access_key=...)`,
          validate: (v) => (/aws_access_key_id\s*=\s*\S/.test(v) && /aws_secret_access_key\s*=\s*\S/.test(v)
            ? undefined
            : 'must be an AWS credentials file: a [default] section with aws_access_key_id= and aws_secret_access_key='),
        },
      },
    });

    let config: Record<string, string>;
    try {
      config = s3ProviderConfig(this.target, velero.awsPluginVersion);
    } catch (e) {
      throw new ValidationError(this, { prop: 'target', value: this.target.name, rule: (e as Error).message, fix: `use velero-plugin-for-aws ${CHECKSUM_ALGORITHM_SINCE} or later (Images.veleroPluginForAws pins one), or a plugin older than ${CRC32_DEFAULT_SINCE}` });
    }
    for (const [k, v] of Object.entries(props.config ?? {})) {
      if (typeof v !== 'string') {
        throw new ValidationError(this, { prop: `config.${k}`, value: v, rule: 'BackupStorageLocation config values are strings (the CRD field is a string map)', fix: `quote it: ${show(String(v))}` });
      }
      if (k === 'checksumAlgorithm' && !veleroHas('checksumAlgorithmKey', velero.awsPluginVersion)) {
        throw new ValidationError(this, { prop: `config.${k}`, value: v, rule: `velero-plugin-for-aws ${velero.awsPluginVersion} does not know this key and fails with "config has invalid keys"`, fix: `remove it, or use plugin ${CHECKSUM_ALGORITHM_SINCE} or later` });
      }
      config[k] = v;
    }
    if (this.target.site === BackupSite.OFF_SITE && this.target.endpoint?.startsWith('http://') && config.insecureSkipTLSVerify !== 'true') {
      throw new ValidationError(this, { prop: 'target.endpoint', value: this.target.endpoint, rule: 'an off-site store is reached over the internet, and this endpoint is plain HTTP', fix: 'use the store\'s https:// endpoint' });
    }
    const prefix = props.prefix ?? profile.name;
    if (!/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/.test(prefix)) {
      throw new ValidationError(this, { prop: 'prefix', value: prefix, rule: 'not an object key prefix', fix: 'use letters, digits, "-", "_" and "/" between segments, e.g. "homelab"' });
    }
    this.isDefault = props.default ?? false;

    const port = endpointPort(this.target.endpoint);
    const host = this.target.host?.replace(/:\d+$/, '');
    velero._registerLocation(this.name, this.node.path, this.isDefault, port === undefined ? undefined : { port, cidr: host && isIpv4(host) ? `${host}/32` : undefined });

    this.resource = new BackupStorageLocationObject(this, 'Resource', {
      metadata: {
        name: this.name,
        labels: {
          [LabelKeys.NAME]: 'velero',
          [LabelKeys.MANAGED_BY]: MANAGED_BY,
          'hardened-homelab.io/backup-site': this.target.site,
          'hardened-homelab.io/backup-target-kind': this.target.kind,
        },
      },
      spec: {
        provider: 'aws',
        default: this.isDefault,
        accessMode: props.accessMode === BackupLocationAccessMode.READ_ONLY ? BackupStorageLocationSpecAccessMode.READ_ONLY : BackupStorageLocationSpecAccessMode.READ_WRITE,
        objectStorage: { bucket: this.target.bucket as string, prefix },
        credential: { name: props.credential.name, key },
        config,
        backupSyncPeriod: props.backupSyncPeriod ? formatGoDuration(props.backupSyncPeriod.toMilliseconds()) : undefined,
        validationFrequency: props.validationFrequency ? formatGoDuration(props.validationFrequency.toMilliseconds()) : undefined,
      },
    });
  }
}

/** The TCP port of an `http(s)://host[:port]` URL (`undefined` for AWS's default endpoint). */
function endpointPort(endpoint: string | undefined): number | undefined {
  if (!endpoint) return undefined;
  const m = /^(https?):\/\/[^/]*?(?::(\d+))?(?:\/|$)/.exec(endpoint);
  if (!m) return undefined;
  return m[2] ? Number(m[2]) : m[1] === 'https' ? 443 : 80;
}
