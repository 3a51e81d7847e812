import { adminUiNodePortRule, evaluatePolicies, nodePortServicesRule } from '../../../lib';
import { records, service } from '../fixtures';
import { GOOD_PROXY_ARGS, appWithService, judge, labProfile, oauth2Proxy } from './fixtures';

const [JELLYFIN_APP, JELLYFIN] = appWithService('jellyfin', 'media', 'lscr.io/linuxserver/jellyfin:10.9.11', 8096);
const [PROMETHEUS_APP, PROMETHEUS] = appWithService('prometheus', 'monitoring', 'quay.io/prometheus/prometheus:v2.54.1', 9090);

/** `svc` as a Service of `type` with `nodePort` on its first port. */
function typed(svc: any, type: string, nodePort?: number, extra: any = {}): any {
  return { ...svc, metadata: { ...svc.metadata, name: `${svc.metadata.name}-${type.toLowerCase()}` }, spec: { ...svc.spec, type, ports: [{ ...svc.spec.ports[0], ...(nodePort ? { nodePort } : {}) }], ...extra } };
}

describe('HK-NET-05 Services are ClusterIP', () => {
  test('seed 003: Jellyfin\'s extra NodePort Service on 30096', () => {
    expect(judge(nodePortServicesRule, [JELLYFIN_APP, JELLYFIN, typed(JELLYFIN, 'NodePort', 30096)])).toEqual([[
      'warning', 'type NodePort publishes port 8096 on node port 30096 of every node, past the gateway: no TLS, no auth front, no route auth declaration',
    ]]);
  });

  test('a node port left to the API server, and several ports', () => {
    expect(judge(nodePortServicesRule, [JELLYFIN_APP, typed(JELLYFIN, 'NodePort')])).toEqual([[
      'warning', 'type NodePort publishes port 8096 on a node port of every node, past the gateway: no TLS, no auth front, no route auth declaration',
    ]]);
    const two = { ...JELLYFIN, spec: { ...JELLYFIN.spec, type: 'NodePort', ports: [{ name: 'http', port: 8096, nodePort: 30096 }, { name: 'dlna', port: 1900, protocol: 'UDP', nodePort: 31900 }] } };
    expect(judge(nodePortServicesRule, [JELLYFIN_APP, two])).toEqual([[
      'warning', 'type NodePort publishes ports 8096, 1900 on node ports 30096, 31900 of every node, past the gateway: no TLS, no auth front, no route auth declaration',
    ]]);
  });

  test('LoadBalancer is judged like NodePort (the profile declares no load-balancer pool)', () => {
    expect(judge(nodePortServicesRule, [JELLYFIN_APP, typed(JELLYFIN, 'LoadBalancer')])).toEqual([[
      'warning', 'type LoadBalancer publishes port 8096 on a load-balancer address and on a node port of every node, past the gateway: no TLS, no auth front, no route auth declaration',
    ]]);
    expect(judge(nodePortServicesRule, [JELLYFIN_APP, typed(JELLYFIN, 'LoadBalancer', undefined, { allocateLoadBalancerNodePorts: false })])).toEqual([[
      'warning', 'type LoadBalancer publishes port 8096 on a load-balancer address, past the gateway: no TLS, no auth front, no route auth declaration',
    ]]);
  });

  test('compliant: ClusterIP and headless Services; an admin UI behind a node port is HK-NET-11\'s, not repeated here', () => {
    expect(judge(nodePortServicesRule, [JELLYFIN_APP, JELLYFIN, service('jellyfin-headless', 'media', 8096, { spec: { clusterIP: 'None' } })])).toEqual([]);
    expect(judge(nodePortServicesRule, [PROMETHEUS_APP, typed(PROMETHEUS, 'NodePort', 30090)])).toEqual([]);
  });

  test('an auth proxy on a node port is still published past the gateway (a warning)', () => {
    const [proxyApp, proxySvc] = oauth2Proxy('oauth2-proxy-prometheus', 'monitoring', GOOD_PROXY_ARGS);
    expect(judge(nodePortServicesRule, [proxyApp, typed(proxySvc, 'NodePort', 30180)])).toEqual([[
      'warning', 'type NodePort publishes port 4180 on node port 30180 of every node, past the gateway: no TLS, no auth front, no route auth declaration',
    ]]);
  });
});

describe('HK-NET-11 no NodePort or LoadBalancer in front of an admin UI', () => {
  test('a NodePort in front of Prometheus, found by image, app name or Service name', () => {
    expect(judge(adminUiNodePortRule, [PROMETHEUS_APP, typed(PROMETHEUS, 'NodePort', 30090)])).toEqual([[
      'error', 'type NodePort publishes Prometheus, an admin/data UI (port 9090 on node port 30090 of every node), past the gateway, its TLS and the auth front',
    ]]);
    // by Service name alone (a chart's pods are not in the object set)
    const bare = service('kube-prometheus-stack-prometheus', 'monitoring', 9090, { spec: { type: 'LoadBalancer' } });
    const [f] = evaluatePolicies(records(bare), [{ name: 't', rules: [adminUiNodePortRule] }], labProfile());
    expect([f.level, f.message, f.fix]).toEqual([
      'error',
      'type LoadBalancer publishes Prometheus, an admin/data UI (port 9090 on a load-balancer address and on a node port of every node), past the gateway, its TLS and the auth front',
      'make the Service ClusterIP and expose Prometheus through an OAuth2Proxy front on the cluster gateway',
    ]);
  });

  test('an app-native declaration does not make a node port acceptable', () => {
    const declared = { ...typed(PROMETHEUS, 'NodePort', 30090), metadata: { name: 'prometheus-nodeport', namespace: 'monitoring', annotations: { 'hardened-homelab.io/auth': 'app-native: basic auth in web.yml' } } };
    expect(judge(adminUiNodePortRule, [PROMETHEUS_APP, declared])).toHaveLength(1);
  });

  test('compliant: ClusterIP admin UIs, node ports in front of other apps or of an auth proxy', () => {
    expect(judge(adminUiNodePortRule, [PROMETHEUS_APP, PROMETHEUS])).toEqual([]);
    expect(judge(adminUiNodePortRule, [JELLYFIN_APP, typed(JELLYFIN, 'NodePort', 30096)])).toEqual([]);
    const [proxyApp, proxySvc] = oauth2Proxy('oauth2-proxy-prometheus', 'monitoring', GOOD_PROXY_ARGS);
    expect(judge(adminUiNodePortRule, [proxyApp, typed(proxySvc, 'NodePort', 30180)])).toEqual([]);
  });
});
