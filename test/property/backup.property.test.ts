import { Duration } from 'cdk8s';
import * as fc from 'fast-check';
import {
  AppVolume, AppWorkload, BackupLadder, BackupLocationAccessMode, BackupRung, BackupSchedule, BackupStorageLocation, BackupTargetKind, Cluster, ClusterProfileProps,
  Distro, GitOpsEngine, Namespace, Velero, VeleroProps, VolumeBackupMode, Weekday,
} from '../../lib';
import { helmReleaseOf } from '../../lib/policies/helm';
import { Breaker, SEED, assertBreaker, breaker, breakerRows, dnsLabel, propCluster, synthClean } from './support';

/**
 * Velero, BackupSchedule and BackupLadder properties: a Velero install with generated resources,
 * locations on generated targets, standalone schedules with generated crons and TTLs, and
 * ladders with generated rungs (cadences, hours, days, TTLs, off-site locations, explicit or
 * free minutes, stagger) synthesize cleanly: every schedule fires at its own minute, keeps its
 * backups longer than its interval, and has its alerts. Any one field made invalid is refused
 * at the Velero namespace's path.
 */

const H = 3_600_000;

const PROFILE: ClusterProfileProps = {
  distro: Distro.K3S,
  version: 'v1.32.5+k3s1',
  gitops: { engine: GitOpsEngine.FLUX, repoUrl: 'https://github.com/example/lab' },
  nodes: [
    { name: 'node-a', allocatable: { cpu: '8', memory: '16Gi' } },
    { name: 'node-b', allocatable: { cpu: '8', memory: '16Gi' } },
  ],
  backupTargets: [
    { name: 'minio-local', kind: BackupTargetKind.MINIO, endpoint: 'http://192.168.10.100:9000', bucket: 'velero-backups' },
    { name: 'b2-offsite', kind: BackupTargetKind.BACKBLAZE_B2, endpoint: 'https://s3.us-west-001.backblazeb2.com', bucket: 'k3s-cluster-backups' },
    { name: 'ceph', kind: BackupTargetKind.CEPH_RGW, endpoint: 'http://rook-ceph-rgw-storage.storage.svc:80', bucket: 'velero' },
  ],
};

/** Requests and a memory limit from the request to 4× the request (the namespace LimitRange's ratio). */
const resources = fc.record({ cpu: fc.integer({ min: 10, max: 300 }), mem: fc.integer({ min: 64, max: 512 }), factor: fc.integer({ min: 100, max: 400 }) })
  .map((r) => ({ cpu: `${r.cpu}m`, memory: `${r.mem}Mi`, memoryLimit: `${Math.floor((r.mem * r.factor) / 100)}Mi` }));

type Cadence = 'hourly' | 'daily' | 'weekly' | 'monthly';
/** The longest gap between two runs of a cadence, in hours (a month: 31 days). */
const GAP_HOURS: Record<Cadence, number> = { hourly: 1, daily: 24, weekly: 168, monthly: 744 };

const rung = (cadence: Cadence) => fc.record({
  cadence: fc.constant(cadence),
  hour: fc.option(fc.integer({ min: 0, max: 23 }), { nil: undefined }),
  day: fc.option(cadence === 'weekly' ? fc.integer({ min: 0, max: 6 }) : fc.integer({ min: 1, max: 28 }), { nil: undefined }),
  // a TTL longer than the interval: 1 hour to 30 days more
  ttlHours: fc.option(fc.integer({ min: GAP_HOURS[cadence] + 1, max: GAP_HOURS[cadence] + 720 }), { nil: undefined }),
  offsite: fc.boolean(),
  name: fc.option(fc.constantFrom(`${cadence}-x`, `${cadence}-offsite`), { nil: undefined }),
  explicitMinute: fc.boolean(),
});

const ladder = fc.record({
  rungs: fc.shuffledSubarray(['hourly', 'daily', 'weekly', 'monthly'] as Cadence[], { minLength: 1 }).chain((cs) => fc.tuple(...cs.map((c) => rung(c)))),
  startMinute: fc.option(fc.integer({ min: 0, max: 59 }), { nil: undefined }),
  stagger: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
  namespacesPick: fc.integer({ min: 1, max: 7 }),
  alerts: fc.option(fc.boolean(), { nil: undefined }),
});

/** A standalone schedule: a daily, hourly-ish or weekly cron at a minute of its own, with a TTL above its interval. */
const schedule = fc.record({
  shape: fc.constantFrom('daily', 'every-k-hours', 'weekly', 'weekdays'),
  hour: fc.integer({ min: 0, max: 23 }),
  k: fc.constantFrom(2, 3, 4, 6, 8, 12),
  dow: fc.integer({ min: 0, max: 6 }),
  extraHours: fc.integer({ min: 1, max: 500 }),
  namespacesPick: fc.integer({ min: 1, max: 7 }),
});

const validBackup = fc.record({
  namespaces: fc.uniqueArray(dnsLabel(12).filter((n) => n !== 'velero' && n !== 'default' && !n.startsWith('kube-')), { minLength: 1, maxLength: 3 }),
  velero: fc.record({
    serverResources: fc.option(resources, { nil: undefined }),
    nodeAgentResources: fc.option(resources, { nil: undefined }),
    maintenanceJobResources: fc.option(resources, { nil: undefined }),
    serviceMonitor: fc.option(fc.boolean(), { nil: undefined }),
    monitoringLabels: fc.option(fc.constant({ release: 'kube-prometheus-stack' }), { nil: undefined }),
  }),
  extraLocations: fc.subarray(['b2-offsite', 'ceph']),
  prefix: fc.option(fc.constantFrom('homelab', 'clusters/lab', 'lab_1'), { nil: undefined }),
  readOnlyCeph: fc.boolean(),
  schedules: fc.array(schedule, { maxLength: 2 }),
  ladders: fc.array(ladder, { minLength: 1, maxLength: 2 }),
  minutes: fc.shuffledSubarray(Array.from({ length: 60 }, (_, i) => i), { minLength: 20, maxLength: 20 }),
  // the apps' local-path claims are not CSI volumes: snapshots (and the data mover) cannot cover them, which HK-BAK-01 refuses
  volumes: fc.option(fc.constant(VolumeBackupMode.FILE_SYSTEM), { nil: undefined }),
}).map((g) => {
  // explicit minutes come from a pool no other schedule uses; free minutes are chosen by the library
  const pool = [...g.minutes];
  const pick = (mask: number) => g.namespaces.filter((_, i) => (mask >> i) & 1 || g.namespaces.length === 1).slice(0, 3);
  const schedules = g.schedules.map((s, i) => {
    const m = pool.shift()!;
    const cron = s.shape === 'daily' ? `${m} ${s.hour} * * *` : s.shape === 'every-k-hours' ? `${m} */${s.k} * * *` : s.shape === 'weekly' ? `${m} ${s.hour} * * ${s.dow}` : `${m} ${s.hour} * * 1-5`;
    // the longest gap: k hours (24 % k === 0 here), a day, a week, or Friday to Monday
    const gapHours = s.shape === 'daily' ? 24 : s.shape === 'every-k-hours' ? s.k : s.shape === 'weekly' ? 168 : 72;
    const namespaces = pick(s.namespacesPick);
    return { name: `extra-${i}`, cron, ttlHours: gapHours + s.extraHours, namespaces: namespaces.length ? namespaces : [g.namespaces[0]] };
  });
  const ladders = g.ladders.map((l, i) => {
    // rungs with an explicit minute first, so the free ones are chosen around them
    const rungs = [...l.rungs].sort((a, b) => Number(b.explicitMinute) - Number(a.explicitMinute))
      .map((r) => ({ ...r, minute: r.explicitMinute ? pool.shift()! : undefined, offsite: r.offsite && g.extraLocations.includes('b2-offsite') }));
    // the first ladder covers every namespace with claims (HK-BAK-01), the others a generated subset
    const namespaces = i === 0 ? g.namespaces : pick(l.namespacesPick);
    return { ...l, id: `ladder-${i}`, rungs, namespaces: namespaces.length ? namespaces : [g.namespaces[0]] };
  });
  return { ...g, schedules, ladders };
});

type Generated = typeof validBackup extends fc.Arbitrary<infer T> ? T : never;

function rungOf(r: Generated['ladders'][number]['rungs'][number], offsite?: BackupStorageLocation): BackupRung {
  const common = { name: r.name, ttl: r.ttlHours === undefined ? undefined : Duration.hours(r.ttlHours), minute: r.minute, location: r.offsite ? offsite : undefined };
  switch (r.cadence) {
    case 'hourly': return BackupRung.hourly(common);
    case 'daily': return BackupRung.daily({ ...common, hour: r.hour });
    case 'weekly': return BackupRung.weekly({ ...common, hour: r.hour, day: r.day as Weekday | undefined });
    default: return BackupRung.monthly({ ...common, hour: r.hour, day: r.day });
  }
}

function build(g: Generated, veleroProps: VeleroProps = g.velero): Cluster {
  const cluster = propCluster(PROFILE);
  for (const name of g.namespaces) {
    const ns = new Namespace(cluster, name);
    new AppWorkload(ns, 'app', {
      image: 'ghcr.io/example/app:1.2.3',
      resources: { cpu: '20m', memory: '64Mi', memoryLimit: '128Mi' },
      ports: [{ name: 'http', port: 8080 }],
      volumes: { data: { mountPath: '/data', source: AppVolume.newClaim({ size: '1Gi', storageClassName: 'local-path' }) } },
    });
  }
  const velero = new Velero(cluster, 'velero', veleroProps);
  const local = new BackupStorageLocation(velero, 'minio-local', { target: 'minio-local', credential: { name: 'minio-credentials' }, default: true, prefix: g.prefix });
  const extra = new Map(g.extraLocations.map((t) => [t, new BackupStorageLocation(velero, t, {
    target: t, credential: { name: `${t}-credentials` }, prefix: g.prefix,
    accessMode: t === 'ceph' && g.readOnlyCeph ? BackupLocationAccessMode.READ_ONLY : undefined,
  })]));
  for (const s of g.schedules) {
    new BackupSchedule(velero, s.name, { schedule: s.cron, ttl: Duration.hours(s.ttlHours), namespaces: s.namespaces, volumes: g.volumes });
  }
  for (const l of g.ladders) {
    new BackupLadder(velero, l.id, {
      namespaces: l.namespaces, location: local, startMinute: l.startMinute, stagger: l.stagger, alerts: l.alerts, volumes: g.volumes,
      rungs: l.rungs.map((r) => rungOf(r, extra.get('b2-offsite'))),
    });
  }
  return cluster;
}

/** Go's `time.Duration` text of a whole number of hours. */
const goHours = (h: number) => `${h}h0m0s`;

describe('Velero, BackupSchedule and BackupLadder properties', () => {
  test('any valid install, locations, schedules and ladders synthesize cleanly; each schedule at its own minute with a TTL above its interval', () => {
    fc.assert(fc.property(validBackup, (g) => {
      const objs = synthClean(build(g));
      const schedules = objs.filter((o) => o.kind === 'Schedule');
      const expectedNames = [...g.schedules.map((s) => s.name), ...g.ladders.flatMap((l) => l.rungs.map((r) => `${l.id}-${r.name ?? r.cadence}`))];
      expect(schedules.map((s) => s.metadata.name).sort()).toEqual(expectedNames.sort());
      // one backup at a time: every schedule has a minute of its own
      const minutes = schedules.map((s) => s.spec.schedule.trim().split(/\s+/)[0]);
      expect(new Set(minutes).size).toBe(minutes.length);
      for (const s of schedules) expect([s.spec.skipImmediately, s.spec.useOwnerReferencesInBackup]).toEqual([true, false]);
      for (const s of g.schedules) {
        const o = schedules.find((x) => x.metadata.name === s.name);
        expect([o.spec.schedule, o.spec.template.ttl, o.spec.template.includedNamespaces]).toEqual([s.cron, goHours(s.ttlHours), s.namespaces]);
      }
      for (const l of g.ladders) {
        for (const r of l.rungs) {
          const o = schedules.find((x) => x.metadata.name === `${l.id}-${r.name ?? r.cadence}`);
          const [minute, hour, dom, month, dow] = o.spec.schedule.split(' ');
          if (r.minute !== undefined) expect(minute).toBe(String(r.minute));
          const expected = {
            hourly: ['*', '*', '*', '*'],
            daily: [String(r.hour ?? 2), '*', '*', '*'],
            weekly: [String(r.hour ?? 3), '*', '*', String(r.day ?? 0)],
            monthly: [String(r.hour ?? 4), String(r.day ?? 1), '*', '*'],
          }[r.cadence];
          expect([hour, dom, month, dow]).toEqual(expected);
          const defaultTtl = { hourly: 48, daily: 336, weekly: 1344, monthly: 8760 }[r.cadence];
          expect(o.spec.template.ttl).toBe(goHours(r.ttlHours ?? defaultTtl));
          expect((r.ttlHours ?? defaultTtl) * H).toBeGreaterThan(GAP_HOURS[r.cadence] * H);
          expect(o.spec.template.storageLocation).toBe(r.offsite ? 'b2-offsite' : 'minio-local');
          expect(o.spec.template.includedNamespaces).toEqual(l.namespaces);
          expect(o.spec.template.defaultVolumesToFsBackup).toBe((g.volumes ?? VolumeBackupMode.FILE_SYSTEM) === VolumeBackupMode.FILE_SYSTEM);
        }
      }
      // alerts per schedule unless a ladder turned them off
      const rules = objs.filter((o) => o.kind === 'PrometheusRule').map((o) => o.metadata.name);
      const alerted = [...g.schedules.map((s) => s.name), ...g.ladders.filter((l) => l.alerts !== false).flatMap((l) => l.rungs.map((r) => `${l.id}-${r.name ?? r.cadence}`))];
      expect(rules.sort()).toEqual(alerted.map((n) => `velero-${n}`).sort());
      // exactly one default location, and the node agent reads pods under the profile's kubelet root
      expect(objs.filter((o) => o.kind === 'BackupStorageLocation' && o.spec.default).map((o) => o.metadata.name)).toEqual(['minio-local']);
      const values = objs.map((o) => helmReleaseOf(o)).find((r) => r?.chart === 'velero')!.values as any;
      expect(values.nodeAgent.podVolumePath).toBe('/var/lib/kubelet/pods');
      if (g.velero.serverResources) expect(values.resources).toEqual({ requests: { cpu: g.velero.serverResources.cpu, memory: g.velero.serverResources.memory }, limits: { memory: g.velero.serverResources.memoryLimit } });
    }), { seed: SEED, numRuns: 40 });
  }, 60_000);

  // --- one field broken
  const withLadder = (patch: (l: Generated['ladders'][number]) => Generated['ladders'][number]) => (g: Generated): Generated => ({ ...g, ladders: [patch(g.ladders[0]), ...g.ladders.slice(1)] });
  const withRung0 = (patch: Partial<Generated['ladders'][number]['rungs'][number]>) => withLadder((l) => ({ ...l, rungs: [{ ...l.rungs[0], ...patch }, ...l.rungs.slice(1)] }));
  const withSchedule = (patch: Partial<Generated['schedules'][number]>) => (g: Generated): Generated => ({
    ...g, schedules: [...g.schedules, { name: 'broken', cron: '7 1 * * *', ttlHours: 48, namespaces: [g.namespaces[0]], ...patch }],
    // keep minute 7 free of the generated ones
    ladders: g.ladders.map((l) => ({ ...l, rungs: l.rungs.map((r) => (r.minute === 7 ? { ...r, minute: undefined } : r)) })),
  });
  type B = Breaker<Generated>;
  const breakers: B[] = [
    // standalone schedules
    breaker('schedule', ['61 * * * *', '* * *', '0 3 * * * *', 'every night', '0 0 30 2 *', '0 24 * * *', '0 3 * * 7', 'CRON_TZ=Europe/Berlin 0 3 * * *'], (g, v: string) => withSchedule({ cron: v })(g)),
    breaker('ttl', [1, 24, 0], (g, h: number) => withSchedule({ cron: '7 1 * * *', ttlHours: h })(g)),
    breaker('ttl', [12], (g, h: number) => withSchedule({ cron: '7 1 * * 1-5', ttlHours: 24 + h })(g)),
    breaker('namespaces', [[], ['*', 'apps']], (g, v: string[]) => withSchedule({ namespaces: v })(g)),
    breaker('namespaces[0]', ['Apps', 'my_apps', 'velero', 'app-*'], (g, v: string) => withSchedule({ namespaces: [v] })(g)),
    breaker('name', ['Nightly', 'n'.repeat(64)], (g, v: string) => withSchedule({ name: v })(g)),
    // a second schedule at the same time as a generated one
    breaker('schedule', [0], (g) => {
      const taken = g.schedules[0]?.cron ?? '7 1 * * *';
      const base = g.schedules.length ? g : withSchedule({ name: 'first', cron: taken })(g);
      return { ...base, schedules: [...base.schedules, { name: 'twin', cron: taken, ttlHours: 200, namespaces: [g.namespaces[0]] }], ladders: base.ladders.map((l) => ({ ...l, rungs: l.rungs.map((r) => (r.minute === Number(taken.split(' ')[0]) ? { ...r, minute: undefined } : r)) })) };
    }),
    // ladders
    breaker('rungs', [[]], (g) => withLadder((l) => ({ ...l, rungs: [] }))(g)),
    breaker('stagger', [0, 31, 1.5], (g, v: number) => withLadder((l) => ({ ...l, stagger: v }))(g)),
    breaker('startMinute', [-1, 60, 2.5], (g, v: number) => withLadder((l) => ({ ...l, startMinute: v }))(g)),
    breaker('rungs[0].hour', [24, -1, 1.5], (g, v: number) => withLadder((l) => ({ ...l, rungs: [{ ...l.rungs[0], cadence: 'daily', hour: v, day: undefined }, ...l.rungs.slice(1).filter((r) => r.cadence !== 'daily')] }))(g)),
    breaker('rungs[0].day', [7, -1], (g, v: number) => withLadder((l) => ({ ...l, rungs: [{ ...l.rungs[0], cadence: 'weekly', day: v }, ...l.rungs.slice(1).filter((r) => r.cadence !== 'weekly')] }))(g)),
    breaker('rungs[0].day', [29, 31, 0], (g, v: number) => withLadder((l) => ({ ...l, rungs: [{ ...l.rungs[0], cadence: 'monthly', day: v }, ...l.rungs.slice(1).filter((r) => r.cadence !== 'monthly')] }))(g)),
    breaker('rungs[0].minute', [60, -1, 0.5], (g, v: number) => withRung0({ minute: v, explicitMinute: true })(g)),
    breaker(/^rungs\[0\]\.ttl$/, [0], (g) => withRung0({ ttlHours: GAP_HOURS[g.ladders[0].rungs[0].cadence] })(g)),
    breaker(/^rungs\[1\]\.name$/, ['same'], (g, v: string) => withLadder((l) => ({ ...l, rungs: [{ ...l.rungs[0], name: v as any }, { ...l.rungs[0], cadence: l.rungs[0].cadence === 'daily' ? 'weekly' : 'daily', hour: undefined, day: undefined, ttlHours: undefined, name: v as any, minute: undefined }] }))(g)),
    breaker(/^rungs\[0\]\.name$/, ['Hourly', 'a_b'], (g, v: string) => withRung0({ name: v as any })(g)),
    breaker('id', ['Nightly', 'l'.repeat(41), 'a_b'], (g, v: string) => withLadder((l) => ({ ...l, id: v }))(g)),
    breaker('namespaces[0]', ['Apps', 'velero'], (g, v: string) => withLadder((l) => ({ ...l, namespaces: [v] }))(g)),
    // the Velero install
    breaker('serverResources.memoryLimit', ['2Gi', '100Mi'], (g, v: string) => ({ ...g, velero: { ...g.velero, serverResources: { cpu: '100m', memory: '256Mi', memoryLimit: v } } })),
    breaker('serverResources.cpu', ['1 core', '-1', '100Mi'], (g, v: string) => ({ ...g, velero: { ...g.velero, serverResources: { cpu: v, memory: '256Mi', memoryLimit: '512Mi' } } })),
    breaker('nodeAgentResources.memory', ['512MB', '512mb'], (g, v: string) => ({ ...g, velero: { ...g.velero, nodeAgentResources: { cpu: '100m', memory: v, memoryLimit: '1Gi' } } })),
    // a zero request is refused by the app pattern's resolveResources, on the field
    breaker('maintenanceJobResources.cpu', ['0'], (g, v: string) => ({ ...g, velero: { ...g.velero, maintenanceJobResources: { cpu: v, memory: '256Mi', memoryLimit: '512Mi' } } })),
    breaker('image.tag', ['latest', ''], (g, v: string) => ({ ...g, velero: { ...g.velero, image: { repository: 'docker.io/velero/velero', tag: v } } } as Generated)),
    breaker('prefix', ['/lead', 'a//b', 'sp ace', ''], (g, v: string) => ({ ...g, prefix: v as any })),
    breaker('volumes', [VolumeBackupMode.FILE_SYSTEM, VolumeBackupMode.SNAPSHOT_MOVE_DATA], (g, v: VolumeBackupMode) => ({ ...g, volumes: v as VolumeBackupMode.FILE_SYSTEM, velero: { ...g.velero, nodeAgent: false } } as Generated)),
  ];

  test.each(breakerRows(breakers))('%s is refused at the Velero path — never a TypeError', (_t, b) => {
    assertBreaker(validBackup, b, (g) => build(g, g.velero), () => 'prop/velero', 2);
  }, 30_000);

  test('locations: a second default, a duplicate name, an NFS or unknown target, no default — each refused with the location\'s path', () => {
    fc.assert(fc.property(validBackup, fc.constantFrom('second-default', 'duplicate', 'nfs', 'unknown', 'no-default', 'offsite-http'), (g, how) => {
      const cluster = propCluster({ ...PROFILE, backupTargets: [...PROFILE.backupTargets!, { name: 'nas', kind: BackupTargetKind.NFS, endpoint: 'nfs://nas:/b' }] });
      const velero = new Velero(cluster, 'velero', g.velero);
      const expected = {
        'second-default': /^\[prop\/velero\/b2-offsite\] default = true: minio-local is already the default BackupStorageLocation/,
        duplicate: /^\[prop\/velero\/(minio-local|b2-offsite)\] (name|id) = "minio-local"/,
        nfs: /^\[prop\/velero\/nas\] target = "nas": Velero writes backups to object stores only/,
        unknown: /^\[prop\/velero\/b3\] target = "b3": no backup target of that name/,
        'no-default': /^\[prop\/velero\] backupStorageLocations = \["b2-offsite"\]: none of them is the default/,
        'offsite-http': /^\[prop\/velero\/b2-plain\] target\.endpoint = "http:\/\/s3\.us-west-001\.backblazeb2\.com":/,
      }[how];
      let message: string | undefined;
      try {
        if (how !== 'no-default') new BackupStorageLocation(velero, 'minio-local', { target: 'minio-local', credential: { name: 'c' }, default: true });
        if (how === 'second-default') new BackupStorageLocation(velero, 'b2-offsite', { target: 'b2-offsite', credential: { name: 'c' }, default: true });
        if (how === 'duplicate') new BackupStorageLocation(velero, 'minio-local', { target: 'minio-local', credential: { name: 'c' } });
        if (how === 'nfs') new BackupStorageLocation(velero, 'nas', { target: 'nas', credential: { name: 'c' } });
        if (how === 'unknown') new BackupStorageLocation(velero, 'b3', { target: 'b3', credential: { name: 'c' } });
        if (how === 'offsite-http') new BackupStorageLocation(velero, 'b2-plain', { target: { name: 'b2-plain', kind: BackupTargetKind.AWS_S3, endpoint: 'http://s3.us-west-001.backblazeb2.com', bucket: 'velero', region: 'us-west-001' }, credential: { name: 'c' } });
        if (how === 'no-default') {
          new BackupStorageLocation(velero, 'b2-offsite', { target: 'b2-offsite', credential: { name: 'c' } });
          message = cluster.synthesize().errors.find((e) => e.startsWith('[prop/velero] backupStorageLocations'));
        }
      } catch (e) {
        expect((e as Error).constructor.name).toBe('ValidationError');
        message = (e as Error).message;
      }
      expect(message).toMatch(expected);
      expect(message).toMatch(/\. Fix: \S/);
    }), { seed: SEED, numRuns: 24 });
  }, 30_000);
});
