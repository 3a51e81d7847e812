import { containerLabel, isBatch } from '../../pod';
import { PolicyRule, RuleLevel } from '../../rule';
import { MAIN_ONLY, eachContainer } from './_shared';

/** HK-PRB-01: every main container of a long-running workload has a readinessProbe. */
export const readinessProbeRule: PolicyRule = {
  id: 'HK-PRB-01',
  level: RuleLevel.ERROR,
  title: 'long-running containers must have a readinessProbe',
  explanation: 'Without a readiness probe a pod receives traffic the moment its process starts, and a broken rollout looks healthy. '
    + 'In the Cortex cluster six services CrashLooped for days (up to 2100 restarts) without anything stopping the rollout. '
    + 'Jobs, CronJobs and init containers run to completion and are not judged.',
  fix: 'add a readinessProbe (httpGet on a /ready endpoint, or tcpSocket on the serving port) to every main container',
  check: (m) => (isBatch(m) ? [] : eachContainer(m, (ref) =>
    ref.container?.readinessProbe ? undefined : `${containerLabel(ref)} has no readinessProbe`, MAIN_ONLY)),
};
