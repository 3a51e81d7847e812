import { RuleLevel } from '../../../lib/policies/rule';
import { configMapSecretsRule, credentialsInConfigRule, duplicateEnvRule, secretEnvLiteralsRule, secretValuesRule } from '../../../lib/policies/rules/workload';
import { configMap, container, deployment, found, service, workload } from '../fixtures';

const E = RuleLevel.ERROR;
const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----\n';

function withEnv(env: any[], patch: any = {}) {
  return deployment('web', 'apps', { containers: [container({ env, ...patch })] });
}

describe('HK-SCR-01 credentials in env literals', () => {
  test('compliant baseline, secretKeyRef, empty, references, paths and LLM token settings', () => {
    expect(found(secretEnvLiteralsRule, deployment())).toEqual([]);
    expect(found(secretEnvLiteralsRule, withEnv([
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
      { name: 'API_KEY', value: '' },
      { name: 'AUTH_TOKEN', value: '$(HF_TOKEN)' },
      { name: 'POSTGRES_PASSWORD_FILE', value: '/run/secrets/db/password' },
      { name: 'GOOGLE_APPLICATION_CREDENTIALS', value: '/var/secrets/google/key.json' },
      { name: 'MAX_TOKENS', value: '4096' },
      { name: 'TOKENIZERS_PARALLELISM', value: 'false' },
      { name: 'LOG_LEVEL', value: 'info' },
    ]))).toEqual([]);
  });
  test('flags credential-named literals without printing them', () => {
    const m = withEnv([
      { name: 'DB_PASSWORD', value: 'hunter22' },
      { name: 'HF_TOKEN', value: 'hf_abcdef' },
      { name: 'openaiApiKey', value: 'sk-123' },
      { name: 'AZURE_STORAGE_KEY', value: 'abc==' },
    ]);
    expect(found(secretEnvLiteralsRule, m)).toEqual([
      [E, 'container "app" env DB_PASSWORD is named like a credential and has a literal value'],
      [E, 'container "app" env HF_TOKEN is named like a credential and has a literal value'],
      [E, 'container "app" env openaiApiKey is named like a credential and has a literal value'],
      [E, 'container "app" env AZURE_STORAGE_KEY is named like a credential and has a literal value'],
    ]);
  });
  test('flags a private key in any env value, init containers included', () => {
    const m = deployment('web', 'apps', { initContainers: [container({ name: 'setup', env: [{ name: 'TLS', value: PEM }] })] });
    expect(found(secretEnvLiteralsRule, m)).toEqual([[E, 'init container "setup" env TLS holds a private key block as a literal value']]);
  });
  test('not applicable to a Service or ConfigMap', () => {
    expect(found(secretEnvLiteralsRule, service(), configMap('c', 'apps', { DB_PASSWORD: 'hunter22' }))).toEqual([]);
  });
});

describe('HK-X-01 credentials inside config values', () => {
  const vaultHcl = 'disable_mlock = true\n\nstorage "postgresql" {\n  connection_url = "postgresql://vault:vault-secure-password-change-me@postgres-shared-service.data-platform:5432/vault?sslmode=disable"\n}\n';

  test('compliant baseline and placeholders', () => {
    expect(found(credentialsInConfigRule, deployment())).toEqual([]);
    expect(found(credentialsInConfigRule, configMap('c', 'apps', {
      'config.hcl': 'storage "postgresql" {}\nui = true\n',
      'app.yaml': 'password: ${DB_PASSWORD}\ntoken: env:API_TOKEN\nsecret: true\nmax_tokens: 4096\n',
      url: 'http://grafana.monitoring:3000/d/abc?orgId=1&from=a@b',
    }))).toEqual([]);
    expect(found(credentialsInConfigRule, withEnv([{ name: 'DATABASE_URL', value: 'postgresql://app:$(DB_PASSWORD)@db:5432/app' }]))).toEqual([]);
  });
  test('flags the Vault DSN in a ConfigMap without printing the password', () => {
    const findings = found(credentialsInConfigRule, configMap('vault-config', 'vault-prod', { 'config.hcl': vaultHcl }));
    expect(findings).toEqual([[E, 'ConfigMap key "config.hcl" embeds a password in a URI (line 4)']]);
  });
  test('flags assignments in config blobs', () => {
    expect(found(credentialsInConfigRule, configMap('c', 'apps', { 'app.ini': '[db]\nuser = app\ndb_password = "s3cr3t!"\n' })))
      .toEqual([[E, 'ConfigMap key "app.ini" assigns a literal value to password (line 3)']]);
    expect(found(credentialsInConfigRule, configMap('c', 'apps', { jdbc: 'jdbc:sqlserver://db:1433;user=app;password=s3cr3t' })))
      .toEqual([[E, 'ConfigMap key "jdbc" assigns a literal value to password']]);
  });
  test('flags env literals, command and args by name and index', () => {
    const m = workload('Job', 'migrate', 'apps', {
      containers: [container({
        env: [{ name: 'DATABASE_URL', value: 'redis://:p4ssw0rd@redis-queue:6379/0' }],
        command: ['migrate'],
        args: ['--verbose', '--api-key=abcd1234'],
      })],
    });
    expect(found(credentialsInConfigRule, m)).toEqual([
      [E, 'container "app" env DATABASE_URL embeds a password in a URI'],
      [E, 'container "app" args[1] assigns a literal value to api-key'],
    ]);
  });
  test('not applicable to a Service', () => expect(found(credentialsInConfigRule, service())).toEqual([]));
});

describe('HK-SCR-02 credentials in ConfigMaps', () => {
  test('compliant ConfigMap', () => {
    expect(found(configMapSecretsRule, configMap('c', 'apps', { 'app.yaml': 'port: 8080\n', 'tokenizer.json': '{}', password_file: '/run/secrets/pw' }))).toEqual([]);
  });
  test('flags secret-named keys, private keys and JWTs', () => {
    const m = configMap('c', 'apps', {
      'db-password': 'hunter22',
      'tls.key': PEM,
      kubeconfig: 'users:\n- user:\n    token: eyJhbGciOiJSUzI1NiIsImtpZCI6IiJ9.e30.sig\n',
    });
    expect(found(configMapSecretsRule, m)).toEqual([
      [E, 'ConfigMap key "db-password" is named like a credential'],
      [E, 'ConfigMap key "tls.key" holds a private key block'],
      [E, 'ConfigMap key "kubeconfig" holds a JWT'],
    ]);
  });
  test('not applicable to workloads and Services', () => {
    expect(found(configMapSecretsRule, deployment(), service(), withEnv([{ name: 'DB_PASSWORD', value: 'x' }]))).toEqual([]);
  });
});

describe('HK-SCR-05 duplicate env', () => {
  test('compliant baseline and distinct names', () => {
    expect(found(duplicateEnvRule, deployment())).toEqual([]);
    expect(found(duplicateEnvRule, withEnv([{ name: 'A', value: '1' }, { name: 'B', value: '1' }]))).toEqual([]);
  });
  test('flags a repeated name', () => {
    const m = withEnv([{ name: 'QDRANT_PORT', value: '6333' }, { name: 'A', value: '1' }, { name: 'QDRANT_PORT', value: '6334' }]);
    expect(found(duplicateEnvRule, m)).toEqual([[E, 'container "app" defines env QDRANT_PORT 2 times']]);
  });
  test('not applicable to a Service', () => expect(found(duplicateEnvRule, service())).toEqual([]));
});

describe('HK-X-01 YAML reference tags', () => {
  const { credentialsInConfigRule } = require('../../../lib/policies/rules/workload');
  const { configMap, run } = require('../fixtures');

  test('compliant: !env_var and !secret tags reference values held elsewhere (Recyclarr, Home Assistant)', () => {
    expect(run(credentialsInConfigRule, configMap('cfg', 'apps', { 'recyclarr.yml': 'sonarr:\n  main:\n    api_key: !env_var SONARR_API_KEY\n', 'ha.yaml': 'password: !secret db_password\n' }))).toEqual([]);
  });

  test('non-compliant: a literal key next to them is still caught', () => {
    expect(run(credentialsInConfigRule, configMap('cfg', 'apps', { 'recyclarr.yml': 'api_key: 0123456789abcdef\n' })).map((f: any) => f.message))
      .toEqual(['ConfigMap key "recyclarr.yml" assigns a literal value to api_key (line 1)']);
  });
});

describe('HK-SCR-06 Secret values in the output', () => {
  const secret = (patch: any) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'oauth2-proxy-prometheus-secret', namespace: 'monitoring' }, ...patch });
  test('compliant: a Secret with no values (e.g. a service-account token placeholder)', () => {
    expect(found(secretValuesRule, secret({ type: 'kubernetes.io/service-account-token' }))).toEqual([]);
    expect(found(secretValuesRule, secret({ data: {} }))).toEqual([]);
  });
  test('flags data and stringData (the homelab\'s plaintext temp-secret.yaml), naming keys but not values', () => {
    expect(found(secretValuesRule, secret({ stringData: { 'client-secret': 'x'.repeat(128), 'cookie-secret': 'y'.repeat(32) }, data: { 'client-id': 'cHJvbWV0aGV1cw==' } }))).toEqual([
      [E, 'Secret monitoring/oauth2-proxy-prometheus-secret holds values for client-id, client-secret, cookie-secret in the output']]);
  });
});
