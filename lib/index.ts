// core
export * from './core';
// patterns
export * from './workloads';
export * from './storage';
export * from './backup';
export * from './security';
export * from './gpu';
export * from './networking';
// policies
export * from './policies';
// cluster root and output
export * from './cluster';
export * from './gitops';
// Kubernetes 1.29 L1 classes
export * as k8s from 'cdk8s-plus-29/lib/imports/k8s';
