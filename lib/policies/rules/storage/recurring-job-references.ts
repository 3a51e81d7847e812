import { LonghornKeys } from '../../../core/storage-tiers';
import { AnalysisViolation, PolicyRule, RuleLevel } from '../../rule';
import { claimsOf, classLabel, defaultClassName, isLabelSource, jobLabelsOf, longhornClasses, recurringJobIndex } from './_shared';

/**
 * HK-STO-03: every recurring job and group a Longhorn StorageClass or claim names exists, and
 * claim labels are written so that Longhorn reads them.
 */
export const recurringJobReferencesRule: PolicyRule = {
  id: 'HK-STO-03',
  level: RuleLevel.ERROR,
  title: 'Recurring jobs and groups named by Longhorn classes and claims exist, and claim job labels take effect',
  explanation: 'Longhorn binds volumes to RecurringJobs by name: a StorageClass recurringJobSelector entry, or a volume label '
    + 'recurring-job.longhorn.io/<job> or recurring-job-group.longhorn.io/<group> with the value "enabled". A name no RecurringJob '
    + 'carries binds nothing, silently: the homelab documented hourly and daily Longhorn jobs that did not exist (seed 003). Claim '
    + 'labels reach the volume only when the claim also carries recurring-job.longhorn.io/source: enabled, and only the value '
    + '"enabled" counts; labels without the source label leave the volume with no job at all.',
  fix: 'create the RecurringJob (or add the group to a job\'s spec.groups), fix the name, label the claim with recurring-job.longhorn.io/source: enabled, and use the value "enabled"',
  analyze(ctx) {
    const out: AnalysisViolation[] = [];
    const classes = longhornClasses(ctx);
    const index = recurringJobIndex(ctx);
    const known = (isGroup: boolean) => (isGroup ? [...index.groups.keys()] : [...index.jobs.keys()]).sort().join(', ') || 'none';
    for (const cls of classes.values()) {
      if (cls.selectorError) {
        out.push({ target: cls.record, message: `${classLabel(cls)}: ${cls.selectorError}`, fix: 'write it as [{"name":"<group>","isGroup":true}]' });
        continue;
      }
      for (const s of cls.selector ?? []) {
        const exists = s.isGroup ? index.groups.has(s.name) : index.jobs.has(s.name);
        if (!exists) {
          out.push({
            target: cls.record,
            message: `${classLabel(cls)} selects recurring ${s.isGroup ? 'job group' : 'job'} "${s.name}", which no RecurringJob ${s.isGroup ? 'is in' : 'is named'} (${s.isGroup ? 'groups' : 'jobs'}: ${known(s.isGroup)}), so its volumes get no job from it`,
          });
        }
      }
    }
    for (const claim of claimsOf(ctx, defaultClassName(ctx, classes))) {
      if (claim.className === undefined || !classes.has(claim.className)) continue;
      const { jobs, groups } = jobLabelsOf(claim.labels);
      const source = claim.labels[LonghornKeys.RECURRING_JOB_SOURCE];
      if (source !== undefined && source !== LonghornKeys.ENABLED) {
        out.push({ target: claim.record, message: `${claim.description} has ${LonghornKeys.RECURRING_JOB_SOURCE}: "${source}"; Longhorn only reads "${LonghornKeys.ENABLED}"`, fix: `set the label to "${LonghornKeys.ENABLED}"` });
      }
      if ((jobs.length || groups.length) && !isLabelSource(claim)) {
        out.push({
          target: claim.record,
          message: `${claim.description} carries recurring-job labels (${[...jobs.map(([n]) => `job ${n}`), ...groups.map(([n]) => `group ${n}`)].join(', ')}) without ${LonghornKeys.RECURRING_JOB_SOURCE}: ${LonghornKeys.ENABLED}, so Longhorn never copies them to the volume`,
          fix: `add the label ${LonghornKeys.RECURRING_JOB_SOURCE}: ${LonghornKeys.ENABLED} to the claim`,
        });
      }
      for (const [isGroup, entries] of [[false, jobs], [true, groups]] as [boolean, [string, string][]][]) {
        for (const [name, value] of entries) {
          const key = `${isGroup ? LonghornKeys.RECURRING_JOB_GROUP_PREFIX : LonghornKeys.RECURRING_JOB_PREFIX}${name}`;
          if (value !== LonghornKeys.ENABLED) {
            out.push({ target: claim.record, message: `${claim.description} has ${key}: "${value}"; Longhorn only applies the value "${LonghornKeys.ENABLED}"`, fix: `set ${key} to "${LonghornKeys.ENABLED}"` });
          }
          const exists = isGroup ? index.groups.has(name) : index.jobs.has(name);
          if (!exists) {
            out.push({ target: claim.record, message: `${claim.description} names recurring ${isGroup ? 'job group' : 'job'} "${name}", which no RecurringJob ${isGroup ? 'is in' : 'is named'} (${isGroup ? 'groups' : 'jobs'}: ${known(isGroup)})` });
          }
        }
      }
    }
    return out;
  },
};
