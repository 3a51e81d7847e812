import { AnnotationKeys } from '../../../core/labels';
import { AnalysisViolation, PolicyRule, RuleLevel } from '../../rule';
import { ADMIN_UIS, describeBackend, describeExposure, exposureIndex } from './_shared';

/**
 * HK-EXP-02: a known admin or data UI is reached only through an auth proxy or with its own
 * login declared (`app-native: …`); `public:` is refused for it, on routes, Ingresses and
 * LoadBalancer/NodePort Services alike.
 */
export const adminUiAuthRule: PolicyRule = {
  id: 'HK-EXP-02',
  level: RuleLevel.ERROR,
  title: 'Admin and data UIs are reached only through an auth proxy or their own declared login, never "public"',
  explanation: 'Prometheus, Alertmanager, the Longhorn UI, Hubble, dashboards, Ollama, Qdrant and similar UIs have no login of their own '
    + 'by default, and what they show or allow (metrics of every workload, deleting volumes, running models, reading vectors) is not for '
    + 'anyone on the network. Seed 003 published Prometheus without authentication and the Longhorn UI through a LoadBalancer-less '
    + 'Ingress and two HTTPRoutes. A route, Ingress or LoadBalancer/NodePort Service whose backend is one of these (recognised by '
    + `Service name, app.kubernetes.io/name or image: ${ADMIN_UIS.map((u) => u.name).join(', ')}) must go through an auth proxy, or `
    + `declare the UI's own login with ${AnnotationKeys.AUTH}: "app-native: <reason>"; "public: …" is refused.`,
  fix: 'Put the UI behind an OAuth2Proxy front (and make its Service ClusterIP), or, if the UI has a login of its own, declare it as '
    + `${AnnotationKeys.AUTH}: "app-native: <that login>".`,
  analyze(ctx) {
    const idx = exposureIndex(ctx);
    const out: AnalysisViolation[] = [];
    for (const e of idx.exposures) {
      const service = e.via === 'LoadBalancer' || e.via === 'NodePort';
      for (const b of e.backends) {
        if (idx.isAuthProxy(b)) continue;
        const ui = idx.adminUi(b);
        if (!ui) continue;
        if (e.auth?.kind === 'public') {
          out.push({
            target: e.record,
            message: `${describeExposure(e)} declares "public: ${e.auth.reason}" but its backend ${describeBackend(b, e.namespace)} is ${ui.name}, an admin/data UI`,
            fix: `put ${ui.name} behind an OAuth2Proxy front; "public" is refused for admin UIs`,
          });
        } else if (service && e.auth?.kind !== 'app-native') {
          out.push({
            target: e.record,
            message: `${describeExposure(e)} publishes ${ui.name} on every node${e.via === 'LoadBalancer' ? ' and on a load-balancer address' : ''} without an auth proxy`
              + (e.auth === undefined ? ' and without an auth declaration' : ''),
            fix: `make the Service ClusterIP and expose ${ui.name} through an OAuth2Proxy front; if it has its own login, annotate the Service ${AnnotationKeys.AUTH}: "app-native: <that login>"`,
          });
        }
      }
    }
    return out;
  },
};
