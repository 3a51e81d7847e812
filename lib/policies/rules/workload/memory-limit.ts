import { PolicyRule, RuleLevel } from '../../rule';
import { MAIN_AND_INIT, eachContainer, quantityProblem } from './_shared';

/** HK-RES-02: every main and init container has a memory limit. */
export const memoryLimitRule: PolicyRule = {
  id: 'HK-RES-02',
  level: RuleLevel.ERROR,
  title: 'containers must set a memory limit',
  explanation: 'Without a memory limit one leaking container takes the node\'s memory and the kernel OOM-kills whatever it picks. '
    + 'The homelab milestone found limits missing on 27 HelmReleases, and Airflow was OOM-killed until its limits were sized.',
  fix: 'set resources.limits.memory on every container (init containers included), e.g. twice the memory request',
  check: (m) => eachContainer(m, (ref) => quantityProblem(ref, 'limits', 'memory'), MAIN_AND_INIT),
};
