import { PolicyRule, RuleLevel } from '../../rule';
import { isVelero } from './_shared';

/** HK-BAK-13: no VolumeSnapshotLocation with provider csi. */
export const snapshotLocationProviderRule: PolicyRule = {
  id: 'HK-BAK-13',
  level: RuleLevel.ERROR,
  title: 'VolumeSnapshotLocations name a volume snapshotter plugin, never csi',
  explanation: 'CSI snapshots are built into Velero since 1.14 and use no VolumeSnapshotLocation. A location with provider csi makes '
    + 'snapshotting backups look for a volume snapshotter plugin named velero.io/csi, which does not exist. The homelab (seed 003) '
    + 'declared VolumeSnapshotLocation longhorn-csi with provider csi and listed it in its schedules.',
  fix: 'remove the location and its mentions in schedules; for CSI snapshots label a VolumeSnapshotClass of the driver velero.io/csi-volumesnapshot-class: "true"',
  check(m) {
    if (!isVelero(m, 'VolumeSnapshotLocation')) return [];
    const p = String(m.spec?.provider ?? '');
    return /^(velero\.io\/)?csi$/.test(p) ? [{ message: `spec.provider is ${p}: there is no such volume snapshotter plugin, CSI snapshots need no VolumeSnapshotLocation` }] : [];
  },
};
