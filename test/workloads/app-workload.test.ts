import { ApiObject, Testing } from 'cdk8s';
import { AccessMode, AppSize, AppVolume, AppWorkload, Cluster, Criticality, EnvValue, ExternalService, Probe, WorkloadKind } from '../../lib';
import { TEST_PROFILE, errorOf, one, synth, testNamespace } from '../helpers';

/** A readiness check for apps that serve no port (a long-running app must have one). */
const READY = Probe.exec(['/bin/healthy']);

const IMAGE = 'ghcr.io/example/app:1.2.3';

describe('AppWorkload defaults', () => {
  const ns = testNamespace();
  const app = new AppWorkload(ns, 'web', { image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }] });
  const objs = synth(ns);
  const dep = one(objs, 'Deployment', 'web');
  const pod = dep.spec.template.spec;
  const c = pod.containers[0];

  test('synthesizes a Deployment, ServiceAccount, Service and NetworkPolicy, and no PDB for one replica', () => {
    expect(objs.filter((o) => o.metadata.name === 'web').map((o) => o.kind).sort())
      .toEqual(['Deployment', 'NetworkPolicy', 'Service', 'ServiceAccount']);
    expect(dep.metadata.namespace).toBe('apps');
    expect(dep.spec.replicas).toBe(1);
  });

  test('requests and memory limit come from the size preset, with no CPU limit', () => {
    expect(c.resources).toEqual({ requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } });
    expect(app.resources.memory.bytes).toBe(128 * 2 ** 20);
  });

  test('runs restricted: non-root, read-only root, no escalation, drop ALL, seccomp RuntimeDefault', () => {
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, privileged: false, capabilities: { drop: ['ALL'] },
    });
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('turns off service links and the ServiceAccount token, and sets the standard priority class', () => {
    expect(pod.enableServiceLinks).toBe(false);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(one(objs, 'ServiceAccount', 'web').automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe('web');
    expect(pod.priorityClassName).toBe('workload-standard');
  });

  test('mounts an emptyDir at /tmp', () => {
    expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }]);
  });

  test('probes: TCP startup and readiness on the primary port, no liveness without a health check', () => {
    expect(c.startupProbe).toEqual({ tcpSocket: { port: 'http' }, periodSeconds: 5, failureThreshold: 60, timeoutSeconds: 3 });
    expect(c.readinessProbe).toEqual({ tcpSocket: { port: 'http' }, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 3 });
    expect(c.livenessProbe).toBeUndefined();
  });

  test('the Service selects the pods by name and targets the named port', () => {
    const svc = one(objs, 'Service', 'web');
    expect(svc.spec).toEqual({ type: 'ClusterIP', selector: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' }, ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }] });
  });

  test('rolls out one new pod before removing an old one', () => {
    expect(dep.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
  });

  test('labels carry the recommended keys and the image tag as version', () => {
    expect(dep.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web', 'app.kubernetes.io/version': '1.2.3', 'app.kubernetes.io/managed-by': 'hardened-homelab',
    });
  });

  test('the NetworkPolicy covers both directions and allows nothing by itself', () => {
    expect(one(objs, 'NetworkPolicy', 'web').spec).toEqual({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' } }, policyTypes: ['Ingress', 'Egress'], ingress: [], egress: [] });
  });

  test('the controller is the default child', () => {
    expect(ApiObject.of(app).kind).toBe('Deployment');
  });
});

describe('AppWorkload props', () => {
  test('a health check drives startup and readiness, and liveness becomes a TCP check', () => {
    const ns = testNamespace();
    new AppWorkload(ns, 'web', { image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }], healthCheck: Probe.httpGet('/ping') });
    const c = one(synth(ns), 'Deployment').spec.template.spec.containers[0];
    expect(c.startupProbe).toEqual({ httpGet: { path: '/ping', port: 'http', scheme: 'HTTP' }, periodSeconds: 5, failureThreshold: 60, timeoutSeconds: 3 });
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/ping', port: 'http', scheme: 'HTTP' }, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 3 });
    expect(c.livenessProbe).toEqual({ tcpSocket: { port: 'http' }, periodSeconds: 20, failureThreshold: 3, timeoutSeconds: 3 });
  });

  test('explicit resources with a CPU limit', () => {
    const ns = testNamespace();
    new AppWorkload(ns, 'web', { image: IMAGE, healthCheck: READY, resources: { cpu: '50m', memory: '128Mi', memoryLimit: '512Mi', cpuLimit: '500m' } });
    expect(one(synth(ns), 'Deployment').spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } });
  });

  test('replicas > 1 add a PodDisruptionBudget and a hostname spread', () => {
    const ns = testNamespace();
    new AppWorkload(ns, 'web', { image: IMAGE, size: AppSize.SMALL, replicas: 3, ports: [{ name: 'http', port: 8080 }] });
    const objs = synth(ns);
    expect(one(objs, 'PodDisruptionBudget', 'web').spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' } }, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    expect(one(objs, 'Deployment').spec.template.spec.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' } } },
    ]);
  });

  test('a single replica on a ReadWriteOnce claim uses Recreate and gets its claim', () => {
    const ns = testNamespace();
    new AppWorkload(ns, 'db', { image: IMAGE, healthCheck: READY, size: AppSize.SMALL, volumes: { data: { mountPath: '/data', source: AppVolume.newClaim({ size: '10Gi', storageClassName: 'longhorn' }) } } });
    const objs = synth(ns);
    expect(one(objs, 'Deployment').spec.strategy).toEqual({ type: 'Recreate' });
    expect(one(objs, 'PersistentVolumeClaim', 'db-data').spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'longhorn', resources: { requests: { storage: '10Gi' } } });
    expect(one(objs, 'Deployment').spec.template.spec.volumes[0]).toEqual({ name: 'data', persistentVolumeClaim: { claimName: 'db-data' } });
  });

  test('a ReadWriteMany claim keeps the rolling update', () => {
    const ns = testNamespace();
    new AppWorkload(ns, 'web', { image: IMAGE, healthCheck: READY, size: AppSize.SMALL, volumes: { media: { mountPath: '/data', source: AppVolume.existingClaim('media', { accessMode: AccessMode.READ_WRITE_MANY }), readOnly: true } } });
    const dep = one(synth(ns), 'Deployment');
    expect(dep.spec.strategy.type).toBe('RollingUpdate');
    expect(dep.spec.template.spec.volumes[0]).toEqual({ name: 'media', persistentVolumeClaim: { claimName: 'media', readOnly: true } });
  });

  test('a StatefulSet gets a headless Service and volumeClaimTemplates', () => {
    const ns = testNamespace();
    new AppWorkload(ns, 'qdrant', {
      kind: WorkloadKind.STATEFUL_SET, image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port: 6333 }],
      volumes: { storage: { mountPath: '/qdrant/storage', source: AppVolume.newClaim({ size: '20Gi', storageClassName: 'longhorn' }) } },
    });
    const objs = synth(ns);
    const sts = one(objs, 'StatefulSet', 'qdrant');
    expect(sts.spec.serviceName).toBe('qdrant-headless');
    expect(sts.spec.volumeClaimTemplates.map((t: any) => [t.metadata.name, t.spec.resources.requests.storage])).toEqual([['storage', '20Gi']]);
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(one(objs, 'Service', 'qdrant-headless').spec.clusterIP).toBe('None');
    expect(objs.filter((o) => o.kind === 'PersistentVolumeClaim')).toEqual([]);
  });

  test('criticality sets the priority class', () => {
    const ns = testNamespace();
    new AppWorkload(ns, 'a', { image: IMAGE, healthCheck: READY, size: AppSize.SMALL, criticality: Criticality.CRITICAL });
    new AppWorkload(ns, 'b', { image: IMAGE, healthCheck: READY, size: AppSize.SMALL, criticality: Criticality.OPTIONAL });
    const objs = synth(ns);
    expect(one(objs, 'Deployment', 'a').spec.template.spec.priorityClassName).toBe('workload-critical');
    expect(one(objs, 'Deployment', 'b').spec.template.spec.priorityClassName).toBe('workload-optional');
  });

  test('apiAccess mounts the token', () => {
    const ns = testNamespace();
    new AppWorkload(ns, 'op', { image: IMAGE, healthCheck: READY, size: AppSize.SMALL, apiAccess: true });
    const objs = synth(ns);
    expect(one(objs, 'Deployment').spec.template.spec.automountServiceAccountToken).toBe(true);
    expect(one(objs, 'ServiceAccount').automountServiceAccountToken).toBe(true);
  });

  test('config files are mounted read-only from a ConfigMap', () => {
    const ns = testNamespace();
    new AppWorkload(ns, 'web', { image: IMAGE, healthCheck: READY, size: AppSize.SMALL, config: { main: { mountPath: '/etc/web', files: { 'web.yaml': 'a: 1\n' } } } });
    const objs = synth(ns);
    expect(one(objs, 'ConfigMap', 'web-main').data).toEqual({ 'web.yaml': 'a: 1\n' });
    const pod = one(objs, 'Deployment').spec.template.spec;
    expect(pod.containers[0].volumeMounts[0]).toEqual({ name: 'config-main', mountPath: '/etc/web', readOnly: true });
    expect(pod.initContainers).toBeUndefined();
  });

  test('writable config is copied by an init container into an emptyDir owned by the app user', () => {
    const ns = testNamespace();
    new AppWorkload(ns, 'vault', { image: IMAGE, healthCheck: READY, size: AppSize.SMALL, config: { main: { mountPath: '/vault/config', files: { 'v.hcl': 'x = 1' }, writable: true } } });
    const pod = one(synth(ns), 'Deployment').spec.template.spec;
    expect(pod.initContainers).toHaveLength(1);
    expect(pod.initContainers[0].command).toEqual(['cp', '-rL', '/config-source/.', '/config-target/']);
    expect(pod.initContainers[0].image).toBe('docker.io/library/busybox:1.36.1');
    expect(pod.initContainers[0].securityContext.runAsUser).toBe(10001);
    expect(pod.initContainers[0].volumeMounts).toEqual([{ name: 'config-main', mountPath: '/config-source', readOnly: true }, { name: 'config-main-rw', mountPath: '/config-target' }]);
    expect(pod.containers[0].volumeMounts[0]).toEqual({ name: 'config-main-rw', mountPath: '/vault/config' });
  });

  test('typed service references render host, port and URL, and open the NetworkPolicies both ways', () => {
    const ns = testNamespace();
    const redis = new AppWorkload(ns, 'redis-queue', { image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'redis', port: 6379 }] });
    new AppWorkload(ns, 'worker', {
      image: IMAGE, healthCheck: READY, size: AppSize.SMALL,
      env: { REDIS_HOST: EnvValue.serviceHost(redis), REDIS_PORT: EnvValue.servicePort(redis, 'redis'), REDIS_URL: EnvValue.serviceUrl(redis, { scheme: 'redis', path: '/0' }), PROM: EnvValue.serviceUrl(ExternalService.fromProfile(ns, 'monitoring', 'prometheus')) },
    });
    const objs = synth(ns);
    expect(one(objs, 'Deployment', 'worker').spec.template.spec.containers[0].env).toEqual([
      { name: 'REDIS_HOST', value: 'redis-queue.apps.svc.cluster.local' },
      { name: 'REDIS_PORT', value: '6379' },
      { name: 'REDIS_URL', value: 'redis://redis-queue.apps.svc.cluster.local:6379/0' },
      { name: 'PROM', value: 'http://prometheus.monitoring.svc.cluster.local:9090' },
    ]);
    const workerSel = { 'app.kubernetes.io/name': 'worker', 'app.kubernetes.io/instance': 'worker' };
    const redisSel = { 'app.kubernetes.io/name': 'redis-queue', 'app.kubernetes.io/instance': 'redis-queue' };
    expect(one(objs, 'NetworkPolicy', 'worker').spec.egress).toEqual([
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'apps' } }, podSelector: { matchLabels: redisSel } }], ports: [{ port: 6379, protocol: 'TCP' }] },
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 9090, protocol: 'TCP' }] },
    ]);
    expect(one(objs, 'NetworkPolicy', 'redis-queue').spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'apps' } }, podSelector: { matchLabels: workerSel } }], ports: [{ port: 6379, protocol: 'TCP' }] },
    ]);
  });

  test('secrets are referenced, never inlined', () => {
    const ns = testNamespace();
    new AppWorkload(ns, 'web', { image: IMAGE, healthCheck: READY, size: AppSize.SMALL, env: { TOKEN: EnvValue.fromSecret('gh', 'token', true) } });
    expect(one(synth(ns), 'Deployment').spec.template.spec.containers[0].env).toEqual([{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'gh', key: 'token', optional: true } } }]);
  });

  test('nodes pin the pods with required node affinity; internetEgress opens public egress only', () => {
    const ns = testNamespace();
    new AppWorkload(ns, 'web', { image: IMAGE, healthCheck: READY, size: AppSize.SMALL, nodes: ['worker1'], internetEgress: true });
    const objs = synth(ns);
    expect(one(objs, 'Deployment').spec.template.spec.affinity).toEqual({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['worker1'] }] }] } } });
    expect(one(objs, 'NetworkPolicy', 'web').spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'] } }] }]);
  });

  test('exemptions are written to the controller annotation', () => {
    const ns = testNamespace();
    new AppWorkload(ns, 'web', { image: IMAGE, healthCheck: READY, size: AppSize.SMALL, exemptions: { 'HK-SEC-20': 'talks to the API for leader election' } });
    expect(one(synth(ns), 'Deployment').metadata.annotations).toEqual({ 'hardened-homelab.io/exemptions': '{"HK-SEC-20":"talks to the API for leader election"}' });
  });
});

describe('AppWorkload errors', () => {
  const make = (props: any, id = 'web') => () => new AppWorkload(testNamespace(), id, { image: IMAGE, healthCheck: READY, size: AppSize.SMALL, ...props });

  test('throws on a long-running app with no port and no readiness check (HK-PRB-01 at construction)', () => {
    expect(errorOf(() => new AppWorkload(testNamespace(), 'worker', { image: IMAGE, size: AppSize.SMALL }))).toBe(
      '[test/apps/worker] healthCheck = undefined: a long-running app needs a readiness check, and this one has no port to probe (HK-PRB-01 would refuse it). Fix: give it healthCheck: Probe.exec([...]) (a command that succeeds when the app works), or declare the port it serves');
  });

  test('throws without size or resources (no cdk8s-plus 1 CPU / 512Mi defaults)', () => {
    expect(errorOf(() => new AppWorkload(testNamespace(), 'web', { image: IMAGE }))).toBe(
      '[test/apps/web] size/resources = undefined: exactly one of size and resources is required: requests and the memory limit are always explicit (cdk8s-plus would default to 1 CPU / 512Mi, which starved the cortex cluster). Fix: pass size: AppSize.SMALL (or another preset), or resources: { cpu, memory, memoryLimit }');
  });

  test('throws when both size and resources are given', () => {
    expect(errorOf(make({ resources: { cpu: '1', memory: '1Gi', memoryLimit: '1Gi' } }))).toMatch(/^\[test\/apps\/web\] size\/resources = "both given": exactly one of size and resources is required/);
  });

  test('throws on a memory unit that is not Kubernetes\'', () => {
    expect(errorOf(make({ size: undefined, resources: { cpu: '100m', memory: '512Mb', memoryLimit: '1Gi' } }))).toBe(
      '[test/apps/web] resources.memory = "512Mb": "Mb" is not a Kubernetes memory unit. Fix: did you mean "512Mi"?');
  });

  test('throws on a memory limit below the request', () => {
    expect(errorOf(make({ size: undefined, resources: { cpu: '100m', memory: '1Gi', memoryLimit: '512Mi' } }))).toBe(
      '[test/apps/web] resources.memoryLimit = "512Mi": the memory limit is below the request 1Gi. Fix: set memoryLimit to at least "1Gi"');
  });

  test('throws on a CPU limit below the request', () => {
    expect(errorOf(make({ size: undefined, resources: { cpu: '1', memory: '1Gi', memoryLimit: '1Gi', cpuLimit: '500m' } }))).toBe(
      '[test/apps/web] resources.cpuLimit = "500m": the CPU limit is below the request 1. Fix: set cpuLimit to at least "1", or leave it out');
  });

  test('throws on zero requests', () => {
    expect(errorOf(make({ size: undefined, resources: { cpu: '0', memory: '1Gi', memoryLimit: '1Gi' } }))).toBe(
      '[test/apps/web] resources.cpu = "0": a CPU request of zero lets the scheduler pack the node until everything starves. Fix: request what the app uses at rest, e.g. "25m"');
    expect(errorOf(make({ size: undefined, resources: { cpu: '10m', memory: '0', memoryLimit: '1Gi' } }))).toBe(
      '[test/apps/web] resources.memory = "0": a memory request of zero lets the scheduler over-commit the node. Fix: request what the app uses at rest, e.g. "64Mi"');
  });

  test('throws on an invalid app name', () => {
    expect(errorOf(make({}, 'Web_App'))).toBe('[test/apps/Web_App] id = "Web_App": not a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit). Fix: did you mean "web-app"?');
  });

  test('throws on negative or fractional replicas', () => {
    expect(errorOf(make({ replicas: -1 }))).toBe('[test/apps/web] replicas = -1: must be a whole number of at least 0. Fix: use 1 for a single pod, or 0 to keep the app defined but stopped');
  });

  test('throws on bad port names, numbers and duplicates', () => {
    expect(errorOf(make({ ports: [{ name: 'HTTP_PORT', port: 80 }] }))).toMatch(/^\[test\/apps\/web\] ports\[0\]\.name = "HTTP_PORT": not an IANA service name/);
    expect(errorOf(make({ ports: [{ name: 'http', port: 70000 }] }))).toBe('[test/apps/web] ports[0].port = 70000: a port must be a whole number from 1 to 65535. Fix: use the port the app listens on');
    expect(errorOf(make({ ports: [{ name: 'http', port: 80 }, { name: 'http', port: 81 }] }))).toBe('[test/apps/web] ports[1] = {"name":"http","port":81}: duplicate port name or number. Fix: give every port its own name and number');
  });

  test('throws when liveness checks exactly what readiness checks', () => {
    expect(errorOf(make({ ports: [{ name: 'http', port: 80 }], probes: { readiness: Probe.httpGet('/health'), liveness: Probe.httpGet('/health') } }))).toBe(
      '[test/apps/web] probes.liveness = "httpGet /health:http": liveness checks exactly what readiness checks, so a slow dependency restarts the pod instead of taking it out of service. Fix: make liveness a cheaper check of the process itself (e.g. Probe.tcpSocket()) or leave it out');
  });

  test('throws on a probe port that is not declared, and on a port probe without ports', () => {
    expect(errorOf(make({ ports: [{ name: 'http', port: 80 }], probes: { readiness: Probe.tcpSocket({ port: 'metrics' }) } }))).toBe(
      '[test/apps/web] probes.readiness.port = "metrics": no port of that name (ports: http). Fix: use a declared port name or number');
    expect(errorOf(make({ healthCheck: Probe.httpGet('/x') }))).toBe(
      '[test/apps/web] probes.startup = "httpGet /x:undefined": the probe needs a port and the app has none. Fix: give the probe a port, declare the app\'s ports, or use Probe.exec');
  });

  test('throws on an unknown node, listing the profile\'s nodes', () => {
    expect(errorOf(make({ nodes: ['k3s9'] }))).toBe(
      '[test/apps/web] nodes[0] = "k3s9": no node of that name in the test profile (nodes: server, worker1, worker2). Fix: use one of "server", "worker1", "worker2", or add the node to the profile');
    expect(errorOf(make({ nodes: [] }))).toBe('[test/apps/web] nodes = []: an empty node list would make the pods unschedulable. Fix: list at least one node, or leave nodes out');
  });

  test('throws on a node selector no node satisfies', () => {
    expect(errorOf(make({ nodeSelector: { gpu: 'nvidia' } }))).toBe(
      '[test/apps/web] nodeSelector = {"gpu":"nvidia"}: no node of the test profile carries these labels, so the pods would stay Pending. Fix: fix the labels, or add them to the node in the profile');
  });

  test('refuses to run as root', () => {
    expect(errorOf(make({ security: { runAsUser: 0 } }))).toBe(
      '[test/apps/web] security = {"runAsUser":0}: running as root (uid or gid 0) is refused: the seed\'s `runAsUser: 0` "fix" hid a writable-path problem. Fix: keep the default non-root user and give the app writablePaths or a writable config copy');
  });

  test('throws on bad env names, mount paths and duplicate mounts', () => {
    expect(errorOf(make({ env: { 'my-var': 'x' } }))).toBe('[test/apps/web] env.my-var = "my-var": not a portable environment variable name. Fix: use letters, digits and "_", not starting with a digit');
    expect(errorOf(make({ writablePaths: ['cache'] }))).toBe('[test/apps/web] writablePaths[0] = "cache": a mount path must be absolute. Fix: use "/cache"');
    expect(errorOf(make({ writablePaths: ['/tmp'] }))).toBe('[test/apps/web] writablePaths[0] = "/tmp": two volumes are mounted at the same path. Fix: give each volume its own mountPath');
  });

  test('throws on a claim of zero size or a bad size unit', () => {
    expect(errorOf(make({ volumes: { data: { mountPath: '/data', source: AppVolume.newClaim({ size: '0', storageClassName: 'longhorn' }) } } }))).toBe(
      '[test/apps/web] volumes.data.source.size = "0": a claim must request more than zero bytes. Fix: request the size the data needs, e.g. "10Gi"');
    expect(errorOf(make({ volumes: { data: { mountPath: '/data', source: AppVolume.newClaim({ size: '10GB', storageClassName: 'longhorn' }) } } }))).toBe(
      '[test/apps/web] volumes.data.source.size = "10GB": "GB" is not a Kubernetes memory unit. Fix: did you mean "10Gi"?');
  });

  test('throws on a reference to a port the Service does not have', () => {
    const ns = testNamespace();
    const redis = new AppWorkload(ns, 'redis', { image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'redis', port: 6379 }] });
    expect(errorOf(() => new AppWorkload(ns, 'web', { image: IMAGE, size: AppSize.SMALL, env: { P: EnvValue.servicePort(redis, 'tls') } }))).toBe(
      '[test/apps/web] env.P.port = "tls": Service redis.apps has no port of that name (ports: redis). Fix: use one of "redis"');
  });

  test('throws on a reference to an app without a Service', () => {
    const ns = testNamespace();
    const worker = new AppWorkload(ns, 'worker', { image: IMAGE, healthCheck: READY, size: AppSize.SMALL });
    expect(errorOf(() => worker.serviceName)).toBe('[test/apps/worker] service = false: this app has no Service, so nothing can reference it. Fix: give the app ports (and leave service enabled)');
  });

  test('throws on an external service the profile does not declare', () => {
    const ns = testNamespace();
    expect(errorOf(() => ExternalService.fromProfile(ns, 'cortex', 'redis'))).toBe(
      '[test/apps] externalService = "redis.cortex": not declared in the test profile\'s externalServices (declared: prometheus.monitoring). Fix: add { name: \'redis\', namespace: \'cortex\', ports: [...], reason: \'...\' } to profile.externalServices, or reference the synthesized app object');
  });

  test('throws outside a namespace', () => {
    const { testCluster } = require('../helpers');
    const cluster = testCluster();
    expect(errorOf(() => new AppWorkload(cluster.clusterChart, 'web', { image: IMAGE, size: AppSize.SMALL }))).toBe(
      '[test/cluster/web] scope = "test/cluster": an app must live in a namespace. Fix: create it inside a Namespace: `new AppWorkload(new Namespace(cluster, \'media\'), \'sonarr\', {...})`');
  });
});

describe('EnvValue variants', () => {
  test('ConfigMap keys and pod fields are references', () => {
    const ns = testNamespace();
    new AppWorkload(ns, 'web', { image: IMAGE, healthCheck: READY, size: AppSize.SMALL, env: { MODE: EnvValue.fromConfigMap('settings', 'mode'), POD_IP: EnvValue.fromField('status.podIP'), LIT: EnvValue.of('x') } });
    expect(one(synth(ns), 'Deployment').spec.template.spec.containers[0].env).toEqual([
      { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } },
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'LIT', value: 'x' },
    ]);
    expect(EnvValue.fromSecret('s', 'k').secretName).toBe('s');
    expect(EnvValue.of('x').serviceReference).toBeUndefined();
  });
});

describe('AppWorkload CronJob', () => {
  test('runs to completion on its schedule, one at a time, with no Service, probes or PDB', () => {
    const ns = testNamespace();
    new AppWorkload(ns, 'sync', { kind: WorkloadKind.CRON_JOB, schedule: '0 3 * * *', image: IMAGE, size: AppSize.SMALL, args: ['sync'] });
    const objs = synth(ns);
    expect(objs.filter((o) => o.metadata.name === 'sync').map((o) => o.kind).sort()).toEqual(['CronJob', 'NetworkPolicy', 'ServiceAccount']);
    const cj = one(objs, 'CronJob', 'sync');
    expect([cj.spec.schedule, cj.spec.concurrencyPolicy, cj.spec.startingDeadlineSeconds, cj.spec.successfulJobsHistoryLimit, cj.spec.failedJobsHistoryLimit, cj.spec.jobTemplate.spec.backoffLimit])
      .toEqual(['0 3 * * *', 'Forbid', 300, 3, 3, 2]);
    const pod = cj.spec.jobTemplate.spec.template.spec;
    expect(pod.restartPolicy).toBe('OnFailure');
    expect(pod.containers[0].readinessProbe).toBeUndefined();
    expect(pod.containers[0].args).toEqual(['sync']);
    expect(pod.enableServiceLinks).toBe(false);
  });

  test('accepts the @daily-style macros', () => {
    const ns = testNamespace();
    new AppWorkload(ns, 'sync', { kind: WorkloadKind.CRON_JOB, schedule: '@daily', image: IMAGE, size: AppSize.SMALL });
    expect(one(synth(ns), 'CronJob').spec.schedule).toBe('@daily');
  });

  test('throws without a valid schedule, with ports or probes, and on a schedule for a Deployment', () => {
    const make = (props: any) => () => new AppWorkload(testNamespace(), 'sync', { image: IMAGE, size: AppSize.SMALL, kind: WorkloadKind.CRON_JOB, ...props });
    expect(errorOf(make({ schedule: '0 3 * *' }))).toBe('[test/apps/sync] schedule = "0 3 * *": a cron expression has exactly 5 fields (minute hour day-of-month month day-of-week), this one has 4. Fix: write e.g. "15 2 * * *" for 02:15 every day');
    expect(errorOf(make({ schedule: '61 3 * * *' }))).toMatch(/^\[test\/apps\/sync\] schedule = "61 3 \* \* \*": /);
    expect(errorOf(make({ schedule: 'CRON_TZ=Europe/Berlin 0 3 * * *' }))).toBe('[test/apps/sync] schedule = "CRON_TZ=Europe/Berlin 0 3 * * *": Kubernetes refuses CRON_TZ=/TZ= and @every in a CronJob schedule. Fix: write five cron fields; the CronJob runs in the controller manager\'s time zone (UTC on K3s)');
    expect(errorOf(make({ schedule: undefined }))).toBe('[test/apps/sync] schedule = undefined: a CronJob needs a cron schedule of 5 fields (minute hour day-of-month month day-of-week) or @hourly/@daily/@weekly/@monthly/@yearly. Fix: e.g. schedule: "0 3 * * *" for 03:00 every day');
    expect(errorOf(make({}))).toMatch(/^\[test\/apps\/sync\] schedule = undefined: a CronJob needs a cron schedule/);
    expect(errorOf(make({ schedule: '@daily', ports: [{ name: 'http', port: 80 }] }))).toBe('[test/apps/sync] ports = [{"name":"http","port":80}]: a CronJob\'s pod runs to completion: it has no replicas, ports, Service or probes. Fix: remove replicas, ports, healthCheck and probes, or use WorkloadKind.DEPLOYMENT for a long-running app');
    expect(errorOf(make({ schedule: '@daily', replicas: 2 }))).toMatch(/^\[test\/apps\/sync\] replicas = 2: a CronJob's pod runs to completion/);
    expect(errorOf(make({ schedule: '@daily', probes: { readiness: Probe.exec(['true']) } }))).toMatch(/^\[test\/apps\/sync\] probes = .*: a CronJob's pod runs to completion/);
    expect(errorOf(make({ kind: WorkloadKind.DEPLOYMENT, schedule: '@daily' }))).toBe('[test/apps/sync] schedule = "@daily": only CronJobs have a schedule (kind is Deployment). Fix: set kind: WorkloadKind.CRON_JOB, or remove schedule');
  });
});

describe('AppWorkload bad input found by the corpus', () => {
  test('a volume without a source and an external service without ports are ValidationErrors, not TypeErrors', () => {
    expect(errorOf(() => new AppWorkload(testNamespace(), 'web', { image: IMAGE, healthCheck: READY, size: AppSize.SMALL, volumes: { data: { mountPath: '/data' } as any } }))).toBe(
      '[test/apps/web] volumes.data.source = undefined: a volume needs a source. Fix: use AppVolume.newClaim(...), AppVolume.existingClaim(...), AppVolume.emptyDir(...) or AppVolume.gitCheckout(...)');
    expect(errorOf(() => new Cluster(Testing.app(), 'lab', { profile: { ...TEST_PROFILE, externalServices: [{ name: 'x', namespace: 'y', reason: 'installed elsewhere' } as any] } }))).toBe(
      '[lab] profile.externalServices[0].ports = undefined: list the Service\'s ports, each a whole number from 1 to 65535. Fix: e.g. ports: [9090]');
  });

  test('an external service port is referenced by its number (it has no name)', () => {
    const ns = testNamespace();
    new AppWorkload(ns, 'web', { image: IMAGE, healthCheck: READY, size: AppSize.SMALL, env: { PROM_PORT: EnvValue.servicePort(ExternalService.fromProfile(ns, 'monitoring', 'prometheus'), '9090') } });
    expect(one(synth(ns), 'Deployment').spec.template.spec.containers[0].env).toContainEqual({ name: 'PROM_PORT', value: '9090' });
  });
});

describe('AppWorkload refuses what the API server would refuse (issue 8)', () => {
  const make = (props: any, id = 'web') => () => new AppWorkload(testNamespace(), id, { image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }], ...props });
  const ONE_TO_65535 = 'a port must be a whole number from 1 to 65535';
  const LABEL_VALUE = 'not a label value (at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit)';
  const ID = 'a user or group id is a whole number from 0 to 4294967294. Fix: use the id the image runs as, e.g. 10001 (the default)';

  test('probe timings: zero or negative values, and a success threshold above 1 for liveness and startup', () => {
    expect(errorOf(make({ healthCheck: Probe.httpGet('/healthz', { periodSeconds: 0 }) }))).toBe(
      '[test/apps/web] healthCheck.periodSeconds = 0: must be a whole number of at least 1 (the API server refuses a negative one and replaces 0 with its own default). Fix: use e.g. 10, or leave it out for the role\'s default');
    expect(errorOf(make({ probes: { readiness: Probe.httpGet('/ready', { timeoutSeconds: -1 }) } }))).toBe(
      '[test/apps/web] probes.readiness.timeoutSeconds = -1: must be a whole number of at least 1 (the API server refuses a negative one and replaces 0 with its own default). Fix: use e.g. 3, or leave it out');
    expect(errorOf(make({ probes: { startup: Probe.tcpSocket({ failureThreshold: 2.5 }) } }))).toBe(
      '[test/apps/web] probes.startup.failureThreshold = 2.5: must be a whole number of at least 1 (the API server refuses a negative one and replaces 0 with its own default). Fix: use e.g. 3, or leave it out for the role\'s default');
    expect(errorOf(make({ healthCheck: Probe.httpGet('/healthz'), probes: { liveness: Probe.tcpSocket({ initialDelaySeconds: -1 }) } }))).toBe(
      '[test/apps/web] probes.liveness.initialDelaySeconds = -1: must be a whole number of seconds, 0 or more. Fix: use 0 and a startup probe for slow starts');
    expect(errorOf(make({ healthCheck: Probe.httpGet('/healthz'), probes: { liveness: Probe.tcpSocket({ successThreshold: 2 }) } }))).toBe(
      '[test/apps/web] probes.liveness.successThreshold = 2: a liveness probe passes on its first success: Kubernetes accepts successThreshold 1 only. Fix: remove successThreshold (1 is the default)');
    expect(errorOf(make({ healthCheck: Probe.httpGet('/healthz', { successThreshold: 3 }) }))).toBe(
      '[test/apps/web] healthCheck.successThreshold = 3: a startup probe passes on its first success: Kubernetes accepts successThreshold 1 only (the health check is also the startup probe). Fix: remove successThreshold, or set it on probes.readiness only');
  });

  test('a readiness success threshold above 1 is kept; liveness and startup leave it to the default', () => {
    const ns = testNamespace();
    new AppWorkload(ns, 'web', { image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }], healthCheck: Probe.httpGet('/healthz'), probes: { readiness: Probe.httpGet('/ready', { successThreshold: 2 }) } });
    const c = one(synth(ns), 'Deployment').spec.template.spec.containers[0];
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/ready', port: 'http', scheme: 'HTTP' }, periodSeconds: 10, failureThreshold: 3, successThreshold: 2, timeoutSeconds: 3 });
    expect([c.startupProbe.successThreshold, c.livenessProbe.successThreshold]).toEqual([undefined, undefined]);
  });

  test('probe actions: a relative HTTP path, an empty command, port 0', () => {
    expect(errorOf(make({ healthCheck: Probe.httpGet('healthz') }))).toBe('[test/apps/web] healthCheck.path = "healthz": an HTTP probe path is absolute. Fix: use "/healthz"');
    expect(errorOf(make({ probes: { readiness: Probe.exec([]) } }))).toBe(
      '[test/apps/web] probes.readiness.command = []: an exec probe needs a command of non-empty strings. Fix: e.g. Probe.exec(["pg_isready", "-U", "postgres"])');
    expect(errorOf(make({ probes: { readiness: Probe.tcpSocket({ port: 0 }) } }))).toBe(
      `[test/apps/web] probes.readiness.port = 0: ${ONE_TO_65535}. Fix: use a port the app declares, by name (e.g. "http") or number`);
  });

  test('negative or fractional user and group ids', () => {
    expect(errorOf(make({ security: { runAsUser: -1 } }))).toBe(`[test/apps/web] security.runAsUser = -1: ${ID}`);
    expect(errorOf(make({ security: { runAsGroup: 1000.5 } }))).toBe(`[test/apps/web] security.runAsGroup = 1000.5: ${ID}`);
    expect(errorOf(make({ security: { fsGroup: -1000 } }))).toBe(`[test/apps/web] security.fsGroup = -1000: ${ID}`);
    expect(errorOf(make({ security: { supplementalGroups: [44, -1] } }))).toBe(`[test/apps/web] security.supplementalGroups[1] = -1: ${ID}`);
  });

  test('label keys and values: node selector, component, part-of, claim labels', () => {
    expect(errorOf(make({ nodeSelector: { 'node type': 'compute' } }))).toBe(
      '[test/apps/web] nodeSelector.node type = "node type": not a label key (an optional DNS-1123 subdomain prefix and "/", then a name of at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit). Fix: did you mean "node-type"?');
    expect(errorOf(make({ nodeSelector: { 'node-type': 'GPU!' } }))).toBe(`[test/apps/web] nodeSelector.node-type = "GPU!": ${LABEL_VALUE}. Fix: did you mean "GPU"?`);
    expect(errorOf(make({ component: 'frontend/web' }))).toBe(`[test/apps/web] component = "frontend/web": ${LABEL_VALUE}. Fix: did you mean "frontend-web"?`);
    expect(errorOf(make({ partOf: 'media stack' }))).toBe(`[test/apps/web] partOf = "media stack": ${LABEL_VALUE}. Fix: did you mean "media-stack"?`);
    expect(errorOf(make({ volumes: { data: { mountPath: '/data', source: AppVolume.newClaim({ size: '1Gi', storageClassName: 'local-path', labels: { team: 'data team' } }) } } }))).toBe(
      `[test/apps/web] volumes.data.source.labels.team = "data team": ${LABEL_VALUE}. Fix: did you mean "data-team"?`);
  });

  test('config file names are ConfigMap keys; subPaths stay inside the volume', () => {
    expect(errorOf(make({ config: { app: { mountPath: '/config', files: { 'conf.d/app.yaml': 'a: 1' } } } }))).toBe(
      '[test/apps/web] config.app.files.conf.d/app.yaml = "conf.d/app.yaml": not a ConfigMap or Secret key (at most 253 letters, digits, "-", "_" and ".", not starting with ".."). Fix: did you mean "conf.d-app.yaml"? (a key is one file name, not a path)');
    const SUB = 'a subPath is a relative path inside the volume, without ".." (the API server refuses absolute paths and paths that climb out)';
    expect(errorOf(make({ volumes: { data: { mountPath: '/data', subPath: '/web', source: AppVolume.emptyDir() } } }))).toBe(`[test/apps/web] volumes.data.subPath = "/web": ${SUB}. Fix: use "web"`);
    expect(errorOf(make({ volumes: { data: { mountPath: '/data', subPath: '..', source: AppVolume.emptyDir() } } }))).toBe(`[test/apps/web] volumes.data.subPath = "..": ${SUB}. Fix: leave subPath out to mount the whole volume`);
  });

  test('tolerations as the API server checks them', () => {
    expect(errorOf(make({ tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoScheduling' }] }))).toBe(
      '[test/apps/web] tolerations[0].effect = "NoScheduling": not a taint effect. Fix: use "NoSchedule", "PreferNoSchedule" or "NoExecute" (TaintEffect.*), or leave effect out to match every effect');
    expect(errorOf(make({ tolerations: [{ key: 'gpu', operator: 'Exists', value: 'true' }] }))).toBe(
      '[test/apps/web] tolerations[0].value = "true": operator "Exists" matches any value, so the toleration must not have one. Fix: remove value, or use operator "Equal"');
    expect(errorOf(make({ tolerations: [{ value: 'true' }] }))).toBe(
      '[test/apps/web] tolerations[0].key = undefined: a toleration without a key matches every taint, which needs operator "Exists". Fix: give the taint\'s key, or operator: "Exists" to tolerate every taint');
    expect(errorOf(make({ tolerations: [{ key: 'gpu', operator: 'In' }] }))).toBe(
      '[test/apps/web] tolerations[0].operator = "In": a toleration operator is "Equal" or "Exists". Fix: use "Exists" to match any value of the key, "Equal" to match one value');
    expect(errorOf(make({ tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 60 }] }))).toBe(
      '[test/apps/web] tolerations[0].tolerationSeconds = 60: tolerationSeconds applies to NoExecute taints only. Fix: set effect: "NoExecute", or remove tolerationSeconds');
    const ns = testNamespace();
    new AppWorkload(ns, 'web', { image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }], tolerations: [{ operator: 'Exists' }, { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }] });
    expect(one(synth(ns), 'Deployment').spec.template.spec.tolerations).toEqual([{ operator: 'Exists' }, { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }]);
  });

  test('ports of allowFrom and connectTo, and the peer of allowFrom', () => {
    const ns = testNamespace();
    const web = new AppWorkload(ns, 'web', { image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }] });
    expect(errorOf(() => web.allowFrom({ namespace: 'monitoring' }, 0))).toBe(`[test/apps/web] allowFrom.port = 0: ${ONE_TO_65535}. Fix: use a port of this app, or leave port out for all of them`);
    expect(errorOf(() => web.allowFrom({ namespace: 'Monitoring' }))).toBe(
      '[test/apps/web] allowFrom.peer.namespace = "Monitoring": not a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit). Fix: did you mean "monitoring"?');
    expect(errorOf(() => web.allowFrom({ namespace: 'monitoring', podSelector: { app: 'prom etheus' } }))).toBe(`[test/apps/web] allowFrom.peer.podSelector.app = "prom etheus": ${LABEL_VALUE}. Fix: did you mean "prom-etheus"?`);
    expect(errorOf(() => web.connectTo(web, 65536))).toBe(`[test/apps/web] connectTo.port = 65536: ${ONE_TO_65535}. Fix: use a port the target listens on, e.g. its servicePorts[0].port`);
    expect(errorOf(make({ ports: [{ name: 'http', port: 0 }] }))).toBe(`[test/apps/web] ports[0].port = 0: ${ONE_TO_65535}. Fix: use the port the app listens on`);
    expect(errorOf(make({ ports: [{ name: 'http', port: 8080, protocol: 'SCTP' }] }))).toBe('[test/apps/web] ports[0].protocol = "SCTP": a port protocol is "TCP" or "UDP". Fix: use "TCP" (the default) or "UDP"');
  });

  test('unknown kind and criticality are ValidationErrors, not a silent Deployment or a TypeError', () => {
    expect(errorOf(make({ kind: 'DaemonSet' }))).toBe('[test/apps/web] kind = "DaemonSet": unknown workload kind. Fix: use WorkloadKind.DEPLOYMENT, WorkloadKind.STATEFUL_SET or WorkloadKind.CRON_JOB');
    expect(errorOf(make({ criticality: 'urgent' }))).toBe('[test/apps/web] criticality = "urgent": unknown criticality. Fix: use Criticality.CRITICAL, Criticality.STANDARD or Criticality.OPTIONAL');
  });

  test('env sources: Secret and ConfigMap names and keys, pod fields, service URL parts', () => {
    const SUBDOMAIN = 'not a DNS-1123 subdomain (dot-separated lower-case labels, at most 253 characters)';
    const KEY = 'not a ConfigMap or Secret key (at most 253 letters, digits, "-", "_" and ".", not starting with "..")';
    expect(errorOf(make({ env: { DB_PASSWORD: EnvValue.fromSecret('DB_Credentials', 'password') } }))).toBe(`[test/apps/web] env.DB_PASSWORD.name = "DB_Credentials": ${SUBDOMAIN}. Fix: did you mean "db-credentials"?`);
    expect(errorOf(make({ env: { DB_PASSWORD: EnvValue.fromSecret('db-credentials', 'db password') } }))).toBe(`[test/apps/web] env.DB_PASSWORD.key = "db password": ${KEY}. Fix: did you mean "db-password"?`);
    expect(errorOf(make({ env: { CONF: EnvValue.fromConfigMap('web-config', '..data') } }))).toBe(`[test/apps/web] env.CONF.key = "..data": ${KEY}. Fix: did you mean "data"?`);
    expect(errorOf(make({ env: { PHASE: EnvValue.fromField('status.phase') } }))).toBe(
      '[test/apps/web] env.PHASE.fieldPath = "status.phase": not a pod field the API server offers to env (metadata.name, metadata.namespace, metadata.uid, spec.nodeName, spec.serviceAccountName, status.hostIP, status.hostIPs, status.podIP, status.podIPs, metadata.labels[\'<key>\'], metadata.annotations[\'<key>\']). Fix: use one of these, e.g. "status.podIP"');
    expect(errorOf(make({ env: { A: EnvValue.fromField("metadata.annotations['Bad Key']") } }))).toMatch(/^\[test\/apps\/web\] env\.A\.fieldPath = "bad key": not a label key .*Fix: did you mean "bad-key"\?$/);
    const ns = testNamespace();
    const redis = new AppWorkload(ns, 'redis', { image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'redis', port: 6379 }] });
    expect(errorOf(() => new AppWorkload(ns, 'a', { image: IMAGE, size: AppSize.SMALL, env: { URL: EnvValue.serviceUrl(redis, { scheme: 'redis://' }) }, healthCheck: READY }))).toBe(
      '[test/apps/a] env.URL.scheme = "redis://": not a URL scheme (a lower-case letter, then letters, digits, "+", "-" or "."). Fix: use e.g. "http", "https", "redis" or "postgres", without "://"');
    expect(errorOf(() => new AppWorkload(ns, 'b', { image: IMAGE, size: AppSize.SMALL, env: { URL: EnvValue.serviceUrl(redis, { path: 'v1' }) }, healthCheck: READY }))).toBe(
      '[test/apps/b] env.URL.path = "v1": the path after the port starts with "/". Fix: use "/v1"');
    new AppWorkload(ns, 'c', { image: IMAGE, size: AppSize.SMALL, healthCheck: READY, env: { APP: EnvValue.fromField("metadata.labels['app.kubernetes.io/name']"), IPS: EnvValue.fromField('status.podIPs') } });
    expect(one(synth(ns), 'Deployment', 'c').spec.template.spec.containers[0].env).toEqual([
      { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app.kubernetes.io/name']" } } },
      { name: 'IPS', valueFrom: { fieldRef: { fieldPath: 'status.podIPs' } } },
    ]);
  });

  test('an existing claim name and an access mode', () => {
    expect(errorOf(make({ volumes: { media: { mountPath: '/media', source: AppVolume.existingClaim('Media_Library') } } }))).toBe(
      '[test/apps/web] volumes.media.source.claimName = "Media_Library": not a DNS-1123 subdomain (dot-separated lower-case labels, at most 253 characters). Fix: did you mean "media-library"?');
    expect(errorOf(make({ volumes: { media: { mountPath: '/media', source: AppVolume.existingClaim('media', { accessMode: 'ReadWriteAll' as AccessMode }) } } }))).toBe(
      '[test/apps/web] volumes.media.source.accessMode = "ReadWriteAll": not a PersistentVolumeClaim access mode. Fix: use AccessMode.READ_WRITE_ONCE, READ_WRITE_ONCE_POD, READ_WRITE_MANY or READ_ONLY_MANY');
  });

  test('a second app of one id in a namespace names the path and asks for another id', () => {
    const ns = testNamespace();
    new AppWorkload(ns, 'web', { image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }] });
    expect(errorOf(() => new AppWorkload(ns, 'web', { image: IMAGE, size: AppSize.SMALL, ports: [{ name: 'http', port: 8080 }] }))).toBe(
      '[test/apps/web] id = "web": test/apps already has a construct with this id (AppWorkload), and ids are unique within their scope. Fix: choose another id (the id names the objects it synthesizes), or reuse the construct you created first');
  });
});
