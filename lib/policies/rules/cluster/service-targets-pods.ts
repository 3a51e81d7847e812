import { AnalysisViolation, PolicyRule, RuleLevel, describe } from '../../rule';
import { PodIndex, PodTemplateRef, formatLabels, list, namespaceOf, podTemplates } from './_shared';

/** Containers that can serve a Service: main containers and sidecars (init containers with restartPolicy Always). */
function servingContainers(spec: any): any[] {
  return [...list(spec?.containers), ...list(spec?.initContainers).filter((c: any) => c?.restartPolicy === 'Always')];
}

/** True when some container of the pod declares the target port (by number or by name). */
function declaresPort(p: PodTemplateRef, target: number | string): boolean {
  return servingContainers(p.spec).some((c) => list(c?.ports).some((cp: any) => (typeof target === 'number' ? cp?.containerPort === target : cp?.name === target)));
}

/** A targetPort as a number or a port name; digit-only strings are numbers. */
function targetOf(port: any): number | string | undefined {
  const t = port?.targetPort ?? port?.port;
  if (typeof t === 'number') return t;
  if (typeof t === 'string') return /^\d+$/.test(t) ? Number(t) : t;
  return undefined;
}

/** HK-NET-04: every Service with a selector selects pods, and every targetPort resolves to a containerPort of those pods. */
export const serviceTargetsPodsRule: PolicyRule = {
  id: 'HK-NET-04',
  level: RuleLevel.ERROR,
  title: 'Services select pods, and their target ports are ports those pods declare',
  explanation:
    'A Service whose selector matches no pod, or whose targetPort no container listens on, has no endpoints: clients get connection '
    + 'refused or time out while every object looks healthy. It is the inverse side of the cortex REDIS_HOST failure (seed 000, see '
    + 'HK-X-03), where clients and Services disagreed about names.',
  fix: 'Build the Service from the workload (the app pattern derives its selector and target ports from the pod template), or make the '
    + 'selector match the pod labels and the targetPort name or number match a containerPort.',
  analyze(ctx) {
    const index = new PodIndex(podTemplates(ctx));
    const out: AnalysisViolation[] = [];
    for (const r of ctx.byKind('Service')) {
      const m = r.manifest;
      const selector = m.spec?.selector;
      if (m.apiVersion !== 'v1' || m.spec?.type === 'ExternalName' || !selector || Object.keys(selector).length === 0) continue;
      const ns = namespaceOf(m);
      const selected = index.selectLabels(ns, selector);
      if (selected.length === 0) {
        out.push({
          target: r,
          message: `${describe(m)} selects no pod template in ${ns} (selector ${formatLabels(selector)})`,
          fix: `make the selector of ${describe(m)} match the pod template labels of the workload it fronts, or build it from that workload`,
        });
        continue;
      }
      const owners = selected.map((p) => describe(p.manifest)).join(', ');
      for (const port of list(m.spec?.ports)) {
        const target = targetOf(port);
        if (target === undefined || selected.some((p) => declaresPort(p, target))) continue;
        const shown = typeof target === 'number' ? String(target) : `"${target}"`;
        out.push({
          target: r,
          message: `${describe(m)} port ${port.port} targets container port ${shown}, which no container of the selected pods (${owners}) declares`,
          fix: `set targetPort of port ${port.port} to the name or number of a containerPort of ${owners}, or declare that port on the container`,
        });
      }
    }
    return out;
  },
};
