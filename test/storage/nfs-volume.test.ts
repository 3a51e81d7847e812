import { Testing } from 'cdk8s';
import { AccessMode, NfsVolume, Namespace } from '../../lib';
import { errorOf, testCluster } from '../helpers';

describe('NfsVolume', () => {
  test('a pre-bound PV in the cluster chart and a claim in the namespace', () => {
    const cluster = testCluster();
    const ns = new Namespace(cluster, 'media');
    const v = new NfsVolume(ns, 'library', { server: '192.168.10.100', path: '/mnt/rust/media', size: '30Ti', accessMode: AccessMode.READ_ONLY_MANY, mountOptions: ['nfsvers=4.2'] });
    expect(v.volumeName).toBe('media-library');
    expect(Testing.synth(ns).find((o: any) => o.kind === 'PersistentVolumeClaim')).toEqual({
      apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'library', namespace: 'media' },
      spec: { accessModes: ['ReadOnlyMany'], storageClassName: '', volumeName: 'media-library', resources: { requests: { storage: '30Ti' } } },
    });
    const pv = Testing.synth(cluster.clusterChart).find((o: any) => o.kind === 'PersistentVolume');
    expect(pv.spec).toEqual({
      capacity: { storage: '30Ti' }, accessModes: ['ReadOnlyMany'], persistentVolumeReclaimPolicy: 'Retain', storageClassName: '',
      mountOptions: ['nfsvers=4.2'], nfs: { server: '192.168.10.100', path: '/mnt/rust/media' }, claimRef: { namespace: 'media', name: 'library' },
    });
    expect(v.volume.singleAttach).toBe(false);
  });

  test('throws on a bad server, a relative path, a zero or misspelt size and outside a namespace', () => {
    const ns = () => new Namespace(testCluster(), 'media');
    expect(errorOf(() => new NfsVolume(ns(), 'x', { server: 'NAS_01', path: '/a', size: '1Gi' }))).toBe('[test/media/x] server = "NAS_01": not an IPv4 address or host name. Fix: use the NFS server\'s address, e.g. "192.168.10.100"');
    expect(errorOf(() => new NfsVolume(ns(), 'x', { server: 'nas', path: 'mnt/a', size: '1Gi' }))).toBe('[test/media/x] path = "mnt/a": an NFS export path is absolute. Fix: use "/mnt/a"');
    expect(errorOf(() => new NfsVolume(ns(), 'x', { server: 'nas', path: '/a', size: '0' }))).toBe('[test/media/x] size = "0": a volume must have a size above zero. Fix: give the export\'s usable size, e.g. "100Gi"');
    expect(errorOf(() => new NfsVolume(ns(), 'x', { server: 'nas', path: '/a', size: '1TB' }))).toBe('[test/media/x] size = "1TB": "TB" is not a Kubernetes memory unit. Fix: did you mean "1Ti"?');
    expect(errorOf(() => new NfsVolume(testCluster().clusterChart, 'x', { server: 'nas', path: '/a', size: '1Gi' }))).toBe('[test/cluster/x] scope = "test/cluster": an NFS volume needs a Namespace inside a Cluster. Fix: create it inside a Namespace');
  });
});

describe('NfsVolume: one id per scope (issue 8)', () => {
  test('a second volume of the same id names its path and asks for another id', () => {
    const ns = new Namespace(testCluster(), 'media');
    new NfsVolume(ns, 'library', { server: 'nas', path: '/mnt/media', size: '1Ti' });
    expect(errorOf(() => new NfsVolume(ns, 'library', { server: 'nas', path: '/mnt/other', size: '1Ti' }))).toBe(
      '[test/media/library] id = "library": test/media already has a construct with this id (NfsVolume), and ids are unique within their scope. Fix: choose another id (the id names the objects it synthesizes), or reuse the construct you created first');
  });
});
