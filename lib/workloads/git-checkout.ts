import * as k8s from 'cdk8s-plus-29/lib/imports/k8s';
import { IConstruct } from 'constructs';
import { ValidationError } from '../core/errors';
import { Memory } from '../core/quantity';
import { Images, imageReference } from '../core/versions';
import { GitCheckoutOptions } from './volume';

/** Where git-sync writes inside its init container. */
const ROOT = '/git';
/** The symlink git-sync points at the checked-out worktree (`<mountPath>/current` in the app). */
export const GIT_CHECKOUT_LINK = 'current';

/** What {@link gitCheckout} renders for one volume. @internal */
export interface GitCheckoutRendering {
  readonly volume: k8s.Volume;
  readonly initContainer: k8s.Container;
}

/**
 * Validates a {@link GitCheckoutOptions} and renders its emptyDir and its git-sync init
 * container (`--one-time`, shallow, non-root, read-only root filesystem, HOME on the pod's
 * /tmp volume). Errors name `scope` and `prop` (e.g. `volumes.gitops.source.repository`).
 * @internal
 */
export function gitCheckout(scope: IConstruct, prop: string, volName: string, o: GitCheckoutOptions, ctx: {
  readonly internetEgress: boolean;
  readonly securityContext: k8s.SecurityContext;
  readonly tmpVolume: string;
}): GitCheckoutRendering {
  const url = /^https:\/\/([^/\s]+)\/\S+$/.exec(o.repository);
  if (!url) {
    throw new ValidationError(scope, {
      prop: `${prop}.repository`, value: o.repository,
      rule: 'a git checkout clones over https:// (an ssh or git:// URL needs a key or a daemon the pod does not have)',
      fix: 'use the repository\'s https:// URL, e.g. "https://github.com/org/repo.git"',
    });
  }
  const authority = url[1];
  if (authority.includes('@')) {
    throw new ValidationError(scope, {
      prop: `${prop}.repository`, value: o.repository.replace(/\/\/[^@/]*@/, '//<credentials>@'),
      rule: 'credentials in the repository URL end up in the manifest, in Git and in `kubectl get -o yaml`',
      fix: 'remove them from the URL: gitCheckout clones repositories that need no credentials',
    });
  }
  const ref = o.ref ?? 'main';
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(ref) || ref.includes('..')) {
    throw new ValidationError(scope, { prop: `${prop}.ref`, value: o.ref, rule: 'not a branch, tag or commit name', fix: 'use e.g. "main", "v1.2.3" or a commit hash' });
  }
  const depth = o.depth ?? 1;
  if (!Number.isInteger(depth) || depth < 1) {
    throw new ValidationError(scope, { prop: `${prop}.depth`, value: o.depth, rule: 'the clone depth must be a whole number of at least 1', fix: 'use 1 for the latest commit only' });
  }
  const host = authority.replace(/:\d+$/, '');
  const inCluster = /\.svc(\.cluster\.local)?$/.test(host);
  if (!inCluster && !ctx.internetEgress) {
    throw new ValidationError(scope, {
      prop: `${prop}.repository`, value: o.repository,
      rule: `the pod's NetworkPolicy allows no egress to ${host}, so the clone would time out and the pod would never start`,
      fix: 'set internetEgress: true on the app, or clone from an in-cluster git server (a *.svc host)',
    });
  }
  const sizeLimit = ValidationError.within(scope, `${prop}.sizeLimit`, () => Memory.parse(o.sizeLimit ?? '1Gi'));

  return {
    volume: { name: volName, emptyDir: { sizeLimit: k8s.Quantity.fromString(sizeLimit.toString()) } },
    initContainer: {
      name: `git-sync-${volName}`.slice(0, 63),
      image: imageReference(Images.gitSync),
      imagePullPolicy: 'IfNotPresent',
      args: [`--repo=${o.repository}`, `--ref=${ref}`, `--root=${ROOT}`, `--link=${GIT_CHECKOUT_LINK}`, `--depth=${depth}`, '--one-time'],
      env: [{ name: 'HOME', value: '/tmp' }],
      resources: {
        requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('64Mi') },
        limits: { memory: k8s.Quantity.fromString('256Mi') },
      },
      securityContext: ctx.securityContext,
      volumeMounts: [{ name: volName, mountPath: ROOT }, { name: ctx.tmpVolume, mountPath: '/tmp' }],
    },
  };
}
