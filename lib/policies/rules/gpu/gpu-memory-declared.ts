import { isNvidiaResource } from '../../../core/gpu';
import { AnnotationKeys } from '../../../core/labels';
import { AnalysisViolation, PolicyRule, RuleLevel } from '../../rule';
import { gpuModel, offerKey } from './_model';

/** HK-GPU-05: pods that may land on a time-sliced NVIDIA GPU declare the GPU memory they use. */
export const gpuMemoryDeclaredRule: PolicyRule = {
  id: 'HK-GPU-05',
  level: RuleLevel.WARNING,
  title: 'Pods on a time-sliced GPU declare their GPU memory',
  explanation: 'Without a declared peak the GPU memory budget (HK-GPU-04) cannot add up what shares the GPU, and the first sign of a '
    + 'model that does not fit next to the others is an out-of-memory crash in whichever pod allocates last (seed 003: Ollama and '
    + 'Automatic1111 on one time-sliced T4).',
  fix: `give the app gpu.memory (the pattern writes the pod annotation ${AnnotationKeys.GPU_MEMORY}), or set the annotation on a hand-written pod template, e.g. "6Gi"`,
  analyze(ctx) {
    const model = gpuModel(ctx);
    const out: AnalysisViolation[] = [];
    for (const pod of model.pods) {
      const shared = pod.candidates.some((n) => [...pod.requests.keys()].some((r) => {
        const o = model.offers.get(offerKey(n.name, r));
        return o !== undefined && o.sharedBy > 1 && isNvidiaResource(r);
      }));
      if (!shared) continue;
      if (pod.memoryText === undefined) {
        out.push({ target: pod.record, message: `requests ${[...pod.requests.keys()].join(', ')} on a time-sliced GPU without declaring its GPU memory (annotation ${AnnotationKeys.GPU_MEMORY})` });
      } else if (pod.memory === undefined) {
        out.push({ target: pod.record, message: `annotation ${AnnotationKeys.GPU_MEMORY} = "${pod.memoryText}" is not a memory quantity`, fix: 'write it like "6Gi" or "512Mi"' });
      }
    }
    return out;
  },
};
