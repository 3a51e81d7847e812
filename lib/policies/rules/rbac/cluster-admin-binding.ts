import { AnalysisViolation, PolicyRule, RuleLevel } from '../../rule';
import { list } from '../cluster/_shared';
import { describeSubject, isFullWildcard, roleIndex } from './_shared';

/**
 * HK-RBAC-01: no RoleBinding or ClusterRoleBinding grants `cluster-admin`, or a role with a
 * rule on every API group, every resource and every verb (`*`, or all seven CRUD verbs).
 * `system:` bindings and roles are left alone.
 */
export const clusterAdminBindingRule: PolicyRule = {
  id: 'HK-RBAC-01',
  level: RuleLevel.ERROR,
  title: 'No binding to cluster-admin or to a role that grants everything',
  explanation: 'cluster-admin (or any role with */*/*) bound cluster-wide gives full control of every object of every namespace, Secrets and '
    + 'RBAC included; bound in one namespace it still gives that namespace\'s Secrets, Roles and RoleBindings. A workload holding it turns '
    + 'any bug into a cluster takeover. The cortex cluster (seed 000) shows the slope: service accounts of AI workers with cluster-wide '
    + 'roles that grew from reading pods to reading Secrets and patching Argo CD Applications. Bindings are resolved to the Roles and '
    + 'ClusterRoles of the object set (aggregated ClusterRoles through their selectors) and to the built-in cluster-admin; `system:` names '
    + 'are excluded.',
  fix: 'Bind a role that lists the resources and verbs the subject needs, in the namespaces where it needs them (a Role and RoleBinding per '
    + 'namespace); keep cluster-admin for people, through your identity provider, not for workloads.',
  analyze(ctx) {
    const idx = roleIndex(ctx);
    const out: AnalysisViolation[] = [];
    for (const record of idx.bindings) {
      const b = record.manifest;
      const role = idx.resolve(b);
      const isClusterAdmin = b.roleRef?.kind === 'ClusterRole' && b.roleRef?.name === 'cluster-admin';
      if (!isClusterAdmin && !role?.rules.some(isFullWildcard)) continue;
      const namespace = b.metadata?.namespace;
      const subjects = list(b.subjects).map((s) => describeSubject(s, namespace));
      const to = subjects.length ? subjects.join(', ') : 'no subjects';
      const what = isClusterAdmin ? 'ClusterRole cluster-admin' : `${b.roleRef.kind} ${b.roleRef.name}, which grants every verb on every resource of every API group,`;
      out.push({
        target: record,
        message: b.kind === 'ClusterRoleBinding'
          ? `binds ${what} cluster-wide to ${to}: full control of every object in every namespace, Secrets and RBAC included`
          : `binds ${what} in namespace ${namespace ?? 'default'} to ${to}: full control of every object in the namespace, its Secrets, Roles and RoleBindings included`,
      });
    }
    return out;
  },
};
