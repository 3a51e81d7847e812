import { podTemplateOf } from '../../pod';
import { AnalysisViolation, PolicyRule, RuleLevel, describe } from '../../rule';
import { Claim, claimsOf, defaultClassName, longhornClasses } from './_shared';

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
    const claims = claimsOf(ctx, defaultClassName(ctx, classes));
    const pvcs = new Map<string, Claim>();
    const templates = new Map<unknown, Claim[]>();
    for (const c of claims) {
      if (c.record.manifest.kind === 'PersistentVolumeClaim') pvcs.set(`${c.namespace}/${c.name}`, c);
      else {
        const list = templates.get(c.record);
        if (list) list.push(c);
        else templates.set(c.record, [c]);
      }
    }
    const isLonghorn = (c: Claim | undefined) => c !== undefined && c.className !== undefined && classes.has(c.className) && chowned(c);
    const out: AnalysisViolation[] = [];
    for (const record of ctx.objects) {
      const pod = podTemplateOf(record.manifest);
      if (!pod) continue;
      const sc = pod.spec?.securityContext ?? {};
      if (sc.fsGroup === undefined || sc.fsGroupChangePolicy === 'OnRootMismatch') continue;
      const ns = record.manifest.metadata?.namespace || 'default';
      const mounted: string[] = [];
      for (const v of Array.isArray(pod.spec?.volumes) ? pod.spec.volumes : []) {
        const name = v?.persistentVolumeClaim?.claimName;
        if (name && isLonghorn(pvcs.get(`${ns}/${name}`))) mounted.push(`claim ${name}`);
      }
      for (const c of templates.get(record) ?? []) if (isLonghorn(c)) mounted.push(c.description.replace(/ of .*$/, ''));
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
