/**
 * Reference defects of the two real clusters (`../shared/reference/seed-repos.md`): objects that
 * name other objects which are not there (claims, ConfigMaps, Flux sources), a chart-values
 * VolumeSnapshotLocation Velero cannot use, and a Redis whose maxmemory leaves no headroom under its
 * memory limit. Each is modelled minimally, by hand where the library's constructs cannot express
 * it, on the real cluster's profile; the synth reports it (and blocks on errors). The hand-written
 * objects are valid Kubernetes 1.29 / CRD objects: the API server would take every one of them.
 */
import { App } from 'cdk8s';
import { AppSize, AppWorkload, Namespace, k8s } from '../../lib';
import { buildCortex } from '../../stacks/cortex';
import { buildHomelab } from '../../stacks/homelab';
import { blockedBy, byHand, cortex, deployment, expectHandWrittenValid, helmRelease, homelab, q, reported, res, warned } from './defect-helpers';

const REDIS = 'redis:7.2.5-alpine';

describe('cortex (seed-repos §2.4)', () => {
  test('redis-queue-pvc and youtube-data-pvc mounted but defined nowhere in Git: HK-SCR-04 names the pods that would stay Pending', () => {
    const cluster = cortex();
    const ns = new Namespace(cluster, 'cortex');
    deployment(ns, 'redis-queue', {
      containers: [{ name: 'redis', image: REDIS, command: ['redis-server', '--maxmemory', '384mb'], resources: res({ cpu: '100m', memory: '256Mi' }, { memory: '512Mi' }), volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'redis-queue-pvc' } }],
    }, { strategy: { type: 'Recreate' } });
    deployment(ns, 'youtube-ingestion', {
      containers: [{ name: 'youtube-ingestion', image: '10.43.170.72:5000/youtube-ingestion:1.0.0', resources: res({ cpu: '50m', memory: '64Mi' }, { memory: '192Mi' }), volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'youtube-data-pvc' } }],
    }, { strategy: { type: 'Recreate' } });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-SCR-04')).toEqual([
      'Deployment cortex/redis-queue: volume "data" claims PersistentVolumeClaim redis-queue-pvc, which is not in namespace cortex (claims there: none), so the pod stays Pending',
      'Deployment cortex/youtube-ingestion: volume "data" claims PersistentVolumeClaim youtube-data-pvc, which is not in namespace cortex (claims there: none), so the pod stays Pending',
    ]);
    expect(blockedBy(s)).toContain('HK-SCR-04');

    // defined next to the workload, the reference resolves
    const fixed = cortex();
    const fixedNs = new Namespace(fixed, 'cortex');
    byHand(new k8s.KubePersistentVolumeClaim(fixedNs, 'pvc', { metadata: { name: 'redis-queue-pvc' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'longhorn', resources: { requests: { storage: q('5Gi') } } } }));
    deployment(fixedNs, 'redis-queue', {
      containers: [{ name: 'redis', image: REDIS, command: ['redis-server', '--maxmemory', '384mb'], resources: res({ cpu: '100m', memory: '256Mi' }, { memory: '512Mi' }), volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'redis-queue-pvc' } }],
    }, { strategy: { type: 'Recreate' } });
    expect(reported(fixed.synthesize(), 'HK-SCR-04')).toEqual([]);
  });

  test('redis-queue running `redis-server --maxmemory 2gb` under a 2Gi limit: HK-X-08 blocks, with the 75% value as the fix', () => {
    const cluster = cortex();
    deployment(new Namespace(cluster, 'cortex'), 'redis-queue', {
      containers: [{
        name: 'redis', image: REDIS,
        command: ['redis-server', '--save', '60', '1000', '--maxmemory', '2gb', '--maxmemory-policy', 'allkeys-lru'],
        resources: res({ cpu: '100m', memory: '256Mi' }, { cpu: '1', memory: '2Gi' }),
      }],
    });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-X-08')).toEqual([
      'Deployment cortex/redis-queue: container "redis" runs Redis with --maxmemory 2gb (2Gi), 100% of its memory limit 2Gi: maxmemory counts only the dataset, '
        + 'so allocator fragmentation, client and replica buffers and the copy-on-write of a save fork take the container past its limit and the kernel OOM-kills Redis before it evicts anything',
    ]);
    expect(s.findings.find((f) => f.ruleId === 'HK-X-08')!.fix).toBe('set maxmemory to at most 75% of the memory limit (1536mb for 2Gi), or raise limits.memory to at least 2731Mi');
    expect(blockedBy(s)).toContain('HK-X-08');

    // the library's own Redis with no maxmemory at all only warns: the synth goes on
    const plain = cortex();
    new AppWorkload(new Namespace(plain, 'cortex'), 'redis-queue', { image: `docker.io/library/${REDIS}`, size: AppSize.SMALL, ports: [{ name: 'redis', port: 6379 }] });
    const p = plain.synthesize();
    expect(reported(p, 'HK-X-08')).toEqual([
      'Deployment cortex/redis-queue: container "redis-queue" runs Redis without maxmemory under a memory limit of 256Mi: Redis never evicts and grows until the kernel OOM-kills it at the limit',
    ]);
    expect(warned(p)).toContain('HK-X-08');
    expect(blockedBy(p)).not.toContain('HK-X-08');
  });
});

describe('homelab (seed-repos §1.2, §1.6, §1.9)', () => {
  test('the media apps\' envFrom ConfigMap rr-env left out of the tree (as plex/ was): HK-SCR-04; recyclarr-api-keys (never in Git) is listed under "Secrets to provide"', () => {
    const cluster = homelab();
    const media = new Namespace(cluster, 'media');
    deployment(media, 'sonarr', {
      containers: [{ name: 'sonarr', image: 'ghcr.io/home-operations/sonarr:4.0.14.2939', envFrom: [{ configMapRef: { name: 'rr-env' } }], resources: res({ cpu: '250m', memory: '512Mi' }, { memory: '2Gi' }) }],
    });
    byHand(new k8s.KubeCronJob(media, 'recyclarr', {
      metadata: { name: 'recyclarr' },
      spec: {
        schedule: '0 3 * * *',
        jobTemplate: { spec: { template: { spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'recyclarr', image: 'ghcr.io/recyclarr/recyclarr:7.4.1', args: ['sync'], envFrom: [{ secretRef: { name: 'recyclarr-api-keys' } }], resources: res({ cpu: '50m', memory: '128Mi' }, { memory: '256Mi' }) }],
        } } } },
      },
    }));
    const s = cluster.synthesize();
    expect(reported(s, 'HK-SCR-04')).toEqual([
      'Deployment media/sonarr: envFrom of container "sonarr" names ConfigMap rr-env, which is not in namespace media (ConfigMaps there: none), so the container fails with CreateContainerConfigError',
    ]);
    expect(blockedBy(s)).toContain('HK-SCR-04');
    const section = s.report.find((r) => r.title === 'Secrets to provide')!;
    expect(section.lines.filter((l) => l.startsWith('| media '))).toEqual(['| media | recyclarr-api-keys | all keys (envFrom) | CronJob recyclarr |']);
  });

  test('§1.2 / §1.11.5 the oauth2-proxy HelmRelease whose HelmRepository no kustomization includes: HK-API-05', () => {
    const cluster = homelab();
    const monitoring = new Namespace(cluster, 'monitoring');
    helmRelease(monitoring, 'oauth2-proxy-prometheus', 'oauth2-proxy', '7.7.1', 'oauth2-proxy', { config: { existingSecret: 'oauth2-proxy-prometheus-secret' } });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-API-05')).toEqual([
      'HelmRelease monitoring/oauth2-proxy-prometheus: spec.chart.spec.sourceRef names HelmRepository flux-system/oauth2-proxy, which is not in the object set (HelmRepositories in flux-system: none), so the chart is never fetched and the release never installs',
    ]);
    expect(blockedBy(s)).toContain('HK-API-05');
  });

  test('§1.6 the Velero chart values\' VolumeSnapshotLocation default with provider csi: HK-BAK-13 on the HelmRelease', () => {
    const cluster = homelab();
    const ns = new Namespace(cluster, 'velero', { podSecurity: 'privileged' });
    helmRelease(ns, 'velero', 'velero', '7.2.1', 'vmware-tanzu', {
      credentials: { useSecret: false }, deployNodeAgent: true, snapshotsEnabled: true, backupsEnabled: true,
      configuration: {
        backupStorageLocation: [{ name: 'default', provider: 'aws', bucket: 'placeholder', config: { region: 'us-east-1' } }],
        volumeSnapshotLocation: [{ name: 'default', provider: 'csi' }],
        features: 'EnableCSI',
      },
      initContainers: [{ name: 'velero-plugin-for-aws', image: 'velero/velero-plugin-for-aws:v1.8.2', volumeMounts: [{ mountPath: '/target', name: 'plugins' }] }],
    });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-BAK-13')).toEqual([
      'HelmRelease velero/velero: chart value configuration.volumeSnapshotLocation[0] (VolumeSnapshotLocation default) has provider csi: there is no such volume snapshotter plugin, CSI snapshots need no VolumeSnapshotLocation',
    ]);
    expect(blockedBy(s)).toContain('HK-BAK-13');
  });
});

describe('the real stacks, built the library\'s way', () => {
  test('reference nothing that is not there, keep Redis headroom, and list the Secrets to provide in REPORT.md', () => {
    for (const [build, expected] of [
      [buildHomelab, ['| media | recyclarr-api-keys | `radarr-api-key`, `sonarr-api-key` | CronJob recyclarr |', '| velero | b2-credentials | `cloud` | BackupStorageLocation b2-offsite |',
        // named only in chart values, declared with requireSecret by the stack
        '| monitoring | grafana-admin-credentials | `admin-password`, `admin-user` | homelab/monitoring/kube-prometheus-stack |',
        '| cert-manager | cloudflare-api-token | `api-token` | homelab/cert-manager/cert-manager |']],
      [buildCortex, ['| cortex | anthropic-api-key | `api-key` | Deployment cortex-orchestrator, Deployment cost-tracker, Deployment model-router, Deployment youtube-ingestion |']],
    ] as const) {
      const s = build(new App({ outdir: '/nonexistent' })).synthesize();
      expect(s.findings.filter((f) => ['HK-SCR-04', 'HK-API-05', 'HK-X-08', 'HK-BAK-13'].includes(f.ruleId))).toEqual([]);
      expect(s.report.find((r) => r.title === 'Secrets to provide')!.lines).toEqual(expect.arrayContaining([...expected]));
    }
  });
});

describe('the models above', () => {
  test('every hand-written defect is a valid Kubernetes 1.29 / CRD object', () => {
    expectHandWrittenValid(8);
  });
});
