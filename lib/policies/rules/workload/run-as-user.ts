import { containerLabel, podTemplateOf } from '../../pod';
import { PolicyRule, RuleLevel, RuleViolation } from '../../rule';
import { eachContainer } from './_shared';

/** HK-SEC-04: neither the pod nor any container sets `runAsUser: 0`. */
export const runAsUserRule: PolicyRule = {
  id: 'HK-SEC-04',
  level: RuleLevel.ERROR,
  title: 'pods and containers must not set runAsUser to 0',
  explanation: 'UID 0 is root. The GH200 startup fix set runAsUser: 0 "to eliminate permission issues", which hides the '
    + 'real problem (a read-only or root-owned path) and gives up the main container boundary. An unset runAsUser is judged by HK-SEC-03.',
  fix: 'set runAsUser to a non-root UID such as 10001, and make the paths the process writes to writable (emptyDir, fsGroup) instead',
  check: (m) => {
    const pod = podTemplateOf(m);
    if (!pod) return [];
    const out: RuleViolation[] = pod.spec?.securityContext?.runAsUser === 0 ? [{ message: 'the pod sets runAsUser to 0 (root)' }] : [];
    return out.concat(eachContainer(m, (ref) =>
      ref.container?.securityContext?.runAsUser === 0 ? `${containerLabel(ref)} sets runAsUser to 0 (root)` : undefined));
  },
};
