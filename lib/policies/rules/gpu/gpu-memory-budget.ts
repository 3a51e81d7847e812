import { AnnotationKeys } from '../../../core/labels';
import { AnalysisViolation, PolicyRule, RuleLevel } from '../../rule';
import { GpuPod, bytesText, gpuModel, offerKey } from './_model';

/**
 * HK-GPU-04: the GPU memory the pods on a GPU declare (annotation `hardened-homelab.io/gpu-memory`)
 * fits it: each pod fits one GPU, and the pods sharing a time-sliced GPU fit it together.
 */
export const gpuMemoryBudgetRule: PolicyRule = {
  id: 'HK-GPU-04',
  level: RuleLevel.ERROR,
  title: 'Pods sharing a GPU must fit in its memory together',
  explanation: 'Time-slicing shares a GPU\'s compute, not its memory: there is no memory isolation, and the pod that allocates last gets '
    + '"CUDA out of memory" (or evicts the others\' models). The homelab time-sliced one 16 GB Tesla T4 four ways between Ollama and '
    + 'Automatic1111 (seed 003) with nothing checking that their models fit side by side.',
  fix: `declare each GPU pod's peak GPU memory (gpu.memory, annotation ${AnnotationKeys.GPU_MEMORY}) and keep the sum within the GPU: smaller or more quantized models, fewer loaded models (OLLAMA_MAX_LOADED_MODELS), or another GPU`,
  analyze(ctx) {
    const model = gpuModel(ctx);
    const out: AnalysisViolation[] = [];
    const byOffer = new Map<string, GpuPod[]>();
    for (const pod of model.pods) {
      if (pod.memory === undefined) continue;
      const nodes = pod.daemonSet ? pod.candidates : pod.node ? [pod.node] : [];
      for (const n of nodes) {
        for (const r of pod.requests.keys()) {
          const key = offerKey(n.name, r);
          const list = byOffer.get(key);
          if (list) list.push(pod);
          else byOffer.set(key, [pod]);
        }
      }
    }
    for (const [key, pods] of byOffer) {
      const offer = model.offers.get(key);
      if (!offer || offer.memory === undefined) continue;
      const gpu = `one ${offer.model} on ${offer.node.name} has ${bytesText(offer.memory)}`;
      for (const p of pods) {
        if ((p.memory ?? 0) > offer.memory) {
          out.push({ target: p.record, message: `declares ${bytesText(p.memory!)} of GPU memory, but ${gpu}: the model cannot load` });
        }
      }
      if (offer.sharedBy <= 1) continue;
      const count = (p: GpuPod) => (p.daemonSet ? 1 : p.replicas) * (p.requests.get(offer.resourceName) ?? 0);
      const total = pods.reduce((s, p) => s + (p.memory ?? 0) * count(p), 0);
      const available = offer.memory * offer.gpus;
      if (total > available) {
        const largest = pods.reduce((a, b) => ((b.memory ?? 0) * count(b) > (a.memory ?? 0) * count(a) ? b : a));
        out.push({
          target: largest.record,
          message: `the pods sharing ${offer.gpus === 1 ? 'the' : `the ${offer.gpus}`} ${offer.model} on ${offer.node.name} (${offer.basis}) declare ${bytesText(total)} of GPU memory `
            + `(${pods.map((p) => `${p.label} ${bytesText((p.memory ?? 0) * count(p))}`).join(', ')}), more than its ${bytesText(available)}: `
            + 'time-slicing has no memory isolation, so the last one to allocate fails with CUDA out of memory',
        });
      }
    }
    return out;
  },
};
