import { AppSize, AppWorkload, Criticality, EnvValue, Probe, TaintEffect } from '../../../lib';
import { HclBlock, Vault, VaultLogFormat, VaultLogLevel, VaultStorage, VaultTls, VaultUpdateStrategy } from '../../../lib/security/vault';
import { one, synth } from '../../helpers';
import { TLS, envOf, newVault, postgres, vaultContainer, vaultNamespace } from './helpers';

const SELECTOR = { 'app.kubernetes.io/name': 'vault', 'app.kubernetes.io/instance': 'vault' };

describe('Raft storage', () => {
  const ns = vaultNamespace();
  const vault = new Vault(ns, 'vault', { storage: VaultStorage.raft({ storageClassName: 'longhorn-nvme' }), tls: TLS });
  const objs = synth(ns);
  const sts = one(objs, 'StatefulSet', 'vault');

  test('storage "raft" with a retry_join per pod on the headless Service, verified with the CA', () => {
    const join = (i: number) => [
      '  retry_join {',
      `    leader_api_addr = "https://vault-${i}.vault-internal.vault.svc:8200"`,
      '    leader_ca_cert_file = "/vault/tls/ca.crt"',
      '  }',
    ];
    expect(vault.config).toContain(['storage "raft" {', '  path = "/vault/data"', ...join(0), ...join(1), ...join(2), '}', '', 'service_registration "kubernetes" {}'].join('\n'));
    expect(vault.config).not.toContain('postgresql');
  });

  test('a ReadWriteOnce claim per pod (10Gi by default), retained', () => {
    expect(sts.spec.volumeClaimTemplates).toEqual([{
      metadata: { name: 'data', labels: sts.metadata.labels },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'longhorn-nvme', resources: { requests: { storage: '10Gi' } } },
    }]);
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(vaultContainer(sts).volumeMounts).toContainEqual({ name: 'data', mountPath: '/vault/data' });
  });

  test('node id from the pod name; no PostgreSQL URL, Job or egress to a database', () => {
    const env = envOf(vaultContainer(sts));
    expect(env.VAULT_RAFT_NODE_ID).toBe('$(VAULT_K8S_POD_NAME)');
    expect(env.VAULT_PG_CONNECTION_URL).toBeUndefined();
    expect(objs.filter((o) => o.kind === 'Job')).toEqual([]);
    expect(vault.schemaJob).toBeUndefined();
    expect(one(objs, 'NetworkPolicy', 'vault').spec.egress.map((r: any) => r.ports.map((p: any) => p.port))).toEqual([[8200, 8201], [443, 6443]]);
  });

  test('size and a single replica', () => {
    const ns1 = vaultNamespace();
    const v = new Vault(ns1, 'vault', { storage: VaultStorage.raft({ storageClassName: 'local-path', size: '2Gi' }), tls: TLS, replicas: 1 });
    const o = synth(ns1);
    expect(one(o, 'StatefulSet', 'vault').spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('2Gi');
    expect((v.config.match(/retry_join/g) ?? []).length).toBe(1);
    expect(o.filter((x) => x.kind === 'PodDisruptionBudget')).toEqual([]);
    expect(one(o, 'Role', 'vault-service-registration').rules[0].resourceNames).toEqual(['vault-0']);
  });
});

describe('TLS', () => {
  test('VaultTls.disabled: plain HTTP listener, probes and addresses, no Certificate, the reason on the StatefulSet', () => {
    const ns = vaultNamespace();
    const vault = newVault(ns, { tls: VaultTls.disabled('lab only, every node on one WireGuard mesh') });
    const objs = synth(ns);
    const sts = one(objs, 'StatefulSet', 'vault');
    const c = vaultContainer(sts);
    expect(vault.scheme).toBe('http');
    expect(vault.address).toBe('http://vault.vault.svc.cluster.local:8200');
    expect(vault.servicePorts).toEqual([{ name: 'http', port: 8200 }]);
    expect(vault.config).toContain(['listener "tcp" {', '  address = "0.0.0.0:8200"', '  cluster_address = "0.0.0.0:8201"', '  tls_disable = true', '}'].join('\n'));
    expect(c.ports[0]).toEqual({ name: 'http', containerPort: 8200, protocol: 'TCP' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/v1/sys/health?standbyok=true&perfstandbyok=true', port: 'http', scheme: 'HTTP' });
    const env = envOf(c);
    expect(env.VAULT_API_ADDR).toBe('http://$(VAULT_K8S_POD_NAME).vault-internal.vault.svc:8200');
    expect(env.VAULT_CLUSTER_ADDR).toBe('https://$(VAULT_K8S_POD_NAME).vault-internal.vault.svc:8201');
    expect(env.VAULT_ADDR).toBe('http://127.0.0.1:8200');
    expect(env.VAULT_CACERT).toBeUndefined();
    expect(objs.filter((o) => o.kind === 'Certificate')).toEqual([]);
    expect(vault.certificate).toBeUndefined();
    expect(sts.spec.template.spec.volumes.map((v: any) => v.name)).toEqual(['config-source', 'config', 'home', 'tmp']);
    expect(sts.metadata.annotations['hardened-homelab.io/vault-tls-disabled']).toBe('lab only, every node on one WireGuard mesh');
    expect(one(objs, 'Service', 'vault').spec.ports).toEqual([{ name: 'http', port: 8200, targetPort: 'http', protocol: 'TCP' }]);
  });

  test('issuer kind and group, extra DNS names, no CA in the Secret', () => {
    const ns = vaultNamespace();
    const vault = new Vault(ns, 'vault', {
      storage: VaultStorage.raft({ storageClassName: 'local-path' }),
      tls: VaultTls.certManager({ issuer: { name: 'vault-issuer', kind: 'Issuer', group: 'awspca.cert-manager.io' }, extraDnsNames: ['vault.example.net', '*.vault.example.net', 'vault'], caInSecret: false }),
    });
    const objs = synth(ns);
    const cert = one(objs, 'Certificate', 'vault-tls');
    expect(cert.spec.issuerRef).toEqual({ name: 'vault-issuer', kind: 'Issuer', group: 'awspca.cert-manager.io' });
    expect(cert.spec.dnsNames.slice(-2)).toEqual(['vault.example.net', '*.vault.example.net']);
    expect(cert.spec.dnsNames.filter((n: string) => n === 'vault')).toHaveLength(1);
    expect(envOf(vaultContainer(one(objs, 'StatefulSet', 'vault'))).VAULT_CACERT).toBeUndefined();
    expect(vault.config).not.toContain('leader_ca_cert_file');
  });
});

describe('PostgreSQL options', () => {
  test('custom tables, max_parallel and max_idle_connections are rendered and bootstrapped', () => {
    const ns = vaultNamespace();
    const vault = newVault(ns, { storage: postgres(ns, { table: 'lab_kv', haTable: 'lab_locks', maxParallel: 32, maxIdleConnections: 4 }) });
    expect(vault.config).toContain(['storage "postgresql" {', '  table = "lab_kv"', '  ha_enabled = "true"', '  ha_table = "lab_locks"', '  max_parallel = "32"', '  max_idle_connections = "4"', '}'].join('\n'));
    const sql = one(synth(ns), 'ConfigMap', 'vault-schema').data['schema.sql'];
    expect(sql).toContain('CREATE TABLE IF NOT EXISTS lab_kv (');
    expect(sql).toContain('CREATE TABLE IF NOT EXISTS lab_locks (');
  });

  test('a single server without HA: no lock table, service registration, active/standby Services, Role or API egress', () => {
    const ns = vaultNamespace();
    const vault = newVault(ns, { replicas: 1, storage: postgres(ns, { haEnabled: false }) });
    const objs = synth(ns);
    expect(vault.config).toContain(['storage "postgresql" {', '  table = "vault_kv_store"', '}'].join('\n'));
    expect(vault.config).not.toContain('service_registration');
    expect(one(objs, 'ConfigMap', 'vault-schema').data['schema.sql']).not.toContain('vault_ha_locks');
    expect(objs.filter((o) => ['Role', 'RoleBinding', 'PodDisruptionBudget'].includes(o.kind))).toEqual([]);
    expect(objs.filter((o) => o.kind === 'Service').map((o) => o.metadata.name)).toEqual(['vault', 'vault-internal']);
    const sts = one(objs, 'StatefulSet', 'vault');
    expect(sts.spec.template.spec.automountServiceAccountToken).toBe(false);
    expect(sts.metadata.annotations).toBeUndefined();
    expect(one(objs, 'NetworkPolicy', 'vault').spec.egress.map((r: any) => r.ports.map((p: any) => p.port))).toEqual([[8200, 8201], [5432]]);
  });

  test('bootstrapSchema: false leaves the schema to someone else', () => {
    const ns = vaultNamespace();
    const vault = newVault(ns, { storage: postgres(ns, { bootstrapSchema: false }) });
    const objs = synth(ns);
    expect(vault.schemaJob).toBeUndefined();
    expect(objs.filter((o) => o.kind === 'Job' || o.metadata.name === 'vault-schema')).toEqual([]);
  });

  test('a synthesized PostgreSQL app lets Vault and the schema Job in on the named port', () => {
    const ns = vaultNamespace();
    const pg = new AppWorkload(ns, 'postgres', {
      image: 'docker.io/library/postgres:17.4-alpine', size: AppSize.MEDIUM, ports: [{ name: 'metrics', port: 9187 }, { name: 'postgres', port: 5432 }],
      probes: { readiness: Probe.exec(['pg_isready']), liveness: Probe.tcpSocket({ port: 'postgres' }) },
    });
    newVault(ns, { storage: VaultStorage.postgresql({ connectionUrl: { secretName: 'pg', key: 'url' }, server: pg, serverPort: 'postgres' }) });
    const objs = synth(ns);
    const from = (name: string) => ({ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'vault' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name } } }], ports: [{ port: 5432, protocol: 'TCP' }] });
    expect(one(objs, 'NetworkPolicy', 'postgres').spec.ingress).toEqual([from('vault'), from('vault-schema')]);
    const pgRule = { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'vault' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/instance': 'postgres' } } }], ports: [{ port: 5432, protocol: 'TCP' }] };
    expect(one(objs, 'NetworkPolicy', 'vault').spec.egress[1]).toEqual(pgRule);
    expect(one(objs, 'NetworkPolicy', 'vault-schema').spec.egress).toEqual([pgRule]);
  });
});

describe('other options', () => {
  test('replicas, update strategy, logging, UI, resources, image, criticality', () => {
    const ns = vaultNamespace();
    const vault = newVault(ns, {
      replicas: 2, updateStrategy: VaultUpdateStrategy.ROLLING_UPDATE, logLevel: VaultLogLevel.DEBUG, logFormat: VaultLogFormat.JSON, ui: false,
      resources: { cpu: '200m', memory: '384Mi', memoryLimit: '768Mi', cpuLimit: '1' }, image: 'registry.example.net/vault:1.20.4-custom', criticality: Criticality.STANDARD,
    });
    const objs = synth(ns);
    const sts = one(objs, 'StatefulSet', 'vault');
    const c = vaultContainer(sts);
    expect(sts.spec.replicas).toBe(2);
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate' });
    expect(vault.config.split('\n').slice(0, 4)).toEqual(['ui = false', 'disable_mlock = true', 'log_level = "debug"', 'log_format = "json"']);
    expect(c.resources).toEqual({ requests: { cpu: '200m', memory: '384Mi' }, limits: { cpu: '1', memory: '768Mi' } });
    expect(c.image).toBe('registry.example.net/vault:1.20.4-custom');
    expect(sts.spec.template.spec.initContainers[0].image).toBe('registry.example.net/vault:1.20.4-custom');
    expect(sts.metadata.labels['app.kubernetes.io/version']).toBe('1.20.4-custom');
    expect(sts.spec.template.spec.priorityClassName).toBe('workload-standard');
    expect(one(objs, 'Role', 'vault-service-registration').rules[0].resourceNames).toEqual(['vault-0', 'vault-1']);
  });

  test('extraConfig attributes and extraBlocks are rendered after the managed ones; credentials come through env', () => {
    const ns = vaultNamespace();
    const vault = newVault(ns, {
      extraConfig: { default_lease_ttl: '768h', max_lease_ttl: '8760h', cluster_name: 'lab' },
      extraBlocks: [
        HclBlock.of('seal', ['transit'], { address: 'https://vault-unseal.vault.svc:8200', key_name: 'autounseal', mount_path: 'transit/', tls_ca_cert: '/vault/tls/ca.crt' }),
        HclBlock.of('telemetry', [], { disable_hostname: true, prometheus_retention_time: '30s' }),
      ],
      env: { VAULT_TOKEN: EnvValue.fromSecret('vault-unseal-token', 'token'), VAULT_LOG_ROTATE_DURATION: EnvValue.of('24h') },
    });
    expect(vault.config.split('\n').slice(4, 7)).toEqual(['default_lease_ttl = "768h"', 'max_lease_ttl = "8760h"', 'cluster_name = "lab"']);
    expect(vault.config.endsWith([
      'service_registration "kubernetes" {}',
      '',
      'seal "transit" {',
      '  address = "https://vault-unseal.vault.svc:8200"',
      '  key_name = "autounseal"',
      '  mount_path = "transit/"',
      '  tls_ca_cert = "/vault/tls/ca.crt"',
      '}',
      '',
      'telemetry {',
      '  disable_hostname = true',
      '  prometheus_retention_time = "30s"',
      '}',
      '',
    ].join('\n'))).toBe(true);
    const env = vaultContainer(one(synth(ns), 'StatefulSet', 'vault')).env;
    expect(env.slice(-2)).toEqual([
      { name: 'VAULT_TOKEN', valueFrom: { secretKeyRef: { name: 'vault-unseal-token', key: 'token' } } },
      { name: 'VAULT_LOG_ROTATE_DURATION', value: '24h' },
    ]);
  });

  test('nodeSelector and tolerations place the pods and widen the schedulable nodes', () => {
    const ns = vaultNamespace();
    const tolerations = [{ key: 'CriticalAddonsOnly', operator: 'Exists', effect: TaintEffect.NO_EXECUTE }];
    newVault(ns, { replicas: 4, tolerations });
    const pod = one(synth(ns), 'StatefulSet', 'vault').spec.template.spec;
    expect(pod.tolerations).toEqual(tolerations);
    const ns2 = vaultNamespace();
    newVault(ns2, { replicas: 1, nodeSelector: { 'node-type': 'compute' } });
    expect(one(synth(ns2), 'StatefulSet', 'vault').spec.template.spec.nodeSelector).toEqual({ 'node-type': 'compute' });
  });

  test('kubernetesApi narrows the API server egress', () => {
    const ns = vaultNamespace();
    newVault(ns, { kubernetesApi: { cidrs: ['192.168.10.10/32', '192.168.10.11/32'], ports: [6443] } });
    expect(one(synth(ns), 'NetworkPolicy', 'vault').spec.egress[2]).toEqual({
      to: [{ ipBlock: { cidr: '192.168.10.10/32' } }, { ipBlock: { cidr: '192.168.10.11/32' } }],
      ports: [{ port: 6443, protocol: 'TCP' }],
    });
  });

  test('exemptions are added to the StatefulSet next to the construct\'s own', () => {
    const ns = vaultNamespace();
    newVault(ns, { exemptions: { 'HK-RES-04': 'Vault caches leases; a burst above the request is expected' } });
    expect(JSON.parse(one(synth(ns), 'StatefulSet', 'vault').metadata.annotations['hardened-homelab.io/exemptions'])).toEqual({
      'HK-RES-04': 'Vault caches leases; a burst above the request is expected',
      'HK-SEC-20': 'service_registration "kubernetes" labels the pod through the API (Role limited to get/update/patch of its own pods)',
    });
  });

  test('another name prefixes every object and address', () => {
    const ns = vaultNamespace();
    const v = newVault(ns, { replicas: 1 }, 'secrets');
    const objs = synth(ns);
    expect(one(objs, 'StatefulSet', 'secrets').spec.serviceName).toBe('secrets-internal');
    expect(envOf(vaultContainer(one(objs, 'StatefulSet', 'secrets'))).VAULT_API_ADDR).toBe('https://$(VAULT_K8S_POD_NAME).secrets-internal.vault.svc:8200');
    expect(one(objs, 'Certificate', 'secrets-tls').spec.dnsNames[0]).toBe('secrets');
    expect(objs.filter((o) => o.kind === 'Service').map((o) => o.metadata.name)).toEqual(['secrets', 'secrets-internal', 'secrets-active', 'secrets-standby']);
    expect(v.podSelector).toEqual({ 'app.kubernetes.io/name': 'secrets', 'app.kubernetes.io/instance': 'secrets' });
    expect(SELECTOR).not.toEqual(v.podSelector);
  });
});
