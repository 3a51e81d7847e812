import { AnalysisViolation, PolicyRule, RuleLevel } from '../../rule';
import { gpuModel } from './_model';

/** HK-GPU-09: time-slicing configs set failRequestsGreaterThanOne: true. */
export const timeSlicingRequestLimitRule: PolicyRule = {
  id: 'HK-GPU-09',
  level: RuleLevel.WARNING,
  title: 'time-slicing configs should set failRequestsGreaterThanOne: true',
  explanation: 'A time-sliced replica is not a fraction of the GPU: a pod that requests 2 replicas gets no more GPU time or memory, it only '
    + 'leaves fewer slices for the others. With failRequestsGreaterThanOne the plugin refuses such requests instead of honouring them '
    + 'silently. The homelab\'s config left it unset (seed 003); upstream\'s default is false.',
  fix: 'set sharing.timeSlicing.failRequestsGreaterThanOne: true (the NvidiaDevicePlugin construct does by default)',
  analyze(ctx) {
    const out: AnalysisViolation[] = [];
    for (const c of gpuModel(ctx).configs) {
      const ts = c.config?.sharing?.timeSlicing;
      if (ts && ts.failRequestsGreaterThanOne !== true) {
        out.push({ target: c.record, message: `${c.where}: sharing.timeSlicing.failRequestsGreaterThanOne is not true, so a pod may take several slices of one GPU for nothing` });
      }
    }
    return out;
  },
};
