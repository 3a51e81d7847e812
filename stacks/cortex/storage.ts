import { Construct } from 'constructs';
import { Longhorn, RecurringJobTask } from '../../lib';

/** The StorageClass of cortex's Longhorn volumes (Qdrant, redis-queue). */
export const CORTEX_STORAGE_CLASS = 'longhorn-default';

/**
 * Longhorn on cortex (installed by an Argo CD Application): one tier, `default`, on the four
 * workers' disks, 3 replicas each on a different worker, and a daily snapshot of every volume
 * (the `default` group).
 *
 * What differs from the real cluster: Longhorn lived outside cortex-gitops, and Qdrant's claim used
 * the chart's `longhorn` class. Its volume went "detached, faulted", and so did the replacement
 * (seed 000), and the repo moved Qdrant to an emptyDir. Here the class's replicas are checked
 * against the nodes that carry disks (construct-time and HK-STO-01), the claims times replicas
 * against the disks (HK-STO-04), and the chart's own `longhorn` class is neither default nor asked
 * for more replicas than nodes with disks.
 */
export class CortexStorage extends Longhorn {
  constructor(scope: Construct) {
    super(scope, 'longhorn-system', {
      recurringJobs: {
        'snapshot-daily': { task: RecurringJobTask.SNAPSHOT, cron: '20 1 * * *', retain: 7, groups: ['default'] },
      },
      tiers: { default: { storageClassName: CORTEX_STORAGE_CLASS } },
    });
  }
}
