import { IServiceEndpoint } from '../../workloads/service-ref';

/** A key of a Secret, by reference (the value never appears in the output). */
export interface VaultSecretKeyRef {
  /** Secret name (in the Vault's namespace). */
  readonly secretName: string;
  /** Key inside the Secret. */
  readonly key: string;
}

/** Options of {@link VaultStorage.postgresql}. */
export interface VaultPostgresqlStorageOptions {
  /**
   * The Secret key holding the full connection URL,
   * `postgres://<user>:<password>@<host>:<port>/<db>?sslmode=...`. Vault reads it from the
   * environment variable `VAULT_PG_CONNECTION_URL`; the schema bootstrap Job reads the same
   * key. There is no way to put the URL in the config: the seed's password sat in a ConfigMap.
   */
  readonly connectionUrl: VaultSecretKeyRef;
  /**
   * The PostgreSQL Service (a synthesized app or an `ExternalService` from the profile). The
   * NetworkPolicies allow Vault and the bootstrap Job to reach it on its first port.
   */
  readonly server: IServiceEndpoint;
  /** Port name on the server's Service. @default - its first port */
  readonly serverPort?: string;
  /** Key/value table (`table`). @default 'vault_kv_store' */
  readonly table?: string;
  /** HA lock table (`ha_table`). @default 'vault_ha_locks' */
  readonly haTable?: string;
  /**
   * `ha_enabled`: the servers elect an active node through a lock row in `haTable`. Required
   * for more than one replica. PostgreSQL 9.5 or later.
   * @default true
   */
  readonly haEnabled?: boolean;
  /** `max_parallel`: concurrent requests to PostgreSQL. @default - Vault's default (128) */
  readonly maxParallel?: number;
  /** `max_idle_connections`. @default - Vault's default */
  readonly maxIdleConnections?: number;
  /**
   * Synthesize the Job that creates the tables and the index (the backend never creates
   * them). Turn it off only when a database migration tool owns the schema.
   * @default true
   */
  readonly bootstrapSchema?: boolean;
}

/** Options of {@link VaultStorage.raft}. */
export interface VaultRaftStorageOptions {
  /** StorageClass of the per-pod data claim. */
  readonly storageClassName: string;
  /** Size of the per-pod data claim. @default '10Gi' */
  readonly size?: string;
}

/** @internal */
export type VaultStorageSpec =
  | { readonly kind: 'postgresql'; readonly options: VaultPostgresqlStorageOptions }
  | { readonly kind: 'raft'; readonly options: VaultRaftStorageOptions };

/**
 * Where Vault keeps its data: PostgreSQL (HA through a lock table, the seed's choice) or
 * integrated Raft storage (a claim per pod, `retry_join` to every peer).
 */
export class VaultStorage {
  /** The `postgresql` storage backend with the connection URL from a Secret. */
  public static postgresql(options: VaultPostgresqlStorageOptions): VaultStorage {
    return new VaultStorage({ kind: 'postgresql', options });
  }

  /** Integrated storage (`storage "raft"`), one PersistentVolumeClaim per pod. */
  public static raft(options: VaultRaftStorageOptions): VaultStorage {
    return new VaultStorage({ kind: 'raft', options });
  }

  private constructor(private readonly spec: VaultStorageSpec) {}

  /** @internal */
  public get _spec(): VaultStorageSpec {
    return this.spec;
  }
}

/** The default key/value table of the PostgreSQL backend. */
export const VAULT_DEFAULT_KV_TABLE = 'vault_kv_store';
/** The default HA lock table of the PostgreSQL backend. */
export const VAULT_DEFAULT_HA_TABLE = 'vault_ha_locks';

/**
 * The DDL the PostgreSQL backend expects (Vault's storage documentation), made idempotent
 * with `IF NOT EXISTS` so the bootstrap Job can run any number of times. With the default
 * table names the constraint and index names are Vault's (`pkey`, `parent_path_idx`,
 * `ha_key`); custom tables get names prefixed with the table, because PostgreSQL index
 * names are unique per schema.
 *
 * @param table the key/value table (a validated SQL identifier)
 * @param haTable the HA lock table, or `undefined` without HA
 */
export function vaultPostgresqlSchemaSql(table: string, haTable: string | undefined): string {
  const defaults = table === VAULT_DEFAULT_KV_TABLE;
  const lines = [
    `CREATE TABLE IF NOT EXISTS ${table} (`,
    '  parent_path TEXT COLLATE "C" NOT NULL,',
    '  path        TEXT COLLATE "C",',
    '  key         TEXT COLLATE "C",',
    '  value       BYTEA,',
    `  CONSTRAINT ${defaults ? 'pkey' : `${table}_pkey`} PRIMARY KEY (path, key)`,
    ');',
    `CREATE INDEX IF NOT EXISTS ${defaults ? 'parent_path_idx' : `${table}_parent_path_idx`} ON ${table} (parent_path);`,
  ];
  if (haTable !== undefined) {
    lines.push(
      `CREATE TABLE IF NOT EXISTS ${haTable} (`,
      '  ha_key      TEXT COLLATE "C" NOT NULL,',
      '  ha_identity TEXT COLLATE "C" NOT NULL,',
      '  ha_value    TEXT COLLATE "C",',
      '  valid_until TIMESTAMP WITH TIME ZONE NOT NULL,',
      `  CONSTRAINT ${haTable === VAULT_DEFAULT_HA_TABLE ? 'ha_key' : `${haTable}_pkey`} PRIMARY KEY (ha_key)`,
      ');',
    );
  }
  return lines.join('\n') + '\n';
}
