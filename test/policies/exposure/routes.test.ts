import { ADMIN_UIS, adminUiAuthRule, evaluatePolicies, proxyBypassRule, routeAuthDeclaredRule } from '../../../lib';
import { records, service } from '../fixtures';
import { GOOD_PROXY_ARGS, appWithService, httpRoute, ingress, judge, oauth2Proxy, report } from './fixtures';

const PROMETHEUS = appWithService('prometheus', 'monitoring', 'quay.io/prometheus/prometheus:v2.54.1', 9090);
const SITE = appWithService('site', 'web', 'ghcr.io/example/site:1.0.0', 8080);
const FRONT = oauth2Proxy('oauth2-proxy-prometheus', 'monitoring', GOOD_PROXY_ARGS);

describe('HK-EXP-01 every route declares its auth', () => {
  test('seed 003: the route Flux applied sent prometheus.fletcherlabs.net straight to Prometheus, with no authentication', () => {
    expect(judge(routeAuthDeclaredRule, [...PROMETHEUS, httpRoute('prometheus', 'monitoring', ['prometheus.lab.example.net'], [['prometheus', 9090]])])).toEqual([[
      'error',
      'HTTPRoute monitoring/prometheus sends prometheus.lab.example.net to Service prometheus:9090 with no auth declaration — Prometheus, a known admin/data UI, '
      + 'would be open to anyone (seed 003: Prometheus exposed without auth)',
    ]]);
  });

  test('the fix names the UI and the two ways out', () => {
    const [f] = evaluatePolicies(records(...PROMETHEUS, httpRoute('prometheus', 'monitoring', ['prometheus.lab.example.net'], [['prometheus', 9090]])), [{ name: 't', rules: [routeAuthDeclaredRule] }]);
    expect(f.fix).toBe('put Prometheus behind an OAuth2Proxy front and route to the proxy instead; if Prometheus has its own login, annotate hardened-homelab.io/auth: "app-native: <that login>"');
  });

  test('a route to any Service needs a declaration, and a malformed one is refused', () => {
    expect(judge(routeAuthDeclaredRule, [...SITE, httpRoute('site', 'web', ['www.lab.example.net'], [['site', 8080]])])).toEqual([
      ['error', 'HTTPRoute web/site sends www.lab.example.net to Service site:8080 with no auth declaration'],
    ]);
    expect(judge(routeAuthDeclaredRule, [...SITE, httpRoute('site', 'web', ['www.lab.example.net'], [['site', 8080]], 'open to all')])).toEqual([
      ['error', 'HTTPRoute web/site has hardened-homelab.io/auth = "open to all", which is neither "app-native: <reason>" nor "public: <reason>" (reason of at least 10 characters)'],
    ]);
    expect(judge(routeAuthDeclaredRule, [...SITE, httpRoute('site', 'web', ['www.lab.example.net'], [['site', 8080]], 'public: ok')])).toHaveLength(1);
  });

  test('compliant: declared app-native or public, through an auth proxy, or redirect only', () => {
    expect(judge(routeAuthDeclaredRule, [...SITE, httpRoute('site', 'web', ['www.lab.example.net'], [['site', 8080]], 'public: the public project website')])).toEqual([]);
    expect(judge(routeAuthDeclaredRule, [...SITE, httpRoute('site', 'web', ['www.lab.example.net'], [['site', 8080]], 'app-native: site login with passkeys')])).toEqual([]);
    expect(judge(routeAuthDeclaredRule, [...PROMETHEUS, ...FRONT, httpRoute('prometheus', 'monitoring', ['prometheus.lab.example.net'], [['oauth2-proxy-prometheus', 4180]])])).toEqual([]);
    const redirect = httpRoute('http-to-https', 'networking', ['*.lab.example.net'], []);
    expect(judge(routeAuthDeclaredRule, [redirect])).toEqual([]);
  });

  test('a route mixing a proxied and a direct backend needs a declaration', () => {
    const mixed = httpRoute('prometheus', 'monitoring', ['prometheus.lab.example.net'], [['oauth2-proxy-prometheus', 4180], ['prometheus', 9090]]);
    expect(judge(routeAuthDeclaredRule, [...PROMETHEUS, ...FRONT, mixed]).map(([, m]) => m)).toEqual([
      'HTTPRoute monitoring/prometheus sends prometheus.lab.example.net to Service prometheus:9090 with no auth declaration — Prometheus, a known admin/data UI, would be open to anyone (seed 003: Prometheus exposed without auth)',
    ]);
  });

  test('Ingresses and GRPCRoutes are routes too; cross-namespace backends are named with their namespace', () => {
    expect(judge(routeAuthDeclaredRule, [...SITE, ingress('site', 'web', 'www.lab.example.net', 'site', 8080)])).toEqual([
      ['error', 'Ingress web/site sends www.lab.example.net to Service site:8080 with no auth declaration'],
    ]);
    const grpc = { ...httpRoute('api', 'edge', ['api.lab.example.net'], [['site', 8080, 'web']]), kind: 'GRPCRoute' };
    expect(judge(routeAuthDeclaredRule, [...SITE, grpc])).toEqual([
      ['error', 'GRPCRoute edge/api sends api.lab.example.net to Service web/site:8080 with no auth declaration'],
    ]);
  });

  test('the Exposure section of REPORT.md lists every route, host, backend and auth', () => {
    const sections = report(routeAuthDeclaredRule, [
      ...PROMETHEUS, ...FRONT, ...SITE,
      httpRoute('oauth2-proxy-prometheus', 'monitoring', ['prometheus.lab.example.net'], [['oauth2-proxy-prometheus', 4180]]),
      httpRoute('site', 'web', ['www.lab.example.net'], [['site', 8080]], 'public: the public project website'),
      httpRoute('grafana', 'monitoring', ['grafana.lab.example.net'], [['kube-prometheus-stack-grafana', 80]]),
      httpRoute('http-to-https', 'networking', ['*.lab.example.net'], []),
      service('plex', 'media', 32400, { spec: { type: 'LoadBalancer' } }),
    ]);
    expect(sections).toEqual([{
      title: 'Exposure',
      lines: [
        'Every way in from outside the cluster, and how its users are authenticated (policy HK-EXP-01/02: routes to admin UIs go through an auth proxy).',
        '',
        '| exposure | hosts | backend | auth |',
        '|---|---|---|---|',
        '| LoadBalancer Service media/plex | - | Service plex | **none declared** |',
        '| HTTPRoute monitoring/grafana | grafana.lab.example.net | Service kube-prometheus-stack-grafana:80 (Grafana) | **none declared** |',
        '| HTTPRoute monitoring/oauth2-proxy-prometheus | prometheus.lab.example.net | Service oauth2-proxy-prometheus:4180 | auth proxy → http://prometheus.monitoring.svc.cluster.local:9090/ |',
        '| HTTPRoute networking/http-to-https | *.lab.example.net | (redirect only) | - |',
        '| HTTPRoute web/site | www.lab.example.net | Service site:8080 | public: the public project website |',
      ],
    }]);
    expect(report(routeAuthDeclaredRule, [...SITE])).toEqual([]);
  });
});

describe('HK-EXP-02 admin and data UIs only behind an auth proxy or their own declared login', () => {
  test('"public" is refused for an admin UI', () => {
    expect(judge(adminUiAuthRule, [...PROMETHEUS, httpRoute('prometheus', 'monitoring', ['prometheus.lab.example.net'], [['prometheus', 9090]], 'public: metrics for everyone')])).toEqual([[
      'error', 'HTTPRoute monitoring/prometheus declares "public: metrics for everyone" but its backend Service prometheus:9090 is Prometheus, an admin/data UI',
    ]]);
    expect(judge(adminUiAuthRule, [...PROMETHEUS, httpRoute('prometheus', 'monitoring', ['prometheus.lab.example.net'], [['prometheus', 9090]], 'app-native: Prometheus web config basic auth')])).toEqual([]);
  });

  test('a LoadBalancer or NodePort Service in front of an admin UI needs an app-native declaration', () => {
    const lb = service('prometheus', 'monitoring', 9090, { spec: { type: 'LoadBalancer' } });
    const pods = PROMETHEUS[0];
    expect(judge(adminUiAuthRule, [pods, lb])).toEqual([[
      'error', 'LoadBalancer Service monitoring/prometheus publishes Prometheus on every node and on a load-balancer address without an auth proxy and without an auth declaration',
    ]]);
    const np = service('prometheus', 'monitoring', 9090, { spec: { type: 'NodePort' }, metadata: { annotations: { 'hardened-homelab.io/auth': 'public: everyone may look' } } });
    expect(judge(adminUiAuthRule, [pods, np])).toEqual([
      ['error', 'NodePort Service monitoring/prometheus declares "public: everyone may look" but its backend Service prometheus is Prometheus, an admin/data UI'],
    ]);
    const declared = service('prometheus', 'monitoring', 9090, { spec: { type: 'NodePort' }, metadata: { annotations: { 'hardened-homelab.io/auth': 'app-native: Prometheus basic auth (web.yml)' } } });
    expect(judge(adminUiAuthRule, [pods, declared])).toEqual([]);
    expect(judge(adminUiAuthRule, [SITE[0], service('site', 'web', 8080, { spec: { type: 'LoadBalancer' } })])).toEqual([]);
  });

  test('admin UIs are recognised by image, app.kubernetes.io/name or Service name', () => {
    const byImage = appWithService('tsdb', 'data', 'docker.io/qdrant/qdrant:v1.7.4', 6333);
    expect(judge(adminUiAuthRule, [...byImage, httpRoute('tsdb', 'data', ['v.lab.example.net'], [['tsdb', 6333]], 'public: vectors for all')])[0][1]).toBe(
      'HTTPRoute data/tsdb declares "public: vectors for all" but its backend Service tsdb:6333 is Qdrant, an admin/data UI');
    // the Service's own app.kubernetes.io/name label
    const svcLabelled = service('llm', 'ai', 11434, { metadata: { labels: { 'app.kubernetes.io/name': 'ollama' } } });
    expect(judge(adminUiAuthRule, [svcLabelled, httpRoute('llm', 'ai', ['llm.lab.example.net'], [['llm', 11434]], 'public: models for all')])[0][1]).toBe(
      'HTTPRoute ai/llm declares "public: models for all" but its backend Service llm:11434 is Ollama API, an admin/data UI');
    // a chart's Service is not in the object set: its name is enough
    expect(judge(adminUiAuthRule, [httpRoute('lh', 'longhorn-system', ['longhorn.lab.example.net'], [['longhorn-frontend', 80]], 'public: storage for all')])[0][1]).toBe(
      'HTTPRoute longhorn-system/lh declares "public: storage for all" but its backend Service longhorn-frontend:80 is Longhorn UI, an admin/data UI');
  });

  test('the catalogue', () => {
    expect(ADMIN_UIS.map((u) => u.name)).toEqual([
      'Prometheus', 'Alertmanager', 'Pushgateway', 'Longhorn UI', 'Hubble UI', 'Grafana', 'Loki', 'Kubernetes Dashboard', 'Ollama API', 'Qdrant',
      'Automatic1111 (Stable Diffusion web UI)', 'vLLM API', 'MinIO console', 'DCGM exporter metrics', 'Jupyter', 'Ray dashboard', 'MLflow',
    ]);
    const ui = (svc: string) => ADMIN_UIS.find((u) => u.service.test(svc))?.name;
    expect(['kube-prometheus-stack-prometheus', 'prometheus-operated', 'kube-prometheus-stack-operator', 'prometheus-node-exporter', 'kube-prometheus-stack-grafana', 'hubble-ui', 'automatic1111', 'open-webui']
      .map(ui)).toEqual(['Prometheus', 'Prometheus', undefined, undefined, 'Grafana', 'Hubble UI', 'Automatic1111 (Stable Diffusion web UI)', undefined]);
  });

  test('an auth proxy in front of an admin UI is fine whatever it is named', () => {
    expect(judge(adminUiAuthRule, [...PROMETHEUS, ...FRONT, service('oauth2-proxy-prometheus', 'monitoring', 4180, { metadata: { name: 'oauth2-proxy-prometheus' }, spec: { type: 'LoadBalancer' } })])).toEqual([]);
  });
});

describe('HK-EXP-03 no direct route next to a proxied one', () => {
  test('seed 003: the Longhorn UI had the proxy route, a direct HTTPRoute and the chart Ingress for the same host', () => {
    const front = oauth2Proxy('oauth2-proxy-longhorn', 'longhorn-system', GOOD_PROXY_ARGS);
    const objs = [
      ...front,
      httpRoute('longhorn', 'longhorn-system', ['longhorn.lab.example.net'], [['oauth2-proxy-longhorn', 4180]]),
      httpRoute('longhorn-http-route', 'longhorn-system', ['longhorn.lab.example.net'], [['longhorn-frontend', 80]], 'app-native: not really'),
      ingress('longhorn-ingress', 'longhorn-system', 'longhorn.lab.example.net', 'longhorn-frontend', 80),
    ];
    expect(judge(proxyBypassRule, objs)).toEqual([
      ['error', 'HTTPRoute longhorn-system/longhorn-http-route sends longhorn.lab.example.net straight to Service longhorn-frontend:80, while HTTPRoute longhorn-system/longhorn sends the same host through the auth proxy Service oauth2-proxy-longhorn:4180: the direct one bypasses authentication'],
      ['error', 'Ingress longhorn-system/longhorn-ingress sends longhorn.lab.example.net straight to Service longhorn-frontend:80, while HTTPRoute longhorn-system/longhorn sends the same host through the auth proxy Service oauth2-proxy-longhorn:4180: the direct one bypasses authentication'],
    ]);
  });

  test('compliant: one route per host, or two routes both through the proxy, or different hosts', () => {
    const front = oauth2Proxy('oauth2-proxy-longhorn', 'longhorn-system', GOOD_PROXY_ARGS);
    expect(judge(proxyBypassRule, [...front, httpRoute('a', 'longhorn-system', ['longhorn.lab.example.net'], [['oauth2-proxy-longhorn', 4180]]), httpRoute('b', 'longhorn-system', ['longhorn.lab.example.net'], [['oauth2-proxy-longhorn', 4180]])])).toEqual([]);
    expect(judge(proxyBypassRule, [...front, httpRoute('a', 'longhorn-system', ['longhorn.lab.example.net'], [['oauth2-proxy-longhorn', 4180]]), httpRoute('b', 'longhorn-system', ['storage.lab.example.net'], [['longhorn-frontend', 80]], 'app-native: x login screen')])).toEqual([]);
    // two direct routes for one host are not this rule's business (HK-EXP-01/02 judge each)
    expect(judge(proxyBypassRule, [httpRoute('a', 'web', ['www.lab.example.net'], [['site', 80]], 'public: the website'), httpRoute('b', 'web', ['www.lab.example.net'], [['site2', 80]], 'public: the website')])).toEqual([]);
  });
});
