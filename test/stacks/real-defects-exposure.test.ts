/**
 * Exposure, network and RBAC defects of the two real clusters (`../shared/reference/seed-repos.md`),
 * each modelled minimally in a fresh Cluster on the real cluster's profile and written by hand
 * where the library's constructs cannot express it (AppRoute takes its gateway from the profile
 * and its backend from the Service object; AppWorkload never renders a NodePort or a ClusterRole).
 * Every hand-written object is checked against the Kubernetes 1.29 / CRD schemas at the end: the
 * API server would accept each defect; only the policies stop it.
 */
import { Testing } from 'cdk8s';
import { AppSize, AppWorkload, BASELINE_PACK, Cluster, Namespace, k8s } from '../../lib';
import { HttpRoute } from '../../lib/imports/gateway.networking.k8s.io';
import { RBAC_RULES } from '../../lib/policies/rules/rbac';
import { cortexProfile } from '../../stacks/cortex/profile';
import { IMAGE, blockedBy, byHand, cortex, expectHandWrittenValid, homelab, httpRoute, reported, warned } from './defect-helpers';

const RBAC = 'rbac.authorization.k8s.io';

/**
 * The cortex cluster with the RBAC rules: they are judged by the baseline pack once the lead adds
 * RBAC_RULES to it (the pack dedupes rules by id, so this stays right afterwards).
 */
function cortexWithRbac(): Cluster {
  return new Cluster(Testing.app(), 'cortex', { profile: cortexProfile, policies: [BASELINE_PACK, { name: 'rbac', rules: RBAC_RULES }] });
}

/** A NodePort Service `name` for the pods of `app`, on `port` → `nodePort`. */
function nodePort(scope: Namespace, name: string, selector: Record<string, string>, port: number, nodePortNumber: number): k8s.KubeService {
  return byHand(new k8s.KubeService(scope, `${name}-service`, {
    metadata: { name },
    spec: { type: 'NodePort', selector, ports: [{ name: 'http', port, targetPort: k8s.IntOrString.fromNumber(port), nodePort: nodePortNumber }] },
  }));
}

describe('homelab exposure defects (seed-repos §1)', () => {
  test('§1.7 the orphan longhorn-oauth2-proxy route: Gateway cilium-gateway in namespace gateway, listener https-web, none of which exist: HK-EXP-08', () => {
    const cluster = homelab();
    const longhorn = new Namespace(cluster, 'longhorn-system');
    const proxy = new AppWorkload(longhorn, 'longhorn-oauth2-proxy', { image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port: 4180 }] });
    byHand(new HttpRoute(longhorn, 'orphan-route', {
      metadata: { name: 'longhorn-oauth2-proxy', annotations: { 'hardened-homelab.io/auth': 'app-native: the template fronted the UI with OAuth2-proxy' } },
      spec: {
        parentRefs: [{ name: 'cilium-gateway', namespace: 'gateway', sectionName: 'https-web' }],
        hostnames: ['longhorn.fletcherlabs.net'],
        rules: [{ backendRefs: [{ name: proxy.name, port: 4180 }] }],
      },
    }));
    const s = cluster.synthesize();
    expect(reported(s, 'HK-EXP-08')).toEqual([
      'HTTPRoute longhorn-system/longhorn-oauth2-proxy: parentRefs[0] names Gateway gateway/cilium-gateway, which does not exist (Gateways: networking/main-gateway): the route attaches to nothing and serves nothing',
    ]);
    expect(blockedBy(s)).toContain('HK-EXP-08');
  });

  test('§1.7 / §1.9 the orphan route\'s failure class on a media route: a backend Service that is not there, and a port the Service does not expose: HK-EXP-08', () => {
    const cluster = homelab();
    const media = new Namespace(cluster, 'media');
    new AppWorkload(media, 'jellyfin', { image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port: 8096 }] });
    httpRoute(media, 'jellyfin', 'jellyfin.fletcherlabs.net', 'jellyfin-web', 8096, { 'hardened-homelab.io/auth': 'app-native: Jellyfin user accounts' });
    httpRoute(media, 'jellyfin-tv', 'tv.fletcherlabs.net', 'jellyfin', 80, { 'hardened-homelab.io/auth': 'app-native: Jellyfin user accounts' });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-EXP-08')).toEqual([
      'HTTPRoute media/jellyfin: rules[0].backendRefs[0] sends traffic to Service jellyfin-web, which does not exist (Services in media: jellyfin)',
      'HTTPRoute media/jellyfin-tv: rules[0].backendRefs[0] sends traffic to port 80 of Service jellyfin, which exposes 8096 (http)',
    ]);
    expect(blockedBy(s)).toContain('HK-EXP-08');
  });

  test('§1.9 Jellyfin\'s extra NodePort 30096 and Whisparr\'s NodePort 30969 beside their routes: HK-NET-05', () => {
    const cluster = homelab();
    const media = new Namespace(cluster, 'media');
    for (const [name, port, node] of [['jellyfin', 8096, 30096], ['whisparr', 6969, 30969]] as const) {
      const app = new AppWorkload(media, name, { image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port }] });
      nodePort(media, `${name}-nodeport`, { ...app.podSelector }, port, node);
    }
    const s = cluster.synthesize();
    expect(reported(s, 'HK-NET-05')).toEqual([
      'Service media/jellyfin-nodeport: type NodePort publishes port 8096 on node port 30096 of every node, past the gateway: no TLS, no auth front, no route auth declaration',
      'Service media/whisparr-nodeport: type NodePort publishes port 6969 on node port 30969 of every node, past the gateway: no TLS, no auth front, no route auth declaration',
    ]);
    expect(warned(s)).toContain('HK-NET-05');
    expect(blockedBy(s)).not.toContain('HK-NET-05');
  });

  test('§1.7 / §1.10 a NodePort in front of Prometheus (the seed-003 exposure without even a host name): HK-NET-11, and HK-EXP-02', () => {
    const cluster = homelab();
    const monitoring = new Namespace(cluster, 'monitoring');
    const prometheus = new AppWorkload(monitoring, 'prometheus', { image: 'quay.io/prometheus/prometheus:v2.54.1', size: AppSize.SMALL, ports: [{ name: 'http', port: 9090 }] });
    nodePort(monitoring, 'prometheus-external', { ...prometheus.podSelector }, 9090, 30090);
    const s = cluster.synthesize();
    expect(reported(s, 'HK-NET-11')).toEqual([
      'Service monitoring/prometheus-external: type NodePort publishes Prometheus, an admin/data UI (port 9090 on node port 30090 of every node), past the gateway, its TLS and the auth front',
    ]);
    expect(reported(s, 'HK-NET-05')).toEqual([]);
    expect(blockedBy(s)).toEqual(expect.arrayContaining(['HK-EXP-02', 'HK-NET-11']));
  });
});

describe('cortex network and RBAC defects (seed-repos §2)', () => {
  test('§2.7 cortex-school\'s allow-all NetworkPolicy (HEAD): HK-NET-12', () => {
    const cluster = cortex();
    const school = new Namespace(cluster, 'cortex-school');
    new AppWorkload(school, 'qdrant', { image: 'qdrant/qdrant:v1.7.4', size: AppSize.SMALL, ports: [{ name: 'http', port: 6333 }] });
    byHand(new k8s.KubeNetworkPolicy(school, 'allow-all', {
      metadata: { name: 'allow-all' },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{}] },
    }));
    const s = cluster.synthesize();
    expect(reported(s, 'HK-NET-12')).toEqual([
      'NetworkPolicy cortex-school/allow-all: ingress[0] admits any source on every port to every pod of namespace cortex-school (podSelector {}): '
        + 'NetworkPolicies add up, so the namespace\'s default-deny and every per-app ingress rule are void',
    ]);
    expect(blockedBy(s)).toContain('HK-NET-12');
  });

  test('§2.3 implementation-workers: a ClusterRole reading every Secret of the cluster and patching Argo CD Applications: HK-RBAC-04, HK-RBAC-05', () => {
    const cluster = cortexWithRbac();
    const school = new Namespace(cluster, 'cortex-school');
    const worker = new AppWorkload(school, 'implementation-workers', { image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }], apiAccess: true, exemptions: { 'HK-SEC-20': 'calls the Kubernetes API with the role below' } });
    byHand(new k8s.KubeClusterRole(cluster.clusterChart, 'implementation-worker-role', {
      metadata: { name: 'implementation-worker' },
      rules: [
        { apiGroups: [''], resources: ['pods', 'services', 'configmaps', 'secrets'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['argoproj.io'], resources: ['applications'], verbs: ['get', 'list', 'watch', 'patch'] },
      ],
    }));
    byHand(new k8s.KubeClusterRoleBinding(cluster.clusterChart, 'implementation-worker-binding', {
      metadata: { name: 'implementation-worker' },
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'implementation-worker' },
      subjects: [{ kind: 'ServiceAccount', name: worker.name, namespace: 'cortex-school' }],
    }));
    const s = cluster.synthesize();
    expect(reported(s, 'HK-RBAC-04')).toEqual([
      'ClusterRoleBinding implementation-worker: binds ClusterRole implementation-worker cluster-wide to ServiceAccount cortex-school/implementation-workers, '
        + 'and the role grants get, list, watch on secrets: the pod can read every Secret of every namespace',
    ]);
    expect(reported(s, 'HK-RBAC-05')).toEqual([
      'ClusterRole implementation-worker: rules[2] grants patch on applications (argoproj.io): whoever holds it can make Argo CD apply anything with its own rights',
    ]);
    expect(blockedBy(s)).toEqual(expect.arrayContaining(['HK-RBAC-04', 'HK-RBAC-05']));
  });

  test('§2.3 health-monitor: patch on argoproj applications cluster-wide for its automatic rollbacks: HK-RBAC-05', () => {
    const cluster = cortexWithRbac();
    byHand(new k8s.KubeClusterRole(cluster.clusterChart, 'health-monitor-role', {
      metadata: { name: 'health-monitor' },
      rules: [
        { apiGroups: [''], resources: ['pods', 'pods/log', 'services', 'events'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'replicasets'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['argoproj.io'], resources: ['applications'], verbs: ['get', 'list', 'watch', 'patch'] },
      ],
    }));
    const s = cluster.synthesize();
    expect(reported(s, 'HK-RBAC-05')).toEqual([
      'ClusterRole health-monitor: rules[2] grants patch on applications (argoproj.io): whoever holds it can make Argo CD apply anything with its own rights',
    ]);
    // reading pods, logs and events cluster-wide is not what these rules judge
    expect(reported(s, 'HK-RBAC-04')).toEqual([]);
  });
});

describe('the models above', () => {
  test('every hand-written defect is a valid Kubernetes 1.29 / CRD object: the API server would take it, only the library stops it', () => {
    expectHandWrittenValid(10);
  });
});
