import { helmReleaseOf, stringLeaves } from '../../lib';

describe('helmReleaseOf', () => {
  test('reads a Flux HelmRelease', () => {
    const m = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'lh', namespace: 'longhorn-system' }, spec: { releaseName: 'longhorn', chart: { spec: { chart: 'longhorn', version: '1.9.2' } }, values: { csi: { kubeletRootDir: '/var/lib/kubelet' } } } };
    expect(helmReleaseOf(m)).toEqual({ release: 'longhorn', namespace: 'longhorn-system', chart: 'longhorn', version: '1.9.2', values: { csi: { kubeletRootDir: '/var/lib/kubelet' } } });
  });
  test('reads an Argo CD Application with a Helm source, and ignores one with a path source', () => {
    const m = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'x-lh', namespace: 'argocd' }, spec: { destination: { namespace: 'longhorn-system' }, source: { chart: 'longhorn', targetRevision: '1.9.2', helm: { releaseName: 'longhorn' } } } };
    expect(helmReleaseOf(m)).toEqual({ release: 'longhorn', namespace: 'longhorn-system', chart: 'longhorn', version: '1.9.2', values: {} });
    expect(helmReleaseOf({ ...m, spec: { source: { path: 'apps' } } })).toBeUndefined();
    expect(helmReleaseOf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } })).toBeUndefined();
  });
});

describe('stringLeaves', () => {
  test('lists every string with its path', () => {
    expect(stringLeaves({ a: { b: 'x', n: 1 }, l: ['y', { c: 'z' }] })).toEqual([['a.b', 'x'], ['l[0]', 'y'], ['l[1].c', 'z']]);
  });
});
