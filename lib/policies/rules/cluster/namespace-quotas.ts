import { AnalysisViolation, PolicyRule, RuleLevel } from '../../rule';
import { podTemplates, workloadNamespaces } from './_shared';

/** HK-RES-06: every namespace with workloads has a ResourceQuota and a LimitRange. */
export const namespaceQuotasRule: PolicyRule = {
  id: 'HK-RES-06',
  level: RuleLevel.ERROR,
  title: 'Every namespace with workloads has a ResourceQuota and a LimitRange',
  explanation:
    'A ResourceQuota caps what one namespace can take from the cluster, and a LimitRange gives containers that forget their requests and '
    + 'limits sane defaults and bounds. Without them one namespace can starve the rest: in the cortex cluster (seed 000) cortex-school had '
    + 'neither, memory requests reached 96-99 % of the workers\' allocatable and new pods stayed Pending.',
  fix: 'Add a ResourceQuota (requests.cpu, requests.memory, limits.memory, pods, and extended resources such as requests.nvidia.com/gpu) '
    + 'and a LimitRange of type Container (default, defaultRequest, max) to the namespace.',
  analyze(ctx) {
    const out: AnalysisViolation[] = [];
    for (const { namespace, target } of workloadNamespaces(ctx, podTemplates(ctx))) {
      const missing = [
        ctx.inNamespace('ResourceQuota', namespace).length === 0 ? 'ResourceQuota' : undefined,
        ctx.inNamespace('LimitRange', namespace).length === 0 ? 'LimitRange' : undefined,
      ].filter((k): k is string => k !== undefined);
      if (missing.length === 0) continue;
      out.push({
        target,
        message: missing.length === 2
          ? `namespace ${namespace} has neither a ResourceQuota nor a LimitRange`
          : `namespace ${namespace} has no ${missing[0]}`,
        fix: missing.map((k) => (k === 'ResourceQuota'
          ? `add a ResourceQuota to namespace ${namespace} bounding requests.cpu, requests.memory, limits.memory and pods`
          : `add a LimitRange of type Container to namespace ${namespace} with default, defaultRequest and max for cpu and memory`)).join('; '),
      });
    }
    return out;
  },
};
