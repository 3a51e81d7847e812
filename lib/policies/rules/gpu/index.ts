import { PolicyRule } from '../../rule';

/** GPUs: slices, quotas and memory budgets. */
export const GPU_RULES: readonly PolicyRule[] = [];
