import { containerLabel, podTemplateOf } from '../../pod';
import { PolicyRule, RuleLevel, RuleViolation } from '../../rule';
import { eachContainer } from './_shared';

const CONFINED: ReadonlySet<unknown> = new Set(['RuntimeDefault', 'Localhost']);

/** HK-SEC-09: a RuntimeDefault/Localhost seccomp profile applies to every container; nothing says Unconfined. */
export const seccompProfileRule: PolicyRule = {
  id: 'HK-SEC-09',
  level: RuleLevel.ERROR,
  title: 'pods must use the RuntimeDefault (or a Localhost) seccomp profile',
  explanation: 'Without a seccomp profile a container may call every syscall of the host kernel, including the ones most '
    + 'container escapes use. Pod Security "restricted" requires RuntimeDefault or Localhost on the pod or on every container.',
  fix: 'set spec.securityContext.seccompProfile.type: RuntimeDefault and remove any Unconfined profile',
  check: (m) => {
    const pod = podTemplateOf(m);
    if (!pod) return [];
    const podType = pod.spec?.securityContext?.seccompProfile?.type;
    const out: RuleViolation[] = podType !== undefined && !CONFINED.has(podType)
      ? [{ message: `the pod sets seccompProfile.type to ${podType}` }] : [];
    return out.concat(eachContainer(m, (ref) => {
      const type = ref.container?.securityContext?.seccompProfile?.type;
      if (type !== undefined) return CONFINED.has(type) ? undefined : `${containerLabel(ref)} sets seccompProfile.type to ${type}`;
      return podType === undefined ? `${containerLabel(ref)} has no seccompProfile, and neither does the pod` : undefined;
    }));
  },
};
