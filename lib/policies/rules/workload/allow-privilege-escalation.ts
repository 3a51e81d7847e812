import { containerLabel, podTemplateOf } from '../../pod';
import { PolicyRule, RuleLevel } from '../../rule';
import { eachContainer } from './_shared';

/** HK-SEC-02: every container sets `allowPrivilegeEscalation: false` explicitly. */
export const allowPrivilegeEscalationRule: PolicyRule = {
  id: 'HK-SEC-02',
  level: RuleLevel.ERROR,
  title: 'containers must set allowPrivilegeEscalation to false',
  explanation: 'Unless it is set to false, a process can gain more privileges than its parent (setuid binaries, file capabilities). '
    + 'The field defaults to true, so the Pod Security Standard "restricted" requires it explicitly. Windows pods (spec.os.name: windows) are exempt.',
  fix: 'set securityContext.allowPrivilegeEscalation: false on every container',
  check: (m) => (podTemplateOf(m)?.spec?.os?.name === 'windows' ? [] : eachContainer(m, (ref) => {
    const value = ref.container?.securityContext?.allowPrivilegeEscalation;
    if (value === false) return undefined;
    return value === undefined
      ? `${containerLabel(ref)} does not set allowPrivilegeEscalation (it defaults to true)`
      : `${containerLabel(ref)} sets allowPrivilegeEscalation to ${JSON.stringify(value)}`;
  })),
};
