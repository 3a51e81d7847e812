import { ApiObject, Chart, Duration, Lazy } from 'cdk8s';
import * as k8s from 'cdk8s-plus-29/lib/imports/k8s';
import { Construct, IConstruct } from 'constructs';
import * as YAML from 'yaml';
import { CronSchedule, cronCoincidence, cronMaxGapMinutes, formatGoDuration, humanMinutes, parseCron } from '../core/cron';
import { ValidationError, show } from '../core/errors';
import { LabelKeys, MANAGED_BY } from '../core/labels';
import { markAppBoundary, uniqueId } from '../core/tree';
import { namespacesOutsideProgram } from '../core/known-namespaces';
import { validateDnsLabel, validateLabelKey, validateLabelValue, validateLabels } from '../core/names';
import { ClusterProfile } from '../core/profile';
import { VELERO_FACTS, veleroHas } from '../core/velero-facts';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../imports/monitoring.coreos.com';
import { Schedule } from '../imports/velero.io';
import { BackupStorageLocation } from './backup-storage-location';
import { Velero } from './velero';
import { VolumePolicy, checkVolumePolicy, resourcePolicyDocument } from './volume-policy';
import { VolumeSnapshotLocation } from './volume-snapshot-location';

/** How a backup saves the data of volumes. */
export enum VolumeBackupMode {
  /**
   * Copy each pod volume's files with kopia through the node agent (`defaultVolumesToFsBackup`).
   * Works for every volume a running pod mounts: Longhorn, NFS, local-path. The default.
   */
  FILE_SYSTEM = 'file-system',
  /**
   * Take a CSI snapshot, then let the data mover copy it to the backup location
   * (`snapshotMoveData`). Needs a VolumeSnapshotClass of the volume's driver labelled
   * `velero.io/csi-volumesnapshot-class: "true"`.
   */
  SNAPSHOT_MOVE_DATA = 'snapshot-move-data',
  /**
   * Snapshots only. The data stays on the volume's own storage, so this is not a backup of the
   * data; the coverage policy does not count it.
   */
  SNAPSHOT = 'snapshot',
  /** Kubernetes objects only, no volume data. */
  NONE = 'none',
}

/** A label selector over the backed-up objects. */
export interface BackupLabelSelector {
  /** @default {} */
  readonly matchLabels?: Record<string, string>;
  /** @default [] */
  readonly matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

/** Props of {@link BackupSchedule}. */
export interface BackupScheduleProps {
  /**
   * When to run: five cron fields in UTC (minute hour day-of-month month day-of-week), as
   * Velero's parser reads them. A `CRON_TZ=` prefix needs Velero 1.18.1 or later.
   */
  readonly schedule: string;
  /** How long each backup is kept. Must be longer than the longest gap between two runs. */
  readonly ttl: Duration;
  /**
   * Namespaces to back up; `['*']` for all of them (the Velero namespace is then excluded:
   * Velero does not back itself up).
   */
  readonly namespaces: string[];
  /** Namespaces to leave out (glob `*` allowed). @default [] */
  readonly excludedNamespaces?: string[];
  /** Back up only objects with these labels. @default - every object of the namespaces */
  readonly labelSelector?: BackupLabelSelector;
  /** Where the backups go. @default - the Velero install's default location */
  readonly location?: BackupStorageLocation;
  /** @default VolumeBackupMode.FILE_SYSTEM */
  readonly volumes?: VolumeBackupMode;
  /** For native volume snapshotter plugins. @default [] */
  readonly volumeSnapshotLocations?: VolumeSnapshotLocation[];
  /** Volumes whose data is left out (a resource-policy ConfigMap). @default [] */
  readonly skipVolumes?: VolumePolicy[];
  /** @default - Velero's default (cluster-scoped objects that the namespaced ones use; all of them for `*`) */
  readonly includeClusterResources?: boolean;
  /**
   * Include a named namespace only once it exists: synthesized by this program, or one that
   * exists anyway (`kube-system`, the GitOps engine's, the profile's external services'). Velero
   * marks every backup PartiallyFailed when an included namespace does not exist (since 1.14),
   * so leaving the others out keeps the schedule green; the annotation
   * `hardened-homelab.io/pending-namespaces` and REPORT.md list them.
   * @default false (a missing namespace is reported by policy HK-BAK-11)
   */
  readonly onlyExistingNamespaces?: boolean;
  /**
   * Skip the backup Velero would otherwise take as soon as the Schedule is created or unpaused,
   * so a GitOps re-apply does not start a backup storm.
   * @default true
   */
  readonly skipImmediately?: boolean;
  /** @default false */
  readonly paused?: boolean;
  /** A PrometheusRule alerting on stale and failed backups of this schedule. @default true */
  readonly alerts?: boolean;
  /** Schedule name (also the `schedule` label of Velero's metrics). @default - the construct id */
  readonly name?: string;
}

/** Version from which Velero resolves `CRON_TZ=` zones (velero#9519); see VELERO_FACTS.cronTimeZone. */
export const CRON_TZ_SINCE: string = VELERO_FACTS.cronTimeZone.since;
/** Version from which Velero matches glob patterns in included namespaces (velero#9255); see VELERO_FACTS.namespaceGlobs. */
export const NAMESPACE_GLOBS_SINCE: string = VELERO_FACTS.namespaceGlobs.since;

const GLOB = /[*?[\]{}]/;

/**
 * A Velero Schedule, its resource policy (when volumes are skipped) and a PrometheusRule that
 * alerts when the schedule's last successful backup is older than twice its longest interval,
 * and when a backup of it fails or partially fails. Created inside a {@link Velero} install.
 *
 * Defaults: file-system backups of every pod volume, `skipImmediately: true`,
 * `useOwnerReferencesInBackup: false` (deleting the Schedule must not delete its backups).
 *
 * Refuses: cron that Velero cannot parse (or that never fires), `CRON_TZ=` before Velero
 * 1.18.1, a TTL not longer than the interval, a minute on which another schedule of the same
 * install fires at the same time (Velero runs one backup at a time), namespace patterns Velero
 * 1.16 does not match, the Velero namespace itself, file-system backups without the node agent.
 */
export class BackupSchedule extends Construct {
  /** The Schedule name. */
  public readonly name: string;
  /** The parsed cron expression. */
  public readonly cron: CronSchedule;
  /** The longest gap between two runs, in minutes. */
  public readonly intervalMinutes: number;
  /** The Velero Schedule. */
  public readonly schedule: ApiObject;
  /** The PrometheusRule with the alerts (unless `alerts: false`). */
  public readonly prometheusRule?: ApiObject;
  /** The resource-policy ConfigMap (when volumes are skipped). */
  public readonly resourcePolicy?: k8s.KubeConfigMap;

  constructor(scope: Construct, id: string, props: BackupScheduleProps) {
    super(scope, uniqueId(scope, id));
    const velero = Velero.require(this, 'BackupSchedule');
    // an app folder of the namespace, so the GitOps engine applies it after the chart's CRDs
    markAppBoundary(this, 'schedules');
    const profile = ClusterProfile.of(this);
    this.name = ValidationError.within(this, 'name', () => validateDnsLabel(props.name ?? id));

    this.cron = ValidationError.within(this, 'schedule', () => parseCron(props.schedule));
    if (this.cron.timeZone !== undefined && !veleroHas('cronTimeZone', velero.version)) {
      throw new ValidationError(this, {
        prop: 'schedule', value: props.schedule,
        rule: `Velero ${velero.version} cannot resolve CRON_TZ zones (it reports "unknown time zone" and the Schedule fails validation; fixed in ${CRON_TZ_SINCE})`,
        fix: 'drop the prefix and give the hours in UTC',
      });
    }
    const gap = cronMaxGapMinutes(this.cron);
    if (gap === undefined) {
      throw new ValidationError(this, { prop: 'schedule', value: props.schedule, rule: 'this schedule never fires (no such day)', fix: 'check the day-of-month and month fields, e.g. "0 4 1 * *" for the 1st of every month' });
    }
    this.intervalMinutes = gap;
    const ttlMinutes = props.ttl.toMinutes({ integral: false });
    if (!(ttlMinutes > gap)) {
      throw new ValidationError(this, {
        prop: 'ttl', value: formatGoDuration(props.ttl.toMilliseconds()),
        rule: `backups would expire before the next one is taken (the longest gap between runs of ${show(props.schedule)} is ${humanMinutes(gap)})`,
        fix: `keep backups longer than the interval, e.g. ttl: Duration.hours(${Math.ceil((2 * gap) / 60)})`,
      });
    }
    for (const other of velero.registeredSchedules) {
      const clash = cronCoincidence(this.cron, other.cron);
      if (clash) {
        throw new ValidationError(this, {
          prop: 'schedule', value: props.schedule,
          rule: `fires at the same time as schedule ${other.name} (${show(other.cron.expression)}), e.g. ${clash.example}; Velero runs one backup at a time, so one of them waits`,
          fix: `move it to a minute no other schedule uses, e.g. ${velero.freeMinute(0, 10)}`,
        });
      }
    }
    velero._registerSchedule(this.name, this.cron);

    const mode = props.volumes ?? VolumeBackupMode.FILE_SYSTEM;
    if ((mode === VolumeBackupMode.FILE_SYSTEM || mode === VolumeBackupMode.SNAPSHOT_MOVE_DATA) && !velero.nodeAgent) {
      throw new ValidationError(this, { prop: 'volumes', value: mode, rule: 'file-system backups and the snapshot data mover run in the node agent, and this Velero install has none', fix: 'set nodeAgent: true on the Velero install, or back up objects only (VolumeBackupMode.NONE)' });
    }
    if (props.location && Velero.find(props.location) !== velero) {
      throw new ValidationError(this, { prop: 'location', value: props.location.name, rule: 'the location belongs to another Velero install', fix: 'use a location created in this install' });
    }

    const namespaces = this.checkNamespaces(props.namespaces ?? [], velero);
    const all = namespaces.includes('*');
    const excluded = [...new Set([...(props.excludedNamespaces ?? []).map((n, i) => {
      if (!/^[a-z0-9*]([-a-z0-9*]*[a-z0-9*])?$/.test(n)) {
        throw new ValidationError(this, { prop: `excludedNamespaces[${i}]`, value: n, rule: 'not a namespace name or pattern', fix: 'use a namespace name, or a pattern such as "kube-*"' });
      }
      return n;
    }), ...(all ? [velero.name] : [])])];

    (props.skipVolumes ?? []).forEach((policy, i) => ValidationError.within(this, `skipVolumes[${i}]`, () => checkVolumePolicy(policy)));
    if (props.labelSelector) this.checkLabelSelector(props.labelSelector);
    if (props.skipVolumes && props.skipVolumes.length > 0) {
      const name = `${this.name}-volume-policy`;
      this.resourcePolicy = new k8s.KubeConfigMap(this, 'VolumePolicy', {
        metadata: { name, labels: { [LabelKeys.NAME]: 'velero', [LabelKeys.MANAGED_BY]: MANAGED_BY } },
        data: { 'policy.yaml': YAML.stringify(resourcePolicyDocument(props.skipVolumes)) },
      });
    }

    let included: unknown = namespaces;
    let paused: unknown = props.paused ?? false;
    const annotations: Record<string, string> = {};
    if (props.onlyExistingNamespaces && !all) {
      const present = () => {
        const existing = existingNamespaces(this, profile);
        return namespaces.filter((n) => existing.has(n));
      };
      included = Lazy.any({ produce: () => present() });
      // Velero reads an empty list as "every namespace": with none present yet, the schedule waits paused
      paused = Lazy.any({ produce: () => (props.paused ?? false) || present().length === 0 });
      annotations['hardened-homelab.io/pending-namespaces'] = Lazy.any({
        produce: () => {
          const here = new Set(present());
          return namespaces.filter((n) => !here.has(n)).join(',');
        },
      }) as any;
    }

    const selector = props.labelSelector;
    this.schedule = new Schedule(this, 'Resource', {
      metadata: {
        name: this.name,
        labels: { [LabelKeys.NAME]: 'velero', [LabelKeys.MANAGED_BY]: MANAGED_BY },
        ...(Object.keys(annotations).length ? { annotations } : {}),
      },
      spec: {
        schedule: this.cron.expression,
        skipImmediately: props.skipImmediately ?? true,
        useOwnerReferencesInBackup: false,
        paused: paused as boolean,
        template: {
          includedNamespaces: included as string[],
          excludedNamespaces: excluded.length ? excluded : undefined,
          labelSelector: selector && (Object.keys(selector.matchLabels ?? {}).length || (selector.matchExpressions ?? []).length)
            ? { matchLabels: selector.matchLabels, matchExpressions: selector.matchExpressions?.map((e) => ({ ...e })) }
            : undefined,
          storageLocation: props.location?.name,
          volumeSnapshotLocations: props.volumeSnapshotLocations?.length ? props.volumeSnapshotLocations.map((v) => v.name) : undefined,
          ttl: formatGoDuration(props.ttl.toMilliseconds()),
          includeClusterResources: props.includeClusterResources,
          defaultVolumesToFsBackup: mode === VolumeBackupMode.FILE_SYSTEM,
          snapshotVolumes: mode === VolumeBackupMode.SNAPSHOT || mode === VolumeBackupMode.SNAPSHOT_MOVE_DATA,
          snapshotMoveData: mode === VolumeBackupMode.SNAPSHOT_MOVE_DATA ? true : undefined,
          resourcePolicy: this.resourcePolicy ? { kind: 'configmap', name: this.resourcePolicy.name } : undefined,
        },
      },
    });

    if (props.alerts ?? true) {
      this.prometheusRule = new PrometheusRule(this, 'Alerts', {
        metadata: { name: `velero-${this.name}`, labels: { [LabelKeys.NAME]: 'velero', [LabelKeys.MANAGED_BY]: MANAGED_BY, ...velero.monitoringLabels } },
        spec: { groups: [{ name: `velero-schedule-${this.name}`, rules: scheduleAlerts(this.name, gap) }] },
      });
    }
  }

  /** Label keys and values, and expressions as Kubernetes label selectors allow them. */
  private checkLabelSelector(selector: BackupLabelSelector): void {
    ValidationError.within(this, 'labelSelector.matchLabels', () => validateLabels(selector.matchLabels ?? {}));
    (selector.matchExpressions ?? []).forEach((e, i) => {
      const prop = `labelSelector.matchExpressions[${i}]`;
      ValidationError.within(this, `${prop}.key`, () => validateLabelKey(e.key));
      const values = e.values ?? [];
      if (e.operator === 'In' || e.operator === 'NotIn') {
        if (values.length === 0) {
          throw new ValidationError(this, { prop: `${prop}.values`, value: e.values, rule: `operator ${e.operator} needs at least one value`, fix: 'list the values, or use operator "Exists"' });
        }
        values.forEach((v, j) => ValidationError.within(this, `${prop}.values[${j}]`, () => validateLabelValue(v)));
      } else if (e.operator === 'Exists' || e.operator === 'DoesNotExist') {
        if (values.length > 0) {
          throw new ValidationError(this, { prop: `${prop}.values`, value: e.values, rule: `operator ${e.operator} takes no values`, fix: 'remove values, or use operator "In"' });
        }
      } else {
        throw new ValidationError(this, { prop: `${prop}.operator`, value: e.operator, rule: 'not a label selector operator', fix: 'use "In", "NotIn", "Exists" or "DoesNotExist"' });
      }
    });
  }

  private checkNamespaces(list: readonly string[], velero: Velero): string[] {
    if (list.length === 0) {
      throw new ValidationError(this, { prop: 'namespaces', value: list, rule: 'name the namespaces to back up (Velero reads an empty list as all of them)', fix: 'list them, or write ["*"] for all' });
    }
    const out: string[] = [];
    list.forEach((n, i) => {
      if (n === '*') {
        if (list.length > 1) {
          throw new ValidationError(this, { prop: 'namespaces', value: list, rule: '"*" already includes every namespace', fix: 'use ["*"] alone, or list the namespaces' });
        }
      } else if (GLOB.test(n)) {
        if (!veleroHas('namespaceGlobs', velero.version)) {
          throw new ValidationError(this, { prop: `namespaces[${i}]`, value: n, rule: `Velero ${velero.version} matches included namespaces by exact name only, so a pattern includes nothing (velero#1874, globs since ${NAMESPACE_GLOBS_SINCE})`, fix: 'list the namespaces by name, or use ["*"] with excludedNamespaces' });
        }
      } else {
        ValidationError.within(this, `namespaces[${i}]`, () => validateDnsLabel(n));
        if (n === velero.name) {
          throw new ValidationError(this, { prop: `namespaces[${i}]`, value: n, rule: 'Velero does not back up its own namespace (its backups and repositories change while it runs)', fix: 'leave it out; the BackupStorageLocations and Schedules are in Git' });
        }
      }
      if (!out.includes(n)) out.push(n);
    });
    return out;
  }
}

/** The alerting rules of one schedule (see {@link BackupSchedule}). */
function scheduleAlerts(name: string, gapMinutes: number) {
  const selector = `{schedule=${JSON.stringify(name)}}`;
  const stale = Number.isFinite(gapMinutes) ? 2 * gapMinutes : 0;
  const window = Math.max(60, Math.min(Number.isFinite(gapMinutes) ? gapMinutes : 1440, 1440));
  const labels = (severity: string) => ({ severity, component: 'velero', schedule: name });
  const rules: any[] = [];
  if (stale > 0) {
    rules.push({
      alert: 'VeleroBackupTooOld',
      expr: PrometheusRuleSpecGroupsRulesExpr.fromString(
        `(time() - velero_backup_last_successful_timestamp${selector} > ${stale * 60}) or absent_over_time(velero_backup_last_successful_timestamp${selector}[${stale}m])`),
      for: '10m',
      labels: labels('critical'),
      annotations: {
        summary: `Velero schedule ${name} has had no successful backup for more than ${humanMinutes(stale)}`,
        description: `The last successful backup of schedule ${name} is older than twice its longest interval (${humanMinutes(gapMinutes)}). Check \`velero schedule describe ${name}\` and \`velero backup get\`.`,
      },
    });
  }
  rules.push({
    alert: 'VeleroBackupFailed',
    expr: PrometheusRuleSpecGroupsRulesExpr.fromString(`increase(velero_backup_failure_total${selector}[${window}m]) > 0`),
    labels: labels('critical'),
    annotations: {
      summary: `A backup of Velero schedule ${name} failed`,
      description: `velero_backup_failure_total of schedule ${name} grew in the last ${humanMinutes(window)}. See \`velero backup logs\` of its latest backup.`,
    },
  }, {
    alert: 'VeleroBackupPartiallyFailed',
    expr: PrometheusRuleSpecGroupsRulesExpr.fromString(`increase(velero_backup_partial_failure_total${selector}[${window}m]) > 0`),
    labels: labels('warning'),
    annotations: {
      summary: `A backup of Velero schedule ${name} partially failed`,
      description: `Some items or volumes of the latest backup of schedule ${name} were not saved (e.g. a namespace that does not exist, a volume the node agent could not read). See \`velero backup describe --details\`.`,
    },
  });
  return rules;
}

/** The Cluster construct `scope` belongs to (the scope that carries the profile). */
function clusterRoot(scope: IConstruct): IConstruct {
  let s: IConstruct = scope;
  while (s.node.scope && ClusterProfile.tryOf(s.node.scope)) s = s.node.scope;
  return s;
}

/** Namespaces that exist at synth time: synthesized by the program or outside it. */
function existingNamespaces(scope: IConstruct, profile: ClusterProfile): Set<string> {
  const out = namespacesOutsideProgram(profile);
  for (const c of clusterRoot(scope).node.findAll()) {
    if (Chart.isChart(c) && c.namespace) out.add(c.namespace);
    else if (ApiObject.isApiObject(c) && c.kind === 'Namespace' && c.apiVersion === 'v1') out.add(c.name);
  }
  return out;
}
