import { quantityValue } from '../../../core/quantity';
import { LonghornKeys } from '../../../core/storage-tiers';
import { RenderedHelmRelease, helmReleaseOf } from '../../helm';
import { podTemplateOf, replicasOf } from '../../pod';
import { ManifestRecord, PolicyContext } from '../../rule';

/** Annotation that marks the default StorageClass. */
export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
/** Name of the StorageClass the Longhorn chart makes (through longhorn-manager). */
export const CHART_CLASS_NAME = 'longhorn';
/** Longhorn's replica count when neither the class nor the chart says. */
const LONGHORN_DEFAULT_REPLICAS = 3;
/** Tasks that back volumes up to the backup target. */
export const VOLUME_BACKUP_TASKS: ReadonlySet<string> = new Set(['backup', 'backup-force-create']);
/** Tasks that need a backup target. */
export const BACKUP_TARGET_TASKS: ReadonlySet<string> = new Set([...VOLUME_BACKUP_TASKS, 'system-backup']);

/** One entry of a StorageClass `recurringJobSelector`. */
export interface JobSelection {
  readonly name: string;
  readonly isGroup: boolean;
}

/** A Longhorn StorageClass as the storage rules see it. */
export interface LonghornClass {
  readonly name: string;
  /** The StorageClass, or the Longhorn HelmRelease/Application for the chart's own class. */
  readonly record: ManifestRecord;
  /** True for the class the chart makes (`longhorn`, from `persistence.*` values). */
  readonly chart: boolean;
  readonly replicas: number;
  /** `diskSelector` tags (all must be on one disk). */
  readonly diskTags: readonly string[];
  /** `nodeSelector` tags (all must be on one node). */
  readonly nodeTags: readonly string[];
  readonly dataLocality: string;
  readonly isDefault: boolean;
  /** The `recurringJobSelector`, `undefined` when the class sets none. */
  readonly selector?: readonly JobSelection[];
  /** Why the selector could not be read, when it could not. */
  readonly selectorError?: string;
}

/** The Longhorn chart release of the object set (Flux HelmRelease or Argo CD Application), if any. */
export function longhornRelease(ctx: PolicyContext): { record: ManifestRecord; release: RenderedHelmRelease } | undefined {
  for (const kind of ['HelmRelease', 'Application']) {
    for (const record of ctx.byKind(kind)) {
      const release = helmReleaseOf(record.manifest);
      if (release?.chart === 'longhorn') return { record, release };
    }
  }
  return undefined;
}

/** `a,b` → `['a', 'b']`. */
export function tagList(value: unknown): string[] {
  return typeof value === 'string' ? value.split(',').map((t) => t.trim()).filter((t) => t !== '') : [];
}

function parseSelector(value: unknown): { selector?: JobSelection[]; error?: string } {
  if (value === undefined || value === '') return {};
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { error: `recurringJobSelector is not JSON: ${text}` };
  }
  if (!Array.isArray(parsed) || !parsed.every((e) => e && typeof e === 'object' && typeof e.name === 'string' && e.name !== '')) {
    return { error: `recurringJobSelector must be a JSON list of {"name": "<job or group>", "isGroup": true|false}: ${text}` };
  }
  return { selector: parsed.map((e: any) => ({ name: e.name, isGroup: e.isGroup === true || e.isGroup === 'true' })) };
}

function intOr(value: unknown, fallback: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isInteger(n) ? n : fallback;
}

/**
 * Every Longhorn StorageClass of the object set, by name: StorageClasses provisioned by
 * `driver.longhorn.io`, and the chart's own `longhorn` class (from the release's
 * `persistence.*` values) when the Longhorn chart is part of the set.
 */
export function longhornClasses(ctx: PolicyContext): Map<string, LonghornClass> {
  let cached = classCache.get(ctx);
  if (!cached) classCache.set(ctx, (cached = readLonghornClasses(ctx)));
  return cached;
}

const classCache = new WeakMap<PolicyContext, Map<string, LonghornClass>>();
const claimCache = new WeakMap<PolicyContext, Map<string | undefined, Claim[]>>();

function readLonghornClasses(ctx: PolicyContext): Map<string, LonghornClass> {
  const out = new Map<string, LonghornClass>();
  const lh = longhornRelease(ctx);
  const v = lh?.release.values as any;
  const fallbackReplicas = intOr(v?.defaultSettings?.defaultReplicaCount, LONGHORN_DEFAULT_REPLICAS);
  for (const record of ctx.byKind('StorageClass')) {
    const m = record.manifest;
    if (m.provisioner !== LonghornKeys.PROVISIONER || !m.metadata?.name) continue;
    const p = m.parameters ?? {};
    const { selector, error } = parseSelector(p.recurringJobSelector);
    out.set(m.metadata.name, {
      name: m.metadata.name,
      record,
      chart: false,
      replicas: intOr(p.numberOfReplicas, fallbackReplicas),
      diskTags: tagList(p.diskSelector),
      nodeTags: tagList(p.nodeSelector),
      dataLocality: typeof p.dataLocality === 'string' ? p.dataLocality : 'disabled',
      isDefault: m.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true',
      selector,
      selectorError: error,
    });
  }
  if (lh && !out.has(CHART_CLASS_NAME)) {
    const ps = v?.persistence ?? {};
    const { selector, error } = ps.recurringJobSelector?.enable ? parseSelector(ps.recurringJobSelector.jobList) : { selector: undefined, error: undefined };
    out.set(CHART_CLASS_NAME, {
      name: CHART_CLASS_NAME,
      record: lh.record,
      chart: true,
      replicas: intOr(ps.defaultClassReplicaCount, LONGHORN_DEFAULT_REPLICAS),
      diskTags: ps.defaultDiskSelector?.enable ? tagList(ps.defaultDiskSelector.selector) : [],
      nodeTags: ps.defaultNodeSelector?.enable ? tagList(ps.defaultNodeSelector.selector) : [],
      dataLocality: typeof ps.defaultDataLocality === 'string' ? ps.defaultDataLocality : 'disabled',
      isDefault: ps.defaultClass === undefined ? true : ps.defaultClass === true || ps.defaultClass === 'true',
      selector,
      selectorError: error,
    });
  }
  return out;
}

/** Names of the StorageClasses marked default (any provisioner), the chart's `longhorn` class included. */
export function defaultClassNames(ctx: PolicyContext, classes: ReadonlyMap<string, LonghornClass>): { name: string; record: ManifestRecord }[] {
  const out: { name: string; record: ManifestRecord }[] = [];
  for (const record of ctx.byKind('StorageClass')) {
    if (record.manifest.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true') out.push({ name: record.manifest.metadata.name ?? '', record });
  }
  const chart = classes.get(CHART_CLASS_NAME);
  if (chart?.chart && chart.isDefault) out.push({ name: CHART_CLASS_NAME, record: chart.record });
  return out;
}

/** A volume claim: a PVC, a StatefulSet volumeClaimTemplate, or a pod's ephemeral volume. */
export interface Claim {
  /** The object the claim is written in (the PVC, or the workload). */
  readonly record: ManifestRecord;
  readonly namespace: string;
  /** Claim name (template name for volumeClaimTemplates and ephemeral volumes). */
  readonly name: string;
  /** `claim <ns>/<name>`, `volumeClaimTemplate "<name>" of StatefulSet <ns>/<sts>`. */
  readonly description: string;
  /** StorageClass, default class resolved; `undefined` when none applies. */
  readonly className?: string;
  /** Requested bytes of one claim. */
  readonly bytes: number;
  /** How many such claims exist (StatefulSet replicas). */
  readonly copies: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly accessModes: readonly string[];
  /** `storageClassName: ""`: the claim binds only PersistentVolumes without a class, never a provisioned one. */
  readonly noClass: boolean;
  /** The PersistentVolume the claim names (`volumeName`), if any. */
  readonly volumeName?: string;
  /** The claim's label selector over PersistentVolumes, if any. */
  readonly selector?: any;
  /** `Filesystem` (the default) or `Block`. */
  readonly volumeMode: string;
  /** True for volumeClaimTemplates and ephemeral volumes: every pod gets a claim (and a volume) of its own. */
  readonly perPod: boolean;
}

/** Every claim of the object set, with the default StorageClass applied where a claim names none. */
export function claimsOf(ctx: PolicyContext, defaultClass: string | undefined): Claim[] {
  let byDefault = claimCache.get(ctx);
  if (!byDefault) claimCache.set(ctx, (byDefault = new Map()));
  let claims = byDefault.get(defaultClass);
  if (!claims) byDefault.set(defaultClass, (claims = readClaims(ctx, defaultClass)));
  return claims;
}

function readClaims(ctx: PolicyContext, defaultClass: string | undefined): Claim[] {
  const out: Claim[] = [];
  const add = (record: ManifestRecord, namespace: string, name: string, description: string, spec: any, labels: any, copies: number) => {
    const cls = spec?.storageClassName;
    out.push({
      record, namespace, name, description, copies,
      className: cls === undefined || cls === null ? defaultClass : cls === '' ? undefined : String(cls),
      bytes: quantityValue(spec?.resources?.requests?.storage) ?? 0,
      labels: labels ?? {},
      accessModes: Array.isArray(spec?.accessModes) ? spec.accessModes : [],
      noClass: cls === '',
      volumeName: typeof spec?.volumeName === 'string' && spec.volumeName !== '' ? spec.volumeName : undefined,
      selector: spec?.selector && typeof spec.selector === 'object' ? spec.selector : undefined,
      volumeMode: typeof spec?.volumeMode === 'string' ? spec.volumeMode : 'Filesystem',
      perPod: record.manifest.kind !== 'PersistentVolumeClaim',
    });
  };
  for (const record of ctx.objects) {
    const m = record.manifest;
    const ns = m.metadata?.namespace || 'default';
    if (m.kind === 'PersistentVolumeClaim' && m.apiVersion === 'v1') {
      add(record, ns, m.metadata.name ?? '', `claim ${ns}/${m.metadata.name}`, m.spec, m.metadata.labels, 1);
      continue;
    }
    const pod = podTemplateOf(m);
    if (!pod) continue;
    const copies = m.kind === 'DaemonSet' ? 1 : replicasOf(m) ?? 1;
    if (m.kind === 'StatefulSet') {
      for (const t of Array.isArray(m.spec?.volumeClaimTemplates) ? m.spec.volumeClaimTemplates : []) {
        add(record, ns, t?.metadata?.name ?? '', `volumeClaimTemplate "${t?.metadata?.name}" of StatefulSet ${ns}/${m.metadata.name}`, t?.spec, t?.metadata?.labels, copies);
      }
    }
    for (const vol of Array.isArray(pod.spec?.volumes) ? pod.spec.volumes : []) {
      const t = vol?.ephemeral?.volumeClaimTemplate;
      if (t) add(record, ns, vol.name, `ephemeral volume "${vol.name}" of ${m.kind} ${ns}/${m.metadata.name}`, t.spec, t.metadata?.labels, copies);
    }
  }
  return out;
}

/** The claims of an object set, indexed for the workloads that mount them. */
export interface ClaimIndex {
  /** PersistentVolumeClaims by `namespace/name`. */
  readonly pvcs: ReadonlyMap<string, Claim>;
  /** volumeClaimTemplates and ephemeral volumes by the workload they are written in. */
  readonly perPod: ReadonlyMap<ManifestRecord, readonly Claim[]>;
}

/** {@link claimsOf} indexed (once per policy context and default class). */
export function claimIndex(ctx: PolicyContext, defaultClass: string | undefined): ClaimIndex {
  let byDefault = indexCache.get(ctx);
  if (!byDefault) indexCache.set(ctx, (byDefault = new Map()));
  let index = byDefault.get(defaultClass);
  if (!index) {
    const pvcs = new Map<string, Claim>();
    const perPod = new Map<ManifestRecord, Claim[]>();
    for (const c of claimsOf(ctx, defaultClass)) {
      if (!c.perPod) pvcs.set(`${c.namespace}/${c.name}`, c);
      else {
        const list = perPod.get(c.record);
        if (list) list.push(c);
        else perPod.set(c.record, [c]);
      }
    }
    byDefault.set(defaultClass, (index = { pvcs, perPod }));
  }
  return index;
}

const indexCache = new WeakMap<PolicyContext, Map<string | undefined, ClaimIndex>>();

/**
 * The claims a workload's pods mount: the PersistentVolumeClaims its volumes name (those in the
 * object set) and its own volumeClaimTemplates and ephemeral volumes.
 */
export function claimsMountedBy(record: ManifestRecord, podSpec: any, index: ClaimIndex): Claim[] {
  const ns = record.manifest.metadata?.namespace || 'default';
  const out: Claim[] = [];
  for (const v of Array.isArray(podSpec?.volumes) ? podSpec.volumes : []) {
    const name = v?.persistentVolumeClaim?.claimName;
    const c = typeof name === 'string' ? index.pvcs.get(`${ns}/${name}`) : undefined;
    if (c && !out.includes(c)) out.push(c);
  }
  out.push(...(index.perPod.get(record) ?? []));
  return out;
}

/** The first default StorageClass name (what a claim without a class gets), if any. */
export function defaultClassName(ctx: PolicyContext, classes: ReadonlyMap<string, LonghornClass>): string | undefined {
  return defaultClassNames(ctx, classes)[0]?.name;
}

/** A RecurringJob as the rules see it. */
export interface RecurringJobRef {
  readonly record: ManifestRecord;
  readonly name: string;
  readonly task: string;
  readonly groups: readonly string[];
}

/** RecurringJobs by name, and job names by group. */
export interface RecurringJobIndex {
  readonly jobs: ReadonlyMap<string, RecurringJobRef>;
  readonly groups: ReadonlyMap<string, readonly RecurringJobRef[]>;
}

/** Indexes the object set's Longhorn RecurringJobs. */
export function recurringJobIndex(ctx: PolicyContext): RecurringJobIndex {
  const jobs = new Map<string, RecurringJobRef>();
  const groups = new Map<string, RecurringJobRef[]>();
  for (const record of ctx.byKind('RecurringJob')) {
    const m = record.manifest;
    if (!m.apiVersion.startsWith('longhorn.io/') || !m.metadata?.name) continue;
    const ref: RecurringJobRef = {
      record, name: m.metadata.name, task: String(m.spec?.task ?? ''),
      groups: Array.isArray(m.spec?.groups) ? m.spec.groups.map(String) : [],
    };
    jobs.set(ref.name, ref);
    for (const g of ref.groups) {
      const list = groups.get(g);
      if (list) list.push(ref);
      else groups.set(g, [ref]);
    }
  }
  return { jobs, groups };
}

/** The recurring-job labels of a claim: job and group names, with the label values. */
export function jobLabelsOf(labels: Readonly<Record<string, string>>): { jobs: [string, string][]; groups: [string, string][] } {
  const jobs: [string, string][] = [];
  const groups: [string, string][] = [];
  for (const [k, v] of Object.entries(labels)) {
    if (k === LonghornKeys.RECURRING_JOB_SOURCE) continue;
    if (k.startsWith(LonghornKeys.RECURRING_JOB_PREFIX)) jobs.push([k.slice(LonghornKeys.RECURRING_JOB_PREFIX.length), v]);
    else if (k.startsWith(LonghornKeys.RECURRING_JOB_GROUP_PREFIX)) groups.push([k.slice(LonghornKeys.RECURRING_JOB_GROUP_PREFIX.length), v]);
  }
  return { jobs, groups };
}

/** True when the claim is its volume's recurring-job label source. */
export function isLabelSource(claim: { readonly labels: Readonly<Record<string, string>> }): boolean {
  return claim.labels[LonghornKeys.RECURRING_JOB_SOURCE] === LonghornKeys.ENABLED;
}

/**
 * What selects the recurring jobs of a claim's volume, as Longhorn applies it: the claim's
 * `enabled` job labels when the claim is the label source, else the class's
 * `recurringJobSelector`; with neither, the `default` group.
 */
export function volumeJobSelection(claim: { readonly labels: Readonly<Record<string, string>> } | undefined, cls: Pick<LonghornClass, 'selector'> | undefined): JobSelection[] {
  let sel: JobSelection[] = [];
  if (claim && isLabelSource(claim)) {
    const { jobs, groups } = jobLabelsOf(claim.labels);
    sel = [
      ...jobs.filter(([, v]) => v === LonghornKeys.ENABLED).map(([name]) => ({ name, isGroup: false })),
      ...groups.filter(([, v]) => v === LonghornKeys.ENABLED).map(([name]) => ({ name, isGroup: true })),
    ];
  } else if (cls?.selector) {
    sel = [...cls.selector];
  }
  return sel.length ? sel : [{ name: LonghornKeys.DEFAULT_GROUP, isGroup: true }];
}

/** The jobs a selection resolves to. */
export function resolveJobs(selection: readonly JobSelection[], index: RecurringJobIndex): RecurringJobRef[] {
  const out = new Set<RecurringJobRef>();
  for (const s of selection) {
    if (s.isGroup) for (const j of index.groups.get(s.name) ?? []) out.add(j);
    else {
      const j = index.jobs.get(s.name);
      if (j) out.add(j);
    }
  }
  return [...out];
}

/** `a, b and c`. */
export function joinNames(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** `the chart's longhorn class` or `StorageClass <name>`. */
export function classLabel(cls: LonghornClass): string {
  return cls.chart ? `the chart's StorageClass ${cls.name} (persistence.* values)` : `StorageClass ${cls.name}`;
}

/** `[{"name":"x","isGroup":true}]` for messages. */
export function describeSelection(sel: readonly JobSelection[]): string {
  return sel.map((s) => (s.isGroup ? `group ${s.name}` : `job ${s.name}`)).join(', ');
}

/** The Longhorn backup target declared in the object set, if any. */
export function longhornBackupTarget(ctx: PolicyContext): string | undefined {
  for (const r of ctx.byKind('BackupTarget')) {
    const url = r.manifest.spec?.backupTargetURL;
    if (String(r.manifest.apiVersion).startsWith('longhorn.io/') && typeof url === 'string' && url !== '') return url;
  }
  for (const kind of ['HelmRelease', 'Application']) {
    for (const r of ctx.byKind(kind)) {
      const hr = helmReleaseOf(r.manifest);
      if (!hr || hr.chart !== 'longhorn') continue;
      const v = hr.values as any;
      const modern = v.defaultBackupStore?.backupTarget;
      if (typeof modern === 'string' && modern !== '') return modern;
      // before chart 1.8 the target was a default setting (a silent no-op from 1.8 on)
      const legacy = v.defaultSettings?.backupTarget;
      const major = /^v?(\d+)\.(\d+)/.exec(hr.version ?? '');
      if (typeof legacy === 'string' && legacy !== '' && major && (Number(major[1]) < 1 || (Number(major[1]) === 1 && Number(major[2]) < 8))) return legacy;
    }
  }
  for (const r of ctx.byKind('Setting')) {
    if (String(r.manifest.apiVersion).startsWith('longhorn.io/') && r.manifest.metadata.name === 'backup-target' && typeof r.manifest.value === 'string' && r.manifest.value !== '') return r.manifest.value;
  }
  return undefined;
}
