import { namespacesOutsideProgram } from '../../../core/known-namespaces';
import { AnalysisViolation, PolicyRule, RuleLevel, describe } from '../../rule';
import { list } from '../cluster/_shared';
import { schedules } from './_shared';

/** HK-BAK-11: namespaces a Schedule includes by name exist. */
export const scheduleNamespacesRule: PolicyRule = {
  id: 'HK-BAK-11',
  level: RuleLevel.ERROR,
  title: 'Velero Schedules include only namespaces that exist',
  explanation: 'Since Velero 1.14 a backup whose includedNamespaces names a namespace that does not exist ends PartiallyFailed '
    + '("fail to get the namespace ... specified in backup.Spec.IncludedNamespaces"), every run, so the failure alert fires forever or '
    + 'gets silenced. The homelab (seed 003) kept longhorn-system in its schedules after removing Longhorn.',
  fix: 'remove the namespace from the schedule, create it, declare it in profile.externalServices, or use onlyExistingNamespaces on the ladder',
  analyze(ctx) {
    const known = namespacesOutsideProgram(ctx.profile);
    for (const ns of ctx.namespaces) known.add(ns);
    const out: AnalysisViolation[] = [];
    for (const s of schedules(ctx)) {
      if (s.paused) continue;
      const missing = list(s.template.includedNamespaces).map(String).filter((n) => !/[*?[\]{}]/.test(n) && !known.has(n));
      if (missing.length === 0) continue;
      out.push({
        target: s.record,
        message: `${describe(s.manifest)} includes namespace${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which ${missing.length > 1 ? 'do' : 'does'} not exist, so every backup ends PartiallyFailed`,
      });
    }
    return out;
  },
};
