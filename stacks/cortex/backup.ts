import { Construct } from 'constructs';
import { BackupLadder, BackupRung, BackupStorageLocation, BackupTargetKind, BackupTargetProps, BackupSite, Velero } from '../../lib';

/**
 * The cortex cluster's backup store. The seed (cortex-gitops) has no backup at all and names no
 * store; this is an assumption to replace with the real one: an S3-compatible MinIO outside the
 * cluster, reached over HTTPS.
 */
export const CORTEX_BACKUP_TARGET: BackupTargetProps = {
  name: 'cortex-backups', kind: BackupTargetKind.MINIO, endpoint: 'https://minio.ry-ops.dev', bucket: 'cortex-velero', site: BackupSite.ON_SITE,
};

/**
 * Velero on cortex: one daily file-system backup of every namespace (but velero's own) at
 * 02:00 UTC, kept 14 days. It covers the Longhorn volumes of Qdrant (cortex-school) and Redis
 * (cortex), which had no backup when Qdrant's volume faulted (seed 000).
 */
export class CortexBackups extends Velero {
  constructor(scope: Construct) {
    super(scope, 'velero');
    const location = new BackupStorageLocation(this, 'cortex-backups', { target: CORTEX_BACKUP_TARGET, credential: { name: 'velero-credentials', key: 'cloud' }, default: true });
    new BackupLadder(this, 'cluster', { namespaces: ['*'], location, rungs: [BackupRung.daily({ hour: 2 })] });
  }
}
