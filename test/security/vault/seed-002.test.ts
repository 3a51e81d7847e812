/**
 * Seed 002 (HMCo "pod stabilization report"): vault-prod crash-looped for six reasons. Each is
 * either impossible to write with the Vault construct or refused at construction.
 */
import { Cluster, ClusterProfileProps, Distro } from '../../../lib';
import { HclBlock, VAULT_DEFAULT_HA_TABLE, VAULT_DEFAULT_KV_TABLE, vaultPostgresqlSchemaSql } from '../../../lib/security/vault';
import { errorOf, one, synth } from '../../helpers';
import { VAULT_PROFILE, envOf, newVault, postgres, vaultContainer, vaultNamespace } from './helpers';

/** The seed's connection URL, password included, exactly as its ConfigMap held it. */
const SEED_URL = 'postgresql://vault:vault-secure-password-change-me@postgres-shared-service.data-platform:5432/vault?sslmode=disable';

describe('seed 002: the vault-prod CrashLoopBackOff causes', () => {
  const ns = vaultNamespace(true);
  const vault = newVault(ns);
  const objs = synth(ns);
  const sts = one(objs, 'StatefulSet', 'vault');
  const pod = sts.spec.template.spec;
  const c = vaultContainer(sts);
  const findings = Cluster.of(ns)!.synthesize().findings;

  test('1. wrong config key: `connection_string` is refused, and the rendered storage block carries no URL at all', () => {
    const ns2 = vaultNamespace();
    expect(errorOf(() => newVault(ns2, { storage: postgres(ns2, { connection_string: SEED_URL }) })))
      .toMatch(/^\[lab\/vault\/vault\] storage\.connection_string = "postgresql:\/\/vault:<redacted>@postgres-shared-service\.data-platform:5432\/vault\?sslmode=disable": Vault's PostgreSQL backend has no connection_string parameter \(it reads connection_url\)/);
    expect(errorOf(() => newVault(vaultNamespace(), { extraBlocks: [HclBlock.of('ha_backend', ['postgresql'], { connection_string: 'x' })] })))
      .toMatch(/^\[lab\/vault\/vault\] extraBlocks\[0\]\.connection_string = "x": Vault's PostgreSQL backend has no connection_string parameter/);
    const storage = vault.config.slice(vault.config.indexOf('storage "postgresql"'));
    expect(storage.slice(0, storage.indexOf('}') + 1)).toBe('storage "postgresql" {\n  table = "vault_kv_store"\n  ha_enabled = "true"\n  ha_table = "vault_ha_locks"\n}');
    expect(envOf(c).VAULT_PG_CONNECTION_URL).toEqual({ secretKeyRef: { name: 'vault-postgres', key: 'connection-url' } });
  });

  test('2. mlock: disable_mlock = true, SKIP_SETCAP, no capability added; asking for mlock is refused', () => {
    expect(vault.config).toContain('disable_mlock = true\n');
    expect(envOf(c).SKIP_SETCAP).toBe('true');
    for (const container of [...pod.initContainers, ...pod.containers]) {
      expect(container.securityContext.capabilities).toEqual({ drop: ['ALL'] });
    }
    expect(errorOf(() => newVault(vaultNamespace(), { disableMlock: false })))
      .toMatch(/^\[lab\/vault\/vault\] disableMlock = false: mlock needs the IPC_LOCK capability/);
    expect(errorOf(() => newVault(vaultNamespace(), { extraConfig: { disable_mlock: false } })))
      .toMatch(/^\[lab\/vault\/vault\] extraConfig\.disable_mlock = false: mlock needs the IPC_LOCK capability/);
  });

  test('3. chown on a read-only ConfigMap: SKIP_CHOWN, non-root, the ConfigMap only reaches the init container, read-only; /vault/config is an emptyDir', () => {
    expect(envOf(c).SKIP_CHOWN).toBe('true');
    expect(pod.securityContext.runAsUser).toBe(100);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    const configVolume = pod.volumes.find((v: any) => v.name === 'config');
    expect(configVolume).toEqual({ name: 'config', emptyDir: { sizeLimit: '16Mi' } });
    expect(c.volumeMounts.find((m: any) => m.mountPath === '/vault/config')).toEqual({ name: 'config', mountPath: '/vault/config' });
    expect(c.volumeMounts.some((m: any) => m.name === 'config-source')).toBe(false);
    expect(pod.initContainers[0].volumeMounts).toEqual([
      { name: 'config-source', mountPath: '/vault/config-source', readOnly: true },
      { name: 'config', mountPath: '/vault/config' },
    ]);
    expect(pod.initContainers[0].command).toEqual(['cp', '/vault/config-source/vault.hcl', '/vault/config/vault.hcl']);
  });

  test('4. password in a ConfigMap: no ConfigMap holds a credential, the URL comes from the Secret, literals are refused', () => {
    expect(objs.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name)).toContain('vault-config');
    for (const cm of objs.filter((o) => o.kind === 'ConfigMap')) {
      for (const value of Object.values(cm.data as Record<string, string>)) {
        expect(value).not.toMatch(/:\/\/[^/\s:@]*:[^@\s/]+@/);
        expect(value).not.toMatch(/password|connection_url/i);
      }
    }
    expect(findings.filter((f) => ['HK-X-01', 'HK-SCR-01', 'HK-SCR-02'].includes(f.ruleId))).toEqual([]);
    expect(errorOf(() => newVault(vaultNamespace(), { extraConfig: { connection_url: SEED_URL } })))
      .toBe('[lab/vault/vault] extraConfig.connection_url = "postgresql://vault:<redacted>@postgres-shared-service.data-platform:5432/vault?sslmode=disable": a connection URL holds a password, so it never goes into the config (the seed kept it in the vault-config ConfigMap). Fix: use VaultStorage.postgresql({ connectionUrl: { secretName, key } }); Vault reads the URL from VAULT_PG_CONNECTION_URL');
  });

  test('5. missing tables: a Job creates vault_kv_store, its index and vault_ha_locks idempotently, with the same Secret', () => {
    const job = objs.find((o) => o.kind === 'Job');
    expect(job.spec.template.spec.containers[0].env[0]).toEqual({ name: 'VAULT_PG_CONNECTION_URL', valueFrom: { secretKeyRef: { name: 'vault-postgres', key: 'connection-url' } } });
    expect(job.spec.template.spec.containers[0].args).toContain('--file=/schema/schema.sql');
    // the exact DDL is pinned in hcl.test.ts; the Job's ConfigMap carries it for the default tables
    expect(one(objs, 'ConfigMap', 'vault-schema').data['schema.sql']).toBe(vaultPostgresqlSchemaSql(VAULT_DEFAULT_KV_TABLE, VAULT_DEFAULT_HA_TABLE));
  });

  test('5b. the seed\'s hand-made table was wrong too: Vault queries parent_path and keys on (path, key), and HA needs vault_ha_locks', () => {
    const sql = one(objs, 'ConfigMap', 'vault-schema').data['schema.sql'];
    // the seed created: parent_key TEXT, key TEXT, value BYTEA, path TEXT, PRIMARY KEY (parent_key, key) — and no lock table
    expect(sql).not.toContain('parent_key');
    expect(sql).toContain('PRIMARY KEY (path, key)');
    expect(sql).toContain('vault_ha_locks');
  });

  test('6. the corrupted hand-made TLS secret: a cert-manager Certificate covers the Services and 127.0.0.1', () => {
    const cert = one(objs, 'Certificate', 'vault-tls');
    expect(cert.spec.ipAddresses).toEqual(['127.0.0.1']);
    expect(cert.spec.dnsNames).toEqual(expect.arrayContaining(['vault.vault.svc', 'vault-active.vault.svc', '*.vault-internal.vault.svc']));
    expect(pod.volumes).toContainEqual({ name: 'tls', secret: { secretName: 'vault-tls', defaultMode: 0o440 } });
  });

  test('the seed\'s api_addr (the Service name for every pod) and its missing service registration', () => {
    expect(envOf(c).VAULT_API_ADDR).toBe('https://$(VAULT_K8S_POD_NAME).vault-internal.vault.svc:8200');
    expect(vault.config).toContain('service_registration "kubernetes" {}');
    expect(errorOf(() => newVault(vaultNamespace(), { extraConfig: { api_addr: 'https://vault.vault-prod.svc.cluster.local:8200' } })))
      .toMatch(/^\[lab\/vault\/vault\] extraConfig\.api_addr = "https:\/\/vault\.vault-prod\.svc\.cluster\.local:8200": each pod advertises its own address/);
  });

  test('"port binding conflict" on a single-node kind cluster: three replicas on one node are refused before deploying', () => {
    const single: ClusterProfileProps = { distro: Distro.KUBEADM, version: 'v1.29.2', nodes: [{ name: 'kind-control-plane', allocatable: { cpu: '8', memory: '16Gi' } }], externalServices: VAULT_PROFILE.externalServices };
    expect(errorOf(() => newVault(vaultNamespace(false, single))))
      .toBe('[lab/vault/vault] replicas = 3: the required pod anti-affinity puts every Vault pod on its own node, and only 1 node of the lab profile can run them (kind-control-plane), so 2 pods would stay Pending. Fix: use at most 1 replica, add nodes to the profile, or tolerate the taints / relax the nodeSelector that exclude the others');
  });

  test('"no PDB, network policies not configured": both are synthesized', () => {
    expect(objs.filter((o) => o.kind === 'PodDisruptionBudget').map((o) => o.metadata.name)).toEqual(['vault']);
    expect(objs.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name)).toEqual(['default-deny', 'allow-dns', 'vault', 'vault-schema']);
  });
});
