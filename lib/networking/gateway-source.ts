import * as k8s from 'cdk8s-plus-29/lib/imports/k8s';
import { ValidationError, invalid } from '../core/errors';
import { validateDnsLabel, validateLabels } from '../core/names';
import { parseCidr } from '../core/profile';
import { ingressFrom, tcpPorts } from '../workloads/network-peer';

type Source =
  | { kind: 'any' }
  | { kind: 'namespace'; namespace: string; podSelector?: Record<string, string> }
  | { kind: 'cidr'; cidr: string };

/**
 * Where the gateway's proxies connect to backends from, as a NetworkPolicy peer. A backend that
 * a route exposes must admit these connections; nothing else is opened.
 *
 * Why the default is {@link anySource}: with Cilium's Gateway API implementation (the homelab's),
 * the Envoy that forwards route traffic runs in the Cilium agent on each node, and backends see
 * its connections with Cilium's reserved `ingress` identity. A plain Kubernetes NetworkPolicy
 * cannot select a reserved identity: `namespaceSelector`/`podSelector` only match pods, and
 * `ipBlock` does not apply to cluster entities (Cilium matches CIDRs only for traffic from
 * outside the cluster). The only plain-NetworkPolicy rule that admits Cilium gateway traffic is a
 * port-only rule. It is scoped to the one port the route targets; use a CiliumNetworkPolicy with
 * `fromEntities: [ingress]` if you need tighter scoping. Gateways whose data plane runs as pods
 * (Envoy Gateway, Traefik, ingress-nginx) can use {@link namespace}; host-network gateways can
 * use {@link cidr} with the node range.
 */
export class GatewaySource {
  /** Any source, on the backend's port only (works with Cilium's node-local Envoy). */
  public static anySource(): GatewaySource {
    return new GatewaySource({ kind: 'any' });
  }

  /**
   * The gateway's data-plane pods in `namespace` (optionally only those with `podSelector` labels).
   * The route that uses it refuses a `namespace` that is not a DNS-1123 label and invalid labels.
   */
  public static namespace(namespace: string, podSelector?: Record<string, string>): GatewaySource {
    return new GatewaySource({ kind: 'namespace', namespace, podSelector: podSelector ? { ...podSelector } : undefined });
  }

  /**
   * Connections from the address range `cidr` (e.g. the nodes', for a host-network gateway).
   * The route that uses it refuses a `cidr` that is not an IPv4 CIDR.
   */
  public static cidr(cidr: string): GatewaySource {
    return new GatewaySource({ kind: 'cidr', cidr });
  }

  private constructor(private readonly source: Source) {}

  /**
   * Checks what the factory received. Throws a path-less ValidationError (prop `namespace`,
   * `podSelector.<key>` or `cidr`); the route that uses the source places it under `gatewaySource`.
   * @internal
   */
  public _validate(): void {
    const s = this.source;
    if (s.kind === 'namespace') {
      ValidationError.under('namespace', () => validateDnsLabel(s.namespace));
      if (s.podSelector) ValidationError.under('podSelector', () => validateLabels(s.podSelector as Record<string, string>));
    } else if (s.kind === 'cidr' && !parseCidr(s.cidr)) {
      invalid('cidr', s.cidr, 'not an IPv4 CIDR', 'write it like "192.168.10.0/24"');
    }
  }

  /** One line for docs and reports, e.g. `any source`, `pods in namespace traefik`. */
  public describe(): string {
    const s = this.source;
    switch (s.kind) {
      case 'any': return 'any source';
      case 'namespace': return `pods in namespace ${s.namespace}${s.podSelector ? ` labelled ${Object.entries(s.podSelector).map(([k, v]) => `${k}=${v}`).join(',')}` : ''}`;
      default: return `addresses in ${s.cidr}`;
    }
  }

  /**
   * The NetworkPolicy ingress rule admitting the gateway on `port` of the selected pods.
   * @internal
   */
  public _ingressRule(port: number | string): k8s.NetworkPolicyIngressRule {
    const ports = tcpPorts([port]);
    const s = this.source;
    switch (s.kind) {
      case 'any': return { ports };
      case 'namespace': return ingressFrom(s, [port]);
      default: return { from: [{ ipBlock: { cidr: s.cidr } }], ports };
    }
  }
}
