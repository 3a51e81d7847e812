import { App, Testing } from 'cdk8s';
import { AppWorkload, Cluster, Namespace } from '../../lib';
import { APP_PY, buildSophiaBackend } from '../../examples/sophia-backend/main';
import { errorOf } from '../helpers';

describe('examples/sophia-backend (seed 001 done right)', () => {
  const cluster = buildSophiaBackend(new App({ outdir: '/nonexistent' }));
  const synthesis = cluster.synthesize();
  const get = (kind: string) => synthesis.objects.find((o) => o.manifest.kind === kind)!.manifest as any;

  test('synthesizes with no errors and no unexempted findings', () => {
    expect(synthesis.errors).toEqual([]);
    expect(synthesis.findings.filter((f) => !f.exemption)).toEqual([]);
  });

  test('the code is the ConfigMap, mounted read-only and executed in place: no cp, no pip, no shell', () => {
    expect(get('ConfigMap').data).toEqual({ 'app.py': APP_PY });
    const c = get('Deployment').spec.template.spec.containers[0];
    expect(c.command).toEqual(['uvicorn', 'app:app', '--app-dir', '/app-source', '--host', '0.0.0.0', '--port', '8000']);
    expect(c.args).toBeUndefined();
    expect(c.volumeMounts).toEqual([{ mountPath: '/app-source', name: 'config-source', readOnly: true }, { mountPath: '/tmp', name: 'tmp' }]);
    expect(get('Deployment').spec.template.spec.initContainers).toBeUndefined();
  });

  test('non-root with a read-only root filesystem, and a startup probe before readiness and liveness', () => {
    const pod = get('Deployment').spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    expect(pod.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(pod.containers[0].startupProbe).toEqual({ httpGet: { path: '/health', port: 'http', scheme: 'HTTP' }, periodSeconds: 5, failureThreshold: 12, timeoutSeconds: 3 });
    expect(pod.containers[0].livenessProbe).toEqual({ tcpSocket: { port: 'http' }, periodSeconds: 20, failureThreshold: 3, timeoutSeconds: 3 });
  });

  test('the seed\'s own fixes are refused: pip install at start (HK-X-07) and running as root', () => {
    const seed = new Cluster(Testing.app(), 'seed', { profile: { distro: 'k3s' as any, version: 'v1.32.5+k3s1', nodes: [{ name: 'gh200', allocatable: { cpu: '64', memory: '460Gi' } }] } });
    const ns = new Namespace(seed, 'sophia-ai-prod');
    new AppWorkload(ns, 'sophia-backend', {
      image: 'docker.io/library/python:3.11.9-slim',
      resources: { cpu: '250m', memory: '512Mi', memoryLimit: '1Gi' },
      ports: [{ name: 'http', port: 8000 }],
      command: ['sh', '-c'],
      args: ['pip install fastapi uvicorn && python /app-source/app.py'],
      config: { source: { mountPath: '/app-source', files: { 'app.py': APP_PY } } },
    });
    expect(seed.synthesize().errors.some((e) => /HK-X-07 \(error\) Deployment sophia-ai-prod\/sophia-backend: .*pip install/.test(e))).toBe(true);
    expect(errorOf(() => new AppWorkload(new Namespace(seed, 'root'), 'sophia-backend', {
      image: 'docker.io/library/python:3.11.9-slim', resources: { cpu: '250m', memory: '512Mi', memoryLimit: '1Gi' }, ports: [{ name: 'http', port: 8000 }], security: { runAsUser: 0, runAsGroup: 0 },
    }))).toMatch(/^\[seed\/root\/sophia-backend\] security = .*running as root \(uid or gid 0\) is refused/);
  });
});
