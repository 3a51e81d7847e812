import { Construct } from 'constructs';
import { CREDENTIAL_NAME, uriPasswords } from '../../core/credentials';
import { ValidationError } from '../../core/errors';
import { HclAttribute, HclBlock, HclEntry, HclValue, isHclBlock, renderHcl } from './hcl';
import { VaultPostgresqlStorageOptions, VaultRaftStorageOptions } from './storage';
import { VaultCertManagerTlsOptions } from './tls';
import { Memory } from '../../core/quantity';

/** Vault's API port. */
export const VAULT_API_PORT = 8200;
/** Vault's cluster (request forwarding, Raft) port. */
export const VAULT_CLUSTER_PORT = 8201;
/** Where the listener certificate is mounted. @internal */
export const VAULT_TLS_DIR = '/vault/tls';
/** Where Raft keeps its data. @internal */
export const VAULT_DATA_DIR = '/vault/data';

/** Vault's `log_level`. */
export enum VaultLogLevel {
  TRACE = 'trace',
  DEBUG = 'debug',
  INFO = 'info',
  WARN = 'warn',
  ERROR = 'error',
}

/** Vault's `log_format`. */
export enum VaultLogFormat {
  STANDARD = 'standard',
  JSON = 'json',
}

/** The config-related props of the Vault construct. @internal */
export interface VaultConfigOptions {
  readonly ui?: boolean;
  readonly logLevel?: VaultLogLevel;
  readonly logFormat?: VaultLogFormat;
  readonly extraConfig?: Record<string, HclValue>;
  readonly extraBlocks?: HclBlock[];
}

/** Top-level attributes the construct renders: why, and what to use instead. */
const MANAGED_ATTRIBUTES: Record<string, { rule: string; fix: string }> = {
  storage: { rule: 'the storage block is rendered from the storage prop', fix: 'use the storage prop' },
  ha_storage: { rule: 'HA comes from the storage backend itself (ha_enabled, or Raft)', fix: 'use the storage prop' },
  service_registration: { rule: 'service registration is rendered whenever the storage is HA', fix: 'remove it' },
  listener: { rule: 'the listener is rendered from the tls prop', fix: 'use the tls prop' },
  api_addr: { rule: 'each pod advertises its own address through VAULT_API_ADDR (one shared Service address, as in the seed, breaks HA redirects)', fix: 'remove it' },
  cluster_addr: { rule: 'each pod advertises its own cluster address through VAULT_CLUSTER_ADDR', fix: 'remove it' },
  ui: { rule: 'ui is rendered from the ui prop', fix: 'use the ui prop' },
  log_level: { rule: 'log_level is rendered from the logLevel prop', fix: 'use the logLevel prop' },
  log_format: { rule: 'log_format is rendered from the logFormat prop', fix: 'use the logFormat prop' },
};
const MANAGED_BLOCKS = new Set(['storage', 'ha_storage', 'listener', 'service_registration']);

/**
 * The storage choice after validation.
 * @internal
 */
export type ResolvedVaultStorage =
  | { kind: 'postgresql'; options: VaultPostgresqlStorageOptions; table: string; haTable: string; ha: boolean; port: number; bootstrap: boolean }
  | { kind: 'raft'; options: VaultRaftStorageOptions; size: Memory };

/**
 * The Vault configuration as an HCL body: mlock off, logging and UI, the user's extra
 * attributes, the TCP listener (TLS from the mounted certificate, or off), the storage block,
 * `service_registration "kubernetes"` when the storage is HA, then the user's extra blocks.
 * Attributes and blocks the construct owns, credentials in any value and the
 * `connection_string` key are refused with a ValidationError at `scope`.
 * @internal
 */
export function vaultConfigBody(scope: Construct, props: VaultConfigOptions, storage: ResolvedVaultStorage, tls: VaultCertManagerTlsOptions | undefined, joinAddrs: readonly string[], ha: boolean): HclEntry[] {
  const attr = (name: string, value: HclValue): HclAttribute => ({ name, value });
  const logLevel = props.logLevel ?? VaultLogLevel.INFO;
  if (!Object.values(VaultLogLevel).includes(logLevel)) {
    throw new ValidationError(scope, { prop: 'logLevel', value: logLevel, rule: 'not a Vault log level', fix: 'use VaultLogLevel.INFO (or TRACE, DEBUG, WARN, ERROR)' });
  }
  const logFormat = props.logFormat ?? VaultLogFormat.STANDARD;
  if (!Object.values(VaultLogFormat).includes(logFormat)) {
    throw new ValidationError(scope, { prop: 'logFormat', value: logFormat, rule: 'not a Vault log format', fix: 'use VaultLogFormat.STANDARD or VaultLogFormat.JSON' });
  }
  const body: HclEntry[] = [
    attr('ui', props.ui ?? true),
    attr('disable_mlock', true),
    attr('log_level', logLevel),
    attr('log_format', logFormat),
  ];
  for (const [name, value] of Object.entries(props.extraConfig ?? {})) {
    const prop = `extraConfig.${name}`;
    if (name === 'disable_mlock') {
      if (value === false || value === 'false' || value === 0) throw mlockError(scope, prop, value);
      throw new ValidationError(scope, { prop, value, rule: 'disable_mlock is always set by the construct', fix: 'remove it' });
    }
    const managed = MANAGED_ATTRIBUTES[name];
    if (managed) {
      throw new ValidationError(scope, { prop, value, rule: managed.rule, fix: managed.fix });
    }
    checkAttribute(scope, prop, name, value);
    // HCL that cannot be written is reported under the prop the user wrote (extraConfig.<name>)
    ValidationError.within(scope, 'extraConfig', () => renderHcl([attr(name, value)]));
    body.push(attr(name, value));
  }

  const listener: Record<string, HclValue> = {
    address: `0.0.0.0:${VAULT_API_PORT}`,
    cluster_address: `0.0.0.0:${VAULT_CLUSTER_PORT}`,
  };
  if (tls) {
    listener.tls_cert_file = `${VAULT_TLS_DIR}/tls.crt`;
    listener.tls_key_file = `${VAULT_TLS_DIR}/tls.key`;
    listener.tls_min_version = 'tls12';
  } else {
    listener.tls_disable = true;
  }
  body.push(HclBlock.of('listener', ['tcp'], listener));

  if (storage.kind === 'postgresql') {
    const pg: Record<string, HclValue> = { table: storage.table };
    if (storage.ha) {
      pg.ha_enabled = 'true';
      pg.ha_table = storage.haTable;
    }
    if (storage.options.maxParallel !== undefined) pg.max_parallel = String(storage.options.maxParallel);
    if (storage.options.maxIdleConnections !== undefined) pg.max_idle_connections = String(storage.options.maxIdleConnections);
    body.push(HclBlock.of('storage', ['postgresql'], pg));
  } else {
    const joins = joinAddrs.map((addr) => HclBlock.of('retry_join', [], {
      leader_api_addr: addr,
      ...(tls && tls.caInSecret !== false ? { leader_ca_cert_file: `${VAULT_TLS_DIR}/ca.crt` } : {}),
    }));
    body.push(HclBlock.of('storage', ['raft'], { path: VAULT_DATA_DIR }, joins));
  }
  if (ha) {
    body.push(HclBlock.of('service_registration', ['kubernetes']));
  }
  (props.extraBlocks ?? []).forEach((block, i) => {
    const prop = `extraBlocks[${i}]`;
    if (!(block instanceof HclBlock)) {
      throw new ValidationError(scope, { prop, value: block, rule: 'not an HclBlock', fix: "build it with HclBlock.of('telemetry', [], { disable_hostname: true })" });
    }
    if (MANAGED_BLOCKS.has(block.type)) {
      throw new ValidationError(scope, { prop: `${prop}.type`, value: block.type, rule: `the ${block.type} block is rendered by the construct`, fix: block.type === 'listener' ? 'use the tls prop' : 'use the storage prop' });
    }
    checkBlock(scope, prop, block);
    ValidationError.within(scope, prop, () => renderHcl([new HclBlock(block.type, block.labels, [])]));
    ValidationError.within(scope, prop, () => renderHcl(block.body));
    body.push(block);
  });
  return body;
}

function checkBlock(scope: Construct, prop: string, block: HclBlock): void {
  for (const entry of block.body) {
    if (isHclBlock(entry)) {
      checkBlock(scope, `${prop}.${entry.type}`, entry);
    } else {
      checkAttribute(scope, `${prop}.${entry.name}`, entry.name, entry.value);
    }
  }
}

/** Refuses credentials and the wrong PostgreSQL key in a config attribute. */
function checkAttribute(scope: Construct, prop: string, name: string, value: HclValue): void {
  if (name === 'connection_string') {
    throw connectionStringError(scope, prop, value);
  }
  if (name === 'connection_url') {
    throw new ValidationError(scope, {
      prop, value: redact(value),
      rule: 'a connection URL holds a password, so it never goes into the config (the seed kept it in the vault-config ConfigMap)',
      fix: 'use VaultStorage.postgresql({ connectionUrl: { secretName, key } }); Vault reads the URL from VAULT_PG_CONNECTION_URL',
    });
  }
  const strings = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
  for (const s of strings) {
    if (uriPasswords(s).length > 0) {
      throw new ValidationError(scope, {
        prop, value: redact(s),
        rule: 'the value embeds a password in a URL, and the config is a ConfigMap anyone with read access to the namespace can see',
        fix: 'put the credential in a Secret and pass it through env (e.g. env: { X: EnvValue.fromSecret(name, key) }), or use a file path',
      });
    }
    if (CREDENTIAL_NAME.test(name) && s.trim() !== '' && !s.startsWith('/') && !/^env:\/\//.test(s)) {
      throw new ValidationError(scope, {
        prop, value: '<redacted>',
        rule: `${name} is named like a credential and has a literal value, which would land in the vault-config ConfigMap`,
        fix: 'give Vault the credential as an environment variable from a Secret (e.g. VAULT_TOKEN for the transit seal, AWS_SECRET_ACCESS_KEY for awskms) through env, or point to a mounted file',
      });
    }
  }
}

/** @internal */
export function mlockError(scope: Construct, prop: string, value: unknown): ValidationError {
  return new ValidationError(scope, {
    prop, value,
    rule: 'mlock needs the IPC_LOCK capability, which the restricted Pod Security profile refuses and a non-root process without privilege escalation cannot use, so Vault would crash with "Failed to lock memory" (seed 002)',
    fix: 'keep disable_mlock = true (the default) and keep swap off on the nodes (the kubelet default)',
  });
}

/** @internal */
export function connectionStringError(scope: Construct, prop: string, value: unknown): ValidationError {
  return new ValidationError(scope, {
    prop, value: redact(value),
    rule: 'Vault\'s PostgreSQL backend has no connection_string parameter (it reads connection_url); with the wrong key Vault gets no URL and crash-loops (seed 002)',
    fix: "put the URL in a Secret and pass VaultStorage.postgresql({ connectionUrl: { secretName: 'vault-postgres', key: 'connection-url' }, server })",
  });
}

/** A value for an error message with any URL password masked. */
/** @internal */
export function redact(value: unknown): unknown {
  return typeof value === 'string' ? value.replace(/(:\/\/[^/\s:@]*:)[^@\s/?#]+@/g, '$1<redacted>@') : value;
}

