import { ApiObject, Chart, Lazy } from 'cdk8s';
import * as k8s from 'cdk8s-plus-29/lib/imports/k8s';
import { Construct } from 'constructs';
import { ValidationError } from '../core/errors';
import { uniqueId } from '../core/tree';
import { LabelKeys, MANAGED_BY } from '../core/labels';
import { validateDnsLabel } from '../core/names';
import { GpuVendor } from '../core/profile';
import { gpuOffersOf } from './sharing';
import { gpuRequests, isGpuResource, podCounts } from '../core/gpu';

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
    super(scope, uniqueId(scope, id));
    const name = ValidationError.within(this, 'id', () => validateDnsLabel(id));
    const chart = Chart.of(this);
    if (!chart.namespace) {
      throw new ValidationError(this, { prop: 'scope', value: scope.node.path, rule: 'a quota belongs to a Namespace', fix: "create it inside a Namespace: `new GpuQuota(aiNamespace)`" });
    }
    if (props.hard !== undefined && (typeof props.hard !== 'object' || props.hard === null || Array.isArray(props.hard))) {
      throw new ValidationError(this, { prop: 'hard', value: props.hard, rule: 'GPU counts by resource name', fix: 'e.g. hard: { "nvidia.com/gpu": 2 }, or leave hard out to derive it' });
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
      const perPod = gpuRequests(pod).requests;
      if (perPod.size === 0) continue;
      const n = podCounts(m).peak;
      for (const [r, q] of perPod) counts.set(r, (counts.get(r) ?? 0) + q * n);
    }
    return [...counts.entries()];
  }
}

/** True for the extended resources the GPU device plugins advertise. */
export const isGpuResourceName = isGpuResource;

/** The pod spec of any pod owner (a DaemonSet counts as one pod, as HK-GPU-02 counts it). */
function podSpecOf(m: any): any {
  return m?.kind === 'CronJob' ? m.spec?.jobTemplate?.spec?.template?.spec : m?.kind === 'Pod' ? m.spec : m?.spec?.template?.spec;
}
