import * as fc from 'fast-check';
import {
  AppWorkload, Cluster, ClusterProfileProps, Criticality, Distro, GitOpsEngine, IdentityProviderKind, Namespace, OAuth2Proxy, OAuth2ProxyProps, Probe, SplitHorizonDns,
  ValidationError, generateCookieSecret, secretRequirementsOf, validateCookieSecret,
} from '../../lib';
import { Breaker, SEED, assertBreaker, breaker, breakerRows, dnsLabel, dnsSubdomain, propCluster, synthClean, thrownBy } from './support';

/**
 * OAuth2Proxy properties: fronts for generated upstreams (same or other namespace), identity
 * providers (Authentik with generated slugs, generic OIDC with generated issuers and client
 * ids), host names, cookie lifetimes, groups, scopes, trusted ranges and secrets synthesize
 * cleanly with the issuer, redirect and cookie flags derived exactly; any one field made invalid
 * is refused at the front's path. Cookie secrets of every length are judged the way oauth2-proxy
 * reads them, and the value never appears in an error.
 */

const idp = fc.record({
  kind: fc.constantFrom(IdentityProviderKind.AUTHENTIK, IdentityProviderKind.OIDC),
  inDomain: fc.boolean(),
  host: dnsLabel(10),
  issuerPath: fc.constantFrom('', '/', '/realms/lab', '/application/o/lab/', '/oidc'),
});

const goDuration = (minutes: number) => (minutes % 60 === 0 ? `${minutes / 60}h` : minutes > 60 ? `${Math.floor(minutes / 60)}h${minutes % 60}m` : `${minutes}m`);

const validFront = fc.record({
  domain: dnsSubdomain.map((d) => `${d}.net`),
  idp,
  gatewayBase: fc.tuple(fc.integer({ min: 1, max: 254 }), fc.integer({ min: 0, max: 255 })),
  name: fc.option(dnsLabel(39), { nil: undefined }),
  id: fc.constantFrom('Front', 'ui-front', 'AdminFront'),
  crossNamespace: fc.boolean(),
  upstreamPorts: fc.uniqueArray(fc.integer({ min: 1024, max: 65535 }), { minLength: 1, maxLength: 2 }),
  upstreamPortIndex: fc.nat(),
  slug: fc.option(fc.stringMatching(/^[A-Za-z0-9_-]{1,30}$/), { nil: undefined }),
  exactIssuer: fc.boolean(),
  clientId: fc.stringMatching(/^[A-Za-z0-9._~-]{1,40}$/),
  hostLabel: fc.option(dnsLabel(20), { nil: undefined }),
  expireMinutes: fc.integer({ min: 2, max: 14 * 1440 }),
  refreshShare: fc.double({ min: 0, max: 0.99, noNaN: true }),
  cookieName: fc.option(fc.stringMatching(/^[A-Za-z0-9_]{1,40}$/), { nil: undefined }),
  sameSite: fc.option(fc.constantFrom('' as const, 'lax' as const, 'strict' as const, 'none' as const), { nil: undefined }),
  emailDomains: fc.option(fc.oneof(fc.constant(['*']).map((d) => [...d]), fc.array(dnsSubdomain.map((d) => `${d}.org`), { minLength: 1, maxLength: 2 })), { nil: undefined }),
  allowedGroups: fc.option(fc.array(fc.stringMatching(/^[A-Za-z][A-Za-z0-9 _-]{0,20}$/), { maxLength: 3 }), { nil: undefined }),
  scopes: fc.option(fc.subarray(['email', 'profile', 'groups', 'offline_access']).map((s) => ['openid', ...s]), { nil: undefined }),
  trusted: fc.option(fc.array(fc.tuple(fc.integer({ min: 1, max: 223 }), fc.integer({ min: 8, max: 32 })).map(([a, b]) => `${a}.0.0.0/${b}`), { minLength: 1, maxLength: 2 }), { nil: undefined }),
  secret: fc.option(fc.record({ name: dnsLabel(30), clientSecretKey: fc.constantFrom(undefined, 'client-secret', 'oidc.client_secret'), cookieSecretKey: fc.constantFrom(undefined, 'cookie', 'COOKIE_SECRET') }), { nil: undefined }),
  replicas: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  criticality: fc.option(fc.constantFrom(Criticality.CRITICAL, Criticality.STANDARD, Criticality.OPTIONAL), { nil: undefined }),
  hostAliases: fc.boolean(),
  routeInOtherNamespace: fc.boolean(),
}).map((g) => {
  const idpHost = g.idp.inDomain ? `${g.idp.host}.${g.domain}` : `${g.idp.host}.example.org`;
  const gatewayPrefix = `192.168.${g.gatewayBase[1]}`;
  const profile: ClusterProfileProps = {
    distro: Distro.K3S,
    version: 'v1.32.5+k3s1',
    nodes: [
      { name: 'node-a', allocatable: { cpu: '4', memory: '8Gi' } },
      { name: 'node-b', allocatable: { cpu: '4', memory: '8Gi' } },
    ],
    domain: g.domain,
    gateway: { name: 'main-gateway', namespace: 'networking', sectionName: 'https', ip: `${gatewayPrefix}.${g.gatewayBase[0]}`, cidr: `${gatewayPrefix}.0/24` },
    identityProvider: { kind: g.idp.kind, host: idpHost },
    gitops: { engine: GitOpsEngine.FLUX, repoUrl: 'https://github.com/example/lab' },
  };
  const authentik = g.idp.kind === IdentityProviderKind.AUTHENTIK;
  // the construct id names the front unless `name` does, and is then a DNS label itself
  const id = g.name === undefined ? 'ui-front' : g.id;
  const front = g.name ?? id;
  const slug = g.slug ?? front;
  const issuer = authentik ? `https://${idpHost}/application/o/${slug}/` : `https://${idpHost}${g.idp.issuerPath}`;
  const refreshMinutes = Math.max(1, Math.floor(g.expireMinutes * g.refreshShare));
  const props: Omit<OAuth2ProxyProps, 'upstream'> = {
    name: g.name,
    slug: authentik ? g.slug : undefined,
    issuerUrl: authentik ? (g.exactIssuer ? issuer : undefined) : issuer,
    clientId: authentik ? undefined : g.clientId,
    hostname: g.hostLabel === undefined ? undefined : `${g.hostLabel}.${g.domain}`,
    cookie: { expire: goDuration(g.expireMinutes), refresh: goDuration(Math.min(refreshMinutes, g.expireMinutes - 1)), name: g.cookieName, sameSite: g.sameSite },
    emailDomains: g.emailDomains,
    allowedGroups: g.allowedGroups,
    scopes: g.scopes,
    trustedProxyCidrs: g.trusted,
    secret: g.secret,
    replicas: g.replicas,
    criticality: g.criticality,
    hostAliases: g.hostAliases ? { reason: 'CoreDNS is managed by the provider here' } : undefined,
  };
  return { ...g, id, profile, front, issuer, authentik, props };
});

type Generated = typeof validFront extends fc.Arbitrary<infer T> ? T : never;

function build(g: Generated): { cluster: Cluster; proxy: OAuth2Proxy } {
  const cluster = propCluster(g.profile);
  const apps = new Namespace(cluster, 'apps');
  const ui = new AppWorkload(apps, 'ui', {
    image: 'ghcr.io/example/admin-ui:2.1.0',
    resources: { cpu: '50m', memory: '128Mi', memoryLimit: '256Mi' },
    ports: g.upstreamPorts.map((port, i) => ({ name: i === 0 ? 'http' : 'web', port })),
    probes: { readiness: Probe.httpGet('/ready'), liveness: Probe.httpGet('/live') },
  });
  const home = g.crossNamespace ? new Namespace(cluster, 'auth') : apps;
  const routes = g.routeInOtherNamespace ? new Namespace(cluster, 'routes') : undefined;
  const port = g.upstreamPortIndex % g.upstreamPorts.length;
  const proxy = new OAuth2Proxy(home, g.id, { ...g.props, upstream: ui, upstreamPort: port === 0 ? undefined : 'web', routeNamespace: routes });
  if (!g.hostAliases) new SplitHorizonDns(cluster);
  return { cluster, proxy };
}

describe('OAuth2Proxy properties', () => {
  test('any valid front synthesizes cleanly, with issuer, redirect, cookie and trust flags derived exactly', () => {
    fc.assert(fc.property(validFront, (g) => {
      const { cluster, proxy } = build(g);
      const objs = synthClean(cluster);
      const hostname = g.props.hostname ?? `${g.front}.${g.domain}`;
      expect([proxy.name, proxy.hostname, proxy.issuerUrl, proxy.redirectUrl]).toEqual([`oauth2-proxy-${g.front}`, hostname, g.issuer, `https://${hostname}/oauth2/callback`]);
      const deployment = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === proxy.name);
      const args: string[] = deployment.spec.template.spec.containers[0].args;
      const flag = (f: string) => args.filter((a) => a.startsWith(`--${f}=`)).map((a) => a.slice(f.length + 3));
      expect(flag('oidc-issuer-url')).toEqual([g.issuer]);
      expect(flag('client-id')).toEqual([g.authentik ? (g.slug ?? g.front) : g.clientId]);
      expect(flag('redirect-url')).toEqual([`https://${hostname}/oauth2/callback`]);
      expect(flag('cookie-domain')).toEqual([hostname]);
      expect(flag('whitelist-domain')).toEqual([hostname]);
      expect(flag('trusted-proxy-ip')).toEqual(g.props.trustedProxyCidrs ?? [g.profile.gateway!.cidr]);
      expect(flag('allowed-group')).toEqual(g.props.allowedGroups ?? []);
      expect(flag('email-domain')).toEqual(g.props.emailDomains ?? ['*']);
      expect(flag('code-challenge-method')).toEqual(['S256']);
      expect(flag('cookie-samesite')).toEqual([g.props.cookie?.sameSite ?? 'lax']);
      expect(flag('upstream')).toEqual([`http://ui.apps.svc.cluster.local:${g.upstreamPorts[g.upstreamPortIndex % g.upstreamPorts.length]}/`]);
      // cookie_refresh < cookie_expire, or oauth2-proxy refuses to start
      const minutes = (d: string) => { const m = /^(?:(\d+)h)?(?:(\d+)m)?$/.exec(d)!; return Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0); };
      expect(minutes(flag('cookie-refresh')[0])).toBeLessThan(minutes(flag('cookie-expire')[0]));
      // secrets by reference only: the two keys, never a value
      const env = deployment.spec.template.spec.containers[0].env;
      expect(env.map((e: any) => [e.name, e.value, e.valueFrom?.secretKeyRef?.name])).toEqual([
        ['OAUTH2_PROXY_CLIENT_SECRET', undefined, g.secret?.name ?? proxy.name],
        ['OAUTH2_PROXY_COOKIE_SECRET', undefined, g.secret?.name ?? proxy.name],
      ]);
      const required = secretRequirementsOf(cluster).filter((r) => r.path === proxy.node.path);
      expect(required.map((r) => [r.name, Object.keys(r.keys).sort()])).toEqual([[g.secret?.name ?? proxy.name, [g.secret?.clientSecretKey ?? 'client-secret', g.secret?.cookieSecretKey ?? 'cookie-secret'].sort()]]);
      // the route answers the host on the cluster gateway, without an auth annotation (the proxy authenticates)
      const route = objs.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === proxy.name);
      expect([route.spec.hostnames, route.spec.parentRefs, route.metadata.annotations?.['hardened-homelab.io/auth']]).toEqual([[hostname], [{ name: 'main-gateway', namespace: 'networking', sectionName: 'https' }], undefined]);
      expect(deployment.spec.replicas).toBe(g.replicas ?? 2);
      expect(objs.filter((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === proxy.name).length).toBe((g.replicas ?? 2) > 1 ? 1 : 0);
    }), { seed: SEED, numRuns: 40 });
  }, 60_000);

  const withProps = (patch: (p: Generated['props'], v: any) => Generated['props']) => (g: Generated, v: any): Generated => ({ ...g, props: patch(g.props, v) });
  const authentikOnly = (g: Generated): Generated => (g.authentik ? g : {
    ...g, authentik: true, profile: { ...g.profile, identityProvider: { kind: IdentityProviderKind.AUTHENTIK, host: g.profile.identityProvider!.host } },
    props: { ...g.props, issuerUrl: undefined, clientId: undefined },
  });
  const oidcOnly = (g: Generated): Generated => (!g.authentik ? g : {
    ...g, authentik: false, profile: { ...g.profile, identityProvider: { kind: IdentityProviderKind.OIDC, host: g.profile.identityProvider!.host } },
    props: { ...g.props, slug: undefined, issuerUrl: `https://${g.profile.identityProvider!.host}/`, clientId: 'lab' },
  });
  const breakers: Breaker<Generated>[] = [
    breaker('name', ['Grafana', 'my_front', '-x', 'n'.repeat(40)], withProps((p, v) => ({ ...p, name: v }))),
    breaker('id', ['UI Front', 'a.b', 'Front'], (g, v: string) => ({ ...g, id: v as any, props: { ...g.props, name: undefined } })),
    breaker('slug', ['my slug', 'ünïcode', 'a/b', ''], (g, v: string) => { const a = authentikOnly(g); return { ...a, props: { ...a.props, slug: v, issuerUrl: undefined } }; }),
    breaker('issuerUrl', ['no-slash', 'other-app'], (g, how: string) => {
      const a = authentikOnly(g);
      const derived = `https://${a.profile.identityProvider!.host}/application/o/${a.props.slug ?? a.front}/`;
      return { ...a, props: { ...a.props, issuerUrl: how === 'no-slash' ? derived.slice(0, -1) : `https://${a.profile.identityProvider!.host}/application/o/other-app/` } };
    }),
    breaker('issuerUrl', ['http://login.example.org/', 'https://login.example.org/?x=1', 'https://login.example.org/#f', 'login.example.org', 'https://user:pw@login.example.org/', 'not a url'], (g, v: string) => { const o = oidcOnly(g); return { ...o, props: { ...o.props, issuerUrl: v } }; }),
    breaker('issuerUrl', [undefined], (g) => { const o = oidcOnly(g); return { ...o, props: { ...o.props, issuerUrl: undefined } }; }),
    breaker('clientId', ['', 'my client', 'tab\tid'], (g, v: string) => { const o = oidcOnly(g); return { ...o, props: { ...o.props, clientId: v } }; }),
    breaker('slug', ['lab'], (g, v: string) => { const o = oidcOnly(g); return { ...o, props: { ...o.props, slug: v } }; }),
    breaker('hostname', ['Admin.example.net', 'admin_ui.example.net', '*.example.net', 'a..b', `${'x'.repeat(63)}.${'y'.repeat(63)}.${'z'.repeat(63)}.${'w'.repeat(63)}.net`], withProps((p, v) => ({ ...p, hostname: v }))),
    breaker('cookie.refresh', [0, 1], withProps((p, extra: number) => ({ ...p, cookie: { expire: '1h', refresh: extra === 0 ? '1h' : '2h' } }))),
    breaker('cookie.expire', ['1d', '24 h', 'forever', ''], withProps((p, v) => ({ ...p, cookie: { expire: v, refresh: '1h' } }))),
    breaker('cookie.refresh', ['1 hour', '-1h'], withProps((p, v) => ({ ...p, cookie: { expire: '24h', refresh: v } }))),
    breaker('cookie.name', ['my cookie', 'a;b', 'x'.repeat(192), ''], withProps((p, v) => ({ ...p, cookie: { ...p.cookie, name: v } }))),
    breaker('cookie.sameSite', ['Lax', 'off'], withProps((p, v) => ({ ...p, cookie: { ...p.cookie, sameSite: v } }))),
    breaker('emailDomains', [[], ['@example.org'], ['exa mple.org']], withProps((p, v) => ({ ...p, emailDomains: v }))),
    breaker('allowedGroups[0]', ['', '  ', 'a,b'], withProps((p, v) => ({ ...p, allowedGroups: [v] }))),
    breaker('scopes', [['email', 'profile']], withProps((p, v) => ({ ...p, scopes: v }))),
    breaker('scopes[1]', ['two words', 'quote"d'], withProps((p, v) => ({ ...p, scopes: ['openid', v] }))),
    breaker('trustedProxyCidrs[0]', ['10.0.0.0', '10.0.0.0/33', 'gateway'], withProps((p, v) => ({ ...p, trustedProxyCidrs: [v] }))),
    breaker('trustedProxyCidrs', [[]], withProps((p, v) => ({ ...p, trustedProxyCidrs: v }))),
    breaker('secret.cookieSecretKey', ['same'], withProps((p, v) => ({ ...p, secret: { name: 'front', clientSecretKey: v, cookieSecretKey: v } }))),
    breaker('secret.name', ['Front_Secret', '-s'], withProps((p, v) => ({ ...p, secret: { name: v } }))),
    breaker('replicas', [0, -1, 1.5], withProps((p, v) => ({ ...p, replicas: v }))),
    breaker('upstreamScheme', ['ftp', 'HTTP'], withProps((p, v) => ({ ...p, upstreamScheme: v }))),
    breaker('hostAliases.reason', ['short', '', '          '], (g, v: string) => ({ ...g, hostAliases: true, props: { ...g.props, hostAliases: { reason: v } } })),
    breaker('resources.memory', ['32MB', '32mb'], withProps((p, v) => ({ ...p, resources: { cpu: '10m', memory: v, memoryLimit: '128Mi' } }))),
    // wrong types (JavaScript callers, `as any`): refused, never a TypeError
    breaker(/^(emailDomains|allowedGroups|scopes|trustedProxyCidrs)$/, ['emailDomains', 'allowedGroups', 'scopes', 'trustedProxyCidrs'], withProps((p, key: string) => ({ ...p, [key]: 'one-value' }))),
    breaker('cookie.expire', [24, true], withProps((p, v) => ({ ...p, cookie: { expire: v, refresh: '1h' } }))),
  ];

  test.each(breakerRows(breakers))('%s is refused at the front\'s path — never a TypeError', (_t, b) => {
    assertBreaker(validFront, b, (g) => build(g), (g) => `prop/${g.crossNamespace ? 'auth' : 'apps'}/`, 2);
  }, 30_000);

  test('an upstream that is no Service is refused at the front\'s path', () => {
    fc.assert(fc.property(validFront, fc.constantFrom(undefined, null, 'ui', { serviceName: 'ui' }), (g, upstream) => {
      const e = thrownBy(() => {
        const cluster = propCluster(g.profile);
        new OAuth2Proxy(new Namespace(cluster, 'apps'), g.id, { ...g.props, upstream: upstream as any });
      });
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).message.startsWith(`[prop/apps/${g.id}] upstream = `)).toBe(true);
    }), { seed: SEED, numRuns: 12 });
  }, 30_000);

  test('an unknown upstream port name and a profile without gateway CIDR are refused at the front\'s path', () => {
    fc.assert(fc.property(validFront, fc.constantFrom('port', 'no-cidr', 'no-ip'), (g, how) => {
      const e = thrownBy(() => {
        const cluster = propCluster({ ...g.profile, gateway: how === 'port' ? g.profile.gateway : { name: 'main-gateway', namespace: 'networking', ...(how === 'no-cidr' ? { ip: g.profile.gateway!.ip } : { cidr: g.profile.gateway!.cidr }) } });
        const ns = new Namespace(cluster, 'apps');
        const ui = new AppWorkload(ns, 'ui', { image: 'ghcr.io/example/admin-ui:2.1.0', resources: { cpu: '50m', memory: '128Mi', memoryLimit: '256Mi' }, ports: [{ name: 'http', port: 8080 }] });
        new OAuth2Proxy(ns, g.id, {
          ...g.props, trustedProxyCidrs: how === 'no-cidr' ? undefined : g.props.trustedProxyCidrs, upstream: ui,
          upstreamPort: how === 'port' ? 'metrics' : undefined, hostAliases: how === 'no-ip' ? { reason: 'CoreDNS is managed elsewhere' } : undefined,
        });
      });
      expect(e).toBeInstanceOf(ValidationError);
      const err = e as ValidationError;
      expect(err.message.startsWith(`[prop/apps/${g.id}]`)).toBe(true);
      if (how === 'port') expect(err.prop).toBe('upstreamPort');
      if (how === 'no-ip') expect(err.prop).toBe('hostAliases');
      if (how === 'no-cidr') expect(err.prop).toBe('trustedProxyCidrs');
    }), { seed: SEED, numRuns: 15 });
  }, 30_000);
});

/** How oauth2-proxy reads a cookie secret, written from its documented rule, independently of the library. */
function oauth2ProxyKeyBytes(secret: string): number {
  const s = secret.replace(/=+$/, '').replace(/[\r\n]/g, '');
  if (/^[A-Za-z0-9_-]*$/.test(s) && s.length % 4 !== 1) {
    const decoded = Buffer.from(s, 'base64url').length;
    if ([16, 24, 32].includes(decoded)) return decoded;
  }
  return Buffer.byteLength(secret, 'utf8');
}

describe('cookie secret properties', () => {
  /** Secrets as people make them: random bytes of any length, encoded every usual way, or typed as text. */
  const secret = fc.oneof(
    fc.uint8Array({ minLength: 0, maxLength: 48 }).chain((bytes) => fc.constantFrom(
      Buffer.from(bytes).toString('base64url'),
      Buffer.from(bytes).toString('base64'),
      Buffer.from(bytes).toString('base64').replace(/=+$/, ''),
      Buffer.from(bytes).toString('hex'),
      `"${Buffer.from(bytes).toString('base64url')}"`,
      `${Buffer.from(bytes).toString('base64url')}\n`,
    )),
    fc.string({ minLength: 0, maxLength: 48 }),
    fc.string({ minLength: 0, maxLength: 40, unit: 'grapheme' }),
  );

  test('any value is accepted exactly when oauth2-proxy gets 16, 24 or 32 key bytes from it; refusals never show it', () => {
    fc.assert(fc.property(secret, (value) => {
      const bytes = oauth2ProxyKeyBytes(value);
      const ok = value !== '' && [16, 24, 32].includes(bytes);
      const e = thrownBy(() => validateCookieSecret(value));
      if (ok) {
        expect(e).toBeUndefined();
        const info = validateCookieSecret(value);
        expect(info.bytes).toBe(bytes);
        expect(info.cipher).toBe(`AES-${bytes * 8}`);
      } else {
        expect(e).toBeInstanceOf(ValidationError);
        const err = e as ValidationError;
        expect(err.prop).toBe('cookieSecret');
        if (value !== '') expect(err.message).toContain(`but is ${bytes} bytes`);
        if (value.trim().length >= 6) expect(err.message).not.toContain(value.trim());
      }
    }), { seed: SEED, numRuns: 400 });
  });

  test('random bytes of every length: URL-safe base64 of 16, 24 or 32 bytes is valid, standard base64 only when it has no + or /', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (raw) => {
      const bytes = Buffer.from(raw);
      const url = bytes.toString('base64url');
      const std = bytes.toString('base64');
      const sized = [16, 24, 32].includes(bytes.length);
      const urlOk = thrownBy(() => validateCookieSecret(url)) === undefined;
      expect(urlOk).toBe(sized || [16, 24, 32].includes(url.length));
      if (sized && /[+/]/.test(std)) {
        // standard base64 with + or / is read as raw text: 24 → 32 characters is the only size that survives (AES-256 by accident)
        expect(thrownBy(() => validateCookieSecret(std)) === undefined).toBe([16, 24, 32].includes(std.length));
      }
    }), { seed: SEED, numRuns: 300 });
  });

  test('generateCookieSecret always gives a valid 32-byte secret', () => {
    for (let i = 0; i < 50; i++) expect(validateCookieSecret(generateCookieSecret())).toEqual({ bytes: 32, encoding: 'base64url', cipher: 'AES-256' });
  });

  test('the front\'s Secret requirement validates the cookie key the same way (the Pulumi engine runs it on the value)', () => {
    fc.assert(fc.property(validFront, secret, (g, value) => {
      const { cluster, proxy } = build(g);
      const req = secretRequirementsOf(cluster).find((r) => r.path === proxy.node.path)!;
      const check = req.keys[g.secret?.cookieSecretKey ?? 'cookie-secret'].validate!;
      expect(check(value) === undefined).toBe(thrownBy(() => validateCookieSecret(value)) === undefined);
    }), { seed: SEED, numRuns: 30 });
  }, 30_000);
});
