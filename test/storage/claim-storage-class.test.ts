import { AccessMode, AppVolume, AppWorkload, Namespace, Probe } from '../../lib';
import { errorOf, testCluster } from '../helpers';

describe('AppVolume.newClaim storage classes', () => {
  test('a class name, as before', () => {
    expect(AppVolume.newClaim({ size: '1Gi', storageClassName: 'local-path', labels: { a: 'b' } })._spec).toEqual({ kind: 'newClaim', options: { size: '1Gi', storageClassName: 'local-path', labels: { a: 'b' } } });
    expect(AppVolume.newClaim({ size: '1Gi', storageClassName: 'local-path' })._spec).toEqual({ kind: 'newClaim', options: { size: '1Gi', storageClassName: 'local-path', labels: undefined } });
  });

  test('a class object: its name and claim labels, the claim\'s own labels winning', () => {
    const cls = { storageClassName: 'fast', claimLabels: { 'recurring-job.longhorn.io/source': 'enabled', team: 'a' } };
    expect(AppVolume.newClaim({ size: '1Gi', storageClass: cls, labels: { team: 'b' }, accessMode: AccessMode.READ_WRITE_ONCE_POD })._spec).toEqual({
      kind: 'newClaim',
      options: { size: '1Gi', storageClassName: 'fast', accessMode: 'ReadWriteOncePod', labels: { 'recurring-job.longhorn.io/source': 'enabled', team: 'b' } },
    });
    expect(AppVolume.newClaim({ size: '1Gi', storageClass: cls, storageClassName: 'fast' })._spec).toMatchObject({ options: { storageClassName: 'fast' } });
  });

  test('refuses no class and two different classes, in the app that mounts the claim', () => {
    const ns = new Namespace(testCluster(), 'apps');
    const mount = (id: string, source: AppVolume) => () => new AppWorkload(ns, id, {
      image: 'docker.io/library/postgres:16.4-alpine', resources: { cpu: '100m', memory: '256Mi', memoryLimit: '512Mi' }, ports: [{ name: 'pg', port: 5432 }],
      volumes: { data: { mountPath: '/data', source } },
    });
    expect(errorOf(mount('a', AppVolume.newClaim({ size: '1Gi' }))))
      .toBe('[test/apps/a] volumes.data.source.storageClassName = undefined: a claim names its StorageClass. Fix: give storageClassName, or storageClass (e.g. longhorn.tier("nvme"))');
    expect(errorOf(mount('b', AppVolume.newClaim({ size: '1Gi', storageClassName: 'slow', storageClass: { storageClassName: 'fast' } }))))
      .toBe('[test/apps/b] volumes.data.source.storageClassName = "slow": disagrees with storageClass, which is "fast". Fix: give only one of storageClassName and storageClass');
  });

  test('an app renders the claim with the class and labels', () => {
    const ns = new Namespace(testCluster(), 'apps');
    new AppWorkload(ns, 'db', {
      image: 'docker.io/library/postgres:16.4-alpine', resources: { cpu: '100m', memory: '256Mi', memoryLimit: '512Mi' }, ports: [{ name: 'pg', port: 5432 }],
      probes: { readiness: Probe.exec(['pg_isready']), liveness: Probe.tcpSocket() },
      volumes: { data: { mountPath: '/data', source: AppVolume.newClaim({ size: '2Gi', storageClass: { storageClassName: 'fast', claimLabels: { tier: 'nvme' } } }) } },
    });
    const claim = ns.node.findAll().map((c: any) => c.toJson?.()).find((o: any) => o?.kind === 'PersistentVolumeClaim');
    expect(claim.spec.storageClassName).toBe('fast');
    expect(claim.metadata.labels.tier).toBe('nvme');
  });
});
