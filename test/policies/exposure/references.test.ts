import { Manifest, evaluatePolicies, ingressBackendsRule, routeReferencesRule } from '../../../lib';
import { merge, namespaceObject, records, service } from '../fixtures';
import { helmRelease, httpRoute, ingress, judge, labProfile } from './fixtures';

const GRAFANA = service('grafana', 'monitoring', 3000);

/** A Gateway `name` in `namespace` with `listeners`. */
function gateway(name: string, namespace: string, listeners: any[]): Manifest {
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name, namespace }, spec: { gatewayClassName: 'cilium', listeners } };
}
const HTTPS_ALL = { name: 'https', protocol: 'HTTPS', port: 443, allowedRoutes: { namespaces: { from: 'All' } } };
const HTTP_SAME = { name: 'http', protocol: 'HTTP', port: 80 };

/** The route `httpRoute(...)` with its parentRefs replaced. */
function attached(parentRefs: any[], backends: [string, number, string?][] = [['grafana', 3000]], namespace = 'monitoring'): Manifest {
  return merge(httpRoute('grafana', namespace, ['grafana.lab.example.net'], backends, 'app-native: Grafana login with admin from a Secret'), { spec: { parentRefs } });
}

/** A ReferenceGrant in `namespace` letting HTTPRoutes from `from` reference Service `name` (all Services when undefined). */
function grant(namespace: string, from: string, name?: string, kind = 'HTTPRoute'): Manifest {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'ReferenceGrant', metadata: { name: `from-${from}`, namespace },
    spec: { from: [{ group: 'gateway.networking.k8s.io', kind, namespace: from }], to: [{ group: '', kind: 'Service', ...(name ? { name } : {}) }] },
  };
}

describe('HK-EXP-08 routes attach to an existing Gateway listener and reach existing Services and ports', () => {
  test('seed 003 orphan: the longhorn-oauth2-proxy template attached to Gateway gateway/cilium-gateway, listener https-web', () => {
    const route = attached([{ name: 'cilium-gateway', namespace: 'gateway', sectionName: 'https-web' }]);
    expect(judge(routeReferencesRule, [GRAFANA, route])).toEqual([[
      'error',
      'parentRefs[0] names Gateway gateway/cilium-gateway, which does not exist (Gateways: networking/main-gateway): the route attaches to nothing and serves nothing',
    ]]);
    const [f] = evaluatePolicies(records(GRAFANA, route), [{ name: 't', rules: [routeReferencesRule] }], labProfile());
    expect(f.fix).toBe('attach to the cluster\'s gateway: parentRefs [{name: main-gateway, namespace: networking, sectionName: https}] (AppRoute takes them from profile.gateway)');
  });

  test('the profile\'s gateway (not synthesized here): the listener must be the profile\'s sectionName; a parentRef without one is fine', () => {
    expect(judge(routeReferencesRule, [GRAFANA, attached([{ name: 'main-gateway', namespace: 'networking', sectionName: 'https-web' }])])).toEqual([[
      'error', 'parentRefs[0] names listener "https-web" of Gateway networking/main-gateway, but the listener routes attach to is "https" (profile.gateway.sectionName)',
    ]]);
    expect(judge(routeReferencesRule, [GRAFANA, attached([{ name: 'main-gateway', namespace: 'networking', sectionName: 'https' }])])).toEqual([]);
    expect(judge(routeReferencesRule, [GRAFANA, attached([{ name: 'main-gateway', namespace: 'networking' }])])).toEqual([]);
  });

  test('without a profile gateway and with none synthesized, any Gateway is missing', () => {
    const route = attached([{ name: 'main-gateway', namespace: 'networking' }]);
    const findings = evaluatePolicies(records(GRAFANA, route), [{ name: 't', rules: [routeReferencesRule] }], labProfile({ gateway: undefined }));
    expect(findings.map((f) => [f.message, f.fix])).toEqual([[
      'parentRefs[0] names Gateway networking/main-gateway, which does not exist (no Gateway is synthesized and the profile names none): the route attaches to nothing and serves nothing',
      'synthesize the Gateway, or declare the cluster\'s gateway in profile.gateway and attach to it',
    ]]);
  });

  test('a parentRef without a namespace means the route\'s own namespace', () => {
    expect(judge(routeReferencesRule, [GRAFANA, attached([{ name: 'main-gateway', sectionName: 'https' }])])).toEqual([[
      'error', 'parentRefs[0] names Gateway monitoring/main-gateway, which does not exist (Gateways: networking/main-gateway): the route attaches to nothing and serves nothing',
    ]]);
  });

  test('a route with no parentRefs attaches nowhere', () => {
    const route = merge(attached([]), { spec: { parentRefs: undefined } });
    expect(judge(routeReferencesRule, [GRAFANA, route])).toEqual([['error', 'has no parentRefs: it attaches to no Gateway and serves nothing']]);
  });

  test('a synthesized Gateway: the listener must exist, listen on the given port and admit the route\'s namespace and kind', () => {
    const gw = gateway('main-gateway', 'networking', [HTTP_SAME, HTTPS_ALL]);
    const ok = (refs: any[]) => judge(routeReferencesRule, [gw, GRAFANA, attached(refs)]);
    expect(ok([{ name: 'main-gateway', namespace: 'networking', sectionName: 'https' }])).toEqual([]);
    expect(ok([{ name: 'main-gateway', namespace: 'networking', sectionName: 'https', port: 443 }])).toEqual([]);
    // no sectionName: attaches to the listeners that admit it (https)
    expect(ok([{ name: 'main-gateway', namespace: 'networking' }])).toEqual([]);
    expect(ok([{ name: 'main-gateway', namespace: 'networking', sectionName: 'https-web' }])).toEqual([[
      'error', 'parentRefs[0] names listener "https-web" of Gateway networking/main-gateway, which has no such listener (listeners: "http", "https")',
    ]]);
    expect(ok([{ name: 'main-gateway', namespace: 'networking', sectionName: 'https', port: 8443 }])).toEqual([[
      'error', 'parentRefs[0] names port 8443 of Gateway networking/main-gateway listener "https", which listens on 443',
    ]]);
    // the real cluster's http listener admits routes from networking only
    expect(ok([{ name: 'main-gateway', namespace: 'networking', sectionName: 'http' }])).toEqual([[
      'error', 'parentRefs[0] attaches to Gateway networking/main-gateway, but listener "http" admits routes from its own namespace networking only '
        + '(allowedRoutes.namespaces.from: Same, the default): the route is not accepted',
    ]]);
    const [f] = evaluatePolicies(records(gw, GRAFANA, attached([{ name: 'main-gateway', namespace: 'networking', sectionName: 'http' }])), [{ name: 't', rules: [routeReferencesRule] }], labProfile());
    expect(f.fix).toBe('attach to a listener that admits HTTPRoutes from monitoring, or widen the listener\'s allowedRoutes (namespaces.from: All, or a selector matching monitoring)');
    expect(judge(routeReferencesRule, [gw, service('grafana', 'networking', 3000), attached([{ name: 'main-gateway', sectionName: 'http' }], [['grafana', 3000]], 'networking')])).toEqual([]);
  });

  test('listener namespace selectors match the labels of the Namespace object (kubernetes.io/metadata.name always)', () => {
    const selector = { name: 'https', protocol: 'HTTPS', port: 443, allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { exposed: 'true' } } } } };
    const gw = gateway('main-gateway', 'networking', [selector]);
    const route = attached([{ name: 'main-gateway', namespace: 'networking' }]);
    expect(judge(routeReferencesRule, [gw, GRAFANA, route])).toEqual([[
      'error', 'parentRefs[0] attaches to Gateway networking/main-gateway, but listener "https" admits routes only from namespaces its allowedRoutes.namespaces.selector matches, '
        + 'and monitoring does not match: the route is not accepted',
    ]]);
    const labelled = merge(namespaceObject('monitoring'), { metadata: { labels: { exposed: 'true' } } });
    expect(judge(routeReferencesRule, [gw, labelled, GRAFANA, route])).toEqual([]);
    const byName = { ...selector, allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } } } };
    expect(judge(routeReferencesRule, [gateway('main-gateway', 'networking', [byName]), GRAFANA, route])).toEqual([]);
  });

  test('listener kinds: allowedRoutes.kinds, and TCP/UDP/TLS listeners take no HTTPRoute', () => {
    const grpcOnly = merge(HTTPS_ALL, { allowedRoutes: { kinds: [{ kind: 'GRPCRoute' }] } });
    const tls = { name: 'tls', protocol: 'TLS', port: 443, tls: { mode: 'Passthrough' }, allowedRoutes: { namespaces: { from: 'All' } } };
    const route = attached([{ name: 'main-gateway', namespace: 'networking' }]);
    expect(judge(routeReferencesRule, [gateway('main-gateway', 'networking', [grpcOnly, tls]), GRAFANA, route])).toEqual([[
      'error', 'parentRefs[0] attaches to Gateway networking/main-gateway, but listener "https" admits only GRPCRoute (allowedRoutes.kinds); '
        + 'listener "tls" is a TLS listener, which takes no HTTPRoute: the route is not accepted',
    ]]);
    const grpc = { ...attached([{ name: 'main-gateway', namespace: 'networking' }]), kind: 'GRPCRoute' };
    expect(judge(routeReferencesRule, [gateway('main-gateway', 'networking', [grpcOnly]), GRAFANA, grpc])).toEqual([]);
  });

  test('a synthesized Gateway without listeners takes no route', () => {
    const [f] = evaluatePolicies(records(gateway('main-gateway', 'networking', []), GRAFANA, attached([{ name: 'main-gateway', namespace: 'networking' }])), [{ name: 't', rules: [routeReferencesRule] }], labProfile());
    expect([f.message, f.fix]).toEqual([
      'parentRefs[0] attaches to Gateway networking/main-gateway, but the Gateway has no listeners: the route is not accepted',
      'give Gateway networking/main-gateway a listener',
    ]);
  });

  test('parentRefs of other kinds (a Service, for mesh routing) are not judged', () => {
    expect(judge(routeReferencesRule, [GRAFANA, attached([{ group: '', kind: 'Service', name: 'grafana' }])])).toEqual([]);
  });

  test('backends: a missing Service, a port the Service does not expose, no port', () => {
    const to = (backends: [string, number, string?][]) => judge(routeReferencesRule, [GRAFANA, httpRoute('grafana', 'monitoring', ['grafana.lab.example.net'], backends, 'app-native: Grafana login')]);
    expect(to([['grafana', 3000]])).toEqual([]);
    expect(to([['kube-prometheus-stack-grafana', 80]])).toEqual([[
      'error', 'rules[0].backendRefs[0] sends traffic to Service kube-prometheus-stack-grafana, which does not exist (Services in monitoring: grafana, prometheus)',
    ]]);
    expect(to([['grafana', 80]])).toEqual([['error', 'rules[0].backendRefs[0] sends traffic to port 80 of Service grafana, which exposes 3000 (http)']]);
    const noPort = merge(httpRoute('grafana', 'monitoring', ['grafana.lab.example.net'], [], 'app-native: Grafana login'), { spec: { rules: [{ backendRefs: [{ name: 'grafana' }] }] } });
    expect(judge(routeReferencesRule, [GRAFANA, noPort])).toEqual([['error', 'rules[0].backendRefs[0] names Service grafana without a port (Gateway API requires the port of a Service backend)']]);
    const [f] = evaluatePolicies(records(GRAFANA, httpRoute('g', 'monitoring', ['g.lab.example.net'], [['grafana', 80]])), [{ name: 't', rules: [routeReferencesRule] }], labProfile());
    expect(f.fix).toBe('use port 3000 (the Service port, not the container port), or add the port to Service grafana');
  });

  test('the fix for a missing Service lists the namespace\'s Services and the external declaration', () => {
    const [f] = evaluatePolicies(records(GRAFANA, httpRoute('g', 'monitoring', ['g.lab.example.net'], [['grafana-web', 3000]])), [{ name: 't', rules: [routeReferencesRule] }], labProfile());
    expect(f.fix).toBe('name one of the Services in monitoring (grafana, prometheus), or declare monitoring/grafana-web in profile.externalServices if it is installed outside this program');
    const [g] = evaluatePolicies(records(httpRoute('g', 'media', ['g.lab.example.net'], [['jellyfin', 8096]])), [{ name: 't', rules: [routeReferencesRule] }], labProfile());
    expect([g.message, g.fix]).toEqual([
      'rules[0].backendRefs[0] sends traffic to Service jellyfin, which does not exist (no Services in media)',
      'synthesize Service jellyfin in media, or declare media/jellyfin in profile.externalServices if it is installed outside this program',
    ]);
  });

  test('profile external Services count, with their ports; Services named after a Helm release in its namespace count as the chart\'s', () => {
    // TEST_PROFILE declares monitoring/prometheus on 9090
    const route = (svc: string, port: number) => httpRoute('r', 'monitoring', ['r.lab.example.net'], [[svc, port]], 'app-native: some login here');
    expect(judge(routeReferencesRule, [route('prometheus', 9090)])).toEqual([]);
    expect(judge(routeReferencesRule, [route('prometheus', 80)])).toEqual([['error', 'rules[0].backendRefs[0] sends traffic to port 80 of Service prometheus, which exposes 9090']]);
    const chart = helmRelease('kube-prometheus-stack', 'monitoring', 'kube-prometheus-stack', {});
    expect(judge(routeReferencesRule, [chart, route('kube-prometheus-stack-grafana', 80)])).toEqual([]);
    expect(judge(routeReferencesRule, [chart, route('kube-prometheus-stack', 80)])).toEqual([]);
    expect(judge(routeReferencesRule, [chart, route('grafana', 80)])).toHaveLength(1);
    expect(judge(routeReferencesRule, [chart, httpRoute('r', 'media', ['r.lab.example.net'], [['kube-prometheus-stack-grafana', 80]], 'app-native: some login')])).toHaveLength(1);
  });

  test('a backend in another namespace needs a ReferenceGrant there for the route\'s kind and namespace', () => {
    const route = httpRoute('grafana', 'edge', ['grafana.lab.example.net'], [['grafana', 3000, 'monitoring']], 'app-native: Grafana login with admin');
    expect(judge(routeReferencesRule, [GRAFANA, route])).toEqual([[
      'error', 'rules[0].backendRefs[0] sends traffic to Service monitoring/grafana in another namespace, and no ReferenceGrant in monitoring lets HTTPRoutes from edge reference it: the Gateway refuses the backend',
    ]]);
    const [f] = evaluatePolicies(records(GRAFANA, route), [{ name: 't', rules: [routeReferencesRule] }], labProfile());
    expect(f.fix).toBe('add a ReferenceGrant in monitoring: from [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: edge}], to [{group: "", kind: Service, name: grafana}] (AppRoute creates it)');
    expect(judge(routeReferencesRule, [GRAFANA, route, grant('monitoring', 'edge', 'grafana')])).toEqual([]);
    expect(judge(routeReferencesRule, [GRAFANA, route, grant('monitoring', 'edge')])).toEqual([]);
    // a grant for another Service, another namespace, another kind, or in the route's namespace does not do
    expect(judge(routeReferencesRule, [GRAFANA, route, grant('monitoring', 'edge', 'prometheus')])).toHaveLength(1);
    expect(judge(routeReferencesRule, [GRAFANA, route, grant('monitoring', 'web', 'grafana')])).toHaveLength(1);
    expect(judge(routeReferencesRule, [GRAFANA, route, grant('monitoring', 'edge', 'grafana', 'GRPCRoute')])).toHaveLength(1);
    expect(judge(routeReferencesRule, [GRAFANA, route, grant('edge', 'edge', 'grafana')])).toHaveLength(1);
  });

  test('backendRefs of other kinds are not judged; ExternalName Services take any port', () => {
    const other = merge(httpRoute('r', 'monitoring', ['r.lab.example.net'], [], 'app-native: some login'), { spec: { rules: [{ backendRefs: [{ group: 'example.io', kind: 'Bucket', name: 'x' }] }] } });
    expect(judge(routeReferencesRule, [other])).toEqual([]);
    const ext = service('docs', 'web', 80, { spec: { type: 'ExternalName', externalName: 'docs.example.net', selector: undefined, ports: undefined } });
    expect(judge(routeReferencesRule, [ext, httpRoute('docs', 'web', ['docs.lab.example.net'], [['docs', 8443]], 'public: the public documentation site')])).toEqual([]);
  });
});

describe('HK-NET-07 Ingress backends name existing Services and ports', () => {
  const SITE = service('site', 'web', 8080);

  test('compliant: the Service and its port number or name', () => {
    expect(judge(ingressBackendsRule, [SITE, ingress('site', 'web', 'www.lab.example.net', 'site', 8080)])).toEqual([]);
    const byName = merge(ingress('site', 'web', 'www.lab.example.net', 'site', 8080), {
      spec: { rules: [{ host: 'www.lab.example.net', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'site', port: { name: 'http' } } } }] } }] },
    });
    expect(judge(ingressBackendsRule, [SITE, byName])).toEqual([]);
  });

  test('a missing Service, a wrong port number, a wrong port name, a default backend', () => {
    expect(judge(ingressBackendsRule, [SITE, ingress('site', 'web', 'www.lab.example.net', 'website', 8080)])).toEqual([[
      'error', 'rules[0].http.paths[0] (host www.lab.example.net, path /) sends traffic to Service website, which does not exist (Services in web: site)',
    ]]);
    expect(judge(ingressBackendsRule, [SITE, ingress('site', 'web', 'www.lab.example.net', 'site', 80)])).toEqual([[
      'error', 'rules[0].http.paths[0] (host www.lab.example.net, path /) sends traffic to port 80 of Service site, which exposes 8080 (http)',
    ]]);
    const byName = {
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'site', namespace: 'web' },
      spec: { defaultBackend: { service: { name: 'site', port: { name: 'web' } } } },
    };
    expect(judge(ingressBackendsRule, [SITE, byName])).toEqual([['error', 'defaultBackend sends traffic to port "web" of Service site, which exposes 8080 (http)']]);
    const [f] = evaluatePolicies(records(SITE, byName), [{ name: 't', rules: [ingressBackendsRule] }], labProfile());
    expect(f.fix).toBe('use port name "http", or add the port to Service site');
  });

  test('an unnamed Service port can only be named by number', () => {
    const unnamed = service('site', 'web', 8080, { spec: { ports: [{ port: 8080, targetPort: 8080 }] } });
    const byName = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'site', namespace: 'web' }, spec: { defaultBackend: { service: { name: 'site', port: { name: 'http' } } } } };
    const [f] = evaluatePolicies(records(unnamed, byName), [{ name: 't', rules: [ingressBackendsRule] }], labProfile());
    expect([f.message, f.fix]).toEqual([
      'defaultBackend sends traffic to port "http" of Service site, which exposes 8080',
      'use port number 8080 (the Service names none of its ports), or add the port to Service site',
    ]);
  });

  test('an Ingress backend is always in the Ingress\'s namespace; external Services count (by number; their port names are unknown)', () => {
    expect(judge(ingressBackendsRule, [SITE, ingress('site', 'edge', 'www.lab.example.net', 'site', 8080)])).toEqual([[
      'error', 'rules[0].http.paths[0] (host www.lab.example.net, path /) sends traffic to Service site, which does not exist (no Services in edge)',
    ]]);
    expect(judge(ingressBackendsRule, [ingress('prom', 'monitoring', 'prom.lab.example.net', 'prometheus', 9090)])).toEqual([]);
    const named = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'p', namespace: 'monitoring' }, spec: { defaultBackend: { service: { name: 'prometheus', port: { name: 'web' } } } } };
    expect(judge(ingressBackendsRule, [named])).toEqual([]);
  });

  test('a Service backend without a port', () => {
    const noPort = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'site', namespace: 'web' }, spec: { defaultBackend: { service: { name: 'site' } } } };
    const [f] = evaluatePolicies(records(SITE, noPort), [{ name: 't', rules: [ingressBackendsRule] }], labProfile());
    expect([f.level, f.message, f.fix]).toEqual(['error', 'defaultBackend names Service site without a port', 'set backend.service.port.number (or .name) to a port of the Service']);
  });

  test('non-Service backends (resource) are not judged', () => {
    const resource = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'static', namespace: 'web' }, spec: { defaultBackend: { resource: { apiGroup: 'example.io', kind: 'Bucket', name: 'b' } } } };
    expect(judge(ingressBackendsRule, [resource])).toEqual([]);
  });
});
