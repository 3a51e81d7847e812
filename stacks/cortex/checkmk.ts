import { Construct } from 'constructs';
import { AppVolume, AppWorkload, EnvValue, Images, Namespace, Probe, WorkloadKind, imageReference } from '../../lib';
import { STORAGE_CLASS, allowWritableRootFilesystem, resources, runAsImageUser } from './shapes';

/**
 * `checkmk` (ArgoCD app checkmk, from the `checkmk-*.yaml` files of apps/cortex-system): Checkmk
 * Raw as a StatefulSet with its site on a claim.
 *
 * Checkmk's entrypoint starts as root, creates or updates the site and starts it as the site
 * user through `omd`, so it cannot run under the restricted profile; the namespace enforces
 * Pod Security `baseline`, and the StatefulSet keeps the image's user with only the capabilities
 * the user switch needs, a writable root filesystem, and exemptions that say so.
 *
 * What differs from the real cluster: the floating `2.4.0-latest` tag is pinned; the site lives
 * on one Longhorn claim instead of two `local-path` claims; the `CriticalAddonsOnly` toleration
 * is dropped (monitoring is not a critical addon, and the tainted servers are kept for the
 * control plane); the admin password comes from a Secret.
 */
export class CheckmkNamespace extends Namespace {
  public readonly checkmk: AppWorkload;

  constructor(scope: Construct) {
    super(scope, 'checkmk', { podSecurity: 'baseline', labels: { 'app.kubernetes.io/part-of': 'cortex' } });
    this.checkmk = new AppWorkload(this, 'checkmk', {
      kind: WorkloadKind.STATEFUL_SET,
      image: imageReference(Images.checkmkRaw),
      resources: resources('100m', '256Mi', '512Mi'),
      ports: [{ name: 'http', port: 5000 }, { name: 'agent-receiver', port: 8000 }],
      healthCheck: Probe.httpGet('/cmk/check_mk/login.py'),
      env: { CMK_SITE_ID: 'cmk', CMK_PASSWORD: EnvValue.fromSecret('checkmk-credentials', 'cmkadmin-password') },
      // the site user (cmk, uid 1000) owns the site files
      security: { fsGroup: 1000 },
      volumes: { sites: { mountPath: '/omd/sites', source: AppVolume.newClaim({ size: '3Gi', storageClassName: STORAGE_CLASS }) } },
      writablePaths: ['/opt/omd/sites/cmk/tmp'],
      partOf: 'cortex',
    });
    const why = 'the Checkmk entrypoint starts as root to create and start the site as its site user (omd)';
    runAsImageUser(this.checkmk, ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETUID', 'SETGID', 'KILL'], why);
    allowWritableRootFilesystem(this.checkmk, `${why}; it writes the site's Apache config and /etc files at start`);
  }
}
