import { AnnotationKeys } from '../../../core/labels';
import { helmReleaseOf } from '../../helm';
import { Manifest, PolicyRule, RuleLevel, RuleViolation, describe } from '../../rule';
import { authDeclarationOf } from './_shared';

/** Which UI a chart renders under a values path (for charts whose Ingress/route/Service values are known). */
export const CHART_UIS: readonly { readonly chart: RegExp; readonly path: RegExp; readonly ui: string }[] = [
  { chart: /^longhorn$/, path: /^(ingress|httproute|service\.ui)\b/i, ui: 'Longhorn UI' },
  { chart: /^kube-prometheus-stack$/, path: /^prometheus\./, ui: 'Prometheus' },
  { chart: /^kube-prometheus-stack$/, path: /^alertmanager\./, ui: 'Alertmanager' },
  { chart: /^kube-prometheus-stack$/, path: /^grafana\./, ui: 'Grafana' },
  { chart: /^prometheus$/, path: /^server\./, ui: 'Prometheus' },
  { chart: /^prometheus$/, path: /^alertmanager\./, ui: 'Alertmanager' },
  { chart: /^cilium$/, path: /^hubble\.ui\./, ui: 'Hubble UI' },
  { chart: /^(loki|grafana|kubernetes-dashboard|ollama|qdrant|minio)$/, path: /./, ui: '' },
];

const CHART_UI_NAMES: Record<string, string> = {
  loki: 'Loki', grafana: 'Grafana', 'kubernetes-dashboard': 'Kubernetes Dashboard', ollama: 'Ollama API', qdrant: 'Qdrant', minio: 'MinIO console',
};

/** One Ingress, route or exposed Service a chart's values switch on. */
interface ChartExposure {
  readonly path: string;
  readonly what: string;
  readonly annotations?: Record<string, unknown>;
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Ingresses, routes and LoadBalancer/NodePort Services that `values` turn on, with their values path. */
export function chartExposures(values: unknown, path = '', underService = false): ChartExposure[] {
  if (!isObject(values)) return [];
  const out: ChartExposure[] = [];
  for (const [key, v] of Object.entries(values)) {
    if (!isObject(v)) continue;
    const p = path ? `${path}.${key}` : key;
    if (/^ingress$/i.test(key) && v.enabled === true) {
      out.push({ path: p, what: 'Ingress', annotations: isObject(v.annotations) ? v.annotations : undefined });
      continue;
    }
    if (/^(route|routes|httproute)$/i.test(key)) {
      if (v.enabled === true) out.push({ path: p, what: 'HTTPRoute', annotations: isObject(v.annotations) ? v.annotations : undefined });
      for (const [name, r] of Object.entries(v)) {
        if (isObject(r) && r.enabled === true) out.push({ path: `${p}.${name}`, what: 'HTTPRoute', annotations: isObject(r.annotations) ? r.annotations : undefined });
      }
      continue;
    }
    const service = underService || /^service/i.test(key);
    if (service && (v.type === 'LoadBalancer' || v.type === 'NodePort')) {
      out.push({ path: p, what: `${v.type} Service`, annotations: isObject(v.annotations) ? v.annotations : undefined });
    }
    out.push(...chartExposures(v, p, service));
  }
  return out;
}

/** The UI a chart renders at `path`, if it is a known admin/data UI. */
function uiOf(chart: string, path: string): string | undefined {
  const hit = CHART_UIS.find((c) => c.chart.test(chart) && c.path.test(path));
  if (!hit) return undefined;
  return hit.ui || CHART_UI_NAMES[chart];
}

/**
 * HK-EXP-04: an upstream chart's values do not switch on its own Ingress, route or
 * LoadBalancer/NodePort Service for a UI, unless the values give it an auth declaration
 * (never "public" for an admin UI).
 */
export const chartExposureRule: PolicyRule = {
  id: 'HK-EXP-04',
  level: RuleLevel.ERROR,
  title: 'Upstream charts do not publish UIs on their own',
  explanation: 'Objects a Helm chart renders never reach the policy engine, so a chart\'s `ingress.enabled: true` is a route nobody '
    + 'checks. Seed 003\'s Longhorn chart ran with `ingress: {enabled: true, tls: false}`: a plain-HTTP path to the Longhorn UI next to '
    + 'the OAuth2-proxy route for the same host. The values of every Flux HelmRelease and Argo CD Helm Application are searched for '
    + 'Ingresses, routes (`route.enabled`, `route.<name>.enabled`, `httpRoute.enabled`) and LoadBalancer/NodePort Services that they switch on.',
  fix: 'Turn the chart\'s Ingress/route off (`…enabled: false`, Service type ClusterIP) and expose the UI with an OAuth2Proxy front, or '
    + `with AppRoute and an auth declaration; a chart exposure can also carry annotations: {"${AnnotationKeys.AUTH}": "app-native: <reason>"} in its values.`,
  check(m: Manifest) {
    const release = helmReleaseOf(m);
    if (!release) return [];
    const out: RuleViolation[] = [];
    for (const e of chartExposures(release.values)) {
      const ui = uiOf(release.chart ?? '', e.path);
      const decl = e.annotations ? authDeclarationOf({ apiVersion: 'v1', kind: 'Values', metadata: { annotations: e.annotations as Record<string, string> } }) : undefined;
      if (decl && decl.kind === 'app-native') continue;
      if (decl && decl.kind === 'public' && !ui) continue;
      const where = `${describe(m)} (chart ${release.chart ?? '?'} ${release.version ?? ''})`.replace(' )', ')');
      out.push({
        message: ui
          ? `${where} switches on ${e.path} (${e.what}) and publishes ${ui}, an admin/data UI, without an auth proxy${decl?.kind === 'public' ? ' and declared "public"' : ''}`
          : `${where} switches on ${e.path} (${e.what}): the chart's own route carries no auth declaration, and the policies cannot see what it renders`,
        fix: `set ${e.path}${e.what.endsWith('Service') ? ' to type ClusterIP' : '.enabled: false'} and expose ${ui ?? 'the UI'} through ${ui ? 'an OAuth2Proxy front' : 'AppRoute with an auth declaration'}`,
      });
    }
    return out;
  },
};
