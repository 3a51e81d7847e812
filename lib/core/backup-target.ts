import { ValidationError, show } from './errors';
import { validateDnsLabel } from './names';

/** The kinds of backup store the library knows the quirks of. */
export enum BackupTargetKind {
  /** MinIO (S3 API, path-style addressing, default region `us-east-1`). */
  MINIO = 'minio',
  /** Backblaze B2's S3-compatible API (`https://s3.<region>.backblazeb2.com`). */
  BACKBLAZE_B2 = 'backblaze-b2',
  /** Ceph RADOS Gateway (S3 API, path-style addressing; region = the zonegroup, `default` unless configured). */
  CEPH_RGW = 'ceph-rgw',
  /** Amazon S3 itself. */
  AWS_S3 = 'aws-s3',
  /** An NFS export (Longhorn backup targets only; Velero needs an object store). */
  NFS = 'nfs',
}

/** Where a backup target keeps its data, relative to the cluster it protects. */
export enum BackupSite {
  /** Inside the cluster (a MinIO Deployment on a cluster volume): lost with the cluster. */
  IN_CLUSTER = 'in-cluster',
  /** Outside the cluster, same premises (a NAS, the storage server). */
  ON_SITE = 'on-site',
  /** Another building or a cloud provider. */
  OFF_SITE = 'off-site',
}

/** A backup store the cluster writes to (a fact about the cluster's environment). */
export interface BackupTargetProps {
  /** Name the constructs refer to it by, e.g. `minio-local`, `b2-offsite`. A DNS-1123 label. */
  readonly name: string;
  readonly kind: BackupTargetKind;
  /**
   * Endpoint: the S3 API URL (`https://s3.us-west-001.backblazeb2.com`, `http://192.168.10.100:9000`,
   * `http://minio.velero.svc.cluster.local:9000`), or `nfs://<server>:/<path>` for NFS.
   * @default - Amazon's regional endpoint (AWS_S3 only; required for every other kind)
   */
  readonly endpoint?: string;
  /** Bucket (object-store kinds). */
  readonly bucket?: string;
  /**
   * Region used to sign requests.
   * @default - derived from the endpoint for Backblaze B2; `us-east-1` for MinIO; `default` for Ceph RGW; required for AWS S3
   */
  readonly region?: string;
  /**
   * Where the data lives.
   * @default - IN_CLUSTER for an endpoint that is a cluster Service (`*.svc`, `*.svc.cluster.local`), else OFF_SITE for Backblaze B2 and AWS S3 and ON_SITE for the others
   */
  readonly site?: BackupSite;
}

const S3_KINDS = new Set([BackupTargetKind.MINIO, BackupTargetKind.BACKBLAZE_B2, BackupTargetKind.CEPH_RGW, BackupTargetKind.AWS_S3]);
const B2_ENDPOINT = /^https:\/\/s3\.([a-z0-9-]+)\.backblazeb2\.com\/?$/;

/** A validated {@link BackupTargetProps}. */
export class BackupTarget {
  public readonly name: string;
  public readonly kind: BackupTargetKind;
  /** The endpoint URL (`undefined` only for AWS S3's default endpoint). */
  public readonly endpoint?: string;
  public readonly bucket?: string;
  public readonly region?: string;
  public readonly site: BackupSite;
  /** Host (and port) of the endpoint, e.g. `minio.velero.svc.cluster.local:9000`. */
  public readonly host?: string;

  /**
   * @param props the facts
   * @param where path used in error messages
   * @param prop prop path used in error messages, e.g. `profile.backupTargets[1]`
   */
  constructor(props: BackupTargetProps, where: string, prop: string) {
    if (typeof props !== 'object' || props === null || Array.isArray(props)) {
      throw new ValidationError(where, { prop, value: props, rule: 'a backup target must be an object', fix: `write e.g. ${TARGET_EXAMPLE}` });
    }
    this.name = ValidationError.within(where, `${prop}.name`, () => validateDnsLabel(props.name));
    if (!Object.values(BackupTargetKind).includes(props.kind)) {
      throw new ValidationError(where, { prop: `${prop}.kind`, value: props.kind, rule: 'unknown backup target kind', fix: 'use BackupTargetKind.MINIO, BACKBLAZE_B2, CEPH_RGW, AWS_S3 or NFS' });
    }
    this.kind = props.kind;
    const s3 = S3_KINDS.has(props.kind);
    if (props.kind === BackupTargetKind.NFS) {
      if (!/^nfs:\/\/[^\s/:]+:\/\S*$/.test(props.endpoint ?? '')) {
        throw new ValidationError(where, { prop: `${prop}.endpoint`, value: props.endpoint, rule: 'an NFS target is nfs://<server>:/<export path>', fix: 'write e.g. "nfs://192.168.10.100:/mnt/nvme_storage/longhorn-backups"' });
      }
      if (props.bucket !== undefined) {
        throw new ValidationError(where, { prop: `${prop}.bucket`, value: props.bucket, rule: 'an NFS target has no bucket', fix: 'remove bucket, or use an object-store kind' });
      }
    } else if (props.endpoint !== undefined || props.kind !== BackupTargetKind.AWS_S3) {
      if (!/^https?:\/\/[^\s/]+(\/\S*)?$/.test(props.endpoint ?? '')) {
        throw new ValidationError(where, { prop: `${prop}.endpoint`, value: props.endpoint, rule: `a ${props.kind} target needs its S3 API URL`, fix: 'write e.g. "http://192.168.10.100:9000" or "https://s3.us-west-001.backblazeb2.com"' });
      }
    }
    this.endpoint = props.endpoint;
    this.host = props.endpoint?.replace(/^[a-z]+:\/\//, '').replace(/[/].*$/, '').replace(/:$/, '');
    if (s3) {
      const b = props.bucket ?? '';
      if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(b) || b.includes('..')) {
        throw new ValidationError(where, { prop: `${prop}.bucket`, value: props.bucket, rule: 'not an S3 bucket name (3-63 lowercase letters, digits, dots and hyphens)', fix: 'give the bucket as created at the provider, e.g. "velero-backups"' });
      }
    }
    this.bucket = props.bucket;

    let region = props.region;
    if (props.kind === BackupTargetKind.BACKBLAZE_B2) {
      const m = B2_ENDPOINT.exec(props.endpoint ?? '');
      if (!m) {
        throw new ValidationError(where, { prop: `${prop}.endpoint`, value: props.endpoint, rule: 'a Backblaze B2 S3 endpoint is https://s3.<region>.backblazeb2.com', fix: 'copy the "Endpoint" shown on the bucket page, e.g. "https://s3.us-west-001.backblazeb2.com"' });
      }
      if (region !== undefined && region !== m[1]) {
        throw new ValidationError(where, { prop: `${prop}.region`, value: region, rule: `the endpoint is in region ${m[1]}; B2 rejects requests signed for another region`, fix: `remove region (it is derived from the endpoint) or set it to ${show(m[1])}` });
      }
      region = m[1];
    } else if (props.kind === BackupTargetKind.MINIO) {
      region ??= 'us-east-1';
    } else if (props.kind === BackupTargetKind.CEPH_RGW) {
      region ??= 'default';
    } else if (props.kind === BackupTargetKind.AWS_S3 && region === undefined) {
      throw new ValidationError(where, { prop: `${prop}.region`, value: undefined, rule: 'an AWS S3 target needs the bucket\'s region', fix: 'set region, e.g. "eu-central-1"' });
    }
    if (region !== undefined && !/^[a-z0-9-]{1,40}$/.test(region)) {
      throw new ValidationError(where, { prop: `${prop}.region`, value: region, rule: 'not a region name', fix: 'use lowercase letters, digits and hyphens, e.g. "us-east-1"' });
    }
    this.region = region;

    const inCluster = /\.svc(\.cluster\.local)?(:\d+)?$/.test(this.host ?? '');
    if (props.site !== undefined && !Object.values(BackupSite).includes(props.site)) {
      throw new ValidationError(where, { prop: `${prop}.site`, value: props.site, rule: 'unknown site', fix: 'use BackupSite.IN_CLUSTER, ON_SITE or OFF_SITE' });
    }
    if (inCluster && props.site !== undefined && props.site !== BackupSite.IN_CLUSTER) {
      throw new ValidationError(where, { prop: `${prop}.site`, value: props.site, rule: `the endpoint ${this.host} is a Service of this cluster, so its data is lost with the cluster`, fix: 'set site to BackupSite.IN_CLUSTER, or point the endpoint at a store outside the cluster' });
    }
    this.site = props.site ?? (inCluster ? BackupSite.IN_CLUSTER
      : props.kind === BackupTargetKind.BACKBLAZE_B2 || props.kind === BackupTargetKind.AWS_S3 ? BackupSite.OFF_SITE : BackupSite.ON_SITE);
  }

  /** True for object stores (everything but NFS). */
  public get isObjectStore(): boolean {
    return S3_KINDS.has(this.kind);
  }
}

const TARGET_EXAMPLE = '{ name: "minio", kind: BackupTargetKind.MINIO, endpoint: "http://192.168.10.100:9000", bucket: "velero" }';

/** Validates a list of targets: each one, and unique names. */
export function parseBackupTargets(list: readonly BackupTargetProps[] | undefined, where: string, prop = 'profile.backupTargets'): BackupTarget[] {
  const seen = new Set<string>();
  if (list !== undefined && list !== null && !Array.isArray(list)) {
    throw new ValidationError(where, { prop, value: list, rule: 'backup targets must be a list', fix: `write an array, e.g. [${TARGET_EXAMPLE}]` });
  }
  return (list ?? []).map((t, i) => {
    const target = new BackupTarget(t, where, `${prop}[${i}]`);
    if (seen.has(target.name)) {
      throw new ValidationError(where, { prop: `${prop}[${i}].name`, value: target.name, rule: 'duplicate backup target name', fix: 'give every backup target its own name' });
    }
    seen.add(target.name);
    return target;
  });
}
