import { Cluster, RuleLevel } from '../../../lib';
import { VaultStorage, VaultTls, VaultUpdateStrategy } from '../../../lib/security/vault';
import { synthesizeTargets } from '../../../stacks/synth';
import { buildVaultPostgres } from '../../../examples/vault-postgres/main';
import { Validator, createValidator } from '../../schema/validator';
import { synth } from '../../helpers';
import { TLS, newVault, postgres, vaultNamespace } from './helpers';

jest.setTimeout(60_000);

let validator: Validator;
beforeAll(() => {
  validator = createValidator();
});

/** Raft data is backed up with `vault operator raft snapshot`, not a file copy of a live database. */
const RAFT_BACKUP = { 'HK-BAK-01': 'Raft data is backed up with vault operator raft snapshot save, not a file-system copy of the live database' };

/** Variants of the construct that must all pass the baseline pack and the schemas. */
/** [name, build, HA with service registration (Role + active/standby Services), Raft claims]. */
const VARIANTS: [string, (ns: ReturnType<typeof vaultNamespace>) => void, boolean, boolean][] = [
  ['PostgreSQL + cert-manager (defaults)', (ns) => newVault(ns), true, false],
  ['Raft + cert-manager', (ns) => newVault(ns, { storage: VaultStorage.raft({ storageClassName: 'local-path' }), exemptions: RAFT_BACKUP }), true, true],
  ['PostgreSQL without HA, TLS disabled', (ns) => newVault(ns, { replicas: 1, storage: postgres(ns, { haEnabled: false }), tls: VaultTls.disabled('lab only, every node on one WireGuard mesh') }), false, false],
  ['Raft, rolling updates, clients', (ns) => newVault(ns, { storage: VaultStorage.raft({ storageClassName: 'local-path' }), tls: TLS, updateStrategy: VaultUpdateStrategy.ROLLING_UPDATE, allowFrom: [{ namespace: 'apps' }], exemptions: RAFT_BACKUP }), true, true],
];

describe.each(VARIANTS)('%s', (_name, build, ha, raft) => {
  test('passes the baseline policy pack with only the construct\'s narrow, reasoned exemptions', () => {
    const ns = vaultNamespace(true);
    build(ns);
    const s = Cluster.of(ns)!.synthesize();
    expect(s.errors).toEqual([]);
    expect(s.findings.filter((f) => f.exemption === undefined)).toEqual([]);
    const exempted = s.findings.filter((f) => f.exemption !== undefined).map((f) => `${f.ruleId} ${f.kind}/${f.name}`).sort();
    expect(s.objects.some((o) => o.manifest.kind === 'Role')).toBe(ha);
    expect(s.objects.some((o) => o.manifest.kind === 'StatefulSet' && o.manifest.spec.volumeClaimTemplates !== undefined)).toBe(raft);
    expect(exempted).toEqual([
      ...(raft ? ['HK-BAK-01 StatefulSet/vault'] : []),
      ...(ha ? ['HK-NET-04 Service/vault-active', 'HK-NET-04 Service/vault-standby', 'HK-SEC-20 StatefulSet/vault'] : []),
    ]);
  });

  test('every object validates against the Kubernetes 1.29 and cert-manager schemas', () => {
    const ns = vaultNamespace();
    build(ns);
    const objs = synth(ns);
    expect(objs.length).toBeGreaterThan(10);
    expect(objs.flatMap((o) => validator.validate(o))).toEqual([]);
  });
});

describe('the schema validator is strict about the Certificate', () => {
  test('an unknown field or a missing issuerRef is an error', () => {
    const ns = vaultNamespace();
    newVault(ns);
    const cert = synth(ns).find((o) => o.kind === 'Certificate');
    expect(validator.validate(cert)).toEqual([]);
    expect(validator.validate({ ...cert, spec: { ...cert.spec, sans: ['x'] } }).length).toBeGreaterThan(0);
    const { issuerRef: _, ...noIssuer } = cert.spec;
    expect(validator.validate({ ...cert, spec: noIssuer }).length).toBeGreaterThan(0);
  });
});

describe('examples/vault-postgres', () => {
  const result = synthesizeTargets([{ folder: 'examples/vault-postgres', build: buildVaultPostgres }]);

  test('synthesizes with no errors or warnings into dist/examples/vault-postgres/', () => {
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect([...result.files.keys()].filter((f) => f.startsWith('examples/vault-postgres/vault-prod/vault/')).map((f) => f.replace(/-[0-9a-f]{8}\.yaml$/, '-<hash>.yaml')).sort()).toEqual([
      'certificate-vault-tls.yaml',
      'configmap-vault-config.yaml',
      'configmap-vault-schema.yaml',
      'job-vault-schema-<hash>.yaml',
      'kustomization.yaml',
      'networkpolicy-vault-schema.yaml',
      'networkpolicy-vault.yaml',
      'poddisruptionbudget-vault.yaml',
      'role-vault-service-registration.yaml',
      'rolebinding-vault-service-registration.yaml',
      'service-vault-active.yaml',
      'service-vault-internal.yaml',
      'service-vault-standby.yaml',
      'service-vault.yaml',
      'serviceaccount-vault.yaml',
      'statefulset-vault.yaml',
    ].map((f) => `examples/vault-postgres/vault-prod/vault/${f}`).sort());
  });

  test('reaches the seed\'s PostgreSQL (postgres-shared-service.data-platform:5432), declared as an external service', () => {
    const np = result.files.get('examples/vault-postgres/vault-prod/vault/networkpolicy-vault.yaml')!;
    expect(np).toContain('kubernetes.io/metadata.name: data-platform');
    expect(np).toContain('port: 5432');
    const sts = result.files.get('examples/vault-postgres/vault-prod/vault/statefulset-vault.yaml')!;
    expect(sts).toContain('name: vault-postgres');
    expect(sts).toContain('key: connection-url');
    expect(sts).not.toMatch(/vault-secure-password|postgresql:\/\//);
    const cluster = buildVaultPostgres(new (require('cdk8s').App)());
    expect(cluster.profile.externalServices).toEqual([expect.objectContaining({ name: 'postgres-shared-service', namespace: 'data-platform', ports: [5432] })]);
    expect(cluster.synthesize().findings.filter((f) => f.level === RuleLevel.ERROR && f.exemption === undefined)).toEqual([]);
  });
});
