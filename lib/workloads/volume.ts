import { ValidationError, invalid } from '../core/errors';
import { validateDnsSubdomain, validateLabels } from '../core/names';

/** Access mode of a persistent volume claim. */
export enum AccessMode {
  READ_WRITE_ONCE = 'ReadWriteOnce',
  READ_WRITE_ONCE_POD = 'ReadWriteOncePod',
  READ_WRITE_MANY = 'ReadWriteMany',
  READ_ONLY_MANY = 'ReadOnlyMany',
}

/**
 * A StorageClass a claim can name, with the labels its claims need. A Longhorn storage tier
 * (`Longhorn.tier()`) is one: its claims carry the recurring-job labels that bind them to
 * snapshot and backup jobs.
 */
export interface IClaimStorageClass {
  /** The StorageClass name. */
  readonly storageClassName: string;
  /** Labels every claim of this class carries. @default {} */
  readonly claimLabels?: Readonly<Record<string, string>>;
}

/** Options for a claim the app owns. */
export interface NewClaimOptions {
  /** Requested size, e.g. `20Gi`. */
  readonly size: string;
  /**
   * StorageClass name. Always explicit (here or through `storageClass`): the default class
   * differs between clusters.
   * @default - the name of `storageClass`
   */
  readonly storageClassName?: string;
  /**
   * The StorageClass as an object, e.g. a Longhorn storage tier; its `claimLabels` are added to
   * the claim's labels. Give this or `storageClassName`.
   * @default - the class named by `storageClassName`
   */
  readonly storageClass?: IClaimStorageClass;
  /** @default AccessMode.READ_WRITE_ONCE */
  readonly accessMode?: AccessMode;
  /** Labels on the claim (they win over the class's `claimLabels`). @default {} */
  readonly labels?: Record<string, string>;
}

/** @internal {@link NewClaimOptions} with the class name and labels resolved. */
export interface ResolvedClaimOptions extends NewClaimOptions {
  readonly storageClassName: string;
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

/** Options for {@link AppVolume.gitCheckout}. */
export interface GitCheckoutOptions {
  /**
   * `https://` URL of the repository, e.g. `https://github.com/ry-ops/cortex-gitops.git`.
   * Without credentials: they would end up in the manifest.
   */
  readonly repository: string;
  /** Branch, tag or commit to check out. @default 'main' */
  readonly ref?: string;
  /** Commits of history to fetch (a shallow clone). @default 1 */
  readonly depth?: number;
  /** Size limit of the emptyDir that holds the checkout. @default '1Gi' */
  readonly sizeLimit?: string;
}

/** @internal */
export type VolumeSourceSpec =
  | { kind: 'newClaim'; options: ResolvedClaimOptions }
  | { kind: 'existingClaim'; claimName: string; accessMode: AccessMode }
  | { kind: 'emptyDir'; sizeLimit: string; memory: boolean }
  | { kind: 'gitCheckout'; options: GitCheckoutOptions };

/**
 * Where a mounted volume comes from. Host paths are deliberately not offered: they tie the
 * app to one node's directory layout (the kubelet-path outage of the homelab).
 */
export class AppVolume {
  /**
   * A PersistentVolumeClaim owned by the app (a volumeClaimTemplate for StatefulSets).
   */
  public static newClaim(options: NewClaimOptions): AppVolume {
    const cls = options.storageClass;
    const name = options.storageClassName ?? cls?.storageClassName;
    const labels = cls?.claimLabels || options.labels ? { ...(cls?.claimLabels ?? {}), ...(options.labels ?? {}) } : undefined;
    const { storageClass: _class, ...rest } = options;
    return new AppVolume({ kind: 'newClaim', options: { ...rest, storageClassName: name as string, labels } }, () => {
      if (name === undefined) {
        invalid('storageClassName', undefined, 'a claim names its StorageClass', 'give storageClassName, or storageClass (e.g. longhorn.tier("nvme"))');
      }
      if (cls !== undefined && options.storageClassName !== undefined && options.storageClassName !== cls.storageClassName) {
        invalid('storageClassName', options.storageClassName, `disagrees with storageClass, which is "${cls.storageClassName}"`, 'give only one of storageClassName and storageClass');
      }
      checkAccessMode(options.accessMode);
      if (labels) ValidationError.under('labels', () => validateLabels(labels));
    });
  }

  /** A PersistentVolumeClaim that already exists in the namespace. */
  public static existingClaim(claimName: string, options: ExistingClaimOptions = {}): AppVolume {
    return new AppVolume({ kind: 'existingClaim', claimName, accessMode: options.accessMode ?? AccessMode.READ_WRITE_MANY }, () => {
      ValidationError.under('claimName', () => validateDnsSubdomain(claimName));
      checkAccessMode(options.accessMode);
    });
  }

  /** Scratch space that lives as long as the pod. */
  public static emptyDir(options: EmptyDirOptions = {}): AppVolume {
    return new AppVolume({ kind: 'emptyDir', sizeLimit: options.sizeLimit ?? '1Gi', memory: options.memory ?? false });
  }

  /**
   * A read-only checkout of a git repository, made before the app starts: a pinned, non-root
   * git-sync init container (`--one-time`) clones `ref` into an emptyDir, and the app sees the
   * files under `<mountPath>/current` (git-sync's symlink to the checked-out worktree). A restart
   * fetches the ref again. Replaces `git clone` init containers on floating images (the
   * cortex rag-validator cloned with `alpine/git:latest` as root). The pod needs egress to
   * the git host (`internetEgress: true` for GitHub).
   */
  public static gitCheckout(options: GitCheckoutOptions): AppVolume {
    return new AppVolume({ kind: 'gitCheckout', options: { ...options } });
  }

  private constructor(
    /** @internal */ public readonly _spec: VolumeSourceSpec,
    private readonly check: () => void = () => undefined,
  ) {}

  /**
   * Checks what the factory received (a claim's StorageClass, labels and access mode, an
   * existing claim's name). Throws a path-less ValidationError; the app that mounts the volume
   * places it under `volumes.<name>.source`.
   * @internal
   */
  public _validate(): void {
    this.check();
  }

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

function checkAccessMode(mode: AccessMode | undefined): void {
  if (mode !== undefined && !Object.values(AccessMode).includes(mode)) {
    invalid('accessMode', mode, 'not a PersistentVolumeClaim access mode', 'use AccessMode.READ_WRITE_ONCE, READ_WRITE_ONCE_POD, READ_WRITE_MANY or READ_ONLY_MANY');
  }
}
