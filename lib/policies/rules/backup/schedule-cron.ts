import { VELERO_FACTS, veleroHas } from '../../../core/velero-facts';
import { PolicyRule, RuleLevel } from '../../rule';
import { isVelero, scheduleOf, veleroInstall } from './_shared';


/** HK-BAK-04: a Schedule's cron parses with Velero's parser, fires, and uses CRON_TZ only where Velero supports it. */
export const scheduleCronRule: PolicyRule = {
  id: 'HK-BAK-04',
  level: RuleLevel.ERROR,
  title: 'Velero Schedule cron expressions are valid for the installed Velero',
  explanation: 'Velero parses spec.schedule with robfig/cron\'s standard parser: five fields, day of week 0-6. Anything else, and a '
    + '`CRON_TZ=` prefix on Velero before 1.18.1 (the zone lookup fails with "unknown time zone", velero#9519), puts the Schedule in '
    + 'phase FailedValidation: it exists in Git, the dashboard looks fine, and no backup ever runs (the seed 004 cluster had 0 % backup coverage).',
  fix: 'write five cron fields in UTC, e.g. "15 2 * * *"',
  check(m, ctx) {
    if (!isVelero(m, 'Schedule')) return [];
    const s = scheduleOf(m, ctx);
    if (s.cronError) {
      return [{ message: `spec.schedule ${JSON.stringify(m.spec?.schedule)}: ${s.cronError.rule}, so the Schedule fails validation and never runs`, fix: s.cronError.fix }];
    }
    if (s.cron?.timeZone !== undefined) {
      const version = veleroInstall(ctx).version;
      if (!veleroHas('cronTimeZone', version)) {
        return [{
          message: `spec.schedule uses CRON_TZ=${s.cron.timeZone}, which Velero ${version} cannot resolve (fixed in ${VELERO_FACTS.cronTimeZone.since}), so the Schedule fails validation`,
          fix: 'drop the prefix and give the hours in UTC, or install Velero 1.18.1 or later',
        }];
      }
    }
    if (s.cron && s.intervalMinutes === undefined) {
      return [{ message: `spec.schedule "${s.cron.expression}" never fires (no such day)`, fix: 'check the day-of-month and month fields, e.g. "0 4 1 * *" for the 1st of every month' }];
    }
    return [];
  },
};
