import { PolicyRule } from '../../rule';
import { limitRangeComplianceRule } from './limit-range-compliance';
import { namespaceNetworkBaselineRule } from './namespace-network-baseline';
import { namespaceQuotasRule } from './namespace-quotas';
import { networkPolicyCoverageRule } from './network-policy-coverage';
import { noDefaultNamespaceRule } from './no-default-namespace';
import { pdbAllowsEvictionRule } from './pdb-allows-eviction';
import { pdbCoverageRule } from './pdb-coverage';
import { pdbUnhealthyEvictionRule } from './pdb-unhealthy-eviction';
import { replicaSpreadRule } from './replica-spread';
import { serviceReferencesRule } from './service-references';
import { serviceTargetsPodsRule } from './service-targets-pods';

export * from './no-default-namespace';
export * from './replica-spread';
export * from './pdb-coverage';
export * from './pdb-allows-eviction';
export * from './pdb-unhealthy-eviction';
export * from './network-policy-coverage';
export * from './namespace-network-baseline';
export * from './service-targets-pods';
export * from './namespace-quotas';
export * from './service-references';
export * from './limit-range-compliance';

/** Every rule that judges the object set as a whole (cross-references, coverage, namespace guard rails), ordered by id. */
export const CLUSTER_RULES: readonly PolicyRule[] = [
  noDefaultNamespaceRule, // HK-API-03
  replicaSpreadRule, // HK-AVL-02
  pdbCoverageRule, // HK-AVL-04
  pdbAllowsEvictionRule, // HK-AVL-05
  pdbUnhealthyEvictionRule, // HK-AVL-06
  networkPolicyCoverageRule, // HK-NET-01
  namespaceNetworkBaselineRule, // HK-NET-02
  serviceTargetsPodsRule, // HK-NET-04
  namespaceQuotasRule, // HK-RES-06
  serviceReferencesRule, // HK-X-03
  limitRangeComplianceRule, // HK-X-21
];
