import { DcgmExporter, DcgmExporterProps, Namespace } from '../../lib';
import { errorOf } from '../helpers';
import { find, gpuCluster, manifestsOf, standardPlugin } from './helpers';

function exporter(props: DcgmExporterProps = {}, overrides = {}, withPlugin = true): { dcgm: DcgmExporter; manifests: any[] } {
  const c = gpuCluster(false, overrides);
  if (withPlugin) standardPlugin(c);
  const dcgm = new DcgmExporter(new Namespace(c, 'gpu-monitoring', { podSecurity: 'privileged', quota: { cpu: '1', memory: '1Gi', memoryLimit: '2Gi' } }), 'dcgm-exporter', props);
  return { dcgm, manifests: manifestsOf(c) };
}

const D = '[lab/gpu-monitoring/dcgm-exporter]';

describe('DcgmExporter defaults', () => {
  const { dcgm, manifests } = exporter();
  const ds = find(manifests, 'DaemonSet', 'dcgm-exporter');
  const spec = ds.spec.template.spec;
  const c = spec.containers[0];

  test('runs on the NVIDIA nodes through the NVIDIA runtime, tolerating their taints, without requesting a GPU', () => {
    expect(dcgm.nodes).toEqual(['gpu1', 'gpu2']);
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['gpu1', 'gpu2'] }] }]);
    expect(spec.tolerations).toEqual([{ key: 'gpu', operator: 'Equal', value: 'nvidia', effect: 'NoSchedule' }]);
    expect([spec.runtimeClassName, spec.priorityClassName, spec.automountServiceAccountToken, spec.enableServiceLinks]).toEqual(['nvidia', 'workload-standard', false, false]);
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } });
  });

  test('least privilege: not privileged, root only because DCGM needs it, every capability dropped (no SYS_ADMIN for the 3.4.0 exporter without profiling)', () => {
    expect(dcgm.sysAdmin).toBe(false);
    expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false, runAsUser: 0, runAsGroup: 0, runAsNonRoot: false, capabilities: { drop: ['ALL'] } });
    expect(c.image).toBe('nvcr.io/nvidia/k8s/dcgm-exporter:3.3.5-3.4.0-ubuntu22.04');
    expect(c.args).toEqual(['-f', '/etc/dcgm-exporter/default-counters.csv']);
    expect(c.env.map((e: any) => e.name)).toEqual(['DCGM_EXPORTER_KUBERNETES', 'DCGM_EXPORTER_LISTEN', 'NODE_NAME']);
  });

  test('one host path, the kubelet\'s pod-resources socket, read-only', () => {
    expect(spec.volumes.filter((v: any) => v.hostPath)).toEqual([{ name: 'pod-resources', hostPath: { path: '/var/lib/kubelet/pod-resources', type: 'Directory' } }]);
    expect(c.volumeMounts[0]).toEqual({ name: 'pod-resources', mountPath: '/var/lib/kubelet/pod-resources', readOnly: true });
  });

  test('the host path follows the profile\'s kubelet root dir', () => {
    const { manifests: ms } = exporter({}, { kubeletRootDir: '/srv/kubelet' });
    expect(find(ms, 'DaemonSet', 'dcgm-exporter').spec.template.spec.volumes[0].hostPath.path).toBe('/srv/kubelet/pod-resources');
  });

  test('startup for GPU initialisation, readiness on /health after 45 s, a cheaper TCP liveness after 60 s', () => {
    expect(c.startupProbe).toEqual({ httpGet: { path: '/health', port: 'metrics', scheme: 'HTTP' }, initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 30 });
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/health', port: 'metrics', scheme: 'HTTP' }, initialDelaySeconds: 45, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 2 });
    expect(c.livenessProbe).toEqual({ tcpSocket: { port: 'metrics' }, initialDelaySeconds: 60, periodSeconds: 30, timeoutSeconds: 10, failureThreshold: 3 });
  });

  test('exemptions: root, the one host path, no GPU request; nothing for capabilities', () => {
    expect(Object.keys(JSON.parse(ds.metadata.annotations['hardened-homelab.io/exemptions']))).toEqual(['HK-GPU-07', 'HK-SEC-03', 'HK-SEC-04', 'HK-SEC-12']);
  });

  test('a Service and a ServiceMonitor on port 9400, and a NetworkPolicy that admits only Prometheus', () => {
    expect(find(manifests, 'Service', 'dcgm-exporter').spec.ports).toEqual([{ name: 'metrics', port: 9400, targetPort: 'metrics', protocol: 'TCP' }]);
    const sm = find(manifests, 'ServiceMonitor', 'dcgm-exporter');
    expect(sm.spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'dcgm-exporter', 'app.kubernetes.io/instance': 'dcgm-exporter' } },
      namespaceSelector: { matchNames: ['gpu-monitoring'] },
      endpoints: [{ port: 'metrics', path: '/metrics', interval: '15s' }],
    });
    expect(find(manifests, 'NetworkPolicy', 'dcgm-exporter').spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }],
      ports: [{ port: 9400, protocol: 'TCP' }],
    }]);
    expect(find(manifests, 'NetworkPolicy', 'dcgm-exporter').spec.egress).toEqual([]);
  });

  test('alerts on GPU temperature, GPU memory and missing GPU metrics', () => {
    const rules = find(manifests, 'PrometheusRule', 'dcgm-exporter').spec.groups[0].rules;
    expect(rules.map((r: any) => [r.alert, r.expr, r.for, r.labels.severity])).toEqual([
      ['GpuTemperatureHigh', 'max by (Hostname, gpu, modelName) (DCGM_FI_DEV_GPU_TEMP) > 80', '10m', 'warning'],
      ['GpuTemperatureCritical', 'max by (Hostname, gpu, modelName) (DCGM_FI_DEV_GPU_TEMP) > 90', '2m', 'critical'],
      ['GpuMemoryNearlyFull', 'max by (Hostname, gpu, modelName) (DCGM_FI_DEV_FB_USED / (DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE)) > 0.9', '10m', 'warning'],
      ['GpuMetricsMissing', '(count(count by (Hostname) (DCGM_FI_DEV_GPU_TEMP)) or vector(0)) < 2', '15m', 'warning'],
    ]);
  });
});

describe('DcgmExporter options', () => {
  test('profiling metrics: the DCP counters and SYS_ADMIN, exempted with its reason', () => {
    const { dcgm, manifests } = exporter({ profilingMetrics: true });
    const ds = find(manifests, 'DaemonSet', 'dcgm-exporter');
    const c = ds.spec.template.spec.containers[0];
    expect(dcgm.sysAdmin).toBe(true);
    expect(c.args).toEqual(['-f', '/etc/dcgm-exporter/dcp-metrics-included.csv']);
    expect(c.securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['SYS_ADMIN'] });
    expect(JSON.parse(ds.metadata.annotations['hardened-homelab.io/exemptions'])['HK-SEC-07']).toBe('SYS_ADMIN only: DCGM reads the DCP profiling fields (DCGM_FI_PROF_*) through the driver\'s profiling interface');
  });

  test('exporter 3.6.0 and later (and unknown tags) need SYS_ADMIN even without profiling; 3.5 does not', () => {
    expect(exporter({ image: 'nvcr.io/nvidia/k8s/dcgm-exporter:3.3.8-3.6.0-ubuntu22.04' }).dcgm.sysAdmin).toBe(true);
    expect(exporter({ image: 'nvcr.io/nvidia/k8s/dcgm-exporter:4.2.3-4.1.3-ubuntu22.04' }).dcgm.sysAdmin).toBe(true);
    expect(exporter({ image: 'registry.local/dcgm-exporter:custom' }).dcgm.sysAdmin).toBe(true);
    expect(exporter({ image: 'nvcr.io/nvidia/k8s/dcgm-exporter:3.3.7-3.5.0-ubuntu22.04' }).dcgm.sysAdmin).toBe(false);
    const ds = find(exporter({ image: 'nvcr.io/nvidia/k8s/dcgm-exporter:3.3.8-3.6.0-ubuntu22.04' }).manifests, 'DaemonSet', 'dcgm-exporter');
    expect(JSON.parse(ds.metadata.annotations['hardened-homelab.io/exemptions'])['HK-SEC-07']).toBe('SYS_ADMIN only: the host engine of exporter 3.3.8-3.6.0-ubuntu22.04 refuses to start without it (NVIDIA/dcgm-exporter#402)');
  });

  test('nodes, scrape interval, scraper, monitor labels and thresholds', () => {
    const { dcgm, manifests } = exporter({
      nodes: ['gpu1'], scrapeInterval: '30s', scraper: { namespace: 'observability' }, monitorLabels: { release: 'kube-prometheus-stack' },
      alerts: { temperatureWarning: 75, temperatureCritical: 85, memoryUsedShare: 0.8 },
    });
    expect(dcgm.nodes).toEqual(['gpu1']);
    const sm = find(manifests, 'ServiceMonitor', 'dcgm-exporter');
    expect([sm.metadata.labels.release, sm.spec.endpoints[0].interval]).toEqual(['kube-prometheus-stack', '30s']);
    expect(find(manifests, 'NetworkPolicy', 'dcgm-exporter').spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } }]);
    const rules = find(manifests, 'PrometheusRule', 'dcgm-exporter');
    expect(rules.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(rules.spec.groups[0].rules.map((r: any) => r.expr.split(' > ')[1] ?? r.expr.split(' < ')[1])).toEqual(['75', '85', '0.8', '1']);
  });
});

describe('DcgmExporter refuses', () => {
  test('a second construct with the same id, naming the path it would have had', () => {
    const c = gpuCluster();
    standardPlugin(c);
    const ns = new Namespace(c, 'gpu-monitoring', { podSecurity: 'privileged' });
    new DcgmExporter(ns, 'dcgm-exporter');
    expect(errorOf(() => new DcgmExporter(ns, 'dcgm-exporter')))
      .toBe(`${D} id = "dcgm-exporter": lab/gpu-monitoring already has a construct with this id (DcgmExporter), and ids are unique within their scope. Fix: choose another id (the id names the objects it synthesizes), or reuse the construct you created first`);
  });

  test('nodes without an NVIDIA GPU, an empty node list, a cluster without one', () => {
    expect(errorOf(() => exporter({ nodes: [] }))).toBe(`${D} nodes = []: an empty node list would monitor nothing. Fix: list at least one NVIDIA node, or leave nodes out`);
    expect(errorOf(() => exporter({ nodes: ['igpu'] }))).toBe(`${D} nodes[0] = "igpu": node igpu has no nvidia GPU in the lab profile (nvidia GPUs are on gpu1, gpu2). Fix: place the workload on "gpu1" or "gpu2"`);
    expect(errorOf(() => exporter({}, { nodes: [{ name: 'n', allocatable: { cpu: '1', memory: '1Gi' } }] }, false)))
      .toBe(`${D} nodes = undefined: no node of the lab profile has an NVIDIA GPU to monitor. Fix: add the GPU to the node's gpus in the profile, or leave the exporter out`);
  });

  test('a missing RuntimeClass nvidia', () => {
    expect(errorOf(() => exporter({}, { version: 'v1.27.1+k3s1' }, false)))
      .toBe(`${D} scope = "lab": the exporter runs with RuntimeClass "nvidia", which neither the profile lists nor an NvidiaDevicePlugin of this program creates. Fix: create the NvidiaDevicePlugin first (it adopts or creates the RuntimeClass), or add "nvidia" to profile.runtimeClasses`);
  });

  test('a bad interval, thresholds out of range or in the wrong order, a memory share above 1, a bad scraper namespace', () => {
    expect(errorOf(() => exporter({ scrapeInterval: '15 seconds' }))).toBe(`${D} scrapeInterval = "15 seconds": not a Prometheus duration in hours, minutes and seconds. Fix: use e.g. "15s" or "1m"`);
    expect(errorOf(() => exporter({ alerts: { temperatureWarning: 30 } }))).toBe(`${D} alerts.temperatureWarning = 30: a GPU temperature threshold in °C between 40 and 110. Fix: use e.g. 80 for a warning and 90 for critical (a T4 throttles near 90)`);
    expect(errorOf(() => exporter({ alerts: { temperatureWarning: 95 } }))).toBe(`${D} alerts.temperatureWarning = 95: the warning threshold must be below the critical one (90). Fix: e.g. temperatureWarning: 80, temperatureCritical: 90`);
    expect(errorOf(() => exporter({ alerts: { memoryUsedShare: 1.5 } }))).toBe(`${D} alerts.memoryUsedShare = 1.5: a share of GPU memory above 0 and at most 1. Fix: use e.g. 0.9 for 90%`);
    expect(errorOf(() => exporter({ scraper: { namespace: 'Monitoring' } }))).toBe(`${D} scraper.namespace = "Monitoring": not a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit). Fix: did you mean "monitoring"?`);
  });
});
