import { Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-29/lib/imports/k8s';
import { Construct } from 'constructs';
import { ValidationError } from '../core/errors';
import { addExemption } from '../core/exemptions';
import { recommendedLabels, selectorLabels } from '../core/labels';
import { validateDnsLabel } from '../core/names';
import { NVIDIA_RUNTIME_CLASS, POD_RESOURCES_DIR } from '../core/gpu';
import { ClusterProfile, GpuVendor } from '../core/profile';
import { markAppBoundary, uniqueId } from '../core/tree';
import { Images, imageReference, parseImageReference } from '../core/versions';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr, ServiceMonitor } from '../imports/monitoring.coreos.com';
import { Criticality, PRIORITY_CLASSES } from '../workloads/criticality';
import { ingressFrom } from '../workloads/network-peer';
import { rootContainerSecurityContext } from '../workloads/security-context';
import { resourceRequirements } from '../workloads/size';
import { nvidiaNodeAgent } from './node-agent';
import { gpuOffersOf } from './sharing';

/** The Prometheus pods allowed to scrape the exporter. */
export interface MetricsScraper {
  readonly namespace: string;
  /** @default - every pod of the namespace */
  readonly podSelector?: Record<string, string>;
}

/** Alert thresholds of {@link DcgmExporter}. */
export interface GpuAlertThresholds {
  /** GPU temperature (°C) that raises a warning after 10 minutes. @default 80 */
  readonly temperatureWarning?: number;
  /** GPU temperature (°C) that is critical after 2 minutes (a T4 slows itself down near 90). @default 90 */
  readonly temperatureCritical?: number;
  /** Share of GPU memory in use (used / (used + free)) that raises a warning after 10 minutes. @default 0.9 */
  readonly memoryUsedShare?: number;
}

/** Props of {@link DcgmExporter}. */
export interface DcgmExporterProps {
  /**
   * The exporter image. The tag pairs the exporter with a DCGM release, which must support the
   * nodes' driver.
   * @default imageReference(Images.dcgmExporter)
   */
  readonly image?: string;
  /**
   * Collect the DCP profiling fields (`DCGM_FI_PROF_*`, from `dcp-metrics-included.csv`), which
   * need CAP_SYS_ADMIN. Temperature, memory, utilisation and power come from the default counters.
   * @default false
   */
  readonly profilingMetrics?: boolean;
  /** Nodes to monitor. @default - every node with an NVIDIA GPU */
  readonly nodes?: string[];
  /** How often Prometheus scrapes. @default '15s' */
  readonly scrapeInterval?: string;
  /** Who may scrape port 9400. @default { namespace: 'monitoring', podSelector: { 'app.kubernetes.io/name': 'prometheus' } } */
  readonly scraper?: MetricsScraper;
  /** Labels on the ServiceMonitor and PrometheusRule (e.g. the Prometheus `release` selector). @default {} */
  readonly monitorLabels?: Record<string, string>;
  /** @default - see GpuAlertThresholds */
  readonly alerts?: GpuAlertThresholds;
}

const PORT = 9400;

/**
 * The DCGM exporter as a DaemonSet the library renders (the upstream chart's liveness and
 * readiness probes are identical and its default security context adds SYS_ADMIN whatever the
 * DCGM version), with least privilege:
 *
 * - not privileged (the homelab turned `privileged: true` on "temporarily for debugging"),
 *   runs as uid 0 because DCGM's embedded host engine requires root, every capability dropped
 *   and SYS_ADMIN added back only when needed: for profiling metrics, or for exporter 3.6.0 and
 *   later (3.3.8-3.6.0 tags), whose host engine refuses to start without it;
 * - one read-only hostPath, `<profile.kubeletRootDir>/pod-resources` (pod → GPU attribution);
 * - the NVIDIA runtime, no GPU request (it watches every GPU of the node, taking no slice);
 * - a startup probe that allows for GPU initialisation, readiness on `/health` after 45 s and a
 *   cheaper TCP liveness after 60 s (the seed's fix for its restart loop, made distinct);
 * - a Service, a ServiceMonitor, a NetworkPolicy admitting only Prometheus, and a PrometheusRule
 *   with GPU temperature, GPU memory and "no GPU metrics" alerts.
 */
export class DcgmExporter extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  /** Nodes the exporter runs on. */
  public readonly nodes: readonly string[];
  /** True when the container gets CAP_SYS_ADMIN. */
  public readonly sysAdmin: boolean;
  public readonly daemonSet: k8s.KubeDaemonSet;
  public readonly service: k8s.KubeService;
  public readonly serviceMonitor: ServiceMonitor;
  public readonly prometheusRule: PrometheusRule;

  constructor(scope: Construct, id: string, props: DcgmExporterProps = {}) {
    super(scope, uniqueId(scope, id));
    this.name = ValidationError.within(this, 'id', () => validateDnsLabel(id, 52));
    const namespace = Chart.of(this).namespace;
    if (!namespace) {
      throw new ValidationError(this, { prop: 'scope', value: scope.node.path, rule: 'the exporter lives in a Namespace', fix: "create it inside a Namespace: `new DcgmExporter(new Namespace(cluster, 'dcgm-exporter', { podSecurity: 'privileged' }), 'dcgm-exporter')`" });
    }
    this.namespace = namespace;
    const profile = ClusterProfile.of(this);
    markAppBoundary(this, this.name);

    // --- nodes
    let nodes = profile.nodes.filter((n) => n.gpuCount(GpuVendor.NVIDIA) > 0);
    if (props.nodes) {
      if (props.nodes.length === 0) {
        throw new ValidationError(this, { prop: 'nodes', value: props.nodes, rule: 'an empty node list would monitor nothing', fix: 'list at least one NVIDIA node, or leave nodes out' });
      }
      nodes = props.nodes.map((n, i) => profile.gpuNode(n, GpuVendor.NVIDIA, this, `nodes[${i}]`));
    }
    if (nodes.length === 0) {
      throw new ValidationError(this, { prop: 'nodes', value: props.nodes, rule: `no node of the ${profile.name} profile has an NVIDIA GPU to monitor`, fix: 'add the GPU to the node\'s gpus in the profile, or leave the exporter out' });
    }
    this.nodes = nodes.map((n) => n.name);
    if (!gpuOffersOf(this, GpuVendor.NVIDIA).source && !profile.hasRuntimeClass(NVIDIA_RUNTIME_CLASS)) {
      throw new ValidationError(this, {
        prop: 'scope', value: profile.name,
        rule: `the exporter runs with RuntimeClass "${NVIDIA_RUNTIME_CLASS}", which neither the profile lists nor an NvidiaDevicePlugin of this program creates`,
        fix: 'create the NvidiaDevicePlugin first (it adopts or creates the RuntimeClass), or add "nvidia" to profile.runtimeClasses',
      });
    }

    // --- settings
    const image = props.image ?? imageReference(Images.dcgmExporter);
    const profiling = props.profilingMetrics ?? false;
    const tag = parseImageReference(image).tag ?? '';
    const version = /^\d+\.\d+\.\d+-(\d+)\.(\d+)\.(\d+)/.exec(tag);
    // exporter 3.6.0 (tag 3.3.8-3.6.0) and later: "Host engine is running as non-root" without SYS_ADMIN
    const newEngine = version === null || Number(version[1]) > 3 || (Number(version[1]) === 3 && Number(version[2]) >= 6);
    this.sysAdmin = profiling || newEngine;
    const interval = props.scrapeInterval ?? '15s';
    if (!/^(\d+h)?(\d+m)?(\d+s)?$/.test(interval) || interval === '') {
      throw new ValidationError(this, { prop: 'scrapeInterval', value: interval, rule: 'not a Prometheus duration in hours, minutes and seconds', fix: 'use e.g. "15s" or "1m"' });
    }
    const a = props.alerts ?? {};
    const warn = a.temperatureWarning ?? 80;
    const crit = a.temperatureCritical ?? 90;
    for (const [prop, v] of [['alerts.temperatureWarning', warn], ['alerts.temperatureCritical', crit]] as const) {
      if (!Number.isFinite(v) || v < 40 || v > 110) {
        throw new ValidationError(this, { prop, value: v, rule: 'a GPU temperature threshold in °C between 40 and 110', fix: 'use e.g. 80 for a warning and 90 for critical (a T4 throttles near 90)' });
      }
    }
    if (warn >= crit) {
      throw new ValidationError(this, { prop: 'alerts.temperatureWarning', value: warn, rule: `the warning threshold must be below the critical one (${crit})`, fix: 'e.g. temperatureWarning: 80, temperatureCritical: 90' });
    }
    const share = a.memoryUsedShare ?? 0.9;
    if (!(share > 0 && share <= 1)) {
      throw new ValidationError(this, { prop: 'alerts.memoryUsedShare', value: share, rule: 'a share of GPU memory above 0 and at most 1', fix: 'use e.g. 0.9 for 90%' });
    }
    const scraper = props.scraper ?? { namespace: 'monitoring', podSelector: { 'app.kubernetes.io/name': 'prometheus' } };
    ValidationError.within(this, 'scraper.namespace', () => validateDnsLabel(scraper.namespace));

    // --- objects
    const labels = recommendedLabels({ name: this.name, component: 'gpu-metrics', partOf: 'nvidia-gpu', version: tag });
    const selector = selectorLabels(this.name);
    const podResources = `${profile.kubeletRootDir}/pod-resources`;
    this.daemonSet = nvidiaNodeAgent(this, {
      name: this.name,
      labels,
      selector,
      nodes,
      apiAccess: false,
      priorityClassName: PRIORITY_CLASSES[Criticality.STANDARD].name,
      containers: [{
        name: 'exporter',
        image,
        imagePullPolicy: 'IfNotPresent',
        args: ['-f', profiling ? '/etc/dcgm-exporter/dcp-metrics-included.csv' : '/etc/dcgm-exporter/default-counters.csv'],
        env: [
          { name: 'DCGM_EXPORTER_KUBERNETES', value: 'true' },
          { name: 'DCGM_EXPORTER_LISTEN', value: `:${PORT}` },
          { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        ],
        ports: [{ name: 'metrics', containerPort: PORT, protocol: 'TCP' }],
        resources: resourceRequirements({ cpu: '100m', memory: '256Mi' }, { memory: '512Mi' }),
        securityContext: rootContainerSecurityContext(this.sysAdmin ? ['SYS_ADMIN'] : []),
        // DCGM initialises every GPU before /health answers; the image is several GB
        startupProbe: { httpGet: { path: '/health', port: k8s.IntOrString.fromString('metrics'), scheme: 'HTTP' }, initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 30 },
        readinessProbe: { httpGet: { path: '/health', port: k8s.IntOrString.fromString('metrics'), scheme: 'HTTP' }, initialDelaySeconds: 45, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 2 },
        livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('metrics') }, initialDelaySeconds: 60, periodSeconds: 30, timeoutSeconds: 10, failureThreshold: 3 },
        volumeMounts: [
          { name: 'pod-resources', mountPath: POD_RESOURCES_DIR, readOnly: true },
          { name: 'tmp', mountPath: '/tmp' },
          { name: 'logs', mountPath: '/var/log' },
        ],
      }],
      volumes: [
        { name: 'pod-resources', hostPath: { path: podResources, type: 'Directory' } },
        { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
        { name: 'logs', emptyDir: { sizeLimit: k8s.Quantity.fromString('128Mi') } },
      ],
    });
    addExemption(this.daemonSet, 'HK-SEC-03', 'DCGM\'s embedded host engine must run as root; not privileged, every capability dropped but the one DCGM needs');
    addExemption(this.daemonSet, 'HK-SEC-04', 'DCGM\'s embedded host engine must run as root (uid 0); read-only root filesystem, no privilege escalation');
    addExemption(this.daemonSet, 'HK-SEC-12', `reads the kubelet's pod-resources socket (${podResources}, read-only) to attribute GPUs to pods`);
    addExemption(this.daemonSet, 'HK-GPU-07', 'the exporter watches every GPU of the node through the NVIDIA runtime; requesting nvidia.com/gpu would take a slice from the apps');
    if (this.sysAdmin) {
      addExemption(this.daemonSet, 'HK-SEC-07', profiling
        ? 'SYS_ADMIN only: DCGM reads the DCP profiling fields (DCGM_FI_PROF_*) through the driver\'s profiling interface'
        : `SYS_ADMIN only: the host engine of exporter ${tag || 'of unknown version'} refuses to start without it (NVIDIA/dcgm-exporter#402)`);
    }

    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: this.name, labels },
      spec: { type: 'ClusterIP', selector, ports: [{ name: 'metrics', port: PORT, targetPort: k8s.IntOrString.fromString('metrics'), protocol: 'TCP' }] },
    });
    const monitorLabels = { ...labels, ...(props.monitorLabels ?? {}) };
    this.serviceMonitor = new ServiceMonitor(this, 'ServiceMonitor', {
      metadata: { name: this.name, labels: monitorLabels },
      spec: {
        selector: { matchLabels: selector },
        namespaceSelector: { matchNames: [this.namespace] },
        endpoints: [{ port: 'metrics', path: '/metrics', interval }],
      },
    });
    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: this.name, labels },
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [ingressFrom(scraper, [PORT])],
        egress: [],
      },
    });

    const by = 'Hostname, gpu, modelName';
    const expr = (e: string) => PrometheusRuleSpecGroupsRulesExpr.fromString(e);
    this.prometheusRule = new PrometheusRule(this, 'PrometheusRule', {
      metadata: { name: this.name, labels: monitorLabels },
      spec: {
        groups: [{
          name: 'gpu',
          rules: [
            {
              alert: 'GpuTemperatureHigh',
              expr: expr(`max by (${by}) (DCGM_FI_DEV_GPU_TEMP) > ${warn}`),
              for: '10m',
              labels: { severity: 'warning' },
              annotations: { summary: 'GPU {{ $labels.gpu }} ({{ $labels.modelName }}) on {{ $labels.Hostname }} is at {{ $value }} °C', description: `Above ${warn} °C for 10 minutes. A passively cooled card (the T4) needs server airflow; check fans and inlet temperature before it throttles.` },
            },
            {
              alert: 'GpuTemperatureCritical',
              expr: expr(`max by (${by}) (DCGM_FI_DEV_GPU_TEMP) > ${crit}`),
              for: '2m',
              labels: { severity: 'critical' },
              annotations: { summary: 'GPU {{ $labels.gpu }} ({{ $labels.modelName }}) on {{ $labels.Hostname }} is at {{ $value }} °C', description: `Above ${crit} °C: the GPU throttles and may shut down. Stop GPU work on the node until cooling is fixed.` },
            },
            {
              alert: 'GpuMemoryNearlyFull',
              expr: expr(`max by (${by}) (DCGM_FI_DEV_FB_USED / (DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE)) > ${share}`),
              for: '10m',
              labels: { severity: 'warning' },
              annotations: { summary: 'GPU {{ $labels.gpu }} on {{ $labels.Hostname }} has {{ $value | humanizePercentage }} of its memory in use', description: 'Time-slicing has no memory isolation: the next allocation of any pod sharing this GPU fails (CUDA out of memory). Compare with the GPU budget in REPORT.md and lower the pods\' model sizes.' },
            },
            {
              alert: 'GpuMetricsMissing',
              expr: expr(`(count(count by (Hostname) (DCGM_FI_DEV_GPU_TEMP)) or vector(0)) < ${this.nodes.length}`),
              for: '15m',
              labels: { severity: 'warning' },
              annotations: { summary: 'GPU metrics come from {{ $value }} of ' + `${this.nodes.length} node(s)`, description: 'The DCGM exporter is down or cannot reach a GPU (driver/DCGM mismatch, image still pulling). The homelab ran for days with a broken exporter and no alert.' },
            },
          ],
        }],
      },
    });
  }
}
