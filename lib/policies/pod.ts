import { ClusterNode } from '../core/profile';
import { Manifest } from './rule';

/** Kinds whose objects carry a pod template (or are a pod). */
export const WORKLOAD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'] as const;

/** The pod spec and pod metadata of a workload object, or `undefined` for other kinds. */
export function podTemplateOf(m: Manifest): { spec: any; metadata: any } | undefined {
  switch (m.kind) {
    case 'Pod':
      return { spec: m.spec ?? {}, metadata: m.metadata ?? {} };
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
      return m.spec?.template ? { spec: m.spec.template.spec ?? {}, metadata: m.spec.template.metadata ?? {} } : undefined;
    case 'CronJob':
      return m.spec?.jobTemplate?.spec?.template
        ? { spec: m.spec.jobTemplate.spec.template.spec ?? {}, metadata: m.spec.jobTemplate.spec.template.metadata ?? {} }
        : undefined;
    default:
      return undefined;
  }
}

/** A container of a pod spec, with which list it came from. */
export interface ContainerRef {
  readonly container: any;
  readonly list: 'containers' | 'initContainers' | 'ephemeralContainers';
}

/** All containers of a pod spec: main, init and ephemeral. */
export function allContainers(spec: any): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const list of ['containers', 'initContainers', 'ephemeralContainers'] as const) {
    for (const c of spec?.[list] ?? []) {
      out.push({ container: c, list });
    }
  }
  return out;
}

/** `container "name"` or `init container "name"` for messages. */
export function containerLabel(ref: ContainerRef): string {
  const prefix = ref.list === 'containers' ? 'container' : ref.list === 'initContainers' ? 'init container' : 'ephemeral container';
  return `${prefix} "${ref.container?.name ?? '?'}"`;
}

/** True for workloads that run to completion (their pods need no readiness). */
export function isBatch(m: Manifest): boolean {
  return m.kind === 'Job' || m.kind === 'CronJob';
}

/** The effective value of a security-context field: the container's, else the pod's. */
export function effective(spec: any, container: any, field: string): unknown {
  const c = container?.securityContext?.[field];
  return c !== undefined ? c : spec?.securityContext?.[field];
}

/** Number of pods a workload runs (replicas, 1 for pods/jobs, undefined for DaemonSets). */
export function replicasOf(m: Manifest): number | undefined {
  if (m.kind === 'Deployment' || m.kind === 'StatefulSet' || m.kind === 'ReplicaSet') {
    return m.spec?.replicas ?? 1;
  }
  if (m.kind === 'DaemonSet') {
    return undefined;
  }
  return 1;
}

/** True when every key/value of `selector` is among `labels` (an empty selector matches everything). */
export function labelsMatch(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
}

/** True when a LabelSelector (`matchLabels` + `matchExpressions`) selects `labels`. */
export function selectorMatches(selector: any, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  if (!labelsMatch(selector.matchLabels, labels)) return false;
  for (const e of selector.matchExpressions ?? []) {
    const v = labels?.[e.key];
    switch (e.operator) {
      case 'In': if (v === undefined || !(e.values ?? []).includes(v)) return false; break;
      case 'NotIn': if (v !== undefined && (e.values ?? []).includes(v)) return false; break;
      case 'Exists': if (v === undefined) return false; break;
      case 'DoesNotExist': if (v !== undefined) return false; break;
      default: return false;
    }
  }
  return true;
}

/**
 * Nodes of the profile a pod spec may be scheduled to: taints tolerated, node selector and
 * required node affinity (every operator, the hostname label and `metadata.name` fields
 * included) satisfied.
 */
export function schedulableNodes(spec: any, nodes: readonly ClusterNode[]): ClusterNode[] {
  const selector: Record<string, string> = spec?.nodeSelector ?? {};
  const terms: unknown = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  return nodes.filter((n) => n.tolerates(spec?.tolerations ?? [])
    && Object.entries(selector).every(([k, v]) => n.labels[k] === v)
    && (!Array.isArray(terms) || terms.length === 0 || nodeSelectorTermsMatch(terms, n)));
}

/**
 * True when `node` satisfies a list of NodeSelectorTerms (pod `requiredDuringScheduling…` node
 * affinity, PersistentVolume `nodeAffinity.required`): the terms are ORed, the expressions and
 * fields of one term ANDed, and a term with neither matches no node (as the scheduler has it).
 */
export function nodeSelectorTermsMatch(terms: readonly any[], node: Pick<ClusterNode, 'name' | 'labels'>): boolean {
  return terms.some((t) => {
    const expressions: any[] = Array.isArray(t?.matchExpressions) ? t.matchExpressions : [];
    const fields: any[] = Array.isArray(t?.matchFields) ? t.matchFields : [];
    if (expressions.length === 0 && fields.length === 0) return false;
    return expressions.every((e) => expressionMatches(e, node.labels))
      && fields.every((f) => f?.key === 'metadata.name' && expressionMatches({ ...f, key: 'name' }, { name: node.name }));
  });
}

function expressionMatches(e: any, labels: Readonly<Record<string, string>>): boolean {
  const v = labels[e?.key];
  const values: string[] = e?.values ?? [];
  switch (e?.operator) {
    case 'In': return v !== undefined && values.includes(v);
    case 'NotIn': return v === undefined || !values.includes(v);
    case 'Exists': return v !== undefined;
    case 'DoesNotExist': return v === undefined;
    case 'Gt': return v !== undefined && Number(v) > Number(values[0]);
    case 'Lt': return v !== undefined && Number(v) < Number(values[0]);
    default: return false;
  }
}
