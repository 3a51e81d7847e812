import { Construct } from 'constructs';
import { AppSize, AppWorkload, Cluster, DataLocality, Distro, GitOpsEngine, Longhorn, Namespace, Probe, RecurringJobTask } from '../../lib';

/**
 * Longhorn storage tiers on a three-node cluster: two small nodes with one NVMe disk each and a
 * big node with NVMe and Optane disks. The tiers come from the profile's disks; the NVMe tier
 * keeps 3 replicas (one per node), the Optane tier 1 replica with a daily backup. A database
 * claims the NVMe tier and adds the hourly snapshot group to its volume.
 */
export function buildLonghornTiers(scope: Construct): Cluster {
  const cluster = new Cluster(scope, 'example', {
    profile: {
      distro: Distro.K3S,
      version: 'v1.32.5+k3s1',
      gitops: { engine: GitOpsEngine.FLUX, repoUrl: 'ssh://git@github.com/example/cluster', path: 'dist/examples/longhorn-tiers' },
      nodes: [
        { name: 'small-1', allocatable: { cpu: '4', memory: '15Gi' }, disks: [{ tier: 'nvme', capacity: '400Gi', path: '/var/lib/longhorn' }] },
        { name: 'small-2', allocatable: { cpu: '4', memory: '15Gi' }, disks: [{ tier: 'nvme', capacity: '400Gi', path: '/var/lib/longhorn' }] },
        {
          name: 'big', allocatable: { cpu: '32', memory: '250Gi' },
          disks: [
            { tier: 'nvme', capacity: '1800Gi', path: '/mnt/nvme-{1,2}/longhorn' },
            { tier: 'optane', capacity: '200Gi', path: '/mnt/optane-{1,2}/longhorn' },
          ],
        },
      ],
    },
  });

  const longhorn = new Longhorn(cluster, 'longhorn-system', {
    backupTarget: { url: 'nfs://192.168.10.100:/exports/longhorn-backups' },
    recurringJobs: {
      'snapshot-hourly': { task: RecurringJobTask.SNAPSHOT, cron: '5 * * * *', retain: 24, groups: ['hourly'] },
      'backup-daily': { task: RecurringJobTask.BACKUP, cron: '30 1 * * *', retain: 7, groups: ['daily'] },
    },
    tiers: {
      nvme: { recurringJobGroups: ['daily'] },
      optane: { recurringJobGroups: ['daily'], dataLocality: DataLocality.BEST_EFFORT },
    },
  });

  const ns = new Namespace(cluster, 'shop');
  new AppWorkload(ns, 'postgres', {
    image: 'docker.io/library/postgres:16.4-alpine',
    size: AppSize.MEDIUM,
    ports: [{ name: 'postgres', port: 5432 }],
    probes: { readiness: Probe.exec(['pg_isready', '-U', 'postgres']), liveness: Probe.tcpSocket() },
    volumes: {
      data: { mountPath: '/var/lib/postgresql/data', source: longhorn.tier('nvme').claim({ size: '20Gi', recurringJobGroups: ['hourly'] }) },
    },
  });
  return cluster;
}
