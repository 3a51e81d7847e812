import { Longhorn, LonghornRecurringJob, Namespace, RecurringJobTask } from '../../lib';
import { errorOf } from '../helpers';
import { find, manifests, tieredCluster } from './fixtures';

const longhorn = () => new Longhorn(tieredCluster(), 'longhorn-system', {
  backupTarget: { url: 'nfs://nas:/backups' },
  recurringJobs: { 'backup-daily': { task: RecurringJobTask.BACKUP, cron: '30 1 * * *', groups: ['default'] } },
});
const add = (name: string, o: any) => longhorn().addRecurringJob(name, { task: RecurringJobTask.SNAPSHOT, cron: '0 * * * *', ...o });
const J = (name = 'x') => `[test/longhorn-system/RecurringJobs/${name}]`;

describe('LonghornRecurringJob', () => {
  test('defaults: retain 7, concurrency 1, no groups', () => {
    const job = add('snap', {});
    expect([job.name, job.task, job.cron, job.retain, job.concurrency, job.groups, job.isVolumeBackup, job.needsBackupTarget]).toEqual(['snap', 'snapshot', '0 * * * *', 7, 1, [], false, false]);
    expect(find(manifests(job.node.scope!.node.scope!.node.scope as any), 'RecurringJob', 'snap').spec).toEqual({ name: 'snap', task: 'snapshot', cron: '0 * * * *', retain: 7, concurrency: 1, groups: [] });
  });

  test('every task; backup parameters; trim and cleanup keep nothing', () => {
    const lh = longhorn();
    const tasks = Object.values(RecurringJobTask);
    const jobs = tasks.map((task) => lh.addRecurringJob(`j-${task}`, { task, cron: '15 3 * * SUN' }));
    expect(jobs.map((j) => [j.task, j.retain, j.isVolumeBackup, j.needsBackupTarget])).toEqual([
      ['snapshot', 7, false, false],
      ['snapshot-force-create', 7, false, false],
      ['snapshot-cleanup', 0, false, false],
      ['snapshot-delete', 7, false, false],
      ['backup', 7, true, true],
      ['backup-force-create', 7, true, true],
      ['filesystem-trim', 0, false, false],
      ['system-backup', 7, false, true],
    ]);
    const full = lh.addRecurringJob('weekly-full', { task: RecurringJobTask.BACKUP, cron: '@weekly', retain: 4, concurrency: 3, groups: ['weekly', 'offsite'], labels: { kind: 'full' }, fullBackupInterval: 1 });
    expect(find(manifests(lh.node.scope as any), 'RecurringJob', 'weekly-full').spec).toEqual({
      name: 'weekly-full', task: 'backup', cron: '@weekly', retain: 4, concurrency: 3, groups: ['weekly', 'offsite'], labels: { kind: 'full' }, parameters: { 'full-backup-interval': '1' },
    });
    expect(full.label).toEqual({ 'recurring-job.longhorn.io/weekly-full': 'enabled' });
  });

  test('refuses bad names, tasks and schedules', () => {
    expect(errorOf(() => add('Snap_Hourly', {}))).toBe(`${J('Snap_Hourly')} name = "Snap_Hourly": not a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit). Fix: did you mean "snap-hourly"?`);
    expect(errorOf(() => add('a'.repeat(53), {}))).toBe(`${J('a'.repeat(53))} name = "${'a'.repeat(53)}": a DNS-1123 label has at most 52 characters, got 53. Fix: shorten it, e.g. "${'a'.repeat(52)}"`);
    expect(errorOf(() => add('x', { task: 'snap' }))).toBe(`${J()} task = "snap": not a Longhorn recurring job task. Fix: use one of snapshot, snapshot-force-create, snapshot-cleanup, snapshot-delete, backup, backup-force-create, filesystem-trim, system-backup`);
    expect(errorOf(() => add('x', { cron: '0 0 * * * *' }))).toBe(`${J()} cron = "0 0 * * * *": a cron expression has exactly 5 fields (minute hour day-of-month month day-of-week), this one has 6. Fix: drop the seconds field (Kubernetes, Velero and Longhorn cron has none): "0 * * * *"`);
    expect(errorOf(() => add('x', { cron: '61 * * * *' }))).toMatch(/^\[test\/longhorn-system\/RecurringJobs\/x\] cron = "61 \* \* \* \*": minute 61 is out of range 0-59\. Fix: /);
    expect(errorOf(() => add('x', { cron: 'CRON_TZ=Europe/Berlin 0 2 * * *' })))
      .toBe(`${J()} cron = "CRON_TZ=Europe/Berlin 0 2 * * *": Longhorn runs the job as a Kubernetes CronJob, whose schedule takes no time-zone prefix. Fix: drop the prefix and write the time in the controller's time zone (UTC on K3s unless configured)`);
    expect(errorOf(() => add('x', { cron: '0 0 30 2 *' }))).toBe(`${J()} cron = "0 0 30 2 *": the schedule never fires. Fix: check the day-of-month and month fields, e.g. "0 2 * * *"`);
  });

  test('refuses bad retention, concurrency, groups and backup parameters', () => {
    expect(errorOf(() => add('x', { retain: 0 }))).toBe(`${J()} retain = 0: must be a whole number from 1 to 100 (Longhorn's recurring-job-max-retention). Fix: keep e.g. 7 daily or 24 hourly copies`);
    expect(errorOf(() => add('x', { retain: 101 }))).toBe(`${J()} retain = 101: must be a whole number from 1 to 100 (Longhorn's recurring-job-max-retention). Fix: keep e.g. 7 daily or 24 hourly copies`);
    expect(errorOf(() => add('x', { task: RecurringJobTask.FILESYSTEM_TRIM, retain: 3 }))).toBe(`${J()} retain = 3: a filesystem-trim job keeps nothing, so retain is ignored. Fix: remove retain`);
    expect(errorOf(() => add('x', { concurrency: 0 }))).toBe(`${J()} concurrency = 0: must be a whole number of at least 1. Fix: use 1 on small clusters (one volume at a time), or the number of volumes to process in parallel`);
    expect(errorOf(() => add('x', { groups: ['Daily'] }))).toBe(`${J()} groups[0] = "Daily": not a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit). Fix: did you mean "daily"?`);
    expect(errorOf(() => add('x', { groups: ['a', 'a'] }))).toBe(`${J()} groups = ["a","a"]: group "a" is listed twice. Fix: list each group once`);
    expect(errorOf(() => add('x', { fullBackupInterval: 3 }))).toBe(`${J()} fullBackupInterval = 3: only backup jobs take full backups, this is a snapshot job. Fix: remove fullBackupInterval`);
    expect(errorOf(() => add('x', { task: RecurringJobTask.BACKUP, fullBackupInterval: -1 }))).toBe(`${J()} fullBackupInterval = -1: must be a whole number of at least 0. Fix: use e.g. 7 for a full backup every seventh run`);
  });

  test('lives only in longhorn-system', () => {
    expect(errorOf(() => new LonghornRecurringJob(new Namespace(tieredCluster(), 'apps'), 'x', { task: RecurringJobTask.SNAPSHOT, cron: '0 * * * *' })))
      .toBe('[test/apps/x] scope = "apps": Longhorn only reads RecurringJobs in longhorn-system. Fix: create it with longhorn.addRecurringJob(...) or the Longhorn recurringJobs prop');
  });
});

describe('LonghornRecurringJob: one id per scope (issue 8)', () => {
  test('a second job of the same id in one scope names its path and asks for another id', () => {
    const lh = longhorn();
    new LonghornRecurringJob(lh, 'weekly-trim', { task: RecurringJobTask.FILESYSTEM_TRIM, cron: '0 4 * * SUN' });
    expect(errorOf(() => new LonghornRecurringJob(lh, 'weekly-trim', { task: RecurringJobTask.FILESYSTEM_TRIM, cron: '0 5 * * SUN' }))).toBe(
      '[test/longhorn-system/weekly-trim] id = "weekly-trim": test/longhorn-system already has a construct with this id (LonghornRecurringJob), and ids are unique within their scope. Fix: choose another id (the id names the objects it synthesizes), or reuse the construct you created first');
  });
});
