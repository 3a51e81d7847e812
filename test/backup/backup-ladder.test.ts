import { Duration } from 'cdk8s';
import { BackupLadder, BackupRung, BackupSchedule, Namespace, VolumeBackupMode, Weekday } from '../../lib';
import { createValidator } from '../schema/validator';
import { errorOf, one } from '../helpers';
import { veleroObjects, veleroSetup } from './fixtures';

describe('BackupLadder', () => {
  const { cluster, velero, local, offsite } = veleroSetup();
  new Namespace(cluster, 'apps');
  const ladder = new BackupLadder(velero, 'critical', {
    namespaces: ['apps'],
    location: local,
    rungs: [BackupRung.hourly(), BackupRung.daily(), BackupRung.weekly(), BackupRung.monthly({ name: 'monthly-offsite', location: offsite })],
  });
  new BackupLadder(velero, 'everything', { namespaces: ['*'], rungs: [BackupRung.weekly({ ttl: Duration.days(30), location: offsite })] });
  const objs = veleroObjects(cluster);
  const schedules = objs.filter((o) => o.kind === 'Schedule');

  test('one Schedule per rung, at minutes no other schedule uses, with the default hours and TTLs', () => {
    expect(schedules.map((s) => [s.metadata.name, s.spec.schedule, s.spec.template.ttl, s.spec.template.storageLocation])).toEqual([
      ['critical-hourly', '0 * * * *', '48h0m0s', 'minio-local'],
      ['critical-daily', '10 2 * * *', '336h0m0s', 'minio-local'],
      ['critical-weekly', '20 3 * * 0', '1344h0m0s', 'minio-local'],
      ['critical-monthly-offsite', '30 4 1 * *', '8760h0m0s', 'b2-offsite'],
      ['everything-weekly', '40 3 * * 0', '720h0m0s', 'b2-offsite'],
    ]);
    expect(ladder.schedules.map((s) => s.intervalMinutes)).toEqual([60, 1440, 10080, 44640]);
  });

  test('every rung gets its alerts and the ladder\'s scope', () => {
    expect(objs.filter((o) => o.kind === 'PrometheusRule').map((o) => o.metadata.name))
      .toEqual(['velero-critical-hourly', 'velero-critical-daily', 'velero-critical-weekly', 'velero-critical-monthly-offsite', 'velero-everything-weekly']);
    expect(schedules.map((s) => s.spec.template.includedNamespaces)).toEqual([['apps'], ['apps'], ['apps'], ['apps'], ['*']]);
  });

  test('explicit days, hours, minutes, stagger and per-rung volume modes', () => {
    const s = veleroSetup();
    new BackupLadder(s.velero, 'db', {
      namespaces: ['kube-system'],
      startMinute: 5,
      stagger: 15,
      volumes: VolumeBackupMode.SNAPSHOT_MOVE_DATA,
      rungs: [
        BackupRung.daily({ hour: 1 }),
        BackupRung.weekly({ day: Weekday.WEDNESDAY, hour: 23, minute: 50 }),
        BackupRung.monthly({ day: 15, hour: 0, volumes: VolumeBackupMode.FILE_SYSTEM }),
      ],
    });
    const o = veleroObjects(s.cluster).filter((x) => x.kind === 'Schedule');
    expect(o.map((x) => [x.spec.schedule, x.spec.template.snapshotMoveData ?? false, x.spec.template.defaultVolumesToFsBackup]))
      .toEqual([['5 1 * * *', true, false], ['50 23 * * 3', true, false], ['20 0 15 * *', false, true]]);
  });

  test('staggers around schedules created by hand', () => {
    const s = veleroSetup();
    new BackupSchedule(s.velero, 'manual', { schedule: '0 4 * * *', ttl: Duration.days(7), namespaces: ['kube-system'] });
    new BackupLadder(s.velero, 'l', { namespaces: ['kube-system'], rungs: [BackupRung.hourly()] });
    expect(one(veleroObjects(s.cluster), 'Schedule', 'l-hourly').spec.schedule).toBe('10 * * * *');
  });

  test('objects validate against the CRD schemas', () => {
    const validator = createValidator();
    expect(objs.flatMap((o) => validator.validate(o))).toEqual([]);
  });

  test.each([
    [() => BackupRung.weekly({ day: 7 as Weekday }), '[test/velero/l] rungs[1].day = 7: not a weekday. Fix: use Weekday.SUNDAY … Weekday.SATURDAY'],
    [() => BackupRung.monthly({ day: 31 }), '[test/velero/l] rungs[1].day = 31: a monthly backup day is 1-28 (days 29-31 do not exist in every month, so those months would have no backup). Fix: use a day from 1 to 28'],
    [() => BackupRung.daily({ hour: 24 }), '[test/velero/l] rungs[1].hour = 24: an hour is 0-23 (UTC). Fix: use e.g. 2 for 02:00 UTC'],
    [() => BackupRung.weekly({ name: 'Weekly_Offsite' }), '[test/velero/l] rungs[1].name = "Weekly_Offsite": not a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit). Fix: did you mean "weekly-offsite"?'],
  ])('a rung\'s bad input %# is refused by the ladder, naming the rung', (rung, message) => {
    const s = veleroSetup();
    expect(errorOf(() => new BackupLadder(s.velero, 'l', { namespaces: ['kube-system'], rungs: [BackupRung.hourly(), rung()] }))).toBe(message);
  });

  test('a rung\'s TTL that the schedule refuses is reported as the rung\'s, at the ladder', () => {
    const s = veleroSetup();
    expect(errorOf(() => new BackupLadder(s.velero, 'l', { namespaces: ['kube-system'], rungs: [BackupRung.hourly(), BackupRung.daily({ ttl: Duration.hours(12) })] })))
      .toBe('[test/velero/l] rungs[1].ttl = "12h0m0s": backups would expire before the next one is taken (the longest gap between runs of "10 2 * * *" is 1d). Fix: keep backups longer than the interval, e.g. ttl: Duration.hours(48)');
  });

  test.each([
    [{ rungs: [] }, '[test/velero/l] rungs = []: a ladder needs at least one rung. Fix: e.g. rungs: [BackupRung.daily(), BackupRung.weekly()]'],
    [{ startMinute: 60 }, '[test/velero/l] startMinute = 60: a minute is 0-59. Fix: use e.g. 5'],
    [{ stagger: 0 }, '[test/velero/l] stagger = 0: the stagger is 1-30 minutes. Fix: use e.g. 10'],
    [{ rungs: [BackupRung.daily(), BackupRung.daily({ hour: 5 })] }, '[test/velero/l] rungs[1].name = "daily": two rungs have the same name. Fix: name them apart, e.g. { name: "monthly-offsite" }'],
    [{ rungs: [BackupRung.daily({ minute: 61 })] }, '[test/velero/l] rungs[0].minute = 61: a minute is 0-59. Fix: use e.g. 30, or leave it out to get a free one'],
  ])('refuses %j', (props, message) => {
    const s = veleroSetup();
    expect(errorOf(() => new BackupLadder(s.velero, 'l', { namespaces: ['kube-system'], rungs: [BackupRung.daily()], ...props } as any))).toBe(message);
  });

  test('refuses a ladder name that leaves no room for rung names', () => {
    const s = veleroSetup();
    expect(errorOf(() => new BackupLadder(s.velero, 'a'.repeat(41), { namespaces: ['kube-system'], rungs: [BackupRung.daily()] })))
      .toBe(`[test/velero/${'a'.repeat(41)}] id = "${'a'.repeat(41)}": a DNS-1123 label has at most 40 characters, got 41. Fix: shorten it, e.g. "${'a'.repeat(40)}"`);
  });
});
