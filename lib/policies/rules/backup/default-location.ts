import { LabelKeys, MANAGED_BY } from '../../../core/labels';
import { NO_DEFAULT_LOCATION, secondDefaultLocation } from '../../../core/velero-facts';
import { AnalysisViolation, Manifest, ManifestRecord, PolicyRule, RuleLevel, describe } from '../../rule';
import { namespaceOf } from '../cluster/_shared';
import { isVelero, schedules, veleroInstall } from './_shared';

interface Location {
  readonly name: string;
  readonly isDefault: boolean;
  readonly record: ManifestRecord;
  readonly where: string;
  /** Rendered by the library's BackupStorageLocation, which the Velero construct has judged already. */
  readonly byLibrary: boolean;
}

/** True for an object the library's backup constructs rendered (they carry the library's managed-by label). */
function byLibrary(m: Manifest): boolean {
  return m.metadata?.labels?.[LabelKeys.MANAGED_BY] === MANAGED_BY;
}

/**
 * HK-BAK-06: a Velero install has exactly one default BackupStorageLocation.
 *
 * The Velero construct refuses a second default location when it is created and a missing
 * default (or no location at all) when the cluster is synthesized, with the same words; this
 * rule judges the namespaces where some location, or a Schedule, was written by hand (or in
 * the chart's values), so a library-only install is not reported twice.
 */
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
      add(namespaceOf(r.manifest), { name: r.manifest.metadata.name ?? '', isDefault: r.manifest.spec?.default === true, record: r, where: describe(r.manifest), byLibrary: byLibrary(r.manifest) });
    }
    for (const c of veleroInstall(ctx).chartLocations) {
      if (c.kind !== 'backupStorageLocation') continue;
      add(c.namespace, { name: c.entry?.name ?? 'default', isDefault: c.entry?.default === true, record: c.record, where: `chart value configuration.backupStorageLocation[${c.index}] of ${describe(c.record.manifest)}`, byLibrary: false });
    }
    const out: AnalysisViolation[] = [];
    for (const [ns, locations] of byNs) {
      if (locations.every((l) => l.byLibrary)) continue;
      const names = locations.map((l) => l.name).join(', ');
      // the library's default first, so a hand-written second default is the one reported
      const defaults = locations.filter((l) => l.isDefault).sort((a, b) => Number(b.byLibrary) - Number(a.byLibrary));
      if (defaults.length === 0) {
        out.push({
          target: (locations.find((l) => !l.byLibrary) ?? locations[0]).record,
          message: `the BackupStorageLocations of namespace ${ns} (${names}): ${NO_DEFAULT_LOCATION.rule}`,
          fix: `${NO_DEFAULT_LOCATION.fix} (${names})`,
        });
      }
      for (const extra of defaults.slice(1)) {
        const { rule, fix } = secondDefaultLocation(defaults[0].name, extra.name);
        out.push({ target: extra.record, message: `${extra.where} is a second default: ${rule}`, fix });
      }
    }
    for (const s of schedules(ctx)) {
      // a library Schedule belongs to a Velero construct, which refuses an install without locations
      if (byNs.has(s.namespace) || s.template.storageLocation || byLibrary(s.manifest)) continue;
      out.push({
        target: s.record,
        message: `${describe(s.manifest)} names no storageLocation and namespace ${s.namespace} has no BackupStorageLocation, so its backups fail validation`,
        fix: `add a default BackupStorageLocation to namespace ${s.namespace}`,
      });
    }
    return out;
  },
};
