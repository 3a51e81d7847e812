import { AnnotationKeys } from '../../../core/labels';
import { AnalysisViolation, PolicyRule, ReportSection, RuleLevel } from '../../rule';
import { describeBackend, describeExposure, exposureIndex } from './_shared';

const ROUTE_KINDS: ReadonlySet<string> = new Set(['HTTPRoute', 'GRPCRoute', 'Ingress']);

/**
 * HK-EXP-01: every route (HTTPRoute, GRPCRoute, Ingress) targets auth-proxy Services only, or
 * declares its auth in `hardened-homelab.io/auth` (`app-native: <reason>` / `public: <reason>`).
 * Its report hook writes the "Exposure" section of REPORT.md.
 */
export const routeAuthDeclaredRule: PolicyRule = {
  id: 'HK-EXP-01',
  level: RuleLevel.ERROR,
  title: 'Every route goes through an auth proxy or declares how its users are authenticated',
  explanation: 'A route publishes a Service to everyone who can reach the gateway. Seed 003 exposed Prometheus at '
    + 'https://prometheus.fletcherlabs.net "without any authentication", and the route Flux actually applied still went straight to '
    + 'Prometheus after the OAuth2-proxy was "deployed": nobody had to say how the route was protected, so nobody noticed it was not. '
    + `Every HTTPRoute, GRPCRoute and Ingress must either send all its traffic to an authenticating proxy (an OAuth2-proxy Service) or carry the `
    + `annotation ${AnnotationKeys.AUTH} = "app-native: <how users log in>" or "public: <why anyone may use it>".`,
  fix: `Put the UI behind an OAuth2Proxy front, or create the route with AppRoute and auth: RouteAuth.appNative("…") / RouteAuth.public("…") `
    + `(on a hand-written route: annotation ${AnnotationKeys.AUTH}: "app-native: <reason>").`,
  analyze(ctx) {
    const idx = exposureIndex(ctx);
    const out: AnalysisViolation[] = [];
    for (const e of idx.exposures) {
      if (!ROUTE_KINDS.has(e.via) || e.backends.length === 0) continue;
      const direct = e.backends.filter((b) => !idx.isAuthProxy(b));
      if (direct.length === 0) continue;
      const hosts = e.hosts.length ? e.hosts.join(', ') : 'any host';
      if (e.auth === undefined) {
        const admin = direct.map((b) => idx.adminUi(b)).find((ui) => ui !== undefined);
        out.push({
          target: e.record,
          message: `${describeExposure(e)} sends ${hosts} to ${direct.map((b) => describeBackend(b, e.namespace)).join(', ')} `
            + `with no auth declaration${admin ? ` — ${admin.name}, a known admin/data UI, would be open to anyone (seed 003: Prometheus exposed without auth)` : ''}`,
          fix: admin
            ? `put ${admin.name} behind an OAuth2Proxy front and route to the proxy instead; if ${admin.name} has its own login, annotate ${AnnotationKeys.AUTH}: "app-native: <that login>"`
            : undefined,
        });
      } else if (e.auth.kind === 'malformed') {
        out.push({
          target: e.record,
          message: `${describeExposure(e)} has ${AnnotationKeys.AUTH} = ${JSON.stringify(e.auth.value)}, which is neither "app-native: <reason>" nor "public: <reason>" (reason of at least 10 characters)`,
          fix: `write the annotation as "app-native: <how users log in>" or "public: <why it is open>"`,
        });
      }
    }
    return out;
  },
  report(ctx) {
    return exposureReport(ctx);
  },
};

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The "Exposure" section: every route, Ingress and LoadBalancer/NodePort Service, its hosts, backends and auth. */
function exposureReport(ctx: Parameters<NonNullable<PolicyRule['report']>>[0]): ReportSection | undefined {
  const idx = exposureIndex(ctx);
  if (idx.exposures.length === 0) return undefined;
  const rows = [...idx.exposures].sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  const lines = [
    'Every way in from outside the cluster, and how its users are authenticated (policy HK-EXP-01/02: routes to admin UIs go through an auth proxy).',
    '',
    '| exposure | hosts | backend | auth |',
    '|---|---|---|---|',
  ];
  for (const e of rows) {
    const backends = e.backends.length
      ? e.backends.map((b) => {
        const ui = idx.isAuthProxy(b) ? undefined : idx.adminUi(b);
        return `${describeBackend(b, e.namespace)}${ui ? ` (${ui.name})` : ''}`;
      }).join(', ')
      : '(redirect only)';
    let auth: string;
    if (e.backends.length > 0 && e.backends.every((b) => idx.isAuthProxy(b))) {
      const upstreams = e.backends.flatMap((b) => idx.proxyUpstreams(b));
      auth = `auth proxy${upstreams.length ? ` → ${upstreams.join(', ')}` : ''}`;
    } else if (e.auth === undefined) {
      auth = e.backends.length ? '**none declared**' : '-';
    } else if (e.auth.kind === 'malformed') {
      auth = `**malformed:** ${e.auth.value}`;
    } else {
      auth = `${e.auth.kind}: ${e.auth.reason}`;
    }
    lines.push(`| ${cell(describeExposure(e))} | ${cell(e.hosts.join(', ') || '-')} | ${cell(backends)} | ${cell(auth)} |`);
  }
  return { title: 'Exposure', lines };
}
