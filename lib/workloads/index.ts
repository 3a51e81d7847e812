export * from './size';
export * from './probe';
export * from './service-ref';
export * from './env';
export * from './volume';
export * from './criticality';
export * from './app-workload';
export * from './namespace';
export { GIT_CHECKOUT_LINK } from './git-checkout';
