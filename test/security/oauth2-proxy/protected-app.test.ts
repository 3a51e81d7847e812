import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { renderClusterTree } from '../../../lib';
import { EXAMPLES } from '../../../examples';
import { buildProtectedApp } from '../../../examples/protected-app/main';
import { createValidator } from '../../schema/validator';

describe('examples/protected-app', () => {
  const cluster = buildProtectedApp(new App({ outdir: '/nonexistent' }));
  const s = cluster.synthesize();

  test('is registered for `npm run synth`', () => {
    expect(EXAMPLES.find((e) => e.name === 'protected-app')?.build).toBe(buildProtectedApp);
  });

  test('passes every policy with no findings', () => {
    expect(s.errors).toEqual([]);
    expect(s.findings).toEqual([]);
  });

  test('writes Prometheus, its front and coredns-custom as app folders', () => {
    const files = [...renderClusterTree(cluster, s).keys()].filter((f) => /^(metrics|kube-system)\//.test(f) && !f.endsWith('kustomization.yaml')).sort();
    expect(files).toEqual([
      'kube-system/coredns-custom/configmap-coredns-custom.yaml',
      'metrics/namespace/limitrange-container-defaults.yaml',
      'metrics/namespace/namespace-metrics.yaml',
      'metrics/namespace/networkpolicy-allow-dns.yaml',
      'metrics/namespace/networkpolicy-default-deny.yaml',
      'metrics/namespace/resourcequota-compute.yaml',
      'metrics/oauth2-proxy-prometheus/deployment-oauth2-proxy-prometheus.yaml',
      'metrics/oauth2-proxy-prometheus/httproute-oauth2-proxy-prometheus.yaml',
      'metrics/oauth2-proxy-prometheus/networkpolicy-oauth2-proxy-prometheus-gateway.yaml',
      'metrics/oauth2-proxy-prometheus/networkpolicy-oauth2-proxy-prometheus-identity-provider.yaml',
      'metrics/oauth2-proxy-prometheus/networkpolicy-oauth2-proxy-prometheus.yaml',
      'metrics/oauth2-proxy-prometheus/poddisruptionbudget-oauth2-proxy-prometheus.yaml',
      'metrics/oauth2-proxy-prometheus/service-oauth2-proxy-prometheus.yaml',
      'metrics/oauth2-proxy-prometheus/serviceaccount-oauth2-proxy-prometheus.yaml',
      'metrics/prometheus/deployment-prometheus.yaml',
      'metrics/prometheus/networkpolicy-prometheus.yaml',
      'metrics/prometheus/service-prometheus.yaml',
      'metrics/prometheus/serviceaccount-prometheus.yaml',
    ]);
  });

  test('the README shows the same code as main.ts and the YAML it produces', () => {
    const readme = fs.readFileSync(path.join(__dirname, '../../../examples/protected-app/README.md'), 'utf8');
    const main = fs.readFileSync(path.join(__dirname, '../../../examples/protected-app/main.ts'), 'utf8');
    const code = /```ts\n([\s\S]*?)```/.exec(readme)![1];
    for (const line of code.split('\n').filter((l) => l.trim() !== '')) expect(main).toContain(line.trim());
    const args: string[] = s.objects.find((o) => o.manifest.kind === 'Deployment' && o.manifest.metadata.name === 'oauth2-proxy-prometheus')!.manifest.spec.template.spec.containers[0].args;
    for (const a of args) expect(readme).toContain(a);
  });

  test('every object validates against its schema', () => {
    const validator = createValidator();
    expect(s.objects.flatMap((o) => validator.validate(o.manifest))).toEqual([]);
  });
});
