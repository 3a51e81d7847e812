import { Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-29/lib/imports/k8s';
import { Construct } from 'constructs';
import { Cluster } from '../cluster/cluster';
import { addExemption } from '../core/exemptions';
import { ValidationError, show } from '../core/errors';
import { LabelKeys, MANAGED_BY } from '../core/labels';
import { validateDnsLabel, validateDnsSubdomain } from '../core/names';
import { ClusterProfile, TaintEffect, tolerationsFor } from '../core/profile';
import { markAppBoundary, uniqueId } from '../core/tree';
import { LonghornKeys, LonghornNodeSetup, ProfileStorageTier, longhornEligibleNodes, longhornNodeSetup, profileStorageTiers, tierNamesIn } from '../core/storage-tiers';
import { Charts, ChartRef } from '../core/versions';
import { UpstreamChart } from '../gitops/upstream-chart';
import { LONGHORN_NAMESPACE, LonghornRecurringJob, LonghornRecurringJobOptions } from './longhorn-recurring-job';
import { DataLocality, LonghornStorageTier } from './longhorn-storage-tier';

/** Filesystem of a Longhorn volume (`fsType`). */
export enum LonghornFsType {
  EXT4 = 'ext4',
  XFS = 'xfs',
}

/** What happens to a volume when its claim is deleted (`reclaimPolicy`). */
export enum StorageReclaimPolicy {
  /** Keep the volume (and its data); an operator deletes it. */
  RETAIN = 'Retain',
  /** Delete the volume with the claim. */
  DELETE = 'Delete',
}

/** When a volume is provisioned (`volumeBindingMode`). */
export enum VolumeBindingMode {
  /** As soon as the claim exists. */
  IMMEDIATE = 'Immediate',
  /** When the first pod using the claim is scheduled. */
  WAIT_FOR_FIRST_CONSUMER = 'WaitForFirstConsumer',
}

/** What Longhorn does with the pods of a node that goes down (`node-down-pod-deletion-policy`). */
export enum NodeDownPodDeletionPolicy {
  DO_NOTHING = 'do-nothing',
  DELETE_STATEFULSET_POD = 'delete-statefulset-pod',
  DELETE_DEPLOYMENT_POD = 'delete-deployment-pod',
  DELETE_BOTH_STATEFULSET_AND_DEPLOYMENT_POD = 'delete-both-statefulset-and-deployment-pod',
}

/** Options of one storage tier's StorageClass. */
export interface LonghornTierOptions {
  /** StorageClass name (`longhorn` is the chart's own class and is refused). @default `longhorn-<tier>` */
  readonly storageClassName?: string;
  /**
   * Replicas per volume (`numberOfReplicas`), each on a different node that carries the tier's
   * disks. More replicas than such nodes is refused; one replica needs a backup job.
   * @default - 3, or the number of nodes carrying the tier when fewer
   */
  readonly replicas?: number;
  /** @default DataLocality.BEST_EFFORT */
  readonly dataLocality?: DataLocality;
  /** Minutes before an errored replica is given up and rebuilt (`staleReplicaTimeout`). @default 2880 (48 hours) */
  readonly staleReplicaTimeout?: number;
  /** @default LonghornFsType.EXT4 */
  readonly fsType?: LonghornFsType;
  /**
   * @default StorageReclaimPolicy.RETAIN (a claim pruned by GitOps, or deleted by mistake, keeps
   * its volume)
   */
  readonly reclaimPolicy?: StorageReclaimPolicy;
  /** @default true */
  readonly allowVolumeExpansion?: boolean;
  /** @default VolumeBindingMode.IMMEDIATE */
  readonly volumeBindingMode?: VolumeBindingMode;
  /**
   * Longhorn node tags a replica's node must carry (`nodeSelector`), all of them. The library
   * tags every node with the tiers of its disks, so `['optane']` keeps the tier on nodes that
   * also have Optane disks.
   * @default [] (every node with the tier's disks)
   */
  readonly nodeSelector?: string[];
  /**
   * Recurring-job groups the StorageClass selects for its volumes (`recurringJobSelector`).
   * @default [] (volumes get the jobs of the `default` group)
   */
  readonly recurringJobGroups?: string[];
  /** Recurring jobs, by name, the StorageClass selects. @default [] */
  readonly recurringJobs?: string[];
}

/** Where Longhorn writes backups (give `target` or `url`). */
export interface LonghornBackupTarget {
  /**
   * Name of one of the profile's `backupTargets`: an NFS export is used as it is, an object
   * store becomes `s3://<bucket>@<region>/<prefix>/` (its endpoint goes into the credential
   * Secret as `AWS_ENDPOINTS`).
   * @default - the `url` is used
   */
  readonly target?: string;
  /**
   * Backup target URL: `nfs://<server>:/<path>`, `s3://<bucket>@<region>/<path>`,
   * `cifs://<server>/<share>` or `azblob://<container>@<endpoint>/<path>`.
   * @default - derived from `target`
   */
  readonly url?: string;
  /**
   * Secret in longhorn-system with the target's credentials (required for object stores, CIFS
   * and Azure: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and, for anything but AWS,
   * `AWS_ENDPOINTS`). Referenced by name; its values never appear in the output.
   * @default - none (NFS)
   */
  readonly credentialSecret?: string;
  /** Folder inside an object-store bucket (with `target`). @default 'longhorn' */
  readonly prefix?: string;
  /** Seconds between polls of the target for new backups. @default 300 */
  readonly pollInterval?: number;
}

/** Props of {@link Longhorn}. */
export interface LonghornProps {
  /**
   * Options per tier. Tiers come from the profile's node disks (`nodes[].disks[].tier`); each gets
   * a StorageClass whether or not it is listed here.
   * @default {}
   */
  readonly tiers?: Record<string, LonghornTierOptions>;
  /**
   * The tier whose StorageClass is the cluster default (the only one: the chart's own
   * `longhorn` class is not made default).
   * @default - the tier named `default` if the profile has one, else the tier on the most nodes
   */
  readonly defaultTier?: string;
  /**
   * Recurring jobs by name. Jobs that tiers select must be declared here; more can be added with
   * {@link Longhorn.addRecurringJob}.
   * @default {}
   */
  readonly recurringJobs?: Record<string, LonghornRecurringJobOptions>;
  /** Where backups go (chart `defaultBackupStore`). Backup jobs need one. @default - none */
  readonly backupTarget?: LonghornBackupTarget;
  /**
   * Allow two replicas of a volume on one node (`replicaSoftAntiAffinity`). Off, a replica that
   * has no node of its own is not placed, instead of silently sharing a node.
   * @default false
   */
  readonly replicaSoftAntiAffinity?: boolean;
  /** Share of a disk's size that volumes may be provisioned for, in percent. @default 100 (no over-commit) */
  readonly storageOverProvisioningPercentage?: number;
  /** Free share below which a disk takes no new replicas, in percent. @default 25 */
  readonly storageMinimalAvailablePercentage?: number;
  /** Data locality of volumes created outside a StorageClass (UI). @default DataLocality.BEST_EFFORT */
  readonly defaultDataLocality?: DataLocality;
  /** @default NodeDownPodDeletionPolicy.DELETE_BOTH_STATEFULSET_AND_DEPLOYMENT_POD (pods on a dead node release their RWO volumes) */
  readonly nodeDownPodDeletionPolicy?: NodeDownPodDeletionPolicy;
  /** Replicas of the Longhorn UI Deployment. @default 2 */
  readonly uiReplicas?: number;
  /** The pinned chart. @default Charts.longhorn */
  readonly chart?: ChartRef;
  /** Extra chart values, deep-merged over the computed ones (kubelet paths are still checked by HK-STO-06). @default {} */
  readonly values?: Record<string, unknown>;
}

/** The Longhorn UI Service the chart creates (for an auth proxy in front of it). */
export interface LonghornUiService {
  readonly name: string;
  readonly namespace: string;
  readonly port: number;
}

const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
/** Label on the library's Longhorn StorageClasses naming their tier. */
export const STORAGE_TIER_LABEL = 'hardened-homelab.io/storage-tier';
const LONGHORN = Symbol.for('hardened-homelab.Longhorn');

/**
 * Longhorn with storage tiers, installed into `longhorn-system`:
 *
 * - the `longhorn` chart through {@link UpstreamChart} (Flux HelmRelease or Argo CD Application),
 *   values from the profile: `csi.kubeletRootDir` = `profile.kubeletRootDir`, disks only on nodes
 *   labelled for it (`createDefaultDiskLabeledNodes`), hard replica anti-affinity, no disk
 *   over-commit, the chart's `longhorn` class not default and with a replica count the nodes can
 *   hold (one replica when only one node has disks: then it selects the default tier's jobs, so
 *   its volumes get that tier's backup), tolerations for the taints of the nodes with disks (the
 *   manager, the driver deployer and the `taintToleration` setting Longhorn's own components
 *   follow), the UI as a ClusterIP Service without Ingress, no pre-upgrade hook job (GitOps);
 * - one StorageClass per tier of the profile's node disks (`diskSelector` = the tier), exactly
 *   one of them default;
 * - RecurringJobs (app folder `recurring-jobs`, applied after the chart installs the CRDs);
 * - {@link nodeSetup}: the node label and annotations the operator applies once so that
 *   Longhorn creates the tagged disks (nodes are not GitOps objects).
 *
 * The namespace is not an app {@link Namespace}: its ResourceQuota and LimitRange would give
 * Longhorn's instance managers (which the chart does not size) a 256Mi default memory limit and
 * kill the data path, and its default-deny NetworkPolicy would cut the pods longhorn-manager
 * creates at run time (instance managers, share managers, CSI sidecars, recurring-job pods),
 * which do not carry the release's labels. The namespace is labelled Pod Security `privileged`:
 * the manager and CSI plugin are privileged host agents.
 *
 * Refuses (construct-time): a tier whose replicas exceed the nodes carrying its disks (naming
 * the tier and the nodes: the cortex Qdrant faulted volume), a one-replica tier without a
 * backup job, a tier selecting a job or group no job provides, backup jobs without a backup
 * target, `strict-local` with more than one replica, tiers the profile does not have, a disk
 * node tainted with a `kubernetes.io` key (Longhorn's components cannot tolerate it).
 */
export class Longhorn extends Chart {
  /** The Longhorn installation of the cluster `scope` belongs to, if any. */
  public static find(scope: Construct): Longhorn | undefined {
    const cluster = Cluster.of(scope);
    return cluster?.node.findAll().find((c): c is Longhorn => (c as any)[LONGHORN] === true);
  }

  /** The chart release. */
  public readonly release: UpstreamChart;
  /** The UI Service (`longhorn-frontend:80`) an auth proxy should target. */
  public readonly uiService: LonghornUiService = { name: 'longhorn-frontend', namespace: LONGHORN_NAMESPACE, port: 80 };
  /** The tiers, by name, in profile order. */
  public readonly tiers: ReadonlyMap<string, LonghornStorageTier>;
  /** The default tier. */
  public readonly defaultTier: LonghornStorageTier;
  /** Per node with disks: the label and annotations that make Longhorn create its tagged disks. */
  public readonly nodeSetup: readonly LonghornNodeSetup[];
  private readonly jobs = new Map<string, LonghornRecurringJob>();
  private readonly jobScope: Construct;
  private readonly hasBackupTarget: boolean;

  constructor(scope: Construct, id: string, props: LonghornProps = {}) {
    super(scope, uniqueId(scope, id), { namespace: LONGHORN_NAMESPACE, disableResourceNameHashes: true });
    Object.defineProperty(this, LONGHORN, { value: true, enumerable: false });
    const profile = ClusterProfile.of(this);
    const cluster = Cluster.of(this)!;
    const existing = cluster.node.findAll().find((c) => c !== this && (c as any)[LONGHORN] === true);
    if (existing) {
      throw new ValidationError(this, { prop: 'scope', value: existing.node.path, rule: 'the cluster has a Longhorn installation already', fix: 'create Longhorn once per cluster and use its tiers everywhere' });
    }
    // disk paths first: their errors name the node and disk
    this.nodeSetup = profile.nodes
      .map((n, i) => ValidationError.within(this, `profile.nodes[${i}]`, () => longhornNodeSetup(n)))
      .filter((x): x is LonghornNodeSetup => x !== undefined);
    const profileTiers = profileStorageTiers(profile);
    if (profileTiers.size === 0) {
      throw new ValidationError(this, { prop: 'profile.nodes[].disks', value: [], rule: `no node of the ${profile.name} profile declares a disk, so Longhorn has nowhere to place replicas`, fix: 'list each node\'s Longhorn disks in the profile: disks: [{ tier: "nvme", capacity: "400Gi", path: "/var/lib/longhorn" }]' });
    }
    const tierNames = [...profileTiers.keys()];
    for (const key of Object.keys(props.tiers ?? {})) {
      if (!profileTiers.has(key)) {
        throw new ValidationError(this, { prop: `tiers.${key}`, value: key, rule: `no node of the ${profile.name} profile has a disk of tier "${key}" (tiers: ${tierNames.join(', ')})`, fix: `use one of ${tierNames.map((t) => show(t)).join(', ')}, or add the disks to the profile` });
      }
    }

    this.hasBackupTarget = props.backupTarget !== undefined;
    const backupStore = props.backupTarget ? this.backupStore(profile, props.backupTarget) : undefined;
    const settings = this.settings(props);

    const namespace = new k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name: LONGHORN_NAMESPACE,
        labels: {
          'kubernetes.io/metadata.name': LONGHORN_NAMESPACE,
          // longhorn-manager, the CSI plugin and the instance managers are privileged host agents
          'pod-security.kubernetes.io/enforce': 'privileged',
          'pod-security.kubernetes.io/warn': 'privileged',
          'pod-security.kubernetes.io/audit': 'privileged',
          [LabelKeys.MANAGED_BY]: MANAGED_BY,
        },
      },
    });
    // what the app Namespace would add does not fit Longhorn: say so on the object, for apps added here too
    addExemption(namespace, 'HK-NET-02', 'Longhorn creates instance-manager, engine-image and share-manager pods at runtime without the release labels; a default-deny policy would cut its data path');
    addExemption(namespace, 'HK-RES-06', 'the chart does not size the instance managers Longhorn creates at runtime, so a LimitRange default or a ResourceQuota would reject or starve them');

    this.jobScope = new Construct(this, 'RecurringJobs');
    markAppBoundary(this.jobScope, 'recurring-jobs');
    for (const [name, options] of Object.entries(props.recurringJobs ?? {})) {
      this.addJob(name, options, `recurringJobs.${name}`);
    }

    // tiers
    const defaultTier = props.defaultTier ?? (profileTiers.has('default') ? 'default'
      : tierNames.reduce((best, t) => (profileTiers.get(t)!.nodes.length > profileTiers.get(best)!.nodes.length ? t : best), tierNames[0]));
    if (!profileTiers.has(defaultTier)) {
      throw new ValidationError(this, { prop: 'defaultTier', value: defaultTier, rule: `no node of the ${profile.name} profile has a disk of tier "${defaultTier}"`, fix: `use one of ${tierNames.map((t) => show(t)).join(', ')}` });
    }
    const tiers = new Map<string, LonghornStorageTier>();
    const classNames = new Map<string, string>();
    for (const [name, facts] of profileTiers) {
      const o = props.tiers?.[name] ?? {};
      const storageClassName = ValidationError.within(this, `tiers.${name}.storageClassName`, () => validateDnsLabel(o.storageClassName ?? `longhorn-${name}`));
      const clash = classNames.get(storageClassName);
      if (clash !== undefined) {
        throw new ValidationError(this, { prop: `tiers.${name}.storageClassName`, value: storageClassName, rule: `tier "${clash}" uses that StorageClass name already`, fix: 'give every tier its own class name' });
      }
      const misnamed = tierNamesIn(storageClassName, tierNames).filter((t) => t !== name);
      if (misnamed.length) {
        throw new ValidationError(this, {
          prop: `tiers.${name}.storageClassName`, value: storageClassName,
          rule: `the name is that of tier ${misnamed.map((t) => `"${t}"`).join(' and ')}, but the class keeps its volumes on ${name} disks (diskSelector "${name}"), so claims by name would get the wrong tier (HK-STO-08)`,
          fix: `name it after its own tier, e.g. "longhorn-${name}"`,
        });
      }
      classNames.set(storageClassName, name);
      tiers.set(name, this.buildTier(cluster, profile, name, facts, storageClassName, o, name === defaultTier));
    }
    this.tiers = tiers;
    this.defaultTier = tiers.get(defaultTier)!;

    // the chart's own `longhorn` class has no disk selector: any node with a disk will do
    const chartReplicas = Math.min(3, profile.nodes.filter((n) => n.disks.length > 0).length);
    // With disks on one node only, the chart's class keeps one replica too: it selects the
    // default tier's jobs (which include a backup, checked above), not the bare default group.
    const d = this.defaultTier;
    const chartJobs = chartReplicas === 1 && (d.recurringJobGroups.length || d.recurringJobs.length)
      ? { recurringJobSelector: { enable: true, jobList: JSON.stringify([...d.recurringJobGroups.map((g) => ({ name: g, isGroup: true })), ...d.recurringJobs.map((j) => ({ name: j, isGroup: false }))]) } }
      : {};
    const tolerations = this.diskNodeTolerations(profile);
    const values: Record<string, unknown> = {
      csi: { kubeletRootDir: profile.kubeletRootDir },
      defaultSettings: { ...settings, defaultReplicaCount: chartReplicas, ...(tolerations.length ? { taintToleration: tolerations.map(taintTolerationText).join('; ') } : {}) },
      ...(tolerations.length ? { longhornManager: { tolerations }, longhornDriver: { tolerations } } : {}),
      ...(backupStore ? { defaultBackupStore: backupStore } : {}),
      persistence: { defaultClass: false, defaultClassReplicaCount: chartReplicas, reclaimPolicy: StorageReclaimPolicy.RETAIN, ...chartJobs },
      preUpgradeChecker: { jobEnabled: false },
      service: { ui: { type: 'ClusterIP' } },
      ingress: { enabled: false },
      longhornUI: { replicas: this.positiveInt('uiReplicas', props.uiReplicas, 2) },
    };
    // What the chart's pods request: the chart sets no resources, except that each node's
    // instance manager reserves 12% of the node's CPU (guaranteedInstanceManagerCPU); the
    // smallest node's figure is used for every node. Pods: the UI, the driver deployer and three
    // each of the CSI attacher, provisioner, resizer and snapshotter.
    const smallestCpu = Math.min(...profile.nodes.map((n) => n.cpu.millis));
    const uiReplicas = (values.longhornUI as { replicas: number }).replicas;
    this.release = new UpstreamChart(this, 'longhorn', {
      chart: props.chart ?? Charts.longhorn,
      values: deepMerge(values, props.values ?? {}),
      providesApiGroups: ['longhorn.io'],
      footprint: {
        cpu: '0', memory: '0', memoryLimit: '0', pods: uiReplicas + 1 + 12,
        perNode: { cpu: `${Math.floor(smallestCpu * 0.12)}m`, memory: '0', memoryLimit: '0' },
      },
      // the namespace has no default-deny (see the class docs), so an allow-all policy would add nothing
      networkPolicy: false,
    });

  }

  /** The tier `name`. @throws ValidationError naming the known tiers */
  public tier(name: string): LonghornStorageTier {
    const t = this.tiers.get(name);
    if (!t) {
      throw new ValidationError(this, { prop: 'tier', value: name, rule: `no such tier (tiers: ${[...this.tiers.keys()].join(', ')})`, fix: `use one of ${[...this.tiers.keys()].map((x) => show(x)).join(', ')}` });
    }
    return t;
  }

  /** The registered recurring jobs, by name. */
  public get recurringJobs(): ReadonlyMap<string, LonghornRecurringJob> {
    return this.jobs;
  }

  /**
   * Adds a recurring job (e.g. a backup job owned by the backup setup). Claims can select it
   * afterwards; tiers select only jobs declared in the `recurringJobs` prop.
   */
  public addRecurringJob(name: string, options: LonghornRecurringJobOptions): LonghornRecurringJob {
    return this.addJob(name, options, `addRecurringJob(${show(name)})`);
  }

  /** The operator steps this installation needs outside GitOps, as shell commands. */
  public get operatorSteps(): string[] {
    return this.nodeSetup.flatMap((n) => n.commands);
  }

  private addJob(name: string, options: LonghornRecurringJobOptions, prop: string): LonghornRecurringJob {
    if (this.jobs.has(name)) {
      throw new ValidationError(this, { prop, value: name, rule: 'a recurring job of that name exists already', fix: 'give every job its own name' });
    }
    const job = new LonghornRecurringJob(this.jobScope, name, { ...options, name });
    if (job.needsBackupTarget && !this.hasBackupTarget) {
      throw new ValidationError(this, { prop: `${prop}.task`, value: job.task, rule: 'a backup job needs a backup target, and this Longhorn has none', fix: 'set backupTarget, e.g. { url: "nfs://192.168.10.100:/mnt/nvme_storage/longhorn-backups" }' });
    }
    this.jobs.set(name, job);
    return job;
  }

  private buildTier(cluster: Cluster, profile: ClusterProfile, name: string, facts: ProfileStorageTier, storageClassName: string, o: LonghornTierOptions, isDefault: boolean): LonghornStorageTier {
    const p = `tiers.${name}`;
    if (storageClassName === 'longhorn') {
      throw new ValidationError(this, { prop: `${p}.storageClassName`, value: storageClassName, rule: 'longhorn-manager owns the StorageClass "longhorn" (from the chart\'s longhorn-storageclass ConfigMap) and would fight a second definition', fix: `use another name, e.g. "longhorn-${name}"` });
    }
    for (const key of ['nodeSelector', 'recurringJobGroups', 'recurringJobs'] as const) {
      if (o[key] !== undefined && !Array.isArray(o[key])) {
        throw new ValidationError(this, { prop: `${p}.${key}`, value: o[key], rule: 'a list of names', fix: `write ${key}: ["${key === 'nodeSelector' ? name : 'daily'}"]` });
      }
    }
    const nodeSelector = o.nodeSelector ?? [];
    nodeSelector.forEach((t, i) => ValidationError.within(this, `${p}.nodeSelector[${i}]`, () => validateDnsLabel(t)));
    const nodes = longhornEligibleNodes(profile, [name], nodeSelector);
    if (nodes.length === 0) {
      throw new ValidationError(this, { prop: `${p}.nodeSelector`, value: nodeSelector, rule: `no node with ${name} disks carries the node tags ${nodeSelector.join(', ')} (nodes with ${name} disks: ${facts.nodes.map((n) => n.node.name).join(', ')}; a node's tags are the tiers of its disks)`, fix: 'remove the node selector, or name a tier that shares a node with this one' });
    }
    const nodeNames = nodes.map((n) => n.node.name).join(', ');
    const replicas = o.replicas ?? Math.min(3, nodes.length);
    if (!Number.isInteger(replicas) || replicas < 1) {
      throw new ValidationError(this, { prop: `${p}.replicas`, value: o.replicas, rule: 'must be a whole number of at least 1', fix: `use 1 to ${Math.min(3, nodes.length)}` });
    }
    if (replicas > nodes.length) {
      throw new ValidationError(this, {
        prop: `${p}.replicas`, value: replicas,
        rule: `tier "${name}" has disks on ${nodes.length === 1 ? '1 node' : `${nodes.length} nodes`} (${nodeNames}), so ${replicas} replicas cannot sit on different nodes: every volume would run degraded with ${nodes.length} of ${replicas} replicas, and be faulted once those fail (the cortex Qdrant volume went faulted this way)`,
        fix: `use at most ${nodes.length} replica${nodes.length === 1 ? '' : 's'}${nodes.length === 1 ? ' with a backup job' : ''}, or add ${name} disks to more nodes in the profile`,
      });
    }
    const dataLocality = o.dataLocality ?? DataLocality.BEST_EFFORT;
    if (!Object.values(DataLocality).includes(dataLocality)) {
      throw new ValidationError(this, { prop: `${p}.dataLocality`, value: dataLocality, rule: 'not a Longhorn data locality', fix: 'use DataLocality.DISABLED, BEST_EFFORT or STRICT_LOCAL' });
    }
    if (dataLocality === DataLocality.STRICT_LOCAL && replicas !== 1) {
      throw new ValidationError(this, { prop: `${p}.dataLocality`, value: dataLocality, rule: `strict-local keeps the only replica on the pod's node, so it takes exactly 1 replica (this tier has ${replicas})`, fix: 'use DataLocality.BEST_EFFORT, or replicas: 1 with a backup job' });
    }
    const staleReplicaTimeout = this.positiveInt(`${p}.staleReplicaTimeout`, o.staleReplicaTimeout, 2880);
    const fsType = o.fsType ?? LonghornFsType.EXT4;
    if (!Object.values(LonghornFsType).includes(fsType)) {
      throw new ValidationError(this, { prop: `${p}.fsType`, value: fsType, rule: 'Longhorn formats volumes as ext4 or xfs', fix: 'use LonghornFsType.EXT4 or LonghornFsType.XFS' });
    }
    const reclaimPolicy = o.reclaimPolicy ?? StorageReclaimPolicy.RETAIN;
    const bindingMode = o.volumeBindingMode ?? VolumeBindingMode.IMMEDIATE;

    // recurring jobs the class selects
    const groups = o.recurringJobGroups ?? [];
    const jobNames = o.recurringJobs ?? [];
    const known = new Set<string>();
    for (const j of this.jobs.values()) for (const g of j.groups) known.add(g);
    groups.forEach((g, i) => {
      if (!known.has(g)) {
        throw new ValidationError(this, { prop: `${p}.recurringJobGroups[${i}]`, value: g, rule: `no recurring job is in group "${g}" (groups: ${[...known].sort().join(', ') || 'none'})`, fix: `add a job with groups: ["${g}"] to recurringJobs, or remove the reference` });
      }
    });
    jobNames.forEach((j, i) => {
      if (!this.jobs.has(j)) {
        throw new ValidationError(this, { prop: `${p}.recurringJobs[${i}]`, value: j, rule: `no recurring job named "${j}" (jobs: ${[...this.jobs.keys()].sort().join(', ') || 'none'})`, fix: 'declare it in recurringJobs, or remove the reference' });
      }
    });
    const selectsGroups = groups.length || jobNames.length ? groups : [LonghornKeys.DEFAULT_GROUP];
    const effective = [...this.jobs.values()].filter((j) => jobNames.includes(j.name) || j.groups.some((g) => selectsGroups.includes(g)));
    if (replicas === 1 && !effective.some((j) => j.isVolumeBackup)) {
      const which = effective.length ? `its jobs (${effective.map((j) => `${j.name}: ${j.task}`).join(', ')}) include no backup` : groups.length || jobNames.length ? 'it selects no job' : 'no job is in the default group it gets';
      throw new ValidationError(this, {
        prop: `${p}.replicas`, value: 1,
        rule: `tier "${name}" keeps a single copy of each volume (on ${nodeNames}) and ${which}: losing that disk loses the data`,
        fix: `add a backup job's group to ${p}.recurringJobGroups (with a backupTarget), or use more replicas${nodes.length < 2 ? ` after adding ${name} disks to another node` : ''}`,
      });
    }

    const selector = [...groups.map((g) => ({ name: g, isGroup: true })), ...jobNames.map((j) => ({ name: j, isGroup: false }))];
    const parameters: Record<string, string> = {
      numberOfReplicas: String(replicas),
      staleReplicaTimeout: String(staleReplicaTimeout),
      fsType,
      dataLocality,
      diskSelector: name,
    };
    if (nodeSelector.length) parameters.nodeSelector = nodeSelector.join(',');
    if (selector.length) parameters.recurringJobSelector = JSON.stringify(selector);
    const storageClass = new k8s.KubeStorageClass(cluster.clusterChart, `LonghornStorageClass-${storageClassName}`, {
      metadata: {
        name: storageClassName,
        labels: { [STORAGE_TIER_LABEL]: name, [LabelKeys.MANAGED_BY]: MANAGED_BY },
        annotations: isDefault ? { [DEFAULT_CLASS_ANNOTATION]: 'true' } : undefined,
      },
      provisioner: LonghornKeys.PROVISIONER,
      reclaimPolicy,
      allowVolumeExpansion: o.allowVolumeExpansion ?? true,
      volumeBindingMode: bindingMode,
      parameters,
    });
    const tier = new LonghornStorageTier({
      name, storageClassName, replicas, dataLocality, nodes, recurringJobGroups: groups, recurringJobs: jobNames, isDefault, storageClass,
    }, { scope: this, jobs: () => this.jobs });
    return tier;
  }

  private settings(props: LonghornProps): Record<string, unknown> {
    const percent = (prop: string, v: number | undefined, def: number, min: number, max: number) => {
      const x = v ?? def;
      if (!Number.isInteger(x) || x < min || x > max) {
        throw new ValidationError(this, { prop, value: v, rule: `must be a whole percentage from ${min} to ${max}`, fix: `use e.g. ${def}` });
      }
      return x;
    };
    const policy = props.nodeDownPodDeletionPolicy ?? NodeDownPodDeletionPolicy.DELETE_BOTH_STATEFULSET_AND_DEPLOYMENT_POD;
    if (!Object.values(NodeDownPodDeletionPolicy).includes(policy)) {
      throw new ValidationError(this, { prop: 'nodeDownPodDeletionPolicy', value: policy, rule: 'not a Longhorn node-down pod deletion policy', fix: 'use a NodeDownPodDeletionPolicy value' });
    }
    const locality = props.defaultDataLocality ?? DataLocality.BEST_EFFORT;
    if (locality !== DataLocality.DISABLED && locality !== DataLocality.BEST_EFFORT) {
      throw new ValidationError(this, { prop: 'defaultDataLocality', value: locality, rule: 'the global default must be disabled or best-effort (strict-local needs one replica per volume)', fix: 'use DataLocality.BEST_EFFORT, and strict-local on a one-replica tier' });
    }
    return {
      createDefaultDiskLabeledNodes: true,
      defaultDataLocality: locality,
      replicaSoftAntiAffinity: props.replicaSoftAntiAffinity ?? false,
      storageOverProvisioningPercentage: percent('storageOverProvisioningPercentage', props.storageOverProvisioningPercentage, 100, 1, 1000),
      storageMinimalAvailablePercentage: percent('storageMinimalAvailablePercentage', props.storageMinimalAvailablePercentage, 25, 0, 100),
      nodeDownPodDeletionPolicy: policy,
      upgradeChecker: false,
    };
  }

  private backupStore(profile: ClusterProfile, t: LonghornBackupTarget): Record<string, unknown> {
    if ((t.target === undefined) === (t.url === undefined)) {
      throw new ValidationError(this, { prop: 'backupTarget', value: t, rule: 'give exactly one of target (a profile backup target) and url', fix: `use { target: "<name>" } with one of the profile's backupTargets (${profile.backupTargets.map((b) => b.name).join(', ') || 'none declared'}), or { url: "nfs://<server>:/<path>" }` });
    }
    let url = t.url as string;
    if (t.target !== undefined) {
      const target = profile.backupTarget(t.target, this, 'backupTarget.target');
      if (target.isObjectStore) {
        const prefix = t.prefix ?? 'longhorn';
        if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(prefix)) {
          throw new ValidationError(this, { prop: 'backupTarget.prefix', value: t.prefix, rule: 'not a folder path inside a bucket', fix: 'use letters, digits, dots, hyphens and slashes, e.g. "longhorn"' });
        }
        url = `s3://${target.bucket}@${target.region ?? 'us-east-1'}/${prefix}/`;
      } else {
        url = target.endpoint as string;
      }
    } else if (t.prefix !== undefined) {
      throw new ValidationError(this, { prop: 'backupTarget.prefix', value: t.prefix, rule: 'prefix goes with target; a url carries its own path', fix: 'put the folder into the url, or remove prefix' });
    }
    const patterns: [string, RegExp, boolean][] = [
      ['nfs', /^nfs:\/\/[^/\s:]+:\/\S+$/, false],
      ['s3', /^s3:\/\/[^@/\s]+@[^/\s]+\/\S*$/, true],
      ['cifs', /^cifs:\/\/[^/\s]+\/\S+$/, true],
      ['azblob', /^azblob:\/\/[^@/\s]+@[^/\s]*\/\S*$/, true],
    ];
    const scheme = /^([a-z0-9]+):\/\//.exec(url ?? '')?.[1];
    const kind = patterns.find(([x]) => x === scheme);
    if (!kind || !kind[1].test(url)) {
      throw new ValidationError(this, { prop: 'backupTarget.url', value: url, rule: 'not a Longhorn backup target URL', fix: 'use nfs://<server>:/<path>, s3://<bucket>@<region>/<path>, cifs://<server>/<share> or azblob://<container>@<endpoint>/' });
    }
    if (kind[2] && t.credentialSecret === undefined) {
      throw new ValidationError(this, { prop: 'backupTarget.credentialSecret', value: undefined, rule: `a backup target of type ${kind[0]} needs credentials`, fix: 'name a Secret in longhorn-system that holds them (never the values themselves)' });
    }
    if (t.credentialSecret !== undefined) {
      ValidationError.within(this, 'backupTarget.credentialSecret', () => validateDnsSubdomain(t.credentialSecret as string));
    }
    const out: Record<string, unknown> = { backupTarget: url, pollInterval: this.positiveInt('backupTarget.pollInterval', t.pollInterval, 300) };
    if (t.credentialSecret !== undefined) out.backupTargetCredentialSecret = t.credentialSecret;
    return out;
  }

  /**
   * Tolerations for the NoSchedule/NoExecute taints of the nodes with disks: without them the
   * manager and the components Longhorn deploys itself (instance managers, engine images, CSI
   * plugin) never run there, and the node's disks hold no replica. Longhorn's taintToleration
   * setting refuses keys containing `kubernetes.io` (reserved for Kubernetes' own tolerations),
   * so a disk node with such a taint is refused.
   */
  private diskNodeTolerations(profile: ClusterProfile): { key?: string; operator?: string; value?: string; effect?: string }[] {
    profile.nodes.forEach((n, i) => {
      if (n.disks.length === 0) return;
      n.taints.forEach((t, j) => {
        if (t.effect !== TaintEffect.PREFER_NO_SCHEDULE && t.key.includes('kubernetes.io')) {
          throw new ValidationError(this, {
            prop: `profile.nodes[${i}].taints[${j}]`, value: `${t.key}${t.value === undefined ? '' : `=${t.value}`}:${t.effect}`,
            rule: `node ${n.name} has Longhorn disks, and Longhorn's taintToleration setting refuses "kubernetes.io" keys, so its instance managers and CSI plugin could never run there`,
            fix: 'remove the taint from the node (or use a key of your own, e.g. "storage-only"), or move the disks to an untainted node',
          });
        }
      });
    });
    return tolerationsFor(profile.nodes.filter((n) => n.disks.length > 0));
  }

  private positiveInt(prop: string, v: number | undefined, def: number): number {
    const x = v ?? def;
    if (!Number.isInteger(x) || x < 1) {
      throw new ValidationError(this, { prop, value: v, rule: 'must be a whole number of at least 1', fix: `use e.g. ${def}` });
    }
    return x;
  }
}

/** A toleration as Longhorn's taintToleration setting writes it: `key=value:Effect` or `key:Effect`. */
function taintTolerationText(t: { key?: string; value?: string; effect?: string }): string {
  return `${t.key}${t.value === undefined ? '' : `=${t.value}`}:${t.effect}`;
}

/** `patch` merged into `base`: objects recursively, everything else replaced. */
function deepMerge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    const b = out[k];
    out[k] = isObject(b) && isObject(v) ? deepMerge(b, v) : v;
  }
  return out;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
