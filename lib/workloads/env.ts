import { IServiceEndpoint, serviceHost, servicePort } from './service-ref';

/** Options for {@link EnvValue.serviceUrl}. */
export interface ServiceUrlOptions {
  /** @default 'http' */
  readonly scheme?: string;
  /** Port name on the Service. @default - the Service's first port */
  readonly port?: string;
  /** Path appended after the port, starting with `/`. @default '' */
  readonly path?: string;
}

/** A reference an env value makes to another Service (for NetworkPolicy derivation). */
export interface EnvServiceReference {
  readonly service: IServiceEndpoint;
  readonly portName?: string;
}

type Source =
  | { kind: 'literal'; value: string }
  | { kind: 'secret'; name: string; key: string; optional: boolean }
  | { kind: 'configMap'; name: string; key: string; optional: boolean }
  | { kind: 'field'; fieldPath: string }
  | { kind: 'service'; ref: EnvServiceReference; render: (portNumber: number) => string };

/**
 * The value of an environment variable: a literal, a Secret or ConfigMap key, a pod field, or
 * a value derived from a referenced Service (host, port or URL). Secret values are never
 * literals: they are referenced by name and key.
 */
export class EnvValue {
  /** A literal value. */
  public static of(value: string): EnvValue {
    return new EnvValue({ kind: 'literal', value: String(value) });
  }

  /** Key `key` of Secret `name`. @param optional the pod starts without it @default false */
  public static fromSecret(name: string, key: string, optional = false): EnvValue {
    return new EnvValue({ kind: 'secret', name, key, optional });
  }

  /** Key `key` of ConfigMap `name`. */
  public static fromConfigMap(name: string, key: string, optional = false): EnvValue {
    return new EnvValue({ kind: 'configMap', name, key, optional });
  }

  /** A pod field, e.g. `status.podIP` or `metadata.name`. */
  public static fromField(fieldPath: string): EnvValue {
    return new EnvValue({ kind: 'field', fieldPath });
  }

  /** The fully qualified host name of `service` (`name.ns.svc.cluster.local`). */
  public static serviceHost(service: IServiceEndpoint): EnvValue {
    return new EnvValue({ kind: 'service', ref: { service }, render: () => serviceHost(service) });
  }

  /** A port number of `service` (by port name; its first port by default). */
  public static servicePort(service: IServiceEndpoint, portName?: string): EnvValue {
    return new EnvValue({ kind: 'service', ref: { service, portName }, render: (p) => String(p) });
  }

  /** `scheme://name.ns.svc.cluster.local:port/path` of `service`. */
  public static serviceUrl(service: IServiceEndpoint, options: ServiceUrlOptions = {}): EnvValue {
    const scheme = options.scheme ?? 'http';
    return new EnvValue({
      kind: 'service',
      ref: { service, portName: options.port },
      render: (p) => `${scheme}://${serviceHost(service)}:${p}${options.path ?? ''}`,
    });
  }

  private constructor(private readonly source: Source) {}

  /** The Service this value refers to, if any. */
  public get serviceReference(): EnvServiceReference | undefined {
    return this.source.kind === 'service' ? this.source.ref : undefined;
  }

  /** The Secret this value reads, if any. */
  public get secretName(): string | undefined {
    return this.source.kind === 'secret' ? this.source.name : undefined;
  }

  /**
   * The `env[]` entry for variable `name`.
   * @internal
   */
  public _render(name: string): Record<string, unknown> {
    const s = this.source;
    switch (s.kind) {
      case 'literal': return { name, value: s.value };
      case 'secret': return { name, valueFrom: { secretKeyRef: { name: s.name, key: s.key, ...(s.optional ? { optional: true } : {}) } } };
      case 'configMap': return { name, valueFrom: { configMapKeyRef: { name: s.name, key: s.key, ...(s.optional ? { optional: true } : {}) } } };
      case 'field': return { name, valueFrom: { fieldRef: { fieldPath: s.fieldPath } } };
      default: return { name, value: s.render(servicePort(s.ref.service, s.ref.portName)) };
    }
  }
}
