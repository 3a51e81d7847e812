import { podTemplateOf } from '../../pod';
import { PolicyRule, RuleLevel } from '../../rule';
import { asArray } from './_shared';

/** HK-SEC-12: the pod mounts no hostPath volume. */
export const hostPathVolumesRule: PolicyRule = {
  id: 'HK-SEC-12',
  level: RuleLevel.ERROR,
  title: 'pods must not use hostPath volumes',
  explanation: 'A hostPath ties the pod to one node\'s directory layout and exposes the host filesystem. In the k3s homelab a '
    + 'kubelet root-dir change broke the Longhorn CSI host paths: a 24-hour outage and total data loss.',
  fix: 'use a PersistentVolumeClaim, emptyDir, configMap or secret volume instead; node agents that need a host path get an exemption with a reason',
  check: (m) => asArray(podTemplateOf(m)?.spec?.volumes)
    .filter((v) => v?.hostPath)
    .map((v) => ({ message: `volume "${v.name}" is a hostPath volume (${v.hostPath.path ?? 'no path'})` })),
};
