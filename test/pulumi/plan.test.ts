import { planSecrets, secretConfigPath } from '../../lib/pulumi/plan';

const pod = (spec: any) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'apps' }, spec: { template: { spec } } });

describe('planSecrets', () => {
  test('finds env, envFrom, secret and projected volumes and image pull secrets, merged per Secret', () => {
    const planned = planSecrets([
      pod({
        initContainers: [{ name: 'i', env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 's1', key: 'a' } } }] }],
        containers: [{ name: 'c', env: [{ name: 'B', valueFrom: { secretKeyRef: { name: 's1', key: 'b', optional: true } } }], envFrom: [{ secretRef: { name: 'whole' } }] }],
        volumes: [{ name: 'v', secret: { secretName: 'tls', items: [{ key: 'tls.crt', path: 'c' }] } }, { name: 'p', projected: { sources: [{ secret: { name: 'proj' } }] } }],
        imagePullSecrets: [{ name: 'regcred' }],
      }),
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'job', namespace: 'apps' }, spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 's1', key: 'a' } } }] }] } } } } } },
    ]);
    expect(planned).toEqual([
      { namespace: 'apps', name: 'proj', keys: {}, consumers: ['Deployment apps/web'] },
      { namespace: 'apps', name: 'regcred', keys: { '.dockerconfigjson': { configPath: 'secrets.apps.regcred[".dockerconfigjson"]', required: true } }, consumers: ['Deployment apps/web'] },
      { namespace: 'apps', name: 's1', keys: { a: { configPath: 'secrets.apps.s1.a', required: true }, b: { configPath: 'secrets.apps.s1.b', required: false } }, consumers: ['CronJob apps/job', 'Deployment apps/web'] },
      { namespace: 'apps', name: 'tls', keys: { 'tls.crt': { configPath: 'secrets.apps.tls["tls.crt"]', required: true } }, consumers: ['Deployment apps/web'] },
      { namespace: 'apps', name: 'whole', keys: {}, consumers: ['Deployment apps/web'] },
    ]);
  });

  test('leaves out Secrets the cluster creates: Secret objects, Certificate secrets, External Secrets targets', () => {
    const refs = pod({ containers: [{ name: 'c', envFrom: [{ secretRef: { name: 'made' } }, { secretRef: { name: 'cert' } }, { secretRef: { name: 'es-target' } }, { secretRef: { name: 'es' } }] }] });
    expect(planSecrets([
      refs,
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'made', namespace: 'apps' } },
      { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'c', namespace: 'apps' }, spec: { secretName: 'cert' } },
      { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'x', namespace: 'apps' }, spec: { target: { name: 'es-target' } } },
      { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'es', namespace: 'apps' }, spec: {} },
    ])).toEqual([]);
  });

  test('a Secret referenced in another namespace is a different Secret', () => {
    const other = { ...pod({ containers: [{ name: 'c', envFrom: [{ secretRef: { name: 'made' } }] }] }), metadata: { name: 'w', namespace: 'other' } };
    expect(planSecrets([other, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'made', namespace: 'apps' } }]).map((s) => `${s.namespace}/${s.name}`)).toEqual(['other/made']);
  });
});

describe('secretConfigPath', () => {
  test('dotted segments are quoted', () => {
    expect(secretConfigPath('velero', 'cloud-credentials', 'cloud')).toBe('secrets.velero.cloud-credentials.cloud');
    expect(secretConfigPath('a', 'b.c', 'tls.key')).toBe('secrets.a["b.c"]["tls.key"]');
  });
});
