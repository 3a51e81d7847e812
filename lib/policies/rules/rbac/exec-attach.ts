import { PolicyRule, RuleLevel, RuleViolation } from '../../rule';
import { list } from '../cluster/_shared';
import { isRbac, isSystemName, rulesOf } from './_shared';

const SUBRESOURCES = ['exec', 'attach'];
const VERBS = ['create', 'get', '*'];

/**
 * HK-RBAC-02: no Role or ClusterRole grants `pods/exec` or `pods/attach` (also through the
 * wildcard-resource forms of the subresources) with `create`, `get` or `*`. A `*` resource is
 * HK-RBAC-03's finding.
 */
export const execAttachRule: PolicyRule = {
  id: 'HK-RBAC-02',
  level: RuleLevel.WARNING,
  title: 'No role grants exec or attach into pods',
  explanation: 'pods/exec and pods/attach (create; get for the WebSocket form) run commands in, or attach to, any container the role '
    + 'reaches: its files, environment, mounted Secrets and service-account token become the holder\'s, so the role is worth the sum of '
    + 'every pod it covers. Automation that "fixes" pods (the cortex cluster\'s auto-fix and health-monitor daemons, seed 000) rarely needs '
    + 'it; deleting or restarting a pod does not.',
  fix: 'Drop pods/exec and pods/attach from the role; restart through the workload (patch the Deployment\'s template annotation) or '
    + 'delete the pod. A debugging role for people belongs to your identity provider\'s groups, not to a workload.',
  check(m) {
    if (!(isRbac(m, 'Role') || isRbac(m, 'ClusterRole')) || isSystemName(m.metadata?.name)) return [];
    const out: RuleViolation[] = [];
    rulesOf(m).forEach((rule, i) => {
      const groups = list(rule.apiGroups);
      if (!groups.includes('') && !groups.includes('*')) return;
      const resources = list(rule.resources).filter((r) => SUBRESOURCES.some((s) => r === `pods/${s}` || r === `*/${s}`));
      const verbs = list(rule.verbs).filter((v) => VERBS.includes(v));
      if (resources.length === 0 || verbs.length === 0) return;
      out.push({
        message: `rules[${i}] grants ${verbs.join(', ')} on ${resources.join(', ')}: whoever holds the role runs commands in (or attaches to) the containers it reaches, with their Secrets and tokens`,
      });
    });
    return out;
  },
};
