import { containerLabel } from '../../pod';
import { PolicyRule, RuleLevel } from '../../rule';
import { asArray, eachContainer } from './_shared';

/** Capabilities the Pod Security Standard "restricted" lets a container add. */
export const ALLOWED_ADDED_CAPABILITIES: ReadonlySet<string> = new Set(['NET_BIND_SERVICE']);

/** HK-SEC-07: containers add no capability other than `NET_BIND_SERVICE`. */
export const addedCapabilitiesRule: PolicyRule = {
  id: 'HK-SEC-07',
  level: RuleLevel.ERROR,
  title: 'containers may add only the NET_BIND_SERVICE capability',
  explanation: 'Added capabilities give back parts of root: SYS_ADMIN is nearly all of it (the DCGM exporter in the k3s homelab), '
    + 'and IPC_LOCK for Vault\'s mlock falls outside even the baseline set (the Vault-on-kind incident; set disable_mlock instead).',
  fix: 'remove the capability from securityContext.capabilities.add (only NET_BIND_SERVICE is allowed), or attach an exemption with a reason',
  check: (m) => eachContainer(m, (ref) => {
    const extra = asArray(ref.container?.securityContext?.capabilities?.add).filter((c) => !ALLOWED_ADDED_CAPABILITIES.has(c));
    return extra.length === 0
      ? undefined
      : `${containerLabel(ref)} adds capabilit${extra.length === 1 ? 'y' : 'ies'} ${extra.join(', ')}; only NET_BIND_SERVICE may be added`;
  }),
};
