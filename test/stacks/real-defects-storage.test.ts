/**
 * The homelab's storage defects (`../shared/reference/seed-repos.md` §1.5, §1.9, §1.11.7), each
 * modelled in a fresh Cluster on the homelab's real profile: Longhorn "tier" classes without a
 * diskSelector, static local-ssd PersistentVolumes on the very directories Longhorn's disks use
 * on k3s3, and Whisparr's claim of one of those volumes by label.
 *
 * The defects are written by hand with `k8s.Kube*` as they were in the real repo (the library's
 * constructs cannot express them); every hand-written object is checked against the Kubernetes
 * 1.29 schema at the end: the API server would accept each of them, only the policies stop them.
 */
import { AccessMode, AppSize, AppVolume, AppWorkload, Longhorn, Namespace, k8s } from '../../lib';
import { homelabProfile } from '../../stacks/homelab/profile';
import { IMAGE, LONGHORN_BACKED_UP, blockedBy, byHand, expectHandWrittenValid, homelab, q, reported } from './defect-helpers';

/** The Longhorn StorageClasses of the seed commit (`apps/longhorn/overlays/production/storage-classes.yaml`): no selectors left. */
const SEED_CLASSES: [string, string, string, boolean][] = [
  // name, numberOfReplicas, dataLocality, default
  ['longhorn-optane', '1', 'strict-local', false],
  ['longhorn-nvme', '3', 'best-effort', true],
  ['longhorn-sas-ssd', '2', 'best-effort', false],
  ['longhorn-replicated', '3', 'best-effort', false],
];

/** The static local PVs of k3s3 (`infrastructure-runtime/05-local-storage`): name, size, path, tier label, storage type. */
const K3S3_LOCAL_PVS: [string, string, string, string, string][] = [
  ...[1, 2].map((i): [string, string, string, string, string] => [`k3s3-optane-${i}`, '100Gi', `/mnt/optane-${i}/k8s-pv`, 'ultra-performance', 'optane']),
  ...[1, 2].map((i): [string, string, string, string, string] => [`k3s3-nvme-${i}`, '900Gi', `/mnt/nvme-${i}/k8s-pv`, 'high-performance', 'nvme']),
  ...[1, 2, 3, 4, 5, 6, 7].map((i): [string, string, string, string, string] => [`k3s3-ssd-${i}`, '350Gi', `/mnt/ssd-${i}/k8s-pv`, 'standard-performance', 'sas-ssd']),
];

const hostname = (node: string): k8s.VolumeNodeAffinity => ({
  required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] },
});

/** StorageClass local-ssd and the static local PVs of k3s3 (plus the R730 example PV), as in the real repo. */
function localSsd(cluster: ReturnType<typeof homelab>): void {
  byHand(new k8s.KubeStorageClass(cluster.clusterChart, 'local-ssd', {
    metadata: { name: 'local-ssd' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Delete',
  }));
  for (const [name, size, path, tier, type] of K3S3_LOCAL_PVS) {
    byHand(new k8s.KubePersistentVolume(cluster.clusterChart, name, {
      metadata: { name, labels: { 'type': 'local', 'node': 'k3s3', tier, 'storage-type': type } },
      spec: {
        capacity: { storage: q(size) }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'local-ssd',
        local: { path }, nodeAffinity: hostname('k3s3'),
      },
    }));
  }
  // on the R730, which is no Kubernetes node of the profile: no Longhorn disk there
  byHand(new k8s.KubePersistentVolume(cluster.clusterChart, 'r730-example', {
    metadata: { name: 'r730-local-ssd-example', labels: { 'type': 'local', 'node': 'r730' } },
    spec: {
      capacity: { storage: q('100Gi') }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'local-ssd',
      local: { path: '/mnt/local-ssd' }, nodeAffinity: hostname('r730'),
    },
  }));
}

/** Whisparr's claim (`apps/media/whisparr`): 50Gi of local-ssd, chosen by label, RWO. */
function whisparrClaim(media: Namespace): void {
  byHand(new k8s.KubePersistentVolumeClaim(media, 'whisparr-claim', {
    metadata: { name: 'whisparr-optane-config-pvc' },
    spec: {
      storageClassName: 'local-ssd', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: q('50Gi') } },
      selector: { matchLabels: { 'tier': 'ultra-performance', 'storage-type': 'optane', 'node': 'k3s3' } },
    },
  }));
}

const whisparr = (media: Namespace, node: string) => new AppWorkload(media, 'whisparr', {
  image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port: 6969 }], nodes: [node],
  volumes: { config: { mountPath: '/config', source: AppVolume.existingClaim('whisparr-optane-config-pvc', { accessMode: AccessMode.READ_WRITE_ONCE }) } },
});

describe('homelab storage defects (seed-repos §1.5, §1.9, §1.11.7)', () => {
  test('§1.11.7 / §1.5 the tier classes with their diskSelectors removed "temporarily": tiers in name only, HK-STO-08', () => {
    const cluster = homelab();
    for (const [name, replicas, locality, isDefault] of SEED_CLASSES) {
      byHand(new k8s.KubeStorageClass(cluster.clusterChart, name, {
        metadata: { name, ...(isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}) },
        provisioner: 'driver.longhorn.io', reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate', allowVolumeExpansion: true,
        parameters: { numberOfReplicas: replicas, dataLocality: locality, staleReplicaTimeout: '2880', fsType: 'ext4' },
      }));
    }
    const s = cluster.synthesize();
    const anyTier = 'nvme, optane and sas-ssd (on k3s1, k3s2 and k3s3)';
    expect(reported(s, 'HK-STO-08')).toEqual([
      `StorageClass longhorn-optane: StorageClass longhorn-optane is named for tier optane but sets no diskSelector: Longhorn puts its replicas on disks of any tier, ${anyTier}, so it is a tier in name only`,
      `StorageClass longhorn-nvme: StorageClass longhorn-nvme is named for tier nvme but sets no diskSelector: Longhorn puts its replicas on disks of any tier, ${anyTier}, so it is a tier in name only`,
      `StorageClass longhorn-sas-ssd: StorageClass longhorn-sas-ssd is named for tier sas-ssd but sets no diskSelector: Longhorn puts its replicas on disks of any tier, ${anyTier}, so it is a tier in name only`,
      `StorageClass longhorn-replicated: StorageClass longhorn-replicated sets no diskSelector, and the disks it can use are of several tiers, ${anyTier}: its replicas land on whichever Longhorn picks, so its volumes belong to no tier`,
    ]);
    expect(blockedBy(s)).toContain('HK-STO-08');
  });

  test('§1.5 history: commit f078b84\'s selectors "tags=optane" name a tag no disk has: HK-STO-01, not HK-STO-08 as well', () => {
    const cluster = homelab();
    byHand(new k8s.KubeStorageClass(cluster.clusterChart, 'optane', {
      metadata: { name: 'longhorn-optane' }, provisioner: 'driver.longhorn.io',
      parameters: { numberOfReplicas: '1', dataLocality: 'strict-local', diskSelector: 'tags=optane' },
    }));
    const s = cluster.synthesize();
    expect(reported(s, 'HK-STO-01')).toEqual([
      'StorageClass longhorn-optane: StorageClass longhorn-optane selects disks tagged tags=optane, and no node of the profile has them: no replica can be placed and every volume would be faulted',
    ]);
    expect(reported(s, 'HK-STO-08')).toEqual([]);
  });

  test('the library\'s Longhorn on the homelab profile: every tier class selects its disks, no HK-STO-08', () => {
    const cluster = homelab();
    const longhorn = new Longhorn(cluster, 'longhorn-system', LONGHORN_BACKED_UP);
    expect([...longhorn.tiers.values()].map((t) => [t.storageClassName, t.storageClass.toJson().parameters.diskSelector])).toEqual([
      ['longhorn-nvme', 'nvme'], ['longhorn-optane', 'optane'], ['longhorn-sas-ssd', 'sas-ssd'],
    ]);
    expect(reported(cluster.synthesize(), 'HK-STO-08')).toEqual([]);
  });

  test('§1.5 / §1.11.7 the static local-ssd PVs on the k3s3 directories that Longhorn\'s disks use: HK-STO-09 on each', () => {
    const cluster = homelab();
    new Longhorn(cluster, 'longhorn-system', LONGHORN_BACKED_UP);
    localSsd(cluster);
    const s = cluster.synthesize();
    expect(reported(s, 'HK-STO-09')).toEqual(K3S3_LOCAL_PVS.map(([name, , path, , type]) =>
      `PersistentVolume ${name}: PersistentVolume ${name} (local path ${path}) is the Longhorn ${type} disk directory ${path} on k3s3: Longhorn and the volume would write one directory and share its space`));
    expect(reported(s, 'HK-STO-09')).toHaveLength(11);
    // the paths the profile gives Longhorn on k3s3 are those of the real Longhorn Node CR
    expect(homelabProfile.nodes.find((n) => n.name === 'k3s3')!.disks!.map((d) => d.path)).toEqual(['/mnt/optane-{1,2}/k8s-pv', '/mnt/nvme-{1,2}/k8s-pv', '/mnt/ssd-{1..7}/k8s-pv']);
    expect(blockedBy(s)).toContain('HK-STO-09');
  });

  test('§1.9 Whisparr\'s claim of a k3s3 local-ssd PV while its pod is pinned to k3s1: the pod would stay Pending, HK-X-04', () => {
    const cluster = homelab();
    localSsd(cluster);
    const media = new Namespace(cluster, 'media');
    whisparrClaim(media);
    whisparr(media, 'k3s1');
    const s = cluster.synthesize();
    expect(reported(s, 'HK-X-04')).toEqual([
      'Deployment media/whisparr: 1 of 1 pod(s) would stay Pending: claim media/whisparr-optane-config-pvc can only bind PersistentVolumes k3s3-optane-1 (k3s3) and k3s3-optane-2 (k3s3), and the pod may only run on k3s1',
    ]);
    expect(blockedBy(s)).toContain('HK-X-04');

    // pinned to k3s3 as in the real repo, the pod is placed there (the PVs themselves remain HK-STO-09's once Longhorn is installed)
    const real = homelab();
    localSsd(real);
    const realMedia = new Namespace(real, 'media');
    whisparrClaim(realMedia);
    whisparr(realMedia, 'k3s3');
    expect(reported(real.synthesize(), 'HK-X-04')).toEqual([]);
  });

  test('a claim of local-ssd that no PersistentVolume can bind (the selector asks for a tier no PV carries): Pending, HK-X-04', () => {
    const cluster = homelab();
    localSsd(cluster);
    const ai = new Namespace(cluster, 'ai');
    byHand(new k8s.KubePersistentVolumeClaim(ai, 'models', {
      metadata: { name: 'ollama-models-pvc' },
      spec: { storageClassName: 'local-ssd', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: q('200Gi') } }, selector: { matchLabels: { 'storage-type': 'optane' } } },
    }));
    new AppWorkload(ai, 'ollama', {
      image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port: 11434 }],
      volumes: { models: { mountPath: '/models', source: AppVolume.existingClaim('ollama-models-pvc', { accessMode: AccessMode.READ_WRITE_ONCE }) } },
    });
    expect(reported(cluster.synthesize(), 'HK-X-04')).toEqual([
      'Deployment ai/ollama: 1 of 1 pod(s) would stay Pending: claim ai/ollama-models-pvc has no PersistentVolume that could bind it: none of the 12 PersistentVolumes of StorageClass local-ssd '
        + '(k3s3-optane-1, k3s3-optane-2, k3s3-nvme-1, k3s3-nvme-2, k3s3-ssd-1, …) is free and matches its selector storage-type=optane, size 200Gi and access modes ReadWriteOnce',
    ]);
  });
});

describe('the models above', () => {
  test('every hand-written defect is a valid Kubernetes 1.29 object: the API server would take it, only the library stops it', () => {
    expectHandWrittenValid(50);
  });
});
