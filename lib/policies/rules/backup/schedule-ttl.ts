import { formatGoDuration, humanMinutes } from '../../../core/cron';
import { PolicyRule, RuleLevel } from '../../rule';
import { isVelero, scheduleOf, ttlMinutes } from './_shared';

/** HK-BAK-03: a Schedule keeps its backups longer than the longest gap between its runs. */
export const scheduleTtlRule: PolicyRule = {
  id: 'HK-BAK-03',
  level: RuleLevel.ERROR,
  title: 'Velero Schedules keep backups longer than the interval between runs',
  explanation: 'A backup expires after its TTL and Velero\'s garbage collector deletes it. When the TTL is not longer than the time '
    + 'until the next run, there are hours or days with no backup of this schedule at all, and a failed run leaves none. '
    + 'Seed 004\'s milestone counted "backup coverage" as the number of schedules; a schedule whose backups are gone covers nothing.',
  fix: 'set template.ttl to at least twice the longest gap between runs (e.g. 48h for hourly, 14 days for daily)',
  check(m, ctx) {
    if (!isVelero(m, 'Schedule')) return [];
    const s = scheduleOf(m, ctx);
    if (!s.cron || s.intervalMinutes === undefined) return []; // HK-BAK-04
    const ttl = ttlMinutes(s.template);
    if (ttl === undefined) {
      return [{
        message: `template.ttl ${JSON.stringify(s.template.ttl)} is not a Go duration, so Velero rejects the backups of this schedule`,
        fix: /\d+d/.test(String(s.template.ttl)) ? 'Go durations have no days: write hours, e.g. "336h0m0s" for 14 days' : 'write e.g. "720h0m0s"',
      }];
    }
    if (ttl > s.intervalMinutes) return [];
    const suggested = Number.isFinite(s.intervalMinutes) ? formatGoDuration(2 * s.intervalMinutes * 60_000) : '8760h0m0s';
    return [{
      message: `template.ttl ${s.template.ttl === undefined ? '720h0m0s (Velero\'s default)' : s.template.ttl} is not longer than the longest gap between runs of `
        + `"${s.cron.expression}" (${humanMinutes(s.intervalMinutes)}): each backup expires before the next one exists`,
      fix: `set template.ttl to at least "${suggested}" (twice the interval)`,
    }];
  },
};
