import { PolicyPack, PolicyRule } from '../rule';
import { BACKUP_RULES } from '../rules/backup';
import { CAPACITY_RULES } from '../rules/capacity';
import { CLUSTER_RULES } from '../rules/cluster';
import { EXPOSURE_RULES } from '../rules/exposure';
import { GPU_RULES } from '../rules/gpu';
import { RBAC_RULES } from '../rules/rbac';
import { STORAGE_RULES } from '../rules/storage';
import { WORKLOAD_RULES } from '../rules/workload';

const ALL_RULES: readonly PolicyRule[] = [
  ...WORKLOAD_RULES, ...CLUSTER_RULES, ...CAPACITY_RULES, ...STORAGE_RULES, ...BACKUP_RULES, ...EXPOSURE_RULES, ...GPU_RULES, ...RBAC_RULES,
];

/**
 * The baseline pack: Pod Security "restricted", explicit resources, probes, pinned images,
 * no service links, no credentials in config, resolvable cross-references, working Services,
 * PDBs, namespace guard rails, capacity, storage tiers, backup coverage, exposure and GPU
 * budgets. Every Cluster runs it unless told otherwise.
 */
export const BASELINE_PACK: PolicyPack = {
  name: 'baseline',
  rules: ALL_RULES,
};
