import { AnalysisViolation, PolicyRule, RuleLevel, describe } from '../../rule';
import {
  BACKUP_TARGET_TASKS, VOLUME_BACKUP_TASKS, claimsOf, classLabel, defaultClassName, describeSelection, isLabelSource, longhornBackupTarget, longhornClasses, longhornRelease,
  recurringJobIndex, resolveJobs, volumeJobSelection,
} from './_shared';

/** `1.9.2` → [1, 9]; `undefined` for anything else. */
function minorVersion(v: string | undefined): [number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(v ?? '');
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/**
 * HK-STO-02: a one-replica Longhorn class (and every claim on it) is covered by a backup job, and
 * backup jobs have a backup target to write to.
 */
export const singleReplicaBackupRule: PolicyRule = {
  id: 'HK-STO-02',
  level: RuleLevel.ERROR,
  title: 'One-replica Longhorn volumes have a backup job, and backup jobs a backup target',
  explanation: 'A class with numberOfReplicas 1 keeps a single copy of every volume: the disk or node it sits on is a single point of data loss. '
    + 'The homelab\'s Optane tier had one replica and no recurring job at all (none of the RecurringJobs its docs described was in Git, '
    + 'seed 003), and its Longhorn outage lost every volume. The volume\'s jobs are the ones Longhorn actually applies: the claim\'s '
    + 'recurring-job labels when it is the label source, else the class\'s recurringJobSelector, else the default group. A backup job '
    + 'without a backup target fails on every run; since chart 1.8 the target is set by defaultBackupStore.backupTarget, and '
    + 'defaultSettings.backupTarget is ignored.',
  fix: 'select a backup job for the class (recurringJobSelector or the default group) and keep it in claims that carry their own job labels; set defaultBackupStore.backupTarget in the Longhorn chart values',
  analyze(ctx) {
    const out: AnalysisViolation[] = [];
    const classes = longhornClasses(ctx);
    const index = recurringJobIndex(ctx);
    const backups = (jobs: ReturnType<typeof resolveJobs>) => jobs.filter((j) => VOLUME_BACKUP_TASKS.has(j.task));
    for (const cls of classes.values()) {
      if (cls.replicas !== 1 || cls.selectorError) continue;
      const sel = volumeJobSelection(undefined, cls);
      const jobs = resolveJobs(sel, index);
      if (backups(jobs).length === 0) {
        out.push({
          target: cls.record,
          message: `${classLabel(cls)} keeps one replica per volume, and its volumes' jobs (${describeSelection(sel)}: ${jobs.length ? jobs.map((j) => `${j.name} ${j.task}`).join(', ') : 'none'}) include no backup: losing the disk loses the data`,
        });
      }
    }
    for (const claim of claimsOf(ctx, defaultClassName(ctx, classes))) {
      const cls = claim.className === undefined ? undefined : classes.get(claim.className);
      if (!cls || cls.replicas !== 1 || !isLabelSource(claim)) continue;
      const sel = volumeJobSelection(claim, cls);
      if (backups(resolveJobs(sel, index)).length === 0) {
        out.push({
          target: claim.record,
          message: `${claim.description} is on one-replica ${classLabel(cls)} and, as its volume's recurring-job label source, replaces the class's jobs with ${describeSelection(sel)}, which include no backup`,
          fix: 'add the label of a backup job or group (recurring-job-group.longhorn.io/<group>: enabled) to the claim, or drop recurring-job.longhorn.io/source',
        });
      }
    }
    const backupJobs = [...index.jobs.values()].filter((j) => BACKUP_TARGET_TASKS.has(j.task));
    const lh = longhornRelease(ctx);
    if (lh && backupJobs.length) {
      const v = lh.release.values as any;
      if (longhornBackupTarget(ctx) === undefined) {
        const version = minorVersion(lh.release.version);
        const legacy = typeof v?.defaultSettings?.backupTarget === 'string' && version !== undefined && (version[0] > 1 || version[1] >= 8);
        for (const j of backupJobs) {
          out.push({
            target: j.record,
            message: `${describe(j.record.manifest)} is a ${j.task} job, and the Longhorn release ${lh.release.release} sets no backup target`
              + (legacy ? ` (defaultSettings.backupTarget is ignored by chart ${lh.release.version}: the target moved to defaultBackupStore.backupTarget in 1.8)` : ''),
            fix: 'set defaultBackupStore.backupTarget (and backupTargetCredentialSecret for object stores) in the Longhorn chart values',
          });
        }
      }
    }
    return out;
  },
};
