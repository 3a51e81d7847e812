import { backupCoverageRule } from '../../../lib';
import { createContext } from '../../../lib/policies/engine';
import { workload } from '../../policies/fixtures';
import { FLUX_PROFILE, bsl, exempt, findings, helmRelease, merge, messages, mounting, namespace, pvc, records, recurringJob, schedule, storageClass } from './manifests';

const LONGHORN_SC = storageClass('longhorn', 'driver.longhorn.io');
const base = [namespace('apps'), LONGHORN_SC, bsl('minio-local')];

describe('HK-BAK-01 backup coverage', () => {
  test('compliant: a file-system schedule includes the namespace and a running pod mounts the claim', () => {
    expect(messages(backupCoverageRule, [...base, pvc('data'), mounting('db', 'data'), schedule('daily')])).toEqual([]);
    // "*" with exclusions, and a namespace included by name among others
    expect(messages(backupCoverageRule, [...base, pvc('data'), mounting('db', 'data'), schedule('all', { spec: { template: { includedNamespaces: ['*'], excludedNamespaces: ['kube-*'] } } })])).toEqual([]);
  });

  test('seed 004 / 003: data and no schedule that includes it', () => {
    expect(messages(backupCoverageRule, [...base, pvc('data'), mounting('db', 'data'), schedule('other', { spec: { template: { includedNamespaces: ['media'] } } })]))
      .toEqual(['PersistentVolumeClaim apps/data (10Gi) is not backed up: no Velero schedule includes namespace apps; no Longhorn RecurringJob with task backup applies (groups: default)']);
  });

  test('paused schedules, label selectors that miss the pods, pods that do not run', () => {
    expect(messages(backupCoverageRule, [...base, pvc('data'), mounting('db', 'data'), schedule('b2', { spec: { paused: true } })]))
      .toEqual(['PersistentVolumeClaim apps/data (10Gi) is not backed up: schedule b2: paused; no Longhorn RecurringJob with task backup applies (groups: default)']);
    expect(messages(backupCoverageRule, [...base, pvc('data'), mounting('db', 'data'), schedule('sel', { spec: { template: { labelSelector: { matchLabels: { backup: 'yes' } } } } })]))
      .toEqual(['PersistentVolumeClaim apps/data (10Gi) is not backed up: schedule sel: the pods that mount it do not match the label selector; no Longhorn RecurringJob with task backup applies (groups: default)']);
    expect(messages(backupCoverageRule, [...base, pvc('data'), mounting('db', 'data', 'apps', { spec: { replicas: 0 } }), schedule('daily')]))
      .toEqual(['PersistentVolumeClaim apps/data (10Gi) is not backed up: schedule daily: file-system backups copy the volumes of running pods, and only Deployment pods with no running replica mount it; no Longhorn RecurringJob with task backup applies (groups: default)']);
    const cron = workload('CronJob', 'dump', 'apps', { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] });
    expect(messages(backupCoverageRule, [...base, pvc('data'), cron, schedule('daily')]))
      .toEqual(['PersistentVolumeClaim apps/data (10Gi) is not backed up: schedule daily: file-system backups copy the volumes of running pods, and only CronJob pods with no running replica mount it; no Longhorn RecurringJob with task backup applies (groups: default)']);
    expect(messages(backupCoverageRule, [...base, pvc('data'), schedule('daily')]))
      .toEqual(['PersistentVolumeClaim apps/data (10Gi) is not backed up: schedule daily: file-system backups copy the volumes of running pods, and no pod mounts this claim; no Longhorn RecurringJob with task backup applies (groups: default)']);
  });

  test('pod annotations: opt-in without defaultVolumesToFsBackup, opt-out excludes', () => {
    const optIn = schedule('daily', { spec: { template: { defaultVolumesToFsBackup: false, snapshotVolumes: false } } });
    expect(messages(backupCoverageRule, [...base, pvc('data'), mounting('db', 'data', 'apps', {}, { 'backup.velero.io/backup-volumes': 'data' }), optIn])).toEqual([]);
    expect(messages(backupCoverageRule, [...base, pvc('data'), mounting('db', 'data'), optIn]))
      .toEqual(['PersistentVolumeClaim apps/data (10Gi) is not backed up: schedule daily: snapshotVolumes is false, and file-system backup is off (defaultVolumesToFsBackup); no Longhorn RecurringJob with task backup applies (groups: default)']);
    expect(messages(backupCoverageRule, [...base, pvc('data'), mounting('db', 'data', 'apps', {}, { 'backup.velero.io/backup-volumes-excludes': 'tmp,data' }), schedule('daily', { spec: { template: { snapshotVolumes: false } } })]))
      .toEqual(['PersistentVolumeClaim apps/data (10Gi) is not backed up: schedule daily: its pods exclude the volume from file-system backups (backup.velero.io/backup-volumes-excludes); no Longhorn RecurringJob with task backup applies (groups: default)']);
  });

  test('seed 003: snapshots through a csi "location" and no VolumeSnapshotClass save nothing; snapshots without the data mover stay on the disks', () => {
    const seedSchedule = schedule('critical-daily-local', { spec: { schedule: '0 2 * * *', template: { defaultVolumesToFsBackup: undefined, ttl: '168h', storageLocation: 'minio-local', volumeSnapshotLocations: ['longhorn-csi'] } } });
    expect(messages(backupCoverageRule, [...base, pvc('data'), mounting('db', 'data'), seedSchedule]))
      .toEqual(['PersistentVolumeClaim apps/data (10Gi) is not backed up: schedule critical-daily-local: no VolumeSnapshotClass of driver.longhorn.io is labelled velero.io/csi-volumesnapshot-class: "true", so it is not snapshotted, and file-system backup is off (defaultVolumesToFsBackup); no Longhorn RecurringJob with task backup applies (groups: default)']);
    const vsc = { apiVersion: 'snapshot.storage.k8s.io/v1', kind: 'VolumeSnapshotClass', metadata: { name: 'longhorn', labels: { 'velero.io/csi-volumesnapshot-class': 'true' } }, driver: 'driver.longhorn.io', deletionPolicy: 'Delete' };
    const snapOnly = schedule('snap', { spec: { template: { defaultVolumesToFsBackup: false, snapshotVolumes: true } } });
    expect(messages(backupCoverageRule, [...base, vsc, pvc('data'), mounting('db', 'data'), snapOnly]))
      .toEqual(['PersistentVolumeClaim apps/data (10Gi) is not backed up: schedule snap: only a snapshot is taken, and it stays on the volume\'s own storage (set snapshotMoveData), and file-system backup is off (defaultVolumesToFsBackup); no Longhorn RecurringJob with task backup applies (groups: default)']);
    const moved = schedule('snap', { spec: { template: { defaultVolumesToFsBackup: false, snapshotVolumes: true, snapshotMoveData: true } } });
    expect(messages(backupCoverageRule, [...base, vsc, pvc('data'), mounting('db', 'data'), moved])).toEqual([]);
  });

  test('volume policies that skip the data, and exemptions on the claim or its namespace', () => {
    const pv = { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'media-library' }, spec: { capacity: { storage: '30Ti' }, nfs: { server: '192.168.10.100', path: '/mnt/rust/media' }, storageClassName: '' } };
    const library = pvc('media-library', 'apps', { spec: { storageClassName: '', volumeName: 'media-library', resources: { requests: { storage: '30Ti' } } } });
    const policy = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'skip', namespace: 'velero' }, data: { 'policy.yaml': 'version: v1\nvolumePolicies:\n- conditions:\n    nfs:\n      server: 192.168.10.100\n      path: /mnt/rust/media\n  action:\n    type: skip\n' } };
    const skipping = schedule('daily', { spec: { template: { resourcePolicy: { kind: 'configmap', name: 'skip' } } } });
    const all = [...base, pv, library, mounting('plex', 'media-library'), policy, skipping];
    expect(messages(backupCoverageRule, all))
      .toEqual(['PersistentVolumeClaim apps/media-library (30Ti) is not backed up: schedule daily: a volume policy skips its data (NFS 192.168.10.100:/mnt/rust/media)']);
    const exempted = findings(backupCoverageRule, [...base, pv, merge(library, { metadata: { annotations: exempt('HK-BAK-01', 're-downloadable media on the RAID NAS') } }), mounting('plex', 'media-library'), policy, skipping]);
    expect(exempted.map((f) => [f.name, f.exemption])).toEqual([['media-library', 're-downloadable media on the RAID NAS']]);
    expect(findings(backupCoverageRule, [namespace('apps', exempt('HK-BAK-01', 'scratch namespace, rebuilt from Git')), LONGHORN_SC, pvc('data'), mounting('db', 'data')])).toEqual([]);
    // a condition that does not match leaves the volume to file-system backup
    const other = { ...policy, data: { 'policy.yaml': 'version: v1\nvolumePolicies:\n- conditions:\n    storageClass: [local-path]\n  action:\n    type: skip\n' } };
    expect(messages(backupCoverageRule, [...base, pvc('data'), mounting('db', 'data'), other, skipping])).toEqual([]);
  });

  test('StatefulSet volumeClaimTemplates count, one claim per replica', () => {
    const sts = merge(workload('StatefulSet', 'qdrant', 'apps'), { spec: { volumeClaimTemplates: [{ metadata: { name: 'storage' }, spec: { storageClassName: 'longhorn', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } } } }] } });
    expect(messages(backupCoverageRule, [...base, sts]))
      .toEqual(['volumeClaimTemplate storage-qdrant-* of StatefulSet apps/qdrant (20Gi per replica) is not backed up: no Velero schedule includes namespace apps; no Longhorn RecurringJob with task backup applies (groups: default)']);
    expect(messages(backupCoverageRule, [...base, sts, schedule('daily')])).toEqual([]);
  });

  describe('Longhorn recurring backup jobs (Longhorn\'s own semantics)', () => {
    const target = helmRelease('longhorn', { defaultBackupStore: { backupTarget: 'nfs://192.168.10.100:/mnt/nvme_storage/longhorn-backups' } }, '1.9.2');
    const labelled = (labels: Record<string, string>) => pvc('data', 'apps', { metadata: { labels } });

    test('PVC group labels count only with recurring-job.longhorn.io/source: enabled', () => {
      const jobs = [recurringJob('backup-daily', 'backup', ['backups']), target];
      expect(messages(backupCoverageRule, [...base, ...jobs, labelled({ 'recurring-job.longhorn.io/source': 'enabled', 'recurring-job-group.longhorn.io/backups': 'enabled' })])).toEqual([]);
      expect(messages(backupCoverageRule, [...base, ...jobs, labelled({ 'recurring-job-group.longhorn.io/backups': 'enabled' })]))
        .toEqual(['PersistentVolumeClaim apps/data (10Gi) is not backed up: no Velero schedule includes namespace apps; no Longhorn RecurringJob with task backup applies (groups: default); its recurring-job labels are ignored without recurring-job.longhorn.io/source: enabled']);
      expect(messages(backupCoverageRule, [...base, ...jobs, labelled({ 'recurring-job.longhorn.io/source': 'enabled', 'recurring-job.longhorn.io/backup-daily': 'enabled' })])).toEqual([]);
    });

    test('the default group applies to volumes without job labels; the StorageClass recurringJobSelector labels them', () => {
      expect(messages(backupCoverageRule, [...base, recurringJob('nightly', 'backup', ['default']), target, pvc('data')])).toEqual([]);
      const sc = storageClass('longhorn', 'driver.longhorn.io', { parameters: { recurringJobSelector: '[{"name":"backups","isGroup":true}]' } });
      expect(messages(backupCoverageRule, [namespace('apps'), sc, recurringJob('nightly', 'backup', ['default']), target, pvc('data')]))
        .toEqual(['PersistentVolumeClaim apps/data (10Gi) is not backed up: no Velero schedule includes namespace apps; no Longhorn RecurringJob with task backup applies (groups: backups)']);
      expect(messages(backupCoverageRule, [namespace('apps'), sc, recurringJob('b', 'backup-force-create', ['backups']), target, pvc('data')])).toEqual([]);
      // a job (not a group) named in the selector, with isGroup written as a string: read as HK-STO-02 reads it
      const byJob = storageClass('longhorn', 'driver.longhorn.io', { parameters: { recurringJobSelector: '[{"name":"nightly","isGroup":"false"}]' } });
      expect(messages(backupCoverageRule, [namespace('apps'), byJob, recurringJob('nightly', 'backup', []), target, pvc('data')])).toEqual([]);
    });

    test('snapshot jobs stay on the volume\'s disks; backup jobs need a backup target (defaultSettings.backupTarget is a no-op from chart 1.8)', () => {
      expect(messages(backupCoverageRule, [...base, recurringJob('snap', 'snapshot', ['default']), target, pvc('data')]))
        .toEqual(['PersistentVolumeClaim apps/data (10Gi) is not backed up: no Velero schedule includes namespace apps; no Longhorn RecurringJob with task backup applies (groups: default; only snap, whose snapshots stay on the volume\'s own disks)']);
      const legacy = helmRelease('longhorn', { defaultSettings: { backupTarget: 'nfs://nas:/backups' } }, '1.9.2');
      expect(messages(backupCoverageRule, [...base, recurringJob('nightly', 'backup', ['default']), legacy, pvc('data')]))
        .toEqual(['PersistentVolumeClaim apps/data (10Gi) is not backed up: no Velero schedule includes namespace apps; Longhorn job nightly apply, but Longhorn has no backup target (defaultBackupStore.backupTarget), so they fail']);
      expect(messages(backupCoverageRule, [...base, recurringJob('nightly', 'backup', ['default']), helmRelease('longhorn', { defaultSettings: { backupTarget: 'nfs://nas:/backups' } }, '1.6.2'), pvc('data')])).toEqual([]);
    });
  });

  test('report: a row per namespace with PVCs and a row per schedule', () => {
    const b2 = bsl('b2-offsite', { metadata: { labels: { 'hardened-homelab.io/backup-site': 'off-site' } }, spec: { default: false } });
    const objs = [...base, b2, pvc('data'), mounting('db', 'data'), pvc('cache', 'apps', { metadata: { annotations: exempt('HK-BAK-01', 'rebuilt from the source on start') } }),
      namespace('media'), pvc('config', 'media'), mounting('sonarr', 'config', 'media'),
      schedule('daily', { spec: { schedule: '10 2 * * *' } }),
      schedule('weekly-offsite', { spec: { schedule: '20 3 * * 0', template: { includedNamespaces: ['*'], excludedNamespaces: ['velero'], storageLocation: 'b2-offsite', ttl: '720h' } } }),
      schedule('waiting', { metadata: { annotations: { 'hardened-homelab.io/pending-namespaces': 'ai' } }, spec: { schedule: '30 4 1 * *', paused: true, template: { includedNamespaces: [], ttl: '8760h' } } })];
    const section = backupCoverageRule.report!(createContext(records(...objs), FLUX_PROFILE))!;
    expect(section.title).toBe('Backup coverage');
    expect(section.lines).toEqual([
      '| namespace | claims | requested | backed up by | off-site | status |',
      '|---|---|---|---|---|---|',
      '| apps | 2 | 20Gi | daily (file-system → minio-local, on-site), weekly-offsite (file-system → b2-offsite, off-site) | yes | covered, 1 exempt (cache: rebuilt from the source on start) |',
      '| media | 1 | 10Gi | weekly-offsite (file-system → b2-offsite, off-site) | yes | covered |',
      '',
      '| schedule | cron (UTC) | TTL | longest interval | location | namespaces | volumes | state |',
      '|---|---|---|---|---|---|---|---|',
      '| daily | `10 2 * * *` | 14d | 1d | minio-local, on-site | apps | file-system | active |',
      '| weekly-offsite | `20 3 * * 0` | 30d | 7d | b2-offsite, off-site | all (not velero) | file-system | active |',
      '| waiting | `30 4 1 * *` | 365d | 31d | minio-local, on-site | all | file-system | paused; waiting for namespaces: ai |',
    ]);
  });
});
