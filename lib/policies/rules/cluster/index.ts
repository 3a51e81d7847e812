import { PolicyRule } from '../../rule';
import { allowAllIngressRule } from './allow-all-ingress';
import { limitRangeComplianceRule } from './limit-range-compliance';
import { fluxReferencesRule } from './flux-references';
import { objectReferencesRule } from './object-references';
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
export * from './flux-references';
export * from './object-references';
export * from './allow-all-ingress';

/** Every rule that judges the object set as a whole (cross-references, coverage, namespace guard rails), ordered by id. */
export const CLUSTER_RULES: readonly PolicyRule[] = [
  noDefaultNamespaceRule, // HK-API-03
  fluxReferencesRule, // HK-API-05
  replicaSpreadRule, // HK-AVL-02
  pdbCoverageRule, // HK-AVL-04
  pdbAllowsEvictionRule, // HK-AVL-05
  pdbUnhealthyEvictionRule, // HK-AVL-06
  networkPolicyCoverageRule, // HK-NET-01
  namespaceNetworkBaselineRule, // HK-NET-02
  serviceTargetsPodsRule, // HK-NET-04
  allowAllIngressRule, // HK-NET-12
  namespaceQuotasRule, // HK-RES-06
  objectReferencesRule, // HK-SCR-04
  serviceReferencesRule, // HK-X-03
  limitRangeComplianceRule, // HK-X-21
];
