/**
 * The defects of the two real clusters (`../shared/reference/seed-repos.md`: homelab §1, cortex §2),
 * each modelled minimally in a fresh Cluster on the real cluster's profile. Each test shows that
 * the library refuses the defect at construction (a ValidationError) or reports it when the
 * cluster is synthesized (a finding with the rule id, blocking the synth when it is an error).
 *
 * Where the library's constructs cannot even express a defect, it is written by hand with
 * `k8s.Kube*` or imported CRD classes, as a user would: the policies judge rendered objects, so
 * hand-written ones too. Every hand-written object is also checked against the Kubernetes 1.29 /
 * CRD schemas at the end: the API server would accept each of these defects; only the library
 * stops them.
 */
import { Chart } from 'cdk8s';
import {
  AppRoute, AppSize, AppVolume, AppWorkload, BackupStorageLocation, BackupTargetKind, ChartUpstreams,
  ExternalService, GpuQuota, GpuVendor, Longhorn, Namespace, OAuth2Proxy, Probe, RouteAuth, Velero,
  VolumeSnapshotLocation, k8s, renderClusterTree,
} from '../../lib';
import * as velero from '../../lib/imports/velero.io';
import { errorOf, testCluster } from '../helpers';
import {
  ARR_ROOT, IMAGE, LONGHORN_BACKED_UP, blockedBy, byHand, cortex, daemonSet, deployment, expectHandWrittenValid, helmRelease, homelab, httpRoute, q, reported, res, selector, template, timeSlicedT4, warned,
} from './defect-helpers';

// ---------------------------------------------------------------------------------------------
// homelab: sudoflux/flux-k3s at the seed commit (seed 003)

describe('homelab defects (seed-repos §1)', () => {
  test('§1.11.1 Plex not deployed, §2.2 cortex-live in no Application: every app the program creates is in the GitOps tree and reconciled', () => {
    // The real kustomization simply did not list plex/. The library writes the kustomization.yaml
    // of every folder itself, so an app can only be left out by not creating it.
    const cluster = homelab();
    const media = new Namespace(cluster, 'media');
    for (const [name, port] of [['plex', 32400], ['sonarr', 8989]] as const) {
      new AppWorkload(media, name, { image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port }] });
    }
    const files = renderClusterTree(cluster, cluster.synthesize());
    expect(files.get('media/kustomization.yaml')).toBe('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - namespace\n  - plex\n  - sonarr\n');
    expect(files.get('kustomization.yaml')).toContain('  - media\n');
    expect([...files.keys()].filter((p) => p.startsWith('gitops/kustomization-media-'))).toEqual([
      'gitops/kustomization-media-namespace.yaml', 'gitops/kustomization-media-plex.yaml', 'gitops/kustomization-media-sonarr.yaml',
    ]);

    const c = cortex();
    new AppWorkload(new Namespace(c, 'cortex-live'), 'cortex-live', { image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }] });
    const tree = renderClusterTree(c, c.synthesize());
    expect([...tree.keys()].filter((p) => p.startsWith('gitops/application-cortex-live'))).toEqual([
      'gitops/application-cortex-live-namespace.yaml', 'gitops/application-cortex-live-cortex-live.yaml',
    ]);
  });

  test('§1.11.2 / §1.7 Prometheus routed straight to the server without auth: HK-EXP-01, and "public" is refused for it (HK-EXP-02)', () => {
    const cluster = homelab();
    const monitoring = new Namespace(cluster, 'monitoring');
    httpRoute(monitoring, 'prometheus', 'prometheus.fletcherlabs.net', 'kube-prometheus-stack-prometheus', 9090);
    new AppRoute(monitoring, 'PublicPrometheus', {
      backend: ExternalService.fromProfile(monitoring, 'monitoring', 'kube-prometheus-stack-prometheus'),
      name: 'prometheus-lan', auth: RouteAuth.public('only reachable from the home LAN anyway'),
    });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-EXP-01')).toEqual([
      'HTTPRoute monitoring/prometheus: HTTPRoute monitoring/prometheus sends prometheus.fletcherlabs.net to Service kube-prometheus-stack-prometheus:9090 with no auth declaration — Prometheus, a known admin/data UI, would be open to anyone (seed 003: Prometheus exposed without auth)',
    ]);
    expect(reported(s, 'HK-EXP-02')).toEqual([
      'HTTPRoute monitoring/prometheus-lan: HTTPRoute monitoring/prometheus-lan declares "public: only reachable from the home LAN anyway" but its backend Service kube-prometheus-stack-prometheus:9090 is Prometheus, an admin/data UI',
    ]);
    expect(blockedBy(s)).toEqual(expect.arrayContaining(['HK-EXP-01', 'HK-EXP-02']));
  });

  test('§1.4 / §1.9 the Hubble UI and Grafana routes with no auth declaration: HK-EXP-01', () => {
    const cluster = homelab();
    httpRoute(new Chart(cluster, 'kube-system', { namespace: 'kube-system' }), 'hubble-ui', 'hubble.fletcherlabs.net', 'hubble-ui', 80);
    httpRoute(new Namespace(cluster, 'monitoring'), 'grafana', 'grafana.fletcherlabs.net', 'kube-prometheus-stack-grafana', 80);
    const s = cluster.synthesize();
    expect(reported(s, 'HK-EXP-01')).toEqual([
      'HTTPRoute kube-system/hubble-ui: HTTPRoute kube-system/hubble-ui sends hubble.fletcherlabs.net to Service hubble-ui:80 with no auth declaration — Hubble UI, a known admin/data UI, would be open to anyone (seed 003: Prometheus exposed without auth)',
      'HTTPRoute monitoring/grafana: HTTPRoute monitoring/grafana sends grafana.fletcherlabs.net to Service kube-prometheus-stack-grafana:80 with no auth declaration — Grafana, a known admin/data UI, would be open to anyone (seed 003: Prometheus exposed without auth)',
    ]);
    expect(blockedBy(s)).toContain('HK-EXP-01');
  });

  test('§1.11.3 Longhorn UI with three routes: the direct HTTPRoute next to the OAuth2-proxy one (HK-EXP-01, HK-EXP-03) and the chart Ingress with TLS off (HK-EXP-04)', () => {
    const cluster = homelab();
    const longhorn = new Longhorn(cluster, 'longhorn-system', {
      ...LONGHORN_BACKED_UP,
      values: { ingress: { enabled: true, ingressClassName: 'cilium', host: 'longhorn.fletcherlabs.net', tls: false } },
    });
    new OAuth2Proxy(longhorn, 'LonghornFront', { name: 'longhorn', ...ChartUpstreams.longhornUi() });
    httpRoute(longhorn, 'longhorn-http-route', 'longhorn.fletcherlabs.net', 'longhorn-frontend', 80);
    const s = cluster.synthesize();
    expect(reported(s, 'HK-EXP-01')).toEqual([
      'HTTPRoute longhorn-system/longhorn-http-route: HTTPRoute longhorn-system/longhorn-http-route sends longhorn.fletcherlabs.net to Service longhorn-frontend:80 with no auth declaration — Longhorn UI, a known admin/data UI, would be open to anyone (seed 003: Prometheus exposed without auth)',
    ]);
    expect(reported(s, 'HK-EXP-03')).toHaveLength(1);
    expect(reported(s, 'HK-EXP-03')[0]).toMatch(/^HTTPRoute longhorn-system\/longhorn-http-route: HTTPRoute longhorn-system\/longhorn-http-route sends longhorn\.fletcherlabs\.net straight to Service longhorn-frontend:80, while HTTPRoute longhorn-system\/oauth2-proxy-longhorn sends the same host through the auth proxy Service oauth2-proxy-longhorn:4180/);
    expect(reported(s, 'HK-EXP-04')).toEqual([
      'HelmRelease longhorn-system/longhorn: HelmRelease longhorn-system/longhorn (chart longhorn 1.9.2) switches on ingress (Ingress) and publishes Longhorn UI, an admin/data UI, without an auth proxy',
    ]);
    expect(blockedBy(s)).toEqual(expect.arrayContaining(['HK-EXP-01', 'HK-EXP-03', 'HK-EXP-04']));
  });

  test('§1.11.4 / §1.6 the real schedules back no volume data up: the daily one snapshot-only on a non-CSI volume, the B2 off-site one paused: HK-BAK-01 names both', () => {
    const cluster = homelab();
    const auth = new Namespace(cluster, 'authentik');
    new AppWorkload(auth, 'postgresql', {
      image: 'docker.io/bitnami/postgresql:16.4.0', size: AppSize.SMALL, ports: [{ name: 'pg', port: 5432 }],
      volumes: { data: { mountPath: '/bitnami/postgresql', source: AppVolume.newClaim({ size: '8Gi', storageClassName: 'local-ssd' }) } },
    });
    const ns = new Namespace(cluster, 'velero', { podSecurity: 'privileged' });
    const location = (id: string, name: string, isDefault: boolean, bucket: string, region: string, s3Url: string, credential: string) => byHand(new velero.BackupStorageLocation(ns, id, {
      metadata: { name },
      spec: { provider: 'aws', default: isDefault, objectStorage: { bucket }, credential: { name: credential, key: 'cloud' }, config: { region, s3ForcePathStyle: 'true', s3Url } },
    }));
    location('minio', 'minio-local', true, 'velero-backups', 'us-east-1', 'http://minio.velero.svc.cluster.local:9000', 'minio-credentials');
    location('b2', 'b2-offsite', false, 'k3s-cluster-backups', 'us-west-001', 'https://s3.us-west-001.backblazeb2.com', 'b2-credentials');
    byHand(new velero.VolumeSnapshotLocation(ns, 'vsl', { metadata: { name: 'longhorn-csi' }, spec: { provider: 'csi' } }));
    byHand(new velero.Schedule(ns, 'daily', {
      metadata: { name: 'critical-daily-local' },
      spec: { schedule: '0 2 * * *', template: { includedNamespaces: ['authentik'], ttl: '168h', storageLocation: 'minio-local', volumeSnapshotLocations: ['longhorn-csi'] } },
    }));
    byHand(new velero.Schedule(ns, 'weekly', {
      metadata: { name: 'critical-weekly-offsite' },
      spec: { schedule: '0 4 * * 0', paused: true, template: { includedNamespaces: ['authentik'], ttl: '2160h', storageLocation: 'b2-offsite', snapshotVolumes: false } },
    }));
    const s = cluster.synthesize();
    expect(reported(s, 'HK-BAK-01')).toEqual([
      'PersistentVolumeClaim authentik/postgresql-data: PersistentVolumeClaim authentik/postgresql-data (8Gi) is not backed up: schedule critical-daily-local: it is not a CSI volume, so it cannot be snapshotted, and file-system backup is off (defaultVolumesToFsBackup); schedule critical-weekly-offsite: paused',
    ]);
    expect(blockedBy(s)).toContain('HK-BAK-01');
  });

  test('§1.11.6 / §1.3 OAuth client and cookie secrets committed in plaintext config: HK-SCR-02; the library\'s fronts reference a Secret by name only', () => {
    const cluster = homelab();
    const monitoring = new Namespace(cluster, 'monitoring');
    byHand(new k8s.KubeConfigMap(monitoring, 'temp-secret', {
      metadata: { name: 'oauth2-proxy-prometheus' },
      data: { 'client-id': 'prometheus', 'client-secret': 'x'.repeat(128), 'cookie-secret': 'y'.repeat(32) },
    }));
    const front = new OAuth2Proxy(monitoring, 'PrometheusFront', { name: 'prometheus', upstream: ExternalService.fromProfile(monitoring, 'monitoring', 'kube-prometheus-stack-prometheus') });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-SCR-02')).toEqual([
      'ConfigMap monitoring/oauth2-proxy-prometheus: ConfigMap key "client-secret" is named like a credential',
      'ConfigMap monitoring/oauth2-proxy-prometheus: ConfigMap key "cookie-secret" is named like a credential',
    ]);
    expect(blockedBy(s)).toContain('HK-SCR-02');
    const env = front.workload.controller.toJson().spec.template.spec.containers[0].env;
    expect(env.filter((e: any) => /SECRET/.test(e.name))).toEqual([
      { name: 'OAUTH2_PROXY_CLIENT_SECRET', valueFrom: { secretKeyRef: { name: 'oauth2-proxy-prometheus', key: 'client-secret' } } },
      { name: 'OAUTH2_PROXY_COOKIE_SECRET', valueFrom: { secretKeyRef: { name: 'oauth2-proxy-prometheus', key: 'cookie-secret' } } },
    ]);
  });

  test('§1.11.7 / §1.5 longhorn-sas-ssd with 2 replicas on disks only k3s3 has: refused by Longhorn, HK-STO-01 on a hand-written class', () => {
    expect(errorOf(() => new Longhorn(homelab(), 'longhorn-system', { ...LONGHORN_BACKED_UP, tiers: { 'sas-ssd': { replicas: 2 } } }))).toBe(
      '[homelab/longhorn-system] tiers.sas-ssd.replicas = 2: tier "sas-ssd" has disks on 1 node (k3s3), so 2 replicas cannot sit on different nodes: every volume would run degraded with 1 of 2 replicas, and be faulted once those fail (the cortex Qdrant volume went faulted this way). Fix: use at most 1 replica with a backup job, or add sas-ssd disks to more nodes in the profile',
    );
    const cluster = homelab();
    // the class as commit f078b84 had it, before the selectors were removed "temporarily"
    byHand(new k8s.KubeStorageClass(cluster.clusterChart, 'sas-ssd', {
      metadata: { name: 'longhorn-sas-ssd' }, provisioner: 'driver.longhorn.io', reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate', allowVolumeExpansion: true,
      parameters: { numberOfReplicas: '2', dataLocality: 'best-effort', staleReplicaTimeout: '2880', fsType: 'ext4', diskSelector: 'sas-ssd' },
    }));
    const s = cluster.synthesize();
    expect(reported(s, 'HK-STO-01')).toEqual([
      'StorageClass longhorn-sas-ssd: StorageClass longhorn-sas-ssd asks for 2 replicas, but only 1 node carries disks tagged sas-ssd (k3s3): replicas need a node each, so every volume would run degraded with 1 of 2 replicas, and be faulted once those fail',
    ]);
    expect(blockedBy(s)).toContain('HK-STO-01');
  });

  test('§1.5 / §1.11.7 the one-replica Optane tier with no RecurringJob in Git: refused by Longhorn, HK-STO-02 on the hand-written class', () => {
    expect(errorOf(() => new Longhorn(homelab(), 'longhorn-system'))).toBe(
      '[homelab/longhorn-system] tiers.optane.replicas = 1: tier "optane" keeps a single copy of each volume (on k3s3) and no job is in the default group it gets: losing that disk loses the data. Fix: add a backup job\'s group to tiers.optane.recurringJobGroups (with a backupTarget), or use more replicas after adding optane disks to another node',
    );
    const cluster = homelab();
    byHand(new k8s.KubeStorageClass(cluster.clusterChart, 'optane', {
      metadata: { name: 'longhorn-optane' }, provisioner: 'driver.longhorn.io', reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate', allowVolumeExpansion: true,
      parameters: { numberOfReplicas: '1', dataLocality: 'strict-local', staleReplicaTimeout: '2880', fsType: 'ext4' },
    }));
    const s = cluster.synthesize();
    expect(reported(s, 'HK-STO-02')).toEqual([
      'StorageClass longhorn-optane: StorageClass longhorn-optane keeps one replica per volume, and its volumes\' jobs (group default: none) include no backup: losing the disk loses the data',
    ]);
    expect(blockedBy(s)).toContain('HK-STO-02');
  });

  test('§1.5 longhorn-nvme marked default next to the chart\'s own default longhorn class: HK-STO-07', () => {
    const cluster = homelab();
    const ns = new Namespace(cluster, 'longhorn-system', { podSecurity: 'privileged' });
    // the real values: createDefaultStorageClass is no key of the chart, so persistence.defaultClass stays true
    helmRelease(ns, 'longhorn', 'longhorn', '1.6.2', 'longhorn', { csi: { kubeletRootDir: '/var/lib/kubelet' }, createDefaultStorageClass: false, defaultSettings: { defaultReplicaCount: 3 } });
    byHand(new k8s.KubeStorageClass(cluster.clusterChart, 'nvme', {
      metadata: { name: 'longhorn-nvme', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'driver.longhorn.io',
      parameters: { numberOfReplicas: '3', dataLocality: 'best-effort', diskSelector: 'nvme' },
    }));
    const s = cluster.synthesize();
    expect(reported(s, 'HK-STO-07')).toEqual(['HelmRelease longhorn-system/longhorn: the Longhorn chart\'s StorageClass longhorn is marked default, and so is longhorn-nvme']);
    expect(blockedBy(s)).toContain('HK-STO-07');
  });

  test('§1.5 the stale kubelet path /var/lib/rancher/k3s/agent/kubelet in the Longhorn values: HK-STO-06', () => {
    const cluster = homelab();
    new Longhorn(cluster, 'longhorn-system', { ...LONGHORN_BACKED_UP, values: { csi: { kubeletRootDir: '/var/lib/rancher/k3s/agent/kubelet' } } });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-STO-06')).toEqual([
      'HelmRelease longhorn-system/longhorn: chart value csi.kubeletRootDir = "/var/lib/rancher/k3s/agent/kubelet" is a kubelet directory, but the kubelet of this cluster runs in /var/lib/kubelet (profile.kubeletRootDir)',
    ]);
    expect(blockedBy(s)).toContain('HK-STO-06');
  });

  test('§1.6 the Velero node agent mounting the stale kubelet pods path: HK-STO-06 (and HK-SEC-12 for the host path)', () => {
    const cluster = homelab();
    const ns = new Namespace(cluster, 'velero', { podSecurity: 'privileged' });
    daemonSet(ns, 'node-agent', {
      tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
      containers: [{
        name: 'node-agent', image: 'velero/velero:v1.14.1', resources: res({ cpu: '100m', memory: '128Mi' }, { memory: '512Mi' }),
        volumeMounts: [{ name: 'host-pods', mountPath: '/var/lib/rancher/k3s/agent/kubelet/pods', readOnly: true }],
      }],
      volumes: [{ name: 'host-pods', hostPath: { path: '/var/lib/rancher/k3s/agent/kubelet/pods' } }],
    });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-STO-06')).toEqual([
      'DaemonSet velero/node-agent: volume "host-pods" mounts host path /var/lib/rancher/k3s/agent/kubelet/pods, which lies under the kubelet directory /var/lib/rancher/k3s/agent/kubelet, but the kubelet of this cluster runs in /var/lib/kubelet (profile.kubeletRootDir)',
    ]);
    expect(reported(s, 'HK-SEC-12')).toEqual(['DaemonSet velero/node-agent: volume "host-pods" is a hostPath volume (/var/lib/rancher/k3s/agent/kubelet/pods)']);
    expect(blockedBy(s)).toEqual(expect.arrayContaining(['HK-STO-06', 'HK-SEC-12']));
  });

  test('§1.6 MinIO with its one drive on an NFS PersistentVolume ("0 drives provided"): HK-BAK-09; an NFS Velero target is refused', () => {
    const cluster = homelab();
    const ns = new Namespace(cluster, 'velero', { podSecurity: 'privileged' });
    byHand(new k8s.KubePersistentVolume(cluster.clusterChart, 'minio-pv', {
      metadata: { name: 'minio-backup-pv' },
      spec: { capacity: { storage: q('500Gi') }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', storageClassName: '', nfs: { server: '192.168.10.100', path: '/mnt/nvme_storage/velero-backups' } },
    }));
    byHand(new k8s.KubePersistentVolumeClaim(ns, 'minio-pvc', {
      metadata: { name: 'minio-backup-pvc' },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: '', volumeName: 'minio-backup-pv', resources: { requests: { storage: q('500Gi') } } },
    }));
    deployment(ns, 'minio', {
      containers: [{ name: 'minio', image: 'minio/minio:RELEASE.2024-06-13T22-53-53Z', args: ['server', '/data', '--console-address', ':9001'], resources: res({ cpu: '100m', memory: '256Mi' }, { memory: '1Gi' }), volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'minio-backup-pvc' } }],
    });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-BAK-09')).toEqual([
      'Deployment velero/minio: Deployment velero/minio, container "minio" keeps its drive /data on NFS (claim minio-backup-pvc: PersistentVolume minio-backup-pv → NFS 192.168.10.100:/mnt/nvme_storage/velero-backups); MinIO does not support NFS drives, takes the drive offline and then fails every listing with "listPathRaw: 0 drives provided"',
    ]);
    expect(blockedBy(s)).toContain('HK-BAK-09');
    const v = new Velero(homelab());
    expect(() => new BackupStorageLocation(v, 'nfs', { target: { name: 'nfs', kind: BackupTargetKind.NFS, endpoint: 'nfs://192.168.10.100:/mnt/nvme_storage/velero-backups' }, credential: { name: 'x' } }))
      .toThrow('Velero writes backups to object stores only; an NFS export is a Longhorn backup target');
  });

  test('§1.6 VolumeSnapshotLocation longhorn-csi with provider csi: refused by VolumeSnapshotLocation, HK-BAK-13 on the hand-written one', () => {
    const v = new Velero(homelab());
    expect(errorOf(() => new VolumeSnapshotLocation(v, 'longhorn-csi', { provider: 'csi' }))).toMatch(
      /^\[homelab\/velero\/longhorn-csi\] provider = "csi": CSI snapshots are built into Velero since 1\.14 and take no VolumeSnapshotLocation; one with provider csi fails every snapshotting backup \("unable to locate VolumeSnapshotter plugin named velero\.io\/csi"\)\. Fix: /,
    );
    const cluster = homelab();
    const ns = new Namespace(cluster, 'velero', { podSecurity: 'privileged' });
    byHand(new velero.VolumeSnapshotLocation(ns, 'vsl', { metadata: { name: 'longhorn-csi' }, spec: { provider: 'csi' } }));
    const s = cluster.synthesize();
    expect(reported(s, 'HK-BAK-13')).toEqual(['VolumeSnapshotLocation velero/longhorn-csi: spec.provider is csi: there is no such volume snapshotter plugin, CSI snapshots need no VolumeSnapshotLocation']);
    expect(blockedBy(s)).toContain('HK-BAK-13');
  });

  test('§1.6 the chart\'s placeholder default location next to minio-local (default: true): HK-BAK-06', () => {
    const cluster = homelab();
    const ns = new Namespace(cluster, 'velero', { podSecurity: 'privileged' });
    helmRelease(ns, 'velero', 'velero', '7.2.1', 'vmware-tanzu', {
      credentials: { useSecret: false }, deployNodeAgent: true,
      configuration: { backupStorageLocation: [{ name: 'default', provider: 'aws', bucket: 'placeholder', default: true, config: { region: 'us-east-1' } }], features: 'EnableCSI' },
      initContainers: [{ name: 'velero-plugin-for-aws', image: 'velero/velero-plugin-for-aws:v1.8.2', volumeMounts: [{ mountPath: '/target', name: 'plugins' }] }],
    });
    byHand(new velero.BackupStorageLocation(ns, 'minio', {
      metadata: { name: 'minio-local' },
      spec: { provider: 'aws', default: true, objectStorage: { bucket: 'velero-backups' }, credential: { name: 'minio-credentials', key: 'cloud' }, config: { region: 'us-east-1', s3ForcePathStyle: 'true', s3Url: 'http://minio.velero.svc.cluster.local:9000' } },
    }));
    const s = cluster.synthesize();
    expect(reported(s, 'HK-BAK-06')).toEqual([
      'HelmRelease velero/velero: chart value configuration.backupStorageLocation[0] of HelmRelease velero/velero is a second default: minio-local is already the default BackupStorageLocation; Velero needs exactly one',
    ]);
    expect(blockedBy(s)).toContain('HK-BAK-06');
  });

  test('§1.6 the B2 location without checksumAlgorithm (why the real repo pinned the AWS plugin down to v1.8.2): HK-BAK-08 with the library\'s plugin', () => {
    const cluster = homelab();
    const v = new Velero(cluster);
    new BackupStorageLocation(v, 'minio-local', { target: 'minio-local', credential: { name: 'minio-credentials' }, default: true });
    byHand(new velero.BackupStorageLocation(v, 'b2', {
      metadata: { name: 'b2-offsite' },
      spec: { provider: 'aws', default: false, objectStorage: { bucket: 'k3s-cluster-backups' }, credential: { name: 'b2-credentials', key: 'cloud' }, config: { region: 'us-west-001', s3ForcePathStyle: 'true', s3Url: 'https://s3.us-west-001.backblazeb2.com' } },
    }));
    const s = cluster.synthesize();
    expect(reported(s, 'HK-BAK-08')).toEqual([
      `BackupStorageLocation velero/b2-offsite: spec.config of BackupStorageLocation b2-offsite is a backblaze-b2 store without checksumAlgorithm: "", so velero-plugin-for-aws ${v.awsPluginVersion} sends CRC32 checksum headers the store rejects (XAmzContentSHA256Mismatch) and uploads fail`,
    ]);
    expect(blockedBy(s)).toContain('HK-BAK-08');
  });

  test('§1.7 / §1.11.9 an Authentik issuer without the trailing slash: refused by OAuth2Proxy, HK-EXP-05 on a hand-written proxy', () => {
    const ns = new Namespace(homelab(), 'monitoring');
    expect(errorOf(() => new OAuth2Proxy(ns, 'Front', {
      name: 'prometheus', upstream: ExternalService.fromProfile(ns, 'monitoring', 'kube-prometheus-stack-prometheus'),
      issuerUrl: 'https://authentik.fletcherlabs.net/application/o/prometheus',
    }))).toMatch(/^\[homelab\/monitoring\/Front\] issuerUrl = "https:\/\/authentik\.fletcherlabs\.net\/application\/o\/prometheus": Authentik publishes this issuer with a trailing slash and oauth2-proxy compares issuers byte for byte, so OIDC discovery fails with an issuer mismatch \(the seed 003 "no trailing slash" lesson is wrong\)\. Fix: /);

    const cluster = homelab();
    const monitoring = new Namespace(cluster, 'monitoring');
    deployment(monitoring, 'oauth2-proxy-prometheus', {
      containers: [{
        name: 'oauth2-proxy', image: 'quay.io/oauth2-proxy/oauth2-proxy:v7.6.0', ports: [{ name: 'http', containerPort: 4180 }], resources: res({ cpu: '10m', memory: '32Mi' }, { cpu: '100m', memory: '128Mi' }),
        args: ['--provider=oidc', '--oidc-issuer-url=https://authentik.fletcherlabs.net/application/o/prometheus', '--upstream=http://kube-prometheus-stack-prometheus:9090', '--cookie-expire=24h', '--cookie-refresh=1h'],
        env: [{ name: 'OAUTH2_PROXY_COOKIE_SECRET', valueFrom: { secretKeyRef: { name: 'oauth2-proxy-prometheus-secret', key: 'cookie-secret' } } }],
      }],
    });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-EXP-05')).toHaveLength(1);
    expect(reported(s, 'HK-EXP-05')[0]).toMatch(/^Deployment monitoring\/oauth2-proxy-prometheus: container "oauth2-proxy" has --oidc-issuer-url=https:\/\/authentik\.fletcherlabs\.net\/application\/o\/prometheus: Authentik publishes this issuer as "https:\/\/authentik\.fletcherlabs\.net\/application\/o\/prometheus\/", with a trailing slash/);
    expect(blockedBy(s)).toContain('HK-EXP-05');
  });

  test('§1.7 the DNS hairpin: a front with no in-cluster answer for authentik.fletcherlabs.net fails discovery (HK-EXP-06); the hostAliases workaround is a warning (HK-EXP-07) and needs a reason', () => {
    const cluster = homelab();
    const monitoring = new Namespace(cluster, 'monitoring');
    new OAuth2Proxy(monitoring, 'Front', { name: 'prometheus', upstream: ExternalService.fromProfile(monitoring, 'monitoring', 'kube-prometheus-stack-prometheus') });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-EXP-06')).toHaveLength(1);
    expect(reported(s, 'HK-EXP-06')[0]).toMatch(/^Deployment monitoring\/oauth2-proxy-prometheus: container "oauth2-proxy-prometheus" discovers its identity provider at authentik\.fletcherlabs\.net, a name this cluster's own gateway serves, but nothing resolves authentik\.fletcherlabs\.net to the gateway 192\.168\.10\.224 inside the cluster/);
    expect(blockedBy(s)).toContain('HK-EXP-06');

    const c2 = homelab();
    const m2 = new Namespace(c2, 'monitoring');
    deployment(m2, 'oauth2-proxy-longhorn', {
      hostAliases: [{ ip: '192.168.10.224', hostnames: ['authentik.fletcherlabs.net'] }],
      containers: [{ name: 'oauth2-proxy', image: 'quay.io/oauth2-proxy/oauth2-proxy:v7.6.0', args: ['--provider=oidc', '--oidc-issuer-url=https://authentik.fletcherlabs.net/application/o/longhorn/'], resources: res({ cpu: '10m', memory: '32Mi' }, { memory: '128Mi' }) }],
    });
    const s2 = c2.synthesize();
    expect(reported(s2, 'HK-EXP-07')).toEqual(['Deployment monitoring/oauth2-proxy-longhorn: pins authentik.fletcherlabs.net → 192.168.10.224 in /etc/hosts of its pods; the cluster DNS does not know these answers']);
    expect(warned(s2)).toContain('HK-EXP-07');
    expect(errorOf(() => new OAuth2Proxy(new Namespace(homelab(), 'monitoring'), 'Front', { name: 'longhorn', ...ChartUpstreams.longhornUi(), hostAliases: { reason: 'hairpin' } })))
      .toMatch(/hostAliases\.reason = "hairpin": hostAliases are an explicit fallback and need a reason of at least 10 characters/);
  });

  test('§1.7 oauth2-proxy-longhorn with no security context at all: HK-SEC-02, -03, -06, -08, -09', () => {
    const cluster = homelab();
    const ns = new Namespace(cluster, 'longhorn-system', { podSecurity: 'privileged' });
    deployment(ns, 'oauth2-proxy-longhorn', {
      containers: [{ name: 'oauth2-proxy', image: 'quay.io/oauth2-proxy/oauth2-proxy:v7.6.0', args: ['--provider=oidc', '--oidc-issuer-url=https://authentik.fletcherlabs.net/application/o/longhorn/'], resources: res({ cpu: '10m', memory: '32Mi' }, { cpu: '100m', memory: '128Mi' }) }],
    }, { replicas: 2 });
    const s = cluster.synthesize();
    expect(['HK-SEC-02', 'HK-SEC-03', 'HK-SEC-06', 'HK-SEC-08', 'HK-SEC-09'].map((id) => reported(s, id))).toEqual([
      ['Deployment longhorn-system/oauth2-proxy-longhorn: container "oauth2-proxy" does not set allowPrivilegeEscalation (it defaults to true)'],
      ['Deployment longhorn-system/oauth2-proxy-longhorn: container "oauth2-proxy" does not set runAsNonRoot, and neither does the pod'],
      ['Deployment longhorn-system/oauth2-proxy-longhorn: container "oauth2-proxy" does not drop ALL capabilities (capabilities.drop is not set)'],
      ['Deployment longhorn-system/oauth2-proxy-longhorn: container "oauth2-proxy" does not set readOnlyRootFilesystem (the root filesystem is writable)'],
      ['Deployment longhorn-system/oauth2-proxy-longhorn: container "oauth2-proxy" has no seccompProfile, and neither does the pod'],
    ]);
    expect(blockedBy(s)).toEqual(expect.arrayContaining(['HK-SEC-02', 'HK-SEC-03', 'HK-SEC-06', 'HK-SEC-08', 'HK-SEC-09']));
  });

  test('§1.8 / §1.11.8 the ai quota of one nvidia.com/gpu against Ollama and Automatic1111 each requesting one: HK-GPU-02', () => {
    const cluster = homelab();
    timeSlicedT4(cluster);
    const ai = new Namespace(cluster, 'ai');
    for (const [name, memory] of [['ollama', '6Gi'], ['automatic1111', '8Gi']] as const) {
      new AppWorkload(ai, name, { image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }], gpu: { vendor: GpuVendor.NVIDIA, memory } });
    }
    new GpuQuota(ai, 'gpu-quota', { hard: { 'nvidia.com/gpu': 1 } });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-GPU-02')).toEqual([
      'ResourceQuota ai/gpu-quota: ResourceQuota ai/gpu-quota allows requests.nvidia.com/gpu: 1, but the namespace\'s pods request 2: ai/ollama (1), ai/automatic1111 (1). The API server refuses the pods beyond the quota ("exceeded quota")',
    ]);
    expect(blockedBy(s)).toContain('HK-GPU-02');
  });

  test('§1.8 the gpu-quota limits.nvidia.com/gpu key, never enforced: HK-GPU-03; GpuQuota refuses the prefix', () => {
    const cluster = homelab();
    const ai = new Namespace(cluster, 'ai');
    byHand(new k8s.KubeResourceQuota(ai, 'gpu-quota', { metadata: { name: 'gpu-quota' }, spec: { hard: { 'requests.nvidia.com/gpu': q(1), 'limits.nvidia.com/gpu': q(1), 'requests.gpu.intel.com/i915': q(0), 'limits.gpu.intel.com/i915': q(0) } } }));
    const s = cluster.synthesize();
    expect(reported(s, 'HK-GPU-03')).toEqual([
      'ResourceQuota ai/gpu-quota: limits.gpu.intel.com/i915 is never enforced: quotas count extended resources only as requests.gpu.intel.com/i915',
      'ResourceQuota ai/gpu-quota: limits.nvidia.com/gpu is never enforced: quotas count extended resources only as requests.nvidia.com/gpu',
    ]);
    expect(warned(s)).toContain('HK-GPU-03');
    expect(errorOf(() => new GpuQuota(new Namespace(homelab(), 'ai'), 'gpu-quota', { hard: { 'limits.nvidia.com/gpu': 1 } }))).toBe(
      '[homelab/ai/gpu-quota] hard.limits.nvidia.com/gpu = "limits.nvidia.com/gpu": give the resource name without a prefix; the quota writes requests.<resource>, the only prefix enforced for extended resources. Fix: use "nvidia.com/gpu"',
    );
  });

  test('§1.8 the time-slicing config without failRequestsGreaterThanOne: HK-GPU-09', () => {
    const cluster = homelab();
    const ns = new Namespace(cluster, 'nvidia-device-plugin', { podSecurity: 'privileged' });
    byHand(new k8s.KubeConfigMap(ns, 'config', {
      metadata: { name: 'nvidia-device-plugin-config' },
      data: { 't4-time-sliced': 'version: v1\nsharing:\n  timeSlicing:\n    resources:\n    - name: nvidia.com/gpu\n      replicas: 4\n' },
    }));
    helmRelease(ns, 'nvidia-device-plugin', 'nvidia-device-plugin', '0.14.5', 'nvidia', { nodeSelector: { gpu: 'nvidia' }, runtimeClassName: 'nvidia', config: { name: 'nvidia-device-plugin-config' } });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-GPU-09')).toEqual([
      'ConfigMap nvidia-device-plugin/nvidia-device-plugin-config: ConfigMap nvidia-device-plugin/nvidia-device-plugin-config, key "t4-time-sliced": sharing.timeSlicing.failRequestsGreaterThanOne is not true, so a pod may take several slices of one GPU for nothing',
    ]);
    expect(warned(s)).toContain('HK-GPU-09');
  });

  test('§1.8 / §1.11.11 DCGM exporter privileged as root with SYS_ADMIN, NVIDIA_VISIBLE_DEVICES=all and no GPU request: HK-SEC-01, -04, -07, HK-GPU-06, -07', () => {
    const cluster = homelab();
    const monitoring = new Namespace(cluster, 'monitoring', { podSecurity: 'privileged' });
    daemonSet(monitoring, 'dcgm-exporter', {
      runtimeClassName: 'nvidia', nodeSelector: { 'kubernetes.io/hostname': 'k3s3' },
      containers: [{
        name: 'exporter', image: 'nvcr.io/nvidia/k8s/dcgm-exporter:3.3.5-3.4.0-ubuntu22.04', args: ['-f', '/etc/dcgm-exporter/dcp-metrics-included.csv'],
        env: [{ name: 'NVIDIA_DRIVER_CAPABILITIES', value: 'utility' }, { name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }],
        securityContext: { privileged: true, runAsUser: 0, capabilities: { add: ['SYS_ADMIN'] } },
        resources: res({ cpu: '100m', memory: '128Mi' }, { cpu: '500m', memory: '256Mi' }),
      }],
    });
    const s = cluster.synthesize();
    expect(['HK-SEC-01', 'HK-SEC-04', 'HK-SEC-07', 'HK-GPU-06', 'HK-GPU-07'].map((id) => reported(s, id))).toEqual([
      ['DaemonSet monitoring/dcgm-exporter: container "exporter" sets privileged to true'],
      ['DaemonSet monitoring/dcgm-exporter: container "exporter" sets runAsUser to 0 (root)'],
      ['DaemonSet monitoring/dcgm-exporter: container "exporter" adds capability SYS_ADMIN; only NET_BIND_SERVICE may be added'],
      ['DaemonSet monitoring/dcgm-exporter: container "exporter" sets NVIDIA_VISIBLE_DEVICES=all, which overrides the device plugin\'s allocation'],
      ['DaemonSet monitoring/dcgm-exporter: runs with runtimeClassName nvidia but no container requests an nvidia.com resource, so it sees every GPU of the node'],
    ]);
    expect(blockedBy(s)).toEqual(expect.arrayContaining(['HK-SEC-01', 'HK-SEC-04', 'HK-SEC-07', 'HK-GPU-06', 'HK-GPU-07']));
  });

  test('§1.9 Ollama with NVIDIA_VISIBLE_DEVICES=all: refused by AppWorkload, HK-GPU-06 on a hand-written Deployment', () => {
    const ai = new Namespace(homelab(), 'ai');
    expect(errorOf(() => new AppWorkload(ai, 'ollama', { image: 'docker.io/ollama/ollama:0.9.0', size: AppSize.LARGE, ports: [{ name: 'http', port: 11434 }], env: { NVIDIA_VISIBLE_DEVICES: 'all' } })))
      .toMatch(/^\[homelab\/ai\/ollama\] env\.NVIDIA_VISIBLE_DEVICES = "all": NVIDIA_VISIBLE_DEVICES picks GPUs behind the device plugin's back/);
    const cluster = homelab();
    timeSlicedT4(cluster);
    deployment(new Namespace(cluster, 'ai'), 'ollama', {
      runtimeClassName: 'nvidia', nodeSelector: { 'kubernetes.io/hostname': 'k3s3' },
      containers: [{
        name: 'ollama', image: 'docker.io/ollama/ollama:0.9.0', resources: res({ cpu: '2', memory: '8Gi', 'nvidia.com/gpu': '1' }, { cpu: '8', memory: '32Gi', 'nvidia.com/gpu': '1' }),
        env: [{ name: 'OLLAMA_HOST', value: '0.0.0.0' }, { name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }, { name: 'NVIDIA_DRIVER_CAPABILITIES', value: 'compute,utility' }],
      }],
    }, { strategy: { type: 'Recreate' } });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-GPU-06')).toEqual(['Deployment ai/ollama: container "ollama" sets NVIDIA_VISIBLE_DEVICES=all, which overrides the device plugin\'s allocation']);
    expect(blockedBy(s)).toContain('HK-GPU-06');
  });

  test('§1.9 Ollama and Automatic1111 running privileged: HK-SEC-01', () => {
    const cluster = homelab();
    timeSlicedT4(cluster);
    const ai = new Namespace(cluster, 'ai');
    for (const name of ['ollama', 'automatic1111']) {
      deployment(ai, name, {
        runtimeClassName: 'nvidia', nodeSelector: { 'kubernetes.io/hostname': 'k3s3' },
        containers: [{ name, image: IMAGE, securityContext: { privileged: true }, resources: res({ cpu: '2', memory: '8Gi', 'nvidia.com/gpu': '1' }, { cpu: '8', memory: '16Gi', 'nvidia.com/gpu': '1' }) }],
      }, { strategy: { type: 'Recreate' } });
    }
    const s = cluster.synthesize();
    expect(reported(s, 'HK-SEC-01')).toEqual([
      'Deployment ai/ollama: container "ollama" sets privileged to true',
      'Deployment ai/automatic1111: container "automatic1111" sets privileged to true',
    ]);
    expect(blockedBy(s)).toContain('HK-SEC-01');
  });

  test('§1.8 / §1.9 two GPU apps time-sliced on the 16Gi T4 with no GPU memory declared: refused by AppWorkload, HK-GPU-05 by hand, HK-GPU-04 when they do not fit', () => {
    const lab = homelab();
    timeSlicedT4(lab);
    expect(errorOf(() => new AppWorkload(new Namespace(lab, 'ai'), 'ollama', { image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port: 11434 }], gpu: { vendor: GpuVendor.NVIDIA } })))
      .toMatch(/^\[homelab\/ai\/ollama\] gpu\.memory = undefined: a pod on a time-sliced NVIDIA GPU must declare the GPU memory it uses: time-slicing has no memory isolation/);

    const cluster = homelab();
    timeSlicedT4(cluster);
    const ai = new Namespace(cluster, 'ai');
    for (const name of ['ollama', 'automatic1111']) {
      deployment(ai, name, {
        runtimeClassName: 'nvidia', nodeSelector: { 'kubernetes.io/hostname': 'k3s3' },
        containers: [{ name, image: IMAGE, resources: res({ cpu: '2', memory: '8Gi', 'nvidia.com/gpu': '1' }, { cpu: '8', memory: '16Gi', 'nvidia.com/gpu': '1' }) }],
      }, { strategy: { type: 'Recreate' } });
    }
    const s = cluster.synthesize();
    expect(reported(s, 'HK-GPU-05')).toEqual([
      'Deployment ai/ollama: requests nvidia.com/gpu on a time-sliced GPU without declaring its GPU memory (annotation hardened-homelab.io/gpu-memory)',
      'Deployment ai/automatic1111: requests nvidia.com/gpu on a time-sliced GPU without declaring its GPU memory (annotation hardened-homelab.io/gpu-memory)',
    ]);

    const full = homelab();
    timeSlicedT4(full);
    const ai2 = new Namespace(full, 'ai');
    for (const [name, memory] of [['ollama', '10Gi'], ['automatic1111', '8Gi']] as const) {
      new AppWorkload(ai2, name, { image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }], gpu: { vendor: GpuVendor.NVIDIA, memory } });
    }
    const s2 = full.synthesize();
    expect(reported(s2, 'HK-GPU-04')).toHaveLength(1);
    expect(reported(s2, 'HK-GPU-04')[0]).toMatch(/^Deployment ai\/ollama: the pods sharing the Tesla T4 on k3s3 \(time-sliced ×4 \(config "t4-time-sliced"\)\) declare 18Gi of GPU memory \(ai\/ollama 10Gi, ai\/automatic1111 8Gi\), more than its 16Gi/);
    expect(blockedBy(s2)).toContain('HK-GPU-04');
  });

  test('§1.9 / §1.11.12 media apps as root with privilege escalation, `latest` tags and no probes: refused by AppWorkload, HK-SEC-02/-03/-04, HK-IMG-01, HK-PRB-01 by hand', () => {
    expect(errorOf(() => new AppWorkload(new Namespace(homelab(), 'media'), 'sonarr', {
      image: 'lscr.io/linuxserver/sonarr:4.0.15', size: AppSize.SMALL, ports: [{ name: 'http', port: 8989 }], security: { runAsUser: 0, runAsGroup: 0 },
    }))).toBe('[homelab/media/sonarr] security = {"runAsUser":0,"runAsGroup":0}: running as root (uid or gid 0) is refused: the seed\'s `runAsUser: 0` "fix" hid a writable-path problem. Fix: keep the default non-root user and give the app writablePaths or a writable config copy');

    const cluster = homelab();
    const media = new Namespace(cluster, 'media');
    deployment(media, 'sonarr', {
      containers: [{ name: 'main', image: 'linuxserver/sonarr:latest', ports: [{ name: 'http', containerPort: 8989 }], securityContext: ARR_ROOT, resources: res({ cpu: '250m', memory: '512Mi' }, { cpu: '2', memory: '2Gi' }) }],
    });
    const s = cluster.synthesize();
    expect(['HK-SEC-02', 'HK-SEC-03', 'HK-SEC-04', 'HK-IMG-01', 'HK-PRB-01'].map((id) => reported(s, id))).toEqual([
      ['Deployment media/sonarr: container "main" sets allowPrivilegeEscalation to true'],
      ['Deployment media/sonarr: container "main" sets runAsNonRoot to false'],
      ['Deployment media/sonarr: container "main" sets runAsUser to 0 (root)'],
      ['Deployment media/sonarr: container "main" image "linuxserver/sonarr:latest" uses the floating tag "latest"'],
      ['Deployment media/sonarr: container "main" has no readinessProbe'],
    ]);
    expect(blockedBy(s)).toEqual(expect.arrayContaining(['HK-SEC-02', 'HK-SEC-03', 'HK-SEC-04', 'HK-IMG-01', 'HK-PRB-01']));

    // the library with a floating tag still gets HK-IMG-01
    const lib = homelab();
    new AppWorkload(new Namespace(lib, 'media'), 'sonarr', { image: 'lscr.io/linuxserver/sonarr:latest', size: AppSize.SMALL, ports: [{ name: 'http', port: 8989 }], healthCheck: Probe.httpGet('/ping') });
    expect(reported(lib.synthesize(), 'HK-IMG-01')).toEqual(['Deployment media/sonarr: container "sonarr" image "lscr.io/linuxserver/sonarr:latest" uses the floating tag "latest"']);
  });

  test('§1.9 Open WebUI on the `main` branch tag, Recyclarr on `latest` with no resources: HK-IMG-01, HK-RES-01, HK-RES-02', () => {
    const cluster = homelab();
    deployment(new Namespace(cluster, 'ai'), 'open-webui', {
      containers: [{ name: 'open-webui', image: 'ghcr.io/open-webui/open-webui:main', ports: [{ name: 'http', containerPort: 8080 }], resources: res({ cpu: '500m', memory: '1Gi' }, { cpu: '2', memory: '4Gi' }) }],
    });
    byHand(new k8s.KubeCronJob(new Namespace(cluster, 'media'), 'recyclarr', {
      metadata: { name: 'recyclarr' },
      spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'recyclarr', image: 'ghcr.io/recyclarr/recyclarr:latest', args: ['sync'] }] } } } } },
    }));
    const s = cluster.synthesize();
    expect(reported(s, 'HK-IMG-01')).toEqual([
      'Deployment ai/open-webui: container "open-webui" image "ghcr.io/open-webui/open-webui:main" uses the floating tag "main"',
      'CronJob media/recyclarr: container "recyclarr" image "ghcr.io/recyclarr/recyclarr:latest" uses the floating tag "latest"',
    ]);
    expect(reported(s, 'HK-RES-01')).toEqual([
      'CronJob media/recyclarr: container "recyclarr" does not set resources.requests.cpu',
      'CronJob media/recyclarr: container "recyclarr" does not set resources.requests.memory',
    ]);
    expect(reported(s, 'HK-RES-02')).toEqual(['CronJob media/recyclarr: container "recyclarr" does not set resources.limits.memory']);
    expect(blockedBy(s)).toEqual(expect.arrayContaining(['HK-IMG-01', 'HK-RES-01', 'HK-RES-02']));
  });

  test('§1.9 Jellyfin reaching the iGPU through a /dev/dri hostPath: HK-SEC-12', () => {
    const cluster = homelab();
    deployment(new Namespace(cluster, 'media'), 'jellyfin', {
      nodeSelector: { 'kubernetes.io/hostname': 'k3s1' },
      containers: [{
        name: 'jellyfin', image: 'lscr.io/linuxserver/jellyfin:10.9.11', ports: [{ name: 'http', containerPort: 8096 }],
        resources: res({ cpu: '1', memory: '2Gi', 'gpu.intel.com/i915': '1' }, { cpu: '4', memory: '8Gi', 'gpu.intel.com/i915': '1' }), volumeMounts: [{ name: 'dri', mountPath: '/dev/dri' }],
      }],
      volumes: [{ name: 'dri', hostPath: { path: '/dev/dri' } }],
    });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-SEC-12')).toEqual(['Deployment media/jellyfin: volume "dri" is a hostPath volume (/dev/dri)']);
    expect(blockedBy(s)).toContain('HK-SEC-12');
  });

  test('§1.9 the Ollama API and Automatic1111 (insecure extension access) routed with no auth: HK-EXP-01', () => {
    const cluster = homelab();
    const ai = new Namespace(cluster, 'ai');
    for (const [name, port, host] of [['ollama', 11434, 'ollama'], ['automatic1111', 7860, 'sd']] as const) {
      new AppWorkload(ai, name, { image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port }] });
      httpRoute(ai, name, `${host}.fletcherlabs.net`, name, port);
    }
    const s = cluster.synthesize();
    expect(reported(s, 'HK-EXP-01')).toEqual([
      'HTTPRoute ai/ollama: HTTPRoute ai/ollama sends ollama.fletcherlabs.net to Service ollama:11434 with no auth declaration — Ollama API, a known admin/data UI, would be open to anyone (seed 003: Prometheus exposed without auth)',
      'HTTPRoute ai/automatic1111: HTTPRoute ai/automatic1111 sends sd.fletcherlabs.net to Service automatic1111:7860 with no auth declaration — Automatic1111 (Stable Diffusion web UI), a known admin/data UI, would be open to anyone (seed 003: Prometheus exposed without auth)',
    ]);
    expect(blockedBy(s)).toContain('HK-EXP-01');
  });

  test('§1.10 Prometheus on a Longhorn volume with fsGroup and no fsGroupChangePolicy (the "Longhorn fsGroup bug"): HK-STO-05', () => {
    const cluster = homelab();
    byHand(new k8s.KubeStorageClass(cluster.clusterChart, 'nvme', { metadata: { name: 'longhorn-nvme' }, provisioner: 'driver.longhorn.io', parameters: { numberOfReplicas: '3', diskSelector: 'nvme' } }));
    const monitoring = new Namespace(cluster, 'monitoring');
    byHand(new k8s.KubeStatefulSet(monitoring, 'prometheus', {
      metadata: { name: 'prometheus' },
      spec: {
        serviceName: 'prometheus', replicas: 1, selector: { matchLabels: selector('prometheus') },
        template: template('prometheus', {
          securityContext: { runAsUser: 1000, runAsNonRoot: true, fsGroup: 2000 },
          containers: [{ name: 'prometheus', image: 'quay.io/prometheus/prometheus:v2.54.1', resources: res({ cpu: '1', memory: '4Gi' }, { cpu: '4', memory: '10Gi' }), volumeMounts: [{ name: 'data', mountPath: '/prometheus' }] }],
        }),
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'longhorn-nvme', resources: { requests: { storage: q('50Gi') } } } }],
      },
    }));
    const s = cluster.synthesize();
    expect(reported(s, 'HK-STO-05')).toEqual([
      'StatefulSet monitoring/prometheus: StatefulSet monitoring/prometheus sets fsGroup 2000 and mounts Longhorn volumeClaimTemplate "data" with fsGroupChangePolicy unset (Always): the kubelet re-owns every file on every mount',
    ]);
    expect(blockedBy(s)).toContain('HK-STO-05');
  });
});

// ---------------------------------------------------------------------------------------------
// cortex: ry-ops/cortex-gitops at the seed commit (seed 000)

const REGISTRY = '10.43.170.72:5000';

describe('cortex defects (seed-repos §2)', () => {
  test('§2.1 / seed 000 memory requests at 96% of the nodes that may take them: HK-X-04', () => {
    const cluster = cortex();
    new AppWorkload(new Namespace(cluster, 'cortex-school'), 'implementation-workers', {
      image: IMAGE, resources: { cpu: '100m', memory: '5700Mi', memoryLimit: '5800Mi' }, replicas: 5, ports: [{ name: 'http', port: 8080 }],
    });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-X-04')).toEqual([
      'Deployment cortex-school/implementation-workers: memory requests total 28500Mi, 96% of the 29645Mi allocatable on the nodes they may run on (k3s-master03, k3s-worker01, k3s-worker02, k3s-worker03, k3s-worker04); the limit is 85%. Largest: Deployment cortex-school/implementation-workers with 28500Mi',
    ]);
    expect(blockedBy(s)).toContain('HK-X-04');
  });

  test('§2.3 QDRANT_PORT=tcp://… injected by service links into rag-validator: HK-X-02', () => {
    const cluster = cortex();
    const school = new Namespace(cluster, 'cortex-school');
    new AppWorkload(school, 'qdrant', { image: 'docker.io/qdrant/qdrant:v1.7.4', size: AppSize.SMALL, ports: [{ name: 'http', port: 6333 }, { name: 'grpc', port: 6334 }] });
    deployment(school, 'rag-validator', {
      containers: [{ name: 'rag-validator', image: `${REGISTRY}/cortex-rag-validator:1.0.0`, env: [{ name: 'QDRANT_URL', value: 'http://qdrant.cortex-school.svc.cluster.local:6333' }], resources: res({ cpu: '100m', memory: '256Mi' }, { cpu: '500m', memory: '1Gi' }) }],
    });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-X-02')).toEqual([
      'Deployment cortex-school/rag-validator: enableServiceLinks is not false: the kubelet injects QDRANT_PORT=tcp://<cluster-ip>:6333, QDRANT_SERVICE_HOST, … which shadow app settings (the cortex rag-validator crash)',
    ]);
    expect(blockedBy(s)).toContain('HK-X-02');
  });

  test('§2.3 REDIS_HOST naming redis.cortex while the Service is redis-queue (and §2.7 redis-queue.cortex-youtube at HEAD): HK-X-03', () => {
    const cluster = cortex();
    new AppWorkload(new Namespace(cluster, 'cortex'), 'redis-queue', { image: 'docker.io/library/redis:7.2.5-alpine', size: AppSize.SMALL, ports: [{ name: 'redis', port: 6379 }] });
    const school = new Namespace(cluster, 'cortex-school');
    new AppWorkload(school, 'school-coordinator', { image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }], env: { REDIS_HOST: 'redis.cortex.svc.cluster.local', REDIS_PORT: '6379' } });
    new AppWorkload(school, 'health-monitor', { image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }], env: { REDIS_HOST: 'redis-queue.cortex-youtube.svc.cluster.local' } });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-X-03')).toEqual([
      'Deployment cortex-school/school-coordinator: env REDIS_HOST of container "school-coordinator" names Service redis.cortex, which does not exist (Services in cortex: llmd-service, redis-queue)',
      'Deployment cortex-school/health-monitor: env REDIS_HOST of container "health-monitor" names Service redis-queue.cortex-youtube, which does not exist (no Services in cortex-youtube)',
    ]);
    expect(blockedBy(s)).toContain('HK-X-03');
  });

  test('§2.4 / §2.5 deployments breaking their own namespace\'s LimitRange (redis-queue cpu 10×, memory 8×; youtube-ingestion 25m below the 50m min): HK-X-21', () => {
    const cluster = cortex();
    const ns = new Chart(cluster, 'cortex', { namespace: 'cortex' });
    byHand(new k8s.KubeLimitRange(ns, 'cortex-limits', {
      metadata: { name: 'cortex-limits' },
      spec: {
        limits: [
          { type: 'Container', default: { cpu: q('500m'), memory: q('512Mi') }, defaultRequest: { cpu: q('100m'), memory: q('128Mi') }, min: { cpu: q('50m'), memory: q('64Mi') }, max: { cpu: q('4'), memory: q('8Gi') }, maxLimitRequestRatio: { cpu: q('4'), memory: q('2') } },
          { type: 'Pod', max: { cpu: q('8'), memory: q('16Gi') } },
        ],
      },
    }));
    deployment(ns, 'redis-queue', { containers: [{ name: 'redis', image: 'redis:7.2.5-alpine', resources: res({ cpu: '100m', memory: '256Mi' }, { cpu: '1', memory: '2Gi' }) }] });
    deployment(ns, 'youtube-ingestion', { containers: [{ name: 'youtube-ingestion', image: `${REGISTRY}/youtube-ingestion:1.0.0`, resources: res({ cpu: '25m', memory: '64Mi' }, { cpu: '100m', memory: '192Mi' }) }] });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-X-21')).toEqual([
      'Deployment cortex/redis-queue: container "redis" cpu limit/request ratio 10 exceeds the LimitRange cortex-limits maxLimitRequestRatio 4 (the pod would be rejected at admission)',
      'Deployment cortex/redis-queue: container "redis" memory limit/request ratio 8 exceeds the LimitRange cortex-limits maxLimitRequestRatio 2 (the pod would be rejected at admission)',
      'Deployment cortex/youtube-ingestion: container "youtube-ingestion" cpu request 25m is below the LimitRange cortex-limits min 50m (the pod would be rejected at admission)',
      'Deployment cortex/youtube-ingestion: container "youtube-ingestion" memory limit/request ratio 3 exceeds the LimitRange cortex-limits maxLimitRequestRatio 2 (the pod would be rejected at admission)',
    ]);
    expect(reported(s, 'HK-RES-04')).toEqual(['Deployment cortex/redis-queue: container "redis" has a memory burst ratio of 8 (limits.memory 2Gi / requests.memory 256Mi); keep it at most 4']);
    expect(blockedBy(s)).toContain('HK-X-21');
  });

  test('§2.4 cortex-orchestrator pinned to a CriticalAddonsOnly master: HK-X-04 names the pod that stays Pending', () => {
    const cluster = cortex();
    new AppWorkload(new Namespace(cluster, 'cortex'), 'cortex-orchestrator', { image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }], nodes: ['k3s-master01'] });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-X-04')).toEqual(['Deployment cortex/cortex-orchestrator: 1 of 1 pod(s) would stay Pending: no node tolerates its taints and matches its node selector, affinity and GPUs']);
    expect(blockedBy(s)).toContain('HK-X-04');

    const byHandCluster = cortex();
    deployment(new Namespace(byHandCluster, 'cortex'), 'cortex-orchestrator', {
      nodeSelector: { 'kubernetes.io/hostname': 'k3s-master01' },
      containers: [{ name: 'cortex-orchestrator', image: `${REGISTRY}/cortex-api:1.0.0`, resources: res({ cpu: '100m', memory: '128Mi' }, { cpu: '400m', memory: '256Mi' }) }],
    });
    expect(reported(byHandCluster.synthesize(), 'HK-X-04')).toEqual(['Deployment cortex/cortex-orchestrator: 1 of 1 pod(s) would stay Pending: no node tolerates its taints and matches its node selector, affinity and GPUs']);
  });

  test('§2.4 / §2.6 infrastructure credentials inline in plaintext env: HK-SCR-01, HK-X-01', () => {
    const cluster = cortex();
    new AppWorkload(new Namespace(cluster, 'cortex'), 'cortex-orchestrator', {
      image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }],
      env: { PROXMOX_PASSWORD: 'hunter2-proxmox', UNIFI_API_KEY: 'abcd1234efgh5678', DATABASE_URL: 'postgresql://cortex:s3cr3tpass@postgres.cortex-system:5432/cortex' },
    });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-SCR-01')).toEqual([
      'Deployment cortex/cortex-orchestrator: container "cortex-orchestrator" env PROXMOX_PASSWORD is named like a credential and has a literal value',
      'Deployment cortex/cortex-orchestrator: container "cortex-orchestrator" env UNIFI_API_KEY is named like a credential and has a literal value',
    ]);
    expect(reported(s, 'HK-X-01')).toEqual(['Deployment cortex/cortex-orchestrator: container "cortex-orchestrator" env DATABASE_URL embeds a password in a URI']);
    expect(blockedBy(s)).toEqual(expect.arrayContaining(['HK-SCR-01', 'HK-X-01']));
  });

  test('§2.5 redis-pdb minAvailable 1 on a single-replica redis (blocks drains): HK-AVL-05', () => {
    const cluster = cortex();
    const dev = new Namespace(cluster, 'cortex-dev');
    const redis = new AppWorkload(dev, 'redis', { image: 'docker.io/library/redis:7.2.5-alpine', size: AppSize.SMALL, ports: [{ name: 'redis', port: 6379 }] });
    byHand(new k8s.KubePodDisruptionBudget(dev, 'redis-pdb', { metadata: { name: 'redis-pdb' }, spec: { minAvailable: k8s.IntOrString.fromNumber(1), unhealthyPodEvictionPolicy: 'AlwaysAllow', selector: { matchLabels: { ...redis.podSelector } } } }));
    const s = cluster.synthesize();
    expect(reported(s, 'HK-AVL-05')).toEqual(['PodDisruptionBudget cortex-dev/redis-pdb: PodDisruptionBudget cortex-dev/redis-pdb requires minAvailable 1 but Deployment cortex-dev/redis runs 1 replica, so no pod can ever be evicted']);
    expect(blockedBy(s)).toContain('HK-AVL-05');
  });

  test('§2.5 cortex-queue-worker-pdb with unhealthyPodEvictionPolicy IfHealthyBudget on a crash-looping worker: HK-AVL-06', () => {
    const cluster = cortex();
    const ns = new Namespace(cluster, 'cortex');
    const worker = new AppWorkload(ns, 'cortex-queue-worker', { image: IMAGE, size: AppSize.SMALL, replicas: 2, ports: [{ name: 'http', port: 8080 }] });
    byHand(new k8s.KubePodDisruptionBudget(ns, 'worker-pdb', { metadata: { name: 'cortex-queue-worker-pdb' }, spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), unhealthyPodEvictionPolicy: 'IfHealthyBudget', selector: { matchLabels: { ...worker.podSelector } } } }));
    const s = cluster.synthesize();
    expect(reported(s, 'HK-AVL-06')).toEqual(['PodDisruptionBudget cortex/cortex-queue-worker-pdb: PodDisruptionBudget cortex/cortex-queue-worker-pdb sets unhealthyPodEvictionPolicy IfHealthyBudget, so crash-looping pods it covers can block node drains']);
    expect(warned(s)).toContain('HK-AVL-06');
  });

  test('§2.6 csaf-runtime with 3 replicas, no PodDisruptionBudget and no spread: HK-AVL-04, HK-AVL-02', () => {
    const cluster = cortex();
    deployment(new Namespace(cluster, 'cortex-csaf'), 'csaf-runtime', {
      containers: [{ name: 'csaf-runtime', image: 'python:3.11.9-slim', resources: res({ cpu: '200m', memory: '512Mi' }, { cpu: '1', memory: '1Gi' }) }],
    }, { replicas: 3 });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-AVL-04')).toEqual(['Deployment cortex-csaf/csaf-runtime: Deployment cortex-csaf/csaf-runtime runs 3 replicas but no PodDisruptionBudget in cortex-csaf selects its pods']);
    expect(reported(s, 'HK-AVL-02')).toEqual(['Deployment cortex-csaf/csaf-runtime: Deployment cortex-csaf/csaf-runtime runs 3 replicas without a topologySpreadConstraint or podAntiAffinity term on kubernetes.io/hostname that selects its own pods, so they may all land on one node']);
    expect(blockedBy(s)).toContain('HK-AVL-04');
    expect(warned(s)).toContain('HK-AVL-02');
  });

  test('§2.3 cortex-school with no ResourceQuota, LimitRange or NetworkPolicy: HK-RES-06, HK-NET-02, HK-NET-01', () => {
    const cluster = cortex();
    const school = new Chart(cluster, 'cortex-school', { namespace: 'cortex-school' });
    byHand(new k8s.KubeNamespace(school, 'namespace', { metadata: { name: 'cortex-school', labels: { name: 'cortex-school', 'managed-by': 'argocd' } } }));
    // otherwise hardened, so only the missing guard rails are judged
    deployment(school, 'moe-router', {
      enableServiceLinks: false, automountServiceAccountToken: false, priorityClassName: 'workload-standard',
      securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{
        name: 'moe-router', image: `${REGISTRY}/cortex-moe-router:1.0.0`, ports: [{ name: 'http', containerPort: 8080 }],
        readinessProbe: { httpGet: { path: '/health', port: k8s.IntOrString.fromNumber(8080) } }, livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromNumber(8080) } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        resources: res({ cpu: '50m', memory: '128Mi' }, { cpu: '500m', memory: '512Mi' }),
      }],
    });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-RES-06')).toEqual(['Namespace cortex-school: namespace cortex-school has neither a ResourceQuota nor a LimitRange']);
    expect(reported(s, 'HK-NET-02')).toEqual([
      'Namespace cortex-school: namespace cortex-school has no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules)',
      'Namespace cortex-school: namespace cortex-school has no NetworkPolicy letting all its pods reach DNS in kube-system (port 53 UDP and TCP)',
    ]);
    expect(reported(s, 'HK-NET-01')).toEqual(['Deployment cortex-school/moe-router: no NetworkPolicy in cortex-school covers Ingress or Egress for the pods of Deployment cortex-school/moe-router']);
    expect(blockedBy(s)).toEqual(['HK-NET-01', 'HK-NET-02', 'HK-RES-06']);
  });

  test('§2.6 the privileged cortex-live-cli DaemonSet with a hostPath on /usr: HK-SEC-01, HK-SEC-12', () => {
    const cluster = cortex();
    daemonSet(new Namespace(cluster, 'cortex-system', { podSecurity: 'privileged' }), 'cortex-live-cli', {
      containers: [{ name: 'cli', image: 'busybox:1.36', securityContext: { privileged: true }, resources: res({ cpu: '10m', memory: '16Mi' }, { memory: '32Mi' }), volumeMounts: [{ name: 'usr', mountPath: '/host/usr' }] }],
      volumes: [{ name: 'usr', hostPath: { path: '/usr' } }],
    });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-SEC-01')).toEqual(['DaemonSet cortex-system/cortex-live-cli: container "cli" sets privileged to true']);
    expect(reported(s, 'HK-SEC-12')).toEqual(['DaemonSet cortex-system/cortex-live-cli: volume "usr" is a hostPath volume (/usr)']);
    expect(blockedBy(s)).toEqual(expect.arrayContaining(['HK-SEC-01', 'HK-SEC-12']));
  });

  test('§2.6 unifi-mcp-server on hostNetwork: HK-SEC-10', () => {
    const cluster = cortex();
    deployment(new Namespace(cluster, 'cortex-system'), 'unifi-mcp-server', {
      hostNetwork: true,
      containers: [{ name: 'unifi-mcp-server', image: 'python:3.11.9-slim', resources: res({ cpu: '100m', memory: '128Mi' }, { cpu: '400m', memory: '256Mi' }) }],
    });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-SEC-10')).toEqual(['Deployment cortex-system/unifi-mcp-server: the pod sets hostNetwork to true']);
    expect(blockedBy(s)).toContain('HK-SEC-10');
  });

  test('§2.3 / §2.6 `:latest` and untagged images from the in-cluster registry and Docker Hub: HK-IMG-01', () => {
    const cluster = cortex();
    const system = new Namespace(cluster, 'cortex-system');
    deployment(system, 'cortex-orchestrator', {
      initContainers: [{ name: 'clone', image: 'alpine/git:latest', resources: res({ cpu: '10m', memory: '32Mi' }, { memory: '64Mi' }) }],
      containers: [{ name: 'cortex-orchestrator', image: `${REGISTRY}/cortex-orchestrator:latest`, resources: res({ cpu: '200m', memory: '256Mi' }, { cpu: '500m', memory: '512Mi' }) }],
    });
    deployment(system, 'documentation-master', { containers: [{ name: 'documentation-master', image: 'alpine', resources: res({ cpu: '250m', memory: '256Mi' }, { cpu: '500m', memory: '512Mi' }) }] }, { replicas: 0 });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-IMG-01')).toEqual([
      `Deployment cortex-system/cortex-orchestrator: container "cortex-orchestrator" image "${REGISTRY}/cortex-orchestrator:latest" uses the floating tag "latest"`,
      'Deployment cortex-system/cortex-orchestrator: init container "clone" image "alpine/git:latest" uses the floating tag "latest"',
      'Deployment cortex-system/documentation-master: container "documentation-master" image "alpine" has no tag or digest (it means :latest)',
    ]);
    expect(blockedBy(s)).toContain('HK-IMG-01');
  });

  test('§2.6 auto-fix-daemon with no resources and no securityContext: HK-RES-01, HK-RES-02, HK-SEC-03', () => {
    const cluster = cortex();
    deployment(new Namespace(cluster, 'cortex-system'), 'auto-fix-daemon', { containers: [{ name: 'auto-fix-daemon', image: 'bitnami/kubectl:1.31.4' }] });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-RES-01')).toEqual([
      'Deployment cortex-system/auto-fix-daemon: container "auto-fix-daemon" does not set resources.requests.cpu',
      'Deployment cortex-system/auto-fix-daemon: container "auto-fix-daemon" does not set resources.requests.memory',
    ]);
    expect(reported(s, 'HK-RES-02')).toEqual(['Deployment cortex-system/auto-fix-daemon: container "auto-fix-daemon" does not set resources.limits.memory']);
    expect(reported(s, 'HK-SEC-03')).toEqual(['Deployment cortex-system/auto-fix-daemon: container "auto-fix-daemon" does not set runAsNonRoot, and neither does the pod']);
    expect(blockedBy(s)).toEqual(expect.arrayContaining(['HK-RES-01', 'HK-RES-02', 'HK-SEC-03']));
  });

  test('§2.2 the default-apps Application deploying into the default namespace: HK-API-03; Namespace refuses "default"', () => {
    expect(errorOf(() => new Namespace(cortex(), 'default'))).toBe('[cortex/default] id = "default": apps do not belong in default or kube-* namespaces. Fix: name the namespace after what runs in it, e.g. "media"');
    const cluster = cortex();
    const ns = new Chart(cluster, 'default-apps', { namespace: 'default' });
    byHand(new k8s.KubeService(ns, 'dashy', { metadata: { name: 'dashy' }, spec: { selector: selector('dashy'), ports: [{ name: 'http', port: 80, targetPort: k8s.IntOrString.fromNumber(8080) }] } }));
    const s = cluster.synthesize();
    expect(reported(s, 'HK-API-03')).toEqual(['Service default/dashy: Service default/dashy is in the default namespace']);
    expect(blockedBy(s)).toContain('HK-API-03');
  });

  test('§2.6 the sandfly Ingress (Traefik, no TLS) with no auth in front of an MCP server: HK-EXP-01', () => {
    const cluster = cortex();
    const system = new Namespace(cluster, 'cortex-system');
    new AppWorkload(system, 'sandfly-mcp-server', { image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }] });
    byHand(new k8s.KubeIngress(system, 'sandfly', {
      metadata: { name: 'sandfly' },
      spec: { ingressClassName: 'traefik', rules: [{ host: 'sandfly.ry-ops.dev', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'sandfly-mcp-server', port: { number: 8080 } } } }] } }] },
    }));
    const s = cluster.synthesize();
    expect(reported(s, 'HK-EXP-01')).toEqual(['Ingress cortex-system/sandfly: Ingress cortex-system/sandfly sends sandfly.ry-ops.dev to Service sandfly-mcp-server:8080 with no auth declaration']);
    expect(blockedBy(s)).toContain('HK-EXP-01');
  });

  test('§2.4 redis-queue: one replica on a ReadWriteOnce claim with the default RollingUpdate: HK-X-15', () => {
    const cluster = cortex();
    const ns = new Namespace(cluster, 'cortex');
    byHand(new k8s.KubePersistentVolumeClaim(ns, 'pvc', { metadata: { name: 'redis-queue-pvc' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'local-path', resources: { requests: { storage: q('5Gi') } } } }));
    deployment(ns, 'redis-queue', {
      containers: [{ name: 'redis', image: 'redis:7.2.5-alpine', resources: res({ cpu: '100m', memory: '256Mi' }, { memory: '512Mi' }), volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'redis-queue-pvc' } }],
    });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-X-15')).toEqual(['Deployment cortex/redis-queue: the Deployment runs 1 replica with the ReadWriteOnce claim "redis-queue-pvc" but uses the RollingUpdate strategy']);
    expect(blockedBy(s)).toContain('HK-X-15');
  });

  test('§2.2 csaf-redis owned twice (apps/cortex-csaf and csaf/ both deploy it into cortex-csaf): refused when the GitOps tree is written', () => {
    const cluster = cortex();
    const redis = { image: 'docker.io/library/redis:7.2.5-alpine', size: AppSize.SMALL, ports: [{ name: 'redis', port: 6379 }] };
    new AppWorkload(new Namespace(cluster, 'cortex-csaf'), 'csaf-redis', redis);
    new AppWorkload(new Chart(cluster, 'csaf', { namespace: 'cortex-csaf' }), 'csaf-redis', redis);
    expect(errorOf(() => renderClusterTree(cluster, cluster.synthesize()))).toBe(
      '[cortex-csaf/csaf-redis] metadata.name = "csaf-redis": two ServiceAccount objects with the same name in cortex-csaf/csaf-redis. Fix: give every object of a kind its own name',
    );
  });

  test('§2.6 memory limits adding up to several times a node\'s memory: HK-X-22', () => {
    const cluster = cortex();
    new AppWorkload(new Namespace(cluster, 'cortex'), 'cortex-queue-worker', {
      image: IMAGE, resources: { cpu: '100m', memory: '256Mi', memoryLimit: '1Gi' }, replicas: 24, ports: [{ name: 'http', port: 8080 }],
    });
    const s = cluster.synthesize();
    // first-fit placement fills k3s-master03 with 23 pods by their requests (23 × 256Mi of 5929Mi), whose limits are 23Gi
    expect(reported(s, 'HK-X-22')).toEqual(['Deployment cortex/cortex-queue-worker: memory limits add up to 24576Mi, 2.07× the 11858Mi of the nodes the pods run on (budget 1.5×). Largest: Deployment cortex/cortex-queue-worker with 24576Mi']);
    expect(warned(s)).toContain('HK-X-22');
  });

  test('§2.3 implementation-workers mounting its ServiceAccount token by default: HK-SEC-20', () => {
    const cluster = cortex();
    deployment(new Namespace(cluster, 'cortex-school'), 'implementation-workers', {
      serviceAccountName: 'implementation-worker',
      containers: [{ name: 'implementation-workers', image: `${REGISTRY}/cortex-implementation-worker:1.0.0`, resources: res({ cpu: '50m', memory: '128Mi' }, { cpu: '500m', memory: '512Mi' }) }],
    });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-SEC-20')).toEqual(['Deployment cortex-school/implementation-workers: the pod does not set automountServiceAccountToken, so the ServiceAccount token is mounted']);
    expect(warned(s)).toContain('HK-SEC-20');
  });
});

// ---------------------------------------------------------------------------------------------
// the other seeds (seed-repos §3)

describe('other seed repos (seed-repos §3)', () => {
  test('§3 seed 001 sophia-backend-fixed: pod running as uid/gid 0, pip install at start on a writable root: HK-SEC-04, HK-SEC-08', () => {
    const cluster = testCluster(true);
    const ns = new Namespace(cluster, 'sophia-ai-prod');
    byHand(new k8s.KubeConfigMap(ns, 'app', { metadata: { name: 'sophia-backend-app' }, data: { 'app.py': 'from fastapi import FastAPI\napp = FastAPI()\n' } }));
    deployment(ns, 'sophia-backend-fixed', {
      securityContext: { runAsUser: 0, runAsGroup: 0 },
      containers: [{
        name: 'backend', image: 'python:3.11.9-slim', imagePullPolicy: 'Always', ports: [{ name: 'http', containerPort: 8000 }],
        command: ['sh', '-c', 'pip install fastapi uvicorn && cp /app-source/app.py /app/ && cd /app && uvicorn app:app --host 0.0.0.0 --port 8000'],
        readinessProbe: { httpGet: { path: '/health', port: k8s.IntOrString.fromNumber(8000) }, initialDelaySeconds: 30 },
        resources: res({ cpu: '250m', memory: '512Mi' }, { cpu: '500m', memory: '1Gi' }),
        volumeMounts: [{ name: 'app-source', mountPath: '/app-source', readOnly: true }],
      }],
      volumes: [{ name: 'app-source', configMap: { name: 'sophia-backend-app', defaultMode: 0o755 } }],
    });
    const s = cluster.synthesize();
    expect(reported(s, 'HK-SEC-04')).toEqual(['Deployment sophia-ai-prod/sophia-backend-fixed: the pod sets runAsUser to 0 (root)']);
    expect(reported(s, 'HK-SEC-08')).toEqual(['Deployment sophia-ai-prod/sophia-backend-fixed: container "backend" does not set readOnlyRootFilesystem (the root filesystem is writable)']);
    expect(blockedBy(s)).toEqual(expect.arrayContaining(['HK-SEC-04', 'HK-SEC-08']));
  });
});

// ---------------------------------------------------------------------------------------------

describe('the models above', () => {
  test('every hand-written defect is a valid Kubernetes 1.29 / CRD object: the API server would take it, only the library stops it', () => {
    expectHandWrittenValid(41);
  });
});
