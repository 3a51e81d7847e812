import { AnnotationKeys, Distro, IdentityProviderKind, chartExposureRule, chartExposures, dnsHairpinRule, evaluatePolicies, hostAliasesRule, oauth2ProxyConfigRule } from '../../../lib';
import { configMap, deployment, records } from '../fixtures';
import { GOOD_PROXY_ARGS, helmRelease, httpRoute, judge, labProfile, oauth2Proxy } from './fixtures';

describe('HK-EXP-04 upstream charts do not publish UIs on their own', () => {
  test('seed 003: the Longhorn chart\'s own Ingress (tls false) published the UI next to the OAuth2-proxy route', () => {
    expect(judge(chartExposureRule, [helmRelease('longhorn', 'longhorn-system', 'longhorn', { ingress: { enabled: true, host: 'longhorn.lab.example.net', tls: false } })])).toEqual([[
      'error', 'HelmRelease longhorn-system/longhorn (chart longhorn 1.0.0) switches on ingress (Ingress) and publishes Longhorn UI, an admin/data UI, without an auth proxy',
    ]]);
  });

  test('kube-prometheus-stack: Prometheus route and NodePort Service, Grafana Ingress', () => {
    const values = {
      prometheus: { route: { main: { enabled: true, hostnames: ['p.lab.example.net'] } }, service: { type: 'NodePort' } },
      grafana: { ingress: { enabled: true } },
      alertmanager: { ingress: { enabled: false } },
    };
    expect(judge(chartExposureRule, [helmRelease('kps', 'monitoring', 'kube-prometheus-stack', values)]).map(([, m]) => m)).toEqual([
      'HelmRelease monitoring/kps (chart kube-prometheus-stack 1.0.0) switches on prometheus.route.main (HTTPRoute) and publishes Prometheus, an admin/data UI, without an auth proxy',
      'HelmRelease monitoring/kps (chart kube-prometheus-stack 1.0.0) switches on prometheus.service (NodePort Service) and publishes Prometheus, an admin/data UI, without an auth proxy',
      'HelmRelease monitoring/kps (chart kube-prometheus-stack 1.0.0) switches on grafana.ingress (Ingress) and publishes Grafana, an admin/data UI, without an auth proxy',
    ]);
  });

  test('the fix says which value to turn off', () => {
    const [f] = evaluatePolicies(records(helmRelease('longhorn', 'longhorn-system', 'longhorn', { service: { ui: { type: 'LoadBalancer' } } })), [{ name: 't', rules: [chartExposureRule] }]);
    expect([f.message, f.fix]).toEqual([
      'HelmRelease longhorn-system/longhorn (chart longhorn 1.0.0) switches on service.ui (LoadBalancer Service) and publishes Longhorn UI, an admin/data UI, without an auth proxy',
      'set service.ui to type ClusterIP and expose Longhorn UI through an OAuth2Proxy front',
    ]);
  });

  test('another chart\'s own route has no auth declaration; with an app-native declaration in its values it passes', () => {
    expect(judge(chartExposureRule, [helmRelease('authentik', 'authentik', 'authentik', { server: { route: { main: { enabled: true } } } })])).toEqual([[
      'error', 'HelmRelease authentik/authentik (chart authentik 1.0.0) switches on server.route.main (HTTPRoute): the chart\'s own route carries no auth declaration, and the policies cannot see what it renders',
    ]]);
    const declared = { server: { route: { main: { enabled: true, annotations: { [AnnotationKeys.AUTH]: 'app-native: Authentik is the identity provider' } } } } };
    expect(judge(chartExposureRule, [helmRelease('authentik', 'authentik', 'authentik', declared)])).toEqual([]);
    const publicSite = { ingress: { enabled: true, annotations: { [AnnotationKeys.AUTH]: 'public: the project website' } } };
    expect(judge(chartExposureRule, [helmRelease('site', 'web', 'website', publicSite)])).toEqual([]);
    const publicAdmin = { grafana: { ingress: { enabled: true, annotations: { [AnnotationKeys.AUTH]: 'public: dashboards for all' } } } };
    expect(judge(chartExposureRule, [helmRelease('kps', 'monitoring', 'kube-prometheus-stack', publicAdmin)])[0][1]).toBe(
      'HelmRelease monitoring/kps (chart kube-prometheus-stack 1.0.0) switches on grafana.ingress (Ingress) and publishes Grafana, an admin/data UI, without an auth proxy and declared "public"');
  });

  test('Argo CD Applications are read the same way', () => {
    const app = {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'monitoring-loki', namespace: 'argocd' },
      spec: { source: { repoUrl: 'grafana.github.io/helm-charts', chart: 'loki', targetRevision: '6.24.0', helm: { releaseName: 'loki', valuesObject: { gateway: { ingress: { enabled: true } } } } }, destination: { namespace: 'monitoring' } },
    };
    expect(judge(chartExposureRule, [app as any])).toEqual([[
      'error', 'Application argocd/monitoring-loki (chart loki 6.24.0) switches on gateway.ingress (Ingress) and publishes Loki, an admin/data UI, without an auth proxy',
    ]]);
  });

  test('compliant: exposure switched off, Cilium\'s Gateway API controller, ClusterIP services', () => {
    expect(judge(chartExposureRule, [helmRelease('longhorn', 'longhorn-system', 'longhorn', { ingress: { enabled: false }, service: { ui: { type: 'ClusterIP' } } })])).toEqual([]);
    expect(judge(chartExposureRule, [helmRelease('cilium', 'kube-system', 'cilium', { gatewayAPI: { enabled: true }, ingressController: { enabled: false }, hubble: { ui: { enabled: true } } })])).toEqual([]);
    expect(chartExposures({ alertmanager: { config: { route: { receiver: 'default', routes: [{ receiver: 'x' }] } } } })).toEqual([]);
  });
});

const proxy = (args: string[], patch: any = {}, podPatch: any = {}) => oauth2Proxy('oauth2-proxy-prometheus', 'monitoring', args, patch, podPatch);
const withArg = (replace: Record<string, string | undefined>) => GOOD_PROXY_ARGS
  .filter((a) => !(a.split('=')[0].slice(2) in replace) || replace[a.split('=')[0].slice(2)] !== undefined)
  .map((a) => {
    const k = a.split('=')[0].slice(2);
    return k in replace ? `--${k}=${replace[k]}` : a;
  });

describe('HK-EXP-05 oauth2-proxy flags', () => {
  test('a correctly configured front passes', () => {
    expect(judge(oauth2ProxyConfigRule, proxy(GOOD_PROXY_ARGS))).toEqual([]);
  });

  test('seed 003 issuer mismatch: the Authentik issuer without its trailing slash', () => {
    expect(judge(oauth2ProxyConfigRule, proxy(withArg({ 'oidc-issuer-url': 'https://auth.lab.example.net/application/o/prometheus' })))).toEqual([[
      'error', 'container "oauth2-proxy-prometheus" has --oidc-issuer-url=https://auth.lab.example.net/application/o/prometheus: Authentik publishes this issuer as '
      + '"https://auth.lab.example.net/application/o/prometheus/", with a trailing slash; oauth2-proxy compares issuers byte for byte, so OIDC discovery fails with an issuer mismatch',
    ]]);
    // the same URL with a generic OIDC provider in the profile is not judged for Authentik's form
    expect(judge(oauth2ProxyConfigRule, proxy(withArg({ 'oidc-issuer-url': 'https://auth.lab.example.net/application/o/prometheus' })), labProfile({ identityProvider: { kind: IdentityProviderKind.OIDC, host: 'auth.lab.example.net' } }))).toEqual([]);
    expect(judge(oauth2ProxyConfigRule, proxy(withArg({ 'oidc-issuer-url': 'http://auth.lab.example.net/' })))[0][1]).toBe(
      'container "oauth2-proxy-prometheus" has --oidc-issuer-url=http://auth.lab.example.net/: an OIDC issuer is an absolute https:// URL');
  });

  test('seed 003 cookie secret length crash: a literal 167-byte cookie secret', () => {
    expect(judge(oauth2ProxyConfigRule, proxy([...GOOD_PROXY_ARGS, `--cookie-secret=${'x'.repeat(167)}`]))).toEqual([[
      'error', 'container "oauth2-proxy-prometheus" has a literal cookie secret: oauth2-proxy needs 16, 24 or 32 bytes for its AES cookie cipher; it is not URL-safe base64 of 16, 24 or 32 bytes, so oauth2-proxy reads the value as 167 raw bytes and exits with "cookie_secret must be 16, 24, or 32 bytes to create an AES cipher, but is 167 bytes"',
    ]]);
    // as a literal env value too; a value from a Secret is not judged here
    const env = { env: [{ name: 'OAUTH2_PROXY_COOKIE_SECRET', value: `${'+'.repeat(43)}=` }] };
    expect(judge(oauth2ProxyConfigRule, proxy(GOOD_PROXY_ARGS, env))[0][1]).toMatch(/it is standard base64 \("\+" or "\/"\), which oauth2-proxy does not decode, so it reads the value as 44 raw bytes/);
    const fromSecret = { env: [{ name: 'OAUTH2_PROXY_COOKIE_SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'cookie-secret' } } }] };
    expect(judge(oauth2ProxyConfigRule, proxy(GOOD_PROXY_ARGS, fromSecret))).toEqual([]);
  });

  test('cookie_refresh must be less than cookie_expire, with oauth2-proxy\'s defaults (168h, 0)', () => {
    expect(judge(oauth2ProxyConfigRule, proxy(withArg({ 'cookie-refresh': '24h' })))).toEqual([[
      'error', 'container "oauth2-proxy-prometheus" has cookie_refresh 24h >= cookie_expire 24h: oauth2-proxy refuses to start',
    ]]);
    expect(judge(oauth2ProxyConfigRule, proxy(withArg({ 'cookie-refresh': undefined, 'cookie-expire': undefined })))).toEqual([]);
    expect(judge(oauth2ProxyConfigRule, proxy(withArg({ 'cookie-refresh': undefined, 'cookie-expire': '0' })))[0][1]).toBe(
      'container "oauth2-proxy-prometheus" has cookie_refresh 0 >= cookie_expire 0: oauth2-proxy refuses to start');
    expect(judge(oauth2ProxyConfigRule, proxy(withArg({ 'cookie-expire': '7d' })))[0][1]).toBe('container "oauth2-proxy-prometheus" has --cookie-expire=7d: not a Go duration');
    expect(judge(oauth2ProxyConfigRule, proxy(withArg({ 'cookie-refresh': '1 hour' })))).toEqual([['error', 'container "oauth2-proxy-prometheus" has --cookie-refresh=1 hour: not a Go duration']]);
  });

  test('--reverse-proxy without --trusted-proxy-ip trusts everyone; --trusted-ip bypasses authentication', () => {
    expect(judge(oauth2ProxyConfigRule, proxy(withArg({ 'trusted-proxy-ip': undefined })))).toEqual([[
      'error', 'container "oauth2-proxy-prometheus" runs with --reverse-proxy but no --trusted-proxy-ip, so it trusts the X-Forwarded-* headers of every client',
    ]]);
    expect(judge(oauth2ProxyConfigRule, proxy([...GOOD_PROXY_ARGS, '--trusted-ip=192.168.10.224/28']))).toEqual([[
      'error', 'container "oauth2-proxy-prometheus" has --trusted-ip=192.168.10.224/28, which lets every request from that range bypass authentication (it is not the trusted-proxy list)',
    ]]);
    // the list form in env
    const env = { env: [{ name: 'OAUTH2_PROXY_TRUSTED_PROXY_IPS', value: '192.168.10.224/28, 10.42.0.0/16' }] };
    expect(judge(oauth2ProxyConfigRule, proxy(withArg({ 'trusted-proxy-ip': undefined }), env))).toEqual([]);
    // "--flag value" form
    expect(judge(oauth2ProxyConfigRule, proxy(['--reverse-proxy', '--trusted-proxy-ip', '10.0.0.0/8', '--oidc-issuer-url', 'https://auth.lab.example.net/application/o/x']))[0][1]).toMatch(/application\/o\/x: Authentik publishes this issuer as/);
  });

  test('other images are not judged', () => {
    expect(judge(oauth2ProxyConfigRule, [deployment('web', 'apps', { containers: [{ name: 'web', image: 'ghcr.io/example/web:1.0.0', args: ['--trusted-ip=0.0.0.0/0'] }] })])).toEqual([]);
  });
});

describe('HK-EXP-06 DNS hairpin', () => {
  const front = proxy(GOOD_PROXY_ARGS);

  test('an identity provider on the cluster\'s own domain needs split-horizon DNS or hostAliases', () => {
    expect(judge(dnsHairpinRule, front)).toEqual([[
      'error', 'container "oauth2-proxy-prometheus" discovers its identity provider at auth.lab.example.net, a name this cluster\'s own gateway serves, '
      + 'but nothing resolves auth.lab.example.net to the gateway 192.168.10.224 inside the cluster: OIDC discovery fails and the proxy crash-loops (seed 003 DNS hairpin)',
    ]]);
  });

  test('solved by a coredns-custom server block or override for the domain or the host, with the gateway IP', () => {
    const block = (text: string, key = 'x.server') => configMap('coredns-custom', 'kube-system', { [key]: text });
    expect(judge(dnsHairpinRule, [...front, block('lab.example.net:53 {\n  template IN A lab.example.net {\n    answer "{{ .Name }} 60 IN A 192.168.10.224"\n  }\n  forward . /etc/resolv.conf\n}\n')])).toEqual([]);
    expect(judge(dnsHairpinRule, [...front, block('auth.lab.example.net {\n  hosts {\n    192.168.10.224 auth.lab.example.net\n  }\n}\n')])).toEqual([]);
    expect(judge(dnsHairpinRule, [...front, block('hosts {\n  192.168.10.224 auth.lab.example.net\n  fallthrough\n}\n', 'hairpin.override')])).toEqual([]);
    // the wrong IP, another zone, a match that excludes the host, or a ConfigMap K3s does not read: still the hairpin
    expect(judge(dnsHairpinRule, [...front, block('lab.example.net:53 {\n  template IN A lab.example.net {\n    answer "{{ .Name }} 60 IN A 10.0.0.1"\n  }\n}\n')])).toHaveLength(1);
    expect(judge(dnsHairpinRule, [...front, block('example.org:53 {\n  template IN A example.org {\n    answer "{{ .Name }} 60 IN A 192.168.10.224"\n  }\n}\n')])).toHaveLength(1);
    expect(judge(dnsHairpinRule, [...front, block('lab.example.net:53 {\n  template IN A lab.example.net {\n    match "^grafana[.]lab[.]example[.]net[.]$"\n    answer "{{ .Name }} 60 IN A 192.168.10.224"\n    fallthrough\n  }\n}\n')])).toHaveLength(1);
    expect(judge(dnsHairpinRule, [...front, configMap('coredns-extra', 'kube-system', { 'x.server': 'lab.example.net {\n 192.168.10.224\n}' })])).toHaveLength(1);
  });

  test('solved by hostAliases for the host (which HK-EXP-07 then warns about)', () => {
    const aliased = proxy(GOOD_PROXY_ARGS, {}, { hostAliases: [{ ip: '192.168.10.224', hostnames: ['auth.lab.example.net'] }] });
    expect(judge(dnsHairpinRule, aliased)).toEqual([]);
  });

  test('not K3s: coredns-custom is not read, so only hostAliases solve it, and the fix says so', () => {
    const [f] = evaluatePolicies(records(...front, configMap('coredns-custom', 'kube-system', { 'x.server': 'lab.example.net:53 {\n template IN A lab.example.net {\n answer "{{ .Name }} 60 IN A 192.168.10.224"\n }\n}\n' })),
      [{ name: 't', rules: [dnsHairpinRule] }], labProfile({ distro: Distro.KUBEADM }));
    expect(f.fix).toBe('make your cluster DNS answer auth.lab.example.net with 192.168.10.224, or give the front hostAliases for auth.lab.example.net');
  });

  test('an identity provider outside the cluster\'s names, or no gateway IP in the profile: nothing to judge', () => {
    expect(judge(dnsHairpinRule, proxy(withArg({ 'oidc-issuer-url': 'https://accounts.google.com' })))).toEqual([]);
    expect(judge(dnsHairpinRule, front, labProfile({ gateway: { name: 'gw', namespace: 'networking' } }))).toEqual([]);
  });

  test('a host served by one of the cluster\'s routes counts even outside the profile domain', () => {
    const other = proxy(withArg({ 'oidc-issuer-url': 'https://sso.example.org/application/o/prometheus/' }));
    expect(judge(dnsHairpinRule, other)).toEqual([]);
    expect(judge(dnsHairpinRule, [...other, httpRoute('sso', 'auth', ['sso.example.org'], [['authentik-server', 80]], 'app-native: the identity provider')])).toHaveLength(1);
  });
});

describe('HK-EXP-07 hostAliases', () => {
  test('pinned host names are a warning', () => {
    expect(judge(hostAliasesRule, [deployment('web', 'apps', { hostAliases: [{ ip: '192.168.10.224', hostnames: ['auth.lab.example.net', 'sso.lab.example.net'] }] })])).toEqual([[
      'warning', 'pins auth.lab.example.net → 192.168.10.224, sso.lab.example.net → 192.168.10.224 in /etc/hosts of its pods; the cluster DNS does not know these answers',
    ]]);
    expect(judge(hostAliasesRule, [deployment('web', 'apps')])).toEqual([]);
  });
});
