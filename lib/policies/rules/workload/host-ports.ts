import { containerLabel } from '../../pod';
import { PolicyRule, RuleLevel } from '../../rule';
import { asArray, eachContainer } from './_shared';

/** HK-SEC-11: no container port binds a hostPort. */
export const hostPortsRule: PolicyRule = {
  id: 'HK-SEC-11',
  level: RuleLevel.ERROR,
  title: 'containers must not set hostPort',
  explanation: 'A hostPort binds the port on the node: only one pod per node can hold it, and a rollout or a second replica '
    + 'on that node stays Pending. The Vault-on-kind cluster was stuck on a "port binding conflict with previous pods".',
  fix: 'remove ports[*].hostPort and expose the port through a Service (or a Gateway/Ingress)',
  check: (m) => eachContainer(m, (ref) => asArray(ref.container?.ports)
    .filter((p) => p?.hostPort !== undefined && p.hostPort !== 0)
    .map((p) => `${containerLabel(ref)} sets hostPort ${p.hostPort} on port ${p.name ? `"${p.name}"` : p.containerPort}`)),
};
