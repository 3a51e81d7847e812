import { AnalysisViolation, PolicyRule, RuleLevel } from '../../rule';
import { push } from '../cluster/_shared';
import { Exposure, describeBackend, describeExposure, exposureIndex } from './_shared';

/**
 * HK-EXP-03: a host name served through an auth proxy is not also routed straight to a backend
 * by another route or Ingress.
 */
export const proxyBypassRule: PolicyRule = {
  id: 'HK-EXP-03',
  level: RuleLevel.ERROR,
  title: 'A host served through an auth proxy has no second, direct route',
  explanation: 'When two routes or Ingresses claim the same host name, which one the gateway uses depends on match precedence and '
    + 'creation order, so adding an auth proxy next to an existing direct route protects nothing reliably. Seed 003\'s Longhorn UI had '
    + 'three at once: the OAuth2-proxy HTTPRoute, a direct HTTPRoute to longhorn-frontend for the same host, and the chart\'s Ingress '
    + 'with TLS off; its Prometheus "secured by OAuth2-proxy" kept a direct route under the same name.',
  fix: 'Delete the direct route (and turn off the chart\'s own Ingress or route): the OAuth2Proxy front\'s HTTPRoute is the only one for the host.',
  analyze(ctx) {
    const idx = exposureIndex(ctx);
    const byHost = new Map<string, Exposure[]>();
    for (const e of idx.exposures) {
      if (e.backends.length === 0) continue;
      for (const h of e.hosts) if (h !== '' && !h.startsWith('*')) push(byHost, h.toLowerCase(), e);
    }
    const out: AnalysisViolation[] = [];
    const reported = new Set<Exposure>();
    for (const [host, exposures] of byHost) {
      if (exposures.length < 2) continue;
      const proxied = exposures.find((e) => e.backends.every((b) => idx.isAuthProxy(b)));
      if (!proxied) continue;
      for (const e of exposures) {
        if (e === proxied || reported.has(e)) continue;
        const direct = e.backends.filter((b) => !idx.isAuthProxy(b));
        if (direct.length === 0) continue;
        reported.add(e);
        out.push({
          target: e.record,
          message: `${describeExposure(e)} sends ${host} straight to ${direct.map((b) => describeBackend(b, e.namespace)).join(', ')}, `
            + `while ${describeExposure(proxied)} sends the same host through the auth proxy ${proxied.backends.map((b) => describeBackend(b, proxied.namespace)).join(', ')}: `
            + 'the direct one bypasses authentication',
          fix: `delete ${describeExposure(e)} (the auth proxy already serves ${host})`,
        });
      }
    }
    return out;
  },
};
