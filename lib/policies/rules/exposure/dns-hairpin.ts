import { Distro } from '../../../core/profile';
import { AnalysisViolation, PolicyRule, RuleLevel } from '../../rule';
import { list } from '../cluster/_shared';
import { exposureIndex, oauth2ProxyContainers } from './_shared';

/** Name of the ConfigMap K3s's CoreDNS imports `*.server` / `*.override` files from. */
const COREDNS_CUSTOM = 'coredns-custom';

/** A server block of a CoreDNS config fragment: its zones and its `template … match` patterns. */
interface ServerBlock {
  readonly zones: string[];
  readonly matches: RegExp[];
  readonly text: string;
}

function serverBlocks(text: string): ServerBlock[] {
  const out: ServerBlock[] = [];
  const header = /^[ \t]*([^\s{#}][^{}\n]*?)[ \t]*\{[ \t]*$/gm;
  const heads = [...text.matchAll(header)].filter((m) => !/^\s/.test(m[0]) || m.index === 0);
  for (const [i, m] of heads.entries()) {
    const body = text.slice(m.index ?? 0, heads[i + 1]?.index ?? text.length);
    const zones = m[1].split(/\s+/).map((z) => z.replace(/^dns:\/\//, '').replace(/:\d+$/, '').replace(/\.$/, '').toLowerCase()).filter((z) => z !== '');
    const matches: RegExp[] = [];
    for (const mm of body.matchAll(/^\s*match\s+(.+)$/gm)) {
      for (const q of mm[1].matchAll(/"([^"]*)"|(\S+)/g)) {
        try {
          matches.push(new RegExp(q[1] ?? q[2]));
        } catch {
          // not a JavaScript-compatible pattern: treated as not matching
        }
      }
    }
    out.push({ zones, matches, text: body });
  }
  return out;
}

/** True when a coredns-custom fragment answers `host` with `ip`. */
function answers(blocks: readonly ServerBlock[], overrides: readonly string[], host: string, ip: string): boolean {
  if (overrides.some((t) => t.includes(ip) && t.includes(host))) return true;
  return blocks.some((b) => b.text.includes(ip)
    && b.zones.some((z) => z === '.' || host === z || host.endsWith(`.${z}`))
    && (b.text.includes(host) || b.matches.length === 0 || b.matches.some((re) => re.test(`${host}.`))));
}

/**
 * HK-EXP-06: an oauth2-proxy whose identity provider is one of the cluster's own public names
 * can resolve that name inside the cluster: split-horizon DNS (K3s `coredns-custom`) answers it
 * with the gateway's address, or the pod has a `hostAliases` entry for it.
 */
export const dnsHairpinRule: PolicyRule = {
  id: 'HK-EXP-06',
  level: RuleLevel.ERROR,
  title: 'In-cluster clients of the cluster\'s own host names can resolve them (split-horizon DNS)',
  explanation: 'An OAuth2-proxy front discovers its identity provider over HTTPS before it serves anything. When the provider is '
    + 'published by this cluster\'s own gateway (https://authentik.<domain>), the name resolves inside the cluster to the public '
    + 'address, which NAT loopback on a home router usually drops, or not at all. Seed 003\'s proxies crash-looped on exactly this '
    + '("classic DNS hairpin/NAT loopback issue") until hostAliases were pasted into each of them. On K3s the fix is made once: the '
    + 'coredns-custom ConfigMap answers the cluster\'s domain with the gateway IP (SplitHorizonDns).',
  fix: 'Add `new SplitHorizonDns(cluster)` (K3s coredns-custom server block: the domain resolves to profile.gateway.ip inside the cluster); '
    + 'as a fallback give the front hostAliases (OAuth2Proxy hostAliases with a reason).',
  analyze(ctx) {
    const profile = ctx.profile;
    const ip = profile?.gateway?.ip;
    if (!profile || !ip) return [];
    const ownHosts = new Set<string>();
    for (const e of exposureIndex(ctx).exposures) for (const h of e.hosts) ownHosts.add(h.toLowerCase());
    const blocks: ServerBlock[] = [];
    const overrides: string[] = [];
    if (profile.distro === Distro.K3S) {
      for (const r of ctx.inNamespace('ConfigMap', 'kube-system')) {
        if (r.manifest.metadata?.name !== COREDNS_CUSTOM) continue;
        for (const [key, value] of Object.entries((r.manifest.data ?? {}) as Record<string, unknown>)) {
          if (typeof value !== 'string') continue;
          if (key.endsWith('.server')) blocks.push(...serverBlocks(value));
          else if (key.endsWith('.override')) overrides.push(value);
        }
      }
    }
    const domain = profile.domain;
    const out: AnalysisViolation[] = [];
    for (const { pod, container, flags } of oauth2ProxyContainers(ctx)) {
      for (const issuer of flags.get('oidc-issuer-url') ?? []) {
        let host: string;
        try {
          host = new URL(issuer).hostname.toLowerCase();
        } catch {
          continue;
        }
        const own = ownHosts.has(host) || (domain !== undefined && (host === domain || host.endsWith(`.${domain}`)));
        if (!own) continue;
        const aliased = list(pod.spec?.hostAliases).some((a: any) => list(a?.hostnames).includes(host));
        if (aliased || answers(blocks, overrides, host, ip)) continue;
        out.push({
          target: pod.record,
          message: `container "${container.name}" discovers its identity provider at ${host}, a name this cluster's own gateway serves, `
            + `but nothing resolves ${host} to the gateway ${ip} inside the cluster: OIDC discovery fails and the proxy crash-loops (seed 003 DNS hairpin)`,
          fix: profile.distro === Distro.K3S
            ? `add new SplitHorizonDns(cluster) (coredns-custom: ${domain ?? host} → ${ip}), or, as a fallback, hostAliases for ${host}`
            : `make your cluster DNS answer ${host} with ${ip}, or give the front hostAliases for ${host}`,
        });
      }
    }
    return out;
  },
};
