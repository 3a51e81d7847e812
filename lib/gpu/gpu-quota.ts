import { ApiObject, Chart, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-29';
import { Construct } from 'constructs';
import { ValidationError } from '../core/errors';
import { LabelKeys, MANAGED_BY } from '../core/labels';
import { validateDnsLabel } from '../core/names';
import { GpuVendor } from '../core/profile';
import { gpuOffersOf } from './sharing';

/** Props of {@link GpuQuota}. */
export interface GpuQuotaProps {
  /**
   * GPUs the namespace may request, by resource name (e.g. `{ 'nvidia.com/gpu': 1 }`), written as
   * `requests.<resource>`: the only quota key Kubernetes enforces for extended resources
   * (`limits.nvidia.com/gpu` and a bare `nvidia.com/gpu` are accepted and never counted).
   * @default - derived: what the namespace's pods request (during a rolling update too), and 0 for
   * every other GPU resource the cluster offers
   */
  readonly hard?: Record<string, number>;
}

/**
 * A ResourceQuota on GPU requests for the enclosing Namespace, derived from the pods it holds so
 * that it always admits what this program deploys and nothing added by hand. The homelab's `ai`
 * quota allowed one `nvidia.com/gpu` while Ollama and Automatic1111 each requested one: whichever
 * started second was refused with "exceeded quota". With an explicit `hard`, the GPU quota rule
 * (HK-GPU-02) checks it against the pods instead.
 */
export class GpuQuota extends Construct {
  public readonly quota: k8s.KubeResourceQuota;

  constructor(scope: Construct, id: string = 'gpu', props: GpuQuotaProps = {}) {
    super(scope, id);
    const name = ValidationError.within(this, 'id', () => validateDnsLabel(id));
    const chart = Chart.of(this);
    if (!chart.namespace) {
      throw new ValidationError(this, { prop: 'scope', value: scope.node.path, rule: 'a quota belongs to a Namespace', fix: "create it inside a Namespace: `new GpuQuota(aiNamespace)`" });
    }
    const explicit = props.hard === undefined ? undefined : Object.entries(props.hard).map(([resource, count]) => {
      if (/^(requests|limits)\./.test(resource)) {
        throw new ValidationError(this, { prop: `hard.${resource}`, value: resource, rule: 'give the resource name without a prefix; the quota writes requests.<resource>, the only prefix enforced for extended resources', fix: `use "${resource.replace(/^(requests|limits)\./, '')}"` });
      }
      if (!/^[a-z0-9.-]+\/[A-Za-z0-9._-]+$/.test(resource)) {
        throw new ValidationError(this, { prop: `hard.${resource}`, value: resource, rule: 'not an extended resource name (domain/name)', fix: 'use e.g. "nvidia.com/gpu" or "gpu.intel.com/i915"' });
      }
      if (!Number.isInteger(count) || count < 0) {
        throw new ValidationError(this, { prop: `hard.${resource}`, value: count, rule: 'a GPU count is a whole number of at least 0', fix: 'use 0 to forbid the resource, or the number of slices the namespace may hold' });
      }
      return [resource, count] as const;
    });

    this.quota = new k8s.KubeResourceQuota(this, 'Resource', {
      metadata: { name, labels: { [LabelKeys.MANAGED_BY]: MANAGED_BY } },
      spec: {
        hard: Lazy.any({
          produce: () => {
            const counts = new Map<string, number>(explicit ?? this.derive(chart));
            return Object.fromEntries([...counts.entries()].sort(([a], [b]) => a.localeCompare(b))
              .map(([resource, count]) => [`requests.${resource}`, k8s.Quantity.fromNumber(count)]));
          },
        }) as any,
      },
    });
  }

  /** GPU requests of the chart's workloads (peak during a rolling update), plus 0 for the cluster's other GPU resources. */
  private derive(chart: Chart): [string, number][] {
    const counts = new Map<string, number>();
    for (const vendor of Object.values(GpuVendor)) {
      for (const o of gpuOffersOf(this, vendor).offers) counts.set(o.resourceName, 0);
    }
    for (const c of chart.node.findAll()) {
      if (!ApiObject.isApiObject(c) || c === this.quota) continue;
      const m = c.toJson();
      const pod = podSpecOf(m);
      if (!pod) continue;
      const perPod = gpuRequests(pod);
      if (perPod.size === 0) continue;
      const n = peakPods(m);
      for (const [r, q] of perPod) counts.set(r, (counts.get(r) ?? 0) + q * n);
    }
    return [...counts.entries()];
  }
}

/** True for the extended resources the GPU device plugins advertise. */
export function isGpuResourceName(name: string): boolean {
  return name.startsWith('nvidia.com/') || name.startsWith('gpu.intel.com/') || name.startsWith('amd.com/');
}

function podSpecOf(m: any): any {
  switch (m?.kind) {
    case 'Pod': return m.spec;
    case 'Deployment': case 'StatefulSet': case 'ReplicaSet': case 'Job': return m.spec?.template?.spec;
    case 'CronJob': return m.spec?.jobTemplate?.spec?.template?.spec;
    default: return undefined; // DaemonSets run once per node; a node agent takes no GPU
  }
}

/** GPU requests of one pod: main containers summed, the largest init container if larger. */
function gpuRequests(spec: any): Map<string, number> {
  const main = new Map<string, number>();
  const init = new Map<string, number>();
  for (const [list, target] of [['containers', main], ['initContainers', init]] as const) {
    for (const c of spec?.[list] ?? []) {
      const req = { ...(c?.resources?.limits ?? {}), ...(c?.resources?.requests ?? {}) };
      for (const [r, v] of Object.entries(req)) {
        if (!isGpuResourceName(r)) continue;
        const n = Number(v);
        if (!Number.isFinite(n)) continue;
        target.set(r, list === 'containers' ? (target.get(r) ?? 0) + n : Math.max(target.get(r) ?? 0, n));
      }
    }
  }
  for (const [r, n] of init) main.set(r, Math.max(main.get(r) ?? 0, n));
  return main;
}

/** Pods a workload runs at most: replicas, plus the surge of a Deployment's rolling update. */
function peakPods(m: any): number {
  if (m.kind !== 'Deployment' && m.kind !== 'StatefulSet' && m.kind !== 'ReplicaSet') return 1;
  const replicas = m.spec?.replicas ?? 1;
  if (m.kind !== 'Deployment' || m.spec?.strategy?.type === 'Recreate') return replicas;
  const surge = m.spec?.strategy?.rollingUpdate?.maxSurge ?? '25%';
  const extra = typeof surge === 'string' && surge.endsWith('%') ? Math.ceil((replicas * Number(surge.slice(0, -1))) / 100) : Number(surge) || 0;
  return replicas + extra;
}
