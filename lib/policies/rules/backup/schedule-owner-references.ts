import { PolicyRule, RuleLevel } from '../../rule';
import { isVelero } from './_shared';

/** HK-BAK-10: Schedules do not make their backups owned by the Schedule. */
export const scheduleOwnerReferencesRule: PolicyRule = {
  id: 'HK-BAK-10',
  level: RuleLevel.ERROR,
  title: 'Velero Schedules do not set useOwnerReferencesInBackup',
  explanation: 'With useOwnerReferencesInBackup: true every Backup is owned by its Schedule, so deleting or renaming the Schedule '
    + '(a GitOps prune, a refactor) garbage-collects all of its backups at once, exactly when they may be needed.',
  fix: 'set spec.useOwnerReferencesInBackup: false (or leave it out)',
  check(m) {
    if (!isVelero(m, 'Schedule') || m.spec?.useOwnerReferencesInBackup !== true) return [];
    return [{ message: 'spec.useOwnerReferencesInBackup is true: deleting or renaming this Schedule deletes every backup it made' }];
  },
};
