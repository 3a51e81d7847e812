import { containerLabel, isBatch } from '../../pod';
import { PolicyRule, RuleLevel } from '../../rule';
import { MAIN_ONLY, eachContainer } from './_shared';

/** HK-PRB-02: every main container of a long-running workload has a livenessProbe. */
export const livenessProbeRule: PolicyRule = {
  id: 'HK-PRB-02',
  level: RuleLevel.WARNING,
  title: 'long-running containers should have a livenessProbe',
  explanation: 'Without a liveness probe a process that hangs (deadlock, stuck event loop) keeps running forever; only a crash is '
    + 'noticed. The homelab milestone listed missing probes among its causes of unexplained restarts. Jobs, CronJobs and init containers are not judged.',
  fix: 'add a livenessProbe that checks the process itself (e.g. httpGet /healthz), distinct from the readinessProbe',
  check: (m) => (isBatch(m) ? [] : eachContainer(m, (ref) =>
    ref.container?.livenessProbe ? undefined : `${containerLabel(ref)} has no livenessProbe`, MAIN_ONLY)),
};
