import { CronSchedule, cronMaxGapMinutes, parseCron, parseGoDuration } from '../../../core/cron';
import { ValidationError } from '../../../core/errors';
import { parseSemVer } from '../../../core/semver';
import { veleroHas } from '../../../core/velero-facts';
import { Images, parseImageReference } from '../../../core/versions';
import { helmReleaseOf } from '../../helm';
import { Manifest, ManifestRecord, PolicyContext } from '../../rule';
import { list, namespaceOf } from '../cluster/_shared';

/** Velero's API group. */
export const VELERO_API = 'velero.io/v1';

/** What the rules know about the Velero install of the cluster. */
export interface VeleroInstall {
  /** Velero's version: the release's `image.tag`, else the pinned one. */
  readonly version: string;
  /** The AWS plugin's version: the release's `velero-plugin-for-aws` init container tag, else the pinned one. */
  readonly awsPluginVersion: string;
  /** True when the version numbers came from a Velero release of this program. */
  readonly fromRelease: boolean;
  /** Server default `--default-volumes-to-fs-backup`. */
  readonly defaultVolumesToFsBackup: boolean;
  /** Server default `--default-snapshot-move-data`. */
  readonly defaultSnapshotMoveData: boolean;
  /** False only when a release says `deployNodeAgent: false`. */
  readonly nodeAgent: boolean;
  /** `configuration.backupStorageLocation` entries of the chart values, with the release's namespace. */
  readonly chartLocations: readonly { readonly namespace: string; readonly entry: any; readonly record: ManifestRecord; readonly index: number; readonly kind: 'backupStorageLocation' | 'volumeSnapshotLocation' }[];
}

const installs = new WeakMap<PolicyContext, VeleroInstall>();

/** The Velero release of the object set (Flux HelmRelease or Argo CD Application), computed once per context. */
export function veleroInstall(ctx: PolicyContext): VeleroInstall {
  const cached = installs.get(ctx);
  if (cached) return cached;
  let install: VeleroInstall = {
    version: Images.velero.tag,
    awsPluginVersion: Images.veleroPluginForAws.tag,
    fromRelease: false,
    defaultVolumesToFsBackup: false,
    defaultSnapshotMoveData: false,
    nodeAgent: true,
    chartLocations: [],
  };
  const chartLocations: VeleroInstall['chartLocations'][number][] = [];
  for (const kind of ['HelmRelease', 'Application']) {
    for (const record of ctx.byKind(kind)) {
      const hr = helmReleaseOf(record.manifest);
      if (!hr || hr.chart !== 'velero') continue;
      const v = hr.values as any;
      const namespace = hr.namespace ?? namespaceOf(record.manifest);
      const pluginImage = list(v.initContainers).map((c: any) => String(c?.image ?? '')).find((i: string) => /velero-plugin-for-aws/.test(i));
      const pluginTag = pluginImage ? parseImageReference(pluginImage).tag : undefined;
      for (const k of ['backupStorageLocation', 'volumeSnapshotLocation'] as const) {
        const entries = v.configuration?.[k];
        (Array.isArray(entries) ? entries : entries && typeof entries === 'object' ? [entries] : [])
          .forEach((entry: any, index: number) => chartLocations.push({ namespace, entry, record, index, kind: k }));
      }
      if (!install.fromRelease) {
        install = {
          version: parseSemVer(v.image?.tag) ? String(v.image.tag) : install.version,
          awsPluginVersion: parseSemVer(pluginTag) ? String(pluginTag) : install.awsPluginVersion,
          fromRelease: true,
          defaultVolumesToFsBackup: v.configuration?.defaultVolumesToFsBackup === true,
          defaultSnapshotMoveData: v.configuration?.defaultSnapshotMoveData === true,
          nodeAgent: v.deployNodeAgent !== false,
          chartLocations,
        };
      }
    }
  }
  install = { ...install, chartLocations };
  installs.set(ctx, install);
  return install;
}

/** A Velero Schedule of the object set, with its cron parsed. */
export interface ScheduleInfo {
  readonly record: ManifestRecord;
  readonly manifest: Manifest;
  readonly name: string;
  /** The Velero namespace it lives in. */
  readonly namespace: string;
  readonly paused: boolean;
  readonly template: any;
  /** The parsed cron, or the parse error. */
  readonly cron?: CronSchedule;
  readonly cronError?: ValidationError;
  /** Longest gap between runs in minutes (`undefined`: does not parse or never fires). */
  readonly intervalMinutes?: number;
}

const scheduleCache = new WeakMap<PolicyContext, ScheduleInfo[]>();

/** True for a Velero object of `kind`. */
export function isVelero(m: Manifest, kind: string): boolean {
  return m.kind === kind && m.apiVersion === VELERO_API;
}

/** Every Velero Schedule of the object set, parsed once per context. */
export function schedules(ctx: PolicyContext): ScheduleInfo[] {
  const cached = scheduleCache.get(ctx);
  if (cached) return cached;
  const out = ctx.byKind('Schedule').filter((r) => r.manifest.apiVersion === VELERO_API).map((record) => scheduleInfo(record));
  for (const s of out) scheduleByManifest.set(s.manifest, s);
  scheduleCache.set(ctx, out);
  return out;
}

const scheduleByManifest = new WeakMap<Manifest, ScheduleInfo>();

/** The parsed Schedule `m` of the context (parsed once, with the other schedules). */
export function scheduleOf(m: Manifest, ctx: PolicyContext): ScheduleInfo {
  schedules(ctx);
  return scheduleByManifest.get(m) ?? scheduleInfo({ manifest: m, path: '' });
}

/** Parses one Schedule record. */
export function scheduleInfo(record: ManifestRecord): ScheduleInfo {
  const m = record.manifest;
  let cron: CronSchedule | undefined;
  let cronError: ValidationError | undefined;
  try {
    cron = parseCron(m.spec?.schedule);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    cronError = e;
  }
  return {
    record,
    manifest: m,
    name: m.metadata?.name ?? '',
    namespace: namespaceOf(m),
    paused: m.spec?.paused === true,
    template: m.spec?.template ?? {},
    cron,
    cronError,
    intervalMinutes: cron ? cronMaxGapMinutes(cron) : undefined,
  };
}

/** The TTL of a backup template in minutes (Velero's default 720h when unset), or `undefined` when it does not parse. */
export function ttlMinutes(template: any): number | undefined {
  if (template?.ttl === undefined || template?.ttl === null || template?.ttl === '') return 720 * 60;
  try {
    return parseGoDuration(String(template.ttl)) / 60_000;
  } catch {
    return undefined;
  }
}

/** Velero matches glob patterns in included namespaces (VELERO_FACTS.namespaceGlobs); earlier versions only names and `*`. */
export function includeGlobsSupported(version: string): boolean {
  return veleroHas('namespaceGlobs', version);
}

/** `*`, `?`, `[a-c]` glob match of a namespace. */
export function globMatch(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  if (!/[*?[]/.test(pattern)) return pattern === value;
  const re = pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(value);
}

/** True when a backup template includes namespace `ns` (exclusions win). */
export function templateIncludes(template: any, ns: string, version: string): boolean {
  const included = list(template?.includedNamespaces).map(String);
  const globs = includeGlobsSupported(version);
  const inc = included.length === 0 || included.some((p) => (p === '*' || globs ? globMatch(p, ns) : p === ns));
  if (!inc) return false;
  return !list(template?.excludedNamespaces).map(String).some((p) => globMatch(p, ns));
}

/** True when the template's label selectors (`labelSelector` or any of `orLabelSelectors`) select `labels`. */
export function templateSelects(template: any, labels: Record<string, string>, selectorMatches: (s: any, l: Record<string, string>) => boolean): boolean {
  const or = list(template?.orLabelSelectors);
  if (or.length > 0) return or.some((s) => selectorMatches(s, labels));
  const s = template?.labelSelector;
  if (!s) return true;
  return selectorMatches(s, labels);
}

/** Where a BackupStorageLocation keeps its data: the library's label, else guessed from `s3Url`. */
export function locationSite(m: Manifest | undefined): 'in-cluster' | 'on-site' | 'off-site' | 'unknown' {
  if (!m) return 'unknown';
  const label = m.metadata?.labels?.['hardened-homelab.io/backup-site'];
  if (label === 'in-cluster' || label === 'on-site' || label === 'off-site') return label;
  const url = String(m.spec?.config?.s3Url ?? '');
  if (url === '') return m.spec?.provider === 'aws' ? 'off-site' : 'unknown';
  if (/\.svc(\.cluster\.local)?(:\d+)?(\/|$)/.test(url)) return 'in-cluster';
  if (/backblazeb2\.com|amazonaws\.com|wasabisys\.com|r2\.cloudflarestorage\.com/.test(url)) return 'off-site';
  return 'on-site';
}

/** PersistentVolumes and StorageClasses by name, and the default StorageClass (linear in the objects). */
export function storageIndex(ctx: PolicyContext): { pvs: Map<string, Manifest>; classes: Map<string, Manifest>; defaultClass?: Manifest } {
  const pvs = new Map<string, Manifest>();
  for (const r of ctx.byKind('PersistentVolume')) if (r.manifest.metadata.name) pvs.set(r.manifest.metadata.name, r.manifest);
  const classes = new Map<string, Manifest>();
  let defaultClass: Manifest | undefined;
  for (const r of ctx.byKind('StorageClass')) {
    if (r.manifest.metadata.name) classes.set(r.manifest.metadata.name, r.manifest);
    if (r.manifest.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true') defaultClass = r.manifest;
  }
  return { pvs, classes, defaultClass };
}
