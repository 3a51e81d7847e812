import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { BackupLocationAccessMode, BackupStorageLocation, BackupTarget, BackupTargetKind, Velero, VolumeSnapshotLocation, s3ProviderConfig, secretRequirementsOf } from '../../lib';
import { createValidator } from '../schema/validator';
import { errorOf, one } from '../helpers';
import { backupCluster, veleroObjects, veleroSetup } from './fixtures';

const target = (kind: BackupTargetKind, endpoint: string | undefined, extra: object = {}) => new BackupTarget({ name: 't', kind, endpoint, bucket: 'velero', ...extra }, 'lab', 't');

describe('s3ProviderConfig: the AWS plugin presets', () => {
  test('MinIO: region us-east-1, path-style, s3Url, no checksum setting', () => {
    expect(s3ProviderConfig(target(BackupTargetKind.MINIO, 'http://192.168.10.100:9000/'), 'v1.12.2'))
      .toEqual({ region: 'us-east-1', s3ForcePathStyle: 'true', s3Url: 'http://192.168.10.100:9000' });
  });
  test('B2 and Ceph RGW turn the CRC32 checksum off when the plugin knows the key (1.9.2+)', () => {
    expect(s3ProviderConfig(target(BackupTargetKind.BACKBLAZE_B2, 'https://s3.us-west-001.backblazeb2.com'), 'v1.12.2'))
      .toEqual({ region: 'us-west-001', s3ForcePathStyle: 'true', s3Url: 'https://s3.us-west-001.backblazeb2.com', checksumAlgorithm: '' });
    expect(s3ProviderConfig(target(BackupTargetKind.CEPH_RGW, 'http://rgw.storage.svc:80'), 'v1.9.2'))
      .toEqual({ region: 'default', s3ForcePathStyle: 'true', s3Url: 'http://rgw.storage.svc:80', checksumAlgorithm: '' });
  });
  test('older plugins send no checksum and must not get the key (the seed pinned 1.8.2 "for B2 compatibility")', () => {
    expect(s3ProviderConfig(target(BackupTargetKind.BACKBLAZE_B2, 'https://s3.us-west-001.backblazeb2.com'), 'v1.8.2'))
      .toEqual({ region: 'us-west-001', s3ForcePathStyle: 'true', s3Url: 'https://s3.us-west-001.backblazeb2.com' });
  });
  test('plugin 1.9.1 sends CRC32 with no way to turn it off', () => {
    expect(() => s3ProviderConfig(target(BackupTargetKind.BACKBLAZE_B2, 'https://s3.us-west-001.backblazeb2.com'), 'v1.9.1'))
      .toThrow('velero-plugin-for-aws v1.9.1 sends CRC32 checksums, which backblaze-b2 rejects (XAmzContentSHA256Mismatch), and cannot turn them off');
  });
  test('AWS S3: region only (virtual-hosted addressing), s3Url when an endpoint is given', () => {
    expect(s3ProviderConfig(target(BackupTargetKind.AWS_S3, undefined, { region: 'eu-central-1' }), 'v1.12.2')).toEqual({ region: 'eu-central-1' });
  });
});

describe('BackupStorageLocation', () => {
  const { cluster } = veleroSetup();
  const objs = veleroObjects(cluster);

  test('MinIO default location from the profile target, credentials by Secret reference', () => {
    expect(one(objs, 'BackupStorageLocation', 'minio-local')).toEqual({
      apiVersion: 'velero.io/v1',
      kind: 'BackupStorageLocation',
      metadata: {
        name: 'minio-local',
        namespace: 'velero',
        labels: { 'app.kubernetes.io/name': 'velero', 'app.kubernetes.io/managed-by': 'hardened-homelab', 'hardened-homelab.io/backup-site': 'on-site', 'hardened-homelab.io/backup-target-kind': 'minio' },
      },
      spec: {
        provider: 'aws',
        default: true,
        accessMode: 'ReadWrite',
        objectStorage: { bucket: 'velero-backups', prefix: 'test' },
        credential: { name: 'minio-credentials', key: 'cloud' },
        config: { region: 'us-east-1', s3ForcePathStyle: 'true', s3Url: 'http://192.168.10.100:9000' },
      },
    });
  });

  test('B2 off-site: checksumAlgorithm "" with the pinned plugin, not default', () => {
    const b2 = one(objs, 'BackupStorageLocation', 'b2-offsite');
    expect([b2.spec.default, b2.spec.config, b2.metadata.labels['hardened-homelab.io/backup-site']])
      .toEqual([false, { region: 'us-west-001', s3ForcePathStyle: 'true', s3Url: 'https://s3.us-west-001.backblazeb2.com', checksumAlgorithm: '' }, 'off-site']);
  });

  test('declares the credential Secrets (the Pulumi engine creates and checks them)', () => {
    const reqs = secretRequirementsOf(cluster);
    expect(reqs.map((r) => [r.namespace, r.name, Object.keys(r.keys)])).toEqual([['velero', 'minio-credentials', ['cloud']], ['velero', 'b2-credentials', ['cloud']]]);
    const check = reqs[0].keys.cloud.validate!;
    expect(check('[default]\naws_access_key_id=AKIA\naws_secret_access_key=secret\n')).toBeUndefined();
    expect(check('AKIA:secret')).toBe('must be an AWS credentials file: a [default] section with aws_access_key_id= and aws_secret_access_key=');
  });

  test('options: inline target, prefix, read-only, sync and validation periods, extra config', () => {
    const { velero } = veleroSetup();
    new BackupStorageLocation(velero, 'old-cluster', {
      target: { name: 'old', kind: BackupTargetKind.AWS_S3, bucket: 'old-backups', region: 'eu-central-1' },
      credential: { name: 'aws', key: 'credentials' },
      prefix: 'homelab/2024',
      accessMode: BackupLocationAccessMode.READ_ONLY,
      backupSyncPeriod: Duration.minutes(10),
      validationFrequency: Duration.hours(1),
      config: { serverSideEncryption: 'AES256' },
    });
    const bsl = one(veleroObjects(velero.node.scope as any), 'BackupStorageLocation', 'old-cluster');
    expect(bsl.spec).toEqual({
      provider: 'aws', default: false, accessMode: 'ReadOnly',
      objectStorage: { bucket: 'old-backups', prefix: 'homelab/2024' },
      credential: { name: 'aws', key: 'credentials' },
      config: { region: 'eu-central-1', serverSideEncryption: 'AES256' },
      backupSyncPeriod: '10m0s',
      validationFrequency: '1h0m0s',
    });
  });

  test('objects validate against the CRD schema', () => {
    const validator = createValidator();
    expect(objs.filter((o) => o.kind === 'BackupStorageLocation').flatMap((o) => validator.validate(o))).toEqual([]);
  });

  test.each([
    [{ target: { name: 'nas', kind: BackupTargetKind.NFS, endpoint: 'nfs://nas:/backups' } }, '[test/velero/x] target = "nas": Velero writes backups to object stores only; an NFS export is a Longhorn backup target. Fix: point the location at an S3-compatible store (MinIO running on the NFS server\'s own disks, B2, Ceph RGW)'],
    [{ credential: { name: '' } }, '[test/velero/x] credential.name = "": a location needs the Secret with its access key. Fix: name the Secret holding the AWS-style credentials file, e.g. { name: "b2-credentials", key: "cloud" }'],
    [{ config: { insecureSkipTLSVerify: true } }, '[test/velero/x] config.insecureSkipTLSVerify = true: BackupStorageLocation config values are strings (the CRD field is a string map). Fix: quote it: "true"'],
    [{ target: { name: 'far', kind: BackupTargetKind.MINIO, endpoint: 'http://backup.example.net:9000', bucket: 'velero', site: 'off-site' } }, '[test/velero/x] target.endpoint = "http://backup.example.net:9000": an off-site store is reached over the internet, and this endpoint is plain HTTP. Fix: use the store\'s https:// endpoint'],
    [{ prefix: '/lab/' }, '[test/velero/x] prefix = "/lab/": not an object key prefix. Fix: use letters, digits, "-", "_" and "/" between segments, e.g. "homelab"'],
    [{ target: 'wasabi' }, '[test/velero/x] target = "wasabi": no backup target of that name in the test profile (targets: minio-local, b2-offsite, ceph). Fix: use one of "minio-local", "b2-offsite", "ceph", or add the target to profile.backupTargets'],
  ])('refuses %j', (patch, message) => {
    const { velero } = veleroSetup();
    expect(errorOf(() => new BackupStorageLocation(velero, 'x', { target: 'minio-local', credential: { name: 'c' }, ...patch } as any))).toBe(message);
  });

  test('gates the plugin: 1.9.1 cannot talk to B2, and checksumAlgorithm needs 1.9.2', () => {
    const old = new Velero(backupCluster(), 'velero', { awsPluginImage: { repository: 'docker.io/velero/velero-plugin-for-aws', tag: 'v1.9.1' } });
    expect(errorOf(() => new BackupStorageLocation(old, 'b2', { target: 'b2-offsite', credential: { name: 'c' } })))
      .toBe('[test/velero/b2] target = "b2-offsite": velero-plugin-for-aws v1.9.1 sends CRC32 checksums, which backblaze-b2 rejects (XAmzContentSHA256Mismatch), and cannot turn them off. Fix: use velero-plugin-for-aws v1.9.2 or later (Images.veleroPluginForAws pins one), or a plugin older than v1.9.1');
    const older = new Velero(backupCluster(), 'velero', { awsPluginImage: { repository: 'docker.io/velero/velero-plugin-for-aws', tag: 'v1.8.2' } });
    expect(errorOf(() => new BackupStorageLocation(older, 'm', { target: 'minio-local', credential: { name: 'c' }, config: { checksumAlgorithm: '' } })))
      .toBe('[test/velero/m] config.checksumAlgorithm = "": velero-plugin-for-aws v1.8.2 does not know this key and fails with "config has invalid keys". Fix: remove it, or use plugin v1.9.2 or later');
  });

  test('location names are DNS labels (they are object names and schedule references)', () => {
    const { velero } = veleroSetup();
    expect(errorOf(() => new BackupStorageLocation(velero, 'MinIO', { target: 'minio-local', credential: { name: 'c' } })))
      .toBe('[test/velero/MinIO] id = "MinIO": not a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit). Fix: did you mean "minio"?');
    expect(errorOf(() => new VolumeSnapshotLocation(velero, 'EBS', { provider: 'aws' })))
      .toBe('[test/velero/EBS] id = "EBS": not a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit). Fix: did you mean "ebs"?');
  });

  test('location names are unique across the install', () => {
    const { velero } = veleroSetup();
    const group = new Construct(velero, 'more');
    expect(errorOf(() => new BackupStorageLocation(group, 'minio-local', { target: 'minio-local', credential: { name: 'c' } })))
      .toBe('[test/velero/more/minio-local] name = "minio-local": a BackupStorageLocation of that name already exists in this Velero install. Fix: give every location its own name');
  });
});

describe('VolumeSnapshotLocation', () => {
  test('a native snapshotter location with string config and a credential', () => {
    const { velero, cluster } = veleroSetup();
    new VolumeSnapshotLocation(velero, 'ebs', { provider: 'aws', config: { region: 'eu-central-1' }, credential: { name: 'aws' } });
    const vsl = one(veleroObjects(cluster), 'VolumeSnapshotLocation', 'ebs');
    expect(vsl.spec).toEqual({ provider: 'aws', config: { region: 'eu-central-1' }, credential: { name: 'aws', key: 'cloud' } });
    expect(createValidator().validate(vsl)).toEqual([]);
  });

  test.each([
    [{ provider: 'csi' }, '[test/velero/x] provider = "csi": CSI snapshots are built into Velero since 1.14 and take no VolumeSnapshotLocation; one with provider csi fails every snapshotting backup ("unable to locate VolumeSnapshotter plugin named velero.io/csi"). Fix: remove the location; for CSI snapshots label a VolumeSnapshotClass of the driver with velero.io/csi-volumesnapshot-class: "true", or use file-system backups'],
    [{ provider: 'AWS EBS' }, '[test/velero/x] provider = "AWS EBS": not a plugin name. Fix: use the plugin\'s provider name, e.g. "aws"'],
    [{ provider: 'aws', config: { apiTimeout: 60 } }, '[test/velero/x] config.apiTimeout = 60: VolumeSnapshotLocation config values are strings (the CRD field is a string map). Fix: quote it: "60"'],
  ])('refuses %j', (props, message) => {
    const { velero } = veleroSetup();
    expect(errorOf(() => new VolumeSnapshotLocation(velero, 'x', props as any))).toBe(message);
  });
});
