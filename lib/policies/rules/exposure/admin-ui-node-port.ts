import { AnalysisViolation, PolicyRule, RuleLevel } from '../../rule';
import { ADMIN_UIS, exposureIndex } from './_shared';
import { describePublication, isNodeExposure } from './node-port-services';

/**
 * HK-NET-11: no NodePort or LoadBalancer Service in front of a known admin or data UI (the
 * classification HK-EXP-01/02 use), whatever auth it declares.
 */
export const adminUiNodePortRule: PolicyRule = {
  id: 'HK-NET-11',
  level: RuleLevel.ERROR,
  title: 'No NodePort or LoadBalancer Service in front of an admin or data UI',
  explanation: 'A NodePort or LoadBalancer Service publishes its pods on every node (or on an address of its own) past the gateway, so past '
    + 'its TLS and its auth front. For an admin or data UI that is the seed-003 Prometheus exposure again, without even a host name: '
    + `${ADMIN_UIS.map((u) => u.name).join(', ')} (recognised by Service name, app.kubernetes.io/name or image, as in HK-EXP-01/02). `
    + 'An "app-native" auth declaration does not help: the login would travel over plain HTTP on the node port.',
  fix: 'Make the Service ClusterIP and expose the UI through an OAuth2Proxy front on the cluster gateway.',
  analyze(ctx) {
    const idx = exposureIndex(ctx);
    const out: AnalysisViolation[] = [];
    for (const e of idx.exposures) {
      if (!isNodeExposure(e)) continue;
      for (const b of e.backends) {
        if (idx.isAuthProxy(b)) continue;
        const ui = idx.adminUi(b);
        if (!ui) continue;
        out.push({
          target: e.record,
          message: `type ${e.record.manifest.spec.type} publishes ${ui.name}, an admin/data UI (${describePublication(e.record.manifest)}), past the gateway, its TLS and the auth front`,
          fix: `make the Service ClusterIP and expose ${ui.name} through an OAuth2Proxy front on the cluster gateway`,
        });
      }
    }
    return out;
  },
};
