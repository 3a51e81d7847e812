import { AnalysisViolation, PolicyRule, RuleLevel, describe } from '../../rule';
import { list } from '../cluster/_shared';
import { schedules } from './_shared';

const METRIC = 'velero_backup_last_successful_timestamp';

/** HK-BAK-12: every Schedule is watched by a "last successful backup too old" alert. */
export const scheduleAlertsRule: PolicyRule = {
  id: 'HK-BAK-12',
  level: RuleLevel.WARNING,
  title: 'Every Velero Schedule has an alert on the age of its last successful backup',
  explanation: 'A schedule that stops producing good backups fails quietly: the homelab\'s local MinIO target (seed 003) was broken '
    + '("0 drives provided") and its local backups silently stopped. An alert on velero_backup_last_successful_timestamp per schedule '
    + 'turns that into a page within two intervals.',
  fix: 'create the schedule with BackupSchedule or BackupLadder (they add the PrometheusRule), or add a PrometheusRule on time() - velero_backup_last_successful_timestamp{schedule="<name>"}',
  analyze(ctx) {
    const named = new Set<string>();
    let all = false;
    for (const r of ctx.byKind('PrometheusRule')) {
      for (const g of list(r.manifest.spec?.groups)) {
        for (const rule of list(g?.rules)) {
          const expr = String(rule?.expr ?? '');
          if (!rule?.alert || !expr.includes(METRIC)) continue;
          const matchers = [...expr.matchAll(new RegExp(`${METRIC}\\s*\\{([^}]*)\\}`, 'g'))].map((x) => x[1]);
          if (matchers.length === 0 || matchers.some((mm) => !/schedule\s*=[^~]/.test(mm) || /schedule\s*=~/.test(mm))) all = true;
          for (const mm of matchers) for (const x of mm.matchAll(/schedule\s*=\s*"([^"]*)"/g)) named.add(x[1]);
        }
      }
    }
    if (all) return [];
    const out: AnalysisViolation[] = [];
    for (const s of schedules(ctx)) {
      if (s.paused || named.has(s.name)) continue;
      out.push({ target: s.record, message: `no PrometheusRule alerts when ${describe(s.manifest)} has had no successful backup for a while (${METRIC}{schedule="${s.name}"})` });
    }
    return out;
  },
};
