import { Testing } from 'cdk8s';
import { BackupStorageLocation, BackupTargetKind, Cluster, ClusterProfileProps, GitOpsEngine, Velero, VeleroProps } from '../../lib';
import { TEST_PROFILE } from '../helpers';

/** TEST_PROFILE with Flux and three backup targets. */
export const BACKUP_PROFILE: ClusterProfileProps = {
  ...TEST_PROFILE,
  gitops: { engine: GitOpsEngine.FLUX, repoUrl: 'https://github.com/example/lab' },
  backupTargets: [
    { name: 'minio-local', kind: BackupTargetKind.MINIO, endpoint: 'http://192.168.10.100:9000', bucket: 'velero-backups' },
    { name: 'b2-offsite', kind: BackupTargetKind.BACKBLAZE_B2, endpoint: 'https://s3.us-west-001.backblazeb2.com', bucket: 'k3s-cluster-backups' },
    { name: 'ceph', kind: BackupTargetKind.CEPH_RGW, endpoint: 'http://rook-ceph-rgw-storage.storage.svc:80', bucket: 'velero' },
  ],
};

/** A cluster named `test` with BACKUP_PROFILE (policies off unless asked). */
export function backupCluster(withPolicies = false, profile: ClusterProfileProps = BACKUP_PROFILE): Cluster {
  return new Cluster(Testing.app(), 'test', { profile, policies: withPolicies ? undefined : [] });
}

/** A Velero install with MinIO as the default location and B2 off-site. */
export function veleroSetup(cluster: Cluster = backupCluster(), props: VeleroProps = {}) {
  const velero = new Velero(cluster, 'velero', props);
  const local = new BackupStorageLocation(velero, 'minio-local', { target: 'minio-local', credential: { name: 'minio-credentials' }, default: true });
  const offsite = new BackupStorageLocation(velero, 'b2-offsite', { target: 'b2-offsite', credential: { name: 'b2-credentials' } });
  return { cluster, velero, local, offsite };
}

/** The synthesized objects of the velero namespace (or of `folder`). */
export function veleroObjects(cluster: Cluster, folder = 'velero'): any[] {
  const s = cluster.synthesize();
  if (s.errors.length) throw new Error(s.errors.join('\n'));
  return s.objects.filter((o) => o.folder === folder).map((o) => o.manifest);
}
