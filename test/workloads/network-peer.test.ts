import {
  API_SERVER_PORTS, AppSize, AppWorkload, EnvValue, ExternalService, OAuth2Proxy, Probe, admitsPeers, egressTo, ingressFrom, k8s, networkPolicyPeer, tcpPorts,
} from '../../lib';
import { newVault, vaultNamespace } from '../security/vault/helpers';
import { createValidator } from '../schema/validator';
import { one, synth, testNamespace } from '../helpers';

const IMAGE = 'ghcr.io/example/app:1.2.3';
/** The rule as it is written out (IntOrString ports as their value). */
const plain = (x: unknown) => JSON.parse(JSON.stringify(x, (_k, v) => (v instanceof k8s.IntOrString ? v.value : v)));
const ns = (name: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } });

describe('NetworkPolicy peers', () => {
  test('a namespace, or some pods of it', () => {
    expect(networkPolicyPeer({ namespace: 'apps' })).toEqual(ns('apps'));
    expect(networkPolicyPeer({ namespace: 'apps', podSelector: { app: 'web' } })).toEqual({ ...ns('apps'), podSelector: { matchLabels: { app: 'web' } } });
  });

  test('TCP ports by number or by the pods\' port name', () => {
    expect(plain(tcpPorts([8080, 'http']))).toEqual([{ port: 8080, protocol: 'TCP' }, { port: 'http', protocol: 'TCP' }]);
    expect(API_SERVER_PORTS).toEqual([443, 6443]);
  });

  test('ingress from and egress to one or several peers', () => {
    expect(plain(ingressFrom({ namespace: 'monitoring' }, [9400]))).toEqual({ from: [ns('monitoring')], ports: [{ port: 9400, protocol: 'TCP' }] });
    expect(plain(egressTo([{ namespace: 'a' }, { namespace: 'b', podSelector: { x: 'y' } }], [5432, 5433]))).toEqual({
      to: [ns('a'), { ...ns('b'), podSelector: { matchLabels: { x: 'y' } } }],
      ports: [{ port: 5432, protocol: 'TCP' }, { port: 5433, protocol: 'TCP' }],
    });
  });

  test('the pod selector is copied, not shared', () => {
    const labels = { app: 'web' };
    const peer = networkPolicyPeer({ namespace: 'apps', podSelector: labels });
    labels.app = 'changed';
    expect(peer.podSelector?.matchLabels).toEqual({ app: 'web' });
  });
});

describe('endpoints that open their own ingress (IAdmitsPeers)', () => {
  test('apps and Vault do; external services, fronts and plain values do not', () => {
    const vns = vaultNamespace();
    const vault = newVault(vns);
    const app = new AppWorkload(vns, 'web', { image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }] });
    expect([admitsPeers(app), admitsPeers(vault)]).toEqual([true, true]);
    expect(admitsPeers(ExternalService.fromProfile(vns, 'data', 'postgres'))).toBe(false);
    expect(admitsPeers({ serviceName: 'x', namespace: 'y', servicePorts: [] })).toBe(false);
    expect([admitsPeers(undefined), admitsPeers(null), admitsPeers('web')]).toEqual([false, false, false]);
    expect(OAuth2Proxy.prototype).not.toHaveProperty('allowFrom');
  });

  test('an app admits a peer once per port, however often it is asked (env references, connectTo, allowFrom)', () => {
    const chart = testNamespace();
    const db = new AppWorkload(chart, 'db', { image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'pg', port: 5432 }] });
    const web = new AppWorkload(chart, 'web', {
      image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }],
      env: { DB_HOST: EnvValue.serviceHost(db), DB_PORT: EnvValue.servicePort(db) },
    });
    web.connectTo(db, 5432);
    db.allowFrom(web, 5432);
    db.allowFrom(web);
    db.allowFrom({ namespace: 'backup' });
    const objs = synth(chart);
    expect(one(objs, 'NetworkPolicy', 'db').spec.ingress).toEqual([
      { from: [{ ...ns('apps'), podSelector: { matchLabels: web.podSelector } }], ports: [{ port: 5432, protocol: 'TCP' }] },
      { from: [ns('backup')], ports: [{ port: 5432, protocol: 'TCP' }] },
    ]);
    expect(one(objs, 'NetworkPolicy', 'web').spec.egress).toEqual([
      { to: [{ ...ns('apps'), podSelector: { matchLabels: db.podSelector } }], ports: [{ port: 5432, protocol: 'TCP' }] },
    ]);
    const validator = createValidator();
    expect(objs.filter((o) => o.kind === 'NetworkPolicy').flatMap((o) => validator.validate(o))).toEqual([]);
  });

  test('allowFrom without a port admits every port of the app, and a single port is not repeated after it', () => {
    const chart = testNamespace();
    const app = new AppWorkload(chart, 'multi', { image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9090 }] });
    app.allowFrom({ namespace: 'monitoring' });
    app.allowFrom({ namespace: 'monitoring' }, 9090);
    app.allowFrom({ namespace: 'monitoring' });
    expect(one(synth(chart), 'NetworkPolicy', 'multi').spec.ingress).toEqual([
      { from: [ns('monitoring')], ports: [{ port: 8080, protocol: 'TCP' }, { port: 9090, protocol: 'TCP' }] },
    ]);
  });

  test('an app connected to itself gets the egress rule and admits nobody', () => {
    const chart = testNamespace();
    const app = new AppWorkload(chart, 'solo', { image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }], healthCheck: Probe.httpGet('/') });
    app.connectTo(app, 8080);
    const np = one(synth(chart), 'NetworkPolicy', 'solo');
    expect([np.spec.ingress, np.spec.egress]).toEqual([[], [{ to: [{ ...ns('apps'), podSelector: { matchLabels: app.podSelector } }], ports: [{ port: 8080, protocol: 'TCP' }] }]]);
  });
});
