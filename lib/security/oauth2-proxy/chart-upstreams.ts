import { BackendPods } from '../../networking/app-route';
import { IServiceEndpoint } from '../../workloads/service-ref';

/** An upstream rendered by a Helm chart: its Service and the pods behind it. Spread into OAuth2ProxyProps. */
export interface ChartUpstream {
  readonly upstream: IServiceEndpoint;
  readonly upstreamPods: BackendPods;
}

function chartUi(serviceName: string, namespace: string, servicePort: number, selector: Record<string, string>, podPort: number): ChartUpstream {
  return {
    upstream: { serviceName, namespace, servicePorts: [{ name: 'http', port: servicePort }] },
    upstreamPods: { selector, port: podPort },
  };
}

/**
 * The admin UIs of the upstream charts the stacks install, as OAuth2Proxy upstreams: Service
 * name and port, and the labels and port of the pods behind them (so the front's NetworkPolicy
 * admits only the proxy). One line protects a chart's UI:
 *
 * ```ts
 * new OAuth2Proxy(longhornNs, 'LonghornFront', { name: 'longhorn', ...ChartUpstreams.longhornUi() });
 * ```
 *
 * The policy HK-X-03 checks the proxy's `--upstream` host against the Services it knows, so the
 * chart's Service must be declared in `profile.externalServices` (the stacks do this).
 */
export const ChartUpstreams = {
  /** Longhorn's UI: Service `longhorn-frontend:80` → pods `app=longhorn-ui` port 8000 (chart `longhorn`). */
  longhornUi: (namespace = 'longhorn-system'): ChartUpstream =>
    chartUi('longhorn-frontend', namespace, 80, { app: 'longhorn-ui' }, 8000),
  /** Prometheus of kube-prometheus-stack release `release`: `<release>-prometheus:9090`. */
  prometheus: (namespace = 'monitoring', release = 'kube-prometheus-stack'): ChartUpstream =>
    chartUi(`${release}-prometheus`, namespace, 9090, { 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': `${release}-prometheus` }, 9090),
  /** Alertmanager of kube-prometheus-stack release `release`: `<release>-alertmanager:9093`. */
  alertmanager: (namespace = 'monitoring', release = 'kube-prometheus-stack'): ChartUpstream =>
    chartUi(`${release}-alertmanager`, namespace, 9093, { 'app.kubernetes.io/name': 'alertmanager', 'operator.prometheus.io/name': `${release}-alertmanager` }, 9093),
  /** Hubble UI of the Cilium chart: `hubble-ui:80` → pods `k8s-app=hubble-ui` port 8081. */
  hubbleUi: (namespace = 'kube-system'): ChartUpstream =>
    chartUi('hubble-ui', namespace, 80, { 'k8s-app': 'hubble-ui' }, 8081),
} as const;
