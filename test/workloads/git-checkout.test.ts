import { Probe, AppSize, AppVolume, AppWorkload, AppWorkloadProps, GIT_CHECKOUT_LINK } from '../../lib';
import { createValidator } from '../schema/validator';
import { errorOf, one, synth, testNamespace } from '../helpers';

/** A readiness check for apps that serve no port (a long-running app must have one). */
const READY = Probe.exec(['/bin/healthy']);

const IMAGE = 'ghcr.io/example/app:1.2.3';
const REPO = 'https://github.com/ry-ops/cortex-gitops.git';

describe('AppVolume.gitCheckout', () => {
  const ns = testNamespace();
  new AppWorkload(ns, 'validator', {
    image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }], internetEgress: true,
    volumes: {
      gitops: { mountPath: '/gitops', source: AppVolume.gitCheckout({ repository: REPO }) },
      docs: { mountPath: '/docs', source: AppVolume.gitCheckout({ repository: 'https://github.com/ry-ops/cortex-docs.git', ref: 'v2', depth: 5, sizeLimit: '256Mi' }) },
    },
  });
  const objs = synth(ns);
  const pod = one(objs, 'Deployment', 'validator').spec.template.spec;

  test('renders one pinned, non-root, read-only git-sync init container per checkout, cloning once', () => {
    expect(pod.initContainers).toEqual([
      {
        name: 'git-sync-gitops',
        image: 'registry.k8s.io/git-sync/git-sync:v4.4.0',
        imagePullPolicy: 'IfNotPresent',
        args: [`--repo=${REPO}`, '--ref=main', '--root=/git', '--link=current', '--depth=1', '--one-time'],
        env: [{ name: 'HOME', value: '/tmp' }],
        resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } },
        securityContext: {
          allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, privileged: false, capabilities: { drop: ['ALL'] },
        },
        volumeMounts: [{ name: 'gitops', mountPath: '/git' }, { name: 'tmp', mountPath: '/tmp' }],
      },
      expect.objectContaining({
        name: 'git-sync-docs',
        args: ['--repo=https://github.com/ry-ops/cortex-docs.git', '--ref=v2', '--root=/git', '--link=current', '--depth=5', '--one-time'],
        volumeMounts: [{ name: 'docs', mountPath: '/git' }, { name: 'tmp', mountPath: '/tmp' }],
      }),
    ]);
  });

  test('the checkout lives in a size-limited emptyDir mounted read-only into the app', () => {
    expect(pod.volumes.filter((v: any) => v.name === 'gitops' || v.name === 'docs')).toEqual([
      { name: 'gitops', emptyDir: { sizeLimit: '1Gi' } },
      { name: 'docs', emptyDir: { sizeLimit: '256Mi' } },
    ]);
    expect(pod.containers[0].volumeMounts.filter((m: any) => m.name === 'gitops' || m.name === 'docs')).toEqual([
      { name: 'gitops', mountPath: '/gitops', readOnly: true },
      { name: 'docs', mountPath: '/docs', readOnly: true },
    ]);
    expect(GIT_CHECKOUT_LINK).toBe('current');
  });

  test('the Deployment validates against the Kubernetes schema', () => {
    expect(createValidator().validate(one(objs, 'Deployment', 'validator'))).toEqual([]);
  });

  test('an in-cluster git server needs no internet egress', () => {
    const ns2 = testNamespace();
    expect(() => new AppWorkload(ns2, 'app', { image: IMAGE, healthCheck: READY, size: AppSize.SMALL, volumes: { src: { mountPath: '/src', source: AppVolume.gitCheckout({ repository: 'https://gitea.git.svc.cluster.local:3000/org/repo.git' }) } } })).not.toThrow();
  });
});

describe('AppVolume.gitCheckout refuses', () => {
  const make = (source: AppVolume, extra: Partial<AppWorkloadProps> = {}) => () =>
    new AppWorkload(testNamespace(), 'web', { image: IMAGE, healthCheck: READY, size: AppSize.SMALL, internetEgress: true, volumes: { src: { mountPath: '/src', source } }, ...extra });

  test('an ssh URL', () => {
    expect(errorOf(make(AppVolume.gitCheckout({ repository: 'git@github.com:ry-ops/cortex-gitops.git' })))).toBe(
      '[test/apps/web] volumes.src.source.repository = "git@github.com:ry-ops/cortex-gitops.git": a git checkout clones over https:// (an ssh or git:// URL needs a key or a daemon the pod does not have). Fix: use the repository\'s https:// URL, e.g. "https://github.com/org/repo.git"');
  });

  test('credentials in the URL, without echoing them', () => {
    const message = errorOf(make(AppVolume.gitCheckout({ repository: 'https://bot:ghp_abc123@github.com/ry-ops/private.git' })));
    expect(message).toBe(
      '[test/apps/web] volumes.src.source.repository = "https://<credentials>@github.com/ry-ops/private.git": credentials in the repository URL end up in the manifest, in Git and in `kubectl get -o yaml`. Fix: remove them from the URL: gitCheckout clones repositories that need no credentials');
    expect(message).not.toContain('ghp_abc123');
  });

  test('a ref that is no branch, tag or commit name', () => {
    expect(errorOf(make(AppVolume.gitCheckout({ repository: REPO, ref: 'main; rm -rf /' })))).toBe(
      '[test/apps/web] volumes.src.source.ref = "main; rm -rf /": not a branch, tag or commit name. Fix: use e.g. "main", "v1.2.3" or a commit hash');
    expect(errorOf(make(AppVolume.gitCheckout({ repository: REPO, ref: '' })))).toBe(
      '[test/apps/web] volumes.src.source.ref = "": not a branch, tag or commit name. Fix: use e.g. "main", "v1.2.3" or a commit hash');
  });

  test('a depth below 1', () => {
    expect(errorOf(make(AppVolume.gitCheckout({ repository: REPO, depth: 0 })))).toBe(
      '[test/apps/web] volumes.src.source.depth = 0: the clone depth must be a whole number of at least 1. Fix: use 1 for the latest commit only');
  });

  test('a bad size limit', () => {
    expect(errorOf(make(AppVolume.gitCheckout({ repository: REPO, sizeLimit: '1GB' })))).toBe(
      '[test/apps/web] volumes.src.source.sizeLimit = "1GB": "GB" is not a Kubernetes memory unit. Fix: did you mean "1Gi"?');
  });

  test('a pod whose NetworkPolicy cannot reach the git host', () => {
    expect(errorOf(make(AppVolume.gitCheckout({ repository: REPO }), { internetEgress: false }))).toBe(
      '[test/apps/web] volumes.src.source.repository = "https://github.com/ry-ops/cortex-gitops.git": the pod\'s NetworkPolicy allows no egress to github.com, so the clone would time out and the pod would never start. Fix: set internetEgress: true on the app, or clone from an in-cluster git server (a *.svc host)');
  });

  test('a writable mount', () => {
    const bad = () => new AppWorkload(testNamespace(), 'web', {
      image: IMAGE, size: AppSize.SMALL, internetEgress: true, volumes: { src: { mountPath: '/src', source: AppVolume.gitCheckout({ repository: REPO }), readOnly: false } },
    });
    expect(errorOf(bad)).toBe(
      '[test/apps/web] volumes.src.readOnly = false: a git checkout is mounted read-only: the app reads the files in place, and a restart brings back a clean checkout. Fix: remove readOnly: false (copy the files to a writablePaths directory if the app must change them)');
  });
});
