import { Construct } from 'constructs';
import {
  AppSize, AppVolume, AppWorkload, BackupLadder, BackupRung, BackupStorageLocation, BackupTargetKind, Cluster, Distro, GitOpsEngine, Namespace, Probe, Velero,
} from '../../lib';

/**
 * Velero with a backup ladder: MinIO on the NAS as the default location, Backblaze B2 off-site,
 * hourly/daily/weekly backups of the `wiki` namespace to MinIO and a monthly one to B2, at
 * staggered minutes, each with an alert when its last good backup gets too old.
 */
export function buildVeleroBackupLadder(scope: Construct): Cluster {
  const cluster = new Cluster(scope, 'example', {
    profile: {
      distro: Distro.K3S,
      version: 'v1.32.5+k3s1',
      nodes: [
        { name: 'node-a', allocatable: { cpu: '4', memory: '15Gi' } },
        { name: 'node-b', allocatable: { cpu: '4', memory: '15Gi' } },
      ],
      gitops: { engine: GitOpsEngine.FLUX, repoUrl: 'https://github.com/example/homelab' },
      backupTargets: [
        // MinIO running on the NAS's own disks (not in the cluster, not on NFS)
        { name: 'nas-minio', kind: BackupTargetKind.MINIO, endpoint: 'http://192.168.1.20:9000', bucket: 'velero' },
        { name: 'b2', kind: BackupTargetKind.BACKBLAZE_B2, endpoint: 'https://s3.eu-central-003.backblazeb2.com', bucket: 'example-velero' },
      ],
    },
  });

  const wiki = new Namespace(cluster, 'wiki');
  new AppWorkload(wiki, 'wiki', {
    image: 'ghcr.io/requarks/wiki:2.5.307',
    size: AppSize.MEDIUM,
    ports: [{ name: 'http', port: 3000 }],
    healthCheck: Probe.httpGet('/healthz'),
    volumes: { data: { mountPath: '/wiki/data', source: AppVolume.newClaim({ size: '5Gi', storageClassName: 'local-path' }) } },
  });

  const velero = new Velero(cluster);
  const nas = new BackupStorageLocation(velero, 'nas-minio', { target: 'nas-minio', credential: { name: 'nas-minio-credentials' }, default: true });
  const b2 = new BackupStorageLocation(velero, 'b2', { target: 'b2', credential: { name: 'b2-credentials' } });
  new BackupLadder(velero, 'wiki', {
    namespaces: ['wiki'],
    location: nas,
    rungs: [
      BackupRung.hourly(),
      BackupRung.daily(),
      BackupRung.weekly(),
      BackupRung.monthly({ name: 'monthly-offsite', location: b2 }),
    ],
  });
  return cluster;
}
