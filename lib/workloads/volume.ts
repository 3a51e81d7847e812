/** Access mode of a persistent volume claim. */
export enum AccessMode {
  READ_WRITE_ONCE = 'ReadWriteOnce',
  READ_WRITE_ONCE_POD = 'ReadWriteOncePod',
  READ_WRITE_MANY = 'ReadWriteMany',
  READ_ONLY_MANY = 'ReadOnlyMany',
}

/** Options for a claim the app owns. */
export interface NewClaimOptions {
  /** Requested size, e.g. `20Gi`. */
  readonly size: string;
  /** StorageClass name. Always explicit: the default class differs between clusters. */
  readonly storageClassName: string;
  /** @default AccessMode.READ_WRITE_ONCE */
  readonly accessMode?: AccessMode;
  /** Labels on the claim (e.g. Longhorn recurring-job groups). @default {} */
  readonly labels?: Record<string, string>;
}

/** Options for a claim that exists already (created elsewhere, e.g. bound to a static NFS PV). */
export interface ExistingClaimOptions {
  /** The claim's access mode, so the app can pick its update strategy. @default AccessMode.READ_WRITE_MANY */
  readonly accessMode?: AccessMode;
}

/** Options for an emptyDir. */
export interface EmptyDirOptions {
  /** Size limit; the kubelet evicts the pod beyond it. @default '1Gi' */
  readonly sizeLimit?: string;
  /** Back it with RAM. @default false */
  readonly memory?: boolean;
}

/** @internal */
export type VolumeSourceSpec =
  | { kind: 'newClaim'; options: NewClaimOptions }
  | { kind: 'existingClaim'; claimName: string; accessMode: AccessMode }
  | { kind: 'emptyDir'; sizeLimit: string; memory: boolean };

/**
 * Where a mounted volume comes from. Host paths are deliberately not offered: they tie the
 * app to one node's directory layout (the kubelet-path outage of the homelab).
 */
export class AppVolume {
  /**
   * A PersistentVolumeClaim owned by the app (a volumeClaimTemplate for StatefulSets).
   */
  public static newClaim(options: NewClaimOptions): AppVolume {
    return new AppVolume({ kind: 'newClaim', options });
  }

  /** A PersistentVolumeClaim that already exists in the namespace. */
  public static existingClaim(claimName: string, options: ExistingClaimOptions = {}): AppVolume {
    return new AppVolume({ kind: 'existingClaim', claimName, accessMode: options.accessMode ?? AccessMode.READ_WRITE_MANY });
  }

  /** Scratch space that lives as long as the pod. */
  public static emptyDir(options: EmptyDirOptions = {}): AppVolume {
    return new AppVolume({ kind: 'emptyDir', sizeLimit: options.sizeLimit ?? '1Gi', memory: options.memory ?? false });
  }

  private constructor(/** @internal */ public readonly _spec: VolumeSourceSpec) {}

  /** True when only one node can mount it at a time (RWO/RWOP claims). */
  public get singleAttach(): boolean {
    const s = this._spec;
    const mode = s.kind === 'newClaim' ? s.options.accessMode ?? AccessMode.READ_WRITE_ONCE : s.kind === 'existingClaim' ? s.accessMode : undefined;
    return mode === AccessMode.READ_WRITE_ONCE || mode === AccessMode.READ_WRITE_ONCE_POD;
  }
}

/** A volume mounted into the app's main container. */
export interface VolumeMount {
  readonly mountPath: string;
  readonly source: AppVolume;
  /** @default false */
  readonly readOnly?: boolean;
  /** Mount only this sub-directory of the volume. @default - the whole volume */
  readonly subPath?: string;
}
