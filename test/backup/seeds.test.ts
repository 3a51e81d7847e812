import { ApiObject, Duration } from 'cdk8s';
import * as k8s from 'cdk8s-plus-29/lib/imports/k8s';
import {
  AppSize, AppVolume, AppWorkload, BackupLadder, BackupRung, BackupStorageLocation, BackupTargetKind, Namespace, Velero, VolumePolicy, addExemption,
} from '../../lib';
import { Finding } from '../../lib/policies/rule';
import { backupCluster } from './fixtures';

const IMAGE = 'ghcr.io/example/app:1.2.3';
const bak = (fs: readonly Finding[]) => fs.filter((f) => f.ruleId.startsWith('HK-BAK') && f.exemption === undefined).map((f) => `${f.ruleId} ${f.kind} ${f.namespace}/${f.name}: ${f.message}`);

/** A namespace with a database on a Longhorn-less claim (local-path), the kind of data seeds 003 and 004 had no backup of. */
function appWithData(cluster = backupCluster(true)) {
  const ns = new Namespace(cluster, 'apps');
  new AppWorkload(ns, 'db', {
    image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'pg', port: 5432 }],
    volumes: { data: { mountPath: '/var/lib/postgresql', source: AppVolume.newClaim({ size: '10Gi', storageClassName: 'local-path' }) } },
  });
  return cluster;
}

describe('seed incident "no backups" (seed 004: 0 % backup coverage; seed 003: schedules that saved no volume data)', () => {
  test('a namespace with data and no Velero schedule fails the synth', () => {
    const cluster = appWithData();
    const s = cluster.synthesize();
    expect(bak(s.findings)).toEqual(['HK-BAK-01 PersistentVolumeClaim apps/db-data: PersistentVolumeClaim apps/db-data (10Gi) is not backed up: no Velero schedule includes namespace apps']);
    expect(s.errors.filter((e) => e.includes('HK-BAK-01'))).toHaveLength(1);
  });

  test('the seed 003 Velero objects, written by hand, are reported: snapshot-only schedules, a csi VolumeSnapshotLocation, paused B2 schedules', () => {
    const cluster = appWithData();
    const velero = new Namespace(cluster, 'velero', { podSecurity: 'privileged' });
    const obj = (id: string, kind: string, name: string, spec: any) => new ApiObject(velero, id, { apiVersion: 'velero.io/v1', kind, metadata: { name }, spec });
    obj('minio', 'BackupStorageLocation', 'minio-local', { provider: 'aws', default: true, objectStorage: { bucket: 'velero-backups' }, credential: { name: 'minio-credentials', key: 'cloud' }, config: { region: 'us-east-1', s3ForcePathStyle: 'true', s3Url: 'http://minio.velero.svc.cluster.local:9000' } });
    obj('b2', 'BackupStorageLocation', 'b2-offsite', { provider: 'aws', default: false, objectStorage: { bucket: 'k3s-cluster-backups' }, credential: { name: 'b2-credentials', key: 'cloud' }, config: { region: 'us-west-001', s3ForcePathStyle: 'true', s3Url: 'https://s3.us-west-001.backblazeb2.com' } });
    obj('vsl', 'VolumeSnapshotLocation', 'longhorn-csi', { provider: 'csi' });
    obj('daily', 'Schedule', 'critical-daily-local', { schedule: '0 2 * * *', template: { includedNamespaces: ['apps'], ttl: '168h', storageLocation: 'minio-local', volumeSnapshotLocations: ['longhorn-csi'] } });
    obj('offsite', 'Schedule', 'critical-weekly-offsite', { schedule: '0 4 * * 0', paused: true, template: { includedNamespaces: ['apps'], ttl: '2160h', storageLocation: 'b2-offsite', snapshotVolumes: false } });
    const s = cluster.synthesize();
    expect(bak(s.findings)).toEqual([
      'HK-BAK-01 PersistentVolumeClaim apps/db-data: PersistentVolumeClaim apps/db-data (10Gi) is not backed up: schedule critical-daily-local: it is not a CSI volume, so it cannot be snapshotted, and file-system backup is off (defaultVolumesToFsBackup); schedule critical-weekly-offsite: paused',
      'HK-BAK-08 BackupStorageLocation velero/b2-offsite: spec.config of BackupStorageLocation b2-offsite is a backblaze-b2 store without checksumAlgorithm: "", so velero-plugin-for-aws v1.12.2 sends CRC32 checksum headers the store rejects (XAmzContentSHA256Mismatch) and uploads fail',
      'HK-BAK-12 Schedule velero/critical-daily-local: no PrometheusRule alerts when Schedule velero/critical-daily-local has had no successful backup for a while (velero_backup_last_successful_timestamp{schedule="critical-daily-local"})',
      'HK-BAK-13 VolumeSnapshotLocation velero/longhorn-csi: spec.provider is csi: there is no such volume snapshotter plugin, CSI snapshots need no VolumeSnapshotLocation',
    ]);
  });

  test('with a BackupLadder the same intent passes every policy: file-system backups, staggered, alerted', () => {
    const cluster = appWithData();
    const velero = new Velero(cluster);
    const local = new BackupStorageLocation(velero, 'minio-local', { target: 'minio-local', credential: { name: 'minio-credentials' }, default: true });
    const offsite = new BackupStorageLocation(velero, 'b2-offsite', { target: 'b2-offsite', credential: { name: 'b2-credentials' } });
    new BackupLadder(velero, 'critical', { namespaces: ['apps'], location: local, rungs: [BackupRung.daily(), BackupRung.weekly({ location: offsite })] });
    const s = cluster.synthesize();
    expect(s.errors).toEqual([]);
    expect(s.findings.filter((f) => f.ruleId.startsWith('HK-BAK'))).toEqual([]);
    expect(s.report.find((r) => r.title === 'Backup coverage')!.lines[2])
      .toBe('| apps | 1 | 10Gi | critical-daily (file-system → minio-local, on-site), critical-weekly (file-system → b2-offsite, off-site) | yes | covered |');
  });

  test('a volume left out on purpose needs a reason, which REPORT.md shows', () => {
    const cluster = appWithData();
    const velero = new Velero(cluster);
    new BackupStorageLocation(velero, 'minio-local', { target: 'minio-local', credential: { name: 'minio-credentials' }, default: true });
    new BackupLadder(velero, 'all', { namespaces: ['*'], skipVolumes: [VolumePolicy.skipStorageClasses('local-path')], rungs: [BackupRung.daily({ ttl: Duration.days(7) })] });
    expect(bak(cluster.synthesize().findings)).toEqual(['HK-BAK-01 PersistentVolumeClaim apps/db-data: PersistentVolumeClaim apps/db-data (10Gi) is not backed up: schedule all-daily: a volume policy skips its data (StorageClass local-path)']);
    const claim = cluster.node.findAll().find((c): c is ApiObject => ApiObject.isApiObject(c) && c.kind === 'PersistentVolumeClaim')!;
    addExemption(claim, 'HK-BAK-01', 'scratch database, rebuilt from fixtures on start');
    const s = cluster.synthesize();
    expect(s.errors).toEqual([]);
    expect(s.report.find((r) => r.title === 'Backup coverage')!.lines[2]).toBe('| apps | 1 | 10Gi | - | no | covered, 1 exempt (db-data: scratch database, rebuilt from fixtures on start) |');
  });
});

describe('seed incident: MinIO "0 drives provided" (seed 003\'s local backup target)', () => {
  test('the seed\'s MinIO (one drive on an NFS PersistentVolume) fails the synth', () => {
    const cluster = backupCluster(true);
    const ns = new Namespace(cluster, 'velero', { podSecurity: 'privileged' });
    new k8s.KubePersistentVolume(cluster.clusterChart, 'pv', { metadata: { name: 'minio-backup-pv' }, spec: { capacity: { storage: k8s.Quantity.fromString('500Gi') }, accessModes: ['ReadWriteOnce'], nfs: { server: '192.168.10.100', path: '/mnt/nvme_storage/velero-backups' }, persistentVolumeReclaimPolicy: 'Retain', storageClassName: '' } });
    new k8s.KubePersistentVolumeClaim(ns, 'pvc', { metadata: { name: 'minio-backup-pvc' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: k8s.Quantity.fromString('500Gi') } }, storageClassName: '', volumeName: 'minio-backup-pv' } });
    new k8s.KubeDeployment(ns, 'minio', {
      metadata: { name: 'minio' },
      spec: {
        replicas: 1, selector: { matchLabels: { app: 'minio' } },
        template: {
          metadata: { labels: { app: 'minio' } },
          spec: {
            containers: [{ name: 'minio', image: 'minio/minio:RELEASE.2024-06-13T22-53-53Z', args: ['server', '/data', '--console-address', ':9001'], volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
            volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'minio-backup-pvc' } }],
          },
        },
      },
    });
    const s = cluster.synthesize();
    expect(s.findings.filter((f) => f.ruleId === 'HK-BAK-09').map((f) => f.message)).toEqual([
      'Deployment velero/minio, container "minio" keeps its drive /data on NFS (claim minio-backup-pvc: PersistentVolume minio-backup-pv → NFS 192.168.10.100:/mnt/nvme_storage/velero-backups); MinIO does not support NFS drives, takes the drive offline and then fails every listing with "listPathRaw: 0 drives provided"',
    ]);
    expect(s.errors.some((e) => e.includes('HK-BAK-09'))).toBe(true);
  });

  test('the library\'s MinIO preset points Velero at MinIO on the storage server\'s own disks, and refuses NFS as a Velero target', () => {
    const cluster = backupCluster(true);
    const velero = new Velero(cluster);
    const bsl = new BackupStorageLocation(velero, 'minio-local', {
      target: { name: 'minio-local', kind: BackupTargetKind.MINIO, endpoint: 'http://192.168.10.100:9000', bucket: 'velero-backups' },
      credential: { name: 'minio-credentials' }, default: true,
    });
    expect(bsl.resource.toJson().spec.config).toEqual({ region: 'us-east-1', s3ForcePathStyle: 'true', s3Url: 'http://192.168.10.100:9000' });
    expect(() => new BackupStorageLocation(velero, 'nfs', { target: { name: 'nfs', kind: BackupTargetKind.NFS, endpoint: 'nfs://192.168.10.100:/mnt/nvme_storage/velero-backups' }, credential: { name: 'x' } }))
      .toThrow('Velero writes backups to object stores only; an NFS export is a Longhorn backup target');
    expect(cluster.synthesize().errors).toEqual([]);
  });
});
