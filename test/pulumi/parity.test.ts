import * as path from 'path';
import { App } from 'cdk8s';
import * as YAML from 'yaml';
import { SecretKeySpec } from '../../lib';
import { planResources } from '../../lib/pulumi/plan';
import { TARGETS, synthesizeTargets } from '../../stacks/synth';
import { PULUMI_CLUSTERS } from '../../stacks/pulumi-program';
import { installMocks, keyOf, registered, setConfig, settle } from './mocks';

jest.setTimeout(120_000);

/** A value that passes the consumer's check (cookie secrets, DSNs, …). */
function validValue(spec: SecretKeySpec, where: string): string {
  const candidates = ['0123456789abcdef0123456789abcdef', 'c2VjcmV0LXZhbHVlLWZvci10ZXN0cw', '[default]\naws_access_key_id=AKIA\naws_secret_access_key=x\n', 'postgres://vault@db:5432/vault?sslmode=require', 'hh-parity-secret-7f3a'];
  const ok = candidates.find((c) => spec.validate?.(c) === undefined);
  if (!ok) throw new Error(`no test value passes the check of ${where}`);
  return ok;
}

/** JSON with object keys sorted. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));
}

/** The GitOps-controller objects of upstream charts (what Helm releases replace). */
function isUpstreamChartObject(m: any): boolean {
  return m.apiVersion.startsWith('source.toolkit.fluxcd.io/') || m.apiVersion.startsWith('helm.toolkit.fluxcd.io/') || (m.apiVersion.startsWith('argoproj.io/') && m.kind === 'Application');
}

/** What the chart engine objects say about each release: name, namespace, chart, version, values. */
function releaseOf(m: any) {
  if (m.kind === 'HelmRelease') return { name: m.spec.releaseName, namespace: m.metadata.namespace, chart: m.spec.chart.spec.chart, version: m.spec.chart.spec.version, values: m.spec.values ?? {} };
  return { name: m.spec.source.helm.releaseName, namespace: m.spec.destination.namespace, chart: m.spec.source.chart, version: m.spec.source.targetRevision, values: m.spec.source.helm.valuesObject ?? {} };
}

describe.each(['homelab', 'cortex'] as const)('Pulumi program parity: %s', (name) => {
  const written = new Map<string, any>();
  const upstream: any[] = [];
  let pulumiObjects: Map<string, any>;
  let releases: any[];
  let secrets: any[];
  let plannedSecrets: number;
  let allFiles: Map<string, string>;
  const configured: string[] = [];

  beforeAll(async () => {
    await installMocks();
    registered.length = 0;
    // what `npm run synth` writes for this cluster
    const result = synthesizeTargets(TARGETS.filter((t) => t.folder === name));
    expect(result.errors).toEqual([]);
    allFiles = result.files;
    for (const [rel, content] of result.files) {
      if (!rel.endsWith('.yaml') || path.posix.basename(rel) === 'kustomization.yaml' || rel.startsWith(`${name}/gitops/`)) continue;
      const m = YAML.parse(content);
      if (isUpstreamChartObject(m)) upstream.push(m);
      else written.set(keyOf(m), m);
    }
    // secret values for every Secret the program needs
    const plan = planResources([PULUMI_CLUSTERS[name](new App({ outdir: '/nonexistent' }))]);
    plannedSecrets = plan.secrets.length;
    const values: Record<string, Record<string, Record<string, string>>> = {};
    for (const s of plan.secrets) {
      const keys = Object.keys(s.keys).length ? Object.entries(s.keys) : [['value', {}] as const];
      for (const [k, spec] of keys) configured.push(((values[s.namespace] ??= {})[s.name] ??= {})[k] = validValue(spec, `${s.namespace}/${s.name}.${k}`));
    }
    setConfig({ cluster: name, secrets: values });
    const { program } = await import('../../stacks/pulumi-program');
    const out = program();
    await settle();
    expect(out.objectCount).toBe(written.size);

    const mine = registered.filter((r) => r.name === name || r.name.startsWith(`${name}-`));
    pulumiObjects = new Map();
    for (const g of mine.filter((r) => r.type === 'kubernetes:yaml/v2:ConfigGroup')) {
      for (const o of g.inputs.objs) {
        expect(pulumiObjects.has(keyOf(o))).toBe(false);
        pulumiObjects.set(keyOf(o), o);
      }
    }
    releases = mine.filter((r) => r.type === 'kubernetes:helm.sh/v3:Release').map((r) => r.inputs);
    secrets = mine.filter((r) => r.type === 'kubernetes:core/v1:Secret').map((r) => r.inputs);
  });

  test('the program registers exactly the objects npm run synth writes, minus GitOps-controller objects', () => {
    expect(written.size).toBeGreaterThan(40);
    expect([...pulumiObjects.keys()].sort()).toEqual([...written.keys()].sort());
  });

  test('field for field equal (key order aside: the Pulumi RPC layer sorts object keys)', () => {
    const different = [...written.entries()].filter(([k, m]) => canonical(pulumiObjects.get(k)) !== canonical(m)).map(([k]) => k);
    expect(different).toEqual([]);
  });

  test('plus one Helm release per upstream chart, with the same chart, version and values', () => {
    const fromGitOps = upstream.filter((m) => m.kind === 'HelmRelease' || m.kind === 'Application').map(releaseOf);
    const fromPulumi = releases.map((r) => ({ name: r.name, namespace: r.namespace, chart: String(r.chart).replace(/^oci:\/\/.*\//, ''), version: r.version, values: r.values ?? {} }));
    expect(fromPulumi.length).toBeGreaterThan(name === 'homelab' ? 8 : 1);
    const sort = (l: any[]) => [...l].sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
    expect(sort(fromPulumi)).toEqual(sort(fromGitOps));
  });

  test('plus the referenced Secrets, created from config only by Pulumi (GitOps output stays value-free)', () => {
    expect(plannedSecrets).toBeGreaterThan(0);
    expect(secrets).toHaveLength(plannedSecrets);
    // none of the values Pulumi was given appears anywhere in the GitOps tree
    expect(configured.length).toBeGreaterThan(0);
    const leaks = [...allFiles.entries()].filter(([, content]) => configured.some((v) => v.split('\n').filter((l) => l.length >= 12).some((l) => content.includes(l)))).map(([rel]) => rel);
    expect(leaks).toEqual([]);
  });
});
