import { isBatch, podTemplateOf } from '../../pod';
import { ManifestRecord, PolicyContext, PolicyRule, RuleLevel } from '../../rule';
import { asArray } from './_shared';

const MAX_LISTED = 3;
const examples = new WeakMap<readonly ManifestRecord[], string[]>();

/**
 * Up to {@link MAX_LISTED} variables the kubelet would inject into pods of `namespace` from its
 * Services (headless and ExternalName Services inject nothing). Computed once per namespace.
 */
function injected(ctx: PolicyContext, namespace: string | undefined): string[] {
  if (!namespace) return [];
  const services = ctx.inNamespace('Service', namespace);
  let vars = examples.get(services);
  if (!vars) {
    vars = [];
    for (const { manifest: s } of services) {
      if (vars.length >= MAX_LISTED) break;
      if (!s.metadata.name || s.spec?.clusterIP === 'None' || s.spec?.type === 'ExternalName') continue;
      const prefix = s.metadata.name.toUpperCase().replace(/-/g, '_');
      const first = asArray(s.spec?.ports)[0];
      if (first?.port !== undefined) {
        vars.push(`${prefix}_PORT=${String(first.protocol ?? 'TCP').toLowerCase()}://<cluster-ip>:${first.port}`);
      }
      vars.push(`${prefix}_SERVICE_HOST`);
    }
    vars = vars.slice(0, MAX_LISTED);
    examples.set(services, vars);
  }
  return vars;
}

/** HK-X-02: long-running pods set `enableServiceLinks: false`. */
export const serviceLinksRule: PolicyRule = {
  id: 'HK-X-02',
  level: RuleLevel.ERROR,
  title: 'long-running pods must set enableServiceLinks to false',
  explanation: 'By default the kubelet injects <SERVICE>_PORT=tcp://<ip>:<port>, <SERVICE>_SERVICE_HOST and more for every Service '
    + 'in the namespace. They shadow app settings of the same name: the Cortex rag-validator crashed on QDRANT_PORT=tcp://10.43.56.55:6333 '
    + 'where it expected a port number. Jobs and CronJobs are not judged.',
  fix: 'set spec.enableServiceLinks: false on the pod template and pass service addresses explicitly (e.g. QDRANT_HOST=qdrant, QDRANT_PORT=6333)',
  check: (m, ctx) => {
    const pod = podTemplateOf(m);
    if (!pod || isBatch(m) || pod.spec?.enableServiceLinks === false) return [];
    const vars = injected(ctx, m.metadata?.namespace);
    const what = vars.length > 0
      ? `${vars.join(', ')}, …`
      : '<SERVICE>_PORT=tcp://<cluster-ip>:<port>, <SERVICE>_SERVICE_HOST, … for every Service in the namespace,';
    return [{ message: `enableServiceLinks is not false: the kubelet injects ${what} which shadow app settings (the cortex rag-validator crash)` }];
  },
};
