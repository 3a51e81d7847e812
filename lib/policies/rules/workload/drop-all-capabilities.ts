import { containerLabel } from '../../pod';
import { PolicyRule, RuleLevel } from '../../rule';
import { asArray, eachContainer } from './_shared';

/** HK-SEC-06: every container drops `ALL` capabilities. */
export const dropAllCapabilitiesRule: PolicyRule = {
  id: 'HK-SEC-06',
  level: RuleLevel.ERROR,
  title: 'containers must drop ALL capabilities',
  explanation: 'The runtime grants a default capability set (CHOWN, NET_RAW, SETUID, …) that almost no app needs. '
    + 'Pod Security "restricted" requires capabilities.drop to contain "ALL", compared case-sensitively.',
  fix: 'set securityContext.capabilities.drop: ["ALL"] (upper case) and add back only NET_BIND_SERVICE if needed',
  check: (m) => eachContainer(m, (ref) => {
    const drop = asArray(ref.container?.securityContext?.capabilities?.drop);
    if (drop.includes('ALL')) return undefined;
    const wrongCase = drop.find((c) => typeof c === 'string' && c.toUpperCase() === 'ALL');
    if (wrongCase !== undefined) {
      return `${containerLabel(ref)} drops "${wrongCase}"; capabilities.drop must contain "ALL" in upper case`;
    }
    return drop.length === 0
      ? `${containerLabel(ref)} does not drop ALL capabilities (capabilities.drop is not set)`
      : `${containerLabel(ref)} does not drop ALL capabilities (capabilities.drop is [${drop.join(', ')}])`;
  }),
};
