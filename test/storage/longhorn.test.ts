import { Testing } from 'cdk8s';
import {
  AccessMode, AppSize, AppVolume, AppWorkload, Cluster, Namespace, Charts, DataLocality, GitOpsEngine, Longhorn, LonghornFsType, LonghornProps, NodeDownPodDeletionPolicy, RecurringJobTask,
  StorageReclaimPolicy, TaintEffect, VolumeBindingMode, renderClusterTree,
} from '../../lib';
import { errorOf, testCluster } from '../helpers';
import { createValidator } from '../schema/validator';
import { TIERED_PROFILE, find, manifests, tieredCluster } from './fixtures';

/** The least a Longhorn on the tiered profile needs: a daily backup in the default group (the Optane tier has one replica). */
const BASE: LonghornProps = {
  backupTarget: { url: 'nfs://192.168.10.100:/exports/longhorn' },
  recurringJobs: { 'backup-daily': { task: RecurringJobTask.BACKUP, cron: '30 1 * * *', groups: ['default'] } },
};
const longhorn = (props: LonghornProps = BASE, patch = {}) => new Longhorn(tieredCluster(patch), 'longhorn-system', props);
const P = '[test/longhorn-system]';

describe('Longhorn: defaults', () => {
  const lh = longhorn();
  const objs = manifests(lh.node.scope as any);

  test('one StorageClass per profile tier, selecting the tier\'s disks; the tier on most nodes is default', () => {
    expect([...lh.tiers.keys()]).toEqual(['nvme', 'optane']);
    expect(find(objs, 'StorageClass', 'longhorn-nvme')).toEqual({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: {
        name: 'longhorn-nvme',
        labels: { 'hardened-homelab.io/storage-tier': 'nvme', 'app.kubernetes.io/managed-by': 'hardened-homelab' },
        annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
      },
      provisioner: 'driver.longhorn.io',
      reclaimPolicy: 'Retain',
      allowVolumeExpansion: true,
      volumeBindingMode: 'Immediate',
      parameters: { numberOfReplicas: '3', staleReplicaTimeout: '2880', fsType: 'ext4', dataLocality: 'best-effort', diskSelector: 'nvme' },
    });
    const optane = find(objs, 'StorageClass', 'longhorn-optane');
    expect(optane.metadata.annotations).toBeUndefined();
    expect(optane.parameters).toEqual({ numberOfReplicas: '1', staleReplicaTimeout: '2880', fsType: 'ext4', dataLocality: 'best-effort', diskSelector: 'optane' });
  });

  test('tiers carry their facts', () => {
    const nvme = lh.tier('nvme');
    expect([nvme.storageClassName, nvme.replicas, nvme.nodes, nvme.capacity.toString(), nvme.isDefault, nvme.dataLocality]).toEqual(['longhorn-nvme', 3, ['small-1', 'small-2', 'big'], '2600Gi', true, 'best-effort']);
    const optane = lh.tier('optane');
    expect([optane.replicas, optane.nodes, optane.capacity.toString(), optane.isDefault]).toEqual([1, ['big'], '200Gi', false]);
    expect(lh.defaultTier).toBe(nvme);
    expect(nvme.claimLabels).toEqual({});
  });

  test('the chart through a Flux HelmRelease, values from the profile', () => {
    const hr = find(objs, 'HelmRelease', 'longhorn');
    expect(hr.metadata.namespace).toBe('longhorn-system');
    expect(hr.spec.chart.spec).toMatchObject({ chart: 'longhorn', version: Charts.longhorn.version });
    expect(hr.spec.values).toEqual({
      csi: { kubeletRootDir: '/var/lib/kubelet' },
      defaultSettings: {
        createDefaultDiskLabeledNodes: true,
        defaultDataLocality: 'best-effort',
        replicaSoftAntiAffinity: false,
        storageOverProvisioningPercentage: 100,
        storageMinimalAvailablePercentage: 25,
        nodeDownPodDeletionPolicy: 'delete-both-statefulset-and-deployment-pod',
        upgradeChecker: false,
        defaultReplicaCount: 3,
      },
      defaultBackupStore: { backupTarget: 'nfs://192.168.10.100:/exports/longhorn', pollInterval: 300 },
      persistence: { defaultClass: false, defaultClassReplicaCount: 3, reclaimPolicy: 'Retain' },
      preUpgradeChecker: { jobEnabled: false },
      service: { ui: { type: 'ClusterIP' } },
      ingress: { enabled: false },
      longhornUI: { replicas: 2 },
    });
    expect(lh.release.release.providesApiGroups).toEqual(['longhorn.io']);
    // the chart sets no resources; each node's instance manager reserves 12% of the (smallest) node's CPU
    expect(JSON.parse(hr.metadata.annotations['hardened-homelab.io/footprint'])).toEqual({
      cpu: '0', memory: '0', memoryLimit: '0', pods: 15, perNode: { cpu: '480m', memory: '0', memoryLimit: '0' },
    });
    expect(find(objs, 'HelmRepository', 'longhorn').spec.url).toBe('https://charts.longhorn.io');
  });

  test('a privileged longhorn-system namespace, without the app guard rails that would break the chart\'s pods', () => {
    expect(find(objs, 'Namespace', 'longhorn-system').metadata.labels).toEqual({
      'kubernetes.io/metadata.name': 'longhorn-system',
      'pod-security.kubernetes.io/enforce': 'privileged',
      'pod-security.kubernetes.io/warn': 'privileged',
      'pod-security.kubernetes.io/audit': 'privileged',
      'app.kubernetes.io/managed-by': 'hardened-homelab',
    });
    expect(objs.filter((o) => o.metadata?.namespace === 'longhorn-system' && ['ResourceQuota', 'LimitRange', 'NetworkPolicy'].includes(o.kind))).toEqual([]);
  });

  test('recurring jobs in longhorn-system with their defaults', () => {
    expect(find(objs, 'RecurringJob', 'backup-daily')).toEqual({
      apiVersion: 'longhorn.io/v1beta2',
      kind: 'RecurringJob',
      metadata: { name: 'backup-daily', namespace: 'longhorn-system', labels: { 'app.kubernetes.io/managed-by': 'hardened-homelab' } },
      spec: { name: 'backup-daily', task: 'backup', cron: '30 1 * * *', retain: 7, concurrency: 1, groups: ['default'] },
    });
  });

  test('the UI Service an auth proxy targets, and the node setup for the operator', () => {
    expect(lh.uiService).toEqual({ name: 'longhorn-frontend', namespace: 'longhorn-system', port: 80 });
    expect(lh.nodeSetup.map((n) => n.node)).toEqual(['small-1', 'small-2', 'big']);
    expect(lh.operatorSteps).toHaveLength(9);
    expect(lh.operatorSteps[6]).toBe('kubectl label node big node.longhorn.io/create-default-disk=config --overwrite');
  });

  test('the GitOps tree: classes in cluster/, the chart and the jobs in their own folders, jobs after the chart', () => {
    const cluster = lh.node.scope as any;
    const files = renderClusterTree(cluster, cluster.synthesize());
    expect([...files.keys()].filter((f) => /longhorn/.test(f) && !f.endsWith('kustomization.yaml')).sort()).toEqual([
      'cluster/storageclass-longhorn-nvme.yaml',
      'cluster/storageclass-longhorn-optane.yaml',
      'gitops/kustomization-longhorn-system-longhorn.yaml',
      'gitops/kustomization-longhorn-system-namespace.yaml',
      'gitops/kustomization-longhorn-system-recurring-jobs.yaml',
      'longhorn-system/longhorn/helmrelease-longhorn.yaml',
      'longhorn-system/longhorn/helmrepository-longhorn.yaml',
      'longhorn-system/namespace/namespace-longhorn-system.yaml',
      'longhorn-system/recurring-jobs/recurringjob-backup-daily.yaml',
    ]);
    expect(files.get('gitops/kustomization-longhorn-system-recurring-jobs.yaml')).toContain('dependsOn:\n    - name: longhorn-system-namespace\n    - name: longhorn-system-longhorn\n');
  });

  test('every object validates against the Kubernetes and CRD schemas', () => {
    const v = createValidator();
    expect(objs.flatMap((o) => v.validate(o))).toEqual([]);
  });
});

describe('Longhorn: options', () => {
  test('tier options reach the StorageClass', () => {
    const lh = longhorn({
      ...BASE,
      recurringJobs: { ...BASE.recurringJobs, 'snapshot-hourly': { task: RecurringJobTask.SNAPSHOT, cron: '5 * * * *', groups: ['hourly'] } },
      defaultTier: 'optane',
      tiers: {
        nvme: {
          storageClassName: 'fast', replicas: 1, dataLocality: DataLocality.STRICT_LOCAL, staleReplicaTimeout: 30, fsType: LonghornFsType.XFS,
          reclaimPolicy: StorageReclaimPolicy.DELETE, allowVolumeExpansion: false, volumeBindingMode: VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER,
          nodeSelector: ['optane'], recurringJobGroups: ['hourly'], recurringJobs: ['backup-daily'],
        },
        optane: { dataLocality: DataLocality.DISABLED, recurringJobGroups: ['hourly', 'default'] },
      },
    });
    const objs = manifests(lh.node.scope as any);
    expect(find(objs, 'StorageClass', 'fast')).toEqual({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'fast', labels: { 'hardened-homelab.io/storage-tier': 'nvme', 'app.kubernetes.io/managed-by': 'hardened-homelab' } },
      provisioner: 'driver.longhorn.io',
      reclaimPolicy: 'Delete',
      allowVolumeExpansion: false,
      volumeBindingMode: 'WaitForFirstConsumer',
      parameters: {
        numberOfReplicas: '1', staleReplicaTimeout: '30', fsType: 'xfs', dataLocality: 'strict-local', diskSelector: 'nvme', nodeSelector: 'optane',
        recurringJobSelector: '[{"name":"hourly","isGroup":true},{"name":"backup-daily","isGroup":false}]',
      },
    });
    expect(find(objs, 'StorageClass', 'longhorn-optane').metadata.annotations).toEqual({ 'storageclass.kubernetes.io/is-default-class': 'true' });
    expect(find(objs, 'StorageClass', 'longhorn-optane').parameters.recurringJobSelector).toBe('[{"name":"hourly","isGroup":true},{"name":"default","isGroup":true}]');
    const nvme = lh.tier('nvme');
    expect([nvme.nodes, nvme.capacity.toString(), nvme.recurringJobGroups, nvme.recurringJobs]).toEqual([['big'], '1800Gi', ['hourly'], ['backup-daily']]);
  });

  test('two replicas on three nodes; a tier named default is the default', () => {
    const profile = { nodes: TIERED_PROFILE.nodes.map((n) => ({ ...n, disks: n.disks?.map((d) => ({ ...d, tier: d.tier === 'nvme' ? 'default' : d.tier })) })) };
    const lh = new Longhorn(tieredCluster(profile), 'longhorn-system', { ...BASE, tiers: { default: { replicas: 2 } } });
    expect([lh.defaultTier.name, lh.defaultTier.storageClassName, lh.defaultTier.replicas]).toEqual(['default', 'longhorn-default', 2]);
  });

  test('settings, backup store, UI replicas, chart and extra values', () => {
    const lh = longhorn({
      ...BASE,
      backupTarget: { url: 's3://backups@us-east-1/longhorn/', credentialSecret: 'longhorn-s3', pollInterval: 600 },
      replicaSoftAntiAffinity: true,
      storageOverProvisioningPercentage: 200,
      storageMinimalAvailablePercentage: 15,
      defaultDataLocality: DataLocality.DISABLED,
      nodeDownPodDeletionPolicy: NodeDownPodDeletionPolicy.DO_NOTHING,
      uiReplicas: 1,
      chart: { ...Charts.longhorn, version: '1.9.1' },
      values: { csi: { attacherReplicaCount: 1 }, longhornUI: { replicas: 3 }, metrics: { serviceMonitor: { enabled: true } } },
    });
    const hr = find(manifests(lh.node.scope as any), 'HelmRelease', 'longhorn');
    expect(hr.spec.chart.spec.version).toBe('1.9.1');
    expect(hr.spec.values.defaultSettings).toEqual({
      createDefaultDiskLabeledNodes: true, defaultDataLocality: 'disabled', replicaSoftAntiAffinity: true, storageOverProvisioningPercentage: 200,
      storageMinimalAvailablePercentage: 15, nodeDownPodDeletionPolicy: 'do-nothing', upgradeChecker: false, defaultReplicaCount: 3,
    });
    expect(hr.spec.values.defaultBackupStore).toEqual({ backupTarget: 's3://backups@us-east-1/longhorn/', backupTargetCredentialSecret: 'longhorn-s3', pollInterval: 600 });
    expect(hr.spec.values.csi).toEqual({ kubeletRootDir: '/var/lib/kubelet', attacherReplicaCount: 1 });
    expect(hr.spec.values.longhornUI).toEqual({ replicas: 3 });
    expect(hr.spec.values.metrics).toEqual({ serviceMonitor: { enabled: true } });
  });

  test('the backup target can name one of the profile\'s backup targets', () => {
    const backupTargets = [
      { name: 'r730-nfs', kind: 'nfs' as any, endpoint: 'nfs://192.168.10.100:/mnt/nvme_storage/longhorn-backups' },
      { name: 'minio', kind: 'minio' as any, endpoint: 'http://192.168.10.100:9000', bucket: 'longhorn' },
    ];
    const values = (target: any) => find(manifests(longhorn({ ...BASE, backupTarget: target }, { backupTargets }).node.scope as any), 'HelmRelease', 'longhorn').spec.values.defaultBackupStore;
    expect(values({ target: 'r730-nfs' })).toEqual({ backupTarget: 'nfs://192.168.10.100:/mnt/nvme_storage/longhorn-backups', pollInterval: 300 });
    expect(values({ target: 'minio', credentialSecret: 'longhorn-minio' })).toEqual({ backupTarget: 's3://longhorn@us-east-1/longhorn/', backupTargetCredentialSecret: 'longhorn-minio', pollInterval: 300 });
    expect(values({ target: 'minio', credentialSecret: 'longhorn-minio', prefix: 'cluster/homelab' })).toEqual({ backupTarget: 's3://longhorn@us-east-1/cluster/homelab/', backupTargetCredentialSecret: 'longhorn-minio', pollInterval: 300 });
    expect(errorOf(() => longhorn({ ...BASE, backupTarget: { target: 'minio', credentialSecret: 'x', prefix: '/abs' } }, { backupTargets })))
      .toBe(`${P} backupTarget.prefix = "/abs": not a folder path inside a bucket. Fix: use letters, digits, dots, hyphens and slashes, e.g. "longhorn"`);
    expect(errorOf(() => longhorn({ ...BASE, backupTarget: { target: 'minio' } }, { backupTargets })))
      .toBe(`${P} backupTarget.credentialSecret = undefined: a backup target of type s3 needs credentials. Fix: name a Secret in longhorn-system that holds them (never the values themselves)`);
  });

  test('an Argo CD cluster gets an Application with the same values', () => {
    const lh = longhorn(BASE, { gitops: { engine: GitOpsEngine.ARGO_CD, repoUrl: 'https://github.com/example/cluster' } });
    const app = find(manifests(lh.node.scope as any), 'Application', 'longhorn-system-longhorn-chart');
    expect(app.spec.source.chart).toBe('longhorn');
    expect(app.spec.source.helm.valuesObject.csi).toEqual({ kubeletRootDir: '/var/lib/kubelet' });
    expect(app.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-1');
  });

  test('the chart\'s replicas follow the nodes that have disks', () => {
    const nodes = TIERED_PROFILE.nodes.filter((n) => n.name !== 'small-2');
    const hr = find(manifests(longhorn(BASE, { nodes }).node.scope as any), 'HelmRelease', 'longhorn');
    expect([hr.spec.values.defaultSettings.defaultReplicaCount, hr.spec.values.persistence.defaultClassReplicaCount]).toEqual([2, 2]);
  });

  test('kubeletRootDir comes from the profile', () => {
    const hr = find(manifests(longhorn(BASE, { kubeletRootDir: '/var/snap/microk8s/common/var/lib/kubelet' }).node.scope as any), 'HelmRelease', 'longhorn');
    expect(hr.spec.values.csi.kubeletRootDir).toBe('/var/snap/microk8s/common/var/lib/kubelet');
  });

  test('addRecurringJob adds a job claims can select; find() returns the installation', () => {
    const lh = longhorn();
    const job = lh.addRecurringJob('snapshot-hourly', { task: RecurringJobTask.SNAPSHOT, cron: '5 * * * *', retain: 24, concurrency: 2, groups: ['hourly'], labels: { tier: 'any' } });
    expect([...lh.recurringJobs.keys()]).toEqual(['backup-daily', 'snapshot-hourly']);
    expect(job.label).toEqual({ 'recurring-job.longhorn.io/snapshot-hourly': 'enabled' });
    // found from anywhere in the same cluster; undefined in a cluster without Longhorn
    expect(Longhorn.find(new Namespace(lh.node.scope as any, 'apps'))).toBe(lh);
    expect(Longhorn.find(testCluster())).toBeUndefined();
    expect(find(manifests(lh.node.scope as any), 'RecurringJob', 'snapshot-hourly').spec).toEqual({
      name: 'snapshot-hourly', task: 'snapshot', cron: '5 * * * *', retain: 24, concurrency: 2, groups: ['hourly'], labels: { tier: 'any' },
    });
  });
});

describe('Longhorn: claims on a tier', () => {
  const lh = longhorn({ ...BASE, recurringJobs: { ...BASE.recurringJobs, 'snapshot-hourly': { task: RecurringJobTask.SNAPSHOT, cron: '5 * * * *', groups: ['hourly'] } }, tiers: { optane: { recurringJobGroups: ['default'] } } });

  test('a plain claim names the tier\'s class and carries no job labels (the class selects the jobs)', () => {
    const v = lh.tier('nvme').claim({ size: '20Gi' });
    expect(v._spec).toEqual({ kind: 'newClaim', options: { size: '20Gi', storageClassName: 'longhorn-nvme', accessMode: undefined, labels: {} } });
    expect(v.singleAttach).toBe(true);
  });

  test('extra groups make the claim the label source and repeat the tier\'s own selection', () => {
    expect(lh.tier('nvme').claim({ size: '20Gi', recurringJobGroups: ['hourly'], accessMode: AccessMode.READ_WRITE_MANY, labels: { team: 'shop' } })._spec).toEqual({
      kind: 'newClaim',
      options: {
        size: '20Gi', storageClassName: 'longhorn-nvme', accessMode: 'ReadWriteMany',
        labels: {
          'recurring-job.longhorn.io/source': 'enabled',
          'recurring-job-group.longhorn.io/default': 'enabled',
          'recurring-job-group.longhorn.io/hourly': 'enabled',
          team: 'shop',
        },
      },
    });
    expect((lh.tier('optane').claim({ size: '20Gi', recurringJobs: ['snapshot-hourly'] })._spec as any).options.labels).toEqual({
      'recurring-job.longhorn.io/source': 'enabled',
      'recurring-job-group.longhorn.io/default': 'enabled',
      'recurring-job.longhorn.io/snapshot-hourly': 'enabled',
    });
  });

  test('no job in the default group: the claim repeats no default-group label (it would name an empty group, HK-STO-03)', () => {
    // found by the property suite (test/property/longhorn.property.test.ts)
    const cluster = tieredCluster({}, true);
    const own = new Longhorn(cluster, 'longhorn-system', {
      backupTarget: BASE.backupTarget,
      recurringJobs: { 'backup-daily': { task: RecurringJobTask.BACKUP, cron: '30 1 * * *', groups: ['daily'] } },
      tiers: { optane: { recurringJobGroups: ['daily'] } },
    });
    const volume = own.tier('nvme').claim({ size: '20Gi', recurringJobGroups: ['daily'] });
    expect((volume._spec as any).options.labels).toEqual({ 'recurring-job.longhorn.io/source': 'enabled', 'recurring-job-group.longhorn.io/daily': 'enabled' });
    new AppWorkload(new Namespace(cluster, 'shop'), 'db', {
      image: 'docker.io/library/postgres:16.4-alpine', size: AppSize.SMALL, ports: [{ name: 'postgres', port: 5432 }],
      volumes: { data: { mountPath: '/var/lib/postgresql/data', source: volume } },
    });
    expect(cluster.synthesize().errors).toEqual([]);
  });

  test('AppVolume.newClaim takes the tier as its storage class', () => {
    expect(AppVolume.newClaim({ size: '1Gi', storageClass: lh.tier('optane') })._spec).toEqual({ kind: 'newClaim', options: { size: '1Gi', storageClassName: 'longhorn-optane', labels: {} } });
  });

  test('refuses sizes no replica set can hold, and unknown jobs and groups', () => {
    expect(errorOf(() => lh.tier('nvme').claim({ size: '500Gi' })))
      .toBe(`${P} tiers.nvme.claim.size = "500Gi": a volume of tier "nvme" keeps 3 replicas on different nodes, and only 1 node has that much nvme disk (big: 1800Gi, small-1: 400Gi, small-2: 400Gi). Fix: request at most 400Gi, or use a tier with fewer replicas or bigger disks`);
    expect(errorOf(() => lh.tier('optane').claim({ size: '300Gi' })))
      .toBe(`${P} tiers.optane.claim.size = "300Gi": a volume of tier "optane" keeps 1 replica, and no node has that much optane disk (big: 200Gi). Fix: request at most 200Gi, or use a tier with fewer replicas or bigger disks`);
    expect(errorOf(() => lh.tier('nvme').claim({ size: '5GB' }))).toBe(`${P} tiers.nvme.claim.size = "5GB": "GB" is not a Kubernetes memory unit. Fix: did you mean "5Gi"?`);
    expect(errorOf(() => lh.tier('nvme').claim({ size: '5Gi', recurringJobGroups: ['daily'] })))
      .toBe(`${P} tiers.nvme.claim.recurringJobGroups[0] = "daily": no recurring job of this Longhorn installation is in group "daily" (groups: default, hourly). Fix: add a job with that group (Longhorn recurringJobs or addRecurringJob) before claiming, or fix the name`);
    expect(errorOf(() => lh.tier('nvme').claim({ size: '5Gi', recurringJobs: ['snap'] })))
      .toBe(`${P} tiers.nvme.claim.recurringJobs[0] = "snap": no recurring job named "snap" (jobs: backup-daily, snapshot-hourly). Fix: add the job (Longhorn recurringJobs or addRecurringJob) before claiming, or fix the name`);
  });
});

describe('Longhorn: errors', () => {
  const backup = BASE.recurringJobs!;

  test('the seed 000 faulted volume: more replicas than nodes carrying the tier is refused, naming the tier and the nodes', () => {
    expect(errorOf(() => longhorn({ ...BASE, tiers: { nvme: { replicas: 4 } } })))
      .toBe(`${P} tiers.nvme.replicas = 4: tier "nvme" has disks on 3 nodes (small-1, small-2, big), so 4 replicas cannot sit on different nodes: every volume would run degraded with 3 of 4 replicas, and be faulted once those fail (the cortex Qdrant volume went faulted this way). Fix: use at most 3 replicas, or add nvme disks to more nodes in the profile`);
    expect(errorOf(() => longhorn({ ...BASE, tiers: { optane: { replicas: 2 } } })))
      .toBe(`${P} tiers.optane.replicas = 2: tier "optane" has disks on 1 node (big), so 2 replicas cannot sit on different nodes: every volume would run degraded with 1 of 2 replicas, and be faulted once those fail (the cortex Qdrant volume went faulted this way). Fix: use at most 1 replica with a backup job, or add optane disks to more nodes in the profile`);
    expect(errorOf(() => longhorn({ ...BASE, tiers: { nvme: { replicas: 0 } } }))).toBe(`${P} tiers.nvme.replicas = 0: must be a whole number of at least 1. Fix: use 1 to 3`);
  });

  test('a one-replica tier needs a backup job', () => {
    expect(errorOf(() => longhorn({})))
      .toBe(`${P} tiers.optane.replicas = 1: tier "optane" keeps a single copy of each volume (on big) and no job is in the default group it gets: losing that disk loses the data. Fix: add a backup job's group to tiers.optane.recurringJobGroups (with a backupTarget), or use more replicas after adding optane disks to another node`);
    expect(errorOf(() => longhorn({ recurringJobs: { snap: { task: RecurringJobTask.SNAPSHOT, cron: '0 * * * *', groups: ['default'] } } })))
      .toBe(`${P} tiers.optane.replicas = 1: tier "optane" keeps a single copy of each volume (on big) and its jobs (snap: snapshot) include no backup: losing that disk loses the data. Fix: add a backup job's group to tiers.optane.recurringJobGroups (with a backupTarget), or use more replicas after adding optane disks to another node`);
    // the backup job is in the default group, but a class with a selector does not get the default group
    expect(errorOf(() => longhorn({ ...BASE, recurringJobs: { ...backup, snap: { task: RecurringJobTask.SNAPSHOT, cron: '0 * * * *', groups: ['hourly'] } }, tiers: { optane: { recurringJobGroups: ['hourly'] } } })))
      .toBe(`${P} tiers.optane.replicas = 1: tier "optane" keeps a single copy of each volume (on big) and its jobs (snap: snapshot) include no backup: losing that disk loses the data. Fix: add a backup job's group to tiers.optane.recurringJobGroups (with a backupTarget), or use more replicas after adding optane disks to another node`);
  });

  test('tiers select only jobs and groups that exist; backup jobs need a target', () => {
    expect(errorOf(() => longhorn({ ...BASE, tiers: { optane: { recurringJobGroups: ['daily'] } } })))
      .toBe(`${P} tiers.optane.recurringJobGroups[0] = "daily": no recurring job is in group "daily" (groups: default). Fix: add a job with groups: ["daily"] to recurringJobs, or remove the reference`);
    expect(errorOf(() => longhorn({ ...BASE, tiers: { optane: { recurringJobs: ['bk'] } } })))
      .toBe(`${P} tiers.optane.recurringJobs[0] = "bk": no recurring job named "bk" (jobs: backup-daily). Fix: declare it in recurringJobs, or remove the reference`);
    expect(errorOf(() => longhorn({ recurringJobs: backup })))
      .toBe(`${P} recurringJobs.backup-daily.task = "backup": a backup job needs a backup target, and this Longhorn has none. Fix: set backupTarget, e.g. { url: "nfs://192.168.10.100:/mnt/nvme_storage/longhorn-backups" }`);
    expect(errorOf(() => longhorn({ ...BASE, tiers: { nvme: { recurringJobs: ['bk'] } } }).addRecurringJob('x', { task: RecurringJobTask.SNAPSHOT, cron: '0 * * * *' })))
      .toBe(`${P} tiers.nvme.recurringJobs[0] = "bk": no recurring job named "bk" (jobs: backup-daily). Fix: declare it in recurringJobs, or remove the reference`);
    const withJobs = longhorn();
    expect(errorOf(() => withJobs.addRecurringJob('backup-daily', { task: RecurringJobTask.SNAPSHOT, cron: '0 * * * *' })))
      .toBe(`${P} addRecurringJob("backup-daily") = "backup-daily": a recurring job of that name exists already. Fix: give every job its own name`);
  });

  test('tiers, classes and selectors', () => {
    expect(errorOf(() => longhorn({ ...BASE, tiers: { sata: {} } })))
      .toBe(`${P} tiers.sata = "sata": no node of the test profile has a disk of tier "sata" (tiers: nvme, optane). Fix: use one of "nvme", "optane", or add the disks to the profile`);
    expect(errorOf(() => longhorn({ ...BASE, defaultTier: 'sata' }))).toBe(`${P} defaultTier = "sata": no node of the test profile has a disk of tier "sata". Fix: use one of "nvme", "optane"`);
    expect(errorOf(() => longhorn().tier('sata'))).toBe(`${P} tier = "sata": no such tier (tiers: nvme, optane). Fix: use one of "nvme", "optane"`);
    expect(errorOf(() => longhorn({ ...BASE, tiers: { nvme: { storageClassName: 'longhorn' } } })))
      .toBe(`${P} tiers.nvme.storageClassName = "longhorn": longhorn-manager owns the StorageClass "longhorn" (from the chart's longhorn-storageclass ConfigMap) and would fight a second definition. Fix: use another name, e.g. "longhorn-nvme"`);
    expect(errorOf(() => longhorn({ ...BASE, tiers: { nvme: { storageClassName: 'fast' }, optane: { storageClassName: 'fast' } } })))
      .toBe(`${P} tiers.optane.storageClassName = "fast": tier "nvme" uses that StorageClass name already. Fix: give every tier its own class name`);
    expect(errorOf(() => longhorn({ ...BASE, tiers: { nvme: { storageClassName: 'Fast_SSD' } } })))
      .toBe(`${P} tiers.nvme.storageClassName = "Fast_SSD": not a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit). Fix: did you mean "fast-ssd"?`);
    expect(errorOf(() => longhorn({ ...BASE, tiers: { nvme: { nodeSelector: ['sata'] } } })))
      .toBe(`${P} tiers.nvme.nodeSelector = ["sata"]: no node with nvme disks carries the node tags sata (nodes with nvme disks: small-1, small-2, big; a node's tags are the tiers of its disks). Fix: remove the node selector, or name a tier that shares a node with this one`);
    expect(errorOf(() => longhorn({ ...BASE, tiers: { nvme: { dataLocality: DataLocality.STRICT_LOCAL } } })))
      .toBe(`${P} tiers.nvme.dataLocality = "strict-local": strict-local keeps the only replica on the pod's node, so it takes exactly 1 replica (this tier has 3). Fix: use DataLocality.BEST_EFFORT, or replicas: 1 with a backup job`);
    expect(errorOf(() => longhorn({ ...BASE, tiers: { nvme: { dataLocality: 'near' as DataLocality } } })))
      .toBe(`${P} tiers.nvme.dataLocality = "near": not a Longhorn data locality. Fix: use DataLocality.DISABLED, BEST_EFFORT or STRICT_LOCAL`);
    expect(errorOf(() => longhorn({ ...BASE, tiers: { nvme: { staleReplicaTimeout: 0 } } }))).toBe(`${P} tiers.nvme.staleReplicaTimeout = 0: must be a whole number of at least 1. Fix: use e.g. 2880`);
    expect(errorOf(() => longhorn({ ...BASE, tiers: { nvme: { fsType: 'btrfs' as LonghornFsType } } })))
      .toBe(`${P} tiers.nvme.fsType = "btrfs": Longhorn formats volumes as ext4 or xfs. Fix: use LonghornFsType.EXT4 or LonghornFsType.XFS`);
  });

  test('settings', () => {
    expect(errorOf(() => longhorn({ ...BASE, storageOverProvisioningPercentage: 0 }))).toBe(`${P} storageOverProvisioningPercentage = 0: must be a whole percentage from 1 to 1000. Fix: use e.g. 100`);
    expect(errorOf(() => longhorn({ ...BASE, storageMinimalAvailablePercentage: 101 }))).toBe(`${P} storageMinimalAvailablePercentage = 101: must be a whole percentage from 0 to 100. Fix: use e.g. 25`);
    expect(errorOf(() => longhorn({ ...BASE, nodeDownPodDeletionPolicy: 'x' as NodeDownPodDeletionPolicy }))).toBe(`${P} nodeDownPodDeletionPolicy = "x": not a Longhorn node-down pod deletion policy. Fix: use a NodeDownPodDeletionPolicy value`);
    expect(errorOf(() => longhorn({ ...BASE, defaultDataLocality: DataLocality.STRICT_LOCAL })))
      .toBe(`${P} defaultDataLocality = "strict-local": the global default must be disabled or best-effort (strict-local needs one replica per volume). Fix: use DataLocality.BEST_EFFORT, and strict-local on a one-replica tier`);
    expect(errorOf(() => longhorn({ ...BASE, uiReplicas: 0 }))).toBe(`${P} uiReplicas = 0: must be a whole number of at least 1. Fix: use e.g. 2`);
  });

  test('backup targets', () => {
    expect(errorOf(() => longhorn({ ...BASE, backupTarget: { url: 'nfs://a:/b', target: 'x' } })))
      .toBe(`${P} backupTarget = {"url":"nfs://a:/b","target":"x"}: give exactly one of target (a profile backup target) and url. Fix: use { target: "<name>" } with one of the profile's backupTargets (none declared), or { url: "nfs://<server>:/<path>" }`);
    expect(errorOf(() => longhorn({ ...BASE, backupTarget: { url: 'nfs://a/b' } })))
      .toBe(`${P} backupTarget.url = "nfs://a/b": not a Longhorn backup target URL. Fix: use nfs://<server>:/<path>, s3://<bucket>@<region>/<path>, cifs://<server>/<share> or azblob://<container>@<endpoint>/`);
    expect(errorOf(() => longhorn({ ...BASE, backupTarget: { url: 's3://bucket@us-east-1/' } })))
      .toBe(`${P} backupTarget.credentialSecret = undefined: a backup target of type s3 needs credentials. Fix: name a Secret in longhorn-system that holds them (never the values themselves)`);
    expect(errorOf(() => longhorn({ ...BASE, backupTarget: { url: 's3://b@r/', credentialSecret: 'Bad Secret' } })))
      .toBe(`${P} backupTarget.credentialSecret = "Bad Secret": not a DNS-1123 subdomain (dot-separated lower-case labels, at most 253 characters). Fix: did you mean "bad-secret"?`);
    expect(errorOf(() => longhorn({ ...BASE, backupTarget: { url: 'nfs://a:/b', prefix: 'x' } })))
      .toBe(`${P} backupTarget.prefix = "x": prefix goes with target; a url carries its own path. Fix: put the folder into the url, or remove prefix`);
    expect(errorOf(() => longhorn({ ...BASE, backupTarget: { url: 'nfs://a:/b', pollInterval: 0 } }))).toBe(`${P} backupTarget.pollInterval = 0: must be a whole number of at least 1. Fix: use e.g. 300`);
    expect(errorOf(() => longhorn({ ...BASE, backupTarget: { target: 'minio' } }))).toMatch(/^\[test\/longhorn-system\] backupTarget\.target = "minio": no backup target of that name/);
  });

  test('profile disks and placement', () => {
    const node = { name: 'a', allocatable: { cpu: '1', memory: '1Gi' } };
    expect(errorOf(() => longhorn(BASE, { nodes: [node] })))
      .toBe(`${P} profile.nodes[].disks = []: no node of the test profile declares a disk, so Longhorn has nowhere to place replicas. Fix: list each node's Longhorn disks in the profile: disks: [{ tier: "nvme", capacity: "400Gi", path: "/var/lib/longhorn" }]`);
    expect(errorOf(() => longhorn(BASE, { nodes: [{ ...node, disks: [{ tier: 'nvme', capacity: '1Gi' }, { tier: 'ssd', capacity: '1Gi' }] }] })))
      .toBe(`${P} profile.nodes[0].disks[1].path = "/var/lib/longhorn": two disks of node a (nvme and ssd) have the same path. Fix: give every disk its own mount path (a disk without a path is at /var/lib/longhorn)`);
    expect(errorOf(() => longhorn(BASE, { nodes: [{ ...node, disks: [{ tier: 'nvme', capacity: '1Gi', path: '/mnt/{x}' }] }] })))
      .toBe(`${P} profile.nodes[0].disks[0].path = "/mnt/{x}": "{x}" is neither a list {a,b} nor a range {1..3}. Fix: write the disks as /mnt/ssd-{1..7}/pv or /mnt/optane-{1,2}/pv, or list one path per disk`);
    expect(errorOf(() => new Longhorn(Testing.app(), 'longhorn-system', BASE))).toMatch(/^\[longhorn-system\] scope = "longhorn-system": this construct is not inside a Cluster/);
    const cluster = tieredCluster();
    new Longhorn(cluster, 'a', BASE);
    expect(errorOf(() => new Longhorn(cluster, 'b', BASE))).toBe('[test/b] scope = "test/a": the cluster has a Longhorn installation already. Fix: create Longhorn once per cluster and use its tiers everywhere');
  });
});

describe('Longhorn: disks on one node only', () => {
  // found by the property suite (test/property/longhorn.property.test.ts): the chart's own
  // `longhorn` class got one replica and the bare default group, which HK-STO-02 refused
  const oneNode = { nodes: [
    { name: 'server', allocatable: { cpu: '4', memory: '8Gi' } },
    { name: 'big', allocatable: { cpu: '8', memory: '32Gi' }, disks: [{ tier: 'nvme', capacity: '400Gi', path: '/mnt/nvme/lh' }] },
  ] };
  const props: LonghornProps = {
    backupTarget: { url: 'nfs://192.168.10.100:/exports/longhorn' },
    recurringJobs: { 'backup-daily': { task: RecurringJobTask.BACKUP, cron: '30 1 * * *', groups: ['daily'] } },
    tiers: { nvme: { recurringJobGroups: ['daily'] } },
  };

  test('the chart\'s one-replica class selects the default tier\'s jobs, and the policies pass', () => {
    const cluster = tieredCluster(oneNode, true);
    new Longhorn(cluster, 'longhorn-system', props);
    const s = cluster.synthesize();
    expect(s.errors).toEqual([]);
    const values = find(s.objects.map((o) => o.manifest), 'HelmRelease', 'longhorn').spec.values;
    expect(values.persistence).toEqual({
      defaultClass: false, defaultClassReplicaCount: 1, reclaimPolicy: 'Retain',
      recurringJobSelector: { enable: true, jobList: '[{"name":"daily","isGroup":true}]' },
    });
  });

  test('with a backup job in the default group the chart\'s class needs no selector', () => {
    const cluster = tieredCluster(oneNode, true);
    new Longhorn(cluster, 'longhorn-system', { ...props, recurringJobs: { 'backup-daily': { task: RecurringJobTask.BACKUP, cron: '30 1 * * *', groups: ['default'] } }, tiers: {} });
    const s = cluster.synthesize();
    expect(s.errors).toEqual([]);
    expect(find(s.objects.map((o) => o.manifest), 'HelmRelease', 'longhorn').spec.values.persistence).toEqual({ defaultClass: false, defaultClassReplicaCount: 1, reclaimPolicy: 'Retain' });
  });

  test('with disks on several nodes the chart\'s class keeps its replicas and no selector', () => {
    const lh = longhorn();
    const values = find(manifests(lh.node.scope as any), 'HelmRelease', 'longhorn').spec.values;
    expect(values.persistence.recurringJobSelector).toBeUndefined();
    expect(values.persistence.defaultClassReplicaCount).toBe(3);
  });
});

describe('Longhorn: tainted nodes with disks', () => {
  // found while writing the property suite (test/property/longhorn.property.test.ts, which now
  // checks it): a disk node with a NoSchedule taint got no tolerations, so Longhorn never ran
  // there and its disks held nothing; no policy looks at the chart's tolerations
  const tainted = (taints: any[]) => ({
    nodes: TIERED_PROFILE.nodes.map((n) => (n.name === 'big' ? { ...n, taints } : n)),
  });

  test('the manager, the driver deployer and Longhorn\'s own components tolerate the disk nodes\' taints', () => {
    const lh = longhorn(BASE, tainted([
      { key: 'nvidia.com/gpu', effect: TaintEffect.NO_SCHEDULE },
      { key: 'dedicated', value: 'storage', effect: TaintEffect.NO_EXECUTE },
      { key: 'soft', value: 'x', effect: TaintEffect.PREFER_NO_SCHEDULE },
    ]));
    const values = find(manifests(lh.node.scope as any), 'HelmRelease', 'longhorn').spec.values;
    const tolerations = [
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'dedicated', operator: 'Equal', value: 'storage', effect: 'NoExecute' },
    ];
    expect(values.longhornManager).toEqual({ tolerations });
    expect(values.longhornDriver).toEqual({ tolerations });
    expect(values.defaultSettings.taintToleration).toBe('nvidia.com/gpu:NoSchedule; dedicated=storage:NoExecute');
  });

  test('a server without disks adds nothing (only nodes with disks count), and untainted disk nodes none at all', () => {
    const values = find(manifests(longhorn().node.scope as any), 'HelmRelease', 'longhorn').spec.values;
    expect([values.longhornManager, values.longhornDriver, values.defaultSettings.taintToleration]).toEqual([undefined, undefined, undefined]);
  });

  test('a disk node tainted with a kubernetes.io key is refused: Longhorn\'s taintToleration setting cannot carry it', () => {
    expect(errorOf(() => longhorn(BASE, tainted([{ key: 'node-role.kubernetes.io/control-plane', effect: TaintEffect.NO_SCHEDULE }]))))
      .toBe(`${P} profile.nodes[3].taints[0] = "node-role.kubernetes.io/control-plane:NoSchedule": node big has Longhorn disks, and Longhorn's taintToleration setting refuses "kubernetes.io" keys, so its instance managers and CSI plugin could never run there. Fix: remove the taint from the node (or use a key of your own, e.g. "storage-only"), or move the disks to an untainted node`);
  });
});

describe('Longhorn: lists given as something else are refused, not iterated', () => {
  // found by the property suite's type-confusion inputs (JavaScript callers, `as any`): these were TypeErrors
  test('job groups, tier selectors and claim groups', () => {
    expect(errorOf(() => longhorn({ ...BASE, recurringJobs: { ...BASE.recurringJobs, snap: { task: RecurringJobTask.SNAPSHOT, cron: '0 * * * *', groups: 'daily' as any } } })))
      .toBe('[test/longhorn-system/RecurringJobs/snap] groups = "daily": a list of group names. Fix: write groups: ["daily"]');
    expect(errorOf(() => longhorn({ ...BASE, tiers: { nvme: { nodeSelector: 'nvme' as any } } })))
      .toBe(`${P} tiers.nvme.nodeSelector = "nvme": a list of names. Fix: write nodeSelector: ["nvme"]`);
    expect(errorOf(() => longhorn({ ...BASE, tiers: { nvme: { recurringJobGroups: 'default' as any } } })))
      .toBe(`${P} tiers.nvme.recurringJobGroups = "default": a list of names. Fix: write recurringJobGroups: ["daily"]`);
    const lh = longhorn();
    expect(errorOf(() => lh.tier('nvme').claim({ size: '1Gi', recurringJobGroups: 'default' as any })))
      .toBe(`${P} tiers.nvme.claim.recurringJobGroups = "default": a list of names. Fix: write recurringJobGroups: ["hourly"]`);
    expect(errorOf(() => lh.tier('nvme').claim(null as any)))
      .toBe(`${P} tiers.nvme.claim = null: claim options are an object. Fix: e.g. claim({ size: "20Gi" })`);
  });
});

describe('Longhorn: one id per scope (issue 8)', () => {
  test('a second Longhorn of the same id names its path and asks for another id', () => {
    const lh = longhorn();
    expect(errorOf(() => new Longhorn(lh.node.scope as Cluster, 'longhorn-system', BASE))).toBe(
      '[test/longhorn-system] id = "longhorn-system": test already has a construct with this id (Longhorn), and ids are unique within their scope. Fix: choose another id (the id names the objects it synthesizes), or reuse the construct you created first');
  });
});
