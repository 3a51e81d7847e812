import {
  AnnotationKeys, AppRoute, AppRouteProps, AppSize, AppWorkload, ExternalService, GatewaySource, Namespace, OAuth2Proxy, Probe, RouteAuth, RouteAuthKind,
  ValidationError, isAuthProxy,
} from '../../lib';
import { createValidator } from '../schema/validator';
import { errorOf } from '../helpers';
import { find, findingsOf, labCluster, manifestsOf } from './lab';

function app(ns: Namespace, name = 'grafana', port = 3000, image = 'docker.io/grafana/grafana:11.2.0'): AppWorkload {
  return new AppWorkload(ns, name, { image, size: AppSize.MEDIUM, ports: [{ name: 'http', port }, { name: 'metrics', port: port + 1 }], healthCheck: Probe.httpGet('/api/health') });
}

const GRAFANA_PODS = { 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/instance': 'grafana' };
const NATIVE = RouteAuth.appNative('Grafana login with admin from a Secret');

describe('RouteAuth', () => {
  test('app-native and public carry a reason into the annotation; auth-proxy writes none', () => {
    expect(RouteAuth.appNative('  Grafana login, admin from Secret  ').annotationValue).toBe('app-native: Grafana login, admin from Secret');
    expect(RouteAuth.public('the public status page').annotationValue).toBe('public: the public status page');
    expect([RouteAuth.authProxy().kind, RouteAuth.authProxy().annotationValue]).toEqual([RouteAuthKind.AUTH_PROXY, undefined]);
  });

  test('a reason is one line of at least 10 characters: the factory records it, the route that uses it refuses it with its path', () => {
    const fix = 'Fix: say how users are authenticated (or why the route is public), e.g. "Grafana login, admin from Secret grafana-admin-credentials"';
    const short = RouteAuth.appNative('login');
    expect([short.kind, short.reason]).toEqual([RouteAuthKind.APP_NATIVE, 'login']);
    const ns = new Namespace(labCluster(false), 'monitoring');
    const grafana = app(ns);
    expect(errorOf(() => new AppRoute(ns, 'short', { backend: grafana, auth: short })))
      .toBe(`[lab/monitoring/short] auth.reason = "login": an auth declaration needs a one-line reason of at least 10 characters. ${fix}`);
    expect(errorOf(() => new AppRoute(ns, 'lines', { backend: grafana, auth: RouteAuth.public('open\nto all visitors') })))
      .toBe(`[lab/monitoring/lines] auth.reason = "open\\nto all visitors": an auth declaration needs a one-line reason of at least 10 characters. ${fix}`);
  });
});

describe('GatewaySource', () => {
  test('describes itself', () => {
    expect([GatewaySource.anySource().describe(), GatewaySource.namespace('traefik').describe(), GatewaySource.namespace('gw', { app: 'envoy' }).describe(), GatewaySource.cidr('10.0.0.0/8').describe()])
      .toEqual(['any source', 'pods in namespace traefik', 'pods in namespace gw labelled app=envoy', 'addresses in 10.0.0.0/8']);
  });

  test('a bad namespace, pod label or CIDR is refused by the route that uses it, with its path', () => {
    const ns = new Namespace(labCluster(false), 'monitoring');
    const grafana = app(ns);
    const route = (id: string, gatewaySource: GatewaySource) => () => new AppRoute(ns, id, { backend: grafana, auth: NATIVE, gatewaySource });
    expect(errorOf(route('a', GatewaySource.cidr('10.0.0.0')))).toBe('[lab/monitoring/a] gatewaySource.cidr = "10.0.0.0": not an IPv4 CIDR. Fix: write it like "192.168.10.0/24"');
    expect(errorOf(route('b', GatewaySource.namespace('Traefik'))))
      .toBe('[lab/monitoring/b] gatewaySource.namespace = "Traefik": not a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit). Fix: did you mean "traefik"?');
    expect(errorOf(route('c', GatewaySource.namespace('traefik', { app: 'traefik proxy' }))))
      .toBe('[lab/monitoring/c] gatewaySource.podSelector.app = "traefik proxy": not a label value (at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit). Fix: did you mean "traefik-proxy"?');
  });
});

describe('AppRoute', () => {
  test('defaults: HTTPRoute <service>.<domain> on the profile gateway, auth annotation, gateway NetworkPolicy on the backend port', () => {
    const c = labCluster(false);
    const ns = new Namespace(c, 'monitoring');
    const grafana = app(ns);
    const r = new AppRoute(ns, 'Route', { backend: grafana, auth: NATIVE });
    expect([r.name, r.namespace, r.hostname, r.url, r.auth.kind, r.referenceGrant]).toEqual(['grafana', 'monitoring', 'grafana.lab.example.net', 'https://grafana.lab.example.net', 'app-native', undefined]);
    const objs = manifestsOf(c);
    const route = find(objs, 'HTTPRoute', 'grafana');
    expect(route.metadata.annotations).toEqual({ [AnnotationKeys.AUTH]: 'app-native: Grafana login with admin from a Secret' });
    expect(route.metadata.namespace).toBe('monitoring');
    expect(route.spec).toEqual({
      parentRefs: [{ name: 'main-gateway', namespace: 'networking', sectionName: 'https' }],
      hostnames: ['grafana.lab.example.net'],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'grafana', port: 3000 }] }],
    });
    expect(find(objs, 'NetworkPolicy', 'grafana-gateway').spec).toEqual({
      podSelector: { matchLabels: GRAFANA_PODS }, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 3000, protocol: 'TCP' }] }],
    });
    // created in the namespace (not in an app): the route is its own app folder
    expect(c.synthesize().objects.filter((o) => o.manifest.kind === 'HTTPRoute').map((o) => `${o.folder}/${o.app}`)).toEqual(['monitoring/grafana']);
    const validator = createValidator();
    expect(objs.flatMap((o) => validator.validate(o))).toEqual([]);
  });

  test('created inside the app it exposes, it lands in the app\'s folder', () => {
    const c = labCluster(false);
    const grafana = app(new Namespace(c, 'monitoring'));
    new AppRoute(grafana, 'Route', { backend: grafana, auth: NATIVE });
    expect(c.synthesize().objects.filter((o) => o.manifest.kind === 'HTTPRoute' || o.manifest.metadata.name === 'grafana-gateway').map((o) => `${o.folder}/${o.app}`)).toEqual(['monitoring/grafana', 'monitoring/grafana']);
  });

  test('options: name, hostname, port, path prefix, gateway source; public declaration', () => {
    const c = labCluster(false);
    const ns = new Namespace(c, 'web');
    const site = app(ns, 'site', 8080, 'ghcr.io/example/site:1.0.0');
    new AppRoute(ns, 'Route', {
      backend: site, auth: RouteAuth.public('the public project website'), name: 'www', hostname: 'www.example.org', port: 'metrics', pathPrefix: '/metrics',
      gatewaySource: GatewaySource.cidr('192.168.10.0/24'),
    });
    const objs = manifestsOf(c);
    const route = find(objs, 'HTTPRoute', 'www');
    expect(route.metadata.annotations).toEqual({ [AnnotationKeys.AUTH]: 'public: the public project website' });
    expect(route.spec.hostnames).toEqual(['www.example.org']);
    expect(route.spec.rules).toEqual([{ matches: [{ path: { type: 'PathPrefix', value: '/metrics' } }], backendRefs: [{ name: 'site', port: 8081 }] }]);
    expect(find(objs, 'NetworkPolicy', 'www-gateway').spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: '192.168.10.0/24' } }], ports: [{ port: 8081, protocol: 'TCP' }] }]);
  });

  test('a backend in another namespace gets a ReferenceGrant there, and the gateway rule goes to the backend\'s namespace', () => {
    const c = labCluster(false);
    const grafana = app(new Namespace(c, 'monitoring'));
    const edge = new Namespace(c, 'edge');
    const r = new AppRoute(edge, 'Route', { backend: grafana, auth: NATIVE });
    const objs = manifestsOf(c);
    expect(find(objs, 'HTTPRoute', 'grafana').metadata.namespace).toBe('edge');
    expect(find(objs, 'HTTPRoute', 'grafana').spec.rules[0].backendRefs).toEqual([{ name: 'grafana', namespace: 'monitoring', port: 3000 }]);
    const grant = find(objs, 'ReferenceGrant', 'edge-grafana');
    expect(grant.metadata.namespace).toBe('monitoring');
    expect(grant.spec).toEqual({ from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'edge' }], to: [{ group: '', kind: 'Service', name: 'grafana' }] });
    expect(r.referenceGrant).toBeDefined();
    expect(find(objs, 'NetworkPolicy', 'grafana-gateway').metadata.namespace).toBe('monitoring');
    const validator = createValidator();
    expect(objs.flatMap((o) => validator.validate(o))).toEqual([]);
  });

  test('a chart-rendered backend: the NetworkPolicy selects the given pods on their port; without pods, none', () => {
    const c = labCluster(false, { externalServices: [{ name: 'legacy', namespace: 'apps', ports: [80], reason: 'installed by hand' }] });
    const ns = new Namespace(c, 'apps');
    new AppRoute(ns, 'Chart', { backend: { serviceName: 'kps-grafana', namespace: 'apps', servicePorts: [{ name: 'http', port: 80 }] }, auth: NATIVE, backendPods: { selector: { 'app.kubernetes.io/name': 'grafana' }, port: 3000 } });
    const legacy = new AppRoute(ns, 'Legacy', { backend: ExternalService.fromProfile(ns, 'apps', 'legacy'), auth: NATIVE });
    const objs = manifestsOf(c);
    expect(find(objs, 'NetworkPolicy', 'kps-grafana-gateway').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'grafana' } }, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 3000, protocol: 'TCP' }] }],
    });
    expect(legacy.networkPolicy).toBeUndefined();
    expect(find(objs, 'HTTPRoute', 'legacy').spec.rules[0].backendRefs).toEqual([{ name: 'legacy', port: 80 }]);
  });

  test('an OAuth2-proxy backend is routed with RouteAuth.authProxy()', () => {
    const c = labCluster(false);
    const ns = new Namespace(c, 'monitoring');
    const front = new OAuth2Proxy(ns, 'Front', { name: 'grafana', upstream: app(ns) });
    expect(isAuthProxy(front)).toBe(true);
    new AppRoute(ns, 'Extra', { backend: front, auth: RouteAuth.authProxy(), name: 'grafana-alt', hostname: 'dashboards.lab.example.net' });
    expect(find(manifestsOf(c), 'HTTPRoute', 'grafana-alt').metadata.annotations).toBeUndefined();
  });

  test('a public route to a plain website passes the exposure policy; to Grafana (an admin UI) it is the HK-EXP-02 error', () => {
    const c = labCluster(true);
    const ns = new Namespace(c, 'web');
    new AppRoute(ns, 'Route', { backend: app(ns, 'site', 8080, 'ghcr.io/example/site:1.0.0'), auth: RouteAuth.public('the public project website') });
    expect(findingsOf(c)).toEqual([]);
    new AppRoute(ns, 'Dashboards', { backend: app(ns, 'dashboards', 3000), auth: RouteAuth.public('dashboards for everyone') });
    expect(findingsOf(c)).toEqual(['HK-EXP-02: HTTPRoute web/dashboards declares "public: dashboards for everyone" but its backend Service dashboards:3000 is Grafana, an admin/data UI']);
  });

  describe('errors', () => {
    const err = (props: Partial<AppRouteProps>, overrides = {}) => errorOf(() => {
      const c = labCluster(false, overrides);
      const ns = new Namespace(c, 'monitoring');
      new AppRoute(ns, 'Route', { backend: app(ns), auth: NATIVE, ...props });
    });

    test('no auth declaration', () => {
      expect(err({ auth: undefined })).toBe('[lab/monitoring/Route] auth = undefined: every route declares how its users are authenticated. Fix: pass auth: RouteAuth.appNative("<the app\'s login>") or RouteAuth.public("<why>"), or put the app behind an OAuth2Proxy front');
    });

    test('auth-proxy declared on a backend that is not a proxy, and the reverse', () => {
      expect(err({ auth: RouteAuth.authProxy() })).toBe('[lab/monitoring/Route] auth = "auth-proxy": the backend grafana.monitoring is not an authenticating proxy. Fix: route to an OAuth2Proxy front (it creates its own route), or declare RouteAuth.appNative(...) / RouteAuth.public(...)');
      const c = labCluster(false);
      const ns = new Namespace(c, 'monitoring');
      const front = new OAuth2Proxy(ns, 'Front', { name: 'grafana', upstream: app(ns) });
      expect(errorOf(() => new AppRoute(ns, 'Route', { backend: front, auth: NATIVE, name: 'x' }))).toBe(
        '[lab/monitoring/Route] auth = "app-native: Grafana login with admin from a Secret": the backend is an OAuth2-proxy front, so the route is authenticated by the proxy. Fix: use auth: RouteAuth.authProxy()');
    });

    test('no gateway, no domain, no namespace', () => {
      expect(err({}, { gateway: undefined })).toBe('[lab/monitoring/Route] profile.gateway = undefined: a route attaches to the cluster gateway, and the profile names none. Fix: set profile.gateway: { name, namespace, sectionName, ip, cidr }');
      expect(err({}, { domain: undefined })).toBe('[lab/monitoring/Route] hostname = undefined: no hostname given and the profile has no domain to derive one from. Fix: pass hostname: "app.example.net", or set profile.domain');
      const c = labCluster(false);
      const grafana = app(new Namespace(c, 'monitoring'));
      expect(errorOf(() => new AppRoute(c.clusterChart, 'Route', { backend: grafana, auth: NATIVE }))).toBe('[lab/cluster/Route] scope = "lab/cluster": an HTTPRoute lives in a namespace. Fix: create the route inside a Namespace (or inside the app it exposes)');
    });

    test('bad name, hostname, path prefix, port', () => {
      expect(err({ name: 'Grafana' })).toMatch(/^\[lab\/monitoring\/Route\] name = "Grafana": not a DNS-1123 label/);
      expect(err({ hostname: '*.lab.example.net' })).toMatch(/^\[lab\/monitoring\/Route\] hostname = "\*\.lab\.example\.net": not a DNS-1123 subdomain/);
      expect(err({ pathPrefix: 'grafana' })).toBe('[lab/monitoring/Route] pathPrefix = "grafana": a path prefix is an absolute URL path without query, fragment or spaces. Fix: use e.g. "/" or "/grafana"');
      expect(err({ pathPrefix: '/a?b' })).toMatch(/^\[lab\/monitoring\/Route\] pathPrefix = "\/a\?b": a path prefix is an absolute URL path/);
      expect(err({ port: 'grpc' })).toBe('[lab/monitoring/Route] port = "grpc": Service grafana.monitoring has no port of that name (ports: http, metrics). Fix: use one of "http", "metrics"');
    });

    test('an IP address as hostname and path prefixes the HTTPRoute validation refuses (issue 8)', () => {
      expect(err({ hostname: '192.168.10.224' })).toBe(
        '[lab/monitoring/Route] hostname = "192.168.10.224": the Gateway API does not allow IP addresses as route hostnames. Fix: use a DNS name that resolves to the gateway, e.g. "grafana.example.net" (SplitHorizonDns answers it in-cluster)');
      const RULE = 'the HTTPRoute validation refuses "//", "/./", "/../", "%2F", a path ending in "/." or "/..", characters other than letters, digits, "-._~!$&\'()*+,;=:@/" and %XX escapes, and more than 1024 characters. Fix: write the path plainly, percent-encoding other characters, e.g. "/grafana"';
      for (const p of ['/a//b', '/a/./b', '/a/../b', '/%2F', '/%2f', '/.', '/a/..', '/ü', '/a"b', '/a<b>', '/a\\b', `/${'p'.repeat(1024)}`]) {
        expect(err({ pathPrefix: p })).toBe(`[lab/monitoring/Route] pathPrefix = ${JSON.stringify(p)}: ${RULE}`);
      }
      for (const p of ['/', '/grafana', '/a.b/c', '/~user/%20x', "/a-b_c!$&'()*+,;=:@"]) {
        expect(() => err({ pathPrefix: p })).toThrow('expected an error');
      }
    });

    test('an empty backend pod selector', () => {
      expect(err({ backendPods: { selector: {}, port: 3000 } })).toBe('[lab/monitoring/Route] backendPods.selector = {}: an empty selector would admit the gateway to every pod of the namespace. Fix: give the labels of the backend\'s pods');
    });

    test('errors are ValidationErrors', () => {
      const c = labCluster(false);
      const ns = new Namespace(c, 'monitoring');
      const grafana = app(ns);
      expect(() => new AppRoute(ns, 'Route', { backend: grafana, auth: undefined as any })).toThrow(ValidationError);
    });
  });
});

describe('AppRoute refuses what the API server would refuse, and a second route of one id (issue 8)', () => {
  test('backend pods: a port out of range, a port name that is not an IANA name, an invalid selector label', () => {
    const ns = new Namespace(labCluster(false), 'monitoring');
    const grafana = app(ns);
    const route = (id: string, backendPods: { selector: Record<string, string>; port: number | string }) => () => new AppRoute(ns, id, { backend: grafana, auth: NATIVE, backendPods });
    expect(errorOf(route('a', { selector: GRAFANA_PODS, port: 0 }))).toBe('[lab/monitoring/a] backendPods.port = 0: a port must be a whole number from 1 to 65535. Fix: use the container port the pods listen on');
    expect(errorOf(route('b', { selector: GRAFANA_PODS, port: 'HTTP_PORT' }))).toMatch(/^\[lab\/monitoring\/b\] backendPods\.port = "HTTP_PORT": not an IANA service name/);
    expect(errorOf(route('c', { selector: { app: 'grafana ui' }, port: 3000 })))
      .toBe('[lab/monitoring/c] backendPods.selector.app = "grafana ui": not a label value (at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit). Fix: did you mean "grafana-ui"?');
  });

  test('a backend, auth or props left out or mistyped by a JavaScript caller is refused with the route\'s path, never a TypeError', () => {
    const ns = new Namespace(labCluster(false), 'monitoring');
    const grafana = app(ns);
    const FIX = 'Fix: pass the AppWorkload (or OAuth2Proxy front) it exposes, or a typed endpoint such as ExternalService.fromProfile(...)';
    expect(errorOf(() => new AppRoute(ns, 'a', { backend: undefined as any, auth: NATIVE }))).toBe(`[lab/monitoring/a] backend = undefined: a route needs the Service it sends traffic to. ${FIX}`);
    expect(errorOf(() => new AppRoute(ns, 'b', { backend: 'grafana' as any, auth: NATIVE }))).toBe(`[lab/monitoring/b] backend = "grafana": a route needs the Service it sends traffic to. ${FIX}`);
    expect(errorOf(() => new AppRoute(ns, 'c', { backend: { serviceName: 'grafana' } as any, auth: NATIVE }))).toBe(`[lab/monitoring/c] backend = {"serviceName":"grafana"}: a route needs the Service it sends traffic to. ${FIX}`);
    expect(errorOf(() => new AppRoute(ns, 'd', { backend: ns as any, auth: NATIVE }))).toBe(`[lab/monitoring/d] backend = "lab/monitoring": a route needs the Service it sends traffic to. ${FIX}`);
    expect(errorOf(() => new (AppRoute as any)(ns, 'e'))).toBe(`[lab/monitoring/e] backend = undefined: a route needs the Service it sends traffic to. ${FIX}`);
    expect(errorOf(() => new AppRoute(ns, 'f', { backend: grafana } as any))).toBe(
      '[lab/monitoring/f] auth = undefined: every route declares how its users are authenticated. Fix: pass auth: RouteAuth.appNative("<the app\'s login>") or RouteAuth.public("<why>"), or put the app behind an OAuth2Proxy front');
  });

  test('a second route of one id names its path and asks for another id', () => {
    const ns = new Namespace(labCluster(false), 'monitoring');
    const grafana = app(ns);
    new AppRoute(ns, 'route', { backend: grafana, auth: NATIVE });
    expect(errorOf(() => new AppRoute(ns, 'route', { backend: grafana, auth: NATIVE }))).toBe(
      '[lab/monitoring/route] id = "route": lab/monitoring already has a construct with this id (AppRoute), and ids are unique within their scope. Fix: choose another id (the id names the objects it synthesizes), or reuse the construct you created first');
  });
});
