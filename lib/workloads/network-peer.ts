import * as k8s from 'cdk8s-plus-29/lib/imports/k8s';

/** Pods of one namespace, all of them or those with some labels: one side of a NetworkPolicy rule. */
export interface NetworkPeer {
  /** The namespace, selected by its `kubernetes.io/metadata.name` label. */
  readonly namespace: string;
  /** The pods' labels. @default - every pod of the namespace */
  readonly podSelector?: Readonly<Record<string, string>>;
}

/**
 * A Service endpoint that opens its own ingress to the clients that connect to it: an app
 * referenced through an `EnvValue` (or `connectTo`) admits the referencing app's pods without
 * another call. AppWorkload and Vault are such endpoints; endpoints whose pods
 * this program does not render (external services, Helm charts) are not.
 */
export interface IAdmitsPeers {
  /**
   * Lets `peer`'s pods connect on `port` (the endpoint's own choice of ports when omitted).
   * Calling it twice with the same peer and port adds one rule.
   */
  allowFrom(peer: NetworkPeer, port?: number): void;
}

/** True when `endpoint` opens its own ingress (see {@link IAdmitsPeers}). */
export function admitsPeers(endpoint: unknown): endpoint is IAdmitsPeers {
  return typeof endpoint === 'object' && endpoint !== null && typeof (endpoint as IAdmitsPeers).allowFrom === 'function';
}

/** The NetworkPolicy peer selecting `peer`'s pods. */
export function networkPolicyPeer(peer: NetworkPeer): k8s.NetworkPolicyPeer {
  return {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': peer.namespace } },
    ...(peer.podSelector ? { podSelector: { matchLabels: { ...peer.podSelector } } } : {}),
  };
}

/** TCP ports of a NetworkPolicy rule, by number or by the pods' port name. */
export function tcpPorts(ports: readonly (number | string)[]): k8s.NetworkPolicyPort[] {
  return ports.map((port) => ({ port: typeof port === 'number' ? k8s.IntOrString.fromNumber(port) : k8s.IntOrString.fromString(port), protocol: 'TCP' }));
}

/** An ingress rule admitting `peers` on TCP `ports`. */
export function ingressFrom(peers: NetworkPeer | readonly NetworkPeer[], ports: readonly (number | string)[]): k8s.NetworkPolicyIngressRule {
  return { from: asList(peers).map(networkPolicyPeer), ports: tcpPorts(ports) };
}

/** An egress rule to `peers` on TCP `ports`. */
export function egressTo(peers: NetworkPeer | readonly NetworkPeer[], ports: readonly (number | string)[]): k8s.NetworkPolicyEgressRule {
  return { to: asList(peers).map(networkPolicyPeer), ports: tcpPorts(ports) };
}

/** Ports of the Kubernetes API server: 443 behind the in-cluster `kubernetes` Service, 6443 on K3s and kubeadm servers. */
export const API_SERVER_PORTS: readonly number[] = [443, 6443];

function asList(peers: NetworkPeer | readonly NetworkPeer[]): readonly NetworkPeer[] {
  return Array.isArray(peers) ? peers : [peers as NetworkPeer];
}
