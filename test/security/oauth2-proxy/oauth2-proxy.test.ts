import {
  AppSize, AppWorkload, Criticality, ExternalService, GatewaySource, IdentityProviderKind, Images, Namespace, OAuth2Proxy, OAuth2ProxyProps,
  Probe, SplitHorizonDns, imageReference, secretRequirementsOf,
} from '../../../lib';
import { createValidator } from '../../schema/validator';
import { errorOf } from '../../helpers';
import { LAB_PROFILE, find, labCluster, manifestsOf } from '../../networking/lab';

function setup(withPolicies = false, overrides = {}) {
  const cluster = labCluster(withPolicies, overrides);
  const ns = new Namespace(cluster, 'monitoring');
  const prometheus = new AppWorkload(ns, 'prometheus', {
    image: 'quay.io/prometheus/prometheus:v2.54.1',
    size: AppSize.LARGE,
    ports: [{ name: 'http', port: 9090 }, { name: 'web', port: 9091 }],
    probes: { readiness: Probe.httpGet('/-/ready'), liveness: Probe.httpGet('/-/healthy') },
    writablePaths: ['/prometheus'],
  });
  return { cluster, ns, prometheus };
}

function front(props: Partial<OAuth2ProxyProps> = {}, withPolicies = false, overrides = {}) {
  const s = setup(withPolicies, overrides);
  const proxy = new OAuth2Proxy(s.ns, 'Front', { name: 'prometheus', upstream: s.prometheus, ...props });
  return { ...s, proxy, objs: manifestsOf(s.cluster) };
}

const DEFAULT_ARGS = [
  '--http-address=0.0.0.0:4180',
  '--provider=oidc',
  '--provider-display-name=Authentik',
  '--oidc-issuer-url=https://auth.lab.example.net/application/o/prometheus/',
  '--client-id=prometheus',
  '--redirect-url=https://prometheus.lab.example.net/oauth2/callback',
  '--upstream=http://prometheus.monitoring.svc.cluster.local:9090/',
  '--email-domain=*',
  '--code-challenge-method=S256',
  '--cookie-name=_oauth2_proxy_prometheus',
  '--cookie-secure=true',
  '--cookie-domain=prometheus.lab.example.net',
  '--cookie-samesite=lax',
  '--cookie-expire=24h',
  '--cookie-refresh=1h',
  '--whitelist-domain=prometheus.lab.example.net',
  '--reverse-proxy=true',
  '--trusted-proxy-ip=192.168.10.224/28',
  '--real-client-ip-header=X-Forwarded-For',
  '--skip-provider-button=true',
  '--silence-ping-logging=true',
];

const PROXY_PODS = { 'app.kubernetes.io/name': 'oauth2-proxy-prometheus', 'app.kubernetes.io/instance': 'oauth2-proxy-prometheus' };
const PATH = '[lab/monitoring/Front]';

describe('OAuth2Proxy defaults', () => {
  const { proxy, objs } = front();
  const deployment = find(objs, 'Deployment', 'oauth2-proxy-prometheus');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];

  test('exposes its names and URLs', () => {
    expect([proxy.name, proxy.namespace, proxy.hostname, proxy.url, proxy.redirectUrl, proxy.issuerUrl, proxy.clientId, proxy.serviceName]).toEqual([
      'oauth2-proxy-prometheus', 'monitoring', 'prometheus.lab.example.net', 'https://prometheus.lab.example.net',
      'https://prometheus.lab.example.net/oauth2/callback', 'https://auth.lab.example.net/application/o/prometheus/', 'prometheus', 'oauth2-proxy-prometheus',
    ]);
    expect(proxy.servicePorts).toEqual([{ name: 'http', port: 4180 }]);
    expect(proxy.podSelector).toEqual(PROXY_PODS);
  });

  test('2 replicas of the pinned oauth2-proxy image, with a PodDisruptionBudget', () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(container.image).toBe(imageReference(Images.oauth2Proxy));
    expect(container.image).toBe('quay.io/oauth2-proxy/oauth2-proxy:v7.15.5');
    expect(find(objs, 'PodDisruptionBudget', 'oauth2-proxy-prometheus').spec.maxUnavailable).toBe(1);
  });

  test('configured by flags: Authentik issuer with the trailing slash, PKCE S256, host-bound cookie, trusted proxies = gateway range', () => {
    expect(container.args).toEqual(DEFAULT_ARGS);
    expect(proxy.args).toEqual(DEFAULT_ARGS);
  });

  test('client and cookie secrets only by Secret reference', () => {
    expect(container.env).toEqual([
      { name: 'OAUTH2_PROXY_CLIENT_SECRET', valueFrom: { secretKeyRef: { name: 'oauth2-proxy-prometheus', key: 'client-secret' } } },
      { name: 'OAUTH2_PROXY_COOKIE_SECRET', valueFrom: { secretKeyRef: { name: 'oauth2-proxy-prometheus', key: 'cookie-secret' } } },
    ]);
    expect(objs.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('the Secret is declared with a cookie-secret check the Pulumi engine runs on the value', () => {
    const [req] = secretRequirementsOf(proxy);
    expect([req.namespace, req.name, Object.keys(req.keys)]).toEqual(['monitoring', 'oauth2-proxy-prometheus', ['client-secret', 'cookie-secret']]);
    const validate = req.keys['cookie-secret'].validate!;
    expect(validate('k'.repeat(43))).toBeUndefined();
    expect(validate('k'.repeat(167))).toMatch(/^oauth2-proxy needs 16, 24 or 32 bytes for its AES cookie cipher; .* but is 167 bytes"$/);
  });

  test('/ping liveness and startup, /ready readiness', () => {
    expect(container.livenessProbe).toEqual({ httpGet: { path: '/ping', port: 'http', scheme: 'HTTP' }, periodSeconds: 20, failureThreshold: 3, timeoutSeconds: 3 });
    expect(container.readinessProbe).toEqual({ httpGet: { path: '/ready', port: 'http', scheme: 'HTTP' }, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 3 });
    expect(container.startupProbe).toEqual({ httpGet: { path: '/ping', port: 'http', scheme: 'HTTP' }, periodSeconds: 5, failureThreshold: 60, timeoutSeconds: 3 });
  });

  test('hardened: uid/gid 2000, non-root, read-only root filesystem, no capabilities, no token', () => {
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 2000, runAsGroup: 2000, privileged: false, capabilities: { drop: ['ALL'] },
    });
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 2000, runAsGroup: 2000, fsGroup: 2000, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } });
    expect([pod.automountServiceAccountToken, pod.enableServiceLinks, pod.hostAliases]).toEqual([false, false, undefined]);
    expect(container.resources).toEqual({ requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } });
  });

  test('Service on 4180', () => {
    expect(find(objs, 'Service', 'oauth2-proxy-prometheus').spec.ports).toEqual([{ name: 'http', port: 4180, targetPort: 'http', protocol: 'TCP' }]);
  });

  test('HTTPRoute on the profile gateway for <name>.<domain>, to the proxy, with no auth annotation (the proxy is the auth)', () => {
    const route = find(objs, 'HTTPRoute', 'oauth2-proxy-prometheus');
    expect(route.metadata.namespace).toBe('monitoring');
    expect(route.metadata.annotations).toBeUndefined();
    expect(route.spec).toEqual({
      parentRefs: [{ name: 'main-gateway', namespace: 'networking', sectionName: 'https' }],
      hostnames: ['prometheus.lab.example.net'],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'oauth2-proxy-prometheus', port: 4180 }] }],
    });
    expect(objs.filter((o) => o.kind === 'ReferenceGrant')).toEqual([]);
  });

  test('NetworkPolicies: gateway → proxy:4180, proxy → identity provider:443 and upstream:9090, upstream admits only the proxy', () => {
    expect(find(objs, 'NetworkPolicy', 'oauth2-proxy-prometheus-gateway').spec).toEqual({
      podSelector: { matchLabels: PROXY_PODS }, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 4180, protocol: 'TCP' }] }],
    });
    expect(find(objs, 'NetworkPolicy', 'oauth2-proxy-prometheus-identity-provider').spec).toEqual({
      podSelector: { matchLabels: PROXY_PODS }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 443, protocol: 'TCP' }] }],
    });
    expect(find(objs, 'NetworkPolicy', 'oauth2-proxy-prometheus').spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/instance': 'prometheus' } } }],
      ports: [{ port: 9090, protocol: 'TCP' }],
    }]);
    expect(find(objs, 'NetworkPolicy', 'prometheus').spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: PROXY_PODS } }],
      ports: [{ port: 9090, protocol: 'TCP' }],
    }]);
    // an AppWorkload upstream is opened through its own NetworkPolicy; no extra one
    expect(objs.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'oauth2-proxy-prometheus-upstream')).toEqual([]);
  });

  test('every object is in the proxy\'s app folder', () => {
    const s = labCluster(false);
    const n = new Namespace(s, 'monitoring');
    const p = new AppWorkload(n, 'prometheus', { image: 'quay.io/prometheus/prometheus:v2.54.1', size: AppSize.LARGE, ports: [{ name: 'http', port: 9090 }] });
    new OAuth2Proxy(n, 'Front', { name: 'prometheus', upstream: p });
    const folders = s.synthesize().objects.filter((o) => o.path.includes('/Front/')).map((o) => `${o.folder}/${o.app}`);
    expect(new Set(folders)).toEqual(new Set(['monitoring/oauth2-proxy-prometheus']));
  });

  test('every object validates against the Kubernetes and Gateway API schemas', () => {
    const validator = createValidator();
    expect(objs.flatMap((o) => validator.validate(o))).toEqual([]);
  });

  test('with split-horizon DNS the cluster passes every policy with no findings; without it the DNS hairpin is an error', () => {
    const s = setup(true);
    new OAuth2Proxy(s.ns, 'Front', { name: 'prometheus', upstream: s.prometheus });
    expect(s.cluster.synthesize().findings.map((f) => f.ruleId)).toEqual(['HK-EXP-06']);
    new SplitHorizonDns(s.cluster);
    const synth = s.cluster.synthesize();
    expect(synth.errors).toEqual([]);
    expect(synth.findings).toEqual([]);
  });
});

describe('OAuth2Proxy options', () => {
  test('construct id is the name when no name is given', () => {
    const s = setup();
    const p = new OAuth2Proxy(s.ns, 'grafana', { upstream: s.prometheus });
    expect([p.name, p.hostname, p.clientId]).toEqual(['oauth2-proxy-grafana', 'grafana.lab.example.net', 'grafana']);
  });

  test('one replica gets no PodDisruptionBudget', () => {
    const { objs } = front({ replicas: 1 });
    expect(find(objs, 'Deployment', 'oauth2-proxy-prometheus').spec.replicas).toBe(1);
    expect(objs.filter((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === 'oauth2-proxy-prometheus')).toEqual([]);
  });

  test('hostname, slug, client id, secret, cookie, access and trust settings', () => {
    const { objs, proxy } = front({
      hostname: 'metrics.lab.example.net',
      slug: 'prom',
      clientId: 'prom-client',
      secret: { name: 'prom-oidc', clientSecretKey: 'oidc-secret', cookieSecretKey: 'cookie' },
      cookie: { expire: '168h', refresh: '30m', name: '__Secure-prom', sameSite: 'strict' },
      emailDomains: ['example.net', 'example.org'],
      allowedGroups: ['admins', 'sre'],
      scopes: ['openid', 'email', 'profile', 'groups'],
      trustedProxyCidrs: ['10.42.0.0/16', '192.168.10.0/24'],
      upstreamPort: 'web',
      upstreamScheme: 'https',
      resources: { cpu: '20m', memory: '64Mi', memoryLimit: '128Mi' },
      criticality: Criticality.CRITICAL,
    });
    const pod = find(objs, 'Deployment', 'oauth2-proxy-prometheus').spec.template.spec;
    expect(pod.containers[0].args).toEqual([
      '--http-address=0.0.0.0:4180',
      '--provider=oidc',
      '--provider-display-name=Authentik',
      '--oidc-issuer-url=https://auth.lab.example.net/application/o/prom/',
      '--client-id=prom-client',
      '--redirect-url=https://metrics.lab.example.net/oauth2/callback',
      '--upstream=https://prometheus.monitoring.svc.cluster.local:9091/',
      '--email-domain=example.net',
      '--email-domain=example.org',
      '--allowed-group=admins',
      '--allowed-group=sre',
      '--scope=openid email profile groups',
      '--code-challenge-method=S256',
      '--cookie-name=__Secure-prom',
      '--cookie-secure=true',
      '--cookie-domain=metrics.lab.example.net',
      '--cookie-samesite=strict',
      '--cookie-expire=168h',
      '--cookie-refresh=30m',
      '--whitelist-domain=metrics.lab.example.net',
      '--reverse-proxy=true',
      '--trusted-proxy-ip=10.42.0.0/16',
      '--trusted-proxy-ip=192.168.10.0/24',
      '--real-client-ip-header=X-Forwarded-For',
      '--skip-provider-button=true',
      '--silence-ping-logging=true',
    ]);
    expect(pod.containers[0].env.map((e: any) => e.valueFrom.secretKeyRef)).toEqual([{ name: 'prom-oidc', key: 'oidc-secret' }, { name: 'prom-oidc', key: 'cookie' }]);
    expect(pod.containers[0].resources).toEqual({ requests: { cpu: '20m', memory: '64Mi' }, limits: { memory: '128Mi' } });
    expect(pod.priorityClassName).toBe('workload-critical');
    expect(find(objs, 'HTTPRoute', 'oauth2-proxy-prometheus').spec.hostnames).toEqual(['metrics.lab.example.net']);
    expect(find(objs, 'NetworkPolicy', 'oauth2-proxy-prometheus').spec.egress[0].ports).toEqual([{ port: 9091, protocol: 'TCP' }]);
    expect(proxy.redirectUrl).toBe('https://metrics.lab.example.net/oauth2/callback');
  });

  test('generic OIDC: the issuer is given and validated, the client id required', () => {
    const { objs, proxy } = front({ issuerUrl: 'https://id.example.org/realms/lab', clientId: 'prometheus-ui' }, false,
      { identityProvider: { kind: IdentityProviderKind.OIDC, host: 'id.example.org' } });
    const args: string[] = find(objs, 'Deployment', 'oauth2-proxy-prometheus').spec.template.spec.containers[0].args;
    expect(args.slice(0, 5)).toEqual(['--http-address=0.0.0.0:4180', '--provider=oidc', '--provider-display-name=id.example.org', '--oidc-issuer-url=https://id.example.org/realms/lab', '--client-id=prometheus-ui']);
    expect(proxy.issuerUrl).toBe('https://id.example.org/realms/lab');
  });

  test('an Authentik issuer given exactly as derived is accepted', () => {
    expect(front({ issuerUrl: 'https://auth.lab.example.net/application/o/prometheus/' }).proxy.issuerUrl).toBe('https://auth.lab.example.net/application/o/prometheus/');
  });

  test('a chart-rendered upstream: the proxy reaches its pods on their port, and a NetworkPolicy in its namespace admits only the proxy', () => {
    const cluster = labCluster(false, { externalServices: [{ name: 'longhorn-frontend', namespace: 'longhorn-system', ports: [80], reason: 'Longhorn chart' }] });
    const n = new Namespace(cluster, 'longhorn-system');
    new OAuth2Proxy(n, 'LonghornFront', {
      name: 'longhorn',
      upstream: ExternalService.fromProfile(n, 'longhorn-system', 'longhorn-frontend'),
      upstreamPods: { selector: { app: 'longhorn-ui' }, port: 8000 },
    });
    const objs = manifestsOf(cluster);
    const args: string[] = find(objs, 'Deployment', 'oauth2-proxy-longhorn').spec.template.spec.containers[0].args;
    expect(args).toContain('--upstream=http://longhorn-frontend.longhorn-system.svc.cluster.local:80/');
    expect(find(objs, 'NetworkPolicy', 'oauth2-proxy-longhorn').spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'longhorn-system' } }, podSelector: { matchLabels: { app: 'longhorn-ui' } } }],
      ports: [{ port: 8000, protocol: 'TCP' }],
    }]);
    const upstream = find(objs, 'NetworkPolicy', 'oauth2-proxy-longhorn-upstream');
    expect(upstream.metadata.namespace).toBe('longhorn-system');
    expect(upstream.spec).toEqual({
      podSelector: { matchLabels: { app: 'longhorn-ui' } },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'longhorn-system' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'oauth2-proxy-longhorn', 'app.kubernetes.io/instance': 'oauth2-proxy-longhorn' } } }],
        ports: [{ port: 8000, protocol: 'TCP' }],
      }],
    });
  });

  test('an external upstream without known pods gets no upstream NetworkPolicy', () => {
    const cluster = labCluster(false, { externalServices: [{ name: 'legacy', namespace: 'apps', ports: [8080], reason: 'installed by hand' }] });
    const n = new Namespace(cluster, 'apps');
    new OAuth2Proxy(n, 'Front', { name: 'legacy', upstream: ExternalService.fromProfile(n, 'apps', 'legacy') });
    const objs = manifestsOf(cluster);
    expect(objs.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name).sort()).toEqual([
      'allow-dns', 'default-deny', 'oauth2-proxy-legacy', 'oauth2-proxy-legacy-gateway', 'oauth2-proxy-legacy-identity-provider',
    ]);
  });

  test('the route in another namespace: HTTPRoute there, ReferenceGrant in the proxy\'s namespace', () => {
    const s = setup();
    const routes = new Namespace(s.cluster, 'edge');
    new OAuth2Proxy(s.ns, 'Front', { name: 'prometheus', upstream: s.prometheus, routeNamespace: routes });
    const objs = manifestsOf(s.cluster);
    const route = find(objs, 'HTTPRoute', 'oauth2-proxy-prometheus');
    expect(route.metadata.namespace).toBe('edge');
    expect(route.spec.rules[0].backendRefs).toEqual([{ name: 'oauth2-proxy-prometheus', namespace: 'monitoring', port: 4180 }]);
    const grant = find(objs, 'ReferenceGrant', 'edge-oauth2-proxy-prometheus');
    expect(grant.metadata.namespace).toBe('monitoring');
    expect(grant.spec).toEqual({
      from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'edge' }],
      to: [{ group: '', kind: 'Service', name: 'oauth2-proxy-prometheus' }],
    });
    expect(find(objs, 'NetworkPolicy', 'oauth2-proxy-prometheus-gateway').metadata.namespace).toBe('monitoring');
    const validator = createValidator();
    expect(objs.flatMap((o) => validator.validate(o))).toEqual([]);
  });

  test('a gateway whose proxies run as pods: the gateway rule names their namespace', () => {
    const { objs } = front({ gatewaySource: GatewaySource.namespace('traefik', { 'app.kubernetes.io/name': 'traefik' }) });
    expect(find(objs, 'NetworkPolicy', 'oauth2-proxy-prometheus-gateway').spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } } }],
      ports: [{ port: 4180, protocol: 'TCP' }],
    }]);
  });

  test('hostAliases are an explicit fallback: the issuer host pinned to the gateway IP, with the reason recorded as the HK-EXP-07 exemption', () => {
    const s = setup(true);
    new OAuth2Proxy(s.ns, 'Front', { name: 'prometheus', upstream: s.prometheus, hostAliases: { reason: 'CoreDNS is managed by the hosting provider' } });
    const synth = s.cluster.synthesize();
    const d = synth.objects.map((o) => o.manifest).find((m) => m.kind === 'Deployment' && m.metadata.name === 'oauth2-proxy-prometheus')!;
    expect(d.spec.template.spec.hostAliases).toEqual([{ ip: '192.168.10.224', hostnames: ['auth.lab.example.net'] }]);
    expect(JSON.parse(d.metadata.annotations!['hardened-homelab.io/exemptions'])).toEqual({ 'HK-EXP-07': 'hostAliases opted in: CoreDNS is managed by the hosting provider' });
    // the hairpin is solved for this pod (no HK-EXP-06), the hostAliases warning is exempted with the reason
    expect(synth.errors).toEqual([]);
    expect(synth.findings.map((f) => [f.ruleId, f.exemption])).toEqual([['HK-EXP-07', 'hostAliases opted in: CoreDNS is managed by the hosting provider']]);
  });
});

describe('OAuth2Proxy errors', () => {
  const err = (props: Partial<OAuth2ProxyProps>, overrides = {}, id = 'Front') => errorOf(() => {
    const s = setup(false, overrides);
    new OAuth2Proxy(s.ns, id, { name: 'prometheus', upstream: s.prometheus, ...props });
  });

  test('a second front with the same construct id, naming the path it would have had', () => {
    const s = setup();
    new OAuth2Proxy(s.ns, 'Front', { name: 'prometheus', upstream: s.prometheus });
    expect(errorOf(() => new OAuth2Proxy(s.ns, 'Front', { name: 'prometheus-2', upstream: s.prometheus })))
      .toBe(`${PATH} id = "Front": lab/monitoring already has a construct with this id (OAuth2Proxy), and ids are unique within their scope. Fix: choose another id (the id names the objects it synthesizes), or reuse the construct you created first`);
  });

  test('an upstream that is no Service, and lists given as something else, are refused, not iterated', () => {
    // found by the property suite's type-confusion inputs (JavaScript callers, `as any`): these were TypeErrors
    expect(err({ upstream: undefined as any })).toBe(`${PATH} upstream = undefined: the front needs the Service of the UI it protects. Fix: pass the AppWorkload, or a typed endpoint such as ChartUpstreams.prometheus() / ExternalService.fromProfile(...)`);
    expect(err({ upstream: { serviceName: 'ui' } as any })).toMatch(/^\[lab\/monitoring\/Front\] upstream = \{"serviceName":"ui"\}: the front needs the Service/);
    expect(err({ emailDomains: 'example.net' as any })).toBe(`${PATH} emailDomains = "example.net": a list. Fix: write emailDomains: ["*"]`);
    expect(err({ allowedGroups: 'admins' as any })).toBe(`${PATH} allowedGroups = "admins": a list. Fix: write allowedGroups: ["admins"]`);
    expect(err({ scopes: 'openid' as any })).toBe(`${PATH} scopes = "openid": a list. Fix: write scopes: ["openid"]`);
    expect(err({ trustedProxyCidrs: '10.0.0.0/8' as any })).toBe(`${PATH} trustedProxyCidrs = "10.0.0.0/8": a list. Fix: write trustedProxyCidrs: ["192.168.10.224/28"]`);
  });

  test('seed 003 issuer mismatch: an Authentik issuer without the trailing slash', () => {
    expect(err({ issuerUrl: 'https://auth.lab.example.net/application/o/prometheus' })).toBe(
      `${PATH} issuerUrl = "https://auth.lab.example.net/application/o/prometheus": Authentik publishes this issuer with a trailing slash and oauth2-proxy compares issuers byte for byte, `
      + 'so OIDC discovery fails with an issuer mismatch (the seed 003 "no trailing slash" lesson is wrong). '
      + 'Fix: leave issuerUrl out (it is derived from profile.identityProvider), or use "https://auth.lab.example.net/application/o/prometheus/"');
  });

  test('an Authentik issuer for another application or host', () => {
    expect(err({ issuerUrl: 'https://auth.lab.example.net/application/o/grafana/' })).toBe(
      `${PATH} issuerUrl = "https://auth.lab.example.net/application/o/grafana/": Authentik publishes the issuer of application "prometheus" as https://auth.lab.example.net/application/o/prometheus/. `
      + 'Fix: leave issuerUrl out (it is derived from profile.identityProvider), or use "https://auth.lab.example.net/application/o/prometheus/"');
  });

  test('an invalid slug', () => {
    expect(err({ slug: 'prom/etheus' })).toBe(`${PATH} slug = "prom/etheus": not an Authentik application slug (letters, digits, "-" and "_"). Fix: use the slug shown under Applications in the Authentik admin UI, e.g. "prometheus"`);
  });

  test('generic OIDC: issuer, client id and slug', () => {
    const oidc = { identityProvider: { kind: IdentityProviderKind.OIDC, host: 'id.example.org' } };
    expect(err({ clientId: 'x' }, oidc)).toBe(`${PATH} issuerUrl = undefined: a generic OIDC provider's issuer cannot be derived. Fix: pass the "issuer" of https://id.example.org/.well-known/openid-configuration`);
    expect(err({ clientId: 'x' }, { identityProvider: undefined })).toBe(`${PATH} issuerUrl = undefined: the profile names no identity provider, so the issuer cannot be derived. Fix: set profile.identityProvider, or pass issuerUrl`);
    expect(err({ clientId: 'x', issuerUrl: 'https://id.example.org/?tenant=1' }, oidc)).toBe(
      `${PATH} issuerUrl = "https://id.example.org/?tenant=1": an OIDC issuer has no query or fragment. Fix: copy the "issuer" value from the discovery document exactly, without "?…" or "#…"`);
    expect(err({ clientId: 'x', issuerUrl: 'http://id.example.org' }, oidc)).toBe(
      `${PATH} issuerUrl = "http://id.example.org": an OIDC issuer is an absolute https:// URL. Fix: copy the "issuer" value from https://<idp>/.well-known/openid-configuration`);
    expect(err({ issuerUrl: 'https://id.example.org' }, oidc)).toBe(`${PATH} clientId = undefined: a generic OIDC provider needs the client id registered for this front. Fix: pass clientId`);
    expect(err({ issuerUrl: 'https://id.example.org', clientId: 'x', slug: 'x' }, oidc)).toBe(`${PATH} slug = "x": a slug names an Authentik application, and the identity provider is not Authentik. Fix: remove slug`);
  });

  test('a client id with spaces', () => {
    expect(err({ clientId: 'my client' })).toBe(`${PATH} clientId = "my client": a client id is printable ASCII without spaces. Fix: copy the client id from the identity provider`);
  });

  test('names: invalid or too long, no namespace', () => {
    expect(err({ name: 'Prometheus' })).toBe(`${PATH} name = "Prometheus": not a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit). Fix: did you mean "prometheus"?`);
    expect(err({ name: undefined }, {}, 'a'.repeat(40))).toMatch(/^\[lab\/monitoring\/a{40}\] id = "a{40}": a DNS-1123 label has at most 39 characters, got 40\. Fix: shorten it/);
    const s = setup();
    expect(errorOf(() => new OAuth2Proxy(s.cluster.clusterChart, 'Front', { name: 'x', upstream: s.prometheus }))).toBe(
      '[lab/cluster/Front] scope = "lab/cluster": a front lives in a namespace. Fix: create it inside a Namespace, usually the upstream\'s');
  });

  test('host names', () => {
    expect(err({}, { domain: undefined })).toBe(`${PATH} hostname = undefined: no hostname given and the profile has no domain to derive one from. Fix: pass hostname, or set profile.domain`);
    expect(err({ hostname: 'Prometheus.lab' })).toMatch(/^\[lab\/monitoring\/Front\] hostname = "Prometheus\.lab": not a DNS-1123 subdomain/);
  });

  test('cookie lifetimes: refresh must be less than expire (oauth2-proxy refuses to start otherwise)', () => {
    expect(err({ cookie: { expire: '1h', refresh: '1h' } })).toBe(`${PATH} cookie.refresh = "1h": cookie_refresh must be less than cookie_expire (1h), or oauth2-proxy refuses to start. Fix: refresh well before expiry, e.g. refresh "1h" with expire "24h"`);
    expect(err({ cookie: { expire: '30m', refresh: '1h' } })).toMatch(/^\[lab\/monitoring\/Front\] cookie\.refresh = "1h": cookie_refresh must be less than cookie_expire \(30m\)/);
    expect(err({ cookie: { expire: '0', refresh: '0' } })).toMatch(/cookie_refresh must be less than cookie_expire \(0\)/);
    expect(err({ cookie: { expire: '1d' } })).toBe(`${PATH} cookie.expire = "1d": not a Go duration. Fix: Go durations have no days: write hours, e.g. "336h" for 14 days`);
    expect(err({ cookie: { refresh: 'soon' } })).toBe(`${PATH} cookie.refresh = "soon": not a Go duration. Fix: write hours, minutes and seconds, e.g. "720h0m0s" or "48h"`);
  });

  test('cookie name and SameSite', () => {
    expect(err({ cookie: { name: 'my cookie' } })).toBe(`${PATH} cookie.name = "my cookie": a cookie name is 1-191 token characters (no spaces, quotes, separators). Fix: use letters, digits and "_", e.g. "_oauth2_proxy_grafana"`);
    expect(err({ cookie: { name: 'c'.repeat(192) } })).toMatch(/^\[lab\/monitoring\/Front\] cookie\.name = "c{192}": a cookie name is 1-191 token characters/);
    expect(err({ cookie: { sameSite: 'Lax' as any } })).toBe(`${PATH} cookie.sameSite = "Lax": cookie_samesite must be one of "", "lax", "strict", "none". Fix: use "lax"`);
  });

  test('email domains, groups and scopes', () => {
    expect(err({ emailDomains: [] })).toBe(`${PATH} emailDomains = []: oauth2-proxy needs at least one email domain (a domain, or "*" for any). Fix: use ["*"] to admit every user the identity provider authenticates, or e.g. ["example.net"]`);
    expect(err({ emailDomains: ['@example.net'] })).toMatch(/^\[lab\/monitoring\/Front\] emailDomains = \["@example\.net"\]: oauth2-proxy needs at least one email domain/);
    expect(err({ allowedGroups: ['a,b'] })).toBe(`${PATH} allowedGroups[0] = "a,b": a group name is a non-empty string without commas. Fix: list one group per entry, e.g. ["admins"]`);
    expect(err({ scopes: ['openid email'] })).toBe(`${PATH} scopes[0] = "openid email": not an OAuth scope token. Fix: list one scope per entry, e.g. ["openid", "email", "profile", "groups"]`);
    expect(err({ scopes: ['email'] })).toBe(`${PATH} scopes = ["email"]: an OIDC login needs the "openid" scope. Fix: add "openid"`);
  });

  test('trusted proxies: required (no trust-all), and CIDRs', () => {
    expect(err({}, { gateway: { ...LAB_PROFILE.gateway!, cidr: undefined } })).toBe(
      `${PATH} trustedProxyCidrs = undefined: behind the gateway the proxy runs with --reverse-proxy, and without --trusted-proxy-ip it trusts every client's X-Forwarded-* headers `
      + '(a skip-auth bypass class of bugs in oauth2-proxy 7.15.x). Fix: set profile.gateway.cidr to the range the gateway\'s proxies connect from, or pass trustedProxyCidrs');
    expect(err({ trustedProxyCidrs: [] })).toMatch(/^\[lab\/monitoring\/Front\] trustedProxyCidrs = \[\]: behind the gateway/);
    expect(err({ trustedProxyCidrs: ['10.42.0.0'] })).toBe(`${PATH} trustedProxyCidrs[0] = "10.42.0.0": not an IPv4 CIDR. Fix: write it like "192.168.10.224/28"`);
  });

  test('secret name and keys', () => {
    expect(err({ secret: { name: 'Bad_Secret' } })).toMatch(/^\[lab\/monitoring\/Front\] secret\.name = "Bad_Secret": not a DNS-1123 subdomain/);
    expect(err({ secret: { name: 's', clientSecretKey: 'k', cookieSecretKey: 'k' } })).toBe(`${PATH} secret.cookieSecretKey = "k": the client secret and the cookie secret are different values. Fix: use two keys, e.g. "client-secret" and "cookie-secret"`);
  });

  test('upstream port, scheme and pods', () => {
    expect(err({ upstreamPort: 'metrics' })).toBe(`${PATH} upstreamPort = "metrics": Service prometheus.monitoring has no port of that name (ports: http, web). Fix: use one of "http", "web"`);
    expect(err({ upstreamScheme: 'ftp' as any })).toBe(`${PATH} upstreamScheme = "ftp": must be "http" or "https". Fix: use "http" for in-cluster UIs`);
    expect(err({ upstreamPods: { selector: {}, port: 9090 } })).toBe(`${PATH} upstreamPods = {"selector":{},"port":9090}: give the upstream pods' labels (non-empty) and their port number. Fix: e.g. { selector: { "app.kubernetes.io/name": "prometheus" }, port: 9090 }`);
    expect(err({ upstreamPods: { selector: { app: 'x' }, port: 'http' } })).toMatch(/^\[lab\/monitoring\/Front\] upstreamPods = .*: give the upstream pods' labels \(non-empty\) and their port number/);
  });

  test('replicas', () => {
    expect(err({ replicas: 0 })).toBe(`${PATH} replicas = 0: a front needs at least one replica, or its UI is unreachable. Fix: use 2 (with a PodDisruptionBudget) or 1`);
  });

  test('hostAliases: need the gateway IP and a reason', () => {
    expect(err({ hostAliases: { reason: 'because' } })).toBe(`${PATH} hostAliases.reason = "because": hostAliases are an explicit fallback and need a reason of at least 10 characters. Fix: say why split-horizon DNS (SplitHorizonDns) cannot be used, e.g. "CoreDNS is managed by the provider"`);
    expect(err({ hostAliases: { reason: 'CoreDNS is managed elsewhere' } }, { gateway: { name: 'gw', namespace: 'networking', cidr: '192.168.10.224/28' } })).toBe(
      `${PATH} hostAliases = {"reason":"CoreDNS is managed elsewhere"}: hostAliases map the issuer host to the gateway IP, and the profile has none. Fix: set profile.gateway.ip, or use SplitHorizonDns`);
  });

  test('no gateway in the profile', () => {
    expect(err({}, { gateway: undefined, })).toMatch(/^\[lab\/monitoring\/Front\] trustedProxyCidrs = undefined: /);
    expect(err({ trustedProxyCidrs: ['10.0.0.0/8'] }, { gateway: undefined })).toBe(
      '[lab/monitoring/Front/Route] profile.gateway = undefined: a route attaches to the cluster gateway, and the profile names none. Fix: set profile.gateway: { name, namespace, sectionName, ip, cidr }');
  });
});
