import * as k8s from 'cdk8s-plus-29/lib/imports/k8s';
import { IConstruct } from 'constructs';
import { ValidationError } from '../core/errors';
import { Memory } from '../core/quantity';
import { LonghornKeys, StorageTierNode, formatStorageSize, longhornGroupLabel, longhornJobLabel } from '../core/storage-tiers';
import { AccessMode, AppVolume, IClaimStorageClass } from '../workloads/volume';
import { LonghornRecurringJob } from './longhorn-recurring-job';

/** Where a Longhorn volume's replicas prefer to be, relative to the pod that uses it. */
export enum DataLocality {
  /** No preference. */
  DISABLED = 'disabled',
  /** Keep one replica on the pod's node when the node has a matching disk. */
  BEST_EFFORT = 'best-effort',
  /** The only replica must be on the pod's node (one replica only; pin the pods to the tier's node). */
  STRICT_LOCAL = 'strict-local',
}

/** Options of a claim on a {@link LonghornStorageTier}. */
export interface LonghornClaimOptions {
  /** Requested size, e.g. `20Gi`. */
  readonly size: string;
  /** @default AccessMode.READ_WRITE_ONCE */
  readonly accessMode?: AccessMode;
  /**
   * Recurring-job groups for this volume on top of the tier's. The claim then becomes the
   * volume's recurring-job label source (`recurring-job.longhorn.io/source: enabled`), which
   * replaces the labels the StorageClass gave the volume, so the tier's own groups and jobs are
   * repeated on the claim (for a tier that selects nothing: the `default` group, when a job
   * declared before the claim is in it).
   * @default [] (the tier's jobs only)
   */
  readonly recurringJobGroups?: string[];
  /** Recurring jobs, by name, for this volume on top of the tier's (see `recurringJobGroups`). @default [] */
  readonly recurringJobs?: string[];
  /** Other labels on the claim. @default {} */
  readonly labels?: Record<string, string>;
}

/** @internal What a tier needs from its Longhorn installation. */
export interface LonghornTierContext {
  /** The Longhorn construct (for error paths). */
  readonly scope: IConstruct;
  /** Registered jobs by name. */
  readonly jobs: () => ReadonlyMap<string, LonghornRecurringJob>;
}

/** @internal Everything a tier is built from. */
export interface LonghornTierDefinition {
  readonly name: string;
  readonly storageClassName: string;
  readonly replicas: number;
  readonly dataLocality: DataLocality;
  readonly nodes: readonly StorageTierNode[];
  readonly recurringJobGroups: readonly string[];
  readonly recurringJobs: readonly string[];
  readonly isDefault: boolean;
  readonly storageClass: k8s.KubeStorageClass;
}

/**
 * One storage tier of a {@link Longhorn} installation: a StorageClass whose volumes live on the
 * disks of one tier of the profile. Use it as a claim's storage class:
 * `tier.claim({ size: '20Gi' })`, or `AppVolume.newClaim({ size: '20Gi', storageClass: tier })`.
 */
export class LonghornStorageTier implements IClaimStorageClass {
  /** The tier name (the profile disks' `tier`, also the Longhorn disk tag). */
  public readonly name: string;
  /** The StorageClass name. */
  public readonly storageClassName: string;
  /** Replicas per volume (`numberOfReplicas`). */
  public readonly replicas: number;
  public readonly dataLocality: DataLocality;
  /** Names of the nodes that carry the tier's disks (and satisfy its node selector). */
  public readonly nodes: readonly string[];
  /** Sum of the tier's disks on those nodes. */
  public readonly capacity: Memory;
  /** Groups the StorageClass selects (`recurringJobSelector`). */
  public readonly recurringJobGroups: readonly string[];
  /** Jobs the StorageClass selects by name. */
  public readonly recurringJobs: readonly string[];
  /** True for the cluster's default StorageClass. */
  public readonly isDefault: boolean;
  /** The rendered StorageClass. */
  public readonly storageClass: k8s.KubeStorageClass;
  /** Labels every claim of the tier carries: none (the StorageClass selects the tier's jobs). */
  public readonly claimLabels: Readonly<Record<string, string>> = {};
  private readonly nodeBytes: readonly StorageTierNode[];

  /** @internal */
  constructor(def: LonghornTierDefinition, private readonly ctx: LonghornTierContext) {
    this.name = def.name;
    this.storageClassName = def.storageClassName;
    this.replicas = def.replicas;
    this.dataLocality = def.dataLocality;
    this.nodeBytes = def.nodes;
    this.nodes = def.nodes.map((n) => n.node.name);
    this.capacity = Memory.fromBytes(def.nodes.reduce((s, n) => s + n.bytes, 0));
    this.recurringJobGroups = [...def.recurringJobGroups];
    this.recurringJobs = [...def.recurringJobs];
    this.isDefault = def.isDefault;
    this.storageClass = def.storageClass;
  }

  /**
   * A claim on this tier, for an app's `volumes`. Refuses a size that no `replicas` nodes of
   * the tier can hold, and recurring jobs or groups that no registered job provides.
   */
  public claim(options: LonghornClaimOptions): AppVolume {
    const prop = `tiers.${this.name}.claim`;
    if (typeof options !== 'object' || options === null) {
      throw new ValidationError(this.ctx.scope, { prop, value: options, rule: 'claim options are an object', fix: 'e.g. claim({ size: "20Gi" })' });
    }
    for (const key of ['recurringJobGroups', 'recurringJobs'] as const) {
      if (options[key] !== undefined && !Array.isArray(options[key])) {
        throw new ValidationError(this.ctx.scope, { prop: `${prop}.${key}`, value: options[key], rule: 'a list of names', fix: `write ${key}: ["hourly"]` });
      }
    }
    const size = ValidationError.within(this.ctx.scope, `${prop}.size`, () => Memory.parse(options.size));
    const fitting = this.nodeBytes.filter((n) => n.bytes >= size.bytes);
    if (fitting.length < this.replicas) {
      const largest = [...this.nodeBytes].map((n) => n.bytes).sort((a, b) => b - a)[this.replicas - 1];
      throw new ValidationError(this.ctx.scope, {
        prop: `${prop}.size`, value: options.size,
        rule: `a volume of tier "${this.name}" keeps ${this.replicas === 1 ? '1 replica' : `${this.replicas} replicas on different nodes`}, and ${fitting.length === 0 ? 'no node has' : fitting.length === 1 ? 'only 1 node has' : `only ${fitting.length} nodes have`} that much ${this.name} disk (${this.describeNodes()})`,
        fix: `request at most ${formatStorageSize(largest)}, or use a tier with fewer replicas or bigger disks`,
      });
    }
    const jobs = this.ctx.jobs();
    const groups = new Set<string>();
    for (const g of jobs.values()) for (const x of g.groups) groups.add(x);
    const extraGroups = options.recurringJobGroups ?? [];
    const extraJobs = options.recurringJobs ?? [];
    extraGroups.forEach((g, i) => {
      if (!groups.has(g)) {
        throw new ValidationError(this.ctx.scope, { prop: `${prop}.recurringJobGroups[${i}]`, value: g, rule: `no recurring job of this Longhorn installation is in group "${g}" (groups: ${[...groups].sort().join(', ') || 'none'})`, fix: 'add a job with that group (Longhorn recurringJobs or addRecurringJob) before claiming, or fix the name' });
      }
    });
    extraJobs.forEach((j, i) => {
      if (!jobs.has(j)) {
        throw new ValidationError(this.ctx.scope, { prop: `${prop}.recurringJobs[${i}]`, value: j, rule: `no recurring job named "${j}" (jobs: ${[...jobs.keys()].sort().join(', ') || 'none'})`, fix: 'add the job (Longhorn recurringJobs or addRecurringJob) before claiming, or fix the name' });
      }
    });
    const labels: Record<string, string> = {};
    if (extraGroups.length || extraJobs.length) {
      labels[LonghornKeys.RECURRING_JOB_SOURCE] = LonghornKeys.ENABLED;
      // the default group only when a job is in it: a label naming an empty group is a dangling reference (HK-STO-03)
      const tierGroups = this.recurringJobGroups.length || this.recurringJobs.length ? this.recurringJobGroups
        : groups.has(LonghornKeys.DEFAULT_GROUP) ? [LonghornKeys.DEFAULT_GROUP] : [];
      for (const g of [...tierGroups, ...extraGroups]) labels[longhornGroupLabel(g)] = LonghornKeys.ENABLED;
      for (const j of [...this.recurringJobs, ...extraJobs]) labels[longhornJobLabel(j)] = LonghornKeys.ENABLED;
    }
    return AppVolume.newClaim({
      size: options.size,
      storageClass: this,
      accessMode: options.accessMode,
      labels: { ...labels, ...(options.labels ?? {}) },
    });
  }

  /** `k3s3: 1800Gi, k3s1: 400Gi`, largest first. */
  private describeNodes(): string {
    return [...this.nodeBytes].sort((a, b) => b.bytes - a.bytes).map((n) => `${n.node.name}: ${formatStorageSize(n.bytes)}`).join(', ');
  }
}
