export * from './hcl';
export * from './tls';
export * from './storage';
export { VAULT_API_PORT, VAULT_CLUSTER_PORT, VaultLogFormat, VaultLogLevel } from './config';
export * from './vault';
