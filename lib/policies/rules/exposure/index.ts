import { PolicyRule } from '../../rule';

/** Exposure: every route declares its auth; admin UIs go through an auth proxy. */
export const EXPOSURE_RULES: readonly PolicyRule[] = [];
