import * as fc from 'fast-check';
import { AppRoute, AppRouteProps, AppWorkload, Cluster, ClusterProfileProps, Distro, GatewaySource, GitOpsEngine, Namespace, Probe, RouteAuth } from '../../lib';
import { Breaker, SEED, assertBreaker, breaker, breakerRows, dnsLabel, dnsSubdomain, propCluster, synthClean } from './support';

/**
 * AppRoute properties: routes to generated backends (same or other namespace, any port), with
 * generated host names, path prefixes, auth declarations and gateway sources, synthesize cleanly:
 * the HTTPRoute attaches to the profile's gateway, answers the host, carries the auth
 * declaration, passes the API server's own rules on paths (CEL rules the schema validator does
 * not run), and the backend admits the gateway on the routed port only. Any one field made
 * invalid is refused at the route's path.
 */

/**
 * The Gateway API's validation of an Exact/PathPrefix path value (the CEL rules of
 * `HTTPPathMatch` in gateway.networking.k8s.io_httproutes.yaml, which the API server runs).
 */
function gatewayPathProblems(value: string): string[] {
  const out: string[] = [];
  if (!value.startsWith('/')) out.push('value must be an absolute path and start with \'/\'');
  for (const bad of ['//', '/./', '/../', '%2f', '%2F', '#']) if (value.includes(bad)) out.push(`must not contain '${bad}'`);
  for (const end of ['/..', '/.']) if (value.endsWith(end)) out.push(`must not end with '${end}'`);
  if (!/^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/.test(value)) out.push('must only contain valid characters');
  if (value.length > 1024) out.push('maxLength 1024');
  return out;
}

const segment = fc.stringMatching(/^[A-Za-z0-9_~-][A-Za-z0-9._~!$&'()*+,;=:@-]{0,11}$/).filter((s) => s !== '.' && s !== '..');
const reason = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ,.:()'-]{9,60}$/);

const validRoute = fc.record({
  domain: dnsSubdomain.map((d) => `${d}.net`),
  gatewayName: dnsLabel(15),
  gatewayNamespace: dnsLabel(15),
  sectionName: fc.option(fc.constantFrom('https', 'websecure'), { nil: undefined }),
  ports: fc.uniqueArray(fc.integer({ min: 1024, max: 65535 }), { minLength: 1, maxLength: 2 }),
  portIndex: fc.nat(),
  crossNamespace: fc.boolean(),
  auth: fc.record({ kind: fc.constantFrom('app-native' as const, 'public' as const), reason, pad: fc.constantFrom('', ' ', '  ') }),
  name: fc.option(dnsLabel(30), { nil: undefined }),
  host: fc.option(fc.oneof(dnsLabel(20).map((l) => ({ under: true, l })), dnsSubdomain.map((l) => ({ under: false, l: `${l}.example.org` }))), { nil: undefined }),
  path: fc.option(fc.array(segment, { minLength: 0, maxLength: 4 }).chain((segs) => fc.constantFrom(`/${segs.join('/')}`, `/${segs.join('/')}${segs.length ? '/' : ''}`)), { nil: undefined }),
  source: fc.oneof(
    fc.constant({ kind: 'any' as const }),
    fc.record({ kind: fc.constant('namespace' as const), namespace: dnsLabel(15), selector: fc.option(fc.constant({ 'app.kubernetes.io/name': 'envoy' }), { nil: undefined }) }),
    fc.record({ kind: fc.constant('cidr' as const), cidr: fc.tuple(fc.integer({ min: 1, max: 223 }), fc.integer({ min: 8, max: 32 })).map(([a, b]) => `${a}.0.0.0/${b}`) }),
  ),
}).map((g) => {
  const profile: ClusterProfileProps = {
    distro: Distro.K3S,
    version: 'v1.32.5+k3s1',
    nodes: [{ name: 'node-a', allocatable: { cpu: '4', memory: '8Gi' } }, { name: 'node-b', allocatable: { cpu: '4', memory: '8Gi' } }],
    domain: g.domain,
    gateway: { name: g.gatewayName, namespace: g.gatewayNamespace, sectionName: g.sectionName },
    gitops: { engine: GitOpsEngine.ARGO_CD, repoUrl: 'https://github.com/example/lab' },
  };
  const portIndex = g.portIndex % g.ports.length;
  const hostname = g.host === undefined ? undefined : g.host.under ? `${g.host.l}.${g.domain}` : g.host.l;
  return { ...g, profile, portIndex, hostname };
});

type Generated = typeof validRoute extends fc.Arbitrary<infer T> ? T : never;

function authOf(g: Generated): RouteAuth {
  const text = `${g.auth.pad}${g.auth.reason}${g.auth.pad}`;
  return g.auth.kind === 'public' ? RouteAuth.public(text) : RouteAuth.appNative(text);
}

function sourceOf(g: Generated): GatewaySource | undefined {
  const s = g.source;
  return s.kind === 'any' ? (g.portIndex === 0 ? undefined : GatewaySource.anySource()) : s.kind === 'namespace' ? GatewaySource.namespace(s.namespace, s.selector) : GatewaySource.cidr(s.cidr);
}

function build(g: Generated, override: Partial<AppRouteProps> = {}): { cluster: Cluster; route: AppRoute } {
  const cluster = propCluster(g.profile);
  const apps = new Namespace(cluster, 'apps');
  const backend = new AppWorkload(apps, 'web', {
    image: 'ghcr.io/example/web:3.4.5',
    resources: { cpu: '50m', memory: '64Mi', memoryLimit: '128Mi' },
    ports: g.ports.map((port, i) => ({ name: i === 0 ? 'http' : 'web', port })),
    probes: { readiness: Probe.httpGet('/ready'), liveness: Probe.httpGet('/live') },
  });
  const home = g.crossNamespace ? new Namespace(cluster, 'edge') : apps;
  const route = new AppRoute(home, 'Route', {
    backend,
    auth: authOf(g),
    port: g.portIndex === 0 ? undefined : 'web',
    name: g.name,
    hostname: g.hostname,
    pathPrefix: g.path,
    gatewaySource: sourceOf(g),
    ...override,
  });
  return { cluster, route };
}

describe('AppRoute properties', () => {
  test('any valid route synthesizes cleanly: on the gateway, for the host, with its auth, paths the API server accepts, the gateway admitted on one port', () => {
    fc.assert(fc.property(validRoute, (g) => {
      const { cluster, route } = build(g);
      const objs = synthClean(cluster);
      const name = g.name ?? 'web';
      const hostname = g.hostname ?? `${name}.${g.domain}`;
      const port = g.ports[g.portIndex];
      const namespace = g.crossNamespace ? 'edge' : 'apps';
      const http = objs.find((o) => o.kind === 'HTTPRoute');
      expect(http.metadata.name).toBe(name);
      expect(http.metadata.namespace).toBe(namespace);
      expect(http.metadata.annotations).toEqual({ 'hardened-homelab.io/auth': `${g.auth.kind}: ${g.auth.reason.trim()}` });
      expect(http.spec).toEqual({
        parentRefs: [{ name: g.gatewayName, namespace: g.gatewayNamespace, sectionName: g.sectionName ?? 'https' }],
        hostnames: [hostname],
        rules: [{ matches: [{ path: { type: 'PathPrefix', value: g.path ?? '/' } }], backendRefs: [{ name: 'web', ...(g.crossNamespace ? { namespace: 'apps' } : {}), port }] }],
      });
      expect(gatewayPathProblems(http.spec.rules[0].matches[0].path.value)).toEqual([]);
      expect(route.url).toBe(`https://${hostname}`);
      const grants = objs.filter((o) => o.kind === 'ReferenceGrant');
      expect(grants.map((r) => [r.metadata.namespace, r.spec])).toEqual(g.crossNamespace ? [['apps', {
        from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'edge' }],
        to: [{ group: '', kind: 'Service', name: 'web' }],
      }]] : []);
      const np = objs.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === `${name}-gateway`);
      expect(np.metadata.namespace).toBe('apps');
      const peer = g.source.kind === 'any' ? {}
        : g.source.kind === 'namespace' ? { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': g.source.namespace } }, ...(g.source.selector ? { podSelector: { matchLabels: g.source.selector } } : {}) }] }
          : { from: [{ ipBlock: { cidr: g.source.cidr } }] };
      expect(np.spec.ingress).toEqual([{ ...peer, ports: [{ port, protocol: 'TCP' }] }]);
    }), { seed: SEED, numRuns: 50 });
  }, 60_000);

  const breakers: Breaker<Generated>[] = [
    breaker('hostname', ['Web.example.net', 'web_1.example.net', '*.example.net', 'a..b', '-web.example.net', `${'x'.repeat(250)}.net`], (g, v: string) => ({ ...g, hostname: v })),
    // the Gateway API forbids IPs in hostnames ("1. IPs are not allowed")
    breaker('hostname', ['192.168.1.10', '10.0.0.1'], (g, v: string) => ({ ...g, hostname: v })),
    breaker('pathPrefix', ['api', 'grafana/', '/a?b=1', '/a b', '/a#top', ' /'], (g, v: string) => ({ ...g, path: v as any })),
    // what the HTTPRoute CEL rules refuse at apply (gatewayPathProblems above is the rule set)
    breaker('pathPrefix', ['/a//b', '/a/./b', '/a/../b', '/%2F', '/%2f', '/.', '/a/..', '/ü', '/a"b', '/a<b>', '/a\\b', `/${'a'.repeat(1024)}`], (g, v: string) => ({ ...g, path: v as any })),
    // required props left out or given as something else by a JavaScript caller
    breaker('backend', [undefined, null, 'web', {}, { serviceName: 'web' }], (g, v: unknown) => ({ ...g, _override: { backend: v } } as Generated)),
    breaker('auth', [undefined, null, 'public'], (g, v: unknown) => ({ ...g, _override: { auth: v } } as Generated)),
    breaker('auth.reason', ['short', '', 'two\nlines here', '         '], (g, v: string) => ({ ...g, auth: { ...g.auth, reason: v, pad: '' } })),
    breaker('name', ['Web', 'web_1', '-web', 'w'.repeat(64)], (g, v: string) => ({ ...g, name: v })),
    breaker('port', ['metrics', 'HTTP'], (g, v: string) => ({ ...g, portIndex: 1, ports: g.ports.length > 1 ? g.ports : [...g.ports, g.ports[0] === 8080 ? 8081 : 8080], name: g.name, _port: v } as Generated)),
    breaker('gatewaySource.namespace', ['Gateway', 'envoy_gateway', ''], (g, v: string) => ({ ...g, source: { kind: 'namespace' as const, namespace: v, selector: undefined } as Generated['source'] })),
    breaker('gatewaySource.cidr', ['10.0.0.0', '10.0.0.0/40', 'nodes'], (g, v: string) => ({ ...g, source: { kind: 'cidr', cidr: v } })),
    breaker('profile.gateway', [undefined], (g) => ({ ...g, profile: { ...g.profile, gateway: undefined } })),
    breaker('hostname', [undefined], (g) => ({ ...g, hostname: undefined, profile: { ...g.profile, domain: undefined } })),
  ];

  test.each(breakerRows(breakers))('%s is refused at the route\'s path — never a TypeError', (_t, b) => {
    assertBreaker(validRoute, b, (g) => build(g, { ...((g as any)._port ? { port: (g as any)._port } : {}), ...((g as any)._override ?? {}) }), (g) => `prop/${g.crossNamespace ? 'edge' : 'apps'}/Route`, 3);
  }, 30_000);

  test('an auth declaration that does not fit the backend is refused at the route\'s path', () => {
    fc.assert(fc.property(validRoute, fc.constantFrom('proxy-to-app', 'missing'), (g, how) => {
      let error: unknown;
      try {
        build(g, { auth: how === 'missing' ? (undefined as unknown as RouteAuth) : RouteAuth.authProxy() });
      } catch (e) {
        error = e;
      }
      expect((error as Error)?.constructor?.name).toBe('ValidationError');
      expect((error as Error).message).toMatch(how === 'missing'
        ? /^\[prop\/(apps|edge)\/Route\] auth = undefined: every route declares how its users are authenticated\. Fix: /
        : /^\[prop\/(apps|edge)\/Route\] auth = "auth-proxy": the backend web\.apps is not an authenticating proxy\. Fix: /);
    }), { seed: SEED, numRuns: 10 });
  }, 30_000);
});
