import { selectorMatches } from '../../pod';
import { AnalysisViolation, Manifest, PolicyRule, RuleLevel } from '../../rule';
import { NAMESPACE_NAME_LABEL, byNamespace, isEmptySelector, list, podTemplates, policyTypesOf, workloadNamespaces } from './_shared';

const KUBE_SYSTEM = 'kube-system';

/** A default-deny: selects every pod, governs both directions, allows nothing. */
function isDefaultDeny(np: Manifest): boolean {
  const types = policyTypesOf(np);
  return isEmptySelector(np.spec?.podSelector) && types.has('Ingress') && types.has('Egress')
    && list(np.spec?.ingress).length === 0 && list(np.spec?.egress).length === 0;
}

/** True for a namespaceSelector that names kube-system through `kubernetes.io/metadata.name`. */
function selectsKubeSystem(selector: any): boolean {
  if (!selector) return false;
  const named = selector.matchLabels?.[NAMESPACE_NAME_LABEL] === KUBE_SYSTEM
    || list(selector.matchExpressions).some((e: any) => e?.key === NAMESPACE_NAME_LABEL && e?.operator === 'In' && list(e.values).includes(KUBE_SYSTEM));
  return named && selectorMatches(selector, { [NAMESPACE_NAME_LABEL]: KUBE_SYSTEM });
}

/** True when a NetworkPolicy port entry admits port 53 (numbers, ranges, CoreDNS's port names, or any port). */
function admitsDnsPort(port: unknown, endPort: unknown): boolean {
  if (port === undefined || port === null) return true;
  if (port === 53 || port === '53' || port === 'dns' || port === 'dns-tcp') return true;
  return typeof port === 'number' && typeof endPort === 'number' && port <= 53 && 53 <= endPort;
}

/** The protocols (UDP, TCP) on which a namespace-wide policy lets pods reach DNS in kube-system. */
function dnsProtocols(np: Manifest): Set<string> {
  const out = new Set<string>();
  if (!isEmptySelector(np.spec?.podSelector) || !policyTypesOf(np).has('Egress')) return out;
  for (const rule of list(np.spec?.egress)) {
    if (!list(rule?.to).some((peer: any) => selectsKubeSystem(peer?.namespaceSelector))) continue;
    const ports = list(rule.ports);
    if (ports.length === 0) {
      out.add('UDP');
      out.add('TCP');
    }
    for (const p of ports) {
      if (admitsDnsPort(p?.port, p?.endPort)) out.add(p?.protocol ?? 'TCP');
    }
  }
  return out;
}

/** HK-NET-02: every app namespace has a default-deny NetworkPolicy and a DNS egress allowance to kube-system. */
export const namespaceNetworkBaselineRule: PolicyRule = {
  id: 'HK-NET-02',
  level: RuleLevel.ERROR,
  title: 'Every namespace with workloads has a default-deny NetworkPolicy and a DNS egress policy to kube-system',
  explanation:
    'A namespace-wide default-deny makes every other allowance explicit, so a pod added later starts isolated instead of open. Once egress '
    + 'is denied, pods also need DNS: UDP and TCP 53 to kube-system, selected by the kubernetes.io/metadata.name label (Kyverno\'s sample '
    + 'selects a name: kube-system label that does not exist). The Vault cluster of seed 002 ran with no NetworkPolicies at all.',
  fix: 'Add to the namespace a NetworkPolicy with podSelector {} and policyTypes [Ingress, Egress] and no rules, and one with podSelector {} '
    + 'allowing egress to namespaceSelector {matchLabels: {kubernetes.io/metadata.name: kube-system}} on port 53 UDP and TCP.',
  analyze(ctx) {
    const policies = byNamespace(ctx.byKind('NetworkPolicy'));
    const out: AnalysisViolation[] = [];
    for (const { namespace, target } of workloadNamespaces(ctx, podTemplates(ctx))) {
      const nps = policies.get(namespace) ?? [];
      if (!nps.some((r) => isDefaultDeny(r.manifest))) {
        out.push({
          target,
          message: `namespace ${namespace} has no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules)`,
          fix: `add a NetworkPolicy default-deny to namespace ${namespace} with podSelector {}, policyTypes [Ingress, Egress] and no ingress or egress rules`,
        });
      }
      const protocols = new Set<string>();
      for (const r of nps) for (const p of dnsProtocols(r.manifest)) protocols.add(p);
      const missing = ['UDP', 'TCP'].filter((p) => !protocols.has(p));
      if (missing.length === 0) continue;
      out.push({
        target,
        message: missing.length === 2
          ? `namespace ${namespace} has no NetworkPolicy letting all its pods reach DNS in ${KUBE_SYSTEM} (port 53 UDP and TCP)`
          : `namespace ${namespace} lets its pods reach DNS in ${KUBE_SYSTEM} over ${protocols.has('UDP') ? 'UDP' : 'TCP'} but not over ${missing[0]} (port 53)`,
        fix: `add a NetworkPolicy to namespace ${namespace} with podSelector {}, policyTypes [Egress] and an egress rule to namespaceSelector `
          + `{matchLabels: {${NAMESPACE_NAME_LABEL}: ${KUBE_SYSTEM}}} on ports [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]`,
      });
    }
    return out;
  },
};
