import { Testing } from 'cdk8s';
import { Cluster, GitOpsEngine, Manifest, Namespace, UpstreamChart, allowAllIngressRule, k8s } from '../../../lib';
import { TEST_PROFILE } from '../../helpers';
import { createValidator } from '../../schema/validator';
import { found } from '../fixtures';

/** A NetworkPolicy `name` in `namespace` selecting `podSelector` with `ingress` rules. */
function policy(name: string, namespace: string, podSelector: any, ingress: any[], policyTypes?: string[]): Manifest {
  return {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace },
    spec: { podSelector, ...(policyTypes ? { policyTypes } : {}), ingress },
  };
}

describe('HK-NET-12 no NetworkPolicy admits all ingress', () => {
  test('cortex-school (seed-repos §2.7): an allow-all ingress policy on podSelector {}', () => {
    expect(found(allowAllIngressRule, policy('allow-all', 'cortex-school', {}, [{}], ['Ingress']))).toEqual([[
      'error',
      'ingress[0] admits any source on every port to every pod of namespace cortex-school (podSelector {}): NetworkPolicies add up, so the namespace\'s default-deny and every per-app ingress rule are void',
    ]]);
  });

  test('the peers that cover everything: from: [], an empty peer, namespaceSelector {} (with or without podSelector {}), 0.0.0.0/0 and ::/0', () => {
    const sources = (rule: any) => found(allowAllIngressRule, policy('p', 'apps', {}, [rule])).map(([, m]) => m.slice('ingress[0] admits '.length, m.indexOf(' on every port')));
    expect(sources({ from: [] })).toEqual(['any source']);
    expect(sources({ from: [{}] })).toEqual(['any source (an empty peer {})']);
    expect(sources({ from: [{ namespaceSelector: {} }] })).toEqual(['every pod of every namespace (namespaceSelector {})']);
    expect(sources({ from: [{ namespaceSelector: {}, podSelector: {} }] })).toEqual(['every pod of every namespace (namespaceSelector {})']);
    expect(sources({ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] })).toEqual(['any IPv4 address (ipBlock 0.0.0.0/0)']);
    expect(sources({ from: [{ podSelector: { matchLabels: { app: 'web' } } }, { ipBlock: { cidr: '::/0' } }] })).toEqual(['any IPv6 address (ipBlock ::/0)']);
  });

  test('a narrower podSelector is an error too, with its own consequence and fix', () => {
    const [f] = found(allowAllIngressRule, policy('qdrant', 'cortex-school', { matchLabels: { app: 'qdrant' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['data'] }] }, [{}]));
    expect(f).toEqual(['error', 'ingress[0] admits any source on every port to the pods app=qdrant, tier In (data): NetworkPolicies add up, so every other ingress rule for those pods is void']);
  });

  test('compliant: rules with ports, with named sources, a namespaceSelector narrowed by a podSelector, an ipBlock range or exceptions; egress-only policies; default-deny', () => {
    const none = (p: Manifest) => expect(found(allowAllIngressRule, p)).toEqual([]);
    none(policy('gw', 'apps', {}, [{ ports: [{ port: 8080, protocol: 'TCP' }] }]));
    none(policy('gw', 'apps', {}, [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'networking' } } }] }]));
    none(policy('gw', 'apps', {}, [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'prometheus' } } }] }]));
    none(policy('gw', 'apps', {}, [{ from: [{ podSelector: {} }] }]));
    none(policy('gw', 'apps', {}, [{ from: [{ ipBlock: { cidr: '192.168.10.0/24' } }] }]));
    none(policy('gw', 'apps', {}, [{ from: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }] }]));
    none(policy('deny', 'apps', {}, [], ['Ingress', 'Egress']));
    // ingress rules of a policy that governs only egress are ignored by Kubernetes
    none(policy('egress', 'apps', {}, [{}], ['Egress']));
  });

  test('every open rule of a policy is reported, with its index', () => {
    expect(found(allowAllIngressRule, policy('p', 'apps', {}, [{ ports: [{ port: 80 }] }, {}, { from: [{ namespaceSelector: {} }] }])).map(([, m]) => m.slice(0, 10))).toEqual(['ingress[1]', 'ingress[2]']);
  });

  test('UpstreamChart\'s default allow-all carries an exemption with its reason; custom ingress rules do not', () => {
    const cluster = new Cluster(Testing.app(), 'lab', { profile: { ...TEST_PROFILE, gitops: { engine: GitOpsEngine.FLUX, repoUrl: 'https://github.com/me/lab' } } });
    const ns = new Namespace(cluster, 'velero', { quota: { cpu: '1', memory: '1Gi', memoryLimit: '2Gi' } });
    const chart = { chart: 'velero', version: '10.1.3', repositoryUrl: 'https://vmware-tanzu.github.io/helm-charts' };
    new UpstreamChart(ns, 'velero', { chart });
    new UpstreamChart(ns, 'open', { chart, networkPolicy: { podSelector: { app: 'open' }, ingress: [{}] } });
    new UpstreamChart(ns, 'tight', { chart, networkPolicy: { ingress: [{ ports: [{ port: k8s.IntOrString.fromNumber(8085) }] }] } });
    const s = cluster.synthesize();
    const nps = s.objects.map((o) => o.manifest).filter((m) => m.kind === 'NetworkPolicy' && m.metadata.name!.endsWith('-upstream'));
    expect(nps.map((m) => [m.metadata.name, m.metadata.annotations?.['hardened-homelab.io/exemptions']])).toEqual([
      ['velero-upstream', JSON.stringify({ 'HK-NET-12': 'the velero chart\'s pods (webhooks, UIs, metrics) listen on ports only the chart knows; admitting all ingress to this release\'s pods is the UpstreamChart default (set networkPolicy.ingress to narrow it)' })],
      ['open-upstream', undefined],
      ['tight-upstream', undefined],
    ]);
    expect(s.findings.filter((f) => f.ruleId === 'HK-NET-12').map((f) => [f.name, f.exemption !== undefined])).toEqual([['velero-upstream', true], ['open-upstream', false]]);
    expect(s.errors.filter((e) => e.includes('HK-NET-12'))).toEqual([
      '[lab/velero/open/NetworkPolicy] HK-NET-12 (error) NetworkPolicy velero/open-upstream: ingress[0] admits any source on every port to the pods app=open: '
        + 'NetworkPolicies add up, so every other ingress rule for those pods is void\n'
        + '    fix: list the clients in from (namespaceSelector/podSelector) and the ports in ports, or delete the rule; if these pods must admit everyone, add an exemption saying why',
    ]);
    const validator = createValidator();
    expect(nps.flatMap((m) => validator.validate(m))).toEqual([]);
  });
});
