import * as fc from 'fast-check';
import {
  Cluster, ClusterProfileProps, Criticality, Distro, EnvValue, ExternalService, GitOpsEngine, HclBlock, Namespace, TaintEffect, Vault, VaultLogFormat, VaultLogLevel,
  VaultProps, VaultStorage, VaultTls, VaultUpdateStrategy,
} from '../../lib';
import { Breaker, SEED, assertBreaker, breaker, breakerRows, dnsLabel, dnsSubdomain, propCluster, synthClean } from './support';

/**
 * Vault properties: any placement the profile can hold (replicas up to the nodes the pods may
 * use, with tolerations and node selectors), PostgreSQL storage (tables, HA, schema Job) or Raft
 * storage (class, size), cert-manager TLS (issuer, extra names) or TLS off with a reason,
 * logging, extra config and clients synthesize cleanly: the config keeps mlock off and the
 * connection URL out, HA brings service registration, each pod its own node. Any one field made
 * invalid is refused at the Vault's path.
 */

const sqlIdent = fc.stringMatching(/^[a-z_][a-z0-9_]{0,39}$/);

const validVault = fc.record({
  workers: fc.integer({ min: 1, max: 5 }),
  labelled: fc.integer({ min: 0, max: 5 }),
  tolerateServer: fc.boolean(),
  useSelector: fc.boolean(),
  replicasShare: fc.double({ min: 0, max: 1, noNaN: true }),
  id: fc.oneof(fc.constant('vault'), dnsLabel(40)),
  storage: fc.oneof(
    fc.record({
      kind: fc.constant('postgresql' as const),
      secretName: dnsSubdomain,
      key: fc.stringMatching(/^[-._a-zA-Z0-9]{1,30}$/),
      tables: fc.uniqueArray(sqlIdent, { minLength: 2, maxLength: 2 }),
      defaultTables: fc.boolean(),
      haEnabled: fc.option(fc.boolean(), { nil: undefined }),
      maxParallel: fc.option(fc.integer({ min: 1, max: 512 }), { nil: undefined }),
      maxIdleConnections: fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }),
      bootstrapSchema: fc.option(fc.boolean(), { nil: undefined }),
    }),
    fc.record({
      kind: fc.constant('raft' as const),
      storageClassName: fc.constantFrom('local-path', 'longhorn-nvme', 'fast.ssd'),
      sizeGi: fc.option(fc.integer({ min: 1, max: 500 }), { nil: undefined }),
    }),
  ),
  tls: fc.oneof(
    fc.record({
      kind: fc.constant('cert-manager' as const),
      issuer: dnsSubdomain,
      issuerKind: fc.constantFrom(undefined, 'Issuer' as const, 'ClusterIssuer' as const),
      extraDnsNames: fc.option(fc.array(fc.oneof(dnsSubdomain.map((d) => `${d}.example.net`), dnsSubdomain.map((d) => `*.${d}.example.net`)), { maxLength: 3 }), { nil: undefined }),
      caInSecret: fc.option(fc.boolean(), { nil: undefined }),
    }),
    fc.record({ kind: fc.constant('disabled' as const), reason: fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ,.]{9,50}$/) }),
  ),
  resources: fc.option(fc.record({ cpu: fc.integer({ min: 10, max: 500 }), mem: fc.integer({ min: 64, max: 512 }), factor: fc.integer({ min: 1, max: 4 }) })
    .map((r) => ({ cpu: `${r.cpu}m`, memory: `${r.mem}Mi`, memoryLimit: `${r.mem * r.factor}Mi` })), { nil: undefined }),
  ui: fc.option(fc.boolean(), { nil: undefined }),
  logLevel: fc.option(fc.constantFrom(...Object.values(VaultLogLevel)), { nil: undefined }),
  logFormat: fc.option(fc.constantFrom(...Object.values(VaultLogFormat)), { nil: undefined }),
  updateStrategy: fc.option(fc.constantFrom(...Object.values(VaultUpdateStrategy)), { nil: undefined }),
  extraConfig: fc.record({ default_lease_ttl: fc.integer({ min: 1, max: 9000 }).map((h) => `${h}h`), cluster_name: dnsLabel(20), max_lease_ttl: fc.constantFrom('768h', '8760h') }, { requiredKeys: [] }),
  telemetry: fc.option(fc.boolean(), { nil: undefined }),
  allowFrom: fc.uniqueArray(dnsLabel(15), { maxLength: 3 }),
  kubernetesApi: fc.option(fc.record({ cidrs: fc.array(fc.tuple(fc.integer({ min: 1, max: 223 }), fc.integer({ min: 8, max: 32 })).map(([a, b]) => `${a}.0.0.0/${b}`), { minLength: 1, maxLength: 2 }), ports: fc.constantFrom([6443], [443, 6443]).map((p) => [...p] as number[]) }), { nil: undefined }),
  criticality: fc.option(fc.constantFrom(Criticality.CRITICAL, Criticality.STANDARD), { nil: undefined }),
}).map((g) => {
  const nodes: ClusterProfileProps['nodes'] = [
    { name: 'server', allocatable: { cpu: '4', memory: '8Gi' }, labels: { 'node-type': 'compute' }, taints: [{ key: 'CriticalAddonsOnly', value: 'true', effect: TaintEffect.NO_EXECUTE }] },
    ...Array.from({ length: g.workers }, (_, i) => ({ name: `worker-${i + 1}`, allocatable: { cpu: '4', memory: '8Gi' }, labels: (i < g.labelled ? { 'node-type': 'compute' } : {}) as Record<string, string> })),
  ];
  const selector = g.useSelector && Math.min(g.labelled, g.workers) + (g.tolerateServer ? 1 : 0) > 0 ? { 'node-type': 'compute' } : undefined;
  const eligible = nodes.filter((n) => (g.tolerateServer || !(n.taints ?? []).length) && (!selector || n.labels?.['node-type'] === 'compute')).length;
  const replicas = Math.max(1, Math.min(eligible, 1 + Math.floor(g.replicasShare * eligible)));
  const ha = g.storage.kind === 'raft' || g.storage.haEnabled !== false;
  const storage = g.storage.kind === 'postgresql' && replicas > 1 && !ha ? { ...g.storage, haEnabled: true } : g.storage;
  const profile: ClusterProfileProps = {
    distro: Distro.K3S,
    version: 'v1.32.5+k3s1',
    gitops: { engine: GitOpsEngine.FLUX, repoUrl: 'https://github.com/example/lab' },
    nodes,
    externalServices: [{ name: 'postgres', namespace: 'data', ports: [5432], reason: 'the shared database' }],
  };
  return { ...g, storage, nodes, selector, eligible, replicas, profile };
});

type Generated = typeof validVault extends fc.Arbitrary<infer T> ? T : never;

function propsOf(g: Generated, ns: Namespace): VaultProps {
  const s = g.storage;
  const storage = s.kind === 'postgresql'
    ? VaultStorage.postgresql({
      connectionUrl: { secretName: s.secretName, key: s.key },
      server: ExternalService.fromProfile(ns, 'data', 'postgres'),
      table: s.defaultTables ? undefined : s.tables[0],
      haTable: s.defaultTables ? undefined : s.tables[1],
      haEnabled: s.haEnabled, maxParallel: s.maxParallel, maxIdleConnections: s.maxIdleConnections, bootstrapSchema: s.bootstrapSchema,
    })
    : VaultStorage.raft({ storageClassName: s.storageClassName, size: s.sizeGi === undefined ? undefined : `${s.sizeGi}Gi` });
  const t = g.tls;
  return {
    storage,
    tls: t.kind === 'disabled' ? VaultTls.disabled(t.reason) : VaultTls.certManager({ issuer: { name: t.issuer, kind: t.issuerKind }, extraDnsNames: t.extraDnsNames, caInSecret: t.caInSecret }),
    replicas: g.replicas,
    resources: g.resources,
    ui: g.ui,
    logLevel: g.logLevel,
    logFormat: g.logFormat,
    updateStrategy: g.updateStrategy,
    extraConfig: g.extraConfig,
    extraBlocks: g.telemetry === undefined ? undefined : [HclBlock.of('telemetry', [], { disable_hostname: g.telemetry })],
    env: { VAULT_LOG_FILE: EnvValue.of('/tmp/vault.log') },
    allowFrom: g.allowFrom.map((namespace) => ({ namespace })),
    kubernetesApi: g.kubernetesApi,
    criticality: g.criticality,
    nodeSelector: g.selector,
    tolerations: g.tolerateServer ? [{ key: 'CriticalAddonsOnly', operator: 'Exists' }] : undefined,
    // Raft data claims are backed up by Raft snapshots, not Velero (HK-BAK-01 would refuse them otherwise)
    exemptions: s.kind === 'raft' ? { 'HK-BAK-01': 'Raft snapshots (vault operator raft snapshot save) are taken off-cluster nightly' } : undefined,
  };
}

function build(g: Generated, patch: (p: VaultProps) => VaultProps = (p) => p): { cluster: Cluster; vault: Vault } {
  const cluster = propCluster(g.profile);
  const ns = new Namespace(cluster, 'vault');
  const vault = new Vault(ns, g.id, patch(propsOf(g, ns)));
  return { cluster, vault };
}

describe('Vault properties', () => {
  test('any placement, storage, TLS and config the profile can hold synthesizes cleanly, with mlock off, the URL out of the config and one pod per node', () => {
    fc.assert(fc.property(validVault, (g) => {
      const { cluster, vault } = build(g);
      const objs = synthClean(cluster);
      const name = g.id;
      const ha = g.storage.kind === 'raft' || g.storage.haEnabled !== false;
      const sts = objs.find((o) => o.kind === 'StatefulSet' && o.metadata.name === name);
      expect(sts.spec.replicas).toBe(g.replicas);
      expect(g.replicas).toBeLessThanOrEqual(g.eligible);
      expect(sts.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual([{ labelSelector: { matchLabels: vault.podSelector }, topologyKey: 'kubernetes.io/hostname' }]);
      expect(sts.spec.updateStrategy).toEqual({ type: g.updateStrategy ?? 'OnDelete' });
      const config: string = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === `${name}-config`).data['vault.hcl'];
      expect(config).toContain('disable_mlock = true');
      expect(config).not.toMatch(/postgres(ql)?:\/\//);
      expect(config.includes('service_registration "kubernetes"')).toBe(ha);
      expect(config.includes('tls_disable = true')).toBe(g.tls.kind === 'disabled');
      expect(config).toContain(g.storage.kind === 'raft' ? 'storage "raft"' : 'storage "postgresql"');
      if (g.storage.kind === 'postgresql') {
        expect(config.includes('ha_enabled = "true"')).toBe(ha);
        expect(config).toContain(`table = "${g.storage.defaultTables ? 'vault_kv_store' : g.storage.tables[0]}"`);
      } else {
        // one retry_join per peer pod
        expect(config.match(/retry_join \{/g)?.length).toBe(g.replicas);
      }
      const container = sts.spec.template.spec.containers[0];
      const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
      expect(env.VAULT_PG_CONNECTION_URL).toEqual(g.storage.kind === 'postgresql' ? { secretKeyRef: { name: g.storage.secretName, key: g.storage.key } } : undefined);
      expect([env.SKIP_CHOWN, env.SKIP_SETCAP]).toEqual(['true', 'true']);
      expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      const cert = objs.find((o) => o.kind === 'Certificate');
      if (g.tls.kind === 'cert-manager') {
        expect(cert.spec.issuerRef).toEqual({ name: g.tls.issuer, kind: g.tls.issuerKind ?? 'ClusterIssuer', group: 'cert-manager.io' });
        expect(cert.spec.dnsNames).toEqual(expect.arrayContaining([`${name}.vault.svc`, `${name}-active.vault.svc.cluster.local`, `*.${name}-internal.vault.svc`, ...(g.tls.extraDnsNames ?? [])]));
        expect(new Set(cert.spec.dnsNames).size).toBe(cert.spec.dnsNames.length);
      } else {
        expect(cert).toBeUndefined();
        expect(sts.metadata.annotations['hardened-homelab.io/vault-tls-disabled']).toBe(g.tls.reason.trim());
      }
      expect(objs.filter((o) => o.kind === 'PodDisruptionBudget').length).toBe(g.replicas > 1 ? 1 : 0);
      expect(objs.filter((o) => o.kind === 'Job').length).toBe(g.storage.kind === 'postgresql' && g.storage.bootstrapSchema !== false ? 1 : 0);
      expect(sts.spec.volumeClaimTemplates?.map((c: any) => [c.spec.storageClassName, c.spec.resources.requests.storage])).toEqual(
        g.storage.kind === 'raft' ? [[g.storage.storageClassName, `${g.storage.sizeGi ?? 10}Gi`]] : undefined);
      expect(objs.filter((o) => o.kind === 'Service').map((o) => o.metadata.name).sort()).toEqual([name, `${name}-internal`, ...(ha ? [`${name}-active`, `${name}-standby`] : [])].sort());
      const np = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === name);
      const clients = np.spec.ingress.slice(1).map((r: any) => r.from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']);
      expect(clients).toEqual(g.allowFrom);
    }), { seed: SEED, numRuns: 50 });
  }, 60_000);

  const withProps = (patch: (p: VaultProps, v: any) => VaultProps) => patch;
  type Row = { prop: string | RegExp; values: unknown[]; patch: (p: VaultProps, v: any) => VaultProps; gen?: (g: Generated, v: any) => Generated };
  const pg = (o: Record<string, unknown>) => (p: VaultProps): VaultProps => ({
    ...p, replicas: 1,
    storage: VaultStorage.postgresql({ connectionUrl: { secretName: 'vault-postgres', key: 'connection-url' }, server: ExternalService.fromProfile(new Namespace(propCluster(ONE), 'x'), 'data', 'postgres'), ...o } as any),
  });
  const ONE: ClusterProfileProps = { distro: Distro.K3S, version: 'v1.32.5+k3s1', nodes: [{ name: 'n', allocatable: { cpu: '1', memory: '1Gi' } }], externalServices: [{ name: 'postgres', namespace: 'data', ports: [5432], reason: 'x' }] };
  const rows: Row[] = [
    { prop: 'replicas', values: [1, 2], patch: (p) => p, gen: (g, extra: number) => ({ ...g, replicas: g.eligible + extra, storage: g.storage.kind === 'postgresql' ? { ...g.storage, haEnabled: true } : g.storage }) },
    { prop: 'replicas', values: [0, -1, 1.5, Number.NaN], patch: withProps((p, v) => ({ ...p, replicas: v })) },
    { prop: 'disableMlock', values: [false], patch: withProps((p, v) => ({ ...p, disableMlock: v })) },
    { prop: 'tls', values: [undefined, 'on'], patch: withProps((p, v) => ({ ...p, tls: v })) },
    { prop: 'tls', values: ['short', '', '         '], patch: withProps((p, v) => ({ ...p, tls: VaultTls.disabled(v) })) },
    { prop: 'tls.issuer.kind', values: ['Vault', 'clusterissuer'], patch: withProps((p, v) => ({ ...p, tls: VaultTls.certManager({ issuer: { name: 'ca', kind: v } }) })) },
    { prop: 'tls.issuer.name', values: ['Lab_CA', '', '-ca'], patch: withProps((p, v) => ({ ...p, tls: VaultTls.certManager({ issuer: { name: v } }) })) },
    { prop: 'tls.extraDnsNames[0]', values: ['Vault.example.net', 'vault_example.net', '*.*.example.net', 'http://vault'], patch: withProps((p, v) => ({ ...p, tls: VaultTls.certManager({ issuer: { name: 'ca' }, extraDnsNames: [v] }) })) },
    { prop: 'storage', values: [undefined, 'postgres'], patch: withProps((p, v) => ({ ...p, storage: v })) },
    { prop: 'storage.storageClassName', values: ['Fast_SSD', '', '-x'], patch: withProps((p, v) => ({ ...p, storage: VaultStorage.raft({ storageClassName: v }) })) },
    { prop: 'storage.size', values: ['512Mi', '10GB', '-10Gi', '0'], patch: withProps((p, v) => ({ ...p, storage: VaultStorage.raft({ storageClassName: 'local-path', size: v }) })) },
    { prop: 'storage.connection_string', values: ['postgres://vault:pw@db:5432/vault'], patch: (p, v) => pg({ connection_string: v })(p) },
    { prop: /^storage\.(connection_url|connectionURL|url)$/, values: ['postgres://vault:pw@db:5432/vault'], patch: (p, v) => pg({ connection_url: v })(p) },
    { prop: 'storage.connectionUrl', values: [undefined, 'postgres://vault:pw@db/vault', { secretName: 'x' }], patch: (p, v) => pg({ connectionUrl: v })(p) },
    { prop: 'storage.connectionUrl.secretName', values: ['Vault_PG', ''], patch: (p, v) => pg({ connectionUrl: { secretName: v, key: 'url' } })(p) },
    { prop: 'storage.connectionUrl.key', values: ['connection url', 'a/b', ''], patch: (p, v) => pg({ connectionUrl: { secretName: 'pg', key: v } })(p) },
    { prop: 'storage.table', values: ['Vault', '1table', 'vault-kv', 'a'.repeat(41), 'kv; DROP TABLE x'], patch: (p, v) => pg({ table: v })(p) },
    { prop: 'storage.haTable', values: ['vault_kv_store'], patch: (p, v) => pg({ haTable: v })(p) },
    { prop: 'storage.maxParallel', values: [0, -1, 2.5], patch: (p, v) => pg({ maxParallel: v })(p) },
    // two replicas: the server (tolerated) and a worker can always hold them
    { prop: 'storage.haEnabled', values: [false], patch: (p, v) => ({ ...pg({ haEnabled: v })(p), replicas: 2, nodeSelector: undefined, tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }] }) },
    { prop: 'storage.server', values: [undefined, { serviceName: 'db' }], patch: (p, v) => pg({ server: v })(p) },
    { prop: 'logLevel', values: ['verbose', 'INFO'], patch: withProps((p, v) => ({ ...p, logLevel: v })) },
    { prop: 'logFormat', values: ['text', 'JSON'], patch: withProps((p, v) => ({ ...p, logFormat: v })) },
    { prop: /^extraConfig\.(api_addr|listener|storage|ui|log_level|cluster_addr)$/, values: ['api_addr', 'listener', 'storage', 'ui', 'log_level', 'cluster_addr'], patch: withProps((p, v) => ({ ...p, extraConfig: { [v]: 'x' } })) },
    { prop: 'extraConfig.disable_mlock', values: [false, 'false', 0, true], patch: withProps((p, v) => ({ ...p, extraConfig: { disable_mlock: v } })) },
    { prop: /^extraConfig\.(token|password|api_key)$/, values: ['token', 'password', 'api_key'], patch: withProps((p, v) => ({ ...p, extraConfig: { [v]: 's3cr3t-value' } })) },
    { prop: 'extraConfig.plugin_directory', values: ['https://u:p@host/plugins'], patch: withProps((p, v) => ({ ...p, extraConfig: { plugin_directory: v } })) },
    { prop: 'extraConfig.bad', values: ['${env}', 'nul\u0000'], patch: withProps((p, v) => ({ ...p, extraConfig: { bad: v } })) },
    { prop: 'extraConfig.bad name', values: [1], patch: withProps((p) => ({ ...p, extraConfig: { 'bad name': 'x' } })) },
    { prop: 'extraBlocks[0].type', values: ['listener', 'storage', 'service_registration'], patch: withProps((p, v) => ({ ...p, extraBlocks: [HclBlock.of(v, ['tcp'], {})] })) },
    { prop: 'extraBlocks[0]', values: [{ type: 'seal' }], patch: withProps((p, v) => ({ ...p, extraBlocks: [v] })) },
    { prop: 'extraBlocks[0].statsd.address', values: ['a${b}', 'tab\u0007'], patch: withProps((p, v) => ({ ...p, extraBlocks: [HclBlock.of('telemetry', [], {}, [HclBlock.of('statsd', [], { address: v })])] })) },
    { prop: 'extraBlocks[0].seal.token', values: ['hvs.abc123'], patch: withProps((p, v) => ({ ...p, extraBlocks: [HclBlock.of('x', [], {}, [HclBlock.of('seal', ['transit'], { token: v })])] })) },
    { prop: /^env\./, values: ['1BAD', 'BAD-NAME', 'VAULT_ADDR', 'SKIP_CHOWN', 'VAULT_PG_CONNECTION_URL'], patch: withProps((p, v) => ({ ...p, env: { [v]: EnvValue.of('x') } })) },
    { prop: 'env.VAULT_TOKEN', values: ['literal'], patch: withProps((p, v) => ({ ...p, env: { VAULT_TOKEN: v } })) },
    { prop: 'kubernetesApi.cidrs[0]', values: ['10.0.0.1', '10.0.0.0/33', 'api'], patch: withProps((p, v) => ({ ...p, kubernetesApi: { cidrs: [v] } })) },
    { prop: 'kubernetesApi.cidrs', values: [[]], patch: withProps((p, v) => ({ ...p, kubernetesApi: { cidrs: v } })) },
    { prop: 'kubernetesApi.ports[0]', values: [0, 70000, 6443.5], patch: withProps((p, v) => ({ ...p, kubernetesApi: { ports: [v] } })) },
    { prop: 'allowFrom.namespace', values: ['Apps', 'my_apps', ''], patch: withProps((p, v) => ({ ...p, allowFrom: [{ namespace: v }] })) },
    { prop: 'resources.memory', values: ['256MB', '256mb', '-1Mi'], patch: withProps((p, v) => ({ ...p, resources: { cpu: '100m', memory: v, memoryLimit: '512Mi' } })) },
    { prop: 'resources.memoryLimit', values: ['128Mi'], patch: withProps((p, v) => ({ ...p, resources: { cpu: '100m', memory: '256Mi', memoryLimit: v } })) },
    { prop: 'id', values: ['Vault', 'vault_prod', 'v'.repeat(41)], patch: (p) => p, gen: (g, v: string) => ({ ...g, id: v }) },
    { prop: /^tolerations(\[0\]\.(operator|key|value|effect))?$/, values: ['Exists', { key: 'x', operator: 'Bogus' }, { operator: 'Equal' }, { key: 'x', operator: 'Exists', value: 'y' }, { key: 'Bad Key', operator: 'Exists' }, { key: 'x', effect: 'Never' }],
      patch: withProps((p, v) => ({ ...p, tolerations: (typeof v === 'string' ? v : [v]) as any })) },
    { prop: /^nodeSelector\./, values: ['node type', 'example.com/'], patch: withProps((p, v) => ({ ...p, nodeSelector: { [v]: 'compute' } })) },
    { prop: /^allowFrom\.podSelector\./, values: ['bad value!', 'v'.repeat(64)], patch: withProps((p, v) => ({ ...p, allowFrom: [{ namespace: 'apps', podSelector: { app: v } }] })) },
    // wrong types (JavaScript callers, `as any`): refused, never a TypeError
    { prop: 'tls.extraDnsNames', values: ['vault.example.net', 5], patch: withProps((p, v) => ({ ...p, tls: VaultTls.certManager({ issuer: { name: 'ca' }, extraDnsNames: v }) })) },
    { prop: /^kubernetesApi\.(ports|cidrs)$/, values: ['ports', 'cidrs'], patch: withProps((p, key) => ({ ...p, kubernetesApi: { [key]: key === 'ports' ? '6443' : '10.0.0.0/8' } })) },
    { prop: 'replicas', values: ['3', true], patch: withProps((p, v) => ({ ...p, replicas: v })) },
  ];
  // the construct's own table of bad inputs as Breakers over the generated props
  const breakers: Breaker<Generated>[] = rows.map((r) => breaker(r.prop, r.values, (g: Generated, v: unknown): Generated => ({
    ...(r.gen ? r.gen(g, v) : g),
    _patch: (p: VaultProps) => r.patch(p, v),
  } as Generated)));

  test.each(breakerRows(breakers))('%s is refused at the Vault\'s path — never a TypeError', (_t, b) => {
    assertBreaker(validVault, b, (g) => build(g, (g as any)._patch ?? ((p) => p)), (g) => `prop/vault/${g.id}`, 2);
  }, 30_000);
});
