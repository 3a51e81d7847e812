import { RuleLevel } from '../../../lib/policies/rule';
import { serviceTargetsPodsRule } from '../../../lib/policies/rules/cluster';
import { container, deployment, found, run, service, workload } from '../fixtures';

const E = RuleLevel.ERROR;

describe('HK-NET-04 Services select pods and target declared ports', () => {
  test('compliant: selector matches, targetPort by name, by number, and absent (= port)', () => {
    const byNumber = service('web-num', 'apps', 80, { spec: { ports: [{ port: 80, targetPort: 8080 }] } });
    const implicit = service('web-implicit', 'apps', 8080, { spec: { ports: [{ port: 8080 }] } });
    byNumber.spec.selector = { 'app.kubernetes.io/name': 'web' };
    implicit.spec.selector = { 'app.kubernetes.io/name': 'web' };
    expect(found(serviceTargetsPodsRule, deployment(), service(), byNumber, implicit, workload('StatefulSet', 'db'), service('db'))).toEqual([]);
  });

  test('flags a selector that matches no pod template in the namespace', () => {
    const findings = run(serviceTargetsPodsRule, deployment('api'), deployment('web', 'other'), service('web'));
    expect(findings.map((f) => [f.level, f.kind, f.name, f.message])).toEqual([[E, 'Service', 'web',
      'Service apps/web selects no pod template in apps (selector app.kubernetes.io/name=web, app.kubernetes.io/instance=web)']]);
  });

  test('flags a named targetPort no selected container declares', () => {
    const svc = service('web', 'apps', 8080, { spec: { ports: [{ name: 'http', port: 8080, targetPort: 'http' }, { name: 'metrics', port: 9090, targetPort: 'metrics' }] } });
    expect(found(serviceTargetsPodsRule, deployment(), svc)).toEqual([[E,
      'Service apps/web port 9090 targets container port "metrics", which no container of the selected pods (Deployment apps/web) declares']]);
  });

  test('flags numeric and implicit target ports that match no containerPort', () => {
    const svc = service('web', 'apps', 80, { spec: { ports: [{ port: 80 }, { port: 443, targetPort: 8443 }] } });
    expect(found(serviceTargetsPodsRule, deployment(), svc)).toEqual([
      [E, 'Service apps/web port 80 targets container port 80, which no container of the selected pods (Deployment apps/web) declares'],
      [E, 'Service apps/web port 443 targets container port 8443, which no container of the selected pods (Deployment apps/web) declares'],
    ]);
  });

  test('ports of init containers count only for sidecars (restartPolicy Always)', () => {
    const svc = service('web', 'apps', 9100, { spec: { ports: [{ name: 'metrics', port: 9100, targetPort: 'metrics' }] } });
    const exporter = { name: 'exporter', ports: [{ name: 'metrics', containerPort: 9100 }] };
    const sidecar = deployment('web', 'apps', { initContainers: [container({ ...exporter, restartPolicy: 'Always' })] });
    const plainInit = deployment('web', 'apps', { initContainers: [container(exporter)] });
    expect(found(serviceTargetsPodsRule, sidecar, svc)).toEqual([]);
    expect(found(serviceTargetsPodsRule, plainInit, svc)).toEqual([[E,
      'Service apps/web port 9100 targets container port "metrics", which no container of the selected pods (Deployment apps/web) declares']]);
  });

  test('not applicable: ExternalName and selector-less Services', () => {
    const external = service('ext', 'apps', 443, { spec: { type: 'ExternalName', externalName: 'api.example.com', selector: undefined } });
    const manual = service('manual', 'apps', 5432, { spec: { selector: undefined } });
    const empty = service('empty', 'apps', 5432, { spec: { selector: undefined } });
    empty.spec.selector = {};
    expect(found(serviceTargetsPodsRule, external, manual, empty)).toEqual([]);
  });
});
