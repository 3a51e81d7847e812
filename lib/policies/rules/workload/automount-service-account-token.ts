import { podTemplateOf } from '../../pod';
import { PolicyRule, RuleLevel } from '../../rule';

/** HK-SEC-20: the pod opts out of the API token (`automountServiceAccountToken: false`). */
export const automountServiceAccountTokenRule: PolicyRule = {
  id: 'HK-SEC-20',
  level: RuleLevel.WARNING,
  title: 'pods should set automountServiceAccountToken to false',
  explanation: 'By default every pod gets a ServiceAccount token mounted at /var/run/secrets/kubernetes.io/serviceaccount; '
    + 'anyone who gets a shell in the container can call the Kubernetes API with it. Most apps never talk to the API.',
  fix: 'set spec.automountServiceAccountToken: false on the pod template (workloads that call the API declare it and get an RBAC role)',
  check: (m) => {
    const pod = podTemplateOf(m);
    if (!pod) return [];
    const value = pod.spec?.automountServiceAccountToken;
    if (value === false) return [];
    return [{
      message: value === undefined
        ? 'the pod does not set automountServiceAccountToken, so the ServiceAccount token is mounted'
        : `the pod sets automountServiceAccountToken to ${JSON.stringify(value)}`,
    }];
  },
};
