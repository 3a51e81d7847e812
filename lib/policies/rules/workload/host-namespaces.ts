import { podTemplateOf } from '../../pod';
import { PolicyRule, RuleLevel, RuleViolation } from '../../rule';

/** HK-SEC-10: the pod does not share the host's network, PID or IPC namespace. */
export const hostNamespacesRule: PolicyRule = {
  id: 'HK-SEC-10',
  level: RuleLevel.ERROR,
  title: 'pods must not use hostNetwork, hostPID or hostIPC',
  explanation: 'Host namespaces let a pod see and reach the node\'s processes, IPC and interfaces, and bind node ports directly. '
    + 'The Vault-on-kind cluster could not scale Vault because of a "port binding conflict with previous pods" that needed a node restart.',
  fix: 'remove spec.hostNetwork, spec.hostPID and spec.hostIPC (or set them to false); expose ports through a Service',
  check: (m) => {
    const spec = podTemplateOf(m)?.spec;
    const out: RuleViolation[] = [];
    for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
      if (spec?.[field] === true) out.push({ message: `the pod sets ${field} to true` });
    }
    return out;
  },
};
