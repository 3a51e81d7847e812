import { BackupSite, BackupTarget, BackupTargetKind, BackupTargetProps, ClusterProfile, Distro } from '../../lib';
import { errorOf } from '../helpers';

const NODES = [{ name: 'n1', allocatable: { cpu: '4', memory: '8Gi' } }];
const target = (p: Partial<BackupTargetProps>) => new BackupTarget({ name: 't', kind: BackupTargetKind.MINIO, endpoint: 'http://192.168.10.100:9000', bucket: 'velero-backups', ...p } as BackupTargetProps, 'lab', 'profile.backupTargets[0]');

describe('backup targets in the ClusterProfile', () => {
  test('defaults per kind: region, site', () => {
    const profile = new ClusterProfile('lab', {
      distro: Distro.K3S, version: 'v1.32.5+k3s1', nodes: NODES,
      backupTargets: [
        { name: 'minio-local', kind: BackupTargetKind.MINIO, endpoint: 'http://192.168.10.100:9000', bucket: 'velero-backups' },
        { name: 'minio-in-cluster', kind: BackupTargetKind.MINIO, endpoint: 'http://minio.velero.svc.cluster.local:9000', bucket: 'velero' },
        { name: 'b2-offsite', kind: BackupTargetKind.BACKBLAZE_B2, endpoint: 'https://s3.us-west-001.backblazeb2.com', bucket: 'k3s-cluster-backups' },
        { name: 'ceph', kind: BackupTargetKind.CEPH_RGW, endpoint: 'http://rook-ceph-rgw-storage.storage.svc:80', bucket: 'velero-backups' },
        { name: 's3', kind: BackupTargetKind.AWS_S3, bucket: 'my-backups', region: 'eu-central-1' },
        { name: 'nas', kind: BackupTargetKind.NFS, endpoint: 'nfs://192.168.10.100:/mnt/nvme_storage/longhorn-backups' },
      ],
    });
    expect(profile.backupTargets.map((t) => [t.name, t.region, t.site, t.host, t.isObjectStore])).toEqual([
      ['minio-local', 'us-east-1', BackupSite.ON_SITE, '192.168.10.100:9000', true],
      ['minio-in-cluster', 'us-east-1', BackupSite.IN_CLUSTER, 'minio.velero.svc.cluster.local:9000', true],
      ['b2-offsite', 'us-west-001', BackupSite.OFF_SITE, 's3.us-west-001.backblazeb2.com', true],
      ['ceph', 'default', BackupSite.IN_CLUSTER, 'rook-ceph-rgw-storage.storage.svc:80', true],
      ['s3', 'eu-central-1', BackupSite.OFF_SITE, undefined, true],
      ['nas', undefined, BackupSite.ON_SITE, '192.168.10.100', false],
    ]);
    expect(profile.backupTarget('b2-offsite').bucket).toBe('k3s-cluster-backups');
    expect(new ClusterProfile('lab', { distro: Distro.K3S, version: 'v1.32.5+k3s1', nodes: NODES }).backupTargets).toEqual([]);
  });

  test.each([
    [{ name: 'Minio' }, '[lab] profile.backupTargets[0].name = "Minio": not a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit). Fix: did you mean "minio"?'],
    [{ kind: 'ftp' }, '[lab] profile.backupTargets[0].kind = "ftp": unknown backup target kind. Fix: use BackupTargetKind.MINIO, BACKBLAZE_B2, CEPH_RGW, AWS_S3 or NFS'],
    [{ kind: BackupTargetKind.NFS, endpoint: '192.168.10.100:/x', bucket: undefined }, '[lab] profile.backupTargets[0].endpoint = "192.168.10.100:/x": an NFS target is nfs://<server>:/<export path>. Fix: write e.g. "nfs://192.168.10.100:/mnt/nvme_storage/longhorn-backups"'],
    [{ kind: BackupTargetKind.NFS, endpoint: 'nfs://nas:/backups' }, '[lab] profile.backupTargets[0].bucket = "velero-backups": an NFS target has no bucket. Fix: remove bucket, or use an object-store kind'],
    [{ endpoint: '192.168.10.100:9000' }, '[lab] profile.backupTargets[0].endpoint = "192.168.10.100:9000": a minio target needs its S3 API URL. Fix: write e.g. "http://192.168.10.100:9000" or "https://s3.us-west-001.backblazeb2.com"'],
    [{ bucket: 'Velero_Backups' }, '[lab] profile.backupTargets[0].bucket = "Velero_Backups": not an S3 bucket name (3-63 lowercase letters, digits, dots and hyphens). Fix: give the bucket as created at the provider, e.g. "velero-backups"'],
    [{ kind: BackupTargetKind.BACKBLAZE_B2, endpoint: 'https://b2.example.com' }, '[lab] profile.backupTargets[0].endpoint = "https://b2.example.com": a Backblaze B2 S3 endpoint is https://s3.<region>.backblazeb2.com. Fix: copy the "Endpoint" shown on the bucket page, e.g. "https://s3.us-west-001.backblazeb2.com"'],
    [{ kind: BackupTargetKind.BACKBLAZE_B2, endpoint: 'https://s3.us-west-001.backblazeb2.com', region: 'us-east-1' }, '[lab] profile.backupTargets[0].region = "us-east-1": the endpoint is in region us-west-001; B2 rejects requests signed for another region. Fix: remove region (it is derived from the endpoint) or set it to "us-west-001"'],
    [{ kind: BackupTargetKind.AWS_S3, endpoint: undefined }, '[lab] profile.backupTargets[0].region = undefined: an AWS S3 target needs the bucket\'s region. Fix: set region, e.g. "eu-central-1"'],
    [{ region: 'US East' }, '[lab] profile.backupTargets[0].region = "US East": not a region name. Fix: use lowercase letters, digits and hyphens, e.g. "us-east-1"'],
    [{ site: 'moon' }, '[lab] profile.backupTargets[0].site = "moon": unknown site. Fix: use BackupSite.IN_CLUSTER, ON_SITE or OFF_SITE'],
    [{ endpoint: 'http://minio.velero.svc.cluster.local:9000', site: BackupSite.OFF_SITE }, '[lab] profile.backupTargets[0].site = "off-site": the endpoint minio.velero.svc.cluster.local:9000 is a Service of this cluster, so its data is lost with the cluster. Fix: set site to BackupSite.IN_CLUSTER, or point the endpoint at a store outside the cluster'],
  ])('refuses %j', (patch, message) => {
    expect(errorOf(() => target(patch as any))).toBe(message);
  });

  test('refuses duplicate names and reports unknown ones with the known list', () => {
    const t = { name: 'minio', kind: BackupTargetKind.MINIO, endpoint: 'http://nas:9000', bucket: 'velero' };
    expect(errorOf(() => new ClusterProfile('lab', { distro: Distro.K3S, version: 'v1.32.5+k3s1', nodes: NODES, backupTargets: [t, t] }, 'lab')))
      .toBe('[lab] profile.backupTargets[1].name = "minio": duplicate backup target name. Fix: give every backup target its own name');
    const profile = new ClusterProfile('lab', { distro: Distro.K3S, version: 'v1.32.5+k3s1', nodes: NODES, backupTargets: [t] });
    expect(errorOf(() => profile.backupTarget('b2', 'lab/velero/b2', 'target')))
      .toBe('[lab/velero/b2] target = "b2": no backup target of that name in the lab profile (targets: minio). Fix: use one of "minio", or add the target to profile.backupTargets');
    const empty = new ClusterProfile('lab', { distro: Distro.K3S, version: 'v1.32.5+k3s1', nodes: NODES });
    expect(errorOf(() => empty.backupTarget('b2')))
      .toBe('[ClusterProfile(lab)] target = "b2": no backup target of that name in the lab profile (it declares none). Fix: declare the store in profile.backupTargets, or pass the target\'s props inline');
  });
});
