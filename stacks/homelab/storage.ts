import { Construct } from 'constructs';
import { ChartUpstreams, Longhorn, OAuth2Proxy, RecurringJobTask } from '../../lib';
import { NFS_SERVER } from './profile';

/** Where Longhorn writes backups: the R730's NFS export the real cluster used. */
export const LONGHORN_BACKUP_TARGET = `nfs://${NFS_SERVER}:/mnt/nvme_storage/longhorn-backups`;

/**
 * Longhorn on the homelab, with one StorageClass per disk tier of the profile:
 *
 * | class | disks | replicas |
 * |---|---|---|
 * | longhorn-nvme (default) | k3s1, k3s2 `/var/lib/longhorn`; k3s3 `/mnt/nvme-{1,2}/k8s-pv` | 3 |
 * | longhorn-optane | k3s3 `/mnt/optane-{1,2}/k8s-pv` | 1 |
 * | longhorn-sas-ssd | k3s3 `/mnt/ssd-{1..7}/k8s-pv` | 1 |
 *
 * What differs from the real cluster (sudoflux/flux-k3s, seed 003):
 * - the tier classes select their disks (`diskSelector` = tier). At the seed every selector had been
 *   removed "temporarily", so optane/nvme/sas-ssd were tiers in name only;
 * - longhorn-sas-ssd has 1 replica, not 2: only k3s3 has SAS SSDs, so a second replica had no node
 *   to go to (HK-STO-01);
 * - the one-replica tiers (optane, sas-ssd) are backed up daily to the R730, and every tier takes
 *   hourly snapshots. No RecurringJob existed in Git; the documented hourly/daily jobs were
 *   imperative state;
 * - `csi.kubeletRootDir` is `/var/lib/kubelet` (the K3s path since v0.10), not the stale
 *   `/var/lib/rancher/k3s/agent/kubelet` the post-mortem told everyone never to change;
 * - no chart Ingress (it served the UI over plain HTTP with no auth): the UI is the ClusterIP
 *   Service longhorn-frontend:80, for the auth proxy;
 * - the `longhorn-replicated` class (3 replicas, no selector) is gone: longhorn-nvme is that class;
 * - the UI has one route, through an OAuth2-proxy front (`longhorn.<domain>`); the real cluster had
 *   three at once (a direct HTTPRoute, the proxy's, and the chart Ingress with TLS off).
 *
 * Node disks are created by Longhorn from node labels/annotations the operator applies once
 * (`operatorSteps`, also in REPORT.md); the disks must not be shared with static local PVs, as the
 * real repo's `local-ssd` PVs were.
 */
export class HomelabStorage extends Longhorn {
  constructor(scope: Construct) {
    super(scope, 'longhorn-system', {
      backupTarget: { url: LONGHORN_BACKUP_TARGET },
      recurringJobs: {
        // staggered away from the Velero schedules (02:00 daily, 03:00 Sunday)
        'snapshot-hourly': { task: RecurringJobTask.SNAPSHOT, cron: '7 * * * *', retain: 24, concurrency: 2, groups: ['snapshots'] },
        'backup-daily': { task: RecurringJobTask.BACKUP, cron: '30 1 * * *', retain: 7, concurrency: 2, groups: ['backups'], fullBackupInterval: 7 },
        'trim-weekly': { task: RecurringJobTask.FILESYSTEM_TRIM, cron: '45 4 * * 6', concurrency: 1, groups: ['snapshots'] },
      },
      tiers: {
        nvme: { recurringJobGroups: ['snapshots', 'backups'] },
        optane: { recurringJobGroups: ['snapshots', 'backups'] },
        'sas-ssd': { recurringJobGroups: ['snapshots', 'backups'] },
      },
    });
    new OAuth2Proxy(this, 'LonghornFront', { name: 'longhorn', ...ChartUpstreams.longhornUi() });
  }
}
