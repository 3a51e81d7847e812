import { createContext, evaluatePolicies, reportSections } from '../../../lib/policies/engine';
import { Manifest, RuleLevel } from '../../../lib/policies/rule';
import { objectReferencesRule, secretsToProvide } from '../../../lib/policies/rules/cluster';
import { configMap, container, deployment, found, merge, pvc, records, run, workload } from '../fixtures';

const E = RuleLevel.ERROR;

/** A Deployment `web` in `apps` whose container `app` gets `patch` and whose pod spec gets `podPatch`. */
function web(patch: any = {}, podPatch: any = {}, name = 'web', namespace = 'apps'): Manifest {
  return deployment(name, namespace, { ...podPatch, containers: [container(patch)] });
}
const secret = (name: string, data: Record<string, string>, namespace = 'apps', extra: any = {}): Manifest => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, data, ...extra });
const envFromKey = (kind: 'configMapKeyRef' | 'secretKeyRef', name: string, key: string, optional?: boolean) =>
  ({ env: [{ name: 'SETTING', valueFrom: { [kind]: { name, key, ...(optional === undefined ? {} : { optional }) } } }] });

describe('HK-SCR-04 ConfigMaps and claims', () => {
  test('compliant: every reference resolves, or is optional; kube-root-ca.crt always exists', () => {
    const cm = configMap('web-config', 'apps', { 'app.yaml': 'a: 1', LOG_LEVEL: 'info' });
    const m = web({
      env: [
        { name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name: 'web-config', key: 'LOG_LEVEL' } } },
        { name: 'EXTRA', valueFrom: { configMapKeyRef: { name: 'elsewhere', key: 'x', optional: true } } },
      ],
      envFrom: [{ configMapRef: { name: 'web-config' } }, { configMapRef: { name: 'maybe', optional: true } }],
    }, {
      volumes: [
        { name: 'config', configMap: { name: 'web-config', items: [{ key: 'app.yaml', path: 'app.yaml' }] } },
        { name: 'ca', configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { name: 'all', projected: { sources: [{ configMap: { name: 'web-config' } }, { serviceAccountToken: { path: 'token' } }, { configMap: { name: 'absent', optional: true } }] } },
        { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
        { name: 'tmp', emptyDir: {} },
      ],
    });
    expect(found(objectReferencesRule, m, cm, pvc('data', 'apps'))).toEqual([]);
  });

  test('seed 000: redis-queue mounting claim redis-queue-pvc that is not defined', () => {
    const m = deployment('redis-queue', 'cortex', { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'redis-queue-pvc' } }] });
    const f = run(objectReferencesRule, m, pvc('youtube-data', 'cortex'));
    expect(f.map((x) => [x.level, x.kind, x.name, x.message, x.fix])).toEqual([[E, 'Deployment', 'redis-queue',
      'volume "data" claims PersistentVolumeClaim redis-queue-pvc, which is not in namespace cortex (claims there: youtube-data), so the pod stays Pending',
      'define PersistentVolumeClaim redis-queue-pvc in namespace cortex (AppVolume.newClaim, or a claim object next to the workload), or correct claimName']]);
  });

  test('a ConfigMap in another namespace does not count', () => {
    const m = web({ envFrom: [{ configMapRef: { name: 'rr-env' } }] });
    const f = run(objectReferencesRule, m, configMap('rr-env', 'media'));
    expect(f.map((x) => [x.message, x.fix])).toEqual([[
      'envFrom of container "app" names ConfigMap rr-env, which is not in namespace apps (ConfigMaps there: none), so the container fails with CreateContainerConfigError',
      'create ConfigMap rr-env in namespace apps with this program, correct the name, or mark the reference optional: true if the app runs without it']]);
  });

  test('missing ConfigMaps through env, volumes and projected sources, each named once per source', () => {
    const m = web({ ...envFromKey('configMapKeyRef', 'settings', 'level') }, {
      volumes: [{ name: 'config', configMap: { name: 'web-conf' } }, { name: 'bundle', projected: { sources: [{ configMap: { name: 'web-conf' } }] } }],
    });
    expect(found(objectReferencesRule, m, configMap('web-config'))).toEqual([
      [E, 'env SETTING of container "app" names ConfigMap settings, which is not in namespace apps (ConfigMaps there: web-config), so the container fails with CreateContainerConfigError'],
      [E, 'volume "config" names ConfigMap web-conf, which is not in namespace apps (ConfigMaps there: web-config), so the kubelet cannot mount it and the pod never starts'],
      [E, 'projected volume "bundle" names ConfigMap web-conf, which is not in namespace apps (ConfigMaps there: web-config), so the kubelet cannot mount it and the pod never starts'],
    ]);
  });

  test('a key the ConfigMap does not have (env and volume items); binaryData keys count', () => {
    const cm = merge(configMap('web-config', 'apps', { 'app.yaml': 'a: 1' }), { binaryData: { 'logo.png': 'iVBO' } });
    const m = web(envFromKey('configMapKeyRef', 'web-config', 'LOG_LEVEL'), {
      volumes: [{ name: 'config', configMap: { name: 'web-config', items: [{ key: 'logo.png', path: 'logo.png' }, { key: 'app.yml', path: 'app.yml' }] } }],
    });
    const f = run(objectReferencesRule, m, cm);
    expect(f.map((x) => [x.message, x.fix])).toEqual([
      ['env SETTING of container "app" reads key "LOG_LEVEL" of ConfigMap apps/web-config, which has no such key (keys: app.yaml, logo.png), so the container fails with CreateContainerConfigError',
        'read one of its keys (app.yaml, logo.png), add key "LOG_LEVEL" to ConfigMap web-config, or mark the reference optional: true'],
      ['volume "config" reads key "app.yml" of ConfigMap apps/web-config, which has no such key (keys: app.yaml, logo.png), so the kubelet cannot mount it and the pod never starts',
        'read one of its keys (app.yaml, logo.png), add key "app.yml" to ConfigMap web-config, or mark the reference optional: true'],
    ]);
    expect(found(objectReferencesRule, web(envFromKey('configMapKeyRef', 'web-config', 'LOG_LEVEL', true)), cm)).toEqual([]);
  });

  test('every workload kind is judged; init containers too', () => {
    const podPatch = { initContainers: [container({ name: 'init', envFrom: [{ configMapRef: { name: 'missing' } }] })] };
    const kinds = ['Pod', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'] as const;
    expect(kinds.map((k) => found(objectReferencesRule, workload(k, k.toLowerCase(), 'apps', podPatch)).map(([, msg]) => msg))).toEqual(kinds.map(() => [
      'envFrom of init container "init" names ConfigMap missing, which is not in namespace apps (ConfigMaps there: none), so the container fails with CreateContainerConfigError',
    ]));
  });
});

describe('HK-SCR-04 Secrets', () => {
  test('a Secret no object creates is not an error: it is expected from outside', () => {
    expect(found(objectReferencesRule, web(envFromKey('secretKeyRef', 'api', 'token')))).toEqual([]);
  });

  test('a Secret the set creates must have the keys the pods read: hand-written Secret, Certificate, ExternalSecret, SealedSecret', () => {
    const reads = (name: string, key: string) => web({ env: [{ name: 'X', valueFrom: { secretKeyRef: { name, key } } }] }, {}, `web-${name}`);
    const cert: Manifest = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'web-tls', namespace: 'apps' }, spec: { secretName: 'web-tls-secret', issuerRef: { name: 'ca' }, dnsNames: ['web'] } };
    const es: Manifest = { apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret', metadata: { name: 'db', namespace: 'apps' }, spec: { target: { name: 'db-credentials' }, data: [{ secretKey: 'password', remoteRef: { key: 'db/password' } }] } };
    const sealed: Manifest = { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 'sealed', namespace: 'apps' }, spec: { encryptedData: { token: 'AgB…' } } };
    const f = run(objectReferencesRule, secret('api', { token: 'dG9r' }), cert, es, sealed,
      reads('api', 'token'), reads('api', 'api-key'), reads('web-tls-secret', 'tls.crt'), reads('web-tls-secret', 'tls.pem'),
      reads('db-credentials', 'password'), reads('db-credentials', 'url'), reads('sealed', 'token'), reads('sealed', 'user'));
    expect(f.map((x) => [x.name, x.message])).toEqual([
      ['web-api', 'env X of container "app" reads key "api-key" of Secret apps/api, which Secret apps/api creates with keys token only, so the container fails with CreateContainerConfigError'],
      ['web-web-tls-secret', 'env X of container "app" reads key "tls.pem" of Secret apps/web-tls-secret, which Certificate apps/web-tls creates with keys ca.crt, tls.crt, tls.key only, so the container fails with CreateContainerConfigError'],
      ['web-db-credentials', 'env X of container "app" reads key "url" of Secret apps/db-credentials, which ExternalSecret apps/db creates with keys password only, so the container fails with CreateContainerConfigError'],
      ['web-sealed', 'env X of container "app" reads key "user" of Secret apps/sealed, which SealedSecret apps/sealed creates with keys token only, so the container fails with CreateContainerConfigError'],
    ]);
    expect(f[0].fix).toBe('read one of token, make Secret apps/api write key "api-key", or mark the reference optional: true');
  });

  test('keys that are not knowable are not judged: dataFrom, templates, two producers, service-account tokens; optional keys pass', () => {
    const reads = (name: string) => web({ env: [{ name: 'X', valueFrom: { secretKeyRef: { name, key: 'whatever' } } }] }, {}, `web-${name}`);
    const dataFrom: Manifest = { apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret', metadata: { name: 'all', namespace: 'apps' }, spec: { dataFrom: [{ extract: { key: 'app' } }] } };
    const sa = secret('sa-token', {}, 'apps', { type: 'kubernetes.io/service-account-token' });
    const twice = [secret('dup', { a: 'YQ==' }), { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'dup-cert', namespace: 'apps' }, spec: { secretName: 'dup' } } as Manifest];
    expect(found(objectReferencesRule, dataFrom, sa, ...twice, reads('all'), reads('sa-token'), reads('dup'))).toEqual([]);
    expect(found(objectReferencesRule, secret('api', { token: 'dG9r' }), web(envFromKey('secretKeyRef', 'api', 'other', true)))).toEqual([]);
  });

  test('an ExternalSecret template decides the keys (Merge adds the data keys); Merge and None creation policies create nothing', () => {
    const es = (target: any): Manifest => ({ apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret', metadata: { name: 'db', namespace: 'apps' },
      spec: { target: { name: 'db-credentials', ...target }, data: [{ secretKey: 'password', remoteRef: { key: 'db/password' } }] } });
    const reads = (key: string) => web({ env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'db-credentials', key } } }] }, {}, `web-${key}`);
    const templated = { template: { data: { url: 'postgresql://app:{{ .password }}@db/app' } } };
    expect(found(objectReferencesRule, es(templated), reads('url'), reads('password')).map(([, msg]) => msg)).toEqual([
      'env X of container "app" reads key "password" of Secret apps/db-credentials, which ExternalSecret apps/db creates with keys url only, so the container fails with CreateContainerConfigError',
    ]);
    expect(found(objectReferencesRule, es({ template: { ...templated.template, mergePolicy: 'Merge' } }), reads('url'), reads('password'))).toEqual([]);
    const ctx = (policy: string) => createContext(records(es({ creationPolicy: policy }), reads('password')));
    expect(secretsToProvide(ctx('Merge')).map((x) => x.name)).toEqual(['db-credentials']);
    expect(secretsToProvide(ctx('None')).map((x) => x.name)).toEqual(['db-credentials']);
    expect(secretsToProvide(ctx('Owner'))).toEqual([]);
  });

  test('secret volume items are checked like env keys', () => {
    const m = web({}, { volumes: [{ name: 'creds', secret: { secretName: 'api', items: [{ key: 'token', path: 't' }, { key: 'cert', path: 'c' }] } }] });
    expect(found(objectReferencesRule, secret('api', { token: 'dG9r' }), m)).toEqual([[E,
      'volume "creds" reads key "cert" of Secret apps/api, which Secret apps/api creates with keys token only, so the kubelet cannot mount it and the pod never starts']]);
  });

  test('"Secrets to provide": pods, Velero locations and HelmRelease valuesFrom, grouped with their keys and consumers', () => {
    const bsl: Manifest = { apiVersion: 'velero.io/v1', kind: 'BackupStorageLocation', metadata: { name: 'b2-offsite', namespace: 'velero' }, spec: { provider: 'aws', credential: { name: 'b2-credentials', key: 'cloud' } } };
    const hr: Manifest = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'authentik', namespace: 'authentik' }, spec: { valuesFrom: [{ kind: 'Secret', name: 'authentik-secret', valuesKey: 'values.yaml' }] } };
    const objects = records(
      secret('made-here', { token: 'dG9r' }),
      web(envFromKey('secretKeyRef', 'api', 'token')),
      web({ env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } }, { name: 'B', valueFrom: { secretKeyRef: { name: 'api', key: 'extra', optional: true } } }], envFrom: [{ secretRef: { name: 'api' } }] }, { imagePullSecrets: [{ name: 'registry' }] }, 'worker'),
      web({}, { volumes: [{ name: 's', secret: { secretName: 'made-here' } }] }, 'uses-made'),
      bsl, hr,
    );
    const ctx = createContext(objects);
    expect(secretsToProvide(ctx)).toEqual([
      { namespace: 'apps', name: 'api', keys: [{ key: 'extra', optional: true }, { key: 'token', optional: false }], whole: ['envFrom'], consumers: ['Deployment web', 'Deployment worker'] },
      { namespace: 'apps', name: 'registry', keys: [{ key: '.dockerconfigjson', optional: false }], whole: [], consumers: ['Deployment worker'] },
      { namespace: 'authentik', name: 'authentik-secret', keys: [{ key: 'values.yaml', optional: false }], whole: [], consumers: ['HelmRelease authentik'] },
      { namespace: 'velero', name: 'b2-credentials', keys: [{ key: 'cloud', optional: false }], whole: [], consumers: ['BackupStorageLocation b2-offsite'] },
    ]);
    const [section] = reportSections(objects, [{ name: 'x', rules: [objectReferencesRule] }], undefined, ctx);
    expect(section.title).toBe('Secrets to provide');
    expect(section.lines.slice(2)).toEqual([
      '| namespace | Secret | keys | consumers |',
      '|---|---|---|---|',
      '| apps | api | `extra` (optional), `token`, all keys (envFrom) | Deployment web, Deployment worker |',
      '| apps | registry | `.dockerconfigjson` | Deployment worker |',
      '| authentik | authentik-secret | `values.yaml` | HelmRelease authentik |',
      '| velero | b2-credentials | `cloud` | BackupStorageLocation b2-offsite |',
    ]);
    expect(reportSections(records(secret('x', {})), [{ name: 'x', rules: [objectReferencesRule] }])).toEqual([]);
  });

  test('"Secrets to provide" adds Secrets constructs declare (requireSecret, e.g. named in chart values): listed with the construct path unless a manifest already shows them', () => {
    const objects = records(secret('made-here', { token: 'dG9r' }), web(envFromKey('secretKeyRef', 'api', 'token')));
    const ctx = createContext(objects, undefined, [
      { namespace: 'monitoring', name: 'grafana-admin-credentials', keys: ['admin-user', 'admin-password'], consumer: 'lab/monitoring/kube-prometheus-stack' },
      { namespace: 'apps', name: 'api', keys: ['client-secret'], consumer: 'lab/apps/front' },
      { namespace: 'apps', name: 'made-here', keys: ['token'], consumer: 'lab/apps/other' },
    ]);
    expect(secretsToProvide(ctx)).toEqual([
      { namespace: 'apps', name: 'api', keys: [{ key: 'client-secret', optional: false }, { key: 'token', optional: false }], whole: [], consumers: ['Deployment web'] },
      { namespace: 'monitoring', name: 'grafana-admin-credentials', keys: [{ key: 'admin-password', optional: false }, { key: 'admin-user', optional: false }], whole: [], consumers: ['lab/monitoring/kube-prometheus-stack'] },
    ]);
  });

  test('a HelmRelease valuesFrom ConfigMap must exist unless optional', () => {
    const hr = (optional?: boolean): Manifest => ({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'app', namespace: 'apps' }, spec: { valuesFrom: [{ kind: 'ConfigMap', name: 'app-values', optional }] } });
    expect(found(objectReferencesRule, hr())).toEqual([[E, 'spec.valuesFrom[0] names ConfigMap app-values, which is not in namespace apps (ConfigMaps there: none), so the release is never installed']]);
    expect(found(objectReferencesRule, hr(true))).toEqual([]);
    expect(found(objectReferencesRule, hr(), configMap('app-values', 'apps', { 'values.yaml': 'a: 1' }))).toEqual([]);
  });

  test('scales linearly with the number of objects', () => {
    const build = (n: number) => {
      const objects: Manifest[] = [];
      for (let i = 0; i < n; i++) {
        objects.push(configMap(`cm-${i}`, 'big', { k: 'v' }), pvc(`data-${i}`, 'big'),
          web({ envFrom: [{ configMapRef: { name: `cm-${i}` } }], env: [{ name: 'S', valueFrom: { secretKeyRef: { name: `s-${i}`, key: 'k' } } }] }, { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: `data-${i}` } }] }, `app-${i}`, 'big'));
      }
      return records(...objects);
    };
    const time = (n: number) => {
      const objects = build(n);
      const start = process.hrtime.bigint();
      expect(evaluatePolicies(objects, [{ name: 'x', rules: [objectReferencesRule] }])).toEqual([]);
      secretsToProvide(createContext(objects));
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    time(300);
    const small = time(1000);
    const large = time(4000);
    expect(large / Math.max(small, 1)).toBeLessThan(9);
  });
});
