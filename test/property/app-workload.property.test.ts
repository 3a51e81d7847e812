import { Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { AppSize, AppWorkload, AppWorkloadProps, Cluster, Criticality, EnvValue, Namespace, Probe, ValidationError, WorkloadKind } from '../../lib';
import { createValidator, Validator } from '../schema/validator';
import { TEST_PROFILE } from '../helpers';

jest.setTimeout(180_000);

const SIZES = [AppSize.NANO, AppSize.MICRO, AppSize.SMALL, AppSize.MEDIUM, AppSize.LARGE];
const dnsLabel = fc.stringMatching(/^[a-z][a-z0-9]{0,10}(-[a-z0-9]{1,8})?$/);
const envName = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,15}$/);
const plainValue = fc.stringMatching(/^[a-z0-9./]{0,20}$/);

/** Resources within the pack's limits: memory limit at most 2× the request. */
const resources = fc.record({
  cpuMilli: fc.integer({ min: 5, max: 900 }),
  memMi: fc.integer({ min: 16, max: 1024 }),
  ratio: fc.constantFrom(1, 1.5, 2),
}).map(({ cpuMilli, memMi, ratio }) => ({ cpu: `${cpuMilli}m`, memory: `${memMi}Mi`, memoryLimit: `${Math.ceil(memMi * ratio)}Mi` }));

/** Ports with distinct names and numbers. */
const ports = fc.uniqueArray(fc.integer({ min: 1024, max: 65535 }), { maxLength: 3 }).map((nums) => nums.map((port, i) => ({ name: `p${i}-${port}`.slice(0, 15), port })));

const longRunning = fc.record({
  kind: fc.constantFrom(WorkloadKind.DEPLOYMENT, WorkloadKind.STATEFUL_SET),
  replicas: fc.integer({ min: 1, max: 3 }),
  ports,
  criticality: fc.constantFrom(Criticality.CRITICAL, Criticality.STANDARD, Criticality.OPTIONAL),
  check: fc.constantFrom('/bin/healthy', 'pg_isready'),
}).map(({ check, ...r }) => ({ ...r, healthCheck: r.ports.length ? undefined : Probe.exec([check]) }));
const cronJob = fc.record({
  kind: fc.constant(WorkloadKind.CRON_JOB),
  schedule: fc.tuple(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 23 })).map(([m, h]) => `${m} ${h} * * *`),
});

const validProps = fc.record({
  name: dnsLabel,
  tag: fc.stringMatching(/^[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,2}$/),
  sizing: fc.oneof(fc.constantFrom(...SIZES).map((size) => ({ size })), resources.map((r) => ({ resources: r }))),
  shape: fc.oneof(longRunning, cronJob),
  env: fc.dictionary(envName, fc.oneof(plainValue, fc.constant('secret-ref')), { maxKeys: 4 }),
  uid: fc.integer({ min: 1000, max: 65000 }),
}).map(({ name, tag, sizing, shape, env, uid }) => ({
  name,
  props: {
    image: `ghcr.io/example/${name}:${tag}`,
    ...sizing,
    ...shape,
    env: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === 'secret-ref' ? EnvValue.fromSecret(`${name}-secrets`, k.toLowerCase()) : v])),
    security: { runAsUser: uid, runAsGroup: uid },
  } as AppWorkloadProps,
}));

function build(name: string, props: AppWorkloadProps): Namespace {
  const cluster = new Cluster(Testing.app(), 'prop', { profile: TEST_PROFILE });
  const ns = new Namespace(cluster, 'apps');
  new AppWorkload(ns, name, props);
  return ns;
}

describe('AppWorkload properties', () => {
  let validator: Validator;
  beforeAll(() => {
    validator = createValidator();
  });

  test('any valid props synthesize objects that pass the baseline pack and the schemas', () => {
    fc.assert(fc.property(validProps, ({ name, props }) => {
      const objs = Testing.synth(build(name, props)); // runs the policy pack: throws on a blocking finding
      const problems = objs.flatMap((o: any) => validator.validate(o).map((e) => `${o.kind}/${o.metadata.name}: ${e}`));
      expect(problems).toEqual([]);
      expect(objs.some((o: any) => o.kind === (props.kind === WorkloadKind.CRON_JOB ? 'CronJob' : props.kind === WorkloadKind.STATEFUL_SET ? 'StatefulSet' : 'Deployment'))).toBe(true);
    }), { numRuns: 60 });
  });

  /** One field made invalid, with the prop the error must name. */
  const breakers: fc.Arbitrary<[string, (p: AppWorkloadProps) => AppWorkloadProps]>[] = [
    fc.constantFrom('512Mb', '1.5GiB', '-1Mi', '0', 'lots').map((m) => ['resources.memory', (p) => ({ ...p, size: undefined, resources: { cpu: '10m', memory: m, memoryLimit: '128Mi' } })]),
    fc.constantFrom('10 m', '-5m', 'fast', '1e400').map((c) => ['resources.cpu', (p) => ({ ...p, size: undefined, resources: { cpu: c, memory: '64Mi', memoryLimit: '128Mi' } })]),
    fc.integer({ min: -5, max: -1 }).map((r) => ['replicas', (p) => ({ ...p, kind: WorkloadKind.DEPLOYMENT, schedule: undefined, replicas: r })]),
    fc.oneof(fc.integer({ min: 65536, max: 100000 }), fc.constant(0), fc.constant(1.5)).map((port) => ['ports[0].port', (p) => ({ ...p, kind: WorkloadKind.DEPLOYMENT, schedule: undefined, replicas: 1, ports: [{ name: 'http', port }] })]),
    fc.constantFrom('HTTP', 'a-very-long-port-name', '-http', '').map((n) => ['ports[0].name', (p) => ({ ...p, kind: WorkloadKind.DEPLOYMENT, schedule: undefined, replicas: 1, ports: [{ name: n, port: 8080 }] })]),
    fc.constantFrom('* * *', '61 * * * *', 'every day', '0 3 * * * *').map((s) => ['schedule', (p) => ({ ...p, kind: WorkloadKind.CRON_JOB, replicas: undefined, ports: undefined, schedule: s })]),
    fc.constant(['size/resources', (p: AppWorkloadProps) => ({ ...p, size: AppSize.SMALL, resources: { cpu: '10m', memory: '64Mi', memoryLimit: '128Mi' } })] as [string, (p: AppWorkloadProps) => AppWorkloadProps]),
    fc.constant(['security', (p: AppWorkloadProps) => ({ ...p, security: { runAsUser: 0 } })] as [string, (p: AppWorkloadProps) => AppWorkloadProps]),
    fc.constant(['healthCheck', (p: AppWorkloadProps) => ({ ...p, kind: WorkloadKind.DEPLOYMENT, schedule: undefined, replicas: 1, ports: [], healthCheck: undefined, probes: undefined })] as [string, (p: AppWorkloadProps) => AppWorkloadProps]),
    fc.constantFrom('Web', 'web_1', '-web', 'x'.repeat(60)).map((id) => ['id', (p: AppWorkloadProps) => ({ ...p, __id: id } as any)]),
  ];

  test('any invalid prop throws a ValidationError naming the construct path, the prop and a fix — never a TypeError', () => {
    fc.assert(fc.property(validProps, fc.oneof(...breakers), ({ name, props }, [prop, breakIt]) => {
      let error: unknown;
      try {
        const broken: any = breakIt(props);
        build(broken.__id ?? name, broken);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ValidationError);
      const message = (error as Error).message;
      expect(message.startsWith('[prop/apps/')).toBe(true);
      expect(message).toContain(prop);
      expect(message).toMatch(/\. Fix: .+/);
    }), { numRuns: 100 });
  });
});
