import * as path from 'path';
import * as YAML from 'yaml';
import { synthesizeTargets } from '../../stacks/synth';
import { createValidator, Validator } from './validator';

// Synthesis, YAML parsing of the vendored CRDs and the first compilation of big schemas take a few seconds.
jest.setTimeout(120_000);

let validator: Validator;

beforeAll(() => {
  validator = createValidator();
});

describe('everything `npm run synth` writes', () => {
  let files: Map<string, string>;
  /** [dist-relative path, parsed object] for every manifest (not kustomization.yaml). */
  const objects: [string, any][] = [];
  const parseErrors: string[] = [];

  beforeAll(() => {
    const result = synthesizeTargets();
    expect(result.errors).toEqual([]);
    files = result.files;
    for (const [rel, content] of files) {
      if (!rel.endsWith('.yaml') || path.posix.basename(rel) === 'kustomization.yaml') continue;
      const docs = YAML.parseAllDocuments(content);
      if (docs.length !== 1) parseErrors.push(`${rel}: expected exactly one YAML document, found ${docs.length}`);
      for (const doc of docs) {
        if (doc.errors.length) parseErrors.push(`${rel}: ${doc.errors.map((e) => e.message).join('; ')}`);
        else objects.push([rel, doc.toJS()]);
      }
    }
  });

  test('synthesis succeeds and every manifest parses as one YAML document', () => {
    expect(files.size).toBeGreaterThan(0);
    expect(parseErrors).toEqual([]);
  });

  test('every synthesized object validates strictly against its Kubernetes / CRD schema', () => {
    const errors = objects.flatMap(([rel, obj]) => validator.validate(obj).map((e) => `${rel}: ${e}`));
    expect(errors).toEqual([]);
    expect(objects.length).toBeGreaterThan(100);
  });

  test('every kustomization.yaml is a kustomize Kustomization whose resources all exist', () => {
    const kustomizations = [...files.keys()].filter((rel) => path.posix.basename(rel) === 'kustomization.yaml');
    expect(kustomizations.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const rel of kustomizations) {
      const k = YAML.parse(files.get(rel)!);
      if (k?.apiVersion !== 'kustomize.config.k8s.io/v1beta1') problems.push(`${rel}: apiVersion is ${k?.apiVersion}`);
      if (k?.kind !== 'Kustomization') problems.push(`${rel}: kind is ${k?.kind}`);
      if (!Array.isArray(k?.resources) || k.resources.length === 0) {
        problems.push(`${rel}: resources is not a non-empty list`);
        continue;
      }
      const dir = path.posix.dirname(rel);
      for (const entry of k.resources) {
        const target = path.posix.normalize(path.posix.join(dir, String(entry)));
        if (!files.has(target) && !files.has(`${target}/kustomization.yaml`)) {
          problems.push(`${rel}: resource ${entry} is neither a file nor a folder with a kustomization.yaml`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test('each tree builds as `kubectl kustomize <root>` would: every manifest is reached from its root once, and no object id (group, kind, namespace, name) repeats', () => {
    const parsed = new Map(objects);
    const referenced = new Set<string>();
    const resourcesOf = (dir: string): string[] => {
      const k = YAML.parse(files.get(dir ? `${dir}/kustomization.yaml` : 'kustomization.yaml')!);
      return (k.resources as string[]).map((e) => path.posix.normalize(path.posix.join(dir, e)));
    };
    for (const rel of files.keys()) {
      if (path.posix.basename(rel) !== 'kustomization.yaml') continue;
      for (const r of resourcesOf(path.posix.dirname(rel))) referenced.add(r);
    }
    const roots = [...files.keys()].filter((rel) => path.posix.basename(rel) === 'kustomization.yaml' && !referenced.has(path.posix.dirname(rel)))
      .map((rel) => path.posix.dirname(rel)).sort();
    expect(roots).toEqual(expect.arrayContaining(['homelab', 'cortex', 'examples/right-sized-app']));
    const problems: string[] = [];
    const reached = new Set<string>();
    for (const root of roots) {
      const ids = new Map<string, string>();
      const visit = (dir: string) => {
        for (const r of resourcesOf(dir)) {
          if (files.has(`${r}/kustomization.yaml`)) { visit(r); continue; }
          reached.add(r);
          const o = parsed.get(r);
          if (!o) continue;
          const id = `${String(o.apiVersion).split('/').slice(0, -1).join('/')}/${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
          if (ids.has(id)) problems.push(`${root}: ${id} in both ${ids.get(id)} and ${r}`);
          else ids.set(id, r);
        }
      };
      visit(root);
    }
    expect(problems).toEqual([]);
    expect([...parsed.keys()].filter((rel) => !reached.has(rel))).toEqual([]);
  });

  test('validation is fast once schemas are compiled (thousands of objects well under a second)', () => {
    for (const [, obj] of objects) validator.validate(obj); // compile every kind used
    const rounds = Math.ceil(3000 / objects.length);
    const start = process.hrtime.bigint();
    for (let i = 0; i < rounds; i++) for (const [, obj] of objects) validator.validate(obj);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    expect(rounds * objects.length).toBeGreaterThanOrEqual(3000);
    expect(ms).toBeLessThan(1000);
  });
});

describe('the validator is strict and can fail', () => {
  const deployment = () => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'apps', labels: { app: 'web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx:1.27',
              ports: [{ containerPort: 8080, name: 'http' }],
              readinessProbe: { httpGet: { path: '/', port: 'http' } },
              resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: 1, memory: '128Mi' } },
            },
          ],
        },
      },
    },
  });
  const service = () => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'apps' },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  });
  const fluxKustomization = () => ({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: 'apps', namespace: 'flux-system' },
    spec: {
      interval: '10m',
      path: './dist/apps',
      prune: true,
      sourceRef: { kind: 'GitRepository', name: 'flux-system' },
    },
  });
  const argoApplication = () => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'apps', namespace: 'argocd' },
    spec: {
      project: 'default',
      destination: { server: 'https://kubernetes.default.svc' },
      source: { repoURL: 'https://github.com/example/gitops', path: 'dist/apps', targetRevision: 'main' },
    },
  });

  test('the valid fixtures have no errors', () => {
    expect(validator.validate(deployment())).toEqual([]);
    expect(validator.validate(service())).toEqual([]);
    expect(validator.validate(fluxKustomization())).toEqual([]);
    expect(validator.validate(argoApplication())).toEqual([]);
  });

  test('a valid minimal ConfigMap has no errors', () => {
    expect(
      validator.validate({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'apps' }, data: { a: 'b' } }),
    ).toEqual([]);
  });

  test('Deployment with an unknown field spec.replicaz', () => {
    const d: any = deployment();
    d.spec.replicaz = 3;
    const errors = validator.validate(d);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.some((e) => e.includes('replicaz'))).toBe(true);
    expect(errors[0]).toMatch(/^Deployment apps\/web: \/spec /);
  });

  test('unknown fields are caught deep inside the pod template and in metadata', () => {
    const d: any = deployment();
    d.spec.template.spec.containers[0].securityContext = { runAsNonRot: true };
    d.metadata.lables = { a: 'b' };
    const errors = validator.validate(d);
    expect(errors.some((e) => e.includes('/spec/template/spec/containers/0/securityContext') && e.includes('runAsNonRot'))).toBe(true);
    expect(errors.some((e) => e.includes('/metadata') && e.includes('lables'))).toBe(true);
  });

  test('Deployment with spec.replicas: "two" is a type error', () => {
    const d: any = deployment();
    d.spec.replicas = 'two';
    expect(validator.validate(d)).toEqual(['Deployment apps/web: /spec/replicas must be integer']);
  });

  test('Service port without spec.ports[0].port is a required error', () => {
    const s: any = service();
    delete s.spec.ports[0].port;
    expect(validator.validate(s)).toEqual(["Service apps/web: /spec/ports/0 must have required property 'port'"]);
  });

  test('Flux Kustomization with spec.prun: true', () => {
    const k: any = fluxKustomization();
    k.spec.prun = true;
    const errors = validator.validate(k);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.some((e) => e.includes('prun'))).toBe(true);
  });

  test('Argo CD Application without spec.destination', () => {
    const a: any = argoApplication();
    delete a.spec.destination;
    const errors = validator.validate(a);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.some((e) => e.includes('destination'))).toBe(true);
  });

  test('an unknown kind has no schema', () => {
    expect(validator.validate({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'x' } })).toEqual([
      'Widget x/w: no schema for example.com/v1 Widget',
    ]);
    // a built-in kind under a version the vendored schema does not have
    expect(validator.validate({ apiVersion: 'apps/v1beta1', kind: 'Deployment', metadata: { name: 'w' } })).toEqual([
      'Deployment /w: no schema for apps/v1beta1 Deployment',
    ]);
    // a CRD version that is not served
    expect(validator.validate({ apiVersion: 'longhorn.io/v1beta1', kind: 'Setting', metadata: { name: 's' }, value: 'x' })).toEqual([
      'Setting /s: no schema for longhorn.io/v1beta1 Setting',
    ]);
  });

  test('IntOrString and Quantity accept both spellings but nothing else', () => {
    const ok: any = deployment();
    ok.spec.strategy.rollingUpdate = { maxSurge: 1, maxUnavailable: '10%' };
    ok.spec.template.spec.containers[0].resources = { requests: { cpu: 0.5, memory: '1Gi' } };
    expect(validator.validate(ok)).toEqual([]);
    const bad: any = deployment();
    bad.spec.strategy.rollingUpdate.maxSurge = true;
    bad.spec.template.spec.containers[0].resources.limits.memory = { gi: 1 };
    const errors = validator.validate(bad);
    expect(errors.some((e) => e.includes('/spec/strategy/rollingUpdate/maxSurge'))).toBe(true);
    expect(errors.some((e) => e.includes('/spec/template/spec/containers/0/resources/limits/memory'))).toBe(true);
  });

  test('CRD schemas are strict too, except where they preserve unknown fields', () => {
    const hr = {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'app', namespace: 'apps' },
      spec: {
        interval: '1h',
        chart: { spec: { chart: 'app', sourceRef: { kind: 'HelmRepository', name: 'charts' } } },
        values: { anything: { goes: ['here'] } },
      },
    };
    expect(validator.validate(hr)).toEqual([]);
    const bad: any = structuredClone(hr);
    bad.spec.chart.spec.sourceRef.namespase = 'x';
    expect(validator.validate(bad).some((e) => e.includes('/spec/chart/spec/sourceRef') && e.includes('namespase'))).toBe(true);
  });
});
