import { selectorMatches } from '../../pod';
import { AnalysisViolation, Manifest, ManifestRecord, PolicyContext, PolicyRule, RuleLevel } from '../../rule';
import { list, namespaceOf } from '../cluster/_shared';
import { ReferenceIndex, grantAdmits, referenceIndex, serviceProblem } from './_references';

const GATEWAY_GROUP = 'gateway.networking.k8s.io';
const ROUTE_KINDS: ReadonlySet<string> = new Set(['HTTPRoute', 'GRPCRoute']);

/** Why `listener` of a Gateway in `gatewayNamespace` does not take a `kind` from `routeNamespace`, or `undefined` when it does. */
function refusal(listener: any, gatewayNamespace: string, routeNamespace: string, kind: string, idx: ReferenceIndex): string | undefined {
  const namespaces = listener?.allowedRoutes?.namespaces;
  const from = namespaces?.from ?? 'Same';
  if (from === 'Same' && routeNamespace !== gatewayNamespace) {
    return `admits routes from its own namespace ${gatewayNamespace} only (allowedRoutes.namespaces.from: Same, the default)`;
  }
  if (from === 'Selector' && !selectorMatches(namespaces?.selector ?? {}, idx.namespaceLabels(routeNamespace))) {
    return `admits routes only from namespaces its allowedRoutes.namespaces.selector matches, and ${routeNamespace} does not match`;
  }
  const kinds = list(listener?.allowedRoutes?.kinds);
  if (kinds.length > 0 && !kinds.some((k: any) => k?.kind === kind && (k?.group ?? GATEWAY_GROUP) === GATEWAY_GROUP)) {
    return `admits only ${kinds.map((k: any) => k?.kind).join(', ')} (allowedRoutes.kinds)`;
  }
  if (kinds.length === 0 && ['TCP', 'UDP', 'TLS'].includes(listener?.protocol)) {
    return `is a ${listener.protocol} listener, which takes no ${kind}`;
  }
  return undefined;
}

/** The problem with one parentRef of a route, or `undefined` when it attaches. */
function parentProblem(ref: any, route: Manifest, idx: ReferenceIndex, ctx: PolicyContext): { message: string; fix: string } | undefined {
  const routeNamespace = namespaceOf(route);
  const namespace: string = ref.namespace ?? routeNamespace;
  const name: string = ref.name;
  const id = `${namespace}/${name}`;
  const profileGateway = ctx.profile?.gateway;
  const gateway = idx.gateway(namespace, name);
  if (!gateway) {
    const isProfile = profileGateway !== undefined && profileGateway.name === name && profileGateway.namespace === namespace;
    if (isProfile) {
      if (ref.sectionName !== undefined && ref.sectionName !== profileGateway.sectionName) {
        return {
          message: `names listener "${ref.sectionName}" of Gateway ${id}, but the listener routes attach to is "${profileGateway.sectionName}" (profile.gateway.sectionName)`,
          fix: `use sectionName "${profileGateway.sectionName}" (AppRoute takes it from the profile)`,
        };
      }
      return undefined;
    }
    const known = new Set(idx.gateways);
    if (profileGateway) known.add(`${profileGateway.namespace}/${profileGateway.name}`);
    const cluster = profileGateway ? `${profileGateway.namespace}/${profileGateway.name}` : undefined;
    return {
      message: `names Gateway ${id}, which does not exist (${known.size ? `Gateways: ${[...known].sort().join(', ')}` : 'no Gateway is synthesized and the profile names none'}): the route attaches to nothing and serves nothing`,
      fix: cluster
        ? `attach to the cluster's gateway: parentRefs [{name: ${profileGateway!.name}, namespace: ${profileGateway!.namespace}, sectionName: ${profileGateway!.sectionName}}] (AppRoute takes them from profile.gateway)`
        : 'synthesize the Gateway, or declare the cluster\'s gateway in profile.gateway and attach to it',
    };
  }
  const listeners = list(gateway.spec?.listeners);
  let candidates = listeners;
  if (ref.sectionName !== undefined) {
    candidates = listeners.filter((l: any) => l?.name === ref.sectionName);
    if (candidates.length === 0) {
      const names = listeners.map((l: any) => `"${l?.name}"`).join(', ') || 'none';
      return {
        message: `names listener "${ref.sectionName}" of Gateway ${id}, which has no such listener (listeners: ${names})`,
        fix: `use a listener of ${id}${listeners.length ? ` (sectionName ${listeners.map((l: any) => `"${l?.name}"`).join(' or ')})` : ''}`,
      };
    }
  }
  if (ref.port !== undefined) {
    const onPort = candidates.filter((l: any) => l?.port === ref.port);
    if (onPort.length === 0) {
      return {
        message: `names port ${ref.port} of Gateway ${id}${ref.sectionName !== undefined ? ` listener "${ref.sectionName}"` : ''}, which listens on ${[...new Set(candidates.map((l: any) => l?.port))].join(', ') || 'no port'}`,
        fix: 'drop parentRefs[].port, or use the port of the listener',
      };
    }
    candidates = onPort;
  }
  const reasons: string[] = [];
  for (const l of candidates) {
    const why = refusal(l, namespace, routeNamespace, route.kind, idx);
    if (why === undefined) return undefined;
    reasons.push(`listener "${l?.name}" ${why}`);
  }
  return {
    message: `attaches to Gateway ${id}, but ${reasons.length ? reasons.join('; ') : 'the Gateway has no listeners'}: the route is not accepted`,
    fix: reasons.length
      ? `attach to a listener that admits ${route.kind}s from ${routeNamespace}, or widen the listener's allowedRoutes (namespaces.from: All, or a selector matching ${routeNamespace})`
      : `give Gateway ${id} a listener`,
  };
}

/**
 * HK-EXP-08: every HTTPRoute and GRPCRoute attaches to a Gateway that exists (in the object set,
 * or the profile's gateway) through a listener that takes it, and sends traffic to Services that
 * exist, on a port they expose, with a ReferenceGrant when the Service is in another namespace.
 */
export const routeReferencesRule: PolicyRule = {
  id: 'HK-EXP-08',
  level: RuleLevel.ERROR,
  title: 'Routes attach to an existing Gateway listener and send traffic to existing Services and ports',
  explanation: 'Nothing checks a route\'s references when it is applied: a route to a Gateway that does not exist, to a listener the '
    + 'Gateway does not have or that does not admit the route\'s namespace, or to a missing Service or port is accepted by the API server '
    + 'and then serves nothing (the Gateway reports it only in the route\'s status). Seed 003\'s homelab kept such an orphan: the '
    + 'longhorn-oauth2-proxy route template named Gateway cilium-gateway in namespace gateway, listener https-web, while the cluster\'s '
    + 'Gateway was networking/main-gateway, listener https. Gateway API also refuses a backend in another namespace unless a ReferenceGrant '
    + 'in that namespace allows it. parentRefs default to kind Gateway in the route\'s namespace; backendRefs to kind Service in the route\'s '
    + 'namespace; only these kinds are judged. '
    + 'Services a Helm chart renders are not in the object set: one named <release> or <release>-… in the namespace of a Flux HelmRelease '
    + 'or Argo CD Helm Application counts as the chart\'s (its port unchecked); declare any other in profile.externalServices.',
  fix: 'Create routes with AppRoute (parentRefs from profile.gateway, the backend and its port from the Service object, a ReferenceGrant '
    + 'when the backend is in another namespace), or fix the reference named in the finding.',
  analyze(ctx) {
    const idx = referenceIndex(ctx);
    const out: AnalysisViolation[] = [];
    for (const kind of ROUTE_KINDS) {
      for (const record of ctx.byKind(kind)) {
        if (!record.manifest.apiVersion.startsWith(`${GATEWAY_GROUP}/`)) continue;
        judgeRoute(record, idx, ctx, out);
      }
    }
    return out;
  },
};

function judgeRoute(record: ManifestRecord, idx: ReferenceIndex, ctx: PolicyContext, out: AnalysisViolation[]): void {
  const route = record.manifest;
  const namespace = namespaceOf(route);
  const parents = list(route.spec?.parentRefs);
  if (parents.length === 0) {
    const g = ctx.profile?.gateway;
    out.push({
      target: record,
      message: 'has no parentRefs: it attaches to no Gateway and serves nothing',
      fix: g ? `attach it to the cluster's gateway: parentRefs [{name: ${g.name}, namespace: ${g.namespace}, sectionName: ${g.sectionName}}]` : 'attach it to a Gateway',
    });
  }
  parents.forEach((ref: any, i: number) => {
    if ((ref?.group ?? GATEWAY_GROUP) !== GATEWAY_GROUP || (ref?.kind ?? 'Gateway') !== 'Gateway' || typeof ref?.name !== 'string') return;
    const p = parentProblem(ref, route, idx, ctx);
    if (p) out.push({ target: record, message: `parentRefs[${i}] ${p.message}`, fix: p.fix });
  });
  list(route.spec?.rules).forEach((rule: any, i: number) => {
    list(rule?.backendRefs).forEach((ref: any, j: number) => {
      if ((ref?.group ?? '') !== '' || (ref?.kind ?? 'Service') !== 'Service' || typeof ref?.name !== 'string') return;
      const where = `rules[${i}].backendRefs[${j}]`;
      const target: string = ref.namespace ?? namespace;
      const p = serviceProblem(idx, target, ref.name, ref.port, namespace);
      if (p) {
        out.push({ target: record, message: `${where} sends traffic to ${p.problem}`, fix: p.fix });
        return;
      }
      const svc = target === namespace ? ref.name : `${target}/${ref.name}`;
      if (ref.port === undefined) {
        out.push({
          target: record,
          message: `${where} names Service ${svc} without a port (Gateway API requires the port of a Service backend)`,
          fix: `add the Service port${(idx.service(target, ref.name)?.ports ?? []).length ? ` (${idx.service(target, ref.name)!.ports!.map((sp) => sp.port).join(' or ')})` : ''}`,
        });
      }
      if (target !== namespace && !grantAdmits(idx.grantsIn(target), route.kind, namespace, ref.name)) {
        out.push({
          target: record,
          message: `${where} sends traffic to Service ${svc} in another namespace, and no ReferenceGrant in ${target} lets ${route.kind}s from ${namespace} reference it: the Gateway refuses the backend`,
          fix: `add a ReferenceGrant in ${target}: from [{group: ${GATEWAY_GROUP}, kind: ${route.kind}, namespace: ${namespace}}], to [{group: "", kind: Service, name: ${ref.name}}] (AppRoute creates it)`,
        });
      }
    });
  });
}
