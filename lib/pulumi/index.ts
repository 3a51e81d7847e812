export * from './plan';
export * from './cluster-objects';
