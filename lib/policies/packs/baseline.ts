import { PolicyPack } from '../rule';
import { CAPACITY_RULES } from '../rules/capacity';
import { CLUSTER_RULES } from '../rules/cluster';
import { WORKLOAD_RULES } from '../rules/workload';

/**
 * The baseline pack: Pod Security "restricted", explicit resources, probes, pinned images,
 * no service links, no credentials in config, resolvable cross-references, working Services,
 * PDBs, namespace guard rails. Every Cluster runs it unless told otherwise.
 */
export const BASELINE_PACK: PolicyPack = {
  name: 'baseline',
  rules: [...WORKLOAD_RULES, ...CLUSTER_RULES, ...CAPACITY_RULES],
};
