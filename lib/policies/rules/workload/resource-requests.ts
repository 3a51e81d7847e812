import { PolicyRule, RuleLevel } from '../../rule';
import { MAIN_AND_INIT, eachContainer, quantityProblem } from './_shared';

/** HK-RES-01: every main and init container requests CPU and memory. */
export const resourceRequestsRule: PolicyRule = {
  id: 'HK-RES-01',
  level: RuleLevel.ERROR,
  title: 'containers must request CPU and memory',
  explanation: 'The scheduler places pods by their requests; a pod without them lands on a node that is already full and is '
    + 'the first to be evicted. The Cortex cluster ended with worker nodes at 96-99 % memory allocation and seven pods Pending. '
    + 'Init containers count too: the pod\'s request is the larger of the init and the main requests.',
  fix: 'set resources.requests.cpu (e.g. "50m") and resources.requests.memory (e.g. "128Mi") on every container, init containers included',
  check: (m) => eachContainer(m, (ref) => [quantityProblem(ref, 'requests', 'cpu'), quantityProblem(ref, 'requests', 'memory')]
    .filter((p): p is string => p !== undefined), MAIN_AND_INIT),
};
