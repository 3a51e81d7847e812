/** Label and annotation keys the library writes and reads. */
export const LabelKeys = {
  NAME: 'app.kubernetes.io/name',
  INSTANCE: 'app.kubernetes.io/instance',
  COMPONENT: 'app.kubernetes.io/component',
  PART_OF: 'app.kubernetes.io/part-of',
  VERSION: 'app.kubernetes.io/version',
  MANAGED_BY: 'app.kubernetes.io/managed-by',
} as const;

/** Annotation keys that are part of the library's output contract. */
export const AnnotationKeys = {
  /** JSON object `{ "<rule-id>": "<reason>" }`: the policy rules this object is exempt from, and why. */
  EXEMPTIONS: 'hardened-homelab.io/exemptions',
  /** `app-native: <reason>` or `public: <reason>` on an HTTPRoute that does not go through an auth proxy. */
  AUTH: 'hardened-homelab.io/auth',
  /**
   * On an upstream chart's HelmRelease / Application: JSON `{ cpu, memory, memoryLimit, pods?,
   * perNode? }`, the requests of the pods the chart runs (which are not in the output). The
   * capacity analysis and the namespace quota count it.
   */
  FOOTPRINT: 'hardened-homelab.io/footprint',
  /** The criticality a workload was declared with (`critical`, `standard`, `optional`). */
  CRITICALITY: 'hardened-homelab.io/criticality',
  /**
   * On a pod template: the GPU memory the pod uses at peak (a Kubernetes memory quantity, e.g.
   * `6Gi`). Time-slicing has no memory isolation, so the GPU budget analysis (HK-GPU-04) sums it
   * over the pods that share a physical GPU. Written by the app pattern's `gpu.memory` option.
   */
  GPU_MEMORY: 'hardened-homelab.io/gpu-memory',
} as const;

/** The value of `app.kubernetes.io/managed-by` on everything the library synthesizes. */
export const MANAGED_BY = 'hardened-homelab';

/** Options for {@link recommendedLabels}. */
export interface RecommendedLabelsOptions {
  /** `app.kubernetes.io/name`. */
  readonly name: string;
  /** `app.kubernetes.io/instance` @default - the name */
  readonly instance?: string;
  /** `app.kubernetes.io/component` @default - not set */
  readonly component?: string;
  /** `app.kubernetes.io/part-of` @default - not set */
  readonly partOf?: string;
  /** `app.kubernetes.io/version` (the image tag) @default - not set */
  readonly version?: string;
}

/**
 * The Kubernetes recommended labels (`app.kubernetes.io/*`) for an app, with
 * `app.kubernetes.io/managed-by: hardened-homelab`. Values are trimmed to valid label values.
 */
export function recommendedLabels(o: RecommendedLabelsOptions): Record<string, string> {
  const labels: Record<string, string> = {
    [LabelKeys.NAME]: labelValue(o.name),
    [LabelKeys.INSTANCE]: labelValue(o.instance ?? o.name),
  };
  if (o.component) labels[LabelKeys.COMPONENT] = labelValue(o.component);
  if (o.partOf) labels[LabelKeys.PART_OF] = labelValue(o.partOf);
  if (o.version) labels[LabelKeys.VERSION] = labelValue(o.version);
  labels[LabelKeys.MANAGED_BY] = MANAGED_BY;
  return labels;
}

/** The selector labels of an app: the stable subset of its recommended labels. */
export function selectorLabels(name: string, instance?: string): Record<string, string> {
  return { [LabelKeys.NAME]: name, [LabelKeys.INSTANCE]: instance ?? name };
}

/** `value` made into a valid label value (at most 63 characters of `[A-Za-z0-9._-]`, alphanumeric at both ends). */
export function labelValue(value: string): string {
  return value.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}
