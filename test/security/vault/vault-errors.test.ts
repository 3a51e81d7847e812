import { Testing } from 'cdk8s';
import { Chart } from 'cdk8s';
import { Cluster, EnvValue } from '../../../lib';
import { HclBlock, Vault, VaultLogLevel, VaultStorage, VaultTls } from '../../../lib/security/vault';
import { TEST_PROFILE, errorOf } from '../../helpers';
import { TLS, VAULT_PROFILE, newVault, postgres, vaultNamespace } from './helpers';

const AT = '[lab/vault/vault]';

describe('Vault refuses', () => {
  test('a second construct with the same id, naming the path it would have had', () => {
    const ns = vaultNamespace();
    newVault(ns);
    expect(errorOf(() => newVault(ns))).toBe(`${AT} id = "vault": lab/vault already has a construct with this id (Vault), and ids are unique within their scope. Fix: choose another id (the id names the objects it synthesizes), or reuse the construct you created first`);
  });

  test('a name that does not fit the derived object names', () => {
    expect(errorOf(() => newVault(vaultNamespace(), {}, 'a'.repeat(41))))
      .toBe(`[lab/vault/${'a'.repeat(41)}] id = "${'a'.repeat(41)}": a DNS-1123 label has at most 40 characters, got 41. Fix: shorten it, e.g. "${'a'.repeat(40)}"`);
  });

  test('a scope outside a namespace', () => {
    const cluster = new Cluster(Testing.app(), 'lab', { profile: VAULT_PROFILE, policies: [] });
    const chart = new Chart(cluster, 'plain');
    expect(errorOf(() => new Vault(chart, 'vault', { storage: VaultStorage.raft({ storageClassName: 'x' }), tls: TLS })))
      .toBe('[lab/plain/vault] scope = "lab/plain": Vault must live in a namespace. Fix: create it inside a Namespace: `new Vault(new Namespace(cluster, \'vault\'), \'vault\', {...})`');
  });

  test('replicas that are not a whole number of at least 1', () => {
    for (const replicas of [0, 1.5]) {
      expect(errorOf(() => newVault(vaultNamespace(), { replicas })))
        .toBe(`${AT} replicas = ${replicas}: must be a whole number of at least 1. Fix: use 3 for HA (one active, two standbys), or 1 for a single server`);
    }
  });

  test('more replicas than nodes that can run them (required anti-affinity)', () => {
    // TEST_PROFILE: the server is tainted CriticalAddonsOnly, two workers remain
    const ns = vaultNamespace(false, { ...TEST_PROFILE, externalServices: VAULT_PROFILE.externalServices });
    expect(errorOf(() => newVault(ns)))
      .toBe(`${AT} replicas = 3: the required pod anti-affinity puts every Vault pod on its own node, and only 2 nodes of the lab profile can run them (worker1, worker2), so 1 pod would stay Pending. Fix: use at most 2 replicas, add nodes to the profile, or tolerate the taints / relax the nodeSelector that exclude the others`);
    expect(errorOf(() => newVault(vaultNamespace(), { replicas: 2, nodeSelector: { 'node-type': 'compute' } })))
      .toBe(`${AT} replicas = 2: the required pod anti-affinity puts every Vault pod on its own node, and only 1 node of the lab profile can run them (worker1), so 1 pod would stay Pending. Fix: use at most 1 replica, add nodes to the profile, or tolerate the taints / relax the nodeSelector that exclude the others`);
    expect(errorOf(() => newVault(vaultNamespace(), { replicas: 1, nodeSelector: { 'node-type': 'gpu' } })))
      .toBe(`${AT} replicas = 1: the required pod anti-affinity puts every Vault pod on its own node, and only 0 nodes of the lab profile can run them, so 1 pod would stay Pending. Fix: tolerate the node taints or fix the nodeSelector so that some node can run Vault`);
  });

  test('bad resources and an unpinned image', () => {
    expect(errorOf(() => newVault(vaultNamespace(), { resources: { cpu: '100m', memory: '256Mb', memoryLimit: '512Mi' } })))
      .toMatch(/^\[lab\/vault\/vault\] resources\.memory = "256Mb": .*Fix: did you mean "256Mi"\?$/);
    // an unpinned image is judged on the StatefulSet like any other (HK-IMG-01)
    const ns = vaultNamespace(true);
    newVault(ns, { image: 'hashicorp/vault' });
    expect(Cluster.of(ns)!.synthesize().errors.filter((e) => e.includes('HK-IMG-01')).map((e) => e.split('\n')[0])).toEqual([
      '[lab/vault/vault/Resource] HK-IMG-01 (error) StatefulSet vault/vault: container "vault" image "hashicorp/vault" has no tag or digest (it means :latest)',
      '[lab/vault/vault/Resource] HK-IMG-01 (error) StatefulSet vault/vault: init container "copy-config" image "hashicorp/vault" has no tag or digest (it means :latest)',
    ]);
  });

  test('mlock (disableMlock: false, or disable_mlock = false in extraConfig)', () => {
    const rule = 'mlock needs the IPC_LOCK capability, which the restricted Pod Security profile refuses and a non-root process without privilege escalation cannot use, so Vault would crash with "Failed to lock memory" (seed 002). Fix: keep disable_mlock = true (the default) and keep swap off on the nodes (the kubelet default)';
    expect(errorOf(() => newVault(vaultNamespace(), { disableMlock: false }))).toBe(`${AT} disableMlock = false: ${rule}`);
    expect(errorOf(() => newVault(vaultNamespace(), { extraConfig: { disable_mlock: false } }))).toBe(`${AT} extraConfig.disable_mlock = false: ${rule}`);
    expect(errorOf(() => newVault(vaultNamespace(), { extraConfig: { disable_mlock: 'false' } }))).toBe(`${AT} extraConfig.disable_mlock = "false": ${rule}`);
    expect(errorOf(() => newVault(vaultNamespace(), { extraConfig: { disable_mlock: true } })))
      .toBe(`${AT} extraConfig.disable_mlock = true: disable_mlock is always set by the construct. Fix: remove it`);
  });

  test('TLS left out, or turned off without a reason', () => {
    expect(errorOf(() => newVault(vaultNamespace(), { tls: undefined })))
      .toBe(`${AT} tls = undefined: TLS is required unless explicitly turned off: without it tokens and secrets cross the network in clear text. Fix: pass tls: VaultTls.certManager({ issuer: { name: 'my-ca', kind: 'ClusterIssuer' } }), or VaultTls.disabled('<why>')`);
    expect(errorOf(() => newVault(vaultNamespace(), { tls: VaultTls.disabled('lab') })))
      .toBe(`${AT} tls = "lab": turning TLS off needs a reason of at least 10 characters. Fix: say why plain HTTP is acceptable here, e.g. "lab cluster, WireGuard between all nodes", or use VaultTls.certManager`);
  });

  test('a certificate without a valid issuer or with invalid extra names', () => {
    expect(errorOf(() => newVault(vaultNamespace(), { tls: VaultTls.certManager({} as any) })))
      .toBe(`${AT} tls.issuer = undefined: the certificate needs an issuer. Fix: pass issuer: { name: 'my-ca', kind: 'ClusterIssuer' }`);
    expect(errorOf(() => newVault(vaultNamespace(), { tls: VaultTls.certManager({ issuer: { name: 'My_CA' } }) })))
      .toBe(`${AT} tls.issuer.name = "My_CA": not a DNS-1123 subdomain (dot-separated lower-case labels, at most 253 characters). Fix: did you mean "my-ca"?`);
    expect(errorOf(() => newVault(vaultNamespace(), { tls: VaultTls.certManager({ issuer: { name: 'ca', kind: 'CertIssuer' as any } }) })))
      .toBe(`${AT} tls.issuer.kind = "CertIssuer": a cert-manager issuer is an Issuer or a ClusterIssuer. Fix: use 'ClusterIssuer' or 'Issuer'`);
    expect(errorOf(() => newVault(vaultNamespace(), { tls: VaultTls.certManager({ issuer: { name: 'ca' }, extraDnsNames: ['ok.example.net', 'Vault.Example.NET'] }) })))
      .toBe(`${AT} tls.extraDnsNames[1] = "Vault.Example.NET": not a DNS-1123 subdomain (dot-separated lower-case labels, at most 253 characters). Fix: did you mean "vault.example.net"?`);
  });

  test('a missing storage backend', () => {
    expect(errorOf(() => newVault(vaultNamespace(), { storage: undefined })))
      .toBe(`${AT} storage = undefined: a storage backend is required. Fix: pass storage: VaultStorage.postgresql({ connectionUrl, server }) or VaultStorage.raft({ storageClassName })`);
  });

  test('connection_string, the wrong key of the seed (the backend reads connection_url)', () => {
    const rule = 'Vault\'s PostgreSQL backend has no connection_string parameter (it reads connection_url); with the wrong key Vault gets no URL and crash-loops (seed 002). Fix: put the URL in a Secret and pass VaultStorage.postgresql({ connectionUrl: { secretName: \'vault-postgres\', key: \'connection-url\' }, server })';
    const ns = vaultNamespace();
    expect(errorOf(() => newVault(ns, { storage: postgres(ns, { connection_string: 'postgresql://vault:vault-secure-password-change-me@postgres-shared-service.data-platform:5432/vault' }) })))
      .toBe(`${AT} storage.connection_string = "postgresql://vault:<redacted>@postgres-shared-service.data-platform:5432/vault": ${rule}`);
    const ns2 = vaultNamespace();
    expect(errorOf(() => newVault(ns2, { storage: postgres(ns2, { connectionString: 'postgres://vault@db/vault' }) })))
      .toBe(`[lab/vault/vault] storage.connectionString = "postgres://vault@db/vault": ${rule}`);
    expect(errorOf(() => newVault(vaultNamespace(), { extraConfig: { connection_string: 'x' } }))).toBe(`${AT} extraConfig.connection_string = "x": ${rule}`);
    expect(errorOf(() => newVault(vaultNamespace(), { extraBlocks: [HclBlock.of('ha_backend', ['postgresql'], { connection_string: 'x' })] })))
      .toBe(`${AT} extraBlocks[0].connection_string = "x": ${rule}`);
  });

  test('a connection URL in the config, or no Secret reference for it', () => {
    const ns = vaultNamespace();
    expect(errorOf(() => newVault(ns, { storage: postgres(ns, { connection_url: 'postgres://vault:hunter2@db:5432/vault' }) })))
      .toBe(`${AT} storage.connection_url = "postgres://vault:<redacted>@db:5432/vault": the PostgreSQL connection URL holds the database password, so it never goes into the config (the seed kept it in the vault-config ConfigMap). Fix: put the URL in a Secret and pass connectionUrl: { secretName: 'vault-postgres', key: 'connection-url' }; Vault reads it from VAULT_PG_CONNECTION_URL`);
    const ns2 = vaultNamespace();
    const server = (postgres(ns2)._spec.options as any).server;
    expect(errorOf(() => newVault(ns2, { storage: VaultStorage.postgresql({ server } as any) })))
      .toBe(`${AT} storage.connectionUrl = undefined: PostgreSQL storage needs the Secret key that holds the connection URL (Vault reads it from VAULT_PG_CONNECTION_URL; the URL is never written to the config). Fix: pass connectionUrl: { secretName: 'vault-postgres', key: 'connection-url' } and create that Secret with the URL, e.g. postgres://vault:<password>@postgres.data:5432/vault?sslmode=require`);
    expect(errorOf(() => newVault(vaultNamespace(), { storage: VaultStorage.postgresql({ server, connectionUrl: 'postgres://vault:pw@db/vault' } as any) })))
      .toBe(`${AT} storage.connectionUrl = "postgres://vault:<redacted>@db/vault": PostgreSQL storage needs the Secret key that holds the connection URL (Vault reads it from VAULT_PG_CONNECTION_URL; the URL is never written to the config). Fix: pass connectionUrl: { secretName: 'vault-postgres', key: 'connection-url' } and create that Secret with the URL, e.g. postgres://vault:<password>@postgres.data:5432/vault?sslmode=require`);
  });

  test('a bad Secret reference, server, port, table or pool size', () => {
    const ns = vaultNamespace();
    const server = (postgres(ns)._spec.options as any).server;
    const pg = (o: Record<string, unknown>) => VaultStorage.postgresql({ connectionUrl: { secretName: 'vault-postgres', key: 'connection-url' }, server, ...o } as any);
    expect(errorOf(() => newVault(vaultNamespace(), { storage: pg({ connectionUrl: { secretName: 'Vault_PG', key: 'url' } }) })))
      .toBe(`${AT} storage.connectionUrl.secretName = "Vault_PG": not a DNS-1123 subdomain (dot-separated lower-case labels, at most 253 characters). Fix: did you mean "vault-pg"?`);
    expect(errorOf(() => newVault(vaultNamespace(), { storage: pg({ connectionUrl: { secretName: 'pg', key: 'url/x' } }) })))
      .toBe(`${AT} storage.connectionUrl.key = "url/x": a Secret key consists of alphanumerics, "-", "_" or ".". Fix: use e.g. "connection-url"`);
    expect(errorOf(() => newVault(vaultNamespace(), { storage: pg({ server: undefined }) })))
      .toBe(`${AT} storage.server = undefined: the PostgreSQL Service is needed for the NetworkPolicies of Vault and of the schema Job. Fix: pass the Postgres app, or ExternalService.fromProfile(scope, 'data-platform', 'postgres-shared-service') after declaring it in profile.externalServices`);
    expect(errorOf(() => newVault(vaultNamespace(), { storage: pg({ serverPort: 'pg' }) })))
      .toBe(`${AT} storage.serverPort = "pg": Service postgres.data has no port of that name (ports: 5432). Fix: use one of "5432"`);
    expect(errorOf(() => newVault(vaultNamespace(), { storage: pg({ table: 'vault-kv' }) })))
      .toBe(`${AT} storage.table = "vault-kv": not a plain SQL identifier (lower-case letters, digits and "_", at most 40 characters, not starting with a digit). Fix: use a name like "vault_kv_store"`);
    expect(errorOf(() => newVault(vaultNamespace(), { storage: pg({ haTable: 'locks; DROP TABLE x' }) })))
      .toBe(`${AT} storage.haTable = "locks; DROP TABLE x": not a plain SQL identifier (lower-case letters, digits and "_", at most 40 characters, not starting with a digit). Fix: use a name like "vault_kv_store"`);
    expect(errorOf(() => newVault(vaultNamespace(), { storage: pg({ haTable: 'vault_kv_store' }) })))
      .toBe(`${AT} storage.haTable = "vault_kv_store": the HA lock table must differ from the key/value table. Fix: use "vault_ha_locks"`);
    expect(errorOf(() => newVault(vaultNamespace(), { storage: pg({ maxParallel: 0 }) })))
      .toBe(`${AT} storage.maxParallel = 0: must be a whole number of at least 1. Fix: leave it out for Vault's default`);
    expect(errorOf(() => newVault(vaultNamespace(), { storage: pg({ maxIdleConnections: 2.5 }) })))
      .toBe(`${AT} storage.maxIdleConnections = 2.5: must be a whole number of at least 1. Fix: leave it out for Vault's default`);
  });

  test('several servers on PostgreSQL without HA', () => {
    const ns = vaultNamespace();
    expect(errorOf(() => newVault(ns, { storage: postgres(ns, { haEnabled: false }) })))
      .toBe(`${AT} storage.haEnabled = false: 3 Vault servers on one PostgreSQL table without ha_enabled would each act as the active node and overwrite each other's writes. Fix: keep haEnabled (the default), or run a single replica`);
  });

  test('a bad Raft storage class or size', () => {
    expect(errorOf(() => newVault(vaultNamespace(), { storage: VaultStorage.raft({ storageClassName: 'Fast SSD' }) })))
      .toBe(`${AT} storage.storageClassName = "Fast SSD": not a DNS-1123 subdomain (dot-separated lower-case labels, at most 253 characters). Fix: did you mean "fast-ssd"?`);
    expect(errorOf(() => newVault(vaultNamespace(), { storage: VaultStorage.raft({ storageClassName: 'x', size: '512Mi' }) })))
      .toBe(`${AT} storage.size = "512Mi": a Raft data claim below 1Gi fills up with snapshots and logs. Fix: use at least "1Gi" (the default is "10Gi")`);
    expect(errorOf(() => newVault(vaultNamespace(), { storage: VaultStorage.raft({ storageClassName: 'x', size: '10GB' }) })))
      .toMatch(/^\[lab\/vault\/vault\] storage\.size = "10GB": .*Fix: did you mean "10Gi"\?$/);
  });

  test('config attributes the construct owns, and extra blocks that replace its own', () => {
    expect(errorOf(() => newVault(vaultNamespace(), { extraConfig: { api_addr: 'https://vault.example.net' } })))
      .toBe(`${AT} extraConfig.api_addr = "https://vault.example.net": each pod advertises its own address through VAULT_API_ADDR (one shared Service address, as in the seed, breaks HA redirects). Fix: remove it`);
    expect(errorOf(() => newVault(vaultNamespace(), { extraConfig: { cluster_addr: 'https://x:8201' } })))
      .toBe(`${AT} extraConfig.cluster_addr = "https://x:8201": each pod advertises its own cluster address through VAULT_CLUSTER_ADDR. Fix: remove it`);
    expect(errorOf(() => newVault(vaultNamespace(), { extraConfig: { storage: 'x' } })))
      .toBe(`${AT} extraConfig.storage = "x": the storage block is rendered from the storage prop. Fix: use the storage prop`);
    expect(errorOf(() => newVault(vaultNamespace(), { extraConfig: { log_level: 'debug' } })))
      .toBe(`${AT} extraConfig.log_level = "debug": log_level is rendered from the logLevel prop. Fix: use the logLevel prop`);
    expect(errorOf(() => newVault(vaultNamespace(), { extraConfig: { ui: false } })))
      .toBe(`${AT} extraConfig.ui = false: ui is rendered from the ui prop. Fix: use the ui prop`);
    expect(errorOf(() => newVault(vaultNamespace(), { extraBlocks: [HclBlock.of('listener', ['tcp'], { address: '0.0.0.0:8300' })] })))
      .toBe(`${AT} extraBlocks[0].type = "listener": the listener block is rendered by the construct. Fix: use the tls prop`);
    expect(errorOf(() => newVault(vaultNamespace(), { extraBlocks: [HclBlock.of('ha_storage', ['postgresql'])] })))
      .toBe(`${AT} extraBlocks[0].type = "ha_storage": the ha_storage block is rendered by the construct. Fix: use the storage prop`);
    expect(errorOf(() => newVault(vaultNamespace(), { extraBlocks: [{ type: 'seal' } as any] })))
      .toBe(`${AT} extraBlocks[0] = {"type":"seal"}: not an HclBlock. Fix: build it with HclBlock.of('telemetry', [], { disable_hostname: true })`);
  });

  test('credentials in any config value', () => {
    expect(errorOf(() => newVault(vaultNamespace(), { extraConfig: { connection_url: 'postgres://vault:pw@db/vault' } })))
      .toBe(`${AT} extraConfig.connection_url = "postgres://vault:<redacted>@db/vault": a connection URL holds a password, so it never goes into the config (the seed kept it in the vault-config ConfigMap). Fix: use VaultStorage.postgresql({ connectionUrl: { secretName, key } }); Vault reads the URL from VAULT_PG_CONNECTION_URL`);
    expect(errorOf(() => newVault(vaultNamespace(), { extraBlocks: [HclBlock.of('seal', ['transit'], { address: 'https://admin:s3cret@unseal.example.net:8200' })] })))
      .toBe(`${AT} extraBlocks[0].address = "https://admin:<redacted>@unseal.example.net:8200": the value embeds a password in a URL, and the config is a ConfigMap anyone with read access to the namespace can see. Fix: put the credential in a Secret and pass it through env (e.g. env: { X: EnvValue.fromSecret(name, key) }), or use a file path`);
    const literal = 'is named like a credential and has a literal value, which would land in the vault-config ConfigMap. Fix: give Vault the credential as an environment variable from a Secret (e.g. VAULT_TOKEN for the transit seal, AWS_SECRET_ACCESS_KEY for awskms) through env, or point to a mounted file';
    expect(errorOf(() => newVault(vaultNamespace(), { extraBlocks: [HclBlock.of('seal', ['transit'], { token: 's.abcdef' })] })))
      .toBe(`${AT} extraBlocks[0].token = "<redacted>": token ${literal}`);
    expect(errorOf(() => newVault(vaultNamespace(), { extraBlocks: [HclBlock.of('seal', ['awskms'], {}, [HclBlock.of('creds', [], { secret_key: 'AKIA...' })])] })))
      .toBe(`${AT} extraBlocks[0].creds.secret_key = "<redacted>": secret_key ${literal}`);
    expect(errorOf(() => newVault(vaultNamespace(), { extraConfig: { password: 'hunter22' } })))
      .toBe(`${AT} extraConfig.password = "<redacted>": password ${literal}`);
    // file paths and booleans are not credentials
    expect(() => newVault(vaultNamespace(), { extraBlocks: [HclBlock.of('seal', ['transit'], { token_file: '/vault/unseal/token', disable_renewal: false })] })).not.toThrow();
  });

  test('lists given as something else, bad tolerations and bad labels in selectors', () => {
    // found by the property suite's type-confusion inputs: TypeErrors, or objects the API server refuses
    expect(errorOf(() => newVault(vaultNamespace(), { tls: VaultTls.certManager({ issuer: { name: 'ca' }, extraDnsNames: 'vault.example.net' as any }) })))
      .toBe(`${AT} tls.extraDnsNames = "vault.example.net": a list of host names. Fix: write extraDnsNames: ["vault.example.net"]`);
    expect(errorOf(() => newVault(vaultNamespace(), { kubernetesApi: { ports: '6443' as any } })))
      .toBe(`${AT} kubernetesApi.ports = "6443": a list. Fix: write ports: [6443]`);
    expect(errorOf(() => newVault(vaultNamespace(), { tolerations: { key: 'x' } as any })))
      .toBe(`${AT} tolerations = {"key":"x"}: a list of tolerations. Fix: write tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists" }]`);
    expect(errorOf(() => newVault(vaultNamespace(), { tolerations: [{ key: 'x', operator: 'Bogus' }] })))
      .toBe(`${AT} tolerations[0].operator = "Bogus": a toleration operator is "Equal" or "Exists". Fix: use "Exists" to match any value of the key, "Equal" to match one value`);
    expect(errorOf(() => newVault(vaultNamespace(), { nodeSelector: { 'node type': 'compute' } })))
      .toMatch(/^\[lab\/vault\/vault\] nodeSelector\.node type = "node type": not a label key/);
    expect(errorOf(() => newVault(vaultNamespace(), { allowFrom: [{ namespace: 'apps', podSelector: { app: 'bad value!' } }] })))
      .toMatch(/^\[lab\/vault\/vault\] allowFrom\.podSelector\.app = "bad value!": not a label value/);
  });

  test('HCL that cannot be written', () => {
    expect(errorOf(() => newVault(vaultNamespace(), { extraConfig: { 'plugin dir': '/x' } })))
      .toBe(`${AT} extraConfig.plugin dir = "plugin dir": not an HCL identifier (letters, digits, "_" and "-", starting with a letter or "_"). Fix: use the attribute or block name from Vault's configuration reference, e.g. "default_lease_ttl"`);
    expect(errorOf(() => newVault(vaultNamespace(), { extraConfig: { cluster_name: '${name}' } })))
      .toBe(`${AT} extraConfig.cluster_name = "\${name}": HCL 1 reads "\${" as the start of an interpolation. Fix: remove the "\${" sequence; Vault configuration takes literal values (or environment variables for secrets)`);
    // found by the property suite: these named `config.<attribute>`, which is no prop of Vault
    expect(errorOf(() => newVault(vaultNamespace(), { extraBlocks: [HclBlock.of('telemetry', [], {}, [HclBlock.of('statsd', [], { address: 'a${b}' })])] })))
      .toBe(`${AT} extraBlocks[0].statsd.address = "a\${b}": HCL 1 reads "\${" as the start of an interpolation. Fix: remove the "\${" sequence; Vault configuration takes literal values (or environment variables for secrets)`);
    expect(errorOf(() => newVault(vaultNamespace(), { extraBlocks: [HclBlock.of('seal', ['tr ansit\u0001'])] })))
      .toBe(`${AT} extraBlocks[0].seal.labels[0] = "tr ansit\\u0001": a control character other than newline, carriage return or tab cannot be written in an HCL string. Fix: remove it`);
    expect(errorOf(() => newVault(vaultNamespace(), { extraBlocks: [HclBlock.of('9seal')] })))
      .toBe(`${AT} extraBlocks[0].9seal = "9seal": not an HCL identifier (letters, digits, "_" and "-", starting with a letter or "_"). Fix: use the attribute or block name from Vault's configuration reference, e.g. "default_lease_ttl"`);
  });

  test('bad env: names, variables the construct sets, literal credentials, non-EnvValues', () => {
    expect(errorOf(() => newVault(vaultNamespace(), { env: { '1X': EnvValue.of('y') } })))
      .toBe(`${AT} env.1X = "1X": not a portable environment variable name. Fix: use letters, digits and "_", not starting with a digit`);
    expect(errorOf(() => newVault(vaultNamespace(), { env: { VAULT_API_ADDR: EnvValue.of('https://vault.example.net') } })))
      .toBe(`${AT} env.VAULT_API_ADDR = "VAULT_API_ADDR": the construct sets this variable. Fix: remove it; the typed props (storage, tls) control it`);
    // literal credentials in env are judged on the StatefulSet by the credential rules, like any workload's
    const ns = vaultNamespace(true);
    newVault(ns, { env: { VAULT_TOKEN: EnvValue.of('s.abcdef'), DB: EnvValue.of('postgres://u:p@db/x') } });
    const errors = Cluster.of(ns)!.synthesize().errors.map((e) => e.split('\n')[0]);
    expect(errors.filter((e) => /HK-SCR-01|HK-X-01/.test(e))).toEqual([
      '[lab/vault/vault/Resource] HK-SCR-01 (error) StatefulSet vault/vault: container "vault" env VAULT_TOKEN is named like a credential and has a literal value',
      '[lab/vault/vault/Resource] HK-X-01 (error) StatefulSet vault/vault: container "vault" env DB embeds a password in a URI',
    ]);
    expect(errorOf(() => newVault(vaultNamespace(), { env: { X: 'plain' as any } })))
      .toBe(`${AT} env.X = "plain": not an EnvValue. Fix: use EnvValue.fromSecret(name, key) for credentials, EnvValue.of(value) for plain values`);
  });

  test('an unknown log level or format', () => {
    expect(errorOf(() => newVault(vaultNamespace(), { logLevel: 'verbose' as VaultLogLevel })))
      .toBe(`${AT} logLevel = "verbose": not a Vault log level. Fix: use VaultLogLevel.INFO (or TRACE, DEBUG, WARN, ERROR)`);
    expect(errorOf(() => newVault(vaultNamespace(), { logFormat: 'xml' as any })))
      .toBe(`${AT} logFormat = "xml": not a Vault log format. Fix: use VaultLogFormat.STANDARD or VaultLogFormat.JSON`);
  });

  test('a bad API server range or port, and a bad client namespace', () => {
    expect(errorOf(() => newVault(vaultNamespace(), { kubernetesApi: { cidrs: [] } })))
      .toBe(`${AT} kubernetesApi.cidrs = []: service registration needs to reach the API server. Fix: list the control-plane node addresses, e.g. ["192.168.10.10/32"], or leave cidrs out`);
    expect(errorOf(() => newVault(vaultNamespace(), { kubernetesApi: { cidrs: ['192.168.10.10'] } })))
      .toBe(`${AT} kubernetesApi.cidrs[0] = "192.168.10.10": not an IPv4 CIDR. Fix: write it like "192.168.10.10/32"`);
    expect(errorOf(() => newVault(vaultNamespace(), { kubernetesApi: { ports: [70000] } })))
      .toBe(`${AT} kubernetesApi.ports[0] = 70000: a port must be a whole number from 1 to 65535. Fix: use 6443 (K3s, kubeadm) or 443`);
    expect(errorOf(() => newVault(vaultNamespace(), { allowFrom: [{ namespace: 'Apps' }] })))
      .toBe(`${AT} allowFrom.namespace = "Apps": not a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit). Fix: did you mean "apps"?`);
  });

  test('a namespace quota that would reject the Vault pods at admission (synth-time validation); a derived quota counts them', () => {
    const ns = vaultNamespace(false, VAULT_PROFILE, { quota: { cpu: '50m', memory: '64Mi', memoryLimit: '64Mi' } });
    newVault(ns);
    const errors = Cluster.of(ns)!.synthesize().errors;
    expect(errors).toEqual([
      '[lab/vault] quota.cpu = "50m": what runs in the namespace needs requests.cpu 310m, so the ResourceQuota would reject pods at admission. Fix: raise quota.cpu to at least 310m, or leave quota out to derive it',
      '[lab/vault] quota.memory = "64Mi": what runs in the namespace needs requests.memory 800Mi, so the ResourceQuota would reject pods at admission. Fix: raise quota.memory to at least 800Mi, or leave quota out to derive it',
      '[lab/vault] quota.memoryLimit = "64Mi": what runs in the namespace needs limits.memory 1600Mi, so the ResourceQuota would reject pods at admission. Fix: raise quota.memoryLimit to at least 1600Mi, or leave quota out to derive it',
    ]);
    expect(() => Testing.synth(ns)).toThrow(/quota\.memory = "64Mi": what runs in the namespace needs requests\.memory 800Mi/);
    const derived = vaultNamespace(false, VAULT_PROFILE, {});
    newVault(derived);
    expect(Testing.synth(derived).find((o: any) => o.kind === 'ResourceQuota').spec.hard).toEqual({ 'requests.cpu': '400m', 'requests.memory': '1Gi', 'limits.memory': '2Gi' });
  });
});

describe('Vault env values are judged where Vault receives them (issue 8)', () => {
  test('a Secret name and key of an EnvValue', () => {
    expect(errorOf(() => newVault(vaultNamespace(), { env: { VAULT_TOKEN: EnvValue.fromSecret('vault token', 'token') } })))
      .toBe(`${AT} env.VAULT_TOKEN.name = "vault token": not a DNS-1123 subdomain (dot-separated lower-case labels, at most 253 characters). Fix: did you mean "vault-token"?`);
    expect(errorOf(() => newVault(vaultNamespace(), { env: { VAULT_TOKEN: EnvValue.fromSecret('vault-token', 'token/value') } })))
      .toBe(`${AT} env.VAULT_TOKEN.key = "token/value": not a ConfigMap or Secret key (at most 253 letters, digits, "-", "_" and ".", not starting with ".."). Fix: did you mean "token-value"? (a key is one file name, not a path)`);
  });
});
