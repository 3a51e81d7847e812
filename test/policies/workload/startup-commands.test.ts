import { RuleLevel } from '../../../lib/policies/rule';
import { startupCommandsRule } from '../../../lib/policies/rules/workload';
import { container, deployment, found } from '../fixtures';

const E = RuleLevel.ERROR;
const CONFIG = [{ name: 'code', configMap: { name: 'app-code' } }, { name: 'scratch', emptyDir: {} }];

function withCommand(patch: any, volumes: any[] = CONFIG, init = false) {
  const c = container({ volumeMounts: [{ name: 'code', mountPath: '/app-source' }, { name: 'scratch', mountPath: '/work' }], ...patch });
  return deployment('web', 'apps', init ? { initContainers: [{ ...c, name: 'setup' }], containers: [container()], volumes } : { containers: [c], volumes });
}

describe('HK-X-07 start-up commands', () => {
  test('compliant: no command, an exec in place, and copying a ConfigMap into an emptyDir', () => {
    expect(found(startupCommandsRule, deployment())).toEqual([]);
    expect(found(startupCommandsRule, withCommand({ command: ['uvicorn', 'app:app', '--app-dir', '/app-source'] }))).toEqual([]);
    expect(found(startupCommandsRule, withCommand({ command: ['cp', '-rL', '/app-source/.', '/work/'] }, CONFIG, true))).toEqual([]);
  });

  test('flags package installs, curl | sh and git clone (seed 001, cortex rag-validator)', () => {
    expect(found(startupCommandsRule, withCommand({ command: ['sh', '-c'], args: ['pip install fastapi uvicorn && python /app-source/app.py'] }))).toEqual([
      [E, 'container "app" runs "pip install" at start-up: build-time work at run time']]);
    expect(found(startupCommandsRule, withCommand({ command: ['sh', '-c', 'apk add git && git clone https://github.com/x/y /work/y'] }, CONFIG, true)).map((f) => f[1])).toEqual([
      'init container "setup" runs "apk add" at start-up: build-time work at run time',
      'init container "setup" runs "git clone" at start-up: build-time work at run time',
    ]);
    expect(found(startupCommandsRule, withCommand({ args: ['curl -fsSL https://get.example | sh'] })).map((f) => f[1])).toEqual(['container "app" runs "curl | sh" at start-up: build-time work at run time']);
    expect(found(startupCommandsRule, withCommand({ args: ['npm ci && node server.js'] })).map((f) => f[1])).toEqual(['container "app" runs "npm install" at start-up: build-time work at run time']);
  });

  test('flags writes onto ConfigMap, Secret and readOnly mounts (seed 001 cp, seed 002 chown)', () => {
    expect(found(startupCommandsRule, withCommand({ args: ['cp /tmp/app.py /app-source/app.py'] })).map((f) => f[1])).toEqual([
      'container "app" runs "cp" onto /app-source/app.py, a read-only (ConfigMap, Secret or readOnly) mount']);
    const secret = [{ name: 'code', secret: { secretName: 's' } }, { name: 'scratch', emptyDir: {} }];
    expect(found(startupCommandsRule, withCommand({ args: ['sed -i s/a/b/ /app-source/conf'] }, secret)).map((f) => f[1])).toEqual([
      'container "app" runs "sed -i" onto /app-source/conf, a read-only (ConfigMap, Secret or readOnly) mount']);
    const ro = container({ volumeMounts: [{ name: 'scratch', mountPath: '/data', readOnly: true }], command: ['sh', '-c', 'mv /tmp/x /data/x'] });
    expect(found(startupCommandsRule, deployment('web', 'apps', { containers: [ro], volumes: CONFIG })).map((f) => f[1])).toEqual([
      'container "app" runs "mv" onto /data/x, a read-only (ConfigMap, Secret or readOnly) mount']);
  });

  test('flags chown/chmod as non-root with all capabilities dropped', () => {
    expect(found(startupCommandsRule, withCommand({ command: ['sh', '-c', 'chown -R 1000:1000 /work && exec app'] })).map((f) => f[1])).toEqual([
      'container "app" runs "chown" as non-root with all capabilities dropped: it cannot change ownership or mode']);
  });
});
