import { containerLabel, effective } from '../../pod';
import { PolicyRule, RuleLevel } from '../../rule';
import { eachContainer } from './_shared';

/** HK-SEC-03: every container runs with an effective `runAsNonRoot: true`. */
export const runAsNonRootRule: PolicyRule = {
  id: 'HK-SEC-03',
  level: RuleLevel.ERROR,
  title: 'containers must run with runAsNonRoot: true',
  explanation: 'With runAsNonRoot the kubelet refuses to start a container whose user is root. The GH200 startup fix '
    + '"solved" non-root permission errors with runAsUser: 0; the real fix is a writable volume (emptyDir, fsGroup), not root.',
  fix: 'set spec.securityContext.runAsNonRoot: true (and a numeric runAsUser such as 10001) and remove any container-level runAsNonRoot: false',
  check: (m) => eachContainer(m, (ref, pod) => {
    if (effective(pod.spec, ref.container, 'runAsNonRoot') === true) return undefined;
    const own = ref.container?.securityContext?.runAsNonRoot;
    if (own !== undefined) return `${containerLabel(ref)} sets runAsNonRoot to ${JSON.stringify(own)}`;
    const inherited = pod.spec?.securityContext?.runAsNonRoot;
    return inherited !== undefined
      ? `${containerLabel(ref)} inherits runAsNonRoot ${JSON.stringify(inherited)} from the pod`
      : `${containerLabel(ref)} does not set runAsNonRoot, and neither does the pod`;
  }),
};
