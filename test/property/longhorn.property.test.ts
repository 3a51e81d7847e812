import * as fc from 'fast-check';
import {
  AppWorkload, BackupTargetKind, Cluster, ClusterProfileProps, DataLocality, Distro, GitOpsEngine, Longhorn, LonghornFsType, LonghornProps, LonghornRecurringJobOptions,
  LonghornTierOptions, Namespace, NodeDownPodDeletionPolicy, RecurringJobTask, StorageReclaimPolicy, TaintEffect, VolumeBindingMode,
} from '../../lib';
import { helmReleaseOf } from '../../lib/policies/helm';
import { SEED, assertBreaker, breaker, breakerRows, Breaker, dnsLabel, propCluster, synthClean } from './support';

/**
 * Longhorn properties: storage tiers come from generated profile disks (any number of nodes,
 * tiers, capacities and brace-pattern paths), with generated recurring jobs (tasks, crons,
 * retention, groups), tier options within what the tier's nodes can hold, a backup target when
 * a job or a one-replica tier needs one, and a claim that fits. Every such setup synthesizes
 * cleanly with one StorageClass per tier, exactly one default; any one option made invalid is
 * refused at the Longhorn's path.
 */

const GI = 2 ** 30;
const TIERS: string[] = ['nvme', 'optane', 'sas-ssd', 'default', 'hdd'];

/** A cron that fires at least daily: minute and hour fields in every cron form Longhorn reads. */
const cron: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 23 })).map(([m, h]) => `${m} ${h} * * *`),
  fc.tuple(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 1, max: 12 })).map(([m, k]) => `${m} */${k} * * *`),
  fc.tuple(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 22 }), fc.integer({ min: 1, max: 6 })).map(([m, h, d]) => `${m} ${h}-${Math.min(23, h + d)} * * *`),
  fc.tuple(fc.integer({ min: 0, max: 29 }), fc.integer({ min: 0, max: 23 }), fc.constantFrom('0', '1-5', '0,6', 'MON', 'sun', '*')).map(([m, h, dow]) => `${m},${m + 30} ${h} * * ${dow}`),
  fc.tuple(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 1, max: 28 })).map(([m, h, d]) => `${m} ${h} ${d} * *`),
  fc.constantFrom('@daily', '@hourly', '@weekly', '@monthly', '@midnight', '*/15 * * * *', ' 5 3 * * * '),
);

const node = (tiers: readonly string[]) => fc.record({
  disks: fc.subarray([...tiers], { minLength: 0 }).chain((ts) => fc.tuple(...ts.map((tier) => fc.record({
    tier: fc.constant(tier),
    capacityGi: fc.integer({ min: 10, max: 4000 }),
    path: fc.constantFrom(`/mnt/${tier}/lh`, `/mnt/${tier}-{1..3}/lh`, `/mnt/${tier}-{a,b}/pv`, undefined),
  })))),
  taint: fc.constantFrom(undefined,
    { key: 'dedicated', value: 'storage', effect: TaintEffect.PREFER_NO_SCHEDULE },
    { key: 'nvidia.com/gpu', effect: TaintEffect.NO_SCHEDULE },
    { key: 'storage-only', value: 'true', effect: TaintEffect.NO_EXECUTE }),
});

/** A profile of 1-5 nodes with disks of 1-3 tiers (every tier on at least one node). */
const profile = fc.shuffledSubarray(TIERS, { minLength: 1, maxLength: 3 }).chain((tiers) =>
  fc.record({
    tiers: fc.constant(tiers),
    nodes: fc.array(node(tiers), { minLength: 1, maxLength: 5 }),
    kubeletRootDir: fc.constantFrom(undefined, '/var/lib/kubelet', '/var/lib/rancher/k3s/agent/kubelet'),
    engine: fc.constantFrom(GitOpsEngine.FLUX, GitOpsEngine.ARGO_CD),
  }).filter((p) => tiers.every((t) => p.nodes.some((n) => n.disks.some((d) => d.tier === t)))))
  .map((p) => {
    const nodes = p.nodes.map((n, i) => ({
      name: `node-${i + 1}`,
      allocatable: { cpu: '8', memory: '32Gi' },
      // a tainted node still carries disks (Longhorn must tolerate it); the first node stays untainted for the app
      taints: n.taint && i > 0 ? [n.taint] : [],
      // at most one disk of a node without a path (it is /var/lib/longhorn)
      disks: n.disks.map((d, j) => ({ tier: d.tier, capacity: `${d.capacityGi}Gi`, path: d.path ?? (j === 0 ? undefined : `/mnt/${d.tier}-${j}/lh`) })),
    }));
    const tierNodes = new Map(p.tiers.map((t) => [t, nodes.filter((n) => n.disks.some((d) => d.tier === t)).map((n) => ({
      name: n.name, bytes: n.disks.filter((d) => d.tier === t).reduce((s, d) => s + parseInt(d.capacity, 10) * GI, 0),
    }))]));
    const props: ClusterProfileProps = {
      distro: Distro.K3S,
      version: 'v1.32.5+k3s1',
      kubeletRootDir: p.kubeletRootDir,
      gitops: { engine: p.engine, repoUrl: 'ssh://git@github.com/example/cluster' },
      nodes,
      backupTargets: [
        { name: 'nas', kind: BackupTargetKind.NFS, endpoint: 'nfs://192.168.10.100:/mnt/longhorn-backups' },
        { name: 'minio', kind: BackupTargetKind.MINIO, endpoint: 'http://192.168.10.100:9000', bucket: 'longhorn' },
      ],
    };
    return { tiers: p.tiers, tierNodes, props };
  });

const NON_BACKUP = [RecurringJobTask.SNAPSHOT, RecurringJobTask.SNAPSHOT_FORCE_CREATE, RecurringJobTask.SNAPSHOT_CLEANUP, RecurringJobTask.SNAPSHOT_DELETE, RecurringJobTask.FILESYSTEM_TRIM];
const BACKUP = [RecurringJobTask.BACKUP, RecurringJobTask.BACKUP_FORCE_CREATE];
const NO_RETAIN = new Set([RecurringJobTask.SNAPSHOT_CLEANUP, RecurringJobTask.FILESYSTEM_TRIM]);
const GROUPS = ['default', 'daily', 'hourly', 'weekly'];

const job = (tasks: RecurringJobTask[]) => fc.record({
  task: fc.constantFrom(...tasks),
  cron,
  retain: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
  concurrency: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
  groups: fc.subarray(GROUPS),
  fullBackupInterval: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
}).map((j): LonghornRecurringJobOptions => ({
  task: j.task,
  cron: j.cron,
  retain: NO_RETAIN.has(j.task) ? undefined : j.retain,
  concurrency: j.concurrency,
  groups: j.groups,
  fullBackupInterval: BACKUP.includes(j.task) ? j.fullBackupInterval : undefined,
}));

const backupTarget = fc.oneof(
  fc.constant({ url: 'nfs://192.168.10.100:/exports/longhorn' }),
  fc.constant({ target: 'nas' }),
  fc.record({ target: fc.constant('minio'), credentialSecret: fc.constant('longhorn-minio'), prefix: fc.constantFrom(undefined, 'longhorn', 'lab/longhorn') }),
  fc.record({ url: fc.constant('s3://longhorn@us-east-1/lab/'), credentialSecret: fc.constant('longhorn-s3'), pollInterval: fc.integer({ min: 1, max: 3600 }) }),
);

const validLonghorn = profile.chain((p) => fc.record({
  p: fc.constant(p),
  jobs: fc.uniqueArray(fc.tuple(dnsLabel(15), job([...NON_BACKUP, ...BACKUP, RecurringJobTask.SYSTEM_BACKUP])), { maxLength: 3, selector: ([n]) => n }),
  backupTarget: fc.option(backupTarget, { nil: undefined }),
  tierOptions: fc.tuple(...p.tiers.map((t) => {
    const nodes = p.tierNodes.get(t)!.length;
    return fc.record({
      replicas: fc.option(fc.integer({ min: 1, max: Math.min(3, nodes) }), { nil: undefined }),
      storageClassName: fc.option(fc.constant(`${t}-class`), { nil: undefined }),
      dataLocality: fc.option(fc.constantFrom(DataLocality.DISABLED, DataLocality.BEST_EFFORT, DataLocality.STRICT_LOCAL), { nil: undefined }),
      staleReplicaTimeout: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }),
      fsType: fc.option(fc.constantFrom(LonghornFsType.EXT4, LonghornFsType.XFS), { nil: undefined }),
      reclaimPolicy: fc.option(fc.constantFrom(StorageReclaimPolicy.RETAIN, StorageReclaimPolicy.DELETE), { nil: undefined }),
      allowVolumeExpansion: fc.option(fc.boolean(), { nil: undefined }),
      volumeBindingMode: fc.option(fc.constantFrom(VolumeBindingMode.IMMEDIATE, VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER), { nil: undefined }),
      ownTierSelector: fc.boolean(),
      groups: fc.subarray(GROUPS, { maxLength: 2 }),
    });
  })),
  defaultTier: fc.option(fc.constantFrom(...p.tiers), { nil: undefined }),
  settings: fc.record({
    storageOverProvisioningPercentage: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
    storageMinimalAvailablePercentage: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    replicaSoftAntiAffinity: fc.option(fc.boolean(), { nil: undefined }),
    defaultDataLocality: fc.option(fc.constantFrom(DataLocality.DISABLED, DataLocality.BEST_EFFORT), { nil: undefined }),
    nodeDownPodDeletionPolicy: fc.option(fc.constantFrom(...Object.values(NodeDownPodDeletionPolicy)), { nil: undefined }),
    uiReplicas: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  }),
  claim: fc.record({ tier: fc.constantFrom(...p.tiers), share: fc.double({ min: 0.01, max: 1, noNaN: true }), extraGroup: fc.boolean() }),
}).map((g) => {
  // make the inputs valid by construction: jobs that need a target get one, one-replica tiers
  // select a backup job, strict-local only with one replica, groups only of declared jobs
  const jobs = Object.fromEntries(g.jobs);
  const replicasOf = (t: string, o: { replicas?: number }) => o.replicas ?? Math.min(3, p.tierNodes.get(t)!.length);
  // a one-replica tier needs a backup job, and so does the claim (HK-BAK-01: every claim is backed up)
  const needsBackupJob = true;
  const backupGroups = new Set(Object.values(jobs).filter((j) => BACKUP.includes(j.task)).flatMap((j) => j.groups ?? []));
  if (needsBackupJob && backupGroups.size === 0) {
    jobs['backup-safety'] = { task: RecurringJobTask.BACKUP, cron: '17 2 * * *', groups: ['safety'] };
    backupGroups.add('safety');
  }
  const needsTarget = Object.values(jobs).some((j) => BACKUP.includes(j.task) || j.task === RecurringJobTask.SYSTEM_BACKUP);
  const target = g.backupTarget ?? (needsTarget ? { url: 'nfs://192.168.10.100:/exports/longhorn' } : undefined);
  const declaredGroups = new Set(Object.values(jobs).flatMap((j) => j.groups ?? []));
  const tiers: Record<string, LonghornTierOptions> = {};
  p.tiers.forEach((t, i) => {
    const o = g.tierOptions[i];
    const replicas = replicasOf(t, o);
    let groups = o.groups.filter((x) => declaredGroups.has(x));
    if (replicas === 1 && !groups.some((x) => backupGroups.has(x)) && !(groups.length === 0 && backupGroups.has('default'))) {
      groups = [...groups, [...backupGroups][0]];
    }
    tiers[t] = {
      replicas: o.replicas,
      storageClassName: o.storageClassName,
      dataLocality: o.dataLocality === DataLocality.STRICT_LOCAL && replicas !== 1 ? DataLocality.BEST_EFFORT : o.dataLocality,
      staleReplicaTimeout: o.staleReplicaTimeout,
      fsType: o.fsType,
      reclaimPolicy: o.reclaimPolicy,
      allowVolumeExpansion: o.allowVolumeExpansion,
      volumeBindingMode: o.volumeBindingMode,
      nodeSelector: o.ownTierSelector ? [t] : undefined,
      recurringJobGroups: groups.length ? groups : undefined,
    };
  });
  const props: LonghornProps = { tiers, recurringJobs: jobs, backupTarget: target, defaultTier: g.defaultTier, ...g.settings };
  // a claim that `replicas` nodes of its tier can hold
  const claimTier = g.claim.tier;
  const r = replicasOf(claimTier, g.tierOptions[p.tiers.indexOf(claimTier)]);
  const largest = p.tierNodes.get(claimTier)!.map((n) => n.bytes).sort((a, b) => b - a)[r - 1];
  const claimGi = Math.max(1, Math.floor((largest / GI) * g.claim.share));
  const tierGroups = tiers[claimTier].recurringJobGroups ?? [];
  const tierBacksUp = tierGroups.some((x) => backupGroups.has(x)) || (tierGroups.length === 0 && backupGroups.has('default'));
  const extra = g.claim.extraGroup && declaredGroups.size ? [[...declaredGroups].sort()[0]] : [];
  const extraGroups = tierBacksUp ? (extra.length ? extra : undefined) : [...new Set([...extra, [...backupGroups].sort()[0]])];
  return { p, props, replicasOf: (t: string) => replicasOf(t, g.tierOptions[p.tiers.indexOf(t)]), claim: { tier: claimTier, size: `${claimGi}Gi`, recurringJobGroups: extraGroups } };
}));

type Generated = typeof validLonghorn extends fc.Arbitrary<infer T> ? T : never;

function build(g: Generated): { cluster: Cluster; longhorn: Longhorn } {
  const cluster = propCluster(g.p.props);
  const longhorn = new Longhorn(cluster, 'longhorn-system', g.props);
  const ns = new Namespace(cluster, 'data');
  new AppWorkload(ns, 'db', {
    image: 'docker.io/library/postgres:16.4-alpine',
    resources: { cpu: '100m', memory: '256Mi', memoryLimit: '512Mi' },
    ports: [{ name: 'postgres', port: 5432 }],
    // the database may run on the storage nodes (a strict-local volume needs its pod next to the replica)
    tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }, { key: 'storage-only', operator: 'Equal', value: 'true', effect: 'NoExecute' }],
    volumes: { data: { mountPath: '/var/lib/postgresql/data', source: longhorn.tier(g.claim.tier).claim({ size: g.claim.size, recurringJobGroups: g.claim.recurringJobGroups }) } },
  });
  return { cluster, longhorn };
}

describe('Longhorn properties', () => {
  test('any tiers from profile disks, jobs and options that fit synthesize cleanly, one StorageClass per tier, one default', () => {
    fc.assert(fc.property(validLonghorn, (g) => {
      const { cluster, longhorn } = build(g);
      const objs = synthClean(cluster);
      const classes = objs.filter((o) => o.kind === 'StorageClass');
      expect(classes.map((c) => c.metadata.labels['hardened-homelab.io/storage-tier']).sort()).toEqual([...g.p.tiers].sort());
      for (const t of g.p.tiers) {
        const o = g.props.tiers![t];
        const sc = classes.find((c) => c.metadata.name === (o.storageClassName ?? `longhorn-${t}`));
        expect(sc.parameters).toMatchObject({
          numberOfReplicas: String(g.replicasOf(t)), diskSelector: t, dataLocality: o.dataLocality ?? 'best-effort',
          fsType: o.fsType ?? 'ext4', staleReplicaTimeout: String(o.staleReplicaTimeout ?? 2880),
        });
        expect([sc.reclaimPolicy, sc.allowVolumeExpansion, sc.volumeBindingMode]).toEqual([o.reclaimPolicy ?? 'Retain', o.allowVolumeExpansion ?? true, o.volumeBindingMode ?? 'Immediate']);
        // never more replicas than nodes carrying the tier
        expect(Number(sc.parameters.numberOfReplicas)).toBeLessThanOrEqual(g.p.tierNodes.get(t)!.length);
      }
      const defaults = classes.filter((c) => c.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
      expect(defaults.length).toBe(1);
      // the `default` tier, else the tier on most nodes (the first to appear in the profile on a tie)
      const order = [...new Set(g.p.props.nodes.flatMap((n) => (n.disks ?? []).map((d) => d.tier)))];
      const most = order.reduce((best, t) => (g.p.tierNodes.get(t)!.length > g.p.tierNodes.get(best)!.length ? t : best), order[0]);
      const expectedDefault = g.props.defaultTier ?? (order.includes('default') ? 'default' : most);
      expect(defaults[0].metadata.labels['hardened-homelab.io/storage-tier']).toBe(expectedDefault);
      // the recurring jobs as declared
      const jobs = objs.filter((o) => o.kind === 'RecurringJob');
      expect(jobs.map((j) => j.metadata.name).sort()).toEqual(Object.keys(g.props.recurringJobs ?? {}).sort());
      for (const j of jobs) {
        const o = g.props.recurringJobs![j.metadata.name];
        expect([j.spec.task, j.spec.cron, j.spec.retain, j.spec.groups]).toEqual([o.task, o.cron.trim(), NO_RETAIN.has(o.task) ? 0 : o.retain ?? 7, o.groups ?? []]);
      }
      // chart values from the profile
      const releases = objs.map((o) => helmReleaseOf(o)).filter((r) => r?.chart === 'longhorn');
      expect(releases.length).toBe(1);
      const chartValues = releases[0]!.values as any;
      expect(chartValues.csi.kubeletRootDir).toBe(g.p.props.kubeletRootDir ?? '/var/lib/kubelet');
      expect(chartValues.defaultSettings.defaultReplicaCount).toBe(Math.min(3, g.p.props.nodes.filter((n) => (n.disks ?? []).length > 0).length));
      // Longhorn tolerates the NoSchedule/NoExecute taints of the nodes with disks, nothing else
      const hard = [...new Map(g.p.props.nodes.filter((n) => (n.disks ?? []).length).flatMap((n) => n.taints ?? [])
        .filter((t) => t.effect !== TaintEffect.PREFER_NO_SCHEDULE).map((t) => [`${t.key}=${t.value}:${t.effect}`, t])).values()];
      expect(chartValues.longhornManager?.tolerations ?? []).toEqual(hard.map((t) => (t.value === undefined ? { key: t.key, operator: 'Exists', effect: t.effect } : { key: t.key, operator: 'Equal', value: t.value, effect: t.effect })));
      expect(chartValues.defaultSettings.taintToleration).toBe(hard.length ? hard.map((t) => `${t.key}${t.value === undefined ? '' : `=${t.value}`}:${t.effect}`).join('; ') : undefined);
      // one Longhorn disk per (brace-expanded) path, tagged with its tier
      for (const setup of longhorn.nodeSetup) {
        const n = g.p.props.nodes.find((x) => x.name === setup.node)!;
        const disks = JSON.parse(setup.annotations['node.longhorn.io/default-disks-config']);
        const expected = (n.disks ?? []).reduce((s, d) => s + (d.path?.includes('{1..3}') ? 3 : d.path?.includes('{a,b}') ? 2 : 1), 0);
        expect(disks.length).toBe(expected);
        expect(new Set(disks.map((d: any) => d.path)).size).toBe(expected);
      }
    }), { seed: SEED, numRuns: 50 });
  }, 60_000);

  const P = 'prop/longhorn-system';
  const firstTier = (g: Generated) => g.p.tiers[0];
  const withTier = (g: Generated, patch: Partial<LonghornTierOptions>, t = firstTier(g)): Generated =>
    ({ ...g, props: { ...g.props, tiers: { ...g.props.tiers, [t]: { ...g.props.tiers![t], ...patch } } } });
  const withJob = (g: Generated, o: Partial<LonghornRecurringJobOptions>): Generated =>
    ({ ...g, props: { ...g.props, backupTarget: g.props.backupTarget ?? { url: 'nfs://192.168.10.100:/exports/longhorn' }, recurringJobs: { ...g.props.recurringJobs, extra: { task: RecurringJobTask.SNAPSHOT, cron: '0 3 * * *', ...o } } } });
  const withProps = (patch: Partial<LonghornProps>) => (g: Generated): Generated => ({ ...g, props: { ...g.props, ...patch } });
  const breakers: Breaker<Generated>[] = [
    breaker(/^tiers\.[a-z0-9-]+\.replicas$/, [1, 2], (g, extra: number) => withTier(g, { replicas: g.p.tierNodes.get(firstTier(g))!.length + extra })),
    breaker(/^tiers\.[a-z0-9-]+\.replicas$/, [0, -1, 1.5, Number.NaN], (g, v: number) => withTier(g, { replicas: v })),
    breaker('tiers.ssd-nope', [1], withProps({ tiers: { 'ssd-nope': {} } })),
    breaker(/^tiers\.[a-z0-9-]+\.storageClassName$/, ['longhorn', 'Fast_Class', '', 'c'.repeat(64)], (g, v: string) => withTier(g, { storageClassName: v })),
    breaker(/^tiers\.[a-z0-9-]+\.dataLocality$/, ['strict', 'Best-Effort'], (g, v: string) => withTier(g, { dataLocality: v as DataLocality })),
    breaker(/^tiers\.[a-z0-9-]+\.staleReplicaTimeout$/, [0, -5, 2.5], (g, v: number) => withTier(g, { staleReplicaTimeout: v })),
    breaker(/^tiers\.[a-z0-9-]+\.fsType$/, ['btrfs', 'EXT4'], (g, v: string) => withTier(g, { fsType: v as LonghornFsType })),
    breaker(/^tiers\.[a-z0-9-]+\.nodeSelector(\[0\])?$/, ['no-such-tag', 'Bad_Tag'], (g, v: string) => withTier(g, { nodeSelector: [v] })),
    breaker(/^tiers\.[a-z0-9-]+\.recurringJobGroups\[0\]$/, ['no-such-group'], (g, v: string) => withTier(g, { recurringJobGroups: [v] })),
    breaker(/^tiers\.[a-z0-9-]+\.recurringJobs\[0\]$/, ['no-such-job'], (g, v: string) => withTier(g, { recurringJobs: [v] })),
    breaker('cron', ['61 * * * *', '* * *', '0 3 * * * *', 'every day', 'CRON_TZ=UTC 0 3 * * *', '0 0 30 2 *', '0 24 * * *', '0 3 * * 7'], (g, v: string) => withJob(g, { cron: v })),
    breaker('retain', [0, 101, 1.5, -1], (g, v: number) => withJob(g, { retain: v })),
    breaker('retain', [3], (g, v: number) => withJob(g, { task: RecurringJobTask.FILESYSTEM_TRIM, retain: v })),
    breaker('concurrency', [0, -1, 1.5], (g, v: number) => withJob(g, { concurrency: v })),
    breaker('groups[0]', ['Daily', 'daily_1', ''], (g, v: string) => withJob(g, { groups: [v] })),
    breaker('groups', [['daily', 'daily']], (g, v: string[]) => withJob(g, { groups: v })),
    breaker('task', ['snapshots', 'Backup', ''], (g, v: string) => withJob(g, { task: v as RecurringJobTask })),
    // wrong types (JavaScript callers, `as any`): refused, never a TypeError
    breaker('groups', ['daily', 5, { daily: true }], (g, v: any) => withJob(g, { groups: v })),
    breaker(/^tiers\.[a-z0-9-]+\.(nodeSelector|recurringJobGroups|recurringJobs)$/, ['nvme', 3], (g, v: any) => withTier(g, { nodeSelector: v })),
    breaker(/^tiers\.[a-z0-9-]+\.claim\.(recurringJobGroups|recurringJobs)$/, ['daily', 1], (g, v: any) => ({ ...g, claim: { ...g.claim, recurringJobGroups: v } })),
    breaker('fullBackupInterval', [3], (g, v: number) => withJob(g, { task: RecurringJobTask.SNAPSHOT, fullBackupInterval: v })),
    breaker('fullBackupInterval', [-1, 1.5], (g, v: number) => withJob(g, { task: RecurringJobTask.BACKUP, fullBackupInterval: v })),
    // a backup job and no backup target (jobs are registered before the tiers select them)
    breaker(/^recurringJobs\.[a-z0-9-]+\.task$/, [RecurringJobTask.BACKUP, RecurringJobTask.BACKUP_FORCE_CREATE, RecurringJobTask.SYSTEM_BACKUP], (g, v: RecurringJobTask) =>
      withProps({ backupTarget: undefined, recurringJobs: { nightly: { task: v, cron: '0 3 * * *' } } })(g)),
    breaker('defaultTier', ['no-such-tier', 'NVMe'], (g, v: string) => withProps({ defaultTier: v })(g)),
    breaker('storageOverProvisioningPercentage', [0, 1001, 1.5], (g, v: number) => withProps({ storageOverProvisioningPercentage: v })(g)),
    breaker('storageMinimalAvailablePercentage', [-1, 101, 50.5], (g, v: number) => withProps({ storageMinimalAvailablePercentage: v })(g)),
    breaker('uiReplicas', [0, -1, 1.5], (g, v: number) => withProps({ uiReplicas: v })(g)),
    breaker('defaultDataLocality', [DataLocality.STRICT_LOCAL, 'local'], (g, v: string) => withProps({ defaultDataLocality: v as DataLocality })(g)),
    breaker('nodeDownPodDeletionPolicy', ['delete', 'DoNothing'], (g, v: string) => withProps({ nodeDownPodDeletionPolicy: v as NodeDownPodDeletionPolicy })(g)),
    breaker('backupTarget', [{ url: 'nfs://nas:/b', target: 'nas' }, {}], (g, v: object) => withProps({ backupTarget: v })(g)),
    breaker('backupTarget.url', ['ftp://nas/backups', 'nfs://nas/no-colon', 's3://bucket', '/mnt/backups'], (g, v: string) => withProps({ backupTarget: { url: v, credentialSecret: 'creds' } })(g)),
    breaker('backupTarget.credentialSecret', ['s3://longhorn@us-east-1/', 'cifs://nas/backups'], (g, v: string) => withProps({ backupTarget: { url: v } })(g)),
    breaker('backupTarget.credentialSecret', ['Bad_Secret', '-creds'], (g, v: string) => withProps({ backupTarget: { target: 'minio', credentialSecret: v } })(g)),
    breaker('backupTarget.target', ['b2', 'NAS'], (g, v: string) => withProps({ backupTarget: { target: v } })(g)),
    breaker('backupTarget.prefix', ['longhorn'], (g, v: string) => withProps({ backupTarget: { url: 'nfs://nas:/b', prefix: v } })(g)),
    breaker('backupTarget.prefix', ['/abs', 'a//b', 'sp ace'], (g, v: string) => withProps({ backupTarget: { target: 'minio', credentialSecret: 'creds', prefix: v } })(g)),
    breaker('backupTarget.pollInterval', [0, -1, 1.5], (g, v: number) => withProps({ backupTarget: { url: 'nfs://nas:/b', pollInterval: v } })(g)),
    breaker(/^tiers\.[a-z0-9-]+\.claim\.size$/, ['20GB', '-1Gi', '20 Gi'], (g, v: string) => ({ ...g, claim: { ...g.claim, size: v } })),
    breaker(/^tiers\.[a-z0-9-]+\.claim\.size$/, [2], (g, k: number) => ({ ...g, claim: { ...g.claim, size: `${Math.ceil(Math.max(...g.p.tierNodes.get(g.claim.tier)!.map((n) => n.bytes)) / GI) * k}Gi` } })),
    breaker(/^tiers\.[a-z0-9-]+\.claim\.recurringJobGroups\[0\]$/, ['no-such-group'], (g, v: string) => ({ ...g, claim: { ...g.claim, recurringJobGroups: [v] } })),
    breaker(/^profile\.nodes\[\d+\]\.taints\[0\]$/, ['node-role.kubernetes.io/control-plane', 'node.kubernetes.io/unschedulable'], (g, key: string) => ({
      ...g, p: { ...g.p, props: { ...g.p.props, nodes: g.p.props.nodes.map((n) => ((n.disks ?? []).length ? { ...n, taints: [{ key, effect: TaintEffect.NO_SCHEDULE }] } : n)) } },
    })),
    breaker(/^profile\.nodes\[0\]\.disks\[1\]\.path$/, ['/mnt/same'], (g, v: string) => ({
      ...g, p: { ...g.p, props: { ...g.p.props, nodes: g.p.props.nodes.map((n, i) => (i === 0 ? { ...n, disks: [{ tier: g.p.tiers[0], capacity: '100Gi', path: v }, { tier: g.p.tiers[0], capacity: '100Gi', path: v }, ...(n.disks ?? []).slice(1).map((d, j) => ({ ...d, path: `/mnt/other-${j}` }))] } : n)) } },
    })),
  ];

  test.each(breakerRows(breakers))('%s is refused at the Longhorn path — never a TypeError', (_t, b) => {
    assertBreaker(validLonghorn, b, (g) => build(g), () => P, 3);
  }, 30_000);

  test('a second Longhorn in the cluster is refused', () => {
    fc.assert(fc.property(validLonghorn, (g) => {
      const { cluster } = build(g);
      let e: unknown;
      try {
        new Longhorn(cluster, 'longhorn-again', g.props);
      } catch (x) {
        e = x;
      }
      expect((e as Error)?.message).toMatch(/^\[prop\/longhorn-again\] scope = "prop\/longhorn-system": the cluster has a Longhorn installation already\. Fix: /);
    }), { seed: SEED, numRuns: 5 });
  }, 30_000);
});
