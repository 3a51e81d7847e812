import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { cronMaxGapMinutes, parseCron } from '../core/cron';
import { ValidationError } from '../core/errors';
import { LabelKeys, MANAGED_BY } from '../core/labels';
import { validateDnsLabel } from '../core/names';
import { LonghornKeys } from '../core/storage-tiers';
import { uniqueId } from '../core/tree';
import { RecurringJobV1Beta2, RecurringJobV1Beta2SpecTask } from '../imports/longhorn.io';

/** The namespace Longhorn runs in and reads its RecurringJobs from. */
export const LONGHORN_NAMESPACE = 'longhorn-system';

/** What a Longhorn recurring job does (`spec.task`). */
export enum RecurringJobTask {
  /** Take a snapshot, then delete the oldest beyond `retain`. */
  SNAPSHOT = 'snapshot',
  /** Delete the oldest snapshots beyond `retain` first, then take one (for full disks). */
  SNAPSHOT_FORCE_CREATE = 'snapshot-force-create',
  /** Purge system snapshots and snapshots marked removed (no `retain`). */
  SNAPSHOT_CLEANUP = 'snapshot-cleanup',
  /** Delete snapshots beyond `retain` (no new snapshot). */
  SNAPSHOT_DELETE = 'snapshot-delete',
  /** Back the volume up to the backup target, keeping `retain` backups. */
  BACKUP = 'backup',
  /** Like BACKUP, deleting the oldest snapshots first. */
  BACKUP_FORCE_CREATE = 'backup-force-create',
  /** Trim the volume's filesystem (no `retain`). */
  FILESYSTEM_TRIM = 'filesystem-trim',
  /** Back up the Longhorn system resources, keeping `retain` system backups. */
  SYSTEM_BACKUP = 'system-backup',
}

/** Tasks that back volumes up to the backup target. */
export const LONGHORN_VOLUME_BACKUP_TASKS: ReadonlySet<RecurringJobTask> = new Set([RecurringJobTask.BACKUP, RecurringJobTask.BACKUP_FORCE_CREATE]);

/** Tasks that need a backup target. */
export const LONGHORN_BACKUP_TARGET_TASKS: ReadonlySet<RecurringJobTask> = new Set([...LONGHORN_VOLUME_BACKUP_TASKS, RecurringJobTask.SYSTEM_BACKUP]);

/** Tasks for which `retain` means nothing. */
const NO_RETAIN: ReadonlySet<RecurringJobTask> = new Set([RecurringJobTask.SNAPSHOT_CLEANUP, RecurringJobTask.FILESYSTEM_TRIM]);

/** Longhorn's default `recurring-job-max-retention` setting. */
export const LONGHORN_MAX_RETAIN = 100;

/** Options of a {@link LonghornRecurringJob}. */
export interface LonghornRecurringJobOptions {
  /** What the job does. */
  readonly task: RecurringJobTask;
  /** Cron schedule, 5 fields (or a descriptor such as `@daily`), e.g. `0 2 * * *`; no time-zone prefix. */
  readonly cron: string;
  /**
   * Snapshots or backups kept per volume (1 to 100, Longhorn's `recurring-job-max-retention`).
   * Not allowed for `snapshot-cleanup` and `filesystem-trim`.
   * @default 7 (0 for snapshot-cleanup and filesystem-trim)
   */
  readonly retain?: number;
  /** Volumes processed at the same time. @default 1 */
  readonly concurrency?: number;
  /**
   * Groups the job belongs to. StorageClasses and claims select jobs by group
   * (`recurring-job-group.longhorn.io/<group>: enabled`); the group `default` applies to every
   * volume that has no other recurring-job label.
   * @default [] (the job applies only to volumes that name it)
   */
  readonly groups?: string[];
  /** Labels put on the snapshots or backups the job creates. @default {} */
  readonly labels?: Record<string, string>;
  /**
   * Backup jobs: make every n-th backup a full one (`full-backup-interval`), so a chain of
   * incremental backups does not grow forever. 0 keeps every backup incremental.
   * @default - Longhorn's default (0)
   */
  readonly fullBackupInterval?: number;
}

/** Props of {@link LonghornRecurringJob}. */
export interface LonghornRecurringJobProps extends LonghornRecurringJobOptions {
  /** Job name (`metadata.name` and `spec.name`). @default - the construct id */
  readonly name?: string;
}

/**
 * A Longhorn `RecurringJob` (longhorn.io/v1beta2): a snapshot, backup, cleanup or trim task on a
 * cron schedule, for the volumes that select it by name or group. Create it through
 * `Longhorn.addRecurringJob()` (or the `recurringJobs` prop) so it lands in `longhorn-system`,
 * after the chart that installs its CRD, and so tiers and claims can check what they select.
 *
 * Refuses: names that are not DNS labels of at most 52 characters (Longhorn runs each job as a
 * CronJob of the same name), cron schedules that do not parse (robfig/cron standard syntax), carry a
 * time-zone prefix or never fire, `retain` outside 1–100
 * (or set where the task ignores it), `concurrency` below 1, group names that are not DNS labels,
 * `fullBackupInterval` on a task that is not a backup.
 */
export class LonghornRecurringJob extends Construct {
  /** The job name. */
  public readonly name: string;
  public readonly task: RecurringJobTask;
  /** The cron schedule (trimmed). */
  public readonly cron: string;
  public readonly retain: number;
  public readonly concurrency: number;
  public readonly groups: readonly string[];
  /** The rendered `RecurringJob` (longhorn.io/v1beta2). */
  public readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: LonghornRecurringJobProps) {
    super(scope, uniqueId(scope, id));
    this.name = ValidationError.within(this, 'name', () => validateDnsLabel(props.name ?? id, 52));
    const namespace = Chart.of(this).namespace;
    if (namespace !== LONGHORN_NAMESPACE) {
      throw new ValidationError(this, { prop: 'scope', value: namespace ?? '<none>', rule: `Longhorn only reads RecurringJobs in ${LONGHORN_NAMESPACE}`, fix: 'create it with longhorn.addRecurringJob(...) or the Longhorn recurringJobs prop' });
    }
    if (!Object.values(RecurringJobTask).includes(props.task)) {
      throw new ValidationError(this, { prop: 'task', value: props.task, rule: 'not a Longhorn recurring job task', fix: `use one of ${Object.values(RecurringJobTask).join(', ')}` });
    }
    this.task = props.task;
    const schedule = ValidationError.within(this, 'cron', () => parseCron(props.cron));
    if (schedule.timeZone !== undefined) {
      throw new ValidationError(this, { prop: 'cron', value: props.cron, rule: 'Longhorn runs the job as a Kubernetes CronJob, whose schedule takes no time-zone prefix', fix: 'drop the prefix and write the time in the controller\'s time zone (UTC on K3s unless configured)' });
    }
    if (cronMaxGapMinutes(schedule) === undefined) {
      throw new ValidationError(this, { prop: 'cron', value: props.cron, rule: 'the schedule never fires', fix: 'check the day-of-month and month fields, e.g. "0 2 * * *"' });
    }
    this.cron = props.cron.trim();
    if (NO_RETAIN.has(this.task)) {
      if (props.retain !== undefined && props.retain !== 0) {
        throw new ValidationError(this, { prop: 'retain', value: props.retain, rule: `a ${this.task} job keeps nothing, so retain is ignored`, fix: 'remove retain' });
      }
      this.retain = 0;
    } else {
      this.retain = props.retain ?? 7;
      if (!Number.isInteger(this.retain) || this.retain < 1 || this.retain > LONGHORN_MAX_RETAIN) {
        throw new ValidationError(this, { prop: 'retain', value: props.retain, rule: `must be a whole number from 1 to ${LONGHORN_MAX_RETAIN} (Longhorn's recurring-job-max-retention)`, fix: 'keep e.g. 7 daily or 24 hourly copies' });
      }
    }
    this.concurrency = props.concurrency ?? 1;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) {
      throw new ValidationError(this, { prop: 'concurrency', value: props.concurrency, rule: 'must be a whole number of at least 1', fix: 'use 1 on small clusters (one volume at a time), or the number of volumes to process in parallel' });
    }
    const groups = props.groups ?? [];
    if (!Array.isArray(groups)) {
      throw new ValidationError(this, { prop: 'groups', value: props.groups, rule: 'a list of group names', fix: 'write groups: ["daily"]' });
    }
    groups.forEach((g, i) => ValidationError.within(this, `groups[${i}]`, () => validateDnsLabel(g)));
    const dup = groups.find((g, i) => groups.indexOf(g) !== i);
    if (dup !== undefined) {
      throw new ValidationError(this, { prop: 'groups', value: groups, rule: `group "${dup}" is listed twice`, fix: 'list each group once' });
    }
    this.groups = [...groups];
    let parameters: Record<string, string> | undefined;
    if (props.fullBackupInterval !== undefined) {
      if (this.task !== RecurringJobTask.BACKUP && this.task !== RecurringJobTask.BACKUP_FORCE_CREATE) {
        throw new ValidationError(this, { prop: 'fullBackupInterval', value: props.fullBackupInterval, rule: `only backup jobs take full backups, this is a ${this.task} job`, fix: 'remove fullBackupInterval' });
      }
      if (!Number.isInteger(props.fullBackupInterval) || props.fullBackupInterval < 0) {
        throw new ValidationError(this, { prop: 'fullBackupInterval', value: props.fullBackupInterval, rule: 'must be a whole number of at least 0', fix: 'use e.g. 7 for a full backup every seventh run' });
      }
      parameters = { 'full-backup-interval': String(props.fullBackupInterval) };
    }
    this.resource = new RecurringJobV1Beta2(this, 'Resource', {
      metadata: { name: this.name, labels: { [LabelKeys.MANAGED_BY]: MANAGED_BY } },
      spec: {
        name: this.name,
        task: this.task as unknown as RecurringJobV1Beta2SpecTask,
        cron: this.cron,
        retain: this.retain,
        concurrency: this.concurrency,
        groups: [...this.groups],
        labels: props.labels && Object.keys(props.labels).length ? { ...props.labels } : undefined,
        parameters,
      },
    });
  }

  /** True for jobs that back volumes up to the backup target (`backup`, `backup-force-create`). */
  public get isVolumeBackup(): boolean {
    return LONGHORN_VOLUME_BACKUP_TASKS.has(this.task);
  }

  /** True for jobs that need a backup target (volume backups and `system-backup`). */
  public get needsBackupTarget(): boolean {
    return LONGHORN_BACKUP_TARGET_TASKS.has(this.task);
  }

  /** The claim/volume label that selects this job by name. */
  public get label(): Record<string, string> {
    return { [`${LonghornKeys.RECURRING_JOB_PREFIX}${this.name}`]: LonghornKeys.ENABLED };
  }
}
