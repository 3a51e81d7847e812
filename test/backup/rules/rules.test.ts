import {
  checksumAlgorithmRule, defaultLocationRule, locationConfigStringsRule, minioDataPathRule, scheduleAlertsRule, scheduleCronRule, scheduleLocationsRule,
  scheduleNamespacesRule, scheduleOverlapRule, scheduleOwnerReferencesRule, scheduleTtlRule, snapshotLocationProviderRule,
} from '../../../lib';
import { Manifest } from '../../../lib/policies/rule';
import { workload } from '../../policies/fixtures';
import { bsl, deployment, findings, helmRelease, merge, messages, namespace, pvc, schedule, storageClass } from './manifests';

const veleroRelease = (values: any) => helmRelease('velero', values);
const rule = (name: string, expr: string): Manifest => ({
  apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name, namespace: 'velero' },
  spec: { groups: [{ name: 'g', rules: [{ alert: 'VeleroBackupTooOld', expr }] }] },
});

describe('HK-BAK-02 schedules never fire at the same minute', () => {
  test('compliant: staggered minutes, paused schedules, other namespaces', () => {
    expect(messages(scheduleOverlapRule, [schedule('hourly', { spec: { schedule: '0 * * * *' } }), schedule('daily', { spec: { schedule: '10 2 * * *' } }), schedule('weekly', { spec: { schedule: '0 3 * * 0', paused: true } })])).toEqual([]);
    expect(messages(scheduleOverlapRule, [schedule('a', { spec: { schedule: '0 2 * * *' } }), schedule('b', { metadata: { namespace: 'velero-two' }, spec: { schedule: '0 2 * * *' } })])).toEqual([]);
    // same minute, hours that never meet
    expect(messages(scheduleOverlapRule, [schedule('a', { spec: { schedule: '0 2 * * *' } }), schedule('b', { spec: { schedule: '0 3 * * 0' } })])).toEqual([]);
  });
  test('seed 003: the daily and weekly schedules both on the hour, plus an hourly one', () => {
    const f = findings(scheduleOverlapRule, [schedule('hourly', { spec: { schedule: '0 * * * *' } }), schedule('critical-daily-local', { spec: { schedule: '0 2 * * *' } }), schedule('all-namespaces-weekly-local', { spec: { schedule: '0 3 * * 0' } })]);
    expect(f.map((x) => [x.name, x.message, x.fix])).toEqual([
      ['critical-daily-local', 'Schedule velero/critical-daily-local ("0 2 * * *") fires at the same time as Schedule velero/hourly ("0 * * * *"), e.g. Mon 1 Jan 02:00; Velero runs one backup at a time, so one of them waits behind the other', 'move one of them to a minute no other schedule uses, e.g. "1 2 * * *"'],
      ['all-namespaces-weekly-local', 'Schedule velero/all-namespaces-weekly-local ("0 3 * * 0") fires at the same time as Schedule velero/hourly ("0 * * * *"), e.g. Sun 7 Jan 03:00; Velero runs one backup at a time, so one of them waits behind the other', 'move one of them to a minute no other schedule uses, e.g. "1 3 * * 0"'],
    ]);
  });
});

describe('HK-BAK-03 TTL longer than the interval', () => {
  test('compliant and default TTL', () => {
    expect(messages(scheduleTtlRule, [schedule('daily'), schedule('weekly', { spec: { schedule: '0 3 * * 0', template: { ttl: undefined } } })])).toEqual([]);
  });
  test.each([
    [{ schedule: '0 2 * * *', template: { ttl: '24h' } }, 'template.ttl 24h is not longer than the longest gap between runs of "0 2 * * *" (1d): each backup expires before the next one exists', 'set template.ttl to at least "48h0m0s" (twice the interval)'],
    [{ schedule: '0 5 1 * *', template: { ttl: undefined } }, 'template.ttl 720h0m0s (Velero\'s default) is not longer than the longest gap between runs of "0 5 1 * *" (31d): each backup expires before the next one exists', 'set template.ttl to at least "1488h0m0s" (twice the interval)'],
    [{ template: { ttl: '14d' } }, 'template.ttl "14d" is not a Go duration, so Velero rejects the backups of this schedule', 'Go durations have no days: write hours, e.g. "336h0m0s" for 14 days'],
  ])('refuses %j', (spec, message, fix) => {
    expect(findings(scheduleTtlRule, [schedule('s', { spec })]).map((f) => [f.message, f.fix])).toEqual([[message, fix]]);
  });
});

describe('HK-BAK-04 cron valid for the installed Velero', () => {
  test('compliant; CRON_TZ is fine from Velero 1.18.1', () => {
    expect(messages(scheduleCronRule, [schedule('a', { spec: { schedule: '@daily' } })])).toEqual([]);
    expect(messages(scheduleCronRule, [veleroRelease({ image: { tag: 'v1.18.1' } }), schedule('a', { spec: { schedule: 'CRON_TZ=Europe/Berlin 0 2 * * *' } })])).toEqual([]);
  });
  test.each([
    ['0 3 * * 7', undefined, 'spec.schedule "0 3 * * 7": day of week 7 is out of range 0-6, so the Schedule fails validation and never runs'],
    ['0 0 2 * * *', undefined, 'spec.schedule "0 0 2 * * *": a cron expression has exactly 5 fields (minute hour day-of-month month day-of-week), this one has 6, so the Schedule fails validation and never runs'],
    ['CRON_TZ=Europe/Berlin 0 2 * * *', undefined, 'spec.schedule uses CRON_TZ=Europe/Berlin, which Velero v1.16.2 cannot resolve (fixed in v1.18.1), so the Schedule fails validation'],
    ['CRON_TZ=Europe/Berlin 0 2 * * *', 'v1.18.0', 'spec.schedule uses CRON_TZ=Europe/Berlin, which Velero v1.18.0 cannot resolve (fixed in v1.18.1), so the Schedule fails validation'],
    ['0 0 30 2 *', undefined, 'spec.schedule "0 0 30 2 *" never fires (no such day)'],
  ])('refuses %j (release %s)', (cron, version, message) => {
    const objs = [schedule('s', { spec: { schedule: cron } }), ...(version ? [veleroRelease({ image: { tag: version } })] : [])];
    expect(messages(scheduleCronRule, objs)).toEqual([message]);
  });
});

describe('HK-BAK-05 location config values are strings', () => {
  test('compliant', () => {
    expect(messages(locationConfigStringsRule, [bsl('a'), veleroRelease({ configuration: { backupStorageLocation: [{ name: 'x', provider: 'aws', bucket: 'b', config: { s3ForcePathStyle: 'true' } }] } })])).toEqual([]);
  });
  test('objects and chart values with booleans and numbers', () => {
    expect(messages(locationConfigStringsRule, [
      bsl('a', { spec: { config: { s3ForcePathStyle: true } } }),
      { apiVersion: 'velero.io/v1', kind: 'VolumeSnapshotLocation', metadata: { name: 'v', namespace: 'velero' }, spec: { provider: 'aws', config: { apiTimeout: 60 } } },
      veleroRelease({ configuration: { backupStorageLocation: [{ name: 'x', config: { insecureSkipTLSVerify: true } }], volumeSnapshotLocation: { name: 'y', config: { region: 'us-east-1' } } } }),
    ])).toEqual([
      'spec.config.s3ForcePathStyle is a boolean (true), but the BackupStorageLocation\'s config is a string map, so applying it fails',
      'spec.config.apiTimeout is a number (60), but the VolumeSnapshotLocation\'s config is a string map, so applying it fails',
      'chart value configuration.backupStorageLocation[0].config.insecureSkipTLSVerify is a boolean (true), but the BackupStorageLocation\'s config is a string map, so applying it fails',
    ]);
  });
});

describe('HK-BAK-06 exactly one default BackupStorageLocation', () => {
  test('compliant', () => {
    expect(messages(defaultLocationRule, [bsl('a'), bsl('b', { spec: { default: false } }), schedule('s')])).toEqual([]);
  });
  test('none, two, and a schedule with nowhere to go', () => {
    expect(messages(defaultLocationRule, [bsl('a', { spec: { default: false } })]))
      .toEqual(['the BackupStorageLocations of namespace velero (a): none of them is the default, so backups that name no location fail validation']);
    expect(messages(defaultLocationRule, [bsl('a'), veleroRelease({ configuration: { backupStorageLocation: [{ name: 'default', default: true, provider: 'aws', bucket: 'placeholder' }] } })]))
      .toEqual(['chart value configuration.backupStorageLocation[0] of HelmRelease velero/velero is a second default: a is already the default BackupStorageLocation; Velero needs exactly one']);
    expect(messages(defaultLocationRule, [schedule('s')])).toEqual(['Schedule velero/s names no storageLocation and namespace velero has no BackupStorageLocation, so its backups fail validation']);
  });
  test('the fix names the locations; a hand-written second default is reported, not the library\'s', () => {
    const f = findings(defaultLocationRule, [bsl('a', { spec: { default: false } }), bsl('b', { spec: { default: false } })]);
    expect(f.map((x) => [x.name, x.fix])).toEqual([['a', 'set `default: true` on exactly one of them (a, b)']]);
    const library = { metadata: { labels: { 'app.kubernetes.io/managed-by': 'hardened-homelab' } } };
    const two = findings(defaultLocationRule, [bsl('by-hand'), bsl('minio-local', library)]);
    expect(two.map((x) => [x.name, x.message, x.fix])).toEqual([[
      'by-hand', 'BackupStorageLocation velero/by-hand is a second default: minio-local is already the default BackupStorageLocation; Velero needs exactly one',
      'remove `default: true` from by-hand or from minio-local',
    ]]);
  });
  test('namespaces the Velero construct judged already (only library locations and schedules) are not reported twice', () => {
    const library = { metadata: { labels: { 'app.kubernetes.io/managed-by': 'hardened-homelab' } } };
    expect(messages(defaultLocationRule, [bsl('minio-local', { ...library, spec: { default: false } })])).toEqual([]);
    expect(messages(defaultLocationRule, [bsl('a', library), bsl('b', library)])).toEqual([]);
    expect(messages(defaultLocationRule, [schedule('s', library)])).toEqual([]);
    // a hand-written location in the same namespace brings the namespace back under the rule
    expect(messages(defaultLocationRule, [bsl('minio-local', { ...library, spec: { default: false } }), bsl('b', { spec: { default: false } })]))
      .toEqual(['the BackupStorageLocations of namespace velero (minio-local, b): none of them is the default, so backups that name no location fail validation']);
  });
});

describe('HK-BAK-07 schedules name locations that exist', () => {
  test('compliant', () => {
    expect(messages(scheduleLocationsRule, [bsl('minio-local'), schedule('s', { spec: { template: { storageLocation: 'minio-local' } } })])).toEqual([]);
  });
  test('seed 003: a renamed location and a VolumeSnapshotLocation that no longer exists', () => {
    expect(messages(scheduleLocationsRule, [bsl('minio-local'), schedule('s', { spec: { template: { storageLocation: 'minio', volumeSnapshotLocations: ['longhorn-csi'] } } })])).toEqual([
      'Schedule velero/s sends its backups to BackupStorageLocation minio, which namespace velero does not have (it has minio-local), so every backup fails validation',
      'Schedule velero/s names VolumeSnapshotLocation longhorn-csi, which namespace velero does not have, so every backup fails validation',
    ]);
  });
});

describe('HK-BAK-08 checksumAlgorithm and the AWS plugin version', () => {
  const b2 = (config: any) => bsl('b2', { spec: { config: { s3Url: 'https://s3.us-west-001.backblazeb2.com', region: 'us-west-001', ...config } } });
  test('compliant: B2 with "" on the pinned plugin, MinIO without, B2 on an old plugin without the key', () => {
    expect(messages(checksumAlgorithmRule, [b2({ checksumAlgorithm: '' }), bsl('minio')])).toEqual([]);
    expect(messages(checksumAlgorithmRule, [b2({}), veleroRelease({ image: { tag: 'v1.13.2' }, initContainers: [{ name: 'p', image: 'velero/velero-plugin-for-aws:v1.8.2' }] })])).toEqual([]);
  });
  test.each([
    [[b2({})], 'spec.config of BackupStorageLocation b2 is a backblaze-b2 store without checksumAlgorithm: "", so velero-plugin-for-aws v1.12.2 sends CRC32 checksum headers the store rejects (XAmzContentSHA256Mismatch) and uploads fail'],
    [[bsl('ceph', { metadata: { labels: { 'hardened-homelab.io/backup-target-kind': 'ceph-rgw' } } })], 'spec.config of BackupStorageLocation ceph is a ceph-rgw store without checksumAlgorithm: "", so velero-plugin-for-aws v1.12.2 sends CRC32 checksum headers the store rejects (XAmzContentSHA256Mismatch) and uploads fail'],
    [[b2({ checksumAlgorithm: '' }), veleroRelease({ initContainers: [{ name: 'p', image: 'velero/velero-plugin-for-aws:v1.8.2' }] })], 'spec.config of BackupStorageLocation b2 sets checksumAlgorithm, which velero-plugin-for-aws v1.8.2 does not know ("config has invalid keys"), so the location is unavailable'],
    [[b2({}), veleroRelease({ initContainers: [{ name: 'p', image: 'velero/velero-plugin-for-aws:v1.9.1' }] })], 'spec.config of BackupStorageLocation b2 is a backblaze-b2 store, which rejects the CRC32 checksums velero-plugin-for-aws v1.9.1 sends, and this plugin cannot turn them off'],
  ])('refuses case %#', (objs, message) => {
    expect(messages(checksumAlgorithmRule, objs as Manifest[])).toEqual([message]);
  });
  test('judges chart-value locations too', () => {
    expect(messages(checksumAlgorithmRule, [veleroRelease({ configuration: { backupStorageLocation: [{ config: { s3Url: 'http://rook-ceph-rgw-storage.storage.svc:80' } }] } })]))
      .toEqual(['chart value configuration.backupStorageLocation[0].config is a ceph-rgw store without checksumAlgorithm: "", so velero-plugin-for-aws v1.12.2 sends CRC32 checksum headers the store rejects (XAmzContentSHA256Mismatch) and uploads fail']);
  });
});

describe('HK-BAK-09 MinIO drives on persistent, non-NFS volumes (seed 003: "0 drives provided")', () => {
  const minio = (args: string[], volumes: any[], env: any[] = [], mountPath = '/data', image = 'minio/minio:RELEASE.2024-06-13T22-53-53Z') =>
    deployment('minio', 'velero', { containers: [{ name: 'minio', image, args, env, volumeMounts: mountPath ? [{ name: 'data', mountPath }] : [] }], volumes });
  const seedPv = { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'minio-backup-pv' }, spec: { capacity: { storage: '500Gi' }, accessModes: ['ReadWriteOnce'], nfs: { server: '192.168.10.100', path: '/mnt/nvme_storage/velero-backups' }, persistentVolumeReclaimPolicy: 'Retain', storageClassName: '' } };
  const seedPvc = pvc('minio-backup-pvc', 'velero', { spec: { storageClassName: '', volumeName: 'minio-backup-pv', resources: { requests: { storage: '500Gi' } } } });

  test('the seed\'s MinIO: one drive on an NFS PersistentVolume', () => {
    expect(messages(minioDataPathRule, [seedPv, seedPvc, minio(['server', '/data', '--console-address', ':9001'], [{ name: 'data', persistentVolumeClaim: { claimName: 'minio-backup-pvc' } }])]))
      .toEqual(['Deployment velero/minio, container "minio" keeps its drive /data on NFS (claim minio-backup-pvc: PersistentVolume minio-backup-pv → NFS 192.168.10.100:/mnt/nvme_storage/velero-backups); MinIO does not support NFS drives, takes the drive offline and then fails every listing with "listPathRaw: 0 drives provided"']);
  });

  test('no drive path, an emptyDir, the container filesystem, inline NFS, an NFS StorageClass', () => {
    expect(messages(minioDataPathRule, [minio(['server', '--console-address', ':9001'], [])]))
      .toEqual(['Deployment velero/minio, container "minio" runs `minio server` with no drive path (args nor MINIO_VOLUMES), so MinIO has no drive to serve']);
    expect(messages(minioDataPathRule, [minio(['server', '/data'], [{ name: 'data', emptyDir: {} }])]))
      .toEqual(['Deployment velero/minio, container "minio" keeps its drive /data on emptyDir volume "data": the backups are lost whenever the pod is rescheduled']);
    expect(messages(minioDataPathRule, [minio(['server', '/export'], [], [], '')]))
      .toEqual(['Deployment velero/minio, container "minio" keeps its drive /export on the container\'s own filesystem: every restart loses the backups on it']);
    expect(messages(minioDataPathRule, [minio(['server'], [{ name: 'data', nfs: { server: 'nas', path: '/minio' } }], [{ name: 'MINIO_VOLUMES', value: '/data' }])]))
      .toEqual(['Deployment velero/minio, container "minio" keeps its drive /data on NFS (nas:/minio); MinIO does not support NFS drives, takes the drive offline and then fails every listing with "listPathRaw: 0 drives provided"']);
    const sts = merge(workload('StatefulSet', 'minio', 'velero', { containers: [{ name: 'minio', image: 'quay.io/minio/minio:RELEASE.2025-04-22T22-12-26Z', command: ['minio', 'server', '/data{1...2}'], volumeMounts: [{ name: 'data', mountPath: '/data1' }] }] }),
      { spec: { volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { storageClassName: 'nfs-client', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Ti' } } } }] } });
    expect(messages(minioDataPathRule, [storageClass('nfs-client', 'k8s-sigs.io/nfs-subdir-external-provisioner'), sts])).toEqual([
      'StatefulSet velero/minio, container "minio" keeps its drive /data1 on NFS (volumeClaimTemplate data: StorageClass nfs-client (provisioner k8s-sigs.io/nfs-subdir-external-provisioner)); MinIO does not support NFS drives, takes the drive offline and then fails every listing with "listPathRaw: 0 drives provided"',
      'StatefulSet velero/minio, container "minio" keeps its drive /data2 on the container\'s own filesystem: every restart loses the backups on it',
    ]);
  });

  test('compliant: a block volume, Bitnami\'s data dir on a Longhorn claim, the mc client', () => {
    expect(messages(minioDataPathRule, [storageClass('longhorn', 'driver.longhorn.io'), pvc('minio-data', 'velero'), minio(['server', '/data', '--address=:9000'], [{ name: 'data', persistentVolumeClaim: { claimName: 'minio-data' } }])])).toEqual([]);
    expect(messages(minioDataPathRule, [pvc('minio-data', 'velero'), minio([], [{ name: 'data', persistentVolumeClaim: { claimName: 'minio-data' } }], [], '/bitnami/minio/data', 'docker.io/bitnami/minio:2025.4.22')])).toEqual([]);
    expect(messages(minioDataPathRule, [deployment('mc', 'velero', { containers: [{ name: 'mc', image: 'minio/mc:RELEASE.2025-04-16T18-13-26Z', args: ['mirror'] }] })])).toEqual([]);
  });
});

describe('HK-BAK-10 no owner references from schedules to backups', () => {
  test('refuses useOwnerReferencesInBackup: true', () => {
    expect(messages(scheduleOwnerReferencesRule, [schedule('a'), schedule('b', { spec: { useOwnerReferencesInBackup: true } })]))
      .toEqual(['spec.useOwnerReferencesInBackup is true: deleting or renaming this Schedule deletes every backup it made']);
  });
});

describe('HK-BAK-11 included namespaces exist', () => {
  test('compliant: synthesized, built-in, the GitOps engine\'s, external services\'', () => {
    expect(messages(scheduleNamespacesRule, [namespace('apps'), schedule('s', { spec: { template: { includedNamespaces: ['apps', 'kube-system', 'flux-system', 'monitoring', 'app-*'] } } })])).toEqual([]);
  });
  test('seed 003: longhorn-system stayed in the schedules after Longhorn was removed', () => {
    expect(messages(scheduleNamespacesRule, [namespace('media'), schedule('critical', { spec: { template: { includedNamespaces: ['media', 'longhorn-system', 'ai'] } } }), schedule('off', { spec: { paused: true, template: { includedNamespaces: ['gone'] } } })]))
      .toEqual(['Schedule velero/critical includes namespaces longhorn-system, ai, which do not exist, so every backup ends PartiallyFailed']);
  });
});

describe('HK-BAK-12 an alert on the age of the last successful backup (warning)', () => {
  test('a per-schedule rule, or one generic rule, covers it', () => {
    expect(messages(scheduleAlertsRule, [schedule('a'), rule('r', 'time() - velero_backup_last_successful_timestamp{schedule="a"} > 7200')])).toEqual([]);
    expect(messages(scheduleAlertsRule, [schedule('a'), schedule('b'), rule('r', 'time() - velero_backup_last_successful_timestamp{schedule!=""} > 86400')])).toEqual([]);
  });
  test('warns for the schedules nothing watches', () => {
    const f = findings(scheduleAlertsRule, [schedule('a'), schedule('b'), rule('r', 'time() - velero_backup_last_successful_timestamp{schedule="a"} > 7200')]);
    expect(f.map((x) => [x.level, x.message])).toEqual([['warning', 'no PrometheusRule alerts when Schedule velero/b has had no successful backup for a while (velero_backup_last_successful_timestamp{schedule="b"})']]);
  });
});

describe('HK-BAK-13 no VolumeSnapshotLocation with provider csi', () => {
  test('seed 003: VolumeSnapshotLocation longhorn-csi', () => {
    const vsl = (provider: string) => ({ apiVersion: 'velero.io/v1', kind: 'VolumeSnapshotLocation', metadata: { name: 'longhorn-csi', namespace: 'velero' }, spec: { provider } });
    expect(messages(snapshotLocationProviderRule, [vsl('csi')])).toEqual(['spec.provider is csi: there is no such volume snapshotter plugin, CSI snapshots need no VolumeSnapshotLocation']);
    expect(messages(snapshotLocationProviderRule, [vsl('aws')])).toEqual([]);
  });
});
