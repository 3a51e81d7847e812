import { Duration } from 'cdk8s';
import { BackupSchedule, BackupStorageLocation, Namespace, Velero, VolumeBackupMode, VolumePolicy } from '../../lib';
import { createValidator } from '../schema/validator';
import { errorOf, one } from '../helpers';
import { backupCluster, veleroObjects, veleroSetup } from './fixtures';

describe('BackupSchedule', () => {
  const { cluster, velero, offsite } = veleroSetup();
  new Namespace(cluster, 'apps');
  new BackupSchedule(velero, 'apps-daily', {
    schedule: '15 2 * * *',
    ttl: Duration.days(14),
    namespaces: ['apps'],
    labelSelector: { matchLabels: { backup: 'yes' } },
    location: offsite,
    skipVolumes: [VolumePolicy.skipNfs('192.168.10.100', '/mnt/rust/media'), VolumePolicy.skipStorageClasses('local-path')],
  });
  const objs = veleroObjects(cluster);

  test('the Schedule: file-system backups, skipImmediately, no owner references, a Go TTL', () => {
    expect(one(objs, 'Schedule', 'apps-daily')).toEqual({
      apiVersion: 'velero.io/v1',
      kind: 'Schedule',
      metadata: { name: 'apps-daily', namespace: 'velero', labels: { 'app.kubernetes.io/name': 'velero', 'app.kubernetes.io/managed-by': 'hardened-homelab' } },
      spec: {
        schedule: '15 2 * * *',
        skipImmediately: true,
        useOwnerReferencesInBackup: false,
        paused: false,
        template: {
          includedNamespaces: ['apps'],
          labelSelector: { matchLabels: { backup: 'yes' } },
          storageLocation: 'b2-offsite',
          ttl: '336h0m0s',
          defaultVolumesToFsBackup: true,
          snapshotVolumes: false,
          resourcePolicy: { kind: 'configmap', name: 'apps-daily-volume-policy' },
        },
      },
    });
  });

  test('skipped volumes become a Velero resource policy (one data key, version v1, action skip)', () => {
    expect(one(objs, 'ConfigMap', 'apps-daily-volume-policy').data).toEqual({
      'policy.yaml': [
        'version: v1',
        'volumePolicies:',
        '  - conditions:',
        '      nfs:',
        '        server: 192.168.10.100',
        '        path: /mnt/rust/media',
        '    action:',
        '      type: skip',
        '  - conditions:',
        '      storageClass:',
        '        - local-path',
        '    action:',
        '      type: skip',
        '',
      ].join('\n'),
    });
  });

  test('a PrometheusRule: stale after two intervals (or never succeeded), failed, partially failed', () => {
    const rule = one(objs, 'PrometheusRule', 'velero-apps-daily');
    expect(rule.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'velero', 'app.kubernetes.io/managed-by': 'hardened-homelab' });
    const rules = rule.spec.groups[0].rules;
    expect(rule.spec.groups[0].name).toBe('velero-schedule-apps-daily');
    expect(rules.map((r: any) => [r.alert, r.expr, r.for, r.labels])).toEqual([
      ['VeleroBackupTooOld', '(time() - velero_backup_last_successful_timestamp{schedule="apps-daily"} > 172800) or absent_over_time(velero_backup_last_successful_timestamp{schedule="apps-daily"}[2880m])', '10m', { severity: 'critical', component: 'velero', schedule: 'apps-daily' }],
      ['VeleroBackupFailed', 'increase(velero_backup_failure_total{schedule="apps-daily"}[1440m]) > 0', undefined, { severity: 'critical', component: 'velero', schedule: 'apps-daily' }],
      ['VeleroBackupPartiallyFailed', 'increase(velero_backup_partial_failure_total{schedule="apps-daily"}[1440m]) > 0', undefined, { severity: 'warning', component: 'velero', schedule: 'apps-daily' }],
    ]);
    expect(rules[0].annotations.summary).toBe('Velero schedule apps-daily has had no successful backup for more than 2d');
  });

  test('volume modes map to the template fields', () => {
    const { velero: v, cluster: c } = veleroSetup();
    const modes = [VolumeBackupMode.SNAPSHOT_MOVE_DATA, VolumeBackupMode.SNAPSHOT, VolumeBackupMode.NONE];
    modes.forEach((mode, i) => new BackupSchedule(v, `m${i}`, { schedule: `${i} 1 * * *`, ttl: Duration.days(2), namespaces: ['kube-system'], volumes: mode, alerts: false }));
    const o = veleroObjects(c);
    expect(modes.map((_, i) => one(o, 'Schedule', `m${i}`).spec.template).map((t) => [t.defaultVolumesToFsBackup, t.snapshotVolumes, t.snapshotMoveData]))
      .toEqual([[false, true, true], [false, true, undefined], [false, false, undefined]]);
    expect(o.filter((x) => x.kind === 'PrometheusRule')).toEqual([]);
  });

  test('"*" backs up every namespace but Velero\'s own; onlyExistingNamespaces waits for missing ones', () => {
    const { velero: v, cluster: c } = veleroSetup();
    new Namespace(c, 'media');
    new BackupSchedule(v, 'all', { schedule: '0 3 * * 0', ttl: Duration.days(30), namespaces: ['*'], excludedNamespaces: ['kube-*'] });
    new BackupSchedule(v, 'some', { schedule: '10 3 * * 0', ttl: Duration.days(30), namespaces: ['media', 'ai', 'flux-system'], onlyExistingNamespaces: true });
    new BackupSchedule(v, 'none-yet', { schedule: '20 3 * * 0', ttl: Duration.days(30), namespaces: ['ai'], onlyExistingNamespaces: true });
    const o = veleroObjects(c);
    expect([one(o, 'Schedule', 'all').spec.template.includedNamespaces, one(o, 'Schedule', 'all').spec.template.excludedNamespaces]).toEqual([['*'], ['kube-*', 'velero']]);
    const some = one(o, 'Schedule', 'some');
    // flux-system exists when Flux is the GitOps engine
    expect([some.spec.template.includedNamespaces, some.spec.paused, some.metadata.annotations]).toEqual([['media', 'flux-system'], false, { 'hardened-homelab.io/pending-namespaces': 'ai' }]);
    const none = one(o, 'Schedule', 'none-yet');
    // an empty list would mean "all namespaces" to Velero: the schedule waits paused instead
    expect([none.spec.template.includedNamespaces, none.spec.paused, none.metadata.annotations]).toEqual([[], true, { 'hardened-homelab.io/pending-namespaces': 'ai' }]);
  });

  test('objects validate against the CRD schemas', () => {
    const validator = createValidator();
    expect(objs.flatMap((o) => validator.validate(o))).toEqual([]);
  });

  const make = (props: any, setup = veleroSetup()) => new BackupSchedule(setup.velero, 's', { schedule: '15 2 * * *', ttl: Duration.days(14), namespaces: ['apps'], ...props });

  test.each([
    [{ schedule: '15 2 * *' }, '[test/velero/s] schedule = "15 2 * *": a cron expression has exactly 5 fields (minute hour day-of-month month day-of-week), this one has 4. Fix: write e.g. "15 2 * * *" for 02:15 every day'],
    [{ schedule: 'CRON_TZ=Europe/Berlin 15 2 * * *' }, '[test/velero/s] schedule = "CRON_TZ=Europe/Berlin 15 2 * * *": Velero v1.16.2 cannot resolve CRON_TZ zones (it reports "unknown time zone" and the Schedule fails validation; fixed in v1.18.1). Fix: drop the prefix and give the hours in UTC'],
    [{ schedule: '0 0 31 2 *' }, '[test/velero/s] schedule = "0 0 31 2 *": this schedule never fires (no such day). Fix: check the day-of-month and month fields, e.g. "0 4 1 * *" for the 1st of every month'],
    [{ ttl: Duration.hours(24) }, '[test/velero/s] ttl = "24h0m0s": backups would expire before the next one is taken (the longest gap between runs of "15 2 * * *" is 1d). Fix: keep backups longer than the interval, e.g. ttl: Duration.hours(48)'],
    [{ schedule: '0 4 1 * *', ttl: Duration.days(30) }, '[test/velero/s] ttl = "720h0m0s": backups would expire before the next one is taken (the longest gap between runs of "0 4 1 * *" is 31d). Fix: keep backups longer than the interval, e.g. ttl: Duration.hours(1488)'],
    [{ namespaces: [] }, '[test/velero/s] namespaces = []: name the namespaces to back up (Velero reads an empty list as all of them). Fix: list them, or write ["*"] for all'],
    [{ namespaces: ['*', 'apps'] }, '[test/velero/s] namespaces = ["*","apps"]: "*" already includes every namespace. Fix: use ["*"] alone, or list the namespaces'],
    [{ namespaces: ['app-*'] }, '[test/velero/s] namespaces[0] = "app-*": Velero v1.16.2 matches included namespaces by exact name only, so a pattern includes nothing (velero#1874, globs since v1.18.0). Fix: list the namespaces by name, or use ["*"] with excludedNamespaces'],
    [{ namespaces: ['Apps'] }, '[test/velero/s] namespaces[0] = "Apps": not a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit). Fix: did you mean "apps"?'],
    [{ namespaces: ['velero'] }, '[test/velero/s] namespaces[0] = "velero": Velero does not back up its own namespace (its backups and repositories change while it runs). Fix: leave it out; the BackupStorageLocations and Schedules are in Git'],
    [{ excludedNamespaces: ['Kube_*'] }, '[test/velero/s] excludedNamespaces[0] = "Kube_*": not a namespace name or pattern. Fix: use a namespace name, or a pattern such as "kube-*"'],
    [{ name: 'Daily' }, '[test/velero/s] name = "Daily": not a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit). Fix: did you mean "daily"?'],
  ])('refuses %j', (props, message) => {
    expect(errorOf(() => make(props))).toBe(message);
  });

  test('refuses a second schedule due at the same time (Velero runs one backup at a time)', () => {
    const setup = veleroSetup();
    make({ name: 'hourly', schedule: '0 * * * *', ttl: Duration.hours(48) }, setup);
    expect(errorOf(() => new BackupSchedule(setup.velero, 'daily', { schedule: '0 2 * * *', ttl: Duration.days(14), namespaces: ['apps'] })))
      .toBe('[test/velero/daily] schedule = "0 2 * * *": fires at the same time as schedule hourly ("0 * * * *"), e.g. Mon 1 Jan 02:00; Velero runs one backup at a time, so one of them waits. Fix: move it to a minute no other schedule uses, e.g. 10');
  });

  test('refuses file-system backups without the node agent, and locations of another install', () => {
    const noAgent = new Velero(backupCluster(), 'velero', { nodeAgent: false });
    new BackupStorageLocation(noAgent, 'minio-local', { target: 'minio-local', credential: { name: 'c' }, default: true });
    expect(errorOf(() => new BackupSchedule(noAgent, 's', { schedule: '0 2 * * *', ttl: Duration.days(2), namespaces: ['apps'] })))
      .toBe('[test/velero/s] volumes = "file-system": file-system backups and the snapshot data mover run in the node agent, and this Velero install has none. Fix: set nodeAgent: true on the Velero install, or back up objects only (VolumeBackupMode.NONE)');
    const other = veleroSetup();
    const second = new Velero(other.cluster, 'velero-two');
    expect(errorOf(() => new BackupSchedule(second, 's', { schedule: '0 2 * * *', ttl: Duration.days(2), namespaces: ['apps'], location: other.local })))
      .toBe('[test/velero-two/s] location = "minio-local": the location belongs to another Velero install. Fix: use a location created in this install');
  });
});

describe('VolumePolicy', () => {
  test.each([
    [() => VolumePolicy.skipNfs('NAS!'), '[test/velero/s] skipVolumes[0].server = "NAS!": not a DNS-1123 subdomain (dot-separated lower-case labels, at most 253 characters). Fix: did you mean "nas"?'],
    [() => VolumePolicy.skipNfs('nas', 'media'), '[test/velero/s] skipVolumes[0].path = "media": an NFS export path is absolute. Fix: write e.g. "/mnt/rust/media"'],
    [() => VolumePolicy.skipStorageClasses(), '[test/velero/s] skipVolumes[0].names = []: name at least one StorageClass. Fix: e.g. VolumePolicy.skipStorageClasses("local-path")'],
    [() => VolumePolicy.skipStorageClasses('local-path', 'Local_Path'), '[test/velero/s] skipVolumes[0].names[1] = "Local_Path": not a DNS-1123 subdomain (dot-separated lower-case labels, at most 253 characters). Fix: did you mean "local-path"?'],
  ])('bad input %# is refused by the schedule that uses the policy, with its path', (policy, message) => {
    const s = veleroSetup();
    expect(errorOf(() => new BackupSchedule(s.velero, 's', { schedule: '0 2 * * *', ttl: Duration.days(2), namespaces: ['apps'], skipVolumes: [policy()] }))).toBe(message);
  });
  test('describes what it matches', () => {
    expect([VolumePolicy.skipNfs('192.168.10.100', '/mnt/rust/media').description, VolumePolicy.skipStorageClasses('a', 'b').description]).toEqual(['NFS 192.168.10.100:/mnt/rust/media', 'StorageClass a, b']);
  });
});

describe('BackupSchedule refuses invalid label selectors and a second schedule of one id (issue 8)', () => {
  const make = (id: string, labelSelector: any) => () => new BackupSchedule(veleroSetup().velero, id, { schedule: '0 2 * * *', ttl: Duration.days(14), namespaces: ['apps'], labelSelector });
  test.each([
    [{ matchLabels: { 'back up': 'yes' } }, '[test/velero/s] labelSelector.matchLabels.back up = "back up": not a label key (an optional DNS-1123 subdomain prefix and "/", then a name of at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit). Fix: did you mean "back-up"?'],
    [{ matchExpressions: [{ key: 'backup', operator: 'Equals', values: ['yes'] }] }, '[test/velero/s] labelSelector.matchExpressions[0].operator = "Equals": not a label selector operator. Fix: use "In", "NotIn", "Exists" or "DoesNotExist"'],
    [{ matchExpressions: [{ key: 'backup', operator: 'In', values: [] }] }, '[test/velero/s] labelSelector.matchExpressions[0].values = []: operator In needs at least one value. Fix: list the values, or use operator "Exists"'],
    [{ matchExpressions: [{ key: 'backup', operator: 'Exists', values: ['yes'] }] }, '[test/velero/s] labelSelector.matchExpressions[0].values = ["yes"]: operator Exists takes no values. Fix: remove values, or use operator "In"'],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['a b'] }] }, '[test/velero/s] labelSelector.matchExpressions[0].values[0] = "a b": not a label value (at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit). Fix: did you mean "a-b"?'],
  ])('refuses label selector %j', (selector, message) => {
    expect(errorOf(make('s', selector))).toBe(message);
  });

  test('a second schedule of one id', () => {
    const s = veleroSetup();
    new BackupSchedule(s.velero, 'daily', { schedule: '0 2 * * *', ttl: Duration.days(14), namespaces: ['apps'] });
    expect(errorOf(() => new BackupSchedule(s.velero, 'daily', { schedule: '30 2 * * *', ttl: Duration.days(14), namespaces: ['apps'] }))).toBe(
      '[test/velero/daily] id = "daily": test/velero already has a construct with this id (BackupSchedule), and ids are unique within their scope. Fix: choose another id (the id names the objects it synthesizes), or reuse the construct you created first');
  });
});
