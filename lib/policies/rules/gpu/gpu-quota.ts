import { AnalysisViolation, PolicyRule, RuleLevel, describe } from '../../rule';
import { gpuModel, isGpuResource } from './_model';

/**
 * HK-GPU-02: a namespace ResourceQuota on GPU requests admits the namespace's GPU pods, during
 * a rolling update too. Quotas with scopes count a subset of pods and are not judged.
 */
export const gpuQuotaRule: PolicyRule = {
  id: 'HK-GPU-02',
  level: RuleLevel.ERROR,
  title: 'A ResourceQuota on GPUs admits the GPU pods of its namespace',
  explanation: 'The homelab\'s ai namespace had a quota of requests.nvidia.com/gpu: 1 while Ollama and Automatic1111 each requested '
    + 'one (seed 003): whichever pod was created second was refused with "exceeded quota" and never ran. A rolling update also needs '
    + 'quota for the surge pod, so a quota equal to the steady count blocks every update of a RollingUpdate GPU Deployment.',
  fix: 'raise the quota to what the pods request (GpuQuota derives it), remove a GPU pod from the namespace, or use strategy Recreate',
  analyze(ctx) {
    const model = gpuModel(ctx);
    const out: AnalysisViolation[] = [];
    for (const q of ctx.byKind('ResourceQuota')) {
      const spec = q.manifest.spec ?? {};
      if ((spec.scopes ?? []).length || spec.scopeSelector) continue;
      const ns = q.manifest.metadata?.namespace ?? 'default';
      const pods = model.podsByNamespace.get(ns) ?? [];
      for (const [key, value] of Object.entries(spec.hard ?? {})) {
        const m = /^requests\.(.+)$/.exec(key);
        if (!m || !isGpuResource(m[1])) continue;
        const hard = Number(value);
        if (!Number.isFinite(hard)) continue;
        const using = pods.map((p) => ({ p, n: p.requests.get(m[1]) ?? 0 })).filter((x) => x.n > 0);
        const steady = using.reduce((s, x) => s + x.n * (x.p.daemonSet ? x.p.candidates.length : x.p.replicas), 0);
        const peak = using.reduce((s, x) => s + x.n * (x.p.daemonSet ? x.p.candidates.length : x.p.peak), 0);
        const list = using.map((x) => `${x.p.label} (${x.n * x.p.replicas})`).join(', ');
        if (steady > hard) {
          out.push({
            target: q,
            message: `${describe(q.manifest)} allows ${key}: ${hard}, but the namespace's pods request ${steady}: ${list}. The API server refuses the pods beyond the quota ("exceeded quota")`,
            fix: `set ${key} to ${steady} (or derive it with GpuQuota), or move a GPU app to another namespace`,
          });
        } else if (peak > hard) {
          out.push({
            target: q,
            message: `${describe(q.manifest)} allows ${key}: ${hard}; the pods request ${steady}, but ${peak} during a rolling update (maxSurge), so every update of ${using.filter((x) => x.p.peak > x.p.replicas).map((x) => x.p.label).join(', ')} is refused and hangs`,
            fix: `use strategy Recreate for the GPU Deployment (the app pattern does), or set ${key} to ${peak}`,
          });
        }
      }
    }
    return out;
  },
};
