import { containerLabel } from '../../pod';
import { PolicyRule, RuleLevel } from '../../rule';
import { eachContainer } from './_shared';

/** HK-SEC-01: no container runs privileged. */
export const privilegedContainerRule: PolicyRule = {
  id: 'HK-SEC-01',
  level: RuleLevel.ERROR,
  title: 'containers must not be privileged',
  explanation: 'A privileged container has every capability and all host devices: a compromise of it is a compromise of the node. '
    + 'The k3s homelab turned privileged mode on for the DCGM exporter "temporarily for debugging" and left it there; '
    + 'the exporter needs only SYS_ADMIN and the NVIDIA runtime.',
  fix: 'remove securityContext.privileged (or set it to false) and add only the capability the container really needs',
  check: (m) => eachContainer(m, (ref) =>
    ref.container?.securityContext?.privileged === true ? `${containerLabel(ref)} sets privileged to true` : undefined),
};
