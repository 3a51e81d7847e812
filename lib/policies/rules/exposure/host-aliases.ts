import { podTemplateOf } from '../../pod';
import { PolicyRule, RuleLevel } from '../../rule';
import { list } from '../cluster/_shared';

/** HK-EXP-07: pods do not pin host names with `hostAliases` (split-horizon DNS instead). */
export const hostAliasesRule: PolicyRule = {
  id: 'HK-EXP-07',
  level: RuleLevel.WARNING,
  title: 'Host names are resolved by cluster DNS, not pinned with hostAliases',
  explanation: 'hostAliases write fixed addresses into one pod\'s /etc/hosts. Seed 003 fixed its DNS hairpin that way, one proxy at a '
    + 'time ("HostAlias is a quick fix, CoreDNS is the proper solution"): every new client needs the same patch, and when the gateway '
    + 'address changes every copy silently points at the old one. Split-horizon DNS fixes the name once for the whole cluster.',
  fix: 'Remove spec.hostAliases and add SplitHorizonDns (K3s coredns-custom); if CoreDNS cannot be changed, keep them with an exemption '
    + 'that says why (OAuth2Proxy hostAliases: { reason } does this).',
  check(m) {
    const pod = podTemplateOf(m);
    const aliases = list(pod?.spec?.hostAliases);
    if (aliases.length === 0) return [];
    const pinned = aliases.flatMap((a: any) => list(a?.hostnames).map((h) => `${h} → ${a?.ip}`));
    return [{ message: `pins ${pinned.join(', ')} in /etc/hosts of its pods; the cluster DNS does not know these answers` }];
  },
};
