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
    return new VolumePolicy({ nfs: { server, ...(path !== undefined ? { path } : {}) } }, `NFS ${server}:${path ?? '*'}`, () => {
      if (!isIpv4(server)) ValidationError.under('server', () => validateDnsSubdomain(server));
      if (path !== undefined && (typeof path !== 'string' || !path.startsWith('/'))) {
        invalid('path', path, 'an NFS export path is absolute', 'write e.g. "/mnt/rust/media"');
      }
    });
  }

  /** Skip volumes of these StorageClasses. */
  public static skipStorageClasses(...names: string[]): VolumePolicy {
    return new VolumePolicy({ storageClass: [...names] }, `StorageClass ${names.join(', ')}`, () => {
      if (names.length === 0) invalid('names', names, 'name at least one StorageClass', 'e.g. VolumePolicy.skipStorageClasses("local-path")');
      names.forEach((n, i) => ValidationError.under(`names[${i}]`, () => validateDnsSubdomain(n)));
    });
  }

  private constructor(
    /** The `conditions` of the Velero volume policy. */
    public readonly conditions: Readonly<Record<string, unknown>>,
    /** What it matches, for reports. */
    public readonly description: string,
    private readonly check: () => void,
  ) {}

  /**
   * Checks what the factory received (an NFS server name or address and an absolute export
   * path; StorageClass names). Throws a path-less ValidationError; the schedule or ladder that
   * uses the policy places it under `skipVolumes[<i>]`.
   * @internal
   */
  public _validate(): void {
    this.check();
  }
}

/**
 * Checks that `policy` is a {@link VolumePolicy} and that its inputs are valid (path-less
 * ValidationError; the consumer places it).
 * @internal
 */
export function checkVolumePolicy(policy: VolumePolicy): void {
  if (!(policy instanceof VolumePolicy)) {
    invalid('', policy, 'not a VolumePolicy', 'use VolumePolicy.skipNfs(server, path) or VolumePolicy.skipStorageClasses(...names)');
  }
  policy._validate();
}

/** The Velero resource-policy document (`version: v1`, `volumePolicies` with action skip). */
export function resourcePolicyDocument(policies: readonly VolumePolicy[]): { version: string; volumePolicies: { conditions: Record<string, unknown>; action: { type: string } }[] } {
  return {
    version: 'v1',
    volumePolicies: policies.map((p) => ({ conditions: structuredClone(p.conditions) as Record<string, unknown>, action: { type: 'skip' } })),
  };
}
