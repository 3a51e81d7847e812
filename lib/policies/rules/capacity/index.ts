import { PolicyRule } from '../../rule';
import { capacityBudgetRule } from './capacity-budget';

export * from './capacity-budget';

/** Whole-cluster capacity analyses. */
export const CAPACITY_RULES: readonly PolicyRule[] = [capacityBudgetRule];
