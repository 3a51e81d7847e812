import { blockingFindings, evaluatePolicies } from '../../../lib/policies/engine';
import { Manifest, RuleLevel } from '../../../lib/policies/rule';
import { REDIS_MAXMEMORY_SHARE, entrypointContractsRule, parseRedisMemory } from '../../../lib/policies/rules/workload';
import { configMap, container, deployment, found, records, run, workload } from '../fixtures';

const E = RuleLevel.ERROR;
const W = RuleLevel.WARNING;

/** A Deployment `redis-queue` in `cortex` whose one container runs `image` with `patch` and a memory limit of `limit`. */
function redis(patch: any = {}, limit = '2Gi', image = 'docker.io/library/redis:7.2.5-alpine', podPatch: any = {}): Manifest {
  return deployment('redis-queue', 'cortex', {
    ...podPatch,
    containers: [container({ name: 'redis', image, ports: [{ name: 'redis', containerPort: 6379 }], resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: limit } }, ...patch })],
  });
}

const SEED_ERROR = 'container "redis" runs Redis with --maxmemory 2gb (2Gi), 100% of its memory limit 2Gi: maxmemory counts only the dataset, '
  + 'so allocator fragmentation, client and replica buffers and the copy-on-write of a save fork take the container past its limit and the '
  + 'kernel OOM-kills Redis before it evicts anything';

describe('parseRedisMemory', () => {
  test('reads Redis units: k = 1000, kb = 1024, case-insensitive, bare bytes, quotes', () => {
    expect(['1', '1b', '1k', '1kb', '1m', '1mb', '1g', '1gb', '2GB', '1536MB', '"100mb"', ' 7 '].map(parseRedisMemory)).toEqual([
      1, 1, 1000, 1024, 1_000_000, 1_048_576, 1_000_000_000, 1_073_741_824, 2_147_483_648, 1_610_612_736, 104_857_600, 7,
    ]);
  });
  test('refuses what redis-server refuses: Kubernetes units, decimals, negatives, unknown units', () => {
    expect(['2Gi', '1.5gb', '-1mb', '2tb', 'lots', ''].map(parseRedisMemory)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('HK-X-08 known-image entrypoint contracts: Redis maxmemory', () => {
  test('seed 000: redis-queue with --maxmemory 2gb under a 2Gi limit (inside a shell command) is an error with a computed fix', () => {
    const m = redis({ command: ['sh', '-c', 'redis-server --save 60 1000 --maxmemory 2gb --maxmemory-policy allkeys-lru'] });
    const f = run(entrypointContractsRule, m);
    expect(f.map((x) => [x.level, x.kind, x.name, x.message])).toEqual([[E, 'Deployment', 'redis-queue', SEED_ERROR]]);
    expect(f[0].fix).toBe('set maxmemory to at most 75% of the memory limit (1536mb for 2Gi), or raise limits.memory to at least 2731Mi');
  });

  test('the same as separate command and args words', () => {
    expect(found(entrypointContractsRule, redis({ command: ['redis-server'], args: ['--save', '60 1000', '--maxmemory', '2gb', '--maxmemory-policy', 'allkeys-lru'] }))).toEqual([[E, SEED_ERROR]]);
  });

  test('exactly 75% passes, one byte more fails; `g` is 10^9 and 2g sits at 93% of 2Gi', () => {
    expect(REDIS_MAXMEMORY_SHARE).toBe(0.75);
    expect(found(entrypointContractsRule, redis({ args: ['--maxmemory', '1536mb'] }))).toEqual([]);
    expect(found(entrypointContractsRule, redis({ args: ['--maxmemory', String(1536 * 2 ** 20 + 1)] }))).toEqual([[E,
      `container "redis" runs Redis with --maxmemory ${1536 * 2 ** 20 + 1} (1536Mi), 75% of its memory limit 2Gi: maxmemory counts only the dataset, so allocator fragmentation, client and replica buffers and the copy-on-write of a save fork take the container past its limit and the kernel OOM-kills Redis before it evicts anything`]]);
    expect(found(entrypointContractsRule, redis({ args: ['--maxmemory', '2g'] }))[0][1]).toMatch(/^container "redis" runs Redis with --maxmemory 2g \(1907\.3Mi\), 93% of its memory limit 2Gi: /);
  });

  test('the last --maxmemory wins, and $(VAR) is expanded from literal env values', () => {
    expect(found(entrypointContractsRule, redis({ args: ['--maxmemory', '2gb', '--maxmemory', '1gb'] }))).toEqual([]);
    expect(found(entrypointContractsRule, redis({ env: [{ name: 'MAXMEM', value: '2gb' }], args: ['--maxmemory', '$(MAXMEM)'] })).map(([l]) => l)).toEqual([E]);
    // a value from a Secret or a shell variable cannot be judged here
    expect(found(entrypointContractsRule, redis({ env: [{ name: 'MAXMEM', valueFrom: { configMapKeyRef: { name: 'redis', key: 'maxmemory' } } }], args: ['--maxmemory', '$(MAXMEM)'] }))).toEqual([]);
    expect(found(entrypointContractsRule, redis({ command: ['sh', '-c', 'exec redis-server --maxmemory ${MAXMEM}'] }))).toEqual([]);
  });

  test('REDIS_ARGS (redis-stack) and the Bitnami EXTRA_FLAGS variables count', () => {
    expect(found(entrypointContractsRule, redis({ env: [{ name: 'REDIS_ARGS', value: '--maxmemory 200mb --maxmemory-policy allkeys-lru' }] }, '256Mi', 'docker.io/redis/redis-stack-server:7.2.0-v11'))).toEqual([[E,
      'container "redis" runs Redis with env REDIS_ARGS --maxmemory 200mb (200Mi), 78% of its memory limit 256Mi: maxmemory counts only the dataset, so allocator fragmentation, client and replica buffers and the copy-on-write of a save fork take the container past its limit and the kernel OOM-kills Redis before it evicts anything']]);
    expect(found(entrypointContractsRule, redis({ env: [{ name: 'REDIS_EXTRA_FLAGS', value: '--maxmemory 192mb' }] }, '256Mi', 'docker.io/bitnami/redis:7.2.5'))).toEqual([]);
    expect(found(entrypointContractsRule, redis({ env: [{ name: 'VALKEY_EXTRA_FLAGS', value: '--maxmemory 256mb' }] }, '256Mi', 'docker.io/bitnami/valkey:8.0.1')).map(([l]) => l)).toEqual([E]);
  });

  test('maxmemory from the redis.conf ConfigMap the server loads (file mount and subPath), the command line winning', () => {
    const conf = configMap('redis-conf', 'cortex', { 'redis.conf': 'save 60 1000\n# maxmemory 100mb\nmaxmemory 2gb\nmaxmemory-policy allkeys-lru\n' });
    const mounted = (patch: any, volume: any = { name: 'conf', configMap: { name: 'redis-conf' } }) => redis({ volumeMounts: [{ name: 'conf', mountPath: '/usr/local/etc/redis', readOnly: true }], ...patch }, '2Gi', undefined, { volumes: [volume] });
    const message = 'container "redis" runs Redis with maxmemory 2gb in ConfigMap cortex/redis-conf key redis.conf (2Gi), 100% of its memory limit 2Gi: maxmemory counts only the dataset, so allocator fragmentation, client and replica buffers and the copy-on-write of a save fork take the container past its limit and the kernel OOM-kills Redis before it evicts anything';
    expect(found(entrypointContractsRule, mounted({ args: ['/usr/local/etc/redis/redis.conf'] }), conf)).toEqual([[E, message]]);
    // items map the file name to another key
    const renamed = configMap('redis-conf', 'cortex', { main: 'maxmemory 2gb\n' });
    expect(found(entrypointContractsRule, mounted({ args: ['/usr/local/etc/redis/redis.conf'] }, { name: 'conf', configMap: { name: 'redis-conf', items: [{ key: 'main', path: 'redis.conf' }] } }), renamed)[0][1])
      .toMatch(/^container "redis" runs Redis with maxmemory 2gb in ConfigMap cortex\/redis-conf key main \(2Gi\)/);
    // a subPath mount of one file
    const subPath = redis({ command: ['redis-server', '/etc/redis.conf'], volumeMounts: [{ name: 'conf', mountPath: '/etc/redis.conf', subPath: 'redis.conf' }] }, '2Gi', undefined, { volumes: [{ name: 'conf', configMap: { name: 'redis-conf' } }] });
    expect(found(entrypointContractsRule, subPath, conf)).toEqual([[E, message]]);
    // the command line overrides the file
    expect(found(entrypointContractsRule, mounted({ args: ['/usr/local/etc/redis/redis.conf', '--maxmemory', '1gb'] }), conf)).toEqual([]);
    // Bitnami loads its mounted-etc file without being told
    const bitnami = redis({ volumeMounts: [{ name: 'conf', mountPath: '/opt/bitnami/redis/mounted-etc' }] }, '2Gi', 'docker.io/bitnami/redis:7.2.5', { volumes: [{ name: 'conf', configMap: { name: 'redis-conf' } }] });
    expect(found(entrypointContractsRule, bitnami, conf).map(([l]) => l)).toEqual([E]);
    // a config file mounted but not loaded says nothing about the server: no maxmemory is a warning
    expect(found(entrypointContractsRule, mounted({}), conf).map(([l]) => l)).toEqual([W]);
  });

  test('no maxmemory (or maxmemory 0) under a memory limit is a warning that does not block', () => {
    const f = run(entrypointContractsRule, redis({ args: ['--save', ''] }, '512Mi'));
    expect(f.map((x) => [x.level, x.message, x.fix])).toEqual([[W,
      'container "redis" runs Redis without maxmemory under a memory limit of 512Mi: Redis never evicts and grows until the kernel OOM-kills it at the limit',
      'set --maxmemory 384mb (75% of 512Mi) and a --maxmemory-policy that fits the data (allkeys-lru for a cache, noeviction for a queue)']]);
    expect(blockingFindings(f)).toEqual([]);
    expect(found(entrypointContractsRule, redis({ args: ['--maxmemory', '0'] }, '512Mi'))).toEqual([[W,
      'container "redis" runs Redis with --maxmemory 0 (no limit) under a memory limit of 512Mi: Redis never evicts and grows until the kernel OOM-kills it at the limit']]);
  });

  test('Valkey and other Redis server images follow the same contract; registries and digests do not matter', () => {
    for (const image of ['valkey/valkey:8.0.1', 'ghcr.io/valkey-io/valkey:8.0.1', 'bitnami/redis-cluster:7.2.5', '10.43.170.72:5000/redis:7.2.5@sha256:' + 'a'.repeat(64), 'redis:7.2.5']) {
      expect([image, found(entrypointContractsRule, redis({ args: ['--maxmemory', '2gb'] }, '2Gi', image)).map(([l]) => l)]).toEqual([image, [E]]);
    }
  });

  test('not judged: other images, Redis clients and Sentinel, init containers, containers without a memory limit', () => {
    expect(found(entrypointContractsRule, redis({ args: ['--maxmemory', '2gb'] }, '2Gi', 'oliver006/redis_exporter:v1.62.0'))).toEqual([]);
    expect(found(entrypointContractsRule, redis({ args: ['--maxmemory', '2gb'] }, '2Gi', 'ghcr.io/example/redis-sync:1.0.0'))).toEqual([]);
    expect(found(entrypointContractsRule, redis({ command: ['redis-cli', '-h', 'redis-queue', 'ping'] }))).toEqual([]);
    expect(found(entrypointContractsRule, redis({ command: ['redis-sentinel', '/etc/sentinel.conf'] }))).toEqual([]);
    expect(found(entrypointContractsRule, redis({ command: ['redis-server', '/etc/sentinel.conf', '--sentinel'] }))).toEqual([]);
    const withInit = deployment('app', 'cortex', { initContainers: [container({ name: 'wait', image: 'redis:7.2.5', command: ['redis-cli', 'ping'] }), container({ name: 'seed', image: 'redis:7.2.5' })] });
    expect(found(entrypointContractsRule, withInit)).toEqual([]);
    expect(found(entrypointContractsRule, redis({ args: ['--maxmemory', '2gb'], resources: { limits: undefined } }))).toEqual([]);
  });

  test('a size redis-server refuses (Kubernetes units, decimals) is an error: Redis exits at start', () => {
    const f = run(entrypointContractsRule, redis({ args: ['--maxmemory', '2Gi'] }));
    expect(f.map((x) => [x.level, x.message, x.fix])).toEqual([[E,
      'container "redis" runs Redis with --maxmemory 2Gi, which is not a Redis memory size (bytes, or k, kb, m, mb, g, gb): redis-server refuses it and exits at start',
      'write 2gb (Redis\' binary units end in b)']]);
    expect(run(entrypointContractsRule, redis({ args: ['--maxmemory', '1.5gb'] })).map((x) => x.fix)).toEqual(['write a whole number with a Redis unit, e.g. 1536mb']);
  });

  test('every workload kind is judged', () => {
    const podPatch = { containers: [container({ name: 'redis', image: 'redis:7.2.5', args: ['--maxmemory', '2gb'], resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '2Gi' } } })] };
    const kinds = ['Pod', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'] as const;
    expect(kinds.map((k) => found(entrypointContractsRule, workload(k, 'redis', 'apps', podPatch)).map(([l]) => l))).toEqual(kinds.map(() => [E]));
  });

  test('the engine keeps each violation\'s own level, and an exemption covers both', () => {
    const exempt = (m: Manifest) => ({ ...m, metadata: { ...m.metadata, annotations: { 'hardened-homelab.io/exemptions': JSON.stringify({ 'HK-X-08': 'sized by the operator' }) } } });
    const noLimit = { ...redis({}, '512Mi'), metadata: { name: 'cache', namespace: 'cortex' } };
    const findings = evaluatePolicies(records(redis({ args: ['--maxmemory', '2gb'] }), noLimit as Manifest), [{ name: 'x', rules: [entrypointContractsRule] }]);
    expect(findings.map((f) => [f.name, f.level])).toEqual([['redis-queue', E], ['cache', W]]);
    expect(blockingFindings(evaluatePolicies(records(exempt(redis({ args: ['--maxmemory', '2gb'] }))), [{ name: 'x', rules: [entrypointContractsRule] }]))).toEqual([]);
  });
});
