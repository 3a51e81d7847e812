import { PolicyRule } from '../../rule';
import { capacityBudgetRule, overcommitRule } from './capacity-budget';

export * from './capacity-budget';
export * from './placement';

/** Whole-cluster capacity analyses. */
export const CAPACITY_RULES: readonly PolicyRule[] = [capacityBudgetRule, overcommitRule];
