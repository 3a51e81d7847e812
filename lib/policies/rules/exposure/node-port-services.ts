import { AnalysisViolation, Manifest, PolicyRule, RuleLevel } from '../../rule';
import { list } from '../cluster/_shared';
import { Exposure, exposureIndex } from './_shared';

/** True for the Service types that publish pods outside the cluster's gateway. */
export function isNodeExposure(e: Exposure): boolean {
  return e.via === 'NodePort' || e.via === 'LoadBalancer';
}

/** `port 8096 on node port 30096 of every node` / `port 80 on a load-balancer address and on a node port of every node`. */
export function describePublication(m: Manifest): string {
  const ports = list(m.spec?.ports).filter((p: any) => typeof p?.port === 'number');
  const nodePorts = ports.map((p: any) => p.nodePort).filter((n: unknown): n is number => typeof n === 'number');
  const what = ports.length ? `port${ports.length > 1 ? 's' : ''} ${ports.map((p: any) => p.port).join(', ')}` : 'its ports';
  const onNodes = nodePorts.length === ports.length && nodePorts.length > 0
    ? `node port${nodePorts.length > 1 ? 's' : ''} ${nodePorts.join(', ')} of every node`
    : `${ports.length > 1 ? 'node ports' : 'a node port'} of every node`;
  if (m.spec?.type === 'LoadBalancer') {
    return m.spec?.allocateLoadBalancerNodePorts === false
      ? `${what} on a load-balancer address`
      : `${what} on a load-balancer address and on ${onNodes}`;
  }
  return `${what} on ${onNodes}`;
}

/**
 * HK-NET-05: Services are ClusterIP; a NodePort (or LoadBalancer: the profile declares no
 * load-balancer pool) Service publishes its pods past the gateway. Services in front of known
 * admin UIs are HK-NET-11's (an error) and are not repeated here.
 */
export const nodePortServicesRule: PolicyRule = {
  id: 'HK-NET-05',
  level: RuleLevel.WARNING,
  title: 'Services are ClusterIP: no NodePort or LoadBalancer beside the gateway',
  explanation: 'A NodePort Service opens its port on every node, and a LoadBalancer Service adds an address of its own (plus the node '
    + 'ports): traffic reaches the pods without the gateway, so without its TLS certificate, its auth front (OAuth2-proxy) and the '
    + 'route\'s auth declaration, and it skips the NetworkPolicy that admits only the gateway. Seed 003\'s homelab kept Jellyfin on '
    + 'NodePort 30096 and Whisparr on NodePort 30969 next to their HTTPRoutes, so both were also reachable over plain HTTP on every node. '
    + 'The cluster profile declares no load-balancer address pool for Services (the gateway is the one entry point), so LoadBalancer '
    + 'Services are judged like NodePort ones.',
  fix: 'Make the Service ClusterIP and publish it with AppRoute on the cluster gateway (with its auth declaration). A protocol the gateway '
    + 'cannot carry (DNS, a game server, DLNA discovery) keeps its Service type with an exemption that says so.',
  analyze(ctx) {
    const idx = exposureIndex(ctx);
    const out: AnalysisViolation[] = [];
    for (const e of idx.exposures) {
      if (!isNodeExposure(e) || e.backends.some((b) => !idx.isAuthProxy(b) && idx.adminUi(b) !== undefined)) continue;
      const m = e.record.manifest;
      out.push({ target: e.record, message: `type ${m.spec.type} publishes ${describePublication(m)}, past the gateway: no TLS, no auth front, no route auth declaration` });
    }
    return out;
  },
};
