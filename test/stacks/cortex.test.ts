import { App, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-29';
import { AppWorkload, Cluster, Namespace } from '../../lib';
import { buildCortex } from '../../stacks/cortex';
import { cortexProfile } from '../../stacks/cortex/profile';

function synthCortex() {
  const cluster = buildCortex(new App({ outdir: '/nonexistent' }));
  return { cluster, s: cluster.synthesize() };
}

const byName = (objs: readonly { manifest: any }[], kind: string, ns: string, name: string) =>
  objs.map((o) => o.manifest).find((m) => m.kind === kind && m.metadata.namespace === ns && m.metadata.name === name);

describe('cortex stack', () => {
  const { s } = synthCortex();

  test('passes its own policies with only reasoned exemptions', () => {
    expect(s.errors).toEqual([]);
    expect(s.findings.filter((f) => f.exemption !== undefined).map((f) => [f.ruleId, f.name])).toEqual([['HK-SEC-20', 'health-monitor']]);
  });

  test('cortex-school is sized to the seed\'s "after" table: six pods, 1152Mi of memory requests', () => {
    const pods = s.objects.map((o) => o.manifest).filter((m) => m.metadata.namespace === 'cortex-school' && (m.kind === 'Deployment' || m.kind === 'StatefulSet'));
    const rows = pods.map((m) => {
      const r = m.spec.template.spec.containers[0].resources;
      return [m.metadata.name, m.spec.replicas, r.requests.memory, r.limits.memory];
    }).sort();
    expect(rows).toEqual([
      ['health-monitor', 1, '256Mi', '1Gi'],
      ['implementation-workers', 1, '128Mi', '512Mi'],
      ['moe-router', 1, '128Mi', '512Mi'],
      ['qdrant', 1, '128Mi', '512Mi'],
      ['rag-validator', 1, '256Mi', '1Gi'],
      ['school-coordinator', 1, '256Mi', '1Gi'],
    ]);
    const mi = (q: string) => (q.endsWith('Gi') ? parseInt(q, 10) * 1024 : parseInt(q, 10));
    expect(rows.reduce((n, r) => n + mi(r[2] as string) * (r[1] as number), 0)).toBe(1152);
  });

  test('REDIS_HOST of every cortex-school app comes from the redis-queue Service object', () => {
    const hosts = s.objects.map((o) => o.manifest)
      .filter((m) => m.kind === 'Deployment' && m.metadata.namespace === 'cortex-school')
      .map((m) => m.spec.template.spec.containers[0].env.find((e: any) => e.name === 'REDIS_HOST')?.value);
    expect(new Set(hosts)).toEqual(new Set(['redis-queue.cortex.svc.cluster.local']));
    expect(byName(s.objects, 'Service', 'cortex', 'redis-queue').spec.ports).toEqual([{ name: 'redis', port: 6379, targetPort: 'redis', protocol: 'TCP' }]);
  });

  test('no pod gets service links, and rag-validator sets QDRANT_PORT to a number', () => {
    const pods = s.objects.map((o) => o.manifest).filter((m) => m.kind === 'Deployment' || m.kind === 'StatefulSet');
    expect(pods.every((m) => m.spec.template.spec.enableServiceLinks === false)).toBe(true);
    const env = byName(s.objects, 'Deployment', 'cortex-school', 'rag-validator').spec.template.spec.containers[0].env;
    expect(env.find((e: any) => e.name === 'QDRANT_PORT')).toEqual({ name: 'QDRANT_PORT', value: '6333' });
  });

  test('Qdrant is a StatefulSet on a 20Gi Longhorn ReadWriteOnce claim', () => {
    const sts = byName(s.objects, 'StatefulSet', 'cortex-school', 'qdrant');
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'longhorn', resources: { requests: { storage: '20Gi' } } });
  });

  test('redis-queue is critical and recreated, not surged, on its ReadWriteOnce claim', () => {
    const dep = byName(s.objects, 'Deployment', 'cortex', 'redis-queue');
    expect(dep.spec.strategy).toEqual({ type: 'Recreate' });
    expect(dep.spec.template.spec.priorityClassName).toBe('workload-critical');
  });
});

describe('the seed 000 incidents are refused', () => {
  function cortexWith(build: (ns: Namespace, cluster: Cluster) => void) {
    const cluster = new Cluster(Testing.app(), 'cortex', { profile: cortexProfile });
    const ns = new Namespace(cluster, 'cortex-school');
    build(ns, cluster);
    return cluster.synthesize();
  }
  const IMAGE = '10.43.170.72:5000/app:1.0.0';

  test('memory over-request: requests beyond 85% of the nodes that can run them fail the synth', () => {
    const s = cortexWith((ns) => {
      new AppWorkload(ns, 'hungry', { image: IMAGE, resources: { cpu: '50m', memory: '1Gi', memoryLimit: '1Gi' }, replicas: 25, ports: [{ name: 'http', port: 8080 }] });
    });
    expect(s.errors.filter((e) => e.includes('HK-X-04'))).toEqual([
      '[cortex/cortex-school/hungry/Resource] HK-X-04 (error) Deployment cortex-school/hungry: memory requests total 25600Mi, 86% of the 29645Mi allocatable on the nodes they may run on (k3s-master03, k3s-worker01, k3s-worker02, k3s-worker03, k3s-worker04); the limit is 85%. Largest: Deployment cortex-school/hungry with 25600Mi\n'
      + '    fix: lower the memory requests to what the apps use at rest, mark optional apps Criticality.OPTIONAL and scale them down, or add nodes to the profile',
    ]);
  });

  test('memory over-request: a pod larger than any schedulable node is named as Pending', () => {
    const s = cortexWith((ns) => {
      new AppWorkload(ns, 'huge', { image: IMAGE, resources: { cpu: '50m', memory: '6Gi', memoryLimit: '6Gi' }, ports: [{ name: 'http', port: 8080 }] });
    });
    expect(s.errors.some((e) => e.includes('HK-X-04 (error) Deployment cortex-school/huge: requests 6144Mi per pod, more than the largest node it may run on (5929Mi): its pods would stay Pending with "Insufficient memory"'))).toBe(true);
  });

  test('QDRANT_PORT: a pod with service links next to the qdrant Service fails HK-X-02', () => {
    const s = cortexWith((ns) => {
      new AppWorkload(ns, 'qdrant', { image: IMAGE, size: undefined, resources: { cpu: '50m', memory: '128Mi', memoryLimit: '512Mi' }, ports: [{ name: 'http', port: 6333 }] });
      const labels = { app: 'legacy' };
      new k8s.KubeDeployment(ns, 'legacy', {
        metadata: { name: 'legacy' },
        spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: IMAGE }] } } },
      });
    });
    expect(s.errors.some((e) => e.includes('HK-X-02 (error) Deployment cortex-school/legacy') && e.includes('QDRANT_PORT=tcp://'))).toBe(true);
  });

  test('wrong REDIS_HOST: a typed host name that names no Service fails HK-X-03', () => {
    const s = cortexWith((ns, cluster) => {
      const cortex = new Namespace(cluster, 'cortex');
      new AppWorkload(cortex, 'redis-queue', { image: IMAGE, resources: { cpu: '50m', memory: '128Mi', memoryLimit: '256Mi' }, ports: [{ name: 'redis', port: 6379 }], probes: {} });
      new AppWorkload(ns, 'coordinator', { image: IMAGE, resources: { cpu: '50m', memory: '128Mi', memoryLimit: '256Mi' }, ports: [{ name: 'http', port: 8080 }], env: { REDIS_HOST: 'redis.cortex.svc.cluster.local' } });
    });
    const x03 = s.errors.filter((e) => e.includes('HK-X-03'));
    expect(x03).toHaveLength(1);
    expect(x03[0]).toMatch(/^\[cortex\/cortex-school\/coordinator\/Resource\] HK-X-03 \(error\) Deployment cortex-school\/coordinator: .*redis\.cortex.*redis-queue/);
  });
});
