import { App } from 'cdk8s';
import { AppSize, AppVolume, AppWorkload, BackupLadder, BackupRung, BackupSite, BackupStorageLocation, BackupTargetKind, Cluster, Criticality, Distro, EnvValue, GitOpsEngine, Namespace, Probe, Velero } from '../lib';

/**
 * A synthetic cluster of `apps` apps of mixed patterns (web apps with replicas and references,
 * stateful apps with claims, workers with config files), spread over namespaces of 50 apps and
 * over enough nodes to hold them, with Velero backing up every namespace daily (the backup
 * coverage rule wants every claim backed up).
 */
export function syntheticCluster(apps: number): Cluster {
  const nodes = Math.max(3, Math.ceil(apps / 40));
  const cluster = new Cluster(new App({ outdir: '/nonexistent' }), 'synthetic', {
    profile: {
      distro: Distro.K3S,
      version: 'v1.32.5+k3s1',
      nodes: Array.from({ length: nodes }, (_, i) => ({ name: `node-${i}`, allocatable: { cpu: '32', memory: '64Gi' } })),
      gitops: { engine: GitOpsEngine.FLUX, repoUrl: 'https://github.com/example/synthetic' },
    },
  });
  const velero = new Velero(cluster, 'velero');
  const location = new BackupStorageLocation(velero, 'backups', {
    target: { name: 'backups', kind: BackupTargetKind.MINIO, endpoint: 'https://minio.example.net', bucket: 'velero', site: BackupSite.ON_SITE },
    credential: { name: 'velero-credentials', key: 'cloud' }, default: true,
  });
  new BackupLadder(velero, 'cluster', { namespaces: ['*'], location, rungs: [BackupRung.daily({ hour: 2 })] });
  let ns: Namespace | undefined;
  let db: AppWorkload | undefined;
  for (let i = 0; i < apps; i++) {
    if (i % 50 === 0) {
      ns = new Namespace(cluster, `team-${i / 50}`);
      db = undefined;
    }
    const kind = i % 5;
    if (kind === 0 || !db) {
      db = new AppWorkload(ns!, `db-${i}`, {
        image: 'docker.io/library/postgres:16.4', size: AppSize.MEDIUM, criticality: Criticality.CRITICAL,
        ports: [{ name: 'postgres', port: 5432 }], probes: { readiness: Probe.exec(['pg_isready']), liveness: Probe.tcpSocket() },
        volumes: { data: { mountPath: '/var/lib/postgresql/data', source: AppVolume.newClaim({ size: '10Gi', storageClassName: 'longhorn' }) } },
      });
    } else if (kind === 4) {
      new AppWorkload(ns!, `worker-${i}`, {
        image: 'ghcr.io/example/worker:2.1.0', size: AppSize.SMALL, criticality: Criticality.OPTIONAL,
        ports: [{ name: 'metrics', port: 9090 }], healthCheck: Probe.httpGet('/healthz'),
        config: { main: { mountPath: '/etc/worker', files: { 'worker.yaml': `id: ${i}\nqueue: jobs\n` } } },
        env: { DB_HOST: EnvValue.serviceHost(db), DB_PORT: EnvValue.servicePort(db) },
      });
    } else {
      new AppWorkload(ns!, `web-${i}`, {
        image: 'ghcr.io/example/web:1.4.2', size: AppSize.SMALL, replicas: 2,
        ports: [{ name: 'http', port: 8080 }], healthCheck: Probe.httpGet('/ready'),
        env: { DATABASE_URL: EnvValue.serviceUrl(db, { scheme: 'postgres', path: '/app' }), DB_PASSWORD: EnvValue.fromSecret(`db-${i}`, 'password') },
      });
    }
  }
  return cluster;
}
