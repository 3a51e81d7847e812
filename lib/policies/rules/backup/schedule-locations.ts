import { AnalysisViolation, PolicyRule, RuleLevel, describe } from '../../rule';
import { list, namespaceOf } from '../cluster/_shared';
import { isVelero, schedules, veleroInstall } from './_shared';

/** HK-BAK-07: the locations a Schedule names exist in its namespace. */
export const scheduleLocationsRule: PolicyRule = {
  id: 'HK-BAK-07',
  level: RuleLevel.ERROR,
  title: 'Velero Schedules name BackupStorageLocations and VolumeSnapshotLocations that exist',
  explanation: 'A backup whose storageLocation or volumeSnapshotLocations name a location that does not exist fails validation, '
    + 'every run. The homelab (seed 003) renamed and commented out its VolumeSnapshotLocations while schedules still named them.',
  fix: 'name a location of the Velero namespace, or leave storageLocation out to use the default',
  analyze(ctx) {
    const names = new Map<string, Set<string>>();
    const add = (ns: string, kind: string, name: string) => {
      const key = `${ns}\u0000${kind}`;
      const set = names.get(key) ?? new Set<string>();
      set.add(name);
      names.set(key, set);
    };
    for (const kind of ['BackupStorageLocation', 'VolumeSnapshotLocation']) {
      for (const r of ctx.byKind(kind)) if (isVelero(r.manifest, kind)) add(namespaceOf(r.manifest), kind, r.manifest.metadata.name ?? '');
    }
    for (const c of veleroInstall(ctx).chartLocations) {
      add(c.namespace, c.kind === 'backupStorageLocation' ? 'BackupStorageLocation' : 'VolumeSnapshotLocation', c.entry?.name ?? 'default');
    }
    const out: AnalysisViolation[] = [];
    for (const s of schedules(ctx)) {
      const known = (kind: string) => names.get(`${s.namespace}\u0000${kind}`);
      const bsl = s.template.storageLocation;
      const bsls = known('BackupStorageLocation');
      if (bsl && bsls && !bsls.has(bsl)) {
        out.push({
          target: s.record,
          message: `${describe(s.manifest)} sends its backups to BackupStorageLocation ${bsl}, which namespace ${s.namespace} does not have (it has ${[...bsls].join(', ')}), so every backup fails validation`,
          fix: `use one of ${[...bsls].join(', ')}, or create BackupStorageLocation ${bsl}`,
        });
      }
      for (const vsl of list(s.template.volumeSnapshotLocations).map(String)) {
        const vsls = known('VolumeSnapshotLocation');
        if (vsls?.has(vsl)) continue;
        out.push({
          target: s.record,
          message: `${describe(s.manifest)} names VolumeSnapshotLocation ${vsl}, which namespace ${s.namespace} does not have${vsls ? ` (it has ${[...vsls].join(', ')})` : ''}, so every backup fails validation`,
          fix: vsls ? `use one of ${[...vsls].join(', ')}` : 'remove volumeSnapshotLocations (CSI snapshots need none since Velero 1.14), or create the location',
        });
      }
    }
    return out;
  },
};
