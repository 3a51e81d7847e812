import { AnalysisViolation, PolicyRule, RuleLevel } from '../../rule';
import { list } from '../cluster/_shared';
import { describeSubject, grantedVerbs, grants, isFullWildcard, isServiceAccountSubject, roleIndex } from './_shared';

const READ = ['get', 'list', 'watch'];

/**
 * HK-RBAC-04: no ClusterRoleBinding gives a ServiceAccount a ClusterRole that reads Secrets
 * (`get`, `list`, `watch` or `*` on `secrets` without resourceNames). Bindings to cluster-admin
 * or a role that grants everything are HK-RBAC-01's.
 */
export const clusterWideSecretsRule: PolicyRule = {
  id: 'HK-RBAC-04',
  level: RuleLevel.ERROR,
  title: 'No ServiceAccount reads Secrets cluster-wide',
  explanation: 'A ClusterRole that reads Secrets, bound by a ClusterRoleBinding, lets the pod read every Secret of every namespace: the '
    + 'GitOps deploy keys, the backup credentials, the identity provider\'s, the other apps\' database passwords. The cortex cluster\'s '
    + 'implementation-workers (seed 000) held exactly that (get/list/watch on secrets cluster-wide, next to patch on Argo CD '
    + 'Applications) while running code generated from a queue. Reading a namespace\'s Secrets through a Role (as Vault\'s service '
    + 'registration or an operator in its own namespace does) is not this rule\'s concern; neither are rules limited by resourceNames. '
    + 'The built-in admin and edit ClusterRoles read Secrets too.',
  fix: 'Give the ServiceAccount a Role in each namespace whose Secrets it needs, naming them in resourceNames (get only), and drop secrets '
    + 'from the ClusterRole; better, mount the one Secret the pod needs instead of reading it through the API.',
  analyze(ctx) {
    const idx = roleIndex(ctx);
    const out: AnalysisViolation[] = [];
    for (const record of idx.bindings) {
      const b = record.manifest;
      if (b.kind !== 'ClusterRoleBinding') continue;
      const accounts = list(b.subjects).filter(isServiceAccountSubject);
      if (accounts.length === 0) continue;
      const role = idx.resolve(b);
      if (!role || role.name === 'cluster-admin' || role.rules.some(isFullWildcard)) continue;
      const reads = role.rules.filter((r) => list(r.resourceNames).length === 0 && grants(r, '', 'secrets', READ));
      if (reads.length === 0) continue;
      const verbs = [...new Set(reads.flatMap((r) => grantedVerbs(r, READ)))];
      const named = role.builtIn ? `the built-in ClusterRole ${role.name}` : `ClusterRole ${role.name}`;
      out.push({
        target: record,
        message: `binds ${named} cluster-wide to ${accounts.map((s) => describeSubject(s, undefined)).join(', ')}, and the role grants `
          + `${verbs.includes('*') ? 'every verb' : verbs.join(', ')} on secrets: the pod can read every Secret of every namespace`,
      });
    }
    return out;
  },
};
