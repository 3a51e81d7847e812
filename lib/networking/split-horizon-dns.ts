import { Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-29/lib/imports/k8s';
import { Construct } from 'constructs';
import { ValidationError } from '../core/errors';
import { LabelKeys, MANAGED_BY } from '../core/labels';
import { validateDnsSubdomain } from '../core/names';
import { ClusterProfile, Distro, isIpv4 } from '../core/profile';
import { markAppBoundary, uniqueId } from '../core/tree';

/** Namespace of K3s's CoreDNS (kube-system). */
export const COREDNS_NAMESPACE = 'kube-system';
/** The ConfigMap K3s's CoreDNS Deployment mounts (optional) at `/etc/coredns/custom`. */
export const COREDNS_CUSTOM = 'coredns-custom';
/** The key of {@link COREDNS_CUSTOM} this construct writes (`*.server` files are imported as extra server blocks). */
export const SPLIT_HORIZON_KEY = 'split-horizon.server';

/** Props of {@link SplitHorizonDns}. */
export interface SplitHorizonDnsProps {
  /**
   * Only these host names (inside the domain) resolve to the gateway; other names of the domain
   * are forwarded upstream as before. Use it when the domain also holds hosts that are not
   * served by the cluster (a router, a NAS).
   * @default - every name of the domain, and the domain itself
   */
  readonly hosts?: string[];
  /** The DNS zone answered in-cluster. @default - profile.domain */
  readonly domain?: string;
  /** The address the names resolve to. @default - profile.gateway.ip */
  readonly gatewayIp?: string;
  /** TTL of the answers, in seconds. @default 60 */
  readonly ttl?: number;
}

const SPLIT_HORIZON = Symbol.for('hardened-homelab.SplitHorizonDns');

/**
 * Split-horizon DNS for a K3s cluster: inside the cluster, the cluster's own public names
 * resolve to its gateway's address, so in-cluster clients (an OAuth2-proxy front doing OIDC
 * discovery against `https://authentik.<domain>/…`) reach the gateway instead of failing on the
 * public address or on NAT loopback: the seed 003 "DNS hairpin", which left the proxies in
 * CrashLoopBackOff until a `hostAliases` workaround was added to each of them.
 *
 * K3s's CoreDNS Corefile ends with `import /etc/coredns/custom/*.server` and its `.:53` block
 * imports `/etc/coredns/custom/*.override`, from the optional ConfigMap `coredns-custom` in
 * `kube-system` (k3s-io/k3s#4397). This construct writes one extra server block for the domain
 * (key `split-horizon.server`): a `template` answering A queries with the gateway IP (and empty
 * AAAA answers, so clients do not pick up a public IPv6 address), everything else forwarded as
 * before. CoreDNS's `reload` plugin notices the changed file; restart the `coredns` Deployment if
 * it does not.
 *
 * It is a cdk8s Chart in `kube-system` (the `Namespace` construct refuses `kube-*` names because
 * apps do not belong there; this is CoreDNS configuration, not an app), written as its own app
 * folder `kube-system/coredns-custom/`. One per cluster.
 */
export class SplitHorizonDns extends Chart {
  /** The zone answered in-cluster. */
  public readonly domain: string;
  /** The gateway address the names resolve to. */
  public readonly gatewayIp: string;
  /** The host names answered, or `undefined` for the whole domain. */
  public readonly hosts?: readonly string[];
  public readonly configMap: k8s.KubeConfigMap;

  constructor(scope: Construct, id: string = 'split-horizon-dns', props: SplitHorizonDnsProps = {}) {
    super(scope, uniqueId(scope, id), { namespace: COREDNS_NAMESPACE, disableResourceNameHashes: true });
    Object.defineProperty(this, SPLIT_HORIZON, { value: true, enumerable: false });
    const profile = ClusterProfile.of(this);
    if (profile.distro !== Distro.K3S) {
      throw new ValidationError(this, {
        prop: 'profile.distro', value: profile.distro,
        rule: `only K3s's CoreDNS imports the ${COREDNS_CUSTOM} ConfigMap`,
        fix: 'add the server block to your CoreDNS Corefile by hand, or give the clients hostAliases (OAuth2Proxy hostAliases option)',
      });
    }
    const others = this.node.root.node.findAll().filter((c) => c !== this && (c as any)[SPLIT_HORIZON] === true && ClusterProfile.tryOf(c) === profile);
    if (others.length > 0) {
      throw new ValidationError(this, { prop: 'scope', value: others[0].node.path, rule: `a cluster has one ${COREDNS_CUSTOM} ConfigMap, and a SplitHorizonDns already writes it`, fix: 'create one SplitHorizonDns per cluster (list several names in hosts)' });
    }
    if (props.domain === undefined && !profile.domain) {
      throw new ValidationError(this, { prop: 'domain', value: undefined, rule: 'no domain given and the profile has none', fix: 'set profile.domain (e.g. "fletcherlabs.net") or pass domain' });
    }
    this.domain = ValidationError.within(this, 'domain', () => validateDnsSubdomain(props.domain ?? (profile.domain as string)));
    const ip = props.gatewayIp ?? profile.gateway?.ip;
    if (ip === undefined || !isIpv4(ip)) {
      throw new ValidationError(this, { prop: 'gatewayIp', value: ip, rule: 'the names must resolve to the gateway\'s IPv4 address, and none is known', fix: 'set profile.gateway.ip (the address the gateway Service got, e.g. "192.168.10.224") or pass gatewayIp' });
    }
    this.gatewayIp = ip;
    const ttl = props.ttl ?? 60;
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > 86400) {
      throw new ValidationError(this, { prop: 'ttl', value: props.ttl, rule: 'a TTL is a whole number of seconds from 1 to 86400', fix: 'use e.g. 60' });
    }
    if (props.hosts !== undefined) {
      if (props.hosts.length === 0) {
        throw new ValidationError(this, { prop: 'hosts', value: props.hosts, rule: 'an empty host list would answer nothing', fix: 'list the host names, or leave hosts out to answer the whole domain' });
      }
      this.hosts = props.hosts.map((h, i) => {
        ValidationError.within(this, `hosts[${i}]`, () => validateDnsSubdomain(h));
        if (h !== this.domain && !h.endsWith(`.${this.domain}`)) {
          throw new ValidationError(this, { prop: `hosts[${i}]`, value: h, rule: `not a name in ${this.domain}`, fix: `list names of ${this.domain} only, or change domain` });
        }
        return h;
      });
    }
    markAppBoundary(this, COREDNS_CUSTOM);

    this.configMap = new k8s.KubeConfigMap(this, 'ConfigMap', {
      metadata: { name: COREDNS_CUSTOM, labels: { [LabelKeys.NAME]: 'coredns', [LabelKeys.COMPONENT]: 'split-horizon-dns', [LabelKeys.MANAGED_BY]: MANAGED_BY } },
      data: { [SPLIT_HORIZON_KEY]: renderSplitHorizonServerBlock(this.domain, this.gatewayIp, ttl, this.hosts) },
    });
  }
}

/** Regex literal for a host name with dots as `[.]` (the Corefile lexer keeps backslashes, but `[.]` reads clearer). */
function hostPattern(host: string): string {
  return host.split('.').join('[.]');
}

/** The CoreDNS server block answering `domain` (or only `hosts`) with `ip`. */
export function renderSplitHorizonServerBlock(domain: string, ip: string, ttl: number, hosts?: readonly string[]): string {
  const match = hosts ? `        match "^(${hosts.map(hostPattern).join('|')})[.]$"\n` : '';
  const fallthrough = hosts ? '        fallthrough\n' : '';
  return [
    '# hardened-homelab SplitHorizonDns (seed 003 DNS hairpin)',
    `${domain}:53 {`,
    '    errors',
    '    cache 30',
    `    template IN A ${domain} {`,
    `${match}        answer "{{ .Name }} ${ttl} IN A ${ip}"`,
    `${fallthrough}    }`,
    `    template IN AAAA ${domain} {`,
    `${match}        rcode NOERROR`,
    `${fallthrough}    }`,
    '    forward . /etc/resolv.conf',
    '}',
    '',
  ].join('\n');
}
