import * as YAML from 'yaml';
import { humanMinutes } from '../../../core/cron';
import { quantityValue } from '../../../core/quantity';
import { readExemptions } from '../../engine';
import { isBatch, replicasOf, selectorMatches } from '../../pod';
import { AnalysisViolation, Manifest, ManifestRecord, PolicyContext, PolicyRule, ReportSection, RuleLevel, describe } from '../../rule';
import { PodTemplateRef, list, namespaceOf, podTemplates, push } from '../cluster/_shared';
import { VOLUME_BACKUP_TASKS, isLabelSource, longhornBackupTarget, longhornClasses, recurringJobIndex, resolveJobs, volumeJobSelection } from '../storage/_shared';
import { ScheduleInfo, locationSite, schedules, storageIndex, templateIncludes, templateSelects, ttlMinutes, veleroInstall } from './_shared';

/** The rule id (exemptions on a PVC, StatefulSet or Namespace name it). */
export const BACKUP_COVERAGE_ID = 'HK-BAK-01';

const LONGHORN = 'driver.longhorn.io';

/** One claim: a PersistentVolumeClaim, or a StatefulSet's volumeClaimTemplate (one claim per replica). */
interface Claim {
  readonly record: ManifestRecord;
  readonly namespace: string;
  /** `data` for a PVC, `data-<sts>-*` for a template. */
  readonly name: string;
  readonly kind: 'PersistentVolumeClaim' | 'volumeClaimTemplate';
  readonly labels: Record<string, string>;
  readonly spec: any;
  readonly bytes: number;
  readonly mounts: { readonly pod: PodTemplateRef; readonly volume: string; readonly running: boolean }[];
}

/** How one claim is (or is not) protected. */
interface ClaimVerdict {
  readonly claim: Claim;
  /** Schedules and Longhorn jobs that back it up, e.g. `critical-daily (file-system → minio-local, on-site)`. */
  readonly coveredBy: string[];
  readonly offSite: boolean;
  readonly reasons: string[];
  /** Exemption reason (claim's own or its namespace's). */
  readonly exemption?: string;
  readonly exemptNamespace: boolean;
}

interface Model {
  readonly verdicts: ClaimVerdict[];
  readonly schedules: ScheduleInfo[];
  readonly sites: Map<string, string>;
}

const models = new WeakMap<PolicyContext, Model>();

function exemptionOf(m: Manifest | undefined): string | undefined {
  return m ? readExemptions(m).exemptions.get(BACKUP_COVERAGE_ID) : undefined;
}

function running(m: Manifest): boolean {
  if (isBatch(m)) return false;
  const n = replicasOf(m);
  return n === undefined || n > 0;
}

/** Builds the coverage model once per context. Linear in the objects (schedules × claims of their namespaces). */
function model(ctx: PolicyContext): Model {
  const cached = models.get(ctx);
  if (cached) return cached;
  const install = veleroInstall(ctx);

  // indexes
  const { pvs, classes, defaultClass } = storageIndex(ctx);
  const snapshotDrivers = new Set<string>();
  for (const r of ctx.byKind('VolumeSnapshotClass')) {
    if (r.manifest.metadata.labels?.['velero.io/csi-volumesnapshot-class'] === 'true') snapshotDrivers.add(String(r.manifest.driver));
  }
  const configMaps = new Map<string, Manifest>();
  for (const r of ctx.byKind('ConfigMap')) configMaps.set(`${namespaceOf(r.manifest)}/${r.manifest.metadata.name}`, r.manifest);
  const locations = new Map<string, Manifest>();
  const defaultLocation = new Map<string, string>();
  for (const r of ctx.byKind('BackupStorageLocation')) {
    const ns = namespaceOf(r.manifest);
    locations.set(`${ns}/${r.manifest.metadata.name}`, r.manifest);
    if (r.manifest.spec?.default === true && !defaultLocation.has(ns)) defaultLocation.set(ns, r.manifest.metadata.name ?? '');
  }
  const namespaceExemptions = new Map<string, string>();
  for (const r of ctx.byKind('Namespace')) {
    const reason = exemptionOf(r.manifest);
    if (reason && r.manifest.metadata.name) namespaceExemptions.set(r.manifest.metadata.name, reason);
  }

  // Longhorn: recurring jobs and classes as the storage rules read them, and the backup target
  const jobIndex = recurringJobIndex(ctx);
  const lhClasses = longhornClasses(ctx);
  const longhornTarget = longhornBackupTarget(ctx);

  // claims and the pods that mount them
  const mounts = new Map<string, Claim['mounts'][number][]>();
  const claims: Claim[] = [];
  for (const p of podTemplates(ctx)) {
    const run = running(p.manifest);
    for (const v of list(p.spec.volumes)) {
      const claimName = v?.persistentVolumeClaim?.claimName;
      if (claimName) push(mounts, `${p.namespace}/${claimName}`, { pod: p, volume: v.name, running: run });
    }
    if (p.manifest.kind === 'StatefulSet') {
      for (const t of list(p.manifest.spec?.volumeClaimTemplates)) {
        const tname = t?.metadata?.name;
        if (!tname) continue;
        claims.push({
          record: p.record,
          namespace: p.namespace,
          name: `${tname}-${p.manifest.metadata.name}-*`,
          kind: 'volumeClaimTemplate',
          labels: t.metadata?.labels ?? {},
          spec: t.spec ?? {},
          bytes: quantityValue(t.spec?.resources?.requests?.storage) ?? 0,
          mounts: [{ pod: p, volume: tname, running: run }],
        });
      }
    }
  }
  for (const r of ctx.byKind('PersistentVolumeClaim')) {
    const m = r.manifest;
    const ns = namespaceOf(m);
    claims.push({
      record: r,
      namespace: ns,
      name: m.metadata.name ?? '',
      kind: 'PersistentVolumeClaim',
      labels: m.metadata.labels ?? {},
      spec: m.spec ?? {},
      bytes: quantityValue(m.spec?.resources?.requests?.storage) ?? 0,
      mounts: mounts.get(`${ns}/${m.metadata.name}`) ?? [],
    });
  }

  const storageClassOf = (c: Claim): Manifest | undefined => {
    const n = c.spec.storageClassName;
    return n === undefined || n === null ? defaultClass : n === '' ? undefined : classes.get(n);
  };
  const pvOf = (c: Claim) => (c.spec.volumeName ? pvs.get(c.spec.volumeName) : undefined);
  const csiDriver = (c: Claim): string | undefined => {
    const pv = pvOf(c);
    if (pv) return pv.spec?.csi?.driver;
    const sc = storageClassOf(c);
    const p = sc?.provisioner;
    return typeof p === 'string' && !/no-provisioner|nfs|local-path|hostpath/i.test(p) ? p : undefined;
  };

  // Velero resource policies
  const policyCache = new Map<string, any[] | undefined>();
  const policiesOf = (s: ScheduleInfo): { name: string; list: any[] } | undefined => {
    const ref = s.template.resourcePolicy;
    if (!ref?.name || String(ref.kind ?? '').toLowerCase() !== 'configmap') return undefined;
    const key = `${s.namespace}/${ref.name}`;
    if (!policyCache.has(key)) {
      const cm = configMaps.get(key);
      const raw = cm ? Object.values(cm.data ?? {})[0] : undefined;
      let doc: any;
      try {
        doc = typeof raw === 'string' ? YAML.parse(raw) : undefined;
      } catch {
        doc = undefined;
      }
      policyCache.set(key, Array.isArray(doc?.volumePolicies) ? doc.volumePolicies : undefined);
    }
    const l = policyCache.get(key);
    return l ? { name: ref.name, list: l } : undefined;
  };
  const conditionMatches = (cond: any, c: Claim): boolean => {
    const pv = pvOf(c);
    const sc = storageClassOf(c);
    for (const [k, v] of Object.entries(cond ?? {})) {
      if (k === 'nfs') {
        const nfs = pv?.spec?.nfs;
        if (!nfs) return false;
        const want = v as any;
        if (want?.server && want.server !== nfs.server) return false;
        if (want?.path && String(want.path).replace(/\/+$/, '') !== String(nfs.path).replace(/\/+$/, '')) return false;
      } else if (k === 'storageClass') {
        const name = pv?.spec?.storageClassName ?? sc?.metadata?.name ?? c.spec.storageClassName;
        if (!list(v).includes(name)) return false;
      } else if (k === 'csi') {
        const driver = csiDriver(c);
        if (!driver || ((v as any)?.driver && (v as any).driver !== driver)) return false;
      } else if (k === 'volumeTypes') {
        const type = pv?.spec?.nfs ? 'nfs' : pv?.spec?.hostPath ? 'hostPath' : pv?.spec?.local ? 'local' : csiDriver(c) ? 'csi' : undefined;
        if (!type || !list(v).includes(type)) return false;
      } else if (k === 'capacity') {
        const [min, max] = String(v).split(',').map((x) => (x.trim() === '' ? undefined : quantityValue(x.trim())));
        if ((min !== undefined && c.bytes < min) || (max !== undefined && c.bytes > max)) return false;
      } else {
        return false;
      }
    }
    return true;
  };

  const sites = new Map<string, string>();
  const all = schedules(ctx);
  const byNamespaceCache = new Map<string, ScheduleInfo[]>();
  const schedulesFor = (ns: string) => {
    if (!byNamespaceCache.has(ns)) byNamespaceCache.set(ns, all.filter((s) => templateIncludes(s.template, ns, install.version)));
    return byNamespaceCache.get(ns)!;
  };
  for (const s of all) {
    const loc = s.template.storageLocation ?? defaultLocation.get(s.namespace);
    sites.set(s.name, `${loc ?? '(default)'}, ${locationSite(loc ? locations.get(`${s.namespace}/${loc}`) : undefined)}`);
  }

  const verdicts: ClaimVerdict[] = [];
  for (const c of claims) {
    const nsExemption = namespaceExemptions.get(c.namespace);
    const ownExemption = exemptionOf(c.record.manifest);
    const coveredBy: string[] = [];
    // reason → the schedules it applies to
    const grouped = new Map<string, string[]>();
    const because = (text: string, schedule?: string) => {
      const l = grouped.get(text) ?? [];
      if (schedule) l.push(schedule);
      grouped.set(text, l);
    };
    let offSite = false;
    const including = schedulesFor(c.namespace);
    if (including.length === 0) because(`no Velero schedule includes namespace ${c.namespace}`);
    for (const s of including) {
      if (s.paused) {
        because('paused', s.name);
        continue;
      }
      const policies = policiesOf(s);
      const matched = policies?.list.find((p) => conditionMatches(p?.conditions, c));
      const action = matched?.action?.type;
      if (action === 'skip') {
        because(`a volume policy skips its data (${describeConditions(matched.conditions)})`, s.name);
        continue;
      }
      const fsDefault = s.template.defaultVolumesToFsBackup ?? install.defaultVolumesToFsBackup;
      const selected = c.mounts.filter((m) => templateSelects(s.template, m.pod.labels, selectorMatches));
      const viaFs = selected.filter((m) => m.running && (action === 'fs-backup' || fsVolume(m.pod, m.volume, fsDefault)));
      const loc = sites.get(s.name) ?? '';
      if (viaFs.length > 0 && install.nodeAgent) {
        coveredBy.push(`${s.name} (file-system → ${loc})`);
        if (loc.endsWith('off-site')) offSite = true;
        continue;
      }
      // CSI snapshots: on request, or "auto" (snapshotVolumes unset) for what file-system backup did not take
      const snapshotAllowed = action === 'snapshot' || s.template.snapshotVolumes !== false;
      let snapshotReason: string | undefined;
      if (snapshotAllowed) {
        const driver = csiDriver(c);
        const move = s.template.snapshotMoveData ?? install.defaultSnapshotMoveData;
        if (!templateSelects(s.template, c.labels, selectorMatches)) snapshotReason = 'the claim does not match the label selector';
        else if (driver && snapshotDrivers.has(driver) && move) {
          coveredBy.push(`${s.name} (snapshot + data mover → ${loc})`);
          if (loc.endsWith('off-site')) offSite = true;
          continue;
        } else {
          snapshotReason = !driver ? 'it is not a CSI volume, so it cannot be snapshotted'
            : !snapshotDrivers.has(driver) ? `no VolumeSnapshotClass of ${driver} is labelled velero.io/csi-volumesnapshot-class: "true", so it is not snapshotted`
              : 'only a snapshot is taken, and it stays on the volume\'s own storage (set snapshotMoveData)';
        }
      }
      const fsTried = fsDefault || action === 'fs-backup' || c.mounts.some((m) => fsVolume(m.pod, m.volume, false));
      if (!fsTried) {
        because(`${snapshotReason ?? 'snapshotVolumes is false'}, and file-system backup is off (defaultVolumesToFsBackup)`, s.name);
      } else if (c.mounts.length === 0) because('file-system backups copy the volumes of running pods, and no pod mounts this claim', s.name);
      else if (selected.length === 0) because('the pods that mount it do not match the label selector', s.name);
      else if (!selected.some((m) => m.running)) because(`file-system backups copy the volumes of running pods, and only ${[...new Set(selected.map((m) => m.pod.manifest.kind))].join('/')} pods with no running replica mount it`, s.name);
      else if (!install.nodeAgent) because('file-system backups need the node agent, and Velero runs without it', s.name);
      else because('its pods exclude the volume from file-system backups (backup.velero.io/backup-volumes-excludes)', s.name);
    }

    // Longhorn recurring backup jobs
    const sc = storageClassOf(c);
    const isLonghorn = sc?.provisioner === LONGHORN || pvOf(c)?.spec?.csi?.driver === LONGHORN;
    if (isLonghorn) {
      // the same selection Longhorn (and HK-STO-02) applies: the claim's labels when it is the source, else the class's selector, else `default`
      const selection = volumeJobSelection(c, sc?.metadata?.name ? lhClasses.get(sc.metadata.name) : undefined);
      const groups = selection.filter((x) => x.isGroup).map((x) => x.name);
      const applying = resolveJobs(selection, jobIndex).map((j) => j.name);
      const backups = resolveJobs(selection, jobIndex).filter((j) => VOLUME_BACKUP_TASKS.has(j.task)).map((j) => j.name);
      const ignoredLabels = !isLabelSource(c) && Object.keys(c.labels).some((k) => k.startsWith('recurring-job'));
      if (backups.length > 0 && longhornTarget) {
        coveredBy.push(...backups.map((j) => `Longhorn job ${j} (→ ${longhornTarget})`));
      } else if (backups.length > 0) {
        because(`Longhorn job${backups.length > 1 ? 's' : ''} ${backups.join(', ')} apply, but Longhorn has no backup target (defaultBackupStore.backupTarget), so they fail`);
      } else {
        because(`no Longhorn RecurringJob with task backup applies (groups: ${groups.join(', ') || 'none'}${applying.length ? `; only ${applying.join(', ')}, whose snapshots stay on the volume's own disks` : ''})`
          + (ignoredLabels ? '; its recurring-job labels are ignored without recurring-job.longhorn.io/source: enabled' : ''));
      }
    }

    const reasons = [...grouped].map(([text, names]) => {
      return names.length === 0 ? text : `${names.length > 1 ? 'schedules' : 'schedule'} ${names.join(', ')}: ${text}`;
    });
    verdicts.push({
      claim: c,
      coveredBy,
      offSite,
      reasons,
      exemption: nsExemption ?? ownExemption,
      exemptNamespace: nsExemption !== undefined,
    });
  }
  const out = { verdicts, schedules: all, sites };
  models.set(ctx, out);
  return out;
}

/** `NFS 192.168.10.100:/mnt/rust/media`, `StorageClass local-path`, … */
function describeConditions(conditions: any): string {
  return Object.entries(conditions ?? {}).map(([k, v]: [string, any]) => {
    if (k === 'nfs') return `NFS ${v?.server ?? '*'}:${v?.path ?? '*'}`;
    if (k === 'storageClass') return `StorageClass ${list(v).join(', ')}`;
    if (k === 'csi') return `CSI driver ${v?.driver ?? '*'}`;
    if (k === 'volumeTypes') return `volume type ${list(v).join(', ')}`;
    if (k === 'capacity') return `capacity ${v}`;
    return `${k} ${JSON.stringify(v)}`;
  }).join(', ') || 'every volume';
}

/** True when a file-system backup copies `volume` of `pod` (opt-out with excludes, or opt-in with the annotation). */
function fsVolume(pod: PodTemplateRef, volume: string, optOut: boolean): boolean {
  const a = pod.manifest.kind === 'Pod' ? pod.manifest.metadata.annotations ?? {} : podAnnotations(pod);
  const names = (k: string) => String(a[k] ?? '').split(',').map((x) => x.trim()).filter((x) => x !== '');
  return optOut ? !names('backup.velero.io/backup-volumes-excludes').includes(volume) : names('backup.velero.io/backup-volumes').includes(volume);
}

function podAnnotations(pod: PodTemplateRef): Record<string, string> {
  const m = pod.manifest;
  const t = m.kind === 'CronJob' ? m.spec?.jobTemplate?.spec?.template : m.spec?.template;
  return t?.metadata?.annotations ?? {};
}

function fmtBytes(bytes: number): string {
  const units: [number, string][] = [[2 ** 40, 'Ti'], [2 ** 30, 'Gi'], [2 ** 20, 'Mi']];
  for (const [size, unit] of units) if (bytes >= size) return `${Math.round((bytes / size) * 10) / 10}${unit}`;
  return bytes > 0 ? `${bytes}B` : '?';
}

function esc(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * HK-BAK-01: every volume of data is backed up to somewhere other than its own disks, by a
 * Velero schedule (file-system backup, or CSI snapshot with the data mover) or a Longhorn
 * backup job, unless it is exempt with a reason. Contributes the "Backup coverage" section of
 * REPORT.md.
 */
export const backupCoverageRule: PolicyRule = {
  id: BACKUP_COVERAGE_ID,
  level: RuleLevel.ERROR,
  title: 'Every PersistentVolumeClaim is backed up by a Velero schedule or a Longhorn backup job',
  explanation: 'Both homelabs of the seeds had data and no working backups: seed 004 measured 0 % backup coverage, and seed 003 lost '
    + 'its Longhorn volumes in a 24-hour outage while its local MinIO target was broken and its B2 schedules were paused in Git. '
    + 'A claim counts as covered when a running, unpaused Velero schedule includes its namespace and copies its data (file-system '
    + 'backup of a running pod that mounts it, or a CSI snapshot moved to the backup location), or when a Longhorn RecurringJob with '
    + 'task backup applies to the volume (PVC labels with recurring-job.longhorn.io/source, the StorageClass recurringJobSelector, or '
    + 'the default group) and Longhorn has a backup target. Snapshots alone stay on the volume\'s own disks and do not count.',
  fix: 'add the namespace to a BackupLadder (file-system backups are the default), give the volume a Longhorn backup job, or exempt the claim '
    + '(or its namespace) from HK-BAK-01 with a reason, e.g. addExemption(claim, "HK-BAK-01", "re-downloadable media library on the RAID NAS")',
  analyze(ctx) {
    const out: AnalysisViolation[] = [];
    for (const v of model(ctx).verdicts) {
      if (v.coveredBy.length > 0 || v.exemptNamespace) continue;
      const what = v.claim.kind === 'PersistentVolumeClaim'
        ? `${describe(v.claim.record.manifest)}${v.claim.bytes ? ` (${fmtBytes(v.claim.bytes)})` : ''}`
        : `volumeClaimTemplate ${v.claim.name} of ${describe(v.claim.record.manifest)}${v.claim.bytes ? ` (${fmtBytes(v.claim.bytes)} per replica)` : ''}`;
      out.push({ target: v.claim.record, message: `${what} is not backed up: ${v.reasons.slice(0, 4).join('; ')}` });
    }
    return out;
  },
  report(ctx): ReportSection | undefined {
    const m = model(ctx);
    if (m.verdicts.length === 0 && m.schedules.length === 0) return undefined;
    const lines: string[] = [];
    const byNs = new Map<string, ClaimVerdict[]>();
    for (const v of m.verdicts) push(byNs, v.claim.namespace, v);
    if (byNs.size > 0) {
      lines.push('| namespace | claims | requested | backed up by | off-site | status |', '|---|---|---|---|---|---|');
      for (const ns of [...byNs.keys()].sort()) {
        const vs = byNs.get(ns)!;
        const bytes = vs.reduce((n, v) => n + v.claim.bytes, 0);
        const by = [...new Set(vs.flatMap((v) => v.coveredBy))];
        const uncovered = vs.filter((v) => v.coveredBy.length === 0);
        const status = vs[0].exemptNamespace ? `exempt: ${vs[0].exemption}`
          : uncovered.length === 0 ? 'covered'
            : uncovered.every((v) => v.exemption) ? `covered, ${uncovered.length} exempt (${uncovered.map((v) => `${v.claim.name}: ${v.exemption}`).join('; ')})`
              : `**NOT COVERED**: ${uncovered.filter((v) => !v.exemption).map((v) => v.claim.name).join(', ')}`;
        const offSite = vs.every((v) => v.offSite || v.coveredBy.length === 0) && vs.some((v) => v.offSite) ? 'yes' : vs.some((v) => v.offSite) ? 'partly' : 'no';
        lines.push(`| ${ns} | ${vs.length} | ${fmtBytes(bytes)} | ${esc(by.join(', ') || '-')} | ${offSite} | ${esc(status)} |`);
      }
    } else {
      lines.push('No PersistentVolumeClaims.');
    }
    if (m.schedules.length > 0) {
      lines.push('', '| schedule | cron (UTC) | TTL | longest interval | location | namespaces | volumes | state |', '|---|---|---|---|---|---|---|---|');
      for (const s of m.schedules) {
        const t = s.template;
        const included = list(t.includedNamespaces).map(String);
        const ns = (included.length === 0 || included.includes('*') ? 'all' : included.join(', '))
          + (list(t.excludedNamespaces).length ? ` (not ${list(t.excludedNamespaces).join(', ')})` : '');
        const volumes = t.defaultVolumesToFsBackup === true ? 'file-system' : t.snapshotMoveData === true ? 'snapshot + data mover' : t.snapshotVolumes === true ? 'snapshot only' : t.snapshotVolumes === false ? 'none' : 'auto';
        const pending = s.manifest.metadata.annotations?.['hardened-homelab.io/pending-namespaces'];
        const state = [s.paused ? 'paused' : 'active', pending ? `waiting for namespaces: ${pending}` : ''].filter((x) => x).join('; ');
        const ttl = ttlMinutes(t);
        lines.push(`| ${s.name} | \`${s.cron?.expression ?? s.manifest.spec?.schedule}\` | ${ttl === undefined ? esc(String(t.ttl)) : humanMinutes(ttl)} | ${s.intervalMinutes === undefined ? '-' : humanMinutes(s.intervalMinutes)} | ${esc(m.sites.get(s.name) ?? '')} | ${esc(ns)} | ${volumes} | ${esc(state)} |`);
      }
    }
    return { title: 'Backup coverage', lines };
  },
};
