import { AnalysisViolation, PolicyRule, RuleLevel } from '../../rule';
import { list, namespaceOf } from '../cluster/_shared';
import { referenceIndex, serviceProblem } from './_references';

/**
 * HK-NET-07: every Service backend of an Ingress (`defaultBackend` and each path) names a Service
 * of the Ingress's namespace, synthesized or declared external, and a port number or name the
 * Service exposes.
 */
export const ingressBackendsRule: PolicyRule = {
  id: 'HK-NET-07',
  level: RuleLevel.ERROR,
  title: 'Ingress backends name existing Services and ports',
  explanation: 'An Ingress is accepted whatever its backends name; a missing Service or a wrong port shows up only as 503s from the '
    + 'controller (or a "service not found" line in its log). The same failure class as the homelab\'s orphan route to a Gateway that '
    + 'did not exist (seed 003) and the cortex services that named redis instead of redis-queue (seed 000). An Ingress backend always '
    + 'lives in the Ingress\'s own namespace; port.number is matched against the Service ports, port.name against their names. '
    + 'Services a Helm chart renders are not in the object set: one named <release> or <release>-… in the namespace of a Flux HelmRelease '
    + 'or Argo CD Helm Application counts as the chart\'s (its port unchecked); declare any other in profile.externalServices.',
  fix: 'Name a Service of the Ingress\'s namespace and one of its ports (prefer an HTTPRoute built with AppRoute, which takes both from the '
    + 'Service object), or declare a Service installed outside this program in profile.externalServices.',
  analyze(ctx) {
    const idx = referenceIndex(ctx);
    const out: AnalysisViolation[] = [];
    for (const record of ctx.byKind('Ingress')) {
      const m = record.manifest;
      if (!m.apiVersion.startsWith('networking.k8s.io/')) continue;
      const namespace = namespaceOf(m);
      const judge = (where: string, svc: any) => {
        if (typeof svc?.name !== 'string') return;
        const port = svc.port?.number ?? svc.port?.name;
        const p = serviceProblem(idx, namespace, svc.name, port, namespace);
        if (p) {
          out.push({ target: record, message: `${where} sends traffic to ${p.problem}`, fix: p.fix });
        } else if (port === undefined) {
          out.push({ target: record, message: `${where} names Service ${svc.name} without a port`, fix: 'set backend.service.port.number (or .name) to a port of the Service' });
        }
      };
      judge('defaultBackend', m.spec?.defaultBackend?.service);
      list(m.spec?.rules).forEach((rule: any, i: number) => {
        list(rule?.http?.paths).forEach((path: any, j: number) => {
          const at = [rule?.host ? `host ${rule.host}` : 'any host', path?.path !== undefined ? `path ${path.path}` : undefined].filter(Boolean).join(', ');
          judge(`rules[${i}].http.paths[${j}] (${at})`, path?.backend?.service);
        });
      });
    }
    return out;
  },
};
