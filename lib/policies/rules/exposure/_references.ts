import { helmReleaseOf } from '../../helm';
import { Manifest, PolicyContext } from '../../rule';
import { list, namespaceOf, push } from '../cluster/_shared';

/** One port of a Service a backend may name. */
export interface ServicePort {
  readonly port: number;
  readonly name?: string;
}

/** A Service a route or Ingress can send traffic to. */
export interface BackendService {
  /** Its ports; `undefined` when any port is accepted (ExternalName Services). */
  readonly ports?: readonly ServicePort[];
  /** True for a Service declared in `profile.externalServices` (its port names are unknown). */
  readonly external: boolean;
}

/**
 * What the route and Ingress reference rules resolve against: the synthesized Services and the
 * profile's external ones, the Gateways, the ReferenceGrants and the namespaces' labels. Built
 * once per policy context, linear in the objects.
 */
export interface ReferenceIndex {
  /** The Service `namespace/name`, synthesized or declared external. */
  service(namespace: string, name: string): BackendService | undefined;
  /**
   * The Helm release in `namespace` that renders Service `name`, judged by Helm's naming
   * convention (`<release>` or `<release>-…`), when the Service is not in the object set.
   */
  chartRelease(namespace: string, name: string): string | undefined;
  /** Names of the Services known in `namespace`, sorted. */
  servicesIn(namespace: string): readonly string[];
  /** The Gateway `namespace/name`, when synthesized. */
  gateway(namespace: string, name: string): Manifest | undefined;
  /** `namespace/name` of every synthesized Gateway, sorted. */
  readonly gateways: readonly string[];
  /** The ReferenceGrants in `namespace`. */
  grantsIn(namespace: string): readonly Manifest[];
  /** The labels of namespace `name`: those of its Namespace object, plus `kubernetes.io/metadata.name`. */
  namespaceLabels(name: string): Record<string, string>;
}

const CACHE = new WeakMap<PolicyContext, ReferenceIndex>();

/** The reference index of `ctx` (computed once per context). */
export function referenceIndex(ctx: PolicyContext): ReferenceIndex {
  let idx = CACHE.get(ctx);
  if (!idx) {
    idx = buildIndex(ctx);
    CACHE.set(ctx, idx);
  }
  return idx;
}

function buildIndex(ctx: PolicyContext): ReferenceIndex {
  const services = new Map<string, BackendService>();
  const names = new Map<string, string[]>();
  const add = (namespace: string, name: string, target: BackendService) => {
    const key = `${namespace}/${name}`;
    if (services.has(key)) return;
    services.set(key, target);
    push(names, namespace, name);
  };
  for (const r of ctx.byKind('Service')) {
    const m = r.manifest;
    if (m.apiVersion !== 'v1' || typeof m.metadata?.name !== 'string') continue;
    add(namespaceOf(m), m.metadata.name, { ports: servicePorts(m), external: false });
  }
  for (const s of ctx.profile?.externalServices ?? []) {
    add(s.namespace, s.name, { ports: s.ports.map((port) => ({ port })), external: true });
  }
  for (const v of names.values()) v.sort();

  const gateways = new Map<string, Manifest>();
  for (const r of ctx.byKind('Gateway')) {
    const m = r.manifest;
    if (!m.apiVersion.startsWith('gateway.networking.k8s.io/') || typeof m.metadata?.name !== 'string') continue;
    gateways.set(`${namespaceOf(m)}/${m.metadata.name}`, m);
  }
  const grants = new Map<string, Manifest[]>();
  for (const r of ctx.byKind('ReferenceGrant')) {
    if (r.manifest.apiVersion.startsWith('gateway.networking.k8s.io/')) push(grants, namespaceOf(r.manifest), r.manifest);
  }
  const namespaceLabels = new Map<string, Record<string, string>>();
  for (const r of ctx.byKind('Namespace')) {
    const name = r.manifest.metadata?.name;
    if (typeof name === 'string') namespaceLabels.set(name, { ...(r.manifest.metadata.labels ?? {}), 'kubernetes.io/metadata.name': name });
  }
  const releases = new Map<string, string[]>();
  for (const kind of ['HelmRelease', 'Application']) {
    for (const r of ctx.byKind(kind)) {
      const release = helmReleaseOf(r.manifest);
      if (release?.namespace && release.release) push(releases, release.namespace, release.release);
    }
  }
  const gatewayNames = [...gateways.keys()].sort();
  return {
    service: (ns, name) => services.get(`${ns}/${name}`),
    servicesIn: (ns) => names.get(ns) ?? [],
    chartRelease: (ns, name) => (releases.get(ns) ?? []).find((r) => name === r || name.startsWith(`${r}-`)),
    gateway: (ns, name) => gateways.get(`${ns}/${name}`),
    gateways: gatewayNames,
    grantsIn: (ns) => grants.get(ns) ?? [],
    namespaceLabels: (name) => namespaceLabels.get(name) ?? { 'kubernetes.io/metadata.name': name },
  };
}

/** The ports of a Service (`undefined` for ExternalName: the name resolves elsewhere, any port). */
function servicePorts(m: Manifest): ServicePort[] | undefined {
  if (m.spec?.type === 'ExternalName') return undefined;
  return list(m.spec?.ports)
    .filter((p) => typeof p?.port === 'number')
    .map((p) => ({ port: p.port, name: typeof p.name === 'string' ? p.name : undefined }));
}

/** `80 (http), 443` for messages. */
export function describePorts(ports: readonly ServicePort[]): string {
  return ports.length === 0 ? 'no ports' : ports.map((p) => (p.name ? `${p.port} (${p.name})` : String(p.port))).join(', ');
}

/**
 * True when a ReferenceGrant in the backend's namespace lets a `kind` in `fromNamespace`
 * reference Service `service` (Gateway API: `from` group/kind/namespace, `to` group ""/kind
 * Service, with or without the name).
 */
export function grantAdmits(grants: readonly Manifest[], kind: string, fromNamespace: string, service: string): boolean {
  return grants.some((g) => list(g.spec?.from).some((f: any) => f?.group === 'gateway.networking.k8s.io' && f?.kind === kind && f?.namespace === fromNamespace)
    && list(g.spec?.to).some((t: any) => (t?.group ?? '') === '' && t?.kind === 'Service' && (t?.name === undefined || t.name === '' || t.name === service)));
}

/**
 * What is wrong with a reference to Service `namespace/name` on `port` (a number or, for an
 * Ingress, a port name), or `undefined` when it resolves. `fix` says how to repair it.
 */
export function serviceProblem(idx: ReferenceIndex, namespace: string, name: string, port: number | string | undefined, from: string): { problem: string; fix: string } | undefined {
  const svc = idx.service(namespace, name);
  const where = namespace === from ? name : `${namespace}/${name}`;
  if (!svc && idx.chartRelease(namespace, name) !== undefined) return undefined;
  if (!svc) {
    const known = idx.servicesIn(namespace);
    return {
      problem: `Service ${where}, which does not exist (${known.length ? `Services in ${namespace}: ${known.join(', ')}` : `no Services in ${namespace}`})`,
      fix: `${known.length ? `name one of the Services in ${namespace} (${known.join(', ')})` : `synthesize Service ${name} in ${namespace}`}, `
        + `or declare ${namespace}/${name} in profile.externalServices if it is installed outside this program`,
    };
  }
  if (port === undefined || svc.ports === undefined) return undefined;
  if (typeof port === 'number') {
    if (svc.ports.some((p) => p.port === port)) return undefined;
  } else if (svc.external || svc.ports.some((p) => p.name === port)) {
    return undefined;
  }
  const ports = describePorts(svc.ports);
  let use: string;
  if (typeof port === 'number') {
    use = `use port ${svc.ports.map((p) => p.port).join(' or ')} (the Service port, not the container port)`;
  } else {
    const named = svc.ports.filter((p) => p.name).map((p) => `"${p.name}"`);
    use = named.length ? `use port name ${named.join(' or ')}` : `use port number ${svc.ports.map((p) => p.port).join(' or ')} (the Service names none of its ports)`;
  }
  return {
    problem: `port ${typeof port === 'number' ? port : `"${port}"`} of Service ${where}, which exposes ${ports}`,
    fix: svc.ports.length ? `${use}, or add the port to Service ${where}` : `add the port to Service ${where}`,
  };
}
