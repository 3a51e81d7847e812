export * from './rule';
export * from './pod';
export * from './engine';
export * from './packs/baseline';
export * from './rules/workload';
export * from './rules/cluster';
export * from './rules/capacity';
