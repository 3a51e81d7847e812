import { ValidationError, invalid } from '../core/errors';
import { validateDnsSubdomain } from '../core/names';
import { isIpv4 } from '../core/profile';

/**
 * A volume a backup leaves out, as a condition of a Velero resource policy (`volumePolicies`
 * with action `skip`). The Kubernetes objects are still backed up; the data is not.
 *
 * Use it for data that is protected elsewhere or can be fetched again (a 30 TiB media library
 * on a RAID NAS); the coverage policy then reports the volume as not backed up unless it carries
 * an exemption with a reason.
 */
export class VolumePolicy {
  /**
   * Skip NFS volumes served by `server`, only the export `path` when given (Velero compares
   * both exactly).
   */
  public static skipNfs(server: string, path?: string): VolumePolicy {
    if (!isIpv4(server)) named('server', () => validateDnsSubdomain(server));
    if (path !== undefined && !path.startsWith('/')) {
      invalid('path', path, 'an NFS export path is absolute', 'write e.g. "/mnt/rust/media"');
    }
    return new VolumePolicy({ nfs: { server, ...(path !== undefined ? { path } : {}) } }, `NFS ${server}:${path ?? '*'}`);
  }

  /** Skip volumes of these StorageClasses. */
  public static skipStorageClasses(...names: string[]): VolumePolicy {
    if (names.length === 0) invalid('names', names, 'name at least one StorageClass', 'e.g. VolumePolicy.skipStorageClasses("local-path")');
    for (const n of names) named('names', () => validateDnsSubdomain(n));
    return new VolumePolicy({ storageClass: [...names] }, `StorageClass ${names.join(', ')}`);
  }

  private constructor(
    /** The `conditions` of the Velero volume policy. */
    public readonly conditions: Readonly<Record<string, unknown>>,
    /** What it matches, for reports. */
    public readonly description: string,
  ) {}
}

/** Runs a path-less validator and names `prop` in its error. */
function named<T>(prop: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ValidationError && e.path === undefined) {
      throw new ValidationError(undefined, { prop: e.prop ? `${prop}.${e.prop}` : prop, value: e.value, rule: e.rule, fix: e.fix });
    }
    throw e;
  }
}

/** The Velero resource-policy document (`version: v1`, `volumePolicies` with action skip). */
export function resourcePolicyDocument(policies: readonly VolumePolicy[]): { version: string; volumePolicies: { conditions: Record<string, unknown>; action: { type: string } }[] } {
  return {
    version: 'v1',
    volumePolicies: policies.map((p) => ({ conditions: structuredClone(p.conditions) as Record<string, unknown>, action: { type: 'skip' } })),
  };
}
