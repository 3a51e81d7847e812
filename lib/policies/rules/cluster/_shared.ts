import { isBatch, podTemplateOf, replicasOf, selectorMatches } from '../../pod';
import { Manifest, ManifestRecord, PolicyContext } from '../../rule';

/** The label every namespace carries with its own name (Kubernetes 1.21+). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The node label that topology spread and anti-affinity use to tell nodes apart. */
export const HOSTNAME_KEY = 'kubernetes.io/hostname';

/** Namespaces that the namespace-level rules do not judge. */
export const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set(['kube-system']);

/** The namespace an object lands in (`default` when it sets none). */
export function namespaceOf(m: Manifest): string {
  return m.metadata?.namespace || 'default';
}

/** One pod template (or bare Pod) of the object set. */
export interface PodTemplateRef {
  readonly record: ManifestRecord;
  readonly manifest: Manifest;
  readonly namespace: string;
  /** True when the object sets `metadata.namespace` itself. */
  readonly explicitNamespace: boolean;
  readonly spec: any;
  readonly labels: Record<string, string>;
}

/** Every pod template of the object set, in object order. One pass over the objects. */
export function podTemplates(ctx: PolicyContext): PodTemplateRef[] {
  const out: PodTemplateRef[] = [];
  for (const record of ctx.objects) {
    const pod = podTemplateOf(record.manifest);
    if (!pod) continue;
    out.push({
      record,
      manifest: record.manifest,
      namespace: namespaceOf(record.manifest),
      explicitNamespace: Boolean(record.manifest.metadata?.namespace),
      spec: pod.spec ?? {},
      labels: pod.metadata?.labels ?? {},
    });
  }
  return out;
}

interface NamespacePods {
  readonly all: PodTemplateRef[];
  /** `key\0value` → pod templates carrying that label. */
  readonly byLabel: Map<string, PodTemplateRef[]>;
}

/**
 * Pod templates indexed by namespace and by label, so a selector is resolved from the
 * shortest posting list of its `matchLabels` instead of by scanning every pod.
 */
export class PodIndex {
  private readonly namespaces = new Map<string, NamespacePods>();

  constructor(pods: readonly PodTemplateRef[]) {
    for (const p of pods) {
      let entry = this.namespaces.get(p.namespace);
      if (!entry) {
        entry = { all: [], byLabel: new Map() };
        this.namespaces.set(p.namespace, entry);
      }
      entry.all.push(p);
      for (const [k, v] of Object.entries(p.labels)) {
        push(entry.byLabel, labelKey(k, v), p);
      }
    }
  }

  /** Pod templates of `namespace` that a LabelSelector selects (`undefined` selects none, `{}` all). */
  public select(namespace: string, selector: any): PodTemplateRef[] {
    if (!selector) return [];
    return this.candidates(namespace, selector.matchLabels).filter((p) => selectorMatches(selector, p.labels));
  }

  /** Pod templates of `namespace` that a plain label map (a Service selector) selects. */
  public selectLabels(namespace: string, labels: Record<string, string>): PodTemplateRef[] {
    return this.select(namespace, { matchLabels: labels });
  }

  private candidates(namespace: string, matchLabels: Record<string, string> | undefined): readonly PodTemplateRef[] {
    const entry = this.namespaces.get(namespace);
    if (!entry) return [];
    let best: readonly PodTemplateRef[] = entry.all;
    for (const [k, v] of Object.entries(matchLabels ?? {})) {
      const posting = entry.byLabel.get(labelKey(k, v)) ?? [];
      if (posting.length < best.length) best = posting;
      if (best.length === 0) break;
    }
    return best;
  }
}

function labelKey(k: string, v: string): string {
  return `${k}\u0000${v}`;
}

/** `value` when it is an array, else an empty one (hand-written manifests may hold anything). */
export function list(value: unknown): any[] {
  return Array.isArray(value) ? value : [];
}

/** Appends `value` to the list at `key`. */
export function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Records grouped by their namespace. */
export function byNamespace(records: readonly ManifestRecord[]): Map<string, ManifestRecord[]> {
  const out = new Map<string, ManifestRecord[]>();
  for (const r of records) push(out, namespaceOf(r.manifest), r);
  return out;
}

/**
 * The number of pods a workload keeps running, as far as disruption goes: the HPA's
 * `minReplicas` (default 1) when an HPA targets it, else {@link replicasOf}. Builds the HPA
 * index once; the returned function is O(1).
 */
export function replicaCounter(ctx: PolicyContext): (m: Manifest) => number | undefined {
  const hpaMin = new Map<string, number>();
  for (const r of ctx.byKind('HorizontalPodAutoscaler')) {
    const ref = r.manifest.spec?.scaleTargetRef;
    if (ref?.kind && ref?.name) {
      hpaMin.set(`${namespaceOf(r.manifest)}/${ref.kind}/${ref.name}`, r.manifest.spec?.minReplicas ?? 1);
    }
  }
  return (m) => hpaMin.get(`${namespaceOf(m)}/${m.kind}/${m.metadata?.name}`) ?? replicasOf(m);
}

/** True for Deployments and StatefulSets (the kinds the availability rules judge). */
export function isReplicated(m: Manifest): boolean {
  return m.kind === 'Deployment' || m.kind === 'StatefulSet';
}

/** True for workloads that keep pods running (everything but Jobs and CronJobs). */
export function isLongRunning(m: Manifest): boolean {
  return !isBatch(m);
}

/** A namespace the namespace-level rules judge, and the object its findings are reported on. */
export interface NamespaceScope {
  readonly namespace: string;
  /** The synthesized Namespace object, else the first workload of the namespace. */
  readonly target: ManifestRecord;
}

/**
 * Namespaces that hold workloads (set explicitly on the workload), except kube-system, in the
 * order their first workload appears. Each comes with the object to report on.
 */
export function workloadNamespaces(ctx: PolicyContext, pods: readonly PodTemplateRef[]): NamespaceScope[] {
  const namespaceObjects = new Map<string, ManifestRecord>();
  for (const r of ctx.byKind('Namespace')) {
    const name = r.manifest.metadata?.name;
    if (name && !namespaceObjects.has(name)) namespaceObjects.set(name, r);
  }
  const out = new Map<string, NamespaceScope>();
  for (const p of pods) {
    if (!p.explicitNamespace || SYSTEM_NAMESPACES.has(p.namespace) || out.has(p.namespace) || !ctx.namespaces.has(p.namespace)) continue;
    out.set(p.namespace, { namespace: p.namespace, target: namespaceObjects.get(p.namespace) ?? p.record });
  }
  return [...out.values()];
}

/** The directions a NetworkPolicy governs, with the API server's defaulting of `policyTypes`. */
export function policyTypesOf(np: Manifest): Set<'Ingress' | 'Egress'> {
  const declared: unknown = np.spec?.policyTypes;
  if (Array.isArray(declared) && declared.length > 0) {
    return new Set(declared.filter((t): t is 'Ingress' | 'Egress' => t === 'Ingress' || t === 'Egress'));
  }
  const types = new Set<'Ingress' | 'Egress'>(['Ingress']);
  if (Array.isArray(np.spec?.egress) && np.spec.egress.length > 0) types.add('Egress');
  return types;
}

/** True for a selector that selects everything: absent, `{}`, or with empty matchLabels and matchExpressions. */
export function isEmptySelector(selector: any): boolean {
  if (selector === undefined || selector === null) return true;
  return Object.keys(selector.matchLabels ?? {}).length === 0 && list(selector.matchExpressions).length === 0;
}

/** `3 replicas`, `1 replica`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `a=b, c=d`. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  return Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');
}

/** `{a: b, c: d}` for fix texts. */
export function yamlLabels(labels: Record<string, string> | undefined): string {
  return `{${Object.entries(labels ?? {}).map(([k, v]) => `${k}: ${v}`).join(', ')}}`;
}

/** The labels that identify a workload's pods: its `spec.selector.matchLabels`, else its template labels. */
export function podSelectorLabels(p: PodTemplateRef): Record<string, string> {
  const sel = p.manifest.spec?.selector?.matchLabels;
  return sel && Object.keys(sel).length > 0 ? sel : p.labels;
}

/** A number with at most two decimals, without trailing zeros. */
export function formatNumber(n: number): string {
  return String(Math.round(n * 100) / 100);
}
