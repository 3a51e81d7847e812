import { App } from 'cdk8s';
import { AnnotationKeys, Charts, helmReleaseOf, secretRequirementsOf, stringLeaves } from '../../lib';
import { buildHomelab } from '../../stacks/homelab';
import { createValidator } from '../schema/validator';

describe('homelab: Authentik, monitoring and how every UI is reached (seed 003)', () => {
  const cluster = buildHomelab(new App({ outdir: '/nonexistent' }));
  const s = cluster.synthesize();
  const objs = s.objects.map((o) => o.manifest);
  const mine = s.objects.filter((o) => ['authentik', 'monitoring', 'kube-system'].includes(o.folder));
  const get = (kind: string, name: string, ns?: string) => {
    const found = objs.filter((m) => m.kind === kind && m.metadata.name === name && (ns === undefined || m.metadata.namespace === ns));
    if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
    return found[0] as any;
  };

  test('the exposure and DNS policies find nothing, and no finding concerns the auth and monitoring namespaces', () => {
    expect(s.findings.filter((f) => f.ruleId.startsWith('HK-EXP-'))).toEqual([]);
    // the one finding there: the allow-all policy UpstreamChart gives Cilium's pods (HK-NET-12), exempted with its reason
    expect(s.findings.filter((f) => ['authentik', 'monitoring', 'kube-system'].includes(f.namespace ?? '')).map((f) => [f.ruleId, f.name, f.exemption !== undefined]))
      .toEqual([['HK-NET-12', 'cilium-upstream', true]]);
  });

  test('every route: Authentik and Grafana with their own login declared, Prometheus and Alertmanager only through OAuth2-proxy fronts', () => {
    const routes = objs.filter((m) => m.kind === 'HTTPRoute').map((m: any) => [m.metadata.namespace, m.spec.hostnames[0], m.spec.rules[0].backendRefs[0].name, m.metadata.annotations?.[AnnotationKeys.AUTH] ?? '(auth proxy)']);
    expect(routes.filter((r) => r[0] === 'authentik' || r[0] === 'monitoring').sort()).toEqual([
      ['authentik', 'authentik.fletcherlabs.net', 'authentik-server', 'app-native: Authentik is the identity provider: its own login, flows and MFA'],
      ['monitoring', 'alertmanager.fletcherlabs.net', 'oauth2-proxy-alertmanager', '(auth proxy)'],
      ['monitoring', 'grafana.fletcherlabs.net', 'kube-prometheus-stack-grafana', 'app-native: Grafana login: admin from Secret grafana-admin-credentials, anonymous access and sign-up off'],
      ['monitoring', 'prometheus.fletcherlabs.net', 'oauth2-proxy-prometheus', '(auth proxy)'],
    ]);
    // seed 003: nothing routes to Prometheus itself
    expect(objs.filter((m: any) => m.kind === 'HTTPRoute' && m.spec.rules.some((r: any) => r.backendRefs.some((b: any) => b.name === 'kube-prometheus-stack-prometheus')))).toEqual([]);
  });

  test('the Prometheus front: Authentik issuer with the trailing slash, upstream the chart\'s Service, upstream pods admit only the proxy', () => {
    const args: string[] = get('Deployment', 'oauth2-proxy-prometheus').spec.template.spec.containers[0].args;
    expect(args).toContain('--oidc-issuer-url=https://authentik.fletcherlabs.net/application/o/prometheus/');
    expect(args).toContain('--upstream=http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090/');
    expect(args).toContain('--redirect-url=https://prometheus.fletcherlabs.net/oauth2/callback');
    expect(args).toContain('--trusted-proxy-ip=192.168.10.224/28');
    expect(get('NetworkPolicy', 'oauth2-proxy-prometheus-upstream').spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': 'kube-prometheus-stack-prometheus' } });
    expect(get('Deployment', 'oauth2-proxy-prometheus').spec.template.spec.hostAliases).toBeUndefined();
  });

  test('chart pods are not opened wholesale: Authentik\'s release talks only to itself, the monitoring charts only within the namespace', () => {
    const release = { 'app.kubernetes.io/instance': 'authentik' };
    expect(get('NetworkPolicy', 'authentik-upstream', 'authentik').spec).toEqual({
      podSelector: { matchLabels: release }, policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: { matchLabels: release } }] }], egress: [{ to: [{ podSelector: { matchLabels: release } }] }],
    });
    expect(objs.filter((m) => m.kind === 'NetworkPolicy' && /^(kube-prometheus-stack|loki)-upstream$/.test(m.metadata.name ?? ''))).toEqual([]);
    const charts = { matchExpressions: [{ key: 'app.kubernetes.io/managed-by', operator: 'NotIn', values: ['hardened-homelab'] }] };
    expect(get('NetworkPolicy', 'monitoring-charts', 'monitoring').spec).toEqual({ podSelector: charts, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: charts }] }], egress: [{}] });
  });

  test('the DNS hairpin is solved once for the cluster: coredns-custom answers fletcherlabs.net with the gateway IP', () => {
    const cm = get('ConfigMap', 'coredns-custom', 'kube-system');
    expect(cm.data['split-horizon.server']).toContain('template IN A fletcherlabs.net {\n        answer "{{ .Name }} 60 IN A 192.168.10.224"');
  });

  test('Authentik from its pinned chart, secrets only by reference to authentik-secret', () => {
    const hr = get('HelmRelease', 'authentik', 'authentik');
    const release = helmReleaseOf(hr)!;
    expect([release.chart, release.version]).toEqual([Charts.authentik.chart, Charts.authentik.version]);
    expect((release.values as any).global.env).toEqual([
      { name: 'AUTHENTIK_SECRET_KEY', valueFrom: { secretKeyRef: { name: 'authentik-secret', key: 'secret-key' } } },
      { name: 'AUTHENTIK_POSTGRESQL__PASSWORD', valueFrom: { secretKeyRef: { name: 'authentik-secret', key: 'postgres-password' } } },
    ]);
    expect((release.values as any).postgresql.auth.existingSecret).toBe('authentik-secret');
    expect(stringLeaves(release.values).filter(([path]) => /password|secret_key/i.test(path) && !/existingSecret|secretKeys|Key$/.test(path))).toEqual([]);
    const reqs = secretRequirementsOf(cluster).filter((r) => ['authentik-secret', 'grafana-admin-credentials'].includes(r.name));
    expect(reqs.map((r) => `${r.namespace}/${r.name}: ${Object.keys(r.keys).join(', ')}`)).toEqual([
      'authentik/authentik-secret: secret-key, postgres-password, postgres-admin-password',
      'monitoring/grafana-admin-credentials: admin-user, admin-password',
    ]);
  });

  test('kube-prometheus-stack and Loki from pinned charts with sane values', () => {
    const kps = helmReleaseOf(get('HelmRelease', 'kube-prometheus-stack', 'monitoring'))!;
    expect([kps.chart, kps.version]).toEqual(['kube-prometheus-stack', Charts.kubePrometheusStack.version]);
    const v = kps.values as any;
    expect([v.prometheus.prometheusSpec.retention, v.prometheus.prometheusSpec.retentionSize, v.prometheus.prometheusSpec.resources]).toEqual(['30d', '40GB', { requests: { cpu: '500m', memory: '2048Mi' }, limits: { memory: '4096Mi' } }]);
    expect(v.grafana.admin).toEqual({ existingSecret: 'grafana-admin-credentials', userKey: 'admin-user', passwordKey: 'admin-password' });
    expect(v.grafana['grafana.ini']['auth.anonymous']).toEqual({ enabled: false });
    expect([v.kubeControllerManager.enabled, v.kubeScheduler.enabled, v.kubeProxy.enabled, v.kubeEtcd.enabled]).toEqual([false, false, false, false]);
    const loki = helmReleaseOf(get('HelmRelease', 'loki', 'monitoring'))!;
    expect([loki.chart, loki.version, (loki.values as any).deploymentMode, (loki.values as any).loki.limits_config.retention_period]).toEqual(['loki', Charts.loki.version, 'SingleBinary', '168h']);
    expect(get('HelmRelease', 'loki', 'monitoring').spec.dependsOn).toEqual([{ name: 'kube-prometheus-stack', namespace: 'monitoring' }]);
  });

  test('the namespace quotas count the charts\' pods (footprints), so the chart pods are admitted', () => {
    const hard = (ns: string) => get('ResourceQuota', 'compute', ns).spec.hard;
    // monitoring: kube-prometheus-stack 760m/2816Mi/5632Mi + node-exporter 4 nodes × 20m/32Mi/64Mi + Loki 100m/256Mi/512Mi
    // + 2 fronts × 2 replicas × 10m/32Mi/128Mi = 980m/3328Mi/6912Mi, +25 %, rounded up to 50m and 64Mi
    expect(hard('monitoring')).toEqual({ 'requests.cpu': '1250m', 'requests.memory': '4160Mi', 'limits.memory': '8640Mi' });
    expect(hard('authentik')).toEqual({ 'requests.cpu': '200m', 'requests.memory': '1152Mi', 'limits.memory': '1920Mi' });
  });

  test('folders: one per chart and front, coredns-custom in kube-system', () => {
    expect([...new Set(mine.map((o) => `${o.folder}/${o.app ?? 'namespace'}`))].sort()).toEqual([
      'authentik/authentik', 'authentik/namespace', 'kube-system/cilium', 'kube-system/coredns-custom',
      'monitoring/kube-prometheus-stack', 'monitoring/loki', 'monitoring/namespace',
      'monitoring/oauth2-proxy-alertmanager', 'monitoring/oauth2-proxy-prometheus',
    ]);
  });

  test('every object of these namespaces validates against its schema', () => {
    const validator = createValidator();
    expect(mine.flatMap((o) => validator.validate(o.manifest))).toEqual([]);
    expect(mine.length).toBeGreaterThan(30);
  });
});
