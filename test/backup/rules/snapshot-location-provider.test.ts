import { snapshotLocationProviderRule } from '../../../lib';
import { Manifest } from '../../../lib/policies/rule';
import { findings, helmRelease, messages } from './manifests';

const veleroRelease = (values: any) => helmRelease('velero', values, '7.2.1');
const argoApplication = (values: any): Manifest => ({
  apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'velero-velero', namespace: 'argocd' },
  spec: { project: 'default', source: { repoURL: 'https://vmware-tanzu.github.io/helm-charts', chart: 'velero', targetRevision: '7.2.1', helm: { releaseName: 'velero', valuesObject: values } }, destination: { server: 'https://kubernetes.default.svc', namespace: 'velero' } },
});
const SEED_MESSAGE = 'chart value configuration.volumeSnapshotLocation[0] (VolumeSnapshotLocation default) has provider csi: there is no such volume snapshotter plugin, CSI snapshots need no VolumeSnapshotLocation';

describe('HK-BAK-13 reads the Velero chart values too', () => {
  test('seed 003: the chart values\' VSL default with provider csi (Flux and Argo CD)', () => {
    const values = { snapshotsEnabled: true, configuration: { volumeSnapshotLocation: [{ name: 'default', provider: 'csi' }], features: 'EnableCSI' } };
    const f = findings(snapshotLocationProviderRule, [veleroRelease(values)]);
    expect(f.map((x) => [x.level, x.kind, x.name, x.message, x.fix])).toEqual([['error', 'HelmRelease', 'velero', SEED_MESSAGE,
      'remove configuration.volumeSnapshotLocation[0] from the chart values; for CSI snapshots label a VolumeSnapshotClass of the driver velero.io/csi-volumesnapshot-class: "true"']]);
    expect(messages(snapshotLocationProviderRule, [argoApplication(values)])).toEqual([SEED_MESSAGE]);
  });

  test('every csi entry, velero.io/csi too, an unnamed one, and the object form of chart versions before 5', () => {
    const values = { configuration: { volumeSnapshotLocation: [{ name: 'aws', provider: 'aws' }, { name: 'longhorn-csi', provider: 'velero.io/csi' }, { provider: 'csi' }] } };
    expect(messages(snapshotLocationProviderRule, [veleroRelease(values)])).toEqual([
      'chart value configuration.volumeSnapshotLocation[1] (VolumeSnapshotLocation longhorn-csi) has provider velero.io/csi: there is no such volume snapshotter plugin, CSI snapshots need no VolumeSnapshotLocation',
      'chart value configuration.volumeSnapshotLocation[2] (VolumeSnapshotLocation default) has provider csi: there is no such volume snapshotter plugin, CSI snapshots need no VolumeSnapshotLocation',
    ]);
    expect(messages(snapshotLocationProviderRule, [veleroRelease({ configuration: { volumeSnapshotLocation: { name: 'default', provider: 'csi' } } })])).toEqual([
      'chart value configuration.volumeSnapshotLocation (VolumeSnapshotLocation default) has provider csi: there is no such volume snapshotter plugin, CSI snapshots need no VolumeSnapshotLocation',
    ]);
  });

  test('compliant: no locations, a plugin provider, snapshotsEnabled false (the chart renders none), other charts', () => {
    expect(messages(snapshotLocationProviderRule, [veleroRelease({}), veleroRelease({ configuration: { volumeSnapshotLocation: [] } })])).toEqual([]);
    expect(messages(snapshotLocationProviderRule, [veleroRelease({ configuration: { volumeSnapshotLocation: [{ name: 'aws', provider: 'aws', config: { region: 'us-east-1' } }] } })])).toEqual([]);
    expect(messages(snapshotLocationProviderRule, [veleroRelease({ snapshotsEnabled: false, configuration: { volumeSnapshotLocation: [{ name: 'default', provider: 'csi' }] } })])).toEqual([]);
    expect(messages(snapshotLocationProviderRule, [helmRelease('longhorn', { configuration: { volumeSnapshotLocation: [{ provider: 'csi' }] } })])).toEqual([]);
  });
});
