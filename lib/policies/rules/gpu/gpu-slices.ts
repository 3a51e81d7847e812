import { GpuVendor } from '../../../core/profile';
import { AnalysisViolation, PolicyContext, PolicyRule, ReportSection, RuleLevel } from '../../rule';
import { GpuPod, NodeOffer, bytesText, gpuModel, isGpuResource, offerKey } from './_model';

interface Load {
  steady: number;
  peak: number;
  readonly pods: { pod: GpuPod; steady: number; peak: number }[];
}

/** Slices each node is asked for, by `node\0resource`, from the pods pinned to one node and DaemonSets. */
function nodeLoads(pods: readonly GpuPod[]): Map<string, Load> {
  const loads = new Map<string, Load>();
  const add = (node: string, resource: string, pod: GpuPod, steady: number, peak: number) => {
    const key = offerKey(node, resource);
    let l = loads.get(key);
    if (!l) loads.set(key, (l = { steady: 0, peak: 0, pods: [] }));
    l.steady += steady;
    l.peak += peak;
    l.pods.push({ pod, steady, peak });
  };
  for (const pod of pods) {
    for (const [r, n] of pod.requests) {
      if (pod.daemonSet) for (const node of pod.candidates) add(node.name, r, pod, n, n);
      else if (pod.node) add(pod.node.name, r, pod, n * pod.replicas, n * pod.peak);
    }
  }
  return loads;
}

function capacity(o: NodeOffer): number {
  return o.gpus * o.sharedBy;
}

function podList(items: readonly { pod: GpuPod; steady: number }[]): string {
  return items.map((x) => `${x.pod.label} (${x.steady})`).join(', ');
}

/**
 * HK-GPU-01: GPU slices requested fit the slices offered, per node and in the cluster. Offers
 * come from the NVIDIA device plugin's configs (time-slicing replicas × GPUs, under the
 * advertised name) and the Intel GpuDevicePlugin (sharedDevNum × GPUs), applied to the profile's
 * GPU nodes; requests from every workload, with a Deployment's rolling-update surge.
 */
export const gpuSlicesRule: PolicyRule = {
  id: 'HK-GPU-01',
  level: RuleLevel.ERROR,
  title: 'GPU slices requested must fit the slices the device plugins offer',
  explanation: 'A pod that requests a GPU resource no node advertises, or more slices than a node has, stays Pending with '
    + '"Insufficient nvidia.com/gpu". The homelab time-sliced its T4 into 4 replicas of nvidia.com/gpu (seed 003); a renamed '
    + 'resource (nvidia.com/gpu.shared) or a fifth GPU pod would silently never start, and a rolling update of a GPU Deployment '
    + 'needs one more slice while the old pod still holds its own.',
  fix: 'request the resource the device plugin advertises on the node, raise the time-slicing replicas (or sharedDevNum), move pods to '
    + 'another GPU node, or use strategy Recreate for GPU Deployments',
  analyze(ctx) {
    if (!ctx.profile) return [];
    const model = gpuModel(ctx);
    const out: AnalysisViolation[] = [];
    for (const pod of model.pods) {
      if (pod.candidates.length === 0) {
        const names = [...pod.requests.keys()];
        const offered = model.offerList.map((o) => `${o.node.name}: ${o.resourceName}`);
        out.push({
          target: pod.record,
          message: `requests ${names.join(', ')}, which no node it may run on offers${offered.length ? ` (offered: ${offered.join('; ')})` : ' (no node of the profile has a GPU)'}: its pods would stay Pending`,
          fix: 'request the resource name the device plugin advertises (nvidia.com/gpu.shared when the time-slicing config renames), or allow the pod onto a node that offers it',
        });
        continue;
      }
      for (const [r, n] of pod.perContainer) {
        if (n <= 1) continue;
        const strict = pod.candidates.map((c) => model.offers.get(offerKey(c.name, r))).find((o) => o && o.sharedBy > 1 && o.failRequestsGreaterThanOne);
        if (strict) {
          out.push({ target: pod.record, message: `a container requests ${n} ${r}, but the device plugin on ${strict.node.name} refuses more than 1 time-sliced replica per container (failRequestsGreaterThanOne): the pod fails admission`, fix: `request 1 ${r}; extra replicas of a time-sliced GPU give no extra GPU time or memory` });
        }
      }
    }
    for (const [key, load] of nodeLoads(model.pods)) {
      const offer = model.offers.get(key);
      if (!offer) continue;
      const cap = capacity(offer);
      const largest = load.pods.reduce((a, b) => (b.steady > a.steady ? b : a));
      const what = `node ${offer.node.name} offers ${cap} ${offer.resourceName} (${offer.gpus}× ${offer.model}, ${offer.basis})`;
      if (load.steady > cap) {
        out.push({ target: largest.pod.record, message: `${what}; the pods that must run there request ${load.steady}: ${podList(load.pods)}. ${load.steady - cap} would stay Pending` });
      } else if (load.peak > cap) {
        const surging = load.pods.filter((p) => p.peak > p.steady).map((p) => p.pod.label);
        out.push({
          target: largest.pod.record,
          message: `${what}; the pods request ${load.steady}, but ${load.peak} during a rolling update of ${surging.join(', ')} (maxSurge): the new pod would stay Pending and the rollout would hang`,
          fix: 'use strategy Recreate for single-replica GPU Deployments (the app pattern does), or maxSurge 0',
        });
      }
    }
    // pods that may run on several nodes: the cluster total must fit
    const totals = new Map<string, { steady: number; cap: number; floating: GpuPod[] }>();
    for (const o of model.offerList) {
      const t = totals.get(o.resourceName) ?? { steady: 0, cap: 0, floating: [] };
      t.cap += capacity(o);
      totals.set(o.resourceName, t);
    }
    for (const pod of model.pods) {
      for (const [r, n] of pod.requests) {
        const t = totals.get(r);
        if (!t || pod.candidates.length === 0) continue;
        t.steady += pod.daemonSet ? n * pod.candidates.length : n * pod.replicas;
        if (!pod.daemonSet && !pod.node) t.floating.push(pod);
      }
    }
    for (const [r, t] of totals) {
      if (t.floating.length && t.steady > t.cap) {
        out.push({ target: t.floating[0].record, message: `the cluster offers ${t.cap} ${r} and its pods request ${t.steady}: ${t.steady - t.cap} would stay Pending` });
      }
    }
    return out;
  },
  report: gpuBudgetReport,
};

/** The "GPU budgets" section of REPORT.md. */
export function gpuBudgetReport(ctx: PolicyContext): ReportSection | undefined {
  if (!ctx.profile) return undefined;
  const model = gpuModel(ctx);
  if (model.offerList.length === 0 && model.pods.length === 0) return undefined;
  const loads = nodeLoads(model.pods);
  const vendors = new Set(model.offerList.map((o) => o.vendor));
  const basis = [
    vendors.has(GpuVendor.NVIDIA) ? `NVIDIA offers from ${model.nvidiaBasis}` : undefined,
    vendors.has(GpuVendor.INTEL) ? `Intel offers from ${model.intelBasis}` : undefined,
  ].filter((x) => x !== undefined);
  const lines: string[] = [
    `${basis.length ? `${basis.join('; ')}. ` : ''}Requested counts pods pinned to the node (replicas; a rolling update's surge in parentheses when it needs more).`,
    '',
    '| node | GPUs | resource | sharing | offered | requested | pods | GPU memory declared / one GPU |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const o of model.offerList) {
    const load = loads.get(offerKey(o.node.name, o.resourceName));
    const steady = load?.steady ?? 0;
    const peak = load?.peak ?? 0;
    const declared = (load?.pods ?? []).reduce((s, p) => s + (p.pod.memory ?? 0) * p.steady, 0);
    const memory = o.memory === undefined ? (declared ? `${bytesText(declared)} / unknown` : '–') : `${bytesText(declared)} / ${bytesText(o.memory)}${o.gpus > 1 ? ` ×${o.gpus}` : ''}`;
    lines.push(`| ${o.node.name} | ${o.gpus}× ${o.model} | ${o.resourceName} | ${o.basis} | ${capacity(o)} | ${steady}${peak > steady ? ` (${peak})` : ''} | ${(load?.pods ?? []).map((p) => p.pod.label).join(', ') || '–'} | ${memory} |`);
  }
  const floating = model.pods.filter((p) => !p.node && !p.daemonSet && p.candidates.length > 1);
  if (floating.length) {
    lines.push('', `Pods that may run on several GPU nodes (counted against the cluster total only): ${floating.map((p) => `${p.label} (${p.candidates.map((c) => c.name).join('/')})`).join(', ')}.`);
  }
  const stuck = model.pods.filter((p) => p.candidates.length === 0);
  if (stuck.length) lines.push('', `Pods no node can serve: ${stuck.map((p) => `${p.label} (${[...p.requests.keys()].join(', ')})`).join(', ')}.`);

  const quotaRows: string[] = [];
  for (const q of ctx.byKind('ResourceQuota')) {
    const ns = q.manifest.metadata?.namespace ?? 'default';
    for (const [key, value] of Object.entries(q.manifest.spec?.hard ?? {})) {
      const m = /^requests\.(.+)$/.exec(key);
      if (!m || !isGpuResource(m[1])) continue;
      const requested = (model.podsByNamespace.get(ns) ?? []).reduce((s, p) => s + (p.requests.get(m[1]) ?? 0) * p.replicas, 0);
      quotaRows.push(`| ${ns} | ${q.manifest.metadata?.name} | ${m[1]} | ${value} | ${requested} |`);
    }
  }
  if (quotaRows.length) {
    lines.push('', '| namespace | quota | resource | hard (requests.) | requested |', '|---|---|---|---|---|', ...quotaRows);
  }
  return { title: 'GPU budgets', lines };
}
