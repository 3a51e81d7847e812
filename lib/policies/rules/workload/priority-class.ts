import { podTemplateOf } from '../../pod';
import { PolicyRule, RuleLevel } from '../../rule';

/** HK-RES-07: the pod names a PriorityClass. */
export const priorityClassRule: PolicyRule = {
  id: 'HK-RES-07',
  level: RuleLevel.WARNING,
  title: 'pods should set priorityClassName',
  explanation: 'Without a priority class every pod has priority 0, so when memory runs out critical services wait behind '
    + 'batch jobs and experiments; in the Cortex cluster core pods sat Pending while non-critical ones held the memory.',
  fix: 'set spec.priorityClassName (system-node-critical / system-cluster-critical for platform components, a library class such as workload-standard for apps)',
  check: (m) => {
    const pod = podTemplateOf(m);
    if (!pod) return [];
    const name = pod.spec?.priorityClassName;
    return typeof name === 'string' && name.trim() !== '' ? [] : [{ message: 'the pod does not set priorityClassName' }];
  },
};
