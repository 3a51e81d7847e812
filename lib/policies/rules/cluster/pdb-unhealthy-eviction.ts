import { PolicyRule, RuleLevel, describe } from '../../rule';

/** HK-AVL-06 (W): PodDisruptionBudgets let unhealthy pods be evicted. */
export const pdbUnhealthyEvictionRule: PolicyRule = {
  id: 'HK-AVL-06',
  level: RuleLevel.WARNING,
  title: 'PodDisruptionBudgets set unhealthyPodEvictionPolicy: AlwaysAllow',
  explanation:
    'With the default IfHealthyBudget policy, pods that are running but not ready count against the budget, so a crash-looping pod can '
    + 'pin a node drain until someone deletes it by hand. The cortex cluster (seed 000) had services crash-looping for days (up to 2100 '
    + 'restarts), and its cortex-queue-worker PDB set IfHealthyBudget explicitly.',
  fix: 'Set spec.unhealthyPodEvictionPolicy: AlwaysAllow on the PodDisruptionBudget.',
  check(m) {
    if (m.kind !== 'PodDisruptionBudget') return [];
    const policy = m.spec?.unhealthyPodEvictionPolicy;
    if (policy === 'AlwaysAllow') return [];
    const what = policy === undefined ? 'does not set unhealthyPodEvictionPolicy (the default is IfHealthyBudget)' : `sets unhealthyPodEvictionPolicy ${policy}`;
    return [{
      message: `${describe(m)} ${what}, so crash-looping pods it covers can block node drains`,
      fix: `set spec.unhealthyPodEvictionPolicy: AlwaysAllow on ${describe(m)}`,
    }];
  },
};
