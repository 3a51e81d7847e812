import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { ValidationError, invalid } from '../core/errors';
import { validateDnsLabel } from '../core/names';
import { uniqueId } from '../core/tree';
import { BackupLabelSelector, BackupSchedule, VolumeBackupMode } from './backup-schedule';
import { BackupStorageLocation } from './backup-storage-location';
import { Velero } from './velero';
import { VolumePolicy, checkVolumePolicy } from './volume-policy';

/** Days of the week, as cron numbers them. */
export enum Weekday {
  SUNDAY = 0,
  MONDAY = 1,
  TUESDAY = 2,
  WEDNESDAY = 3,
  THURSDAY = 4,
  FRIDAY = 5,
  SATURDAY = 6,
}

/** Options every rung takes. */
export interface BackupRungOptions {
  /** Rung name; the Schedule is `<ladder>-<rung>`. @default - the cadence: `hourly`, `daily`, `weekly`, `monthly` */
  readonly name?: string;
  /** How long its backups are kept. @default - hourly 48h, daily 14 days, weekly 8 weeks, monthly 365 days */
  readonly ttl?: Duration;
  /** Where its backups go (e.g. the off-site location for the monthly rung). @default - the ladder's location */
  readonly location?: BackupStorageLocation;
  /** Minute of the hour. @default - the first minute no schedule of the Velero install uses (from the ladder's `startMinute`, in steps of `stagger`) */
  readonly minute?: number;
  /** @default - the ladder's `volumes` */
  readonly volumes?: VolumeBackupMode;
}

/** Options of a daily rung. */
export interface DailyRungOptions extends BackupRungOptions {
  /** Hour (UTC). @default 2 */
  readonly hour?: number;
}

/** Options of a weekly rung. */
export interface WeeklyRungOptions extends DailyRungOptions {
  /** @default Weekday.SUNDAY; hour @default 3 */
  readonly day?: Weekday;
}

/** Options of a monthly rung. */
export interface MonthlyRungOptions extends DailyRungOptions {
  /** Day of the month, 1-28 (later days skip short months). @default 1; hour @default 4 */
  readonly day?: number;
}

type Cadence = 'hourly' | 'daily' | 'weekly' | 'monthly';

/** One step of a {@link BackupLadder}: how often, how long to keep, where to. */
export class BackupRung {
  /** Every hour. TTL @default 48h. */
  public static hourly(options: BackupRungOptions = {}): BackupRung {
    return new BackupRung('hourly', options, Duration.hours(48), '*', '*', '*');
  }

  /** Every day at `hour` (default 2, UTC). TTL @default 14 days. */
  public static daily(options: DailyRungOptions = {}): BackupRung {
    return new BackupRung('daily', options, Duration.days(14), options.hour ?? 2, '*', '*');
  }

  /** Every week on `day` (default Sunday) at `hour` (default 3). TTL @default 8 weeks. */
  public static weekly(options: WeeklyRungOptions = {}): BackupRung {
    return new BackupRung('weekly', options, Duration.days(56), options.hour ?? 3, '*', options.day ?? Weekday.SUNDAY);
  }

  /** Every month on `day` (default 1) at `hour` (default 4). TTL @default 365 days. */
  public static monthly(options: MonthlyRungOptions = {}): BackupRung {
    return new BackupRung('monthly', options, Duration.days(365), options.hour ?? 4, options.day ?? 1, '*');
  }

  /** The rung name. */
  public readonly name: string;
  /** How long its backups are kept. */
  public readonly ttl: Duration;

  private constructor(
    public readonly cadence: Cadence,
    public readonly options: BackupRungOptions,
    defaultTtl: Duration,
    private readonly hour: number | '*',
    private readonly dayOfMonth: number | '*',
    private readonly dayOfWeek: number | '*',
  ) {
    this.name = options.name ?? cadence;
    this.ttl = options.ttl ?? defaultTtl;
  }

  /** The cron expression with `minute`. */
  public cron(minute: number): string {
    return `${minute} ${this.hour} ${this.dayOfMonth} * ${this.dayOfWeek}`;
  }

  /**
   * Checks what the factory received: the hour (0-23), the weekday of a weekly rung, the day
   * (1-28) of a monthly rung, the name. Throws a path-less ValidationError; the ladder places it
   * under `rungs[<i>]`.
   * @internal
   */
  public _validate(): void {
    const o = this.options as MonthlyRungOptions;
    if (this.hour !== '*' && (!Number.isInteger(this.hour) || this.hour < 0 || this.hour > 23)) {
      invalid('hour', o.hour, 'an hour is 0-23 (UTC)', 'use e.g. 2 for 02:00 UTC');
    }
    if (this.cadence === 'weekly' && (!Number.isInteger(this.dayOfWeek) || (this.dayOfWeek as number) < 0 || (this.dayOfWeek as number) > 6)) {
      invalid('day', o.day, 'not a weekday', 'use Weekday.SUNDAY … Weekday.SATURDAY');
    }
    if (this.cadence === 'monthly' && (!Number.isInteger(this.dayOfMonth) || (this.dayOfMonth as number) < 1 || (this.dayOfMonth as number) > 28)) {
      invalid('day', o.day, 'a monthly backup day is 1-28 (days 29-31 do not exist in every month, so those months would have no backup)', 'use a day from 1 to 28');
    }
    if (o.name !== undefined) ValidationError.under('name', () => validateDnsLabel(o.name as string));
    if (o.ttl !== undefined && !(o.ttl instanceof Duration)) {
      invalid('ttl', o.ttl, 'not a Duration', 'use e.g. Duration.days(14)');
    }
  }
}

/** Props of {@link BackupLadder}. */
export interface BackupLadderProps {
  /** The rungs, e.g. hourly, daily, weekly and a monthly off-site one. */
  readonly rungs: BackupRung[];
  /** Namespaces to back up; `['*']` for all but Velero's own. */
  readonly namespaces: string[];
  /** @default [] */
  readonly excludedNamespaces?: string[];
  /** @default - every object of the namespaces */
  readonly labelSelector?: BackupLabelSelector;
  /** Where the rungs' backups go unless a rung says otherwise. @default - the Velero install's default location */
  readonly location?: BackupStorageLocation;
  /** @default VolumeBackupMode.FILE_SYSTEM */
  readonly volumes?: VolumeBackupMode;
  /** Volumes whose data every rung leaves out. @default [] */
  readonly skipVolumes?: VolumePolicy[];
  /** See {@link BackupScheduleProps.onlyExistingNamespaces}. @default false */
  readonly onlyExistingNamespaces?: boolean;
  /** First minute tried for the rungs' schedules. @default 0 */
  readonly startMinute?: number;
  /** Minutes between the rungs' schedules (Velero runs one backup at a time). @default 10 */
  readonly stagger?: number;
  /** PrometheusRules per schedule. @default true */
  readonly alerts?: boolean;
}

/**
 * A backup ladder: one Velero Schedule per rung (e.g. hourly, daily, weekly, monthly off-site)
 * over the same namespaces, each with its own TTL and location, at minutes no other schedule
 * of the Velero install uses, so no two backups are due at once. Each schedule is a
 * {@link BackupSchedule}: validated cron and TTL, `skipImmediately`, no owner references, and
 * alerts on stale and failed backups.
 */
export class BackupLadder extends Construct {
  /** The schedules, in rung order. */
  public readonly schedules: readonly BackupSchedule[];

  constructor(scope: Construct, id: string, props: BackupLadderProps) {
    super(scope, uniqueId(scope, id));
    const velero = Velero.require(this, 'BackupLadder');
    ValidationError.within(this, 'id', () => validateDnsLabel(id, 40));
    if (!props.rungs || props.rungs.length === 0) {
      throw new ValidationError(this, { prop: 'rungs', value: props.rungs, rule: 'a ladder needs at least one rung', fix: 'e.g. rungs: [BackupRung.daily(), BackupRung.weekly()]' });
    }
    const start = props.startMinute ?? 0;
    const stagger = props.stagger ?? 10;
    if (!Number.isInteger(start) || start < 0 || start > 59) {
      throw new ValidationError(this, { prop: 'startMinute', value: props.startMinute, rule: 'a minute is 0-59', fix: 'use e.g. 5' });
    }
    if (!Number.isInteger(stagger) || stagger < 1 || stagger > 30) {
      throw new ValidationError(this, { prop: 'stagger', value: props.stagger, rule: 'the stagger is 1-30 minutes', fix: 'use e.g. 10' });
    }
    props.rungs.forEach((rung, i) => {
      if (!(rung instanceof BackupRung)) {
        throw new ValidationError(this, { prop: `rungs[${i}]`, value: rung, rule: 'not a BackupRung', fix: 'use BackupRung.hourly(), daily(), weekly() or monthly()' });
      }
      ValidationError.within(this, `rungs[${i}]`, () => rung._validate());
    });
    (props.skipVolumes ?? []).forEach((policy, i) => ValidationError.within(this, `skipVolumes[${i}]`, () => checkVolumePolicy(policy)));
    const names = new Set<string>();
    this.schedules = props.rungs.map((rung, i) => {
      if (names.has(rung.name)) {
        throw new ValidationError(this, { prop: `rungs[${i}].name`, value: rung.name, rule: 'two rungs have the same name', fix: 'name them apart, e.g. { name: "monthly-offsite" }' });
      }
      names.add(rung.name);
      const minute = rung.options.minute ?? velero.freeMinute(start, stagger);
      if (!Number.isInteger(minute) || minute < 0 || minute > 59) {
        throw new ValidationError(this, { prop: `rungs[${i}].minute`, value: rung.options.minute, rule: 'a minute is 0-59', fix: 'use e.g. 30, or leave it out to get a free one' });
      }
      try {
        return new BackupSchedule(this, rung.name, {
          name: `${id}-${rung.name}`,
          schedule: rung.cron(minute),
          ttl: rung.ttl,
          namespaces: props.namespaces,
          excludedNamespaces: props.excludedNamespaces,
          labelSelector: props.labelSelector,
          location: rung.options.location ?? props.location,
          volumes: rung.options.volumes ?? props.volumes,
          skipVolumes: props.skipVolumes,
          onlyExistingNamespaces: props.onlyExistingNamespaces,
          alerts: props.alerts,
        });
      } catch (e) {
        throw this.asRungError(e, rung, i);
      }
    });
  }

  /**
   * An error of the schedule built for rung `i`, told in the ladder's props: the user wrote the
   * ladder and its rungs, not the schedule (e.g. a TTL too short for the rung's interval is
   * `rungs[0].ttl` of the ladder, not `ttl` of `<ladder>/hourly`).
   */
  private asRungError(e: unknown, rung: BackupRung, i: number): unknown {
    if (!(e instanceof ValidationError) || e.path !== `${this.node.path}/${rung.name}`) return e;
    const root = e.prop.split(/[.[]/)[0];
    const ownProp: Record<string, string | undefined> = {
      name: `rungs[${i}].name`,
      ttl: `rungs[${i}].ttl`,
      schedule: `rungs[${i}].minute`,
      location: rung.options.location ? `rungs[${i}].location` : undefined,
      volumes: rung.options.volumes ? `rungs[${i}].volumes` : undefined,
    };
    const prop = ownProp[root] !== undefined ? `${ownProp[root]}${e.prop.slice(root.length)}` : e.prop;
    return new ValidationError(this, { prop, value: e.value, rule: e.rule, fix: e.fix });
  }
}
