import { PolicyRule } from '../../rule';
import { clusterAdminBindingRule } from './cluster-admin-binding';
import { clusterWideSecretsRule } from './cluster-wide-secrets';
import { execAttachRule } from './exec-attach';
import { gitopsWriteRule } from './gitops-write';
import { rbacWildcardsRule } from './wildcards';

export * from './cluster-admin-binding';
export * from './exec-attach';
export * from './wildcards';
export * from './cluster-wide-secrets';
export * from './gitops-write';
export { BUILT_IN_CLUSTER_ROLES } from './_shared';

/** RBAC: no cluster-admin for workloads, no exec, no wildcards, no cluster-wide Secret reads, no writes to the GitOps objects. */
export const RBAC_RULES: readonly PolicyRule[] = [
  clusterAdminBindingRule, // HK-RBAC-01
  execAttachRule, // HK-RBAC-02
  rbacWildcardsRule, // HK-RBAC-03
  clusterWideSecretsRule, // HK-RBAC-04
  gitopsWriteRule, // HK-RBAC-05
];
