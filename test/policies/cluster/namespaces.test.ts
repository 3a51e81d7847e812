import { Manifest, RuleLevel } from '../../../lib/policies/rule';
import { namespaceNetworkBaselineRule, namespaceQuotasRule, noDefaultNamespaceRule } from '../../../lib/policies/rules/cluster';
import {
  configMap, defaultDenyPolicy, deployment, dnsEgressPolicy, found, limitRange, namespaceBaseline, namespaceObject, networkPolicy, pvc,
  resourceQuota, run, service, workload,
} from '../fixtures';

const E = RuleLevel.ERROR;

function clusterScoped(kind: string, apiVersion: string, name: string): Manifest {
  return { apiVersion, kind, metadata: { name } };
}

describe('HK-API-03 nothing in the default namespace', () => {
  test('compliant: workloads and their objects in an app namespace', () => {
    expect(found(noDefaultNamespaceRule, deployment(), service(), configMap(), pvc(), workload('CronJob'))).toEqual([]);
  });

  test('flags workloads, Services, ConfigMaps, Secrets and PVCs in default', () => {
    const secret: Manifest = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'default' }, stringData: {} };
    expect(found(noDefaultNamespaceRule, deployment('web', 'default'), service('web', 'default'), configMap('cfg', 'default'), secret,
      pvc('test-longhorn', 'default'), workload('Pod', 'debug', 'default'))).toEqual([
      [E, 'Deployment default/web is in the default namespace'],
      [E, 'Service default/web is in the default namespace'],
      [E, 'ConfigMap default/cfg is in the default namespace'],
      [E, 'Secret default/creds is in the default namespace'],
      [E, 'PersistentVolumeClaim default/test-longhorn is in the default namespace'],
      [E, 'Pod default/debug is in the default namespace'],
    ]);
  });

  test('flags objects that set no namespace', () => {
    const d = deployment();
    delete (d.metadata as any).namespace;
    const findings = run(noDefaultNamespaceRule, d);
    expect(findings.map((f) => [f.level, f.message, f.fix])).toEqual([[E, 'Deployment web sets no namespace, so it is created in the default namespace',
      'set metadata.namespace of Deployment web to the app\'s namespace (create it inside a Namespace construct)']]);
  });

  test('not applicable: cluster-scoped kinds and custom resources', () => {
    expect(found(noDefaultNamespaceRule,
      namespaceObject('apps'),
      clusterScoped('PriorityClass', 'scheduling.k8s.io/v1', 'workload-standard'),
      clusterScoped('ClusterRole', 'rbac.authorization.k8s.io/v1', 'reader'),
      clusterScoped('StorageClass', 'storage.k8s.io/v1', 'longhorn'),
      clusterScoped('ClusterIssuer', 'cert-manager.io/v1', 'letsencrypt'),
      { ...clusterScoped('Role', 'rbac.authorization.k8s.io/v1', 'reader'), metadata: { name: 'reader', namespace: 'default' } },
    )).toEqual([]);
  });
});

describe('HK-RES-06 namespaces have a ResourceQuota and a LimitRange', () => {
  test('compliant: the namespace guard rails', () => {
    expect(found(namespaceQuotasRule, ...namespaceBaseline('apps'), deployment())).toEqual([]);
  });

  test('flags a namespace with neither, reported on the Namespace object', () => {
    const findings = run(namespaceQuotasRule, namespaceObject('cortex-school'), deployment('moe-router', 'cortex-school'));
    expect(findings.map((f) => [f.level, f.kind, f.name, f.message])).toEqual([[E, 'Namespace', 'cortex-school',
      'namespace cortex-school has neither a ResourceQuota nor a LimitRange']]);
    expect(findings[0].fix).toBe('add a ResourceQuota to namespace cortex-school bounding requests.cpu, requests.memory, limits.memory and pods; '
      + 'add a LimitRange of type Container to namespace cortex-school with default, defaultRequest and max for cpu and memory');
  });

  test('without a Namespace object, reports on the first workload of the namespace', () => {
    const findings = run(namespaceQuotasRule, resourceQuota('apps'), service('web'), deployment('web'), deployment('api'),
      limitRange('media'), workload('StatefulSet', 'jellyfin', 'media'));
    expect(findings.map((f) => [f.level, f.kind, f.name, f.message])).toEqual([
      [E, 'Deployment', 'web', 'namespace apps has no LimitRange'],
      [E, 'StatefulSet', 'jellyfin', 'namespace media has no ResourceQuota'],
    ]);
  });

  test('not applicable: kube-system, namespaces without workloads', () => {
    expect(found(namespaceQuotasRule, deployment('coredns', 'kube-system'), namespaceObject('empty'), service('web', 'svc-only'), configMap('c', 'cfg-only'))).toEqual([]);
  });
});

describe('HK-NET-02 namespaces have a default-deny and a DNS egress policy', () => {
  test('compliant: the namespace guard rails', () => {
    expect(found(namespaceNetworkBaselineRule, ...namespaceBaseline('apps'), deployment())).toEqual([]);
  });

  test('compliant: DNS through matchExpressions, port ranges and one policy per protocol', () => {
    const expr = networkPolicy('dns-udp', 'apps', {
      podSelector: {}, policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['kube-system'] }] }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ port: 53, protocol: 'UDP' }] }],
    });
    const range = dnsEgressPolicy('apps', [{ port: 50, endPort: 60, protocol: 'TCP' }]);
    expect(found(namespaceNetworkBaselineRule, defaultDenyPolicy('apps'), expr, range, deployment())).toEqual([]);
  });

  test('flags a namespace with no network policies, reported on the Namespace', () => {
    const findings = run(namespaceNetworkBaselineRule, namespaceObject('vault'), deployment('vault', 'vault'));
    expect(findings.map((f) => [f.level, f.kind, f.message])).toEqual([
      [E, 'Namespace', 'namespace vault has no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules)'],
      [E, 'Namespace', 'namespace vault has no NetworkPolicy letting all its pods reach DNS in kube-system (port 53 UDP and TCP)'],
    ]);
    expect(findings[1].fix).toBe('add a NetworkPolicy to namespace vault with podSelector {}, policyTypes [Egress] and an egress rule to namespaceSelector '
      + '{matchLabels: {kubernetes.io/metadata.name: kube-system}} on ports [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]');
  });

  test('a "deny" that allows traffic, or covers one direction, is not a default-deny', () => {
    const allowAll = networkPolicy('allow-all', 'apps', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{}] });
    const ingressOnly = networkPolicy('deny-ingress', 'apps', { podSelector: {} });
    expect(found(namespaceNetworkBaselineRule, allowAll, ingressOnly, dnsEgressPolicy('apps'), deployment())).toEqual([[E,
      'namespace apps has no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules)']]);
  });

  test('flags DNS over UDP only, a selector on a label kube-system does not carry, and a DNS policy for some pods only', () => {
    const udpOnly = dnsEgressPolicy('apps', [{ port: 53, protocol: 'UDP' }]);
    expect(found(namespaceNetworkBaselineRule, defaultDenyPolicy('apps'), udpOnly, deployment())).toEqual([[E,
      'namespace apps lets its pods reach DNS in kube-system over UDP but not over TCP (port 53)']]);
    const kyvernoSample = dnsEgressPolicy('apps');
    kyvernoSample.spec.egress[0].to = [{ namespaceSelector: { matchLabels: { name: 'kube-system' } } }];
    const somePods = dnsEgressPolicy('apps');
    somePods.spec.podSelector = { matchLabels: { 'app.kubernetes.io/name': 'web' } };
    expect(found(namespaceNetworkBaselineRule, defaultDenyPolicy('apps'), kyvernoSample, somePods, deployment())).toEqual([[E,
      'namespace apps has no NetworkPolicy letting all its pods reach DNS in kube-system (port 53 UDP and TCP)']]);
  });

  test('not applicable: kube-system, namespaces without workloads', () => {
    expect(found(namespaceNetworkBaselineRule, deployment('coredns', 'kube-system'), namespaceObject('empty'), service('web', 'svc-only'))).toEqual([]);
  });
});
