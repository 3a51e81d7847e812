import { RuleLevel } from '../../../lib/policies/rule';
import { distinctProbesRule, livenessProbeRule, probePortsRule, readinessProbeRule } from '../../../lib/policies/rules/workload';
import { container, deployment, found, service, workload } from '../fixtures';

const E = RuleLevel.ERROR;
const W = RuleLevel.WARNING;

function withContainer(patch: any) {
  return deployment('web', 'apps', { containers: [container(patch)] });
}

describe('HK-PRB-01 readinessProbe', () => {
  test('compliant baseline', () => expect(found(readinessProbeRule, deployment())).toEqual([]));
  test('flags a main container without one', () => {
    expect(found(readinessProbeRule, withContainer({ readinessProbe: undefined }))).toEqual([[E, 'container "app" has no readinessProbe']]);
    expect(found(readinessProbeRule, workload('StatefulSet', 'db', 'apps', { containers: [container({ name: 'db', readinessProbe: undefined })] })))
      .toEqual([[E, 'container "db" has no readinessProbe']]);
  });
  test('does not judge init containers', () => {
    const m = deployment('web', 'apps', { initContainers: [container({ name: 'setup', readinessProbe: undefined })] });
    expect(found(readinessProbeRule, m)).toEqual([]);
  });
  test('not applicable to Jobs, CronJobs and Services', () => {
    const noProbe = { containers: [container({ readinessProbe: undefined })] };
    expect(found(readinessProbeRule, workload('Job', 'migrate', 'apps', noProbe), workload('CronJob', 'backup', 'apps', noProbe), service())).toEqual([]);
  });
});

describe('HK-PRB-02 livenessProbe', () => {
  test('compliant baseline', () => expect(found(livenessProbeRule, deployment())).toEqual([]));
  test('warns on a main container without one', () => {
    expect(found(livenessProbeRule, withContainer({ livenessProbe: undefined }))).toEqual([[W, 'container "app" has no livenessProbe']]);
  });
  test('not applicable to Jobs, init containers and Services', () => {
    expect(found(livenessProbeRule,
      workload('Job', 'migrate', 'apps', { containers: [container({ livenessProbe: undefined })] }),
      deployment('web', 'apps', { initContainers: [container({ name: 'setup', livenessProbe: undefined })] }),
      service())).toEqual([]);
  });
});

describe('HK-PRB-03 distinct probes', () => {
  test('compliant baseline', () => expect(found(distinctProbesRule, deployment())).toEqual([]));
  test('flags the same httpGet path and port, named or numbered', () => {
    expect(found(distinctProbesRule, withContainer({ livenessProbe: { httpGet: { path: '/ready', port: 8080 } } })))
      .toEqual([[E, 'container "app" uses the same check for livenessProbe and readinessProbe (httpGet /ready on port 8080)']]);
  });
  test('flags the same tcpSocket port and the same exec command', () => {
    expect(found(distinctProbesRule, withContainer({ livenessProbe: { httpGet: undefined, tcpSocket: { port: 'http' } }, readinessProbe: { httpGet: undefined, tcpSocket: { port: 'http' } } })))
      .toEqual([[E, 'container "app" uses the same check for livenessProbe and readinessProbe (tcpSocket on port "http")']]);
    const exec = { exec: { command: ['cat', '/tmp/healthy'] }, httpGet: undefined };
    expect(found(distinctProbesRule, withContainer({ livenessProbe: exec, readinessProbe: { ...exec, periodSeconds: 5 } })))
      .toEqual([[E, 'container "app" uses the same check for livenessProbe and readinessProbe (exec ["cat","/tmp/healthy"])']]);
  });
  test('different paths or handlers are fine', () => {
    expect(found(distinctProbesRule, withContainer({ livenessProbe: { httpGet: undefined, tcpSocket: { port: 'http' } } }))).toEqual([]);
  });
  test('not applicable to a Service', () => expect(found(distinctProbesRule, service())).toEqual([]));
});

describe('HK-PRB-04 probe ports', () => {
  test('compliant baseline and numeric ports', () => {
    expect(found(probePortsRule, deployment())).toEqual([]);
    expect(found(probePortsRule, withContainer({ readinessProbe: { httpGet: { path: '/ready', port: 8080 } } }))).toEqual([]);
  });
  test('flags a port the container does not declare', () => {
    const m = withContainer({ readinessProbe: { httpGet: { path: '/ready', port: 'metrics' } }, livenessProbe: { httpGet: { path: '/healthz', port: 9090 } } });
    expect(found(probePortsRule, m)).toEqual([
      [E, 'container "app" readinessProbe targets port "metrics", which is not among its ports (8080 "http")'],
      [E, 'container "app" livenessProbe targets port 9090, which is not among its ports (8080 "http")'],
    ]);
  });
  test('flags a probe on a container that declares no ports (startup and grpc included)', () => {
    const m = withContainer({ ports: undefined, startupProbe: { tcpSocket: undefined, grpc: { port: 9000 } }, readinessProbe: undefined, livenessProbe: undefined });
    expect(found(probePortsRule, m)).toEqual([[E, 'container "app" startupProbe targets port 9000, which is not among its ports (it declares none)']]);
  });
  test('not applicable to a Service', () => expect(found(probePortsRule, service())).toEqual([]));
});

describe('HK-PRB-04 missing port', () => {
  test('fails on a tcpSocket probe without a port', () => {
    const { probePortsRule } = require('../../../lib/policies/rules/workload');
    const { deployment, container, run } = require('../fixtures');
    const m = deployment('web', 'apps', { containers: [container({ livenessProbe: { tcpSocket: {} } })] });
    expect(run(probePortsRule, m).map((f: any) => f.message)).toEqual(['container "app" livenessProbe tcpSocket has no port']);
  });
});
