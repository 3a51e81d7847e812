import { IConstruct } from 'constructs';
import { ValidationError } from '../core/errors';
import { ClusterProfile } from '../core/profile';

/** One port of a Service. */
export interface ServicePortRef {
  readonly name?: string;
  readonly port: number;
}

/**
 * A Service that other apps reference by object, never by a hand-typed host name: the
 * `redis` vs `redis-queue` mistake of the cortex cluster cannot be written.
 * Implemented by {@link AppWorkload} and by {@link ExternalService}.
 */
export interface IServiceEndpoint {
  readonly serviceName: string;
  readonly namespace: string;
  readonly servicePorts: readonly ServicePortRef[];
  /** Pod labels behind the Service, when synthesized here (used for NetworkPolicy peers). */
  readonly podSelector?: Readonly<Record<string, string>>;
}

/** `name.namespace.svc.cluster.local`. */
export function serviceHost(s: IServiceEndpoint): string {
  return `${s.serviceName}.${s.namespace}.svc.cluster.local`;
}

/**
 * True when `value` has the shape of an {@link IServiceEndpoint} (a Service name, a namespace and
 * a port list): what a construct checks before it reads a Service reference that a JavaScript
 * caller may have left out or given as something else.
 */
export function isServiceEndpoint(value: unknown): value is IServiceEndpoint {
  const v = value as Partial<IServiceEndpoint> | null | undefined;
  return typeof v === 'object' && v !== null && typeof v.serviceName === 'string' && typeof v.namespace === 'string' && Array.isArray(v.servicePorts);
}

/**
 * The port of `s` named `name` (or its only/first port when `name` is omitted).
 *
 * The error is path-less and names `prop`, which is relative to the prop the caller places it
 * under: a construct whose own prop holds the port name (`port`, `upstreamPort`) calls
 * `ValidationError.within(this, '<its prop>', () => servicePort(s, name))` and the error names
 * exactly that prop; a caller whose prop holds more than the name (an env reference) passes
 * `prop: 'port'` to name the part.
 * @param prop the part of the caller's prop that holds `name` @default '' (the caller's prop itself)
 * @throws ValidationError when there is no such port
 */
export function servicePort(s: IServiceEndpoint, name?: string, prop = ''): number {
  if (s.servicePorts.length === 0) {
    throw new ValidationError(undefined, { prop, value: name, rule: `Service ${s.serviceName}.${s.namespace} has no ports`, fix: 'give the referenced app a port' });
  }
  if (name === undefined) {
    return s.servicePorts[0].port;
  }
  // a port without a name (external services declare numbers only) is named by its number
  const p = s.servicePorts.find((x) => (x.name ?? String(x.port)) === name);
  if (!p) {
    throw new ValidationError(undefined, {
      prop, value: name,
      rule: `Service ${s.serviceName}.${s.namespace} has no port of that name (ports: ${s.servicePorts.map((x) => x.name ?? x.port).join(', ')})`,
      fix: `use one of ${s.servicePorts.map((x) => JSON.stringify(x.name ?? String(x.port))).join(', ')}`,
    });
  }
  return p.port;
}

/**
 * A Service that exists in the cluster but is not synthesized by this program. It must be
 * declared in the cluster profile's `externalServices`, so that references to it are checked
 * like references to synthesized Services.
 */
export class ExternalService implements IServiceEndpoint {
  /**
   * The external service `name` in `namespace`, as declared in the profile.
   * @throws ValidationError naming the declared external services when it is not declared
   */
  public static fromProfile(scope: IConstruct, namespace: string, name: string): ExternalService {
    const profile = ClusterProfile.of(scope);
    const found = profile.externalServices.find((s) => s.name === name && s.namespace === namespace);
    if (!found) {
      const known = profile.externalServices.map((s) => `${s.name}.${s.namespace}`);
      throw new ValidationError(scope, {
        prop: 'externalService', value: `${name}.${namespace}`,
        rule: `not declared in the ${profile.name} profile's externalServices${known.length ? ` (declared: ${known.join(', ')})` : ''}`,
        fix: `add { name: '${name}', namespace: '${namespace}', ports: [...], reason: '...' } to profile.externalServices, or reference the synthesized app object`,
      });
    }
    return new ExternalService(found.name, found.namespace, found.ports.map((port) => ({ port })));
  }

  private constructor(public readonly serviceName: string, public readonly namespace: string, public readonly servicePorts: readonly ServicePortRef[]) {}
}
