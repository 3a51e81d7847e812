import * as k8s from 'cdk8s-plus-29/lib/imports/k8s';
import { Construct } from 'constructs';
import {
  AppRoute, ChartFootprint, ChartUpstreams, Charts, ClusterProfile, ExternalService, MANAGED_BY, LabelKeys, Namespace, OAuth2Proxy,
  RouteAuth, UpstreamChart, requireSecret,
} from '../../lib';

/**
 * Storage class of the monitoring volumes: the Longhorn NVMe tier (3 replicas), as the real
 * cluster intended. It fell back to K3s's node-bound `local-path` after Longhorn 1.6.2's fsGroup
 * bug; the library sets `fsGroupChangePolicy: OnRootMismatch` and pins Longhorn 1.9.
 */
export const MONITORING_STORAGE_CLASS = 'longhorn-nvme';
/** The Secret with Grafana's admin user and password (keys `admin-user`, `admin-password`). */
export const GRAFANA_ADMIN_SECRET = 'grafana-admin-credentials';

interface Requests {
  readonly cpu: number; // millicores
  readonly memory: number; // Mi
  readonly memoryLimit: number; // Mi
}

/** Requests and limits of every container kube-prometheus-stack runs, as set in its values below. */
const KPS = {
  prometheus: { cpu: 500, memory: 2048, memoryLimit: 4096 },
  alertmanager: { cpu: 50, memory: 128, memoryLimit: 256 },
  configReloader: { cpu: 10, memory: 32, memoryLimit: 64 }, // one per Prometheus and Alertmanager pod
  operator: { cpu: 50, memory: 128, memoryLimit: 256 },
  grafana: { cpu: 100, memory: 256, memoryLimit: 512 },
  grafanaSidecar: { cpu: 10, memory: 64, memoryLimit: 128 }, // dashboards and datasources sidecars
  kubeStateMetrics: { cpu: 20, memory: 64, memoryLimit: 128 },
  nodeExporter: { cpu: 20, memory: 32, memoryLimit: 64 }, // per node (DaemonSet)
} as const satisfies Record<string, Requests>;

const LOKI: Requests = { cpu: 100, memory: 256, memoryLimit: 512 };

function resources(r: Requests) {
  return { requests: { cpu: `${r.cpu}m`, memory: `${r.memory}Mi` }, limits: { memory: `${r.memoryLimit}Mi` } };
}

function footprint(parts: readonly Requests[], pods: number, perNode?: Requests): ChartFootprint {
  const sum = (k: keyof Requests) => parts.reduce((n, p) => n + p[k], 0);
  const fmt = (r: Requests) => ({ cpu: `${r.cpu}m`, memory: `${r.memory}Mi`, memoryLimit: `${r.memoryLimit}Mi` });
  return { ...fmt({ cpu: sum('cpu'), memory: sum('memory'), memoryLimit: sum('memoryLimit') }), pods, perNode: perNode ? fmt(perNode) : undefined };
}

/** Pods this program does not synthesize (the charts'): everything not managed by hardened-homelab. */
const CHART_PODS = { matchExpressions: [{ key: LabelKeys.MANAGED_BY, operator: 'NotIn', values: [MANAGED_BY] }] };

/**
 * The `monitoring` namespace: kube-prometheus-stack (Prometheus, Alertmanager, Grafana,
 * kube-state-metrics, node-exporter), Loki, and how each UI is reached:
 *
 * - Prometheus and Alertmanager through OAuth2-proxy fronts on Authentik (seed 003 exposed
 *   Prometheus with no authentication, and its "secured" route still pointed at Prometheus);
 * - Grafana with its own login, declared app-native (admin from the Secret
 *   `grafana-admin-credentials`, anonymous access and sign-up off);
 * - Loki not at all (Grafana reads it in-cluster).
 *
 * Pod Security is `privileged` because node-exporter needs the host's network, PID namespace
 * and /proc and /sys (the real namespace was privileged too); the stack's own pods keep the
 * restricted defaults of the charts, and the fronts the library's.
 */
export class MonitoringNamespace extends Namespace {
  public readonly kubePrometheusStack: UpstreamChart;
  public readonly loki: UpstreamChart;
  public readonly prometheusFront: OAuth2Proxy;
  public readonly alertmanagerFront: OAuth2Proxy;
  public readonly grafanaRoute: AppRoute;

  constructor(scope: Construct) {
    super(scope, 'monitoring', { podSecurity: 'privileged' });
    const profile = ClusterProfile.of(this);
    const claim = (size: string) => ({ spec: { storageClassName: MONITORING_STORAGE_CLASS, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } } } });

    this.kubePrometheusStack = new UpstreamChart(this, 'kube-prometheus-stack', {
      chart: Charts.kubePrometheusStack,
      providesApiGroups: ['monitoring.coreos.com'],
      values: {
        // K3s runs the controller manager, scheduler, proxy and etcd inside the k3s binary: no endpoints to scrape
        kubeControllerManager: { enabled: false },
        kubeScheduler: { enabled: false },
        kubeProxy: { enabled: false },
        kubeEtcd: { enabled: false },
        defaultRules: { rules: { kubeControllerManager: false, kubeSchedulerAlerting: false, kubeSchedulerRecording: false, kubeProxy: false, etcd: false } },
        prometheusOperator: {
          resources: resources(KPS.operator),
          prometheusConfigReloader: { resources: resources(KPS.configReloader) },
        },
        prometheus: {
          prometheusSpec: {
            retention: '30d',
            retentionSize: '40GB',
            resources: resources(KPS.prometheus),
            storageSpec: { volumeClaimTemplate: claim('50Gi') },
            // pick up every ServiceMonitor/PodMonitor/PrometheusRule, not only the chart's own
            serviceMonitorSelectorNilUsesHelmValues: false,
            podMonitorSelectorNilUsesHelmValues: false,
            ruleSelectorNilUsesHelmValues: false,
            probeSelectorNilUsesHelmValues: false,
          },
        },
        alertmanager: {
          alertmanagerSpec: {
            resources: resources(KPS.alertmanager),
            storage: { volumeClaimTemplate: claim('5Gi') },
          },
        },
        grafana: {
          admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: 'admin-user', passwordKey: 'admin-password' },
          'grafana.ini': {
            server: { root_url: `https://grafana.${profile.domain}` },
            'auth.anonymous': { enabled: false },
            users: { allow_sign_up: false },
            analytics: { reporting_enabled: false, check_for_updates: false },
          },
          persistence: { enabled: true, storageClassName: MONITORING_STORAGE_CLASS, size: '10Gi' },
          initChownData: { enabled: false },
          resources: resources(KPS.grafana),
          sidecar: { resources: resources(KPS.grafanaSidecar) },
          additionalDataSources: [{ name: 'Loki', type: 'loki', access: 'proxy', url: 'http://loki.monitoring.svc.cluster.local:3100' }],
        },
        'kube-state-metrics': { resources: resources(KPS.kubeStateMetrics) },
        'prometheus-node-exporter': { resources: resources(KPS.nodeExporter) },
      },
      footprint: footprint([
        KPS.prometheus, KPS.configReloader, KPS.alertmanager, KPS.configReloader, KPS.operator,
        KPS.grafana, KPS.grafanaSidecar, KPS.grafanaSidecar, KPS.kubeStateMetrics,
      ], 5, KPS.nodeExporter),
      networkPolicy: false, // the charts' pods carry several instance labels: ChartPods below covers them all
    });
    requireSecret(this.kubePrometheusStack, {
      name: GRAFANA_ADMIN_SECRET,
      keys: { 'admin-user': { description: 'Grafana admin user name' }, 'admin-password': { description: 'Grafana admin password' } },
    });

    this.loki = new UpstreamChart(this, 'loki', {
      chart: Charts.loki,
      dependsOn: [this.kubePrometheusStack], // its ServiceMonitor needs the operator's CRDs
      values: {
        deploymentMode: 'SingleBinary',
        loki: {
          auth_enabled: false,
          commonConfig: { replication_factor: 1 },
          storage: { type: 'filesystem' },
          schemaConfig: { configs: [{ from: '2024-01-01', store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'index_', period: '24h' } }] },
          limits_config: { retention_period: '168h' },
          compactor: { retention_enabled: true, delete_request_store: 'filesystem' },
        },
        singleBinary: { replicas: 1, resources: resources(LOKI), persistence: { enabled: true, storageClass: MONITORING_STORAGE_CLASS, size: '10Gi' } },
        read: { replicas: 0 },
        write: { replicas: 0 },
        backend: { replicas: 0 },
        gateway: { enabled: false },
        chunksCache: { enabled: false },
        resultsCache: { enabled: false },
        lokiCanary: { enabled: false },
        test: { enabled: false },
        monitoring: { serviceMonitor: { enabled: true } },
      },
      footprint: footprint([LOKI], 1),
      networkPolicy: false, // covered by ChartPods: only the monitoring namespace's chart pods (Grafana) read logs
    });

    // the charts' pods talk to each other (Grafana -> Prometheus/Loki/Alertmanager, Prometheus ->
    // Alertmanager and every scrape target), and reach the Kubernetes API, the nodes and the internet
    // (Grafana dashboards, Alertmanager receivers); nothing outside the namespace reaches them except
    // through the routes and fronts below
    new k8s.KubeNetworkPolicy(this.kubePrometheusStack, 'ChartPods', {
      metadata: { name: 'monitoring-charts' },
      spec: {
        podSelector: CHART_PODS,
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ podSelector: CHART_PODS }] }],
        egress: [{}],
      },
    });
    // the API server calls the operator's admission webhook (PrometheusRule validation)
    new k8s.KubeNetworkPolicy(this.kubePrometheusStack, 'OperatorWebhook', {
      metadata: { name: 'prometheus-operator-webhook' },
      spec: {
        podSelector: { matchLabels: { app: 'kube-prometheus-stack-operator' } },
        policyTypes: ['Ingress'],
        ingress: [{ ports: [{ port: k8s.IntOrString.fromNumber(10250), protocol: 'TCP' }] }],
      },
    });

    this.prometheusFront = new OAuth2Proxy(this, 'PrometheusFront', {
      name: 'prometheus',
      upstream: ExternalService.fromProfile(this, 'monitoring', 'kube-prometheus-stack-prometheus'),
      upstreamPods: ChartUpstreams.prometheus().upstreamPods,
    });
    this.alertmanagerFront = new OAuth2Proxy(this, 'AlertmanagerFront', {
      name: 'alertmanager',
      upstream: ExternalService.fromProfile(this, 'monitoring', 'kube-prometheus-stack-alertmanager'),
      upstreamPods: ChartUpstreams.alertmanager().upstreamPods,
    });
    this.grafanaRoute = new AppRoute(this.kubePrometheusStack, 'GrafanaRoute', {
      backend: { serviceName: 'kube-prometheus-stack-grafana', namespace: this.name, servicePorts: [{ name: 'http', port: 80 }] },
      name: 'grafana',
      auth: RouteAuth.appNative(`Grafana login: admin from Secret ${GRAFANA_ADMIN_SECRET}, anonymous access and sign-up off`),
      backendPods: { selector: { 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/instance': 'kube-prometheus-stack' }, port: 3000 },
    });
  }
}
