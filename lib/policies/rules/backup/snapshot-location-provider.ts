import { helmReleaseOf } from '../../helm';
import { Manifest, PolicyRule, RuleLevel, RuleViolation } from '../../rule';
import { isVelero } from './_shared';

/** `csi` or `velero.io/csi`: the provider name of a CSI "volume snapshotter", which Velero does not have. */
function isCsiProvider(provider: unknown): boolean {
  return /^(velero\.io\/)?csi$/.test(String(provider ?? ''));
}

/**
 * The `configuration.volumeSnapshotLocation` entries of a Velero chart release that the chart
 * renders (it renders none when `snapshotsEnabled` is false), with their value paths.
 */
function chartSnapshotLocations(m: Manifest): { path: string; entry: any }[] {
  const hr = helmReleaseOf(m);
  if (!hr || hr.chart !== 'velero') return [];
  const values = hr.values as any;
  if (values.snapshotsEnabled === false) return [];
  const entries = values.configuration?.volumeSnapshotLocation;
  if (Array.isArray(entries)) return entries.map((entry, i) => ({ path: `configuration.volumeSnapshotLocation[${i}]`, entry }));
  // chart versions before 5 took one location as an object
  return entries && typeof entries === 'object' ? [{ path: 'configuration.volumeSnapshotLocation', entry: entries }] : [];
}

/** HK-BAK-13: no VolumeSnapshotLocation with provider csi, in objects or in the Velero chart's values. */
export const snapshotLocationProviderRule: PolicyRule = {
  id: 'HK-BAK-13',
  level: RuleLevel.ERROR,
  title: 'VolumeSnapshotLocations name a volume snapshotter plugin, never csi',
  explanation: 'CSI snapshots are built into Velero since 1.14 and use no VolumeSnapshotLocation. A location with provider csi makes '
    + 'snapshotting backups look for a volume snapshotter plugin named velero.io/csi, which does not exist. The homelab (seed 003) '
    + 'declared VolumeSnapshotLocation longhorn-csi with provider csi and listed it in its schedules, and its Velero chart values '
    + 'added a second one (default, provider csi) under configuration.volumeSnapshotLocation. Both forms are judged: the objects, and '
    + 'the chart values of a Flux HelmRelease or Argo CD Application of the velero chart (unless snapshotsEnabled is false).',
  fix: 'remove the location and its mentions in schedules; for CSI snapshots label a VolumeSnapshotClass of the driver velero.io/csi-volumesnapshot-class: "true"',
  check(m) {
    if (isVelero(m, 'VolumeSnapshotLocation')) {
      const p = String(m.spec?.provider ?? '');
      return isCsiProvider(p) ? [{ message: `spec.provider is ${p}: there is no such volume snapshotter plugin, CSI snapshots need no VolumeSnapshotLocation` }] : [];
    }
    const out: RuleViolation[] = [];
    for (const { path, entry } of chartSnapshotLocations(m)) {
      if (!isCsiProvider(entry?.provider)) continue;
      out.push({
        message: `chart value ${path} (VolumeSnapshotLocation ${entry?.name ?? 'default'}) has provider ${entry.provider}: there is no such volume snapshotter plugin, CSI snapshots need no VolumeSnapshotLocation`,
        fix: `remove ${path} from the chart values; for CSI snapshots label a VolumeSnapshotClass of the driver velero.io/csi-volumesnapshot-class: "true"`,
      });
    }
    return out;
  },
};
