import { PolicyRule, RuleLevel, RuleViolation } from '../../rule';
import { list } from '../cluster/_shared';
import { isRbac, isSystemName, rulesOf } from './_shared';

/** `"" (core), apps`. */
function describeGroups(groups: readonly string[]): string {
  if (groups.length === 0) return 'no API group';
  if (groups.includes('*')) return 'every API group';
  return `API group${groups.length > 1 ? 's' : ''} ${groups.map((g) => (g === '' ? '"" (core)' : g)).join(', ')}`;
}

/**
 * HK-RBAC-03: no Role or ClusterRole rule has `*` in its resources or verbs. ClusterRoles with
 * an aggregationRule are skipped (the controller writes their rules).
 */
export const rbacWildcardsRule: PolicyRule = {
  id: 'HK-RBAC-03',
  level: RuleLevel.WARNING,
  title: 'Roles name their resources and verbs (no *)',
  explanation: 'A `*` in resources grants every resource of the groups, Secrets, pods/exec and the resources of CRDs installed later '
    + 'included; a `*` in verbs grants delete, deletecollection, escalate, bind and impersonate along with the reads the author meant. '
    + 'Nobody reviews what a wildcard will cover next year. The cortex cluster\'s roles (seed 000) grew by adding verbs and resources until '
    + 'a worker could read every Secret; listing them keeps each addition a visible change.',
  fix: 'List the resources and verbs the workload uses (kubectl auth can-i --list for its ServiceAccount shows what it has).',
  check(m) {
    if (!(isRbac(m, 'Role') || isRbac(m, 'ClusterRole')) || isSystemName(m.metadata?.name)) return [];
    if (list(m.aggregationRule?.clusterRoleSelectors).length > 0) return [];
    const out: RuleViolation[] = [];
    rulesOf(m).forEach((rule, i) => {
      const resources = list(rule.resources);
      const verbs = list(rule.verbs);
      const allResources = resources.includes('*');
      const allVerbs = verbs.includes('*');
      if (resources.length === 0 || (!allResources && !allVerbs)) return;
      const groups = describeGroups(list(rule.apiGroups));
      const verbText = allVerbs ? 'every verb (*)' : verbs.join(', ');
      const resourceText = allResources ? `every resource (*) of ${groups}` : `${resources.join(', ')} of ${groups}`;
      out.push({ message: `rules[${i}] grants ${verbText} on ${resourceText}: whatever the wildcard comes to cover is granted without anyone deciding to` });
    });
    return out;
  },
};
