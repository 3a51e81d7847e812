import { cronCoincidence, cronMinutes } from '../../../core/cron';
import { AnalysisViolation, PolicyRule, RuleLevel, describe } from '../../rule';
import { push } from '../cluster/_shared';
import { ScheduleInfo, schedules } from './_shared';

/** HK-BAK-02: no two Velero Schedules of one install fire at the same time. */
export const scheduleOverlapRule: PolicyRule = {
  id: 'HK-BAK-02',
  level: RuleLevel.ERROR,
  title: 'Velero Schedules of one install never fire at the same minute',
  explanation: 'Velero runs one backup at a time (velero#7012, #5989): schedules due at the same minute queue behind each other, so '
    + 'the later ones start late and run into their successors. The homelab\'s hourly, daily and weekly backups (seed 003) were all '
    + 'meant to start on the hour.',
  fix: 'give each schedule its own minute of the hour (a BackupLadder staggers its rungs), e.g. hourly at :00, daily at :10, weekly at :20',
  analyze(ctx) {
    const buckets = new Map<string, ScheduleInfo[]>();
    const usedMinutes = new Map<string, Set<number>>();
    for (const s of schedules(ctx)) {
      if (!s.cron || s.paused || s.cron.everyMinutes !== undefined) continue;
      const minutes = cronMinutes(s.cron);
      const used = usedMinutes.get(s.namespace) ?? new Set<number>();
      usedMinutes.set(s.namespace, used);
      for (const m of minutes) {
        used.add(m);
        push(buckets, `${s.namespace}\u0000${m}`, s);
      }
    }
    const out: AnalysisViolation[] = [];
    const seen = new Set<string>();
    for (const bucket of buckets.values()) {
      for (let j = 1; j < bucket.length; j++) {
        for (let i = 0; i < j; i++) {
          const a = bucket[i];
          const b = bucket[j];
          const key = `${a.namespace}/${a.name}\u0000${b.name}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const clash = cronCoincidence(a.cron!, b.cron!);
          if (!clash) continue;
          const used = usedMinutes.get(b.namespace) ?? new Set<number>();
          const free = [...Array(60).keys()].find((m) => !used.has(m));
          const fields = b.cron!.expression.replace(/^(CRON_TZ|TZ)=\S+\s+/, '').split(/\s+/);
          out.push({
            target: b.record,
            message: `${describe(b.manifest)} ("${b.cron!.expression}") fires at the same time as ${describe(a.manifest)} ("${a.cron!.expression}"), `
              + `e.g. ${clash.example}; Velero runs one backup at a time, so one of them waits behind the other`,
            fix: free === undefined || fields.length !== 5
              ? scheduleOverlapRule.fix
              : `move one of them to a minute no other schedule uses, e.g. "${[String(free), ...fields.slice(1)].join(' ')}"`,
          });
        }
      }
    }
    return out;
  },
};
