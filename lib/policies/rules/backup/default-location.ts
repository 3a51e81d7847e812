import { AnalysisViolation, ManifestRecord, PolicyRule, RuleLevel, describe } from '../../rule';
import { namespaceOf } from '../cluster/_shared';
import { isVelero, schedules, veleroInstall } from './_shared';

interface Location {
  readonly name: string;
  readonly isDefault: boolean;
  readonly record: ManifestRecord;
  readonly where: string;
}

/** HK-BAK-06: a Velero install has exactly one default BackupStorageLocation. */
export const defaultLocationRule: PolicyRule = {
  id: 'HK-BAK-06',
  level: RuleLevel.ERROR,
  title: 'A Velero install has exactly one default BackupStorageLocation',
  explanation: 'Backups and schedules that name no location go to the default one. With none, they fail validation; with two, the '
    + 'one Velero picks depends on which it read last. The homelab (seed 003) declared a placeholder default location in its chart '
    + 'values and `minio-local` as default in its own objects, and its docs called B2 the primary.',
  fix: 'set default: true on exactly one BackupStorageLocation of the Velero namespace',
  analyze(ctx) {
    const byNs = new Map<string, Location[]>();
    const add = (ns: string, l: Location) => {
      const arr = byNs.get(ns) ?? [];
      arr.push(l);
      byNs.set(ns, arr);
    };
    for (const r of ctx.byKind('BackupStorageLocation')) {
      if (!isVelero(r.manifest, 'BackupStorageLocation')) continue;
      add(namespaceOf(r.manifest), { name: r.manifest.metadata.name ?? '', isDefault: r.manifest.spec?.default === true, record: r, where: describe(r.manifest) });
    }
    for (const c of veleroInstall(ctx).chartLocations) {
      if (c.kind !== 'backupStorageLocation') continue;
      add(c.namespace, { name: c.entry?.name ?? 'default', isDefault: c.entry?.default === true, record: c.record, where: `chart value configuration.backupStorageLocation[${c.index}] of ${describe(c.record.manifest)}` });
    }
    const out: AnalysisViolation[] = [];
    for (const [ns, locations] of byNs) {
      const defaults = locations.filter((l) => l.isDefault);
      if (defaults.length === 0) {
        out.push({
          target: locations[0].record,
          message: `none of the BackupStorageLocations of namespace ${ns} (${locations.map((l) => l.name).join(', ')}) is the default, so backups that name no location fail validation`,
          fix: `set default: true on one of ${locations.map((l) => l.name).join(', ')}`,
        });
      }
      for (const extra of defaults.slice(1)) {
        out.push({
          target: extra.record,
          message: `${extra.where} is a second default BackupStorageLocation of namespace ${ns} (${defaults[0].name} is one too); Velero needs exactly one`,
          fix: `set default: false on ${extra.name} or on ${defaults[0].name}`,
        });
      }
    }
    for (const s of schedules(ctx)) {
      if (byNs.has(s.namespace) || s.template.storageLocation) continue;
      out.push({
        target: s.record,
        message: `${describe(s.manifest)} names no storageLocation and namespace ${s.namespace} has no BackupStorageLocation, so its backups fail validation`,
        fix: `add a default BackupStorageLocation to namespace ${s.namespace}`,
      });
    }
    return out;
  },
};
