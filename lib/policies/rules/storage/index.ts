import { PolicyRule } from '../../rule';

/** Storage tiers: replicas vs nodes, job groups, tier capacity, kubelet paths. */
export const STORAGE_RULES: readonly PolicyRule[] = [];
