import { podTemplateOf } from '../../pod';
import { AnalysisViolation, PolicyRule, RuleLevel, describe } from '../../rule';
import { Claim, claimIndex, claimsMountedBy, defaultClassName, longhornClasses } from './_shared';

/** Access modes the kubelet applies fsGroup to on Longhorn volumes (CSIDriver fsGroupPolicy ReadWriteOnceWithFSType). */
const SINGLE_NODE_MODES: ReadonlySet<string> = new Set(['ReadWriteOnce', 'ReadWriteOncePod']);

const chowned = (c: Claim) => c.accessModes.length === 0 || c.accessModes.some((m) => SINGLE_NODE_MODES.has(m));

/**
 * HK-STO-05: a pod that sets `fsGroup` and mounts a ReadWriteOnce Longhorn volume sets
 * `fsGroupChangePolicy: OnRootMismatch`.
 */
export const fsGroupChangePolicyRule: PolicyRule = {
  id: 'HK-STO-05',
  level: RuleLevel.ERROR,
  title: 'Pods with fsGroup on Longhorn volumes use fsGroupChangePolicy OnRootMismatch',
  explanation: 'Longhorn\'s CSIDriver declares fsGroupPolicy ReadWriteOnceWithFSType, so for a pod with an fsGroup the kubelet changes '
    + 'the group of every file of a ReadWriteOnce volume on every mount, unless the pod sets fsGroupChangePolicy: OnRootMismatch '
    + '(longhorn#2131). On a large volume that recursive walk delays or times out the mount; the homelab blamed its monitoring '
    + 'stack\'s failures on a "Longhorn fsGroup bug" and moved Prometheus and Alertmanager off Longhorn (seed 003). ReadWriteMany '
    + 'volumes (served over NFS by the share manager) are not changed, and a pod without fsGroup changes nothing.',
  fix: 'set spec.securityContext.fsGroupChangePolicy: OnRootMismatch on the pod (AppWorkload does)',
  analyze(ctx) {
    const classes = longhornClasses(ctx);
    if (classes.size === 0) return [];
    const index = claimIndex(ctx, defaultClassName(ctx, classes));
    const isLonghorn = (c: Claim) => c.className !== undefined && classes.has(c.className) && chowned(c);
    const out: AnalysisViolation[] = [];
    for (const record of ctx.objects) {
      const pod = podTemplateOf(record.manifest);
      if (!pod) continue;
      const sc = pod.spec?.securityContext ?? {};
      if (sc.fsGroup === undefined || sc.fsGroupChangePolicy === 'OnRootMismatch') continue;
      const mounted = claimsMountedBy(record, pod.spec, index).filter(isLonghorn)
        .map((c) => (c.perPod ? c.description.replace(/ of .*$/, '') : `claim ${c.name}`));
      if (mounted.length) {
        out.push({
          target: record,
          message: `${describe(record.manifest)} sets fsGroup ${sc.fsGroup} and mounts Longhorn ${mounted.join(', ')} with fsGroupChangePolicy ${sc.fsGroupChangePolicy ?? 'unset (Always)'}: the kubelet re-owns every file on every mount`,
        });
      }
    }
    return out;
  },
};
