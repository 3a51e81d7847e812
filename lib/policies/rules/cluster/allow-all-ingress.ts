import { PolicyRule, RuleLevel } from '../../rule';
import { formatLabels, isEmptySelector, list, namespaceOf, policyTypesOf } from './_shared';

/** What an ingress peer admits when it admits everything, else `undefined`. */
function openPeer(peer: any): string | undefined {
  if (peer === null || typeof peer !== 'object') return undefined;
  const { podSelector, namespaceSelector, ipBlock } = peer;
  if (podSelector === undefined && namespaceSelector === undefined && ipBlock === undefined) return 'any source (an empty peer {})';
  if (ipBlock && list(ipBlock.except).length === 0 && (ipBlock.cidr === '0.0.0.0/0' || ipBlock.cidr === '::/0')) {
    return `any ${ipBlock.cidr === '::/0' ? 'IPv6' : 'IPv4'} address (ipBlock ${ipBlock.cidr})`;
  }
  if (namespaceSelector !== undefined && namespaceSelector !== null && isEmptySelector(namespaceSelector) && (podSelector === undefined || isEmptySelector(podSelector))) {
    return 'every pod of every namespace (namespaceSelector {})';
  }
  return undefined;
}

/**
 * What an ingress rule admits when it admits all ingress (no `ports`, and no `from` or a peer
 * that covers everything), else `undefined`.
 */
export function allowAllSource(rule: any): string | undefined {
  if (list(rule?.ports).length > 0) return undefined;
  const from = list(rule?.from);
  if (from.length === 0) return 'any source';
  for (const peer of from) {
    const open = openPeer(peer);
    if (open) return open;
  }
  return undefined;
}

/**
 * HK-NET-12: no NetworkPolicy admits all ingress — an ingress rule without ports whose sources
 * are everyone (no `from`, an empty peer, `namespaceSelector: {}` without a pod selector, or
 * ipBlock 0.0.0.0/0 or ::/0 without exceptions). Namespace-wide (`podSelector: {}`) it voids the
 * namespace's default-deny; for a narrower selector it voids every other rule for those pods.
 * Both are errors: an allow-all that has a reason (an upstream chart whose ports the library
 * cannot know) carries an exemption that says it.
 */
export const allowAllIngressRule: PolicyRule = {
  id: 'HK-NET-12',
  level: RuleLevel.ERROR,
  title: 'No NetworkPolicy admits all ingress',
  explanation: 'NetworkPolicies add up: once one policy admits every source on every port to a pod, no other policy can restrict it. '
    + 'The cortex-school namespace (seed 000, at HEAD) got an allow-all ingress policy on podSelector {}, so its default-deny and every '
    + 'per-service rule stopped mattering: any pod of the cluster could reach the Qdrant store and the workers that hold a cluster-wide '
    + 'Secret reader role. An ingress rule with no ports admits all traffic when it has no `from`, or a peer that is empty, '
    + '`namespaceSelector: {}` without a pod selector (every pod of every namespace), or ipBlock 0.0.0.0/0 or ::/0 without exceptions. '
    + 'For a narrower podSelector the same rule voids every other policy of those pods, so it is an error too: the one allow-all the '
    + 'library writes itself, UpstreamChart\'s default for chart pods whose ports it cannot know, carries an exemption with that reason.',
  fix: 'Name the clients in `from` (the namespaceSelector/podSelector of the pods that call the service) and the ports in `ports`, as '
    + 'AppWorkload\'s allowFrom and AppRoute do; tighten an UpstreamChart with networkPolicy: { ingress: [...] }. A policy that must admit '
    + 'everyone carries an exemption saying why.',
  check(m) {
    if (m.kind !== 'NetworkPolicy' || !m.apiVersion.startsWith('networking.k8s.io/') || !policyTypesOf(m).has('Ingress')) return [];
    const selector = m.spec?.podSelector;
    const wide = isEmptySelector(selector);
    const namespace = namespaceOf(m);
    const pods = wide ? `every pod of namespace ${namespace} (podSelector {})` : `the pods ${describeSelector(selector)}`;
    const consequence = wide
      ? 'NetworkPolicies add up, so the namespace\'s default-deny and every per-app ingress rule are void'
      : 'NetworkPolicies add up, so every other ingress rule for those pods is void';
    const out: { message: string; fix: string }[] = [];
    list(m.spec?.ingress).forEach((rule: any, i: number) => {
      const source = allowAllSource(rule);
      if (!source) return;
      out.push({
        message: `ingress[${i}] admits ${source} on every port to ${pods}: ${consequence}`,
        fix: 'list the clients in from (namespaceSelector/podSelector) and the ports in ports, or delete the rule; '
          + (wide ? 'keep the namespace default-deny and let each app admit its own clients (AppWorkload allowFrom)' : 'if these pods must admit everyone, add an exemption saying why'),
      });
    });
    return out;
  },
};

/** `app=x, tier=y` plus expressions, for messages. */
function describeSelector(selector: any): string {
  const labels = formatLabels(selector?.matchLabels);
  const expressions = list(selector?.matchExpressions).map((e: any) => `${e?.key} ${e?.operator}${list(e?.values).length ? ` (${list(e.values).join(', ')})` : ''}`);
  return [labels, ...expressions].filter((s) => s !== '').join(', ');
}
