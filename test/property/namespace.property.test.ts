import * as fc from 'fast-check';
import { AppWorkload, Cluster, Namespace, NamespaceProps } from '../../lib';
import { TEST_PROFILE } from '../helpers';
import { SEED, assertBreaker, breaker, breakerRows, cpuQuantity, dnsLabel, memoryQuantity, propCluster, synthClean } from './support';

/**
 * Namespace properties: any valid quota / LimitRange / labels, with apps inside, synthesize
 * cleanly; a derived quota always admits the apps plus the headroom (and no more than one
 * rounding step above); an explicit quota at least the apps' demand is written as given; any one
 * field made invalid is refused at the namespace's path.
 */

const MI = 2 ** 20;

/** Apps that fit TEST_PROFILE's two workers, with a memory limit at most `ratio` × the request. */
function apps(ratio: number) {
  return fc.uniqueArray(fc.record({
    name: dnsLabel(15),
    cpuMilli: fc.integer({ min: 5, max: 400 }),
    memMi: fc.integer({ min: 16, max: 384 }),
    limitFactor: fc.double({ min: 1, max: Math.min(2, ratio), noNaN: true }),
    replicas: fc.integer({ min: 1, max: 2 }),
    port: fc.integer({ min: 1024, max: 65535 }),
  }), { maxLength: 3, selector: (a) => a.name });
}

const limits = fc.record({
  defaultCpu: fc.option(cpuQuantity(1, 2000), { nil: undefined }),
  defaultMemory: memoryQuantity(16, 1024),
  limitFactor: fc.double({ min: 1, max: 4, noNaN: true }),
  maxMemoryRatio: fc.oneof(fc.integer({ min: 2, max: 8 }), fc.constantFrom(2.5, 4.5)),
  given: fc.constantFrom('all', 'none', 'some'),
}).map((l) => {
  // the default limit within the ratio, so that containers taking both defaults are admitted
  const factor = Math.min(l.limitFactor, l.given === 'all' ? l.maxMemoryRatio : 4);
  const limitBytes = Math.floor((l.defaultMemory.bytes * factor) / MI) * MI;
  return {
    ratio: l.given === 'none' ? 4 : l.maxMemoryRatio,
    props: l.given === 'none' ? undefined : {
      defaultCpu: l.defaultCpu?.text,
      defaultMemory: l.defaultMemory.text,
      defaultMemoryLimit: `${limitBytes / MI}Mi`,
      maxMemoryRatio: l.given === 'all' ? l.maxMemoryRatio : undefined,
    },
  };
});

const validNamespace = limits.chain((lim) => fc.record({
  name: dnsLabel(20).filter((n) => n !== 'default' && !n.startsWith('kube-')),
  apps: apps(lim.ratio),
  quota: fc.oneof(
    fc.record({ kind: fc.constant('derived' as const), headroom: fc.option(fc.integer({ min: 0, max: 400 }).map((h) => h / 100), { nil: undefined }) }),
    fc.record({ kind: fc.constant('explicit' as const), extraCpu: fc.integer({ min: 0, max: 2000 }), extraMi: fc.integer({ min: 0, max: 4096 }), pods: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }) }),
  ),
  podSecurity: fc.option(fc.constantFrom('restricted' as const, 'baseline' as const, 'privileged' as const), { nil: undefined }),
  labels: fc.dictionary(fc.constantFrom('team', 'example.com/owner', 'tier'), dnsLabel(10), { maxKeys: 2 }),
}).map((g) => {
  const demand = g.apps.reduce((d, a) => ({
    cpu: d.cpu + a.cpuMilli * a.replicas,
    memory: d.memory + a.memMi * MI * a.replicas,
    memoryLimit: d.memoryLimit + Math.ceil(a.memMi * a.limitFactor) * MI * a.replicas,
  }), { cpu: 0, memory: 0, memoryLimit: 0 });
  const props: NamespaceProps = {
    quota: g.quota.kind === 'explicit' ? {
      cpu: `${demand.cpu + g.quota.extraCpu}m`,
      memory: `${Math.ceil(demand.memory / MI) + g.quota.extraMi}Mi`,
      memoryLimit: `${Math.ceil(demand.memoryLimit / MI) + g.quota.extraMi}Mi`,
      pods: g.quota.pods === undefined ? undefined : g.quota.pods + g.apps.reduce((n, a) => n + a.replicas, 0),
    } : undefined,
    quotaHeadroom: g.quota.kind === 'derived' ? g.quota.headroom : undefined,
    limits: lim.props,
    podSecurity: g.podSecurity,
    labels: g.labels,
  };
  return { ...g, demand, props };
}));

type Generated = typeof validNamespace extends fc.Arbitrary<infer T> ? T : never;

/** The namespace with its apps in a fresh cluster; returns the cluster. */
function build(g: Generated): Cluster {
  const cluster = propCluster(TEST_PROFILE);
  const ns = new Namespace(cluster, g.name, g.props);
  for (const a of g.apps) {
    new AppWorkload(ns, a.name, {
      image: `ghcr.io/example/${a.name}:1.0.0`,
      replicas: a.replicas,
      resources: { cpu: `${a.cpuMilli}m`, memory: `${a.memMi}Mi`, memoryLimit: `${Math.ceil(a.memMi * a.limitFactor)}Mi` },
      ports: [{ name: 'http', port: a.port }],
    });
  }
  return cluster;
}

const quantity = (q: string | number) => {
  const m = /^(\d+)(m|Mi|Gi|Ki)?$/.exec(String(q));
  if (!m) throw new Error(`unexpected quantity ${q}`);
  const unit = { m: 1, Mi: MI, Gi: 2 ** 30, Ki: 1024, '': 1 }[m[2] ?? ''] as number;
  return Number(m[1]) * unit;
};

describe('Namespace properties', () => {
  test('any valid quota, limits and labels synthesize cleanly; a derived quota admits the apps plus headroom', () => {
    fc.assert(fc.property(validNamespace, (g) => {
      const objs = synthClean(build(g));
      const mine = objs.filter((o) => o.metadata.namespace === g.name || (o.kind === 'Namespace' && o.metadata.name === g.name));
      const nsObj = mine.find((o) => o.kind === 'Namespace');
      expect(nsObj.metadata.labels).toEqual({
        'kubernetes.io/metadata.name': g.name,
        'pod-security.kubernetes.io/enforce': g.podSecurity ?? 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
        'app.kubernetes.io/managed-by': 'hardened-homelab',
        ...g.labels,
      });
      const hard = mine.find((o) => o.kind === 'ResourceQuota').spec.hard;
      if (g.props.quota) {
        expect(hard).toEqual({
          'requests.cpu': g.props.quota.cpu, 'requests.memory': g.props.quota.memory, 'limits.memory': g.props.quota.memoryLimit,
          ...(g.props.quota.pods === undefined ? {} : { pods: g.props.quota.pods }),
        });
      } else {
        const h = g.props.quotaHeadroom ?? 0.25;
        const check = (key: string, need: number, step: number) => {
          const have = quantity(hard[key]);
          expect(have % step).toBe(0);
          expect(have).toBeGreaterThanOrEqual(Math.max(step, need * (1 + h) - 1e-6));
          expect(have).toBeLessThan(Math.max(step, need * (1 + h)) + step);
        };
        check('requests.cpu', g.demand.cpu, 50);
        check('requests.memory', g.demand.memory, 64 * MI);
        check('limits.memory', g.demand.memoryLimit, 64 * MI);
      }
      const lr = mine.find((o) => o.kind === 'LimitRange').spec.limits[0];
      const l = g.props.limits ?? {};
      expect(lr).toEqual({
        type: 'Container',
        defaultRequest: { cpu: l.defaultCpu ?? '50m', memory: l.defaultMemory ?? '64Mi' },
        default: { memory: l.defaultMemoryLimit ?? '256Mi' },
        maxLimitRequestRatio: { memory: String(l.maxMemoryRatio ?? 4) },
      });
      expect(mine.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name).sort()).toEqual(
        ['allow-dns', 'default-deny', ...g.apps.map((a) => a.name)].sort());
    }), { seed: SEED, numRuns: 60 });
  }, 60_000);

  type B = ReturnType<typeof breaker<Generated, any>>;
  const withProps = (patch: (p: NamespaceProps, v: any) => NamespaceProps) => (g: Generated, v: any): Generated => ({ ...g, props: patch(g.props, v) });
  const quota = (g: Generated) => g.props.quota ?? { cpu: '4', memory: '8Gi', memoryLimit: '16Gi' };
  const breakers: B[] = [
    breaker('id', ['Apps', 'my_apps', '-apps', 'a'.repeat(64), 'default', 'kube-tools'], (g, v: string) => ({ ...g, name: v })),
    breaker('quota.cpu', ['2 cores', '1Gi', '-1', 'lots'], (g, v: string) => ({ ...g, props: { ...g.props, quota: { ...quota(g), cpu: v } } })),
    breaker('quota.memory', ['8GB', '8gb', '-1Gi', '8 Gi'], (g, v: string) => ({ ...g, props: { ...g.props, quota: { ...quota(g), memory: v } } })),
    breaker('quota.memoryLimit', ['16GB', '16m', '-16Gi'], (g, v: string) => ({ ...g, props: { ...g.props, quota: { ...quota(g), memoryLimit: v } } })),
    breaker('quota.pods', [-1, 0, 0.5, Number.NaN], (g, v: number) => ({ ...g, props: { ...g.props, quota: { ...quota(g), pods: v } } })),
    breaker('quotaHeadroom', [-0.1, 10.5, Number.NaN, Number.POSITIVE_INFINITY], withProps((p, v) => ({ ...p, quota: undefined, quotaHeadroom: v }))),
    breaker('limits.maxMemoryRatio', [0.5, 0, -1, Number.NaN, Number.POSITIVE_INFINITY], withProps((p, v) => ({ ...p, limits: { ...p.limits, maxMemoryRatio: v } }))),
    breaker('limits.defaultCpu', ['fast', '10 m', '-50m', '1Gi'], withProps((p, v) => ({ ...p, limits: { ...p.limits, defaultCpu: v } }))),
    breaker('limits.defaultMemory', ['64MB', '64mb', '-64Mi'], withProps((p, v) => ({ ...p, limits: { ...p.limits, defaultMemory: v } }))),
    breaker('limits.defaultMemoryLimit', ['256MB', '256m', 'big'], withProps((p, v) => ({ ...p, limits: { ...p.limits, defaultMemoryLimit: v } }))),
    // a default request above the default limit: the API server refuses the LimitRange
    breaker('limits.defaultMemoryLimit', ['32Mi', '1Mi', '63Mi', '67108863'], withProps((p, v) => ({ ...p, limits: { ...p.limits, defaultMemory: '64Mi', defaultMemoryLimit: v } }))),
    breaker('limits.defaultMemory', ['257Mi', '1Gi'], withProps((p, v) => ({ ...p, limits: { defaultCpu: p.limits?.defaultCpu, defaultMemory: v } }))),
    // defaults the ratio refuses: every container that takes both would be refused at admission
    breaker('limits.maxMemoryRatio', [1, 2, 3, 3.99], withProps((p, v) => ({ ...p, limits: { ...p.limits, defaultMemory: '64Mi', defaultMemoryLimit: '256Mi', maxMemoryRatio: v } }))),
    breaker('limits.defaultMemoryLimit', ['257Mi', '1Gi'], withProps((p, v) => ({ ...p, limits: { defaultCpu: p.limits?.defaultCpu, defaultMemoryLimit: v } }))),
    breaker('limits.defaultMemory', ['0', '0Mi'], withProps((p, v) => ({ ...p, limits: { ...p.limits, defaultMemory: v } }))),
    breaker('podSecurity', ['strict', 'Restricted', ''], withProps((p, v) => ({ ...p, podSecurity: v }))),
    breaker(/^labels/, ['Bad Key', '-team', 'example.com/'], withProps((p, v) => ({ ...p, labels: { [v]: 'x' } }))),
    breaker(/^labels/, ['bad value!', 'v'.repeat(64)], withProps((p, v) => ({ ...p, labels: { team: v } }))),
  ];
  // a quota below what the apps need is a whole-tree finding (the apps come after the namespace)
  const shortfall: B[] = [
    breaker('quota.cpu', [1], (g) => ({ ...g, apps: [{ name: 'app', cpuMilli: 100, memMi: 64, limitFactor: 1, replicas: 2, port: 8080 }], props: { ...g.props, quota: { cpu: '150m', memory: '1Gi', memoryLimit: '1Gi' } } }), { atSynth: true }),
    breaker('quota.memory', [1], (g) => ({ ...g, apps: [{ name: 'app', cpuMilli: 10, memMi: 512, limitFactor: 1, replicas: 2, port: 8080 }], props: { ...g.props, quota: { cpu: '1', memory: '1000Mi', memoryLimit: '2Gi' } } }), { atSynth: true }),
    breaker('quota.memoryLimit', [1], (g) => ({ ...g, apps: [{ name: 'app', cpuMilli: 10, memMi: 256, limitFactor: 2, replicas: 1, port: 8080 }], props: { ...g.props, quota: { cpu: '1', memory: '1Gi', memoryLimit: '511Mi' } } }), { atSynth: true }),
  ];

  test.each(breakerRows([...breakers, ...shortfall]))('%s is refused at the namespace path — never a TypeError', (_t, b) => {
    assertBreaker(validNamespace, b, build, (g) => `prop/${b.prop === 'id' ? '' : g.name}`);
  }, 30_000);
});
