import { App, Testing } from 'cdk8s';
import * as k8s from 'cdk8s-plus-29/lib/imports/k8s';
import * as YAML from 'yaml';
import { AppWorkload, Cluster, Images, Namespace, PRIORITY_CLASSES, Criticality, parseImageReference } from '../../lib';
import { TARGETS, synthesizeTargets } from '../../stacks/synth';
import { createValidator } from '../schema/validator';
import { buildCortex } from '../../stacks/cortex';
import { cortexProfile } from '../../stacks/cortex/profile';
import { CORTEX_STORAGE_CLASS } from '../../stacks/cortex/storage';

function synthCortex() {
  const cluster = buildCortex(new App({ outdir: '/nonexistent' }));
  return { cluster, s: cluster.synthesize() };
}

const byName = (objs: readonly { manifest: any }[], kind: string, ns: string, name: string) =>
  objs.map((o) => o.manifest).find((m) => m.kind === kind && m.metadata.namespace === ns && m.metadata.name === name);

/** The namespaces of the cortex stack (the real cluster's, plus cortex-metrics from the seed and dashy from apps/default). */
const CORTEX_NAMESPACES = [
  'checkmk', 'cortex', 'cortex-chat', 'cortex-cicd', 'cortex-csaf', 'cortex-dev', 'cortex-knowledge', 'cortex-live',
  'cortex-metrics', 'cortex-school', 'cortex-security', 'cortex-system', 'dashy',
];
const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'CronJob', 'DaemonSet', 'Job'];
const MI = 2 ** 20;
/** `256Mi` / `1Gi` / `1536Mi` in bytes. */
const bytes = (q: string) => {
  const m = /^(\d+)(Mi|Gi)$/.exec(q);
  if (!m) throw new Error(`unexpected quantity ${q}`);
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1) * MI;
};
/** The pod spec of a Deployment, StatefulSet or CronJob. */
const podSpec = (m: any) => (m.kind === 'CronJob' ? m.spec.jobTemplate.spec.template.spec : m.spec.template.spec);
const allContainers = (spec: any): any[] => [...(spec.initContainers ?? []), ...spec.containers];

describe('cortex stack', () => {
  const { s } = synthCortex();

  test('passes its own policies with only reasoned exemptions', () => {
    expect(s.errors).toEqual([]);
    const exempted = s.findings.filter((f) => f.exemption !== undefined && CORTEX_NAMESPACES.includes(f.namespace as string))
      .map((f) => [f.ruleId, `${f.namespace}/${f.name}`]).sort();
    expect(exempted).toEqual([
      ['HK-BAK-01', 'cortex-system/redis-replicas'],
      ['HK-SEC-03', 'checkmk/checkmk'],
      ['HK-SEC-07', 'checkmk/checkmk'],
      ['HK-SEC-08', 'checkmk/checkmk'],
      ['HK-SEC-08', 'cortex-knowledge/knowledge-elasticsearch'],
      ['HK-SEC-08', 'cortex-system/pgadmin'],
      ['HK-SEC-20', 'cortex-cicd/el-github-webhook-listener'],
      ['HK-SEC-20', 'cortex-csaf/csaf-scheduler'],
      ['HK-SEC-20', 'cortex-school/health-monitor'],
      ['HK-SEC-20', 'cortex-school/implementation-workers'],
      ['HK-SEC-20', 'cortex-system/auto-fix-daemon'],
      ['HK-SEC-20', 'cortex-system/cicd-master'],
      ['HK-SEC-20', 'cortex-system/coordinator-master'],
      ['HK-SEC-20', 'cortex-system/development-master'],
      ['HK-SEC-20', 'cortex-system/kubernetes-mcp-server'],
      ['HK-SEC-20', 'cortex-system/security-master'],
      ['HK-SEC-20', 'cortex-system/zombie-cleanup-daemon'],
    ]);
    // every exemption carries its reason in the object's annotation
    for (const f of s.findings.filter((x) => x.exemption !== undefined)) expect(f.exemption!.length).toBeGreaterThan(20);
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
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: CORTEX_STORAGE_CLASS, resources: { requests: { storage: '20Gi' } } });
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
    const x04 = s.errors.filter((e) => e.includes('HK-X-04 (error) Deployment cortex-school/huge:'));
    expect(x04).toHaveLength(1);
    expect(x04[0]).toContain('6144Mi per pod, more than the largest node it may run on (5929Mi)');
    expect(x04[0]).toMatch(/Pending/);
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

describe('the whole cortex cluster (issue 6)', () => {
  const { s } = synthCortex();
  const manifests: any[] = s.objects.map((o) => o.manifest);
  const workloads = manifests.filter((m) => WORKLOAD_KINDS.includes(m.kind) && CORTEX_NAMESPACES.includes(m.metadata.namespace));
  const running = workloads.filter((m) => m.kind === 'Deployment' || m.kind === 'StatefulSet');
  const get = (kind: string, ns: string, name: string) => {
    const m = byName(s.objects, kind, ns, name);
    if (!m) throw new Error(`no ${kind} ${ns}/${name}`);
    return m;
  };
  const container = (kind: string, ns: string, name: string) => podSpec(get(kind, ns, name)).containers[0];
  const envOf = (kind: string, ns: string, name: string) => Object.fromEntries((container(kind, ns, name).env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));

  test('every namespace is present with its workloads: kind, replicas, memory request and limit, priority class', () => {
    const table: Record<string, unknown[][]> = {};
    for (const m of workloads) {
      const spec = podSpec(m);
      const r = spec.containers[0].resources;
      (table[m.metadata.namespace] ??= []).push([m.kind, m.metadata.name, m.spec.replicas ?? m.spec.schedule, r.requests.memory, r.limits.memory, spec.priorityClassName]);
    }
    for (const rows of Object.values(table)) rows.sort((a, b) => `${a[0]}/${a[1]}`.localeCompare(`${b[0]}/${b[1]}`));
    expect(Object.keys(table).sort()).toEqual(CORTEX_NAMESPACES);
    expect(manifests.filter((m) => m.kind === 'Namespace' && CORTEX_NAMESPACES.includes(m.metadata.name)).map((m) => m.metadata.name).sort()).toEqual(CORTEX_NAMESPACES);
    expect(table).toEqual({
      'checkmk': [
        ['StatefulSet', 'checkmk', 1, '256Mi', '512Mi', 'workload-standard'],
      ],
      'cortex': [
        ['Deployment', 'cortex-desktop-mcp', 1, '128Mi', '512Mi', 'workload-standard'],
        ['Deployment', 'cortex-orchestrator', 1, '128Mi', '256Mi', 'workload-standard'],
        ['Deployment', 'cortex-queue-worker', 0, '128Mi', '512Mi', 'workload-optional'],
        ['Deployment', 'cost-tracker', 1, '128Mi', '256Mi', 'workload-standard'],
        ['Deployment', 'documentation-master', 0, '128Mi', '256Mi', 'workload-optional'],
        ['Deployment', 'model-router', 0, '128Mi', '256Mi', 'workload-optional'],
        ['Deployment', 'redis-queue', 1, '256Mi', '512Mi', 'workload-critical'],
        ['Deployment', 'youtube-channel-intelligence', 1, '256Mi', '512Mi', 'workload-standard'],
        ['Deployment', 'youtube-ingestion', 1, '64Mi', '192Mi', 'workload-standard'],
      ],
      'cortex-chat': [
        ['Deployment', 'cortex-chat', 1, '32Mi', '64Mi', 'workload-standard'],
        ['Deployment', 'cortex-chat-backend-simple', 1, '256Mi', '512Mi', 'workload-standard'],
        ['Deployment', 'cortex-chat-proxy', 1, '64Mi', '128Mi', 'workload-standard'],
        ['Deployment', 'docker-registry', 1, '128Mi', '256Mi', 'workload-critical'],
        ['Deployment', 'grafana-pdf-service', 1, '128Mi', '256Mi', 'workload-standard'],
        ['Deployment', 'redis', 0, '64Mi', '128Mi', 'workload-optional'],
      ],
      'cortex-cicd': [
        ['Deployment', 'el-github-webhook-listener', 1, '64Mi', '128Mi', 'workload-standard'],
      ],
      'cortex-csaf': [
        ['CronJob', 'csaf-scheduler', '0 2 * * *', '128Mi', '256Mi', 'workload-standard'],
        ['Deployment', 'csaf-correlator', 1, '128Mi', '256Mi', 'workload-standard'],
        ['Deployment', 'csaf-redis', 1, '64Mi', '128Mi', 'workload-standard'],
        ['Deployment', 'csaf-registry', 2, '64Mi', '128Mi', 'workload-standard'],
        ['Deployment', 'csaf-runtime', 1, '256Mi', '512Mi', 'workload-standard'],
        ['StatefulSet', 'csaf-postgres', 1, '256Mi', '512Mi', 'workload-critical'],
      ],
      'cortex-dev': [
        ['Deployment', 'code-generator', 1, '128Mi', '256Mi', 'workload-standard'],
        ['Deployment', 'issue-parser', 1, '128Mi', '256Mi', 'workload-standard'],
        ['Deployment', 'redis', 1, '64Mi', '128Mi', 'workload-standard'],
        ['Deployment', 'repo-context', 0, '128Mi', '256Mi', 'workload-optional'],
      ],
      'cortex-knowledge': [
        ['Deployment', 'improvement-detector', 1, '128Mi', '256Mi', 'workload-standard'],
        ['Deployment', 'knowledge-dashboard', 1, '32Mi', '64Mi', 'workload-standard'],
        ['Deployment', 'knowledge-extractor', 0, '128Mi', '256Mi', 'workload-optional'],
        ['Deployment', 'knowledge-graph-api', 2, '128Mi', '256Mi', 'workload-critical'],
        ['Deployment', 'phoenix', 1, '384Mi', '768Mi', 'workload-standard'],
        ['Deployment', 'value-stream-optimizer', 0, '128Mi', '256Mi', 'workload-optional'],
        ['StatefulSet', 'knowledge-elasticsearch', 1, '512Mi', '1Gi', 'workload-critical'],
        ['StatefulSet', 'knowledge-mongodb', 1, '512Mi', '1Gi', 'workload-critical'],
      ],
      'cortex-live': [
        ['Deployment', 'cortex-live', 1, '128Mi', '256Mi', 'workload-optional'],
      ],
      'cortex-metrics': [
        ['Deployment', 'cortex-metrics-collector', 1, '128Mi', '256Mi', 'workload-optional'],
        ['Deployment', 'cortex-metrics-exporter', 0, '128Mi', '256Mi', 'workload-optional'],
        ['Deployment', 'cortex-report-generator', 0, '128Mi', '256Mi', 'workload-optional'],
      ],
      'cortex-school': [
        ['Deployment', 'health-monitor', 1, '256Mi', '1Gi', 'workload-standard'],
        ['Deployment', 'implementation-workers', 1, '128Mi', '512Mi', 'workload-standard'],
        ['Deployment', 'moe-router', 1, '128Mi', '512Mi', 'workload-standard'],
        ['Deployment', 'rag-validator', 1, '256Mi', '1Gi', 'workload-standard'],
        ['Deployment', 'school-coordinator', 1, '256Mi', '1Gi', 'workload-standard'],
        ['StatefulSet', 'qdrant', 1, '128Mi', '512Mi', 'workload-standard'],
      ],
      'cortex-security': [
        ['Deployment', 'falco-falcosidekick', 1, '32Mi', '64Mi', 'workload-standard'],
        ['Deployment', 'falcosidekick-ui', 1, '64Mi', '128Mi', 'workload-standard'],
        ['Deployment', 'redis', 1, '128Mi', '256Mi', 'workload-standard'],
        ['Deployment', 'trivy-server', 1, '256Mi', '1Gi', 'workload-standard'],
      ],
      'cortex-system': [
        ['CronJob', 'auto-fix-daemon', '*/5 * * * *', '64Mi', '128Mi', 'workload-optional'],
        ['CronJob', 'zombie-cleanup-daemon', '17 * * * *', '64Mi', '128Mi', 'workload-optional'],
        ['Deployment', 'checkmk-mcp-server', 1, '128Mi', '256Mi', 'workload-standard'],
        ['Deployment', 'cicd-master', 1, '64Mi', '128Mi', 'workload-standard'],
        ['Deployment', 'cloudflare-mcp-server', 1, '128Mi', '256Mi', 'workload-optional'],
        ['Deployment', 'coordinator-master', 1, '64Mi', '128Mi', 'workload-standard'],
        ['Deployment', 'cortex-mcp-server', 1, '256Mi', '512Mi', 'workload-standard'],
        ['Deployment', 'cortex-orchestrator', 1, '256Mi', '512Mi', 'workload-critical'],
        ['Deployment', 'cortex-resource-manager', 1, '128Mi', '256Mi', 'workload-optional'],
        ['Deployment', 'development-master', 0, '64Mi', '128Mi', 'workload-optional'],
        ['Deployment', 'docling-service', 1, '256Mi', '512Mi', 'workload-standard'],
        ['Deployment', 'github-security-mcp-server', 1, '128Mi', '256Mi', 'workload-standard'],
        ['Deployment', 'kubernetes-mcp-server', 1, '128Mi', '256Mi', 'workload-standard'],
        ['Deployment', 'langflow', 1, '768Mi', '1536Mi', 'workload-standard'],
        ['Deployment', 'langflow-chat-mcp-server', 0, '64Mi', '128Mi', 'workload-optional'],
        ['Deployment', 'n8n-mcp-server', 1, '128Mi', '256Mi', 'workload-standard'],
        ['Deployment', 'pgadmin', 0, '128Mi', '256Mi', 'workload-optional'],
        ['Deployment', 'postgres-exporter', 1, '32Mi', '64Mi', 'workload-standard'],
        ['Deployment', 'proxmox-mcp-server', 1, '128Mi', '256Mi', 'workload-standard'],
        ['Deployment', 'redis', 1, '64Mi', '128Mi', 'workload-standard'],
        ['Deployment', 'redis-postgres-sync', 0, '64Mi', '128Mi', 'workload-optional'],
        ['Deployment', 'sandfly-mcp-server', 1, '128Mi', '256Mi', 'workload-standard'],
        ['Deployment', 'security-master', 1, '64Mi', '128Mi', 'workload-standard'],
        ['Deployment', 'unifi-mcp-server', 1, '128Mi', '256Mi', 'workload-standard'],
        ['StatefulSet', 'postgres', 1, '256Mi', '1Gi', 'workload-critical'],
        ['StatefulSet', 'postgres-postgresql', 1, '256Mi', '512Mi', 'workload-critical'],
        ['StatefulSet', 'redis-master', 1, '128Mi', '256Mi', 'workload-critical'],
        ['StatefulSet', 'redis-replicas', 0, '128Mi', '256Mi', 'workload-optional'],
      ],
      'dashy': [
        ['Deployment', 'dashy', 1, '128Mi', '256Mi', 'workload-standard'],
      ],
    });
  });

  test('capacity: 10496Mi of memory requests on the 4 workers and the untainted master (29645Mi), 35% against the 85% limit', () => {
    // no pod tolerates the CriticalAddonsOnly taint or is pinned, so every pod may run on exactly these nodes
    expect(running.filter((m) => podSpec(m).tolerations || podSpec(m).nodeSelector || podSpec(m).affinity)).toEqual([]);
    const eligible = cortexProfile.nodes.filter((n) => !n.taints?.length);
    expect(eligible.map((n) => n.name)).toEqual(['k3s-master03', 'k3s-worker01', 'k3s-worker02', 'k3s-worker03', 'k3s-worker04']);
    const allocatable = eligible.reduce((n, x) => n + bytes(x.allocatable.memory), 0);
    expect(allocatable / MI).toBe(29645);
    // the effective pod request: the main containers, or the largest init container if larger
    const perPod = (m: any) => Math.max(
      podSpec(m).containers.reduce((n: number, c: any) => n + bytes(c.resources.requests.memory), 0),
      ...(podSpec(m).initContainers ?? []).map((c: any) => bytes(c.resources.requests.memory)),
    );
    const requested = running.reduce((n, m) => n + perPod(m) * m.spec.replicas, 0);
    expect(requested / MI).toBe(10496);
    expect(Math.round((requested / allocatable) * 1000) / 10).toBe(35.4);
    expect(requested).toBeLessThan(0.85 * allocatable);
    // every pod fits one node with room to spare, and the capacity rule agrees
    expect(Math.max(...running.map(perPod)) / MI).toBe(768);
    expect(s.findings.filter((f) => f.ruleId === 'HK-X-04')).toEqual([]);
    // what the seed's workers carried: 5696-5888Mi of requests each (96-99%)
    expect(requested / 4).toBeLessThan(0.5 * bytes('5929Mi'));
  });

  test('every namespace has a ResourceQuota that admits its workloads and a LimitRange they satisfy', () => {
    for (const ns of CORTEX_NAMESPACES) {
      const quota = get('ResourceQuota', ns, 'compute');
      const limits = get('LimitRange', ns, 'container-defaults');
      const apps = workloads.filter((m) => m.metadata.namespace === ns);
      // the quota admits every app at max(replicas, 1) pods, so scaling a stopped app to 1 is admitted too
      const need = apps.reduce((n, m) => n + bytes(podSpec(m).containers[0].resources.requests.memory) * Math.max(m.spec.replicas ?? 1, 1), 0);
      const needLimits = apps.reduce((n, m) => n + bytes(podSpec(m).containers[0].resources.limits.memory) * Math.max(m.spec.replicas ?? 1, 1), 0);
      expect(bytes(quota.spec.hard['requests.memory'])).toBeGreaterThanOrEqual(need);
      expect(bytes(quota.spec.hard['limits.memory'])).toBeGreaterThanOrEqual(needLimits);
      const ratio = Number(limits.spec.limits[0].maxLimitRequestRatio.memory);
      expect(ratio).toBe(4);
      for (const m of apps) {
        for (const c of allContainers(podSpec(m))) {
          expect([`${ns}/${m.metadata.name}/${c.name}`, bytes(c.resources.limits.memory) / bytes(c.resources.requests.memory) <= ratio]).toEqual([`${ns}/${m.metadata.name}/${c.name}`, true]);
        }
      }
    }
    // cortex-school: the seed recommended a 4Gi quota; the derived one is its 1152Mi of requests + 25%, rounded up to 64Mi
    expect(get('ResourceQuota', 'cortex-school', 'compute').spec.hard).toEqual({ 'requests.cpu': '600m', 'requests.memory': '1472Mi', 'limits.memory': '5760Mi' });
    expect(s.findings.filter((f) => f.ruleId === 'HK-X-21' || f.ruleId === 'HK-RES-06')).toEqual([]);
  });

  test('the crash-loopers of seed 000 are kept, optional, at the replicas the seed left them', () => {
    const crashLoopers: [string, string, number][] = [
      ['cortex-metrics', 'cortex-metrics-exporter', 0],
      ['cortex-metrics', 'cortex-report-generator', 0],
      ['cortex', 'cortex-queue-worker', 0],
      ['cortex', 'model-router', 0],
      ['cortex-system', 'langflow-chat-mcp-server', 0],
      ['cortex-system', 'cloudflare-mcp-server', 1],
      ['cortex-system', 'cortex-resource-manager', 1],
      ['cortex-metrics', 'cortex-metrics-collector', 1],
    ];
    for (const [ns, name, replicas] of crashLoopers) {
      const d = get('Deployment', ns, name);
      expect([name, d.spec.replicas, d.spec.template.spec.priorityClassName, d.spec.template.metadata.annotations['hardened-homelab.io/criticality']])
        .toEqual([name, replicas, 'workload-optional', 'optional']);
    }
    // optional pods are preempted first and never preempt anything themselves
    const optional = manifests.find((m) => m.kind === 'PriorityClass' && m.metadata.name === 'workload-optional');
    expect([optional.value, optional.preemptionPolicy]).toEqual([PRIORITY_CLASSES[Criticality.OPTIONAL].value, 'Never']);
    expect(optional.value).toBeLessThan(PRIORITY_CLASSES[Criticality.STANDARD].value);
  });

  test('PDBs exist exactly for the replicated services, and none can block a drain', () => {
    const pdbs = manifests.filter((m) => m.kind === 'PodDisruptionBudget' && CORTEX_NAMESPACES.includes(m.metadata.namespace));
    expect(pdbs.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort()).toEqual(['cortex-csaf/csaf-registry', 'cortex-knowledge/knowledge-graph-api']);
    expect(running.filter((m) => m.spec.replicas > 1).map((m) => `${m.metadata.namespace}/${m.metadata.name}`).sort()).toEqual(['cortex-csaf/csaf-registry', 'cortex-knowledge/knowledge-graph-api']);
    for (const p of pdbs) expect(p.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: get('Deployment', p.metadata.namespace, p.metadata.name).spec.selector.matchLabels }, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    expect(get('Deployment', 'cortex-knowledge', 'knowledge-graph-api').spec.template.spec.priorityClassName).toBe('workload-critical');
  });

  test('every image is pinned: no :latest, no untagged image, in-cluster builds carry the build tag', () => {
    const images = workloads.flatMap((m) => allContainers(podSpec(m)).map((c: any) => c.image as string));
    expect(images.length).toBe(80);
    for (const image of images) {
      const ref = parseImageReference(image);
      expect([image, ref.tag !== undefined && !['latest', 'cached', 'live', 'main', 'stable'].includes(ref.tag!)]).toEqual([image, true]);
    }
    const inCluster = [...new Set(images.filter((i) => i.startsWith('10.43.170.72:5000/')))];
    expect(inCluster.filter((i) => !i.endsWith(':2026.01.15')).sort()).toEqual(['10.43.170.72:5000/cortex-live:v2.0.0', '10.43.170.72:5000/langflow:1.0.19']);
    expect(inCluster.length).toBe(54);
    // every image comes from the one pinned table
    const pinned = new Set(Object.values(Images).map((r: any) => `${r.repository}:${r.tag}`));
    expect(images.filter((i) => !pinned.has(i))).toEqual([]);
    expect(s.findings.filter((f) => f.ruleId === 'HK-IMG-01')).toEqual([]);
  });

  test('no privileged container, no host namespaces or host paths, no DaemonSet', () => {
    expect(workloads.filter((m) => m.kind === 'DaemonSet')).toEqual([]);
    for (const m of workloads) {
      const spec = podSpec(m);
      expect([m.metadata.name, spec.hostNetwork ?? false, spec.hostPID ?? false, spec.hostIPC ?? false]).toEqual([m.metadata.name, false, false, false]);
      expect(spec.volumes.filter((v: any) => v.hostPath)).toEqual([]);
      for (const c of allContainers(spec)) {
        expect([m.metadata.name, c.securityContext.privileged, c.securityContext.allowPrivilegeEscalation]).toEqual([m.metadata.name, false, false]);
      }
    }
    // the one image that must start as root keeps only the capabilities of its user switch
    const checkmk = get('StatefulSet', 'checkmk', 'checkmk').spec.template.spec;
    expect(checkmk.containers[0].securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETUID', 'SETGID', 'KILL'] });
    expect(checkmk.securityContext.runAsNonRoot).toBe(false);
    expect(manifests.find((m) => m.kind === 'Namespace' && m.metadata.name === 'checkmk').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
    for (const ns of CORTEX_NAMESPACES.filter((n) => n !== 'checkmk')) {
      expect([ns, manifests.find((m) => m.kind === 'Namespace' && m.metadata.name === ns).metadata.labels['pod-security.kubernetes.io/enforce']]).toEqual([ns, 'restricted']);
    }
  });

  test('no plaintext credential in env: every credential-named variable reads a Secret', () => {
    const credential = /(password|passwd|secret|token|api[_-]?key|credential|database_url|data_source_name|mongodb_uri|^FALCOSIDEKICK_UI_USER$)/i;
    let checked = 0;
    for (const m of workloads) {
      for (const c of allContainers(podSpec(m))) {
        for (const e of c.env ?? []) {
          if (!credential.test(e.name)) continue;
          checked++;
          expect([m.metadata.name, e.name, e.value, typeof e.valueFrom?.secretKeyRef?.name]).toEqual([m.metadata.name, e.name, undefined, 'string']);
        }
      }
    }
    expect(checked).toBeGreaterThan(40);
    // the cortex API carried the Sandfly, Proxmox and UniFi passwords as literals
    expect(envOf('Deployment', 'cortex', 'cortex-orchestrator').SANDFLY_PASSWORD).toEqual({ secretKeyRef: { name: 'cortex-api-credentials', key: 'sandfly-password' } });
    expect(envOf('Deployment', 'cortex-system', 'langflow').LANGFLOW_SUPERUSER_PASSWORD).toEqual({ secretKeyRef: { name: 'langflow-credentials', key: 'superuser-password' } });
    // the resource manager's database and Redis URLs embedded the password
    expect(envOf('Deployment', 'cortex-system', 'cortex-resource-manager').REDIS_URL).toEqual({ secretKeyRef: { name: 'cortex-resource-manager', key: 'redis-url' } });
    expect(s.findings.filter((f) => ['HK-SCR-01', 'HK-X-01', 'HK-SCR-02'].includes(f.ruleId))).toEqual([]);
  });

  test('every REDIS_HOST names a synthesized Redis Service, and cortex-school uses redis-queue in cortex', () => {
    const services = new Set(manifests.filter((m) => m.kind === 'Service').map((m) => `${m.metadata.name}.${m.metadata.namespace}.svc.cluster.local`));
    const hosts = workloads.flatMap((m) => allContainers(podSpec(m)).flatMap((c: any) => (c.env ?? []).filter((e: any) => e.name === 'REDIS_HOST').map((e: any) => [m.metadata.namespace, m.metadata.name, e.value])));
    expect(hosts.length).toBe(17);
    for (const [, , host] of hosts) expect(services.has(host)).toBe(true);
    expect(hosts.filter(([ns]) => ns === 'cortex-school').map(([, , h]) => h)).toEqual(Array(5).fill('redis-queue.cortex.svc.cluster.local'));
    expect(envOf('Deployment', 'cortex', 'youtube-channel-intelligence').REDIS_HOST).toBe('redis.cortex-system.svc.cluster.local');
    expect(envOf('Deployment', 'cortex-school', 'school-coordinator').YOUTUBE_INGESTION_URL).toBe('http://youtube-ingestion.cortex.svc.cluster.local:8080');
    // the real csaf-runtime named cortex-mcp-gateway.cortex, which no manifest defines
    expect(envOf('Deployment', 'cortex-csaf', 'csaf-runtime').MCP_GATEWAY_URL).toBe('http://cortex-mcp-server.cortex-system.svc.cluster.local:3000');
    expect(s.findings.filter((f) => f.ruleId === 'HK-X-03' || f.ruleId === 'HK-NET-04')).toEqual([]);
  });

  test('the cross-namespace references open exactly the NetworkPolicy paths they need', () => {
    const redisPolicy = get('NetworkPolicy', 'cortex', 'redis-queue');
    expect(redisPolicy.spec.ingress.map((r: any) => [r.from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name'], r.from[0].podSelector.matchLabels['app.kubernetes.io/name'], r.ports[0].port]).sort()).toEqual([
      ['cortex', 'cortex-queue-worker', 6379], ['cortex', 'cost-tracker', 6379], ['cortex', 'model-router', 6379], ['cortex', 'youtube-ingestion', 6379],
      ['cortex-school', 'health-monitor', 6379], ['cortex-school', 'implementation-workers', 6379], ['cortex-school', 'moe-router', 6379],
      ['cortex-school', 'rag-validator', 6379], ['cortex-school', 'school-coordinator', 6379],
    ]);
    // the unifi MCP server reaches its controller through a /32 egress rule, not hostNetwork
    expect(get('NetworkPolicy', 'cortex-system', 'unifi-mcp-server-lan').spec).toEqual({
      podSelector: { matchLabels: get('Deployment', 'cortex-system', 'unifi-mcp-server').spec.selector.matchLabels },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '10.88.140.16/32' } }], ports: [{ port: 443, protocol: 'TCP' }] }],
    });
    expect(s.findings.filter((f) => f.ruleId === 'HK-NET-01' || f.ruleId === 'HK-NET-02')).toEqual([]);
  });

  test('rag-validator checks its repositories out with a pinned, non-root, read-only git-sync instead of `git clone`', () => {
    const pod = get('Deployment', 'cortex-school', 'rag-validator').spec.template.spec;
    expect(pod.initContainers.map((c: any) => [c.name, c.image, c.args, c.securityContext.runAsNonRoot, c.securityContext.readOnlyRootFilesystem])).toEqual([
      ['git-sync-gitops', 'registry.k8s.io/git-sync/git-sync:v4.4.0', ['--repo=https://github.com/ry-ops/cortex-gitops.git', '--ref=main', '--root=/git', '--link=current', '--depth=1', '--one-time'], true, true],
      ['git-sync-docs', 'registry.k8s.io/git-sync/git-sync:v4.4.0', ['--repo=https://github.com/ry-ops/cortex-docs.git', '--ref=main', '--root=/git', '--link=current', '--depth=1', '--one-time'], true, true],
    ]);
    expect(pod.containers[0].volumeMounts.filter((m: any) => m.name === 'gitops' || m.name === 'docs')).toEqual([
      { name: 'gitops', mountPath: '/gitops', readOnly: true }, { name: 'docs', mountPath: '/docs', readOnly: true },
    ]);
    expect([envOf('Deployment', 'cortex-school', 'rag-validator').GITOPS_REPO_PATH, envOf('Deployment', 'cortex-school', 'rag-validator').DOCS_REPO_PATH]).toEqual(['/gitops/current', '/docs/current']);
    // no container anywhere clones, installs packages or copies config at start
    const startup = workloads.flatMap((m) => allContainers(podSpec(m)).map((c: any) => [...(c.command ?? []), ...(c.args ?? [])].join(' ')));
    expect(startup.filter((cmd) => /git clone|pip install|npm install|apk add|apt-get install/.test(cmd))).toEqual([]);
  });

  test('implementation-workers gets a read-only Role in its namespace; nothing in the stack can read Secrets', () => {
    const role = get('Role', 'cortex-school', 'implementation-workers');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['pods', 'services', 'configmaps'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: ['get', 'list', 'watch'] },
    ]);
    expect(get('RoleBinding', 'cortex-school', 'implementation-workers').subjects).toEqual([{ kind: 'ServiceAccount', name: 'implementation-workers', namespace: 'cortex-school' }]);
    const bindings = manifests.filter((m) => m.kind === 'ClusterRoleBinding');
    expect(bindings.filter((b) => b.subjects.some((x: any) => x.name === 'implementation-workers'))).toEqual([]);
    const roles = manifests.filter((m) => m.kind === 'Role' || m.kind === 'ClusterRole');
    const secretReaders = roles.filter((r) => (r.rules ?? []).some((x: any) => (x.resources ?? []).some((res: string) => res === 'secrets' || res === '*')));
    expect(secretReaders.filter((r) => CORTEX_NAMESPACES.includes(r.metadata.namespace) || r.metadata.name.startsWith('cortex-'))).toEqual([]);
  });

  test('the registry keeps the ClusterIP every image names, on a claim, as a critical service', () => {
    expect(get('Service', 'cortex-chat', 'docker-registry').spec.clusterIP).toBe('10.43.170.72');
    const pod = get('Deployment', 'cortex-chat', 'docker-registry');
    expect(pod.spec.strategy).toEqual({ type: 'Recreate' });
    expect(pod.spec.template.spec.volumes.find((v: any) => v.name === 'storage')).toEqual({ name: 'storage', persistentVolumeClaim: { claimName: 'docker-registry-storage' } });
    expect(get('NetworkPolicy', 'cortex-chat', 'docker-registry-pulls').spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: '10.42.0.0/16' } }], ports: [{ port: 5000, protocol: 'TCP' }] }]);
  });

  test('falcosidekick-ui stores its events in Redis Stack (it needs RediSearch), addressed through the Service object', () => {
    const redis = container('Deployment', 'cortex-security', 'redis');
    expect([redis.image, redis.command, redis.args, redis.env]).toEqual([
      'docker.io/redis/redis-stack-server:7.2.0-v11', undefined, undefined,
      [{ name: 'REDIS_ARGS', value: '--appendonly no --maxmemory 192mb --maxmemory-policy allkeys-lru' }],
    ]);
    const ui = container('Deployment', 'cortex-security', 'falcosidekick-ui');
    expect(ui.args).toEqual(['-r', '$(REDIS_HOST):$(REDIS_PORT)']);
    expect(envOf('Deployment', 'cortex-security', 'falcosidekick-ui').REDIS_HOST).toBe('redis.cortex-security.svc.cluster.local');
  });

  test('cortex-csaf has one definition of each object, and the runtime runs its scheduler once', () => {
    const csaf = manifests.filter((m) => m.metadata?.namespace === 'cortex-csaf' && WORKLOAD_KINDS.includes(m.kind));
    expect(csaf.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      'CronJob/csaf-scheduler', 'Deployment/csaf-correlator', 'Deployment/csaf-redis', 'Deployment/csaf-registry', 'Deployment/csaf-runtime', 'StatefulSet/csaf-postgres',
    ]);
    expect(manifests.filter((m) => m.kind === 'HorizontalPodAutoscaler')).toEqual([]);
    expect(get('Deployment', 'cortex-csaf', 'csaf-runtime').spec.replicas).toBe(1);
    const seen = new Set<string>();
    for (const m of manifests) {
      const key = `${m.apiVersion}/${m.kind}/${m.metadata?.namespace ?? ''}/${m.metadata?.name}`;
      expect([key, seen.has(key)]).toEqual([key, false]);
      seen.add(key);
    }
  });

  test('every synthesized object validates strictly against its schema', () => {
    const validator = createValidator();
    expect(manifests.flatMap((m) => validator.validate(m))).toEqual([]);
  });

  test('synthesizeTargets writes the cortex tree without errors, with one automated Argo CD Application per app folder', () => {
    const result = synthesizeTargets([TARGETS.find((t) => t.folder === 'cortex')!]);
    expect(result.errors).toEqual([]);
    const appFolders = [...result.files.keys()]
      .map((f) => /^cortex\/([^/]+)\/([^/]+)\/kustomization\.yaml$/.exec(f))
      .filter((m): m is RegExpExecArray => m !== null && m[1] !== 'gitops' && m[2] !== 'namespace' && CORTEX_NAMESPACES.includes(m[1]))
      .map((m) => `${m[1]}/${m[2]}`);
    expect(appFolders.length).toBe(78);
    const applications = new Map<string, any>();
    for (const [file, content] of result.files) {
      if (!file.startsWith('cortex/gitops/')) continue;
      const doc = YAML.parse(content);
      if (doc?.kind === 'Application') applications.set(doc.metadata.name, doc);
    }
    for (const folder of appFolders) {
      const app = applications.get(folder.replace('/', '-').slice(0, 63).replace(/-+$/, ''));
      expect([folder, app?.spec.source.path, app?.spec.destination.namespace]).toEqual([folder, `dist/cortex/${folder}`, folder.split('/')[0]]);
      expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
      expect(app.spec.syncPolicy.retry).toEqual({ limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } });
    }
    // the namespaces' own folders come first (wave -1), the apps after (wave 0)
    expect(applications.get('cortex-system-namespace').metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-1');
    expect(applications.get('cortex-system-langflow').metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('0');
  });
});
