import { quantityValue } from '../../../core/quantity';
import { ContainerRef, allContainers, containerLabel } from '../../pod';
import { AnalysisViolation, ManifestRecord, PolicyRule, RuleLevel } from '../../rule';
import { formatNumber, list, podTemplates, push } from './_shared';

const RESOURCES = ['cpu', 'memory'] as const;
type Resource = typeof RESOURCES[number];
const REJECTED = '(the pod would be rejected at admission)';

/** A `type: Container` item of a LimitRange, with the API server's defaulting applied. */
interface ContainerLimits {
  readonly name: string;
  readonly min: Record<string, unknown>;
  readonly max: Record<string, unknown>;
  readonly ratio: Record<string, unknown>;
  /** `default`, which the API server fills from `max`. */
  readonly defaultLimit: Record<string, unknown>;
  /** `defaultRequest`, which the API server fills from `default`. */
  readonly defaultRequest: Record<string, unknown>;
}

function containerLimits(r: ManifestRecord): ContainerLimits[] {
  const out: ContainerLimits[] = [];
  for (const item of list(r.manifest.spec?.limits)) {
    if (item?.type !== 'Container') continue;
    const defaultLimit = { ...(item.max ?? {}), ...(item.default ?? {}) };
    out.push({
      name: r.manifest.metadata?.name ?? '<unnamed>',
      min: item.min ?? {},
      max: item.max ?? {},
      ratio: item.maxLimitRequestRatio ?? {},
      defaultLimit,
      defaultRequest: { ...defaultLimit, ...(item.defaultRequest ?? {}) },
    });
  }
  return out;
}

/** A request or limit as admission sees it, and where it came from. */
interface Amount {
  readonly text: string;
  readonly value: number | undefined;
  /** Filled in by the LimitRange (`default` / `defaultRequest`), not written on the container. */
  readonly defaulted: boolean;
}

function amount(q: unknown, defaulted: boolean): Amount | undefined {
  if (q === undefined || q === null) return undefined;
  return { text: String(q), value: quantityValue(q), defaulted };
}

/** `request 25m` or `request 100m (the LimitRange defaultRequest)`. */
function show(what: 'request' | 'limit', a: Amount): string {
  return a.defaulted ? `${what} ${a.text} (the LimitRange ${what === 'limit' ? 'default' : 'defaultRequest'})` : `${what} ${a.text}`;
}

/**
 * The findings for one container, resource and LimitRange item. Requests and limits are taken as admission
 * sees them: a missing request defaults to the limit (pod defaulting), then to the LimitRange's defaultRequest,
 * and a missing limit to the LimitRange's default.
 */
function judge(ref: ContainerRef, resource: Resource, lr: ContainerLimits): { message: string; fix: string }[] {
  const res = ref.container?.resources ?? {};
  const who = containerLabel(ref);
  const limit = amount(res.limits?.[resource], false) ?? amount(lr.defaultLimit[resource], true);
  const request = amount(res.requests?.[resource], false) ?? amount(res.limits?.[resource], false) ?? amount(lr.defaultRequest[resource], true);
  const out: { message: string; fix: string }[] = [];
  const min = lr.min[resource];
  const max = lr.max[resource];
  const ratio = lr.ratio[resource];

  if (min !== undefined) {
    const bound = quantityValue(min);
    if (!request) {
      out.push({
        message: `${who} has no ${resource} request, which the LimitRange ${lr.name} min ${min} requires ${REJECTED}`,
        fix: `set a ${resource} request of at least ${min} on ${who}`,
      });
    } else if (bound !== undefined && request.value !== undefined && request.value < bound) {
      out.push({
        message: `${who} ${resource} ${show('request', request)} is below the LimitRange ${lr.name} min ${min} ${REJECTED}`,
        fix: `raise the ${resource} request of ${who} to at least ${min}, or lower the min of LimitRange ${lr.name}`,
      });
    }
  }
  if (max !== undefined && limit) {
    const bound = quantityValue(max);
    if (bound !== undefined && limit.value !== undefined && limit.value > bound) {
      out.push({
        message: `${who} ${resource} ${show('limit', limit)} exceeds the LimitRange ${lr.name} max ${max} ${REJECTED}`,
        fix: `lower the ${resource} limit of ${who} to at most ${max}, or raise the max of LimitRange ${lr.name}`,
      });
    }
  }
  if (ratio !== undefined) {
    const bound = quantityValue(ratio);
    if (!request || !limit) {
      const absent = !request ? 'request' : 'limit';
      out.push({
        message: `${who} has no ${resource} ${absent}, which the LimitRange ${lr.name} maxLimitRequestRatio ${ratio} requires ${REJECTED}`,
        fix: `set a ${resource} ${absent} on ${who}`,
      });
    } else if (bound !== undefined && request.value !== undefined && limit.value !== undefined && request.value > 0) {
      const observed = limit.value / request.value;
      if (observed > bound + 1e-9) {
        const source = limit.defaulted ? ` (limit ${limit.text} is the LimitRange default)`
          : request.defaulted ? ` (request ${request.text} is the LimitRange defaultRequest)` : '';
        out.push({
          message: `${who} ${resource} limit/request ratio ${formatNumber(observed)}${source} exceeds the LimitRange ${lr.name} `
            + `maxLimitRequestRatio ${ratio} ${REJECTED}`,
          fix: `bring the ${resource} limit of ${who} to at most ${formatNumber(bound)} × its request ${request.text}, or raise the request `
            + `to at least the limit ${limit.text} / ${formatNumber(bound)}`,
        });
      }
    }
  }
  return out;
}

/** HK-X-21: every workload container satisfies the Container limits of its namespace's LimitRanges. */
export const limitRangeComplianceRule: PolicyRule = {
  id: 'HK-X-21',
  level: RuleLevel.ERROR,
  title: 'Containers satisfy the min, max and maxLimitRequestRatio of their namespace\'s LimitRange',
  explanation:
    'The LimitRanger admission plugin rejects a pod whose container requests fall below the LimitRange min, whose limits exceed its max, '
    + 'or whose limit/request ratio exceeds maxLimitRequestRatio. Running pods are never re-checked, so the manifest looks fine until the '
    + 'pod is recreated on a node drain or rollout and cannot come back. In the cortex cluster (seed 000) about 20 deployments broke '
    + 'their own namespace\'s LimitRange (memory ratio 3-8 against a max of 2, CPU ratio 5-10 against 4, requests below the min), '
    + 'e.g. redis-queue in cortex at 10x CPU and 8x memory.',
  fix: 'Set requests and limits within the LimitRange min and max, with limit/request at most maxLimitRequestRatio (or change the '
    + 'LimitRange if its bounds are wrong).',
  analyze(ctx) {
    const limitsByNs = new Map<string, ContainerLimits[]>();
    for (const r of ctx.byKind('LimitRange')) {
      const ns = r.manifest.metadata?.namespace;
      if (!ns) continue;
      for (const item of containerLimits(r)) push(limitsByNs, ns, item);
    }
    const out: AnalysisViolation[] = [];
    if (limitsByNs.size === 0) return out;
    for (const p of podTemplates(ctx)) {
      const items = limitsByNs.get(p.namespace);
      if (!items || !p.explicitNamespace) continue;
      for (const ref of allContainers(p.spec)) {
        if (ref.list === 'ephemeralContainers') continue;
        for (const resource of RESOURCES) {
          for (const lr of items) {
            for (const v of judge(ref, resource, lr)) out.push({ target: p.record, ...v });
          }
        }
      }
    }
    return out;
  },
};
