import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  BackupLadder, BackupRung, BackupStorageLocation, Velero, VolumePolicy, addExemption,
} from '../../lib';
import { NFS_SERVER } from './profile';

/** The 30 TiB media library export on the R730 (RAID, re-downloadable): its data is left out of Velero backups. */
export const MEDIA_LIBRARY_EXPORT = '/mnt/rust/media';

/** Namespaces the real cluster's "critical" schedules named (seed-repos §1.6). */
export const CRITICAL_NAMESPACES = ['authentik', 'longhorn-system', 'flux-system', 'media', 'ai'];

/**
 * Velero on the homelab: MinIO on the R730 as the default location, Backblaze B2 off-site.
 *
 * | schedule | when (UTC) | keeps | to | what |
 * |---|---|---|---|---|
 * | critical-hourly | :00 every hour | 48h | minio-local | the five critical namespaces |
 * | critical-daily | 02:10 | 14 days | minio-local | same |
 * | critical-weekly | Sunday 03:20 | 8 weeks | minio-local | same |
 * | critical-monthly-offsite | 1st of the month 04:30 | 365 days | b2-offsite | same |
 * | all-namespaces-weekly | Sunday 03:40 | 30 days | b2-offsite | every namespace but velero |
 *
 * What differs from the real cluster (sudoflux/flux-k3s, seed 003):
 * - volume data is copied with kopia file-system backups. The real schedules relied on a
 *   VolumeSnapshotLocation with provider `csi`, which Velero 1.14+ does not have: no volume data
 *   was ever saved;
 * - an hourly rung and the B2 schedules exist in Git and are not paused (the seed's "hourly" and
 *   "B2 primary" were imperative state);
 * - every schedule fires at its own minute (all real ones started on the hour) and has a
 *   "last successful backup too old" alert;
 * - namespaces of the critical ladder that this program does not create yet (`ai`) wait in the
 *   `hardened-homelab.io/pending-namespaces` annotation instead of failing every backup;
 * - the 30 TiB media library is left out of the data (it is re-downloadable and sits on the R730's
 *   RAID); its claim carries a reasoned exemption from HK-BAK-01.
 */
export class HomelabBackups extends Velero {
  constructor(scope: Construct) {
    super(scope, 'velero');
    const local = new BackupStorageLocation(this, 'minio-local', { target: 'minio-local', credential: { name: 'minio-credentials', key: 'cloud' }, default: true });
    const offsite = new BackupStorageLocation(this, 'b2-offsite', { target: 'b2-offsite', credential: { name: 'b2-credentials', key: 'cloud' } });
    const skipLibrary = [VolumePolicy.skipNfs(NFS_SERVER, MEDIA_LIBRARY_EXPORT)];

    new BackupLadder(this, 'critical', {
      namespaces: CRITICAL_NAMESPACES,
      onlyExistingNamespaces: true,
      location: local,
      skipVolumes: skipLibrary,
      rungs: [
        BackupRung.hourly(),
        BackupRung.daily({ hour: 2 }),
        BackupRung.weekly({ hour: 3 }),
        BackupRung.monthly({ name: 'monthly-offsite', hour: 4, location: offsite }),
      ],
    });
    new BackupLadder(this, 'all-namespaces', {
      namespaces: ['*'],
      location: offsite,
      skipVolumes: skipLibrary,
      rungs: [BackupRung.weekly({ hour: 3, ttl: Duration.days(30) })],
    });

    const library = scope.node.findAll().find((c): c is ApiObject => ApiObject.isApiObject(c)
      && c.kind === 'PersistentVolumeClaim' && c.name === 'media-library' && c.metadata.namespace === 'media');
    if (library) {
      addExemption(library, 'HK-BAK-01', `30 TiB media library on the R730 RAID (NFS ${MEDIA_LIBRARY_EXPORT}): re-downloadable, its data is skipped by the Velero volume policy`);
    }
  }
}
