import { App } from 'cdk8s';
import { AppSize, AppWorkload, Cluster, Distro, Namespace, OAuth2Proxy, Probe, SplitHorizonDns, SplitHorizonDnsProps, renderClusterTree } from '../../lib';
import { createValidator } from '../schema/validator';
import { errorOf } from '../helpers';
import { LAB_PROFILE, find, findingsOf, labCluster, manifestsOf } from './lab';

const WHOLE_DOMAIN = [
  '# hardened-homelab SplitHorizonDns (seed 003 DNS hairpin)',
  'lab.example.net:53 {',
  '    errors',
  '    cache 30',
  '    template IN A lab.example.net {',
  '        answer "{{ .Name }} 60 IN A 192.168.10.224"',
  '    }',
  '    template IN AAAA lab.example.net {',
  '        rcode NOERROR',
  '    }',
  '    forward . /etc/resolv.conf',
  '}',
  '',
].join('\n');

describe('SplitHorizonDns', () => {
  test('defaults: coredns-custom in kube-system with a server block answering the profile domain with the gateway IP', () => {
    const c = labCluster(false);
    const dns = new SplitHorizonDns(c);
    expect([dns.domain, dns.gatewayIp, dns.hosts, dns.namespace]).toEqual(['lab.example.net', '192.168.10.224', undefined, 'kube-system']);
    const cm = find(manifestsOf(c), 'ConfigMap', 'coredns-custom');
    expect(cm.metadata).toEqual({
      name: 'coredns-custom', namespace: 'kube-system',
      labels: { 'app.kubernetes.io/name': 'coredns', 'app.kubernetes.io/component': 'split-horizon-dns', 'app.kubernetes.io/managed-by': 'hardened-homelab' },
    });
    expect(cm.data).toEqual({ 'split-horizon.server': WHOLE_DOMAIN });
    expect(createValidator().validate(cm)).toEqual([]);
  });

  test('named hosts: only they resolve to the gateway, the rest of the domain falls through to the upstream resolver', () => {
    const c = labCluster(false);
    new SplitHorizonDns(c, 'dns', { hosts: ['auth.lab.example.net', 'lab.example.net'], ttl: 300, gatewayIp: '192.168.10.230' });
    expect(find(manifestsOf(c), 'ConfigMap', 'coredns-custom').data['split-horizon.server']).toBe([
      '# hardened-homelab SplitHorizonDns (seed 003 DNS hairpin)',
      'lab.example.net:53 {',
      '    errors',
      '    cache 30',
      '    template IN A lab.example.net {',
      '        match "^(auth[.]lab[.]example[.]net|lab[.]example[.]net)[.]$"',
      '        answer "{{ .Name }} 300 IN A 192.168.10.230"',
      '        fallthrough',
      '    }',
      '    template IN AAAA lab.example.net {',
      '        match "^(auth[.]lab[.]example[.]net|lab[.]example[.]net)[.]$"',
      '        rcode NOERROR',
      '        fallthrough',
      '    }',
      '    forward . /etc/resolv.conf',
      '}',
      '',
    ].join('\n'));
  });

  test('another domain can be given', () => {
    const c = labCluster(false);
    new SplitHorizonDns(c, 'dns', { domain: 'home.arpa' });
    expect(find(manifestsOf(c), 'ConfigMap', 'coredns-custom').data['split-horizon.server']).toContain('home.arpa:53 {');
  });

  test('written as its own app folder kube-system/coredns-custom, reconciled after the cluster folder; no Namespace object for kube-system', () => {
    const c = labCluster(false);
    new SplitHorizonDns(c);
    const s = c.synthesize();
    const cm = s.objects.find((o) => o.manifest.kind === 'ConfigMap')!;
    expect([cm.folder, cm.app]).toEqual(['kube-system', 'coredns-custom']);
    expect(s.objects.filter((o) => o.manifest.kind === 'Namespace')).toEqual([]);
    const files = renderClusterTree(c, s);
    expect(files.get('kube-system/coredns-custom/kustomization.yaml')).toBe('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - configmap-coredns-custom.yaml\n');
    expect(files.get('gitops/kustomization-kube-system-coredns-custom.yaml')).toContain('dependsOn:\n    - name: lab-cluster\n');
  });

  test('the baseline policies do not judge kube-system as an app namespace', () => {
    const c = labCluster(true);
    new SplitHorizonDns(c);
    expect(c.synthesize().findings).toEqual([]);
  });

  test('seed 003 DNS hairpin: a front whose identity provider is one of the cluster\'s own names fails policy HK-EXP-06 until split-horizon DNS answers it', () => {
    const c = labCluster(true);
    const ns = new Namespace(c, 'monitoring');
    const prometheus = new AppWorkload(ns, 'prometheus', { image: 'quay.io/prometheus/prometheus:v2.54.1', size: AppSize.LARGE, ports: [{ name: 'http', port: 9090 }], healthCheck: Probe.httpGet('/-/ready') });
    new OAuth2Proxy(ns, 'Front', { name: 'prometheus', upstream: prometheus });
    expect(findingsOf(c)).toEqual([
      'HK-EXP-06: container "oauth2-proxy-prometheus" discovers its identity provider at auth.lab.example.net, a name this cluster\'s own gateway serves, '
      + 'but nothing resolves auth.lab.example.net to the gateway 192.168.10.224 inside the cluster: OIDC discovery fails and the proxy crash-loops (seed 003 DNS hairpin)',
    ]);
    new SplitHorizonDns(c, 'dns', { hosts: ['grafana.lab.example.net'] });
    expect(findingsOf(c)).toHaveLength(1); // a host list without the identity provider does not solve it
  });

  test('a host list naming the identity provider solves it', () => {
    const c = labCluster(true);
    const ns = new Namespace(c, 'monitoring');
    const prometheus = new AppWorkload(ns, 'prometheus', { image: 'quay.io/prometheus/prometheus:v2.54.1', size: AppSize.LARGE, ports: [{ name: 'http', port: 9090 }], healthCheck: Probe.httpGet('/-/ready') });
    new OAuth2Proxy(ns, 'Front', { name: 'prometheus', upstream: prometheus });
    new SplitHorizonDns(c, 'dns', { hosts: ['auth.lab.example.net'] });
    expect(findingsOf(c)).toEqual([]);
  });

  describe('errors', () => {
    const err = (props: SplitHorizonDnsProps = {}, overrides = {}) => errorOf(() => new SplitHorizonDns(labCluster(false, overrides), 'dns', props));

    test('only K3s reads coredns-custom', () => {
      expect(err({}, { distro: Distro.KUBEADM })).toBe('[lab/dns] profile.distro = "kubeadm": only K3s\'s CoreDNS imports the coredns-custom ConfigMap. Fix: add the server block to your CoreDNS Corefile by hand, or give the clients hostAliases (OAuth2Proxy hostAliases option)');
    });

    test('one per cluster', () => {
      const c = labCluster(false);
      new SplitHorizonDns(c);
      expect(errorOf(() => new SplitHorizonDns(c, 'again'))).toBe('[lab/again] scope = "lab/split-horizon-dns": a cluster has one coredns-custom ConfigMap, and a SplitHorizonDns already writes it. Fix: create one SplitHorizonDns per cluster (list several names in hosts)');
      // two clusters in one app each have their own
      const app = new App({ outdir: '/nonexistent' });
      const a = new Cluster(app, 'a', { profile: LAB_PROFILE, policies: [] });
      const b = new Cluster(app, 'b', { profile: LAB_PROFILE, policies: [] });
      new SplitHorizonDns(a);
      expect(new SplitHorizonDns(b).node.path).toBe('b/split-horizon-dns');
    });

    test('domain and gateway IP must be known', () => {
      expect(err({}, { domain: undefined })).toBe('[lab/dns] domain = undefined: no domain given and the profile has none. Fix: set profile.domain (e.g. "fletcherlabs.net") or pass domain');
      expect(err({ domain: 'Lab.Example' })).toMatch(/^\[lab\/dns\] domain = "Lab\.Example": not a DNS-1123 subdomain/);
      expect(err({}, { gateway: { name: 'gw', namespace: 'networking' } })).toBe('[lab/dns] gatewayIp = undefined: the names must resolve to the gateway\'s IPv4 address, and none is known. Fix: set profile.gateway.ip (the address the gateway Service got, e.g. "192.168.10.224") or pass gatewayIp');
      expect(err({ gatewayIp: '192.168.10' })).toMatch(/^\[lab\/dns\] gatewayIp = "192\.168\.10": the names must resolve/);
    });

    test('TTL and hosts', () => {
      expect(err({ ttl: 0 })).toBe('[lab/dns] ttl = 0: a TTL is a whole number of seconds from 1 to 86400. Fix: use e.g. 60');
      expect(err({ hosts: [] })).toBe('[lab/dns] hosts = []: an empty host list would answer nothing. Fix: list the host names, or leave hosts out to answer the whole domain');
      expect(err({ hosts: ['auth.example.org'] })).toBe('[lab/dns] hosts[0] = "auth.example.org": not a name in lab.example.net. Fix: list names of lab.example.net only, or change domain');
      expect(err({ hosts: ['Auth.lab.example.net'] })).toMatch(/^\[lab\/dns\] hosts\[0\] = "Auth\.lab\.example\.net": not a DNS-1123 subdomain/);
    });
  });
});

describe('SplitHorizonDns twice with its default id (issue 8)', () => {
  test('names the path and asks for another id instead of the constructs library\'s error', () => {
    const c = labCluster(false);
    new SplitHorizonDns(c);
    expect(errorOf(() => new SplitHorizonDns(c))).toBe(
      '[lab/split-horizon-dns] id = "split-horizon-dns": lab already has a construct with this id (SplitHorizonDns), and ids are unique within their scope. Fix: choose another id (the id names the objects it synthesizes), or reuse the construct you created first');
  });
});
