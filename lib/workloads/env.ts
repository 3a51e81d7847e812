import { ValidationError, invalid } from '../core/errors';
import { validateConfigKey, validateDnsSubdomain, validateLabelKey } from '../core/names';
import { IServiceEndpoint, serviceHost, servicePort } from './service-ref';

/**
 * The pod fields the API server accepts in an env `fieldRef` (besides `metadata.labels['<key>']`
 * and `metadata.annotations['<key>']`). Kubernetes' own list; `metadata.labels` and
 * `status.phase` without a key work only in downward API volumes.
 */
export const ENV_FIELD_PATHS: readonly string[] = [
  'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName',
  'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
];

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
  | { kind: 'service'; ref: EnvServiceReference; render: (portNumber: number) => string; scheme?: string; path?: string };

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
      scheme,
      path: options.path,
    });
  }

  private constructor(private readonly source: Source) {}

  /**
   * Checks what the factory received: Secret and ConfigMap names (DNS-1123 subdomains) and keys
   * (`[-._a-zA-Z0-9]+`), pod field paths the API server accepts for env, a URL scheme and an
   * absolute URL path. Throws a path-less ValidationError; the construct that uses the value
   * places it (e.g. `env.DB_PASSWORD.key`).
   * @internal
   */
  public _validate(): void {
    const s = this.source;
    switch (s.kind) {
      case 'secret':
      case 'configMap':
        ValidationError.under('name', () => validateDnsSubdomain(s.name));
        ValidationError.under('key', () => validateConfigKey(s.key));
        return;
      case 'field':
        validateEnvFieldPath(s.fieldPath);
        return;
      case 'service':
        if (s.scheme !== undefined && !/^[a-z][a-z0-9+.-]*$/.test(s.scheme)) {
          invalid('scheme', s.scheme, 'not a URL scheme (a lower-case letter, then letters, digits, "+", "-" or ".")', 'use e.g. "http", "https", "redis" or "postgres", without "://"');
        }
        if (s.path !== undefined && s.path !== '' && (typeof s.path !== 'string' || !s.path.startsWith('/'))) {
          invalid('path', s.path, 'the path after the port starts with "/"', `use "/${String(s.path).replace(/^\/*/, '')}"`);
        }
        return;
      default:
        return;
    }
  }

  /** The Service this value refers to, if any. */
  public get serviceReference(): EnvServiceReference | undefined {
    return this.source.kind === 'service' ? this.source.ref : undefined;
  }

  /** The Secret this value reads, if any. */
  public get secretName(): string | undefined {
    return this.source.kind === 'secret' ? this.source.name : undefined;
  }

  /** The value of a literal (`EnvValue.of`), `undefined` for references. */
  public get literal(): string | undefined {
    return this.source.kind === 'literal' ? this.source.value : undefined;
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
      default: return { name, value: s.render(servicePort(s.ref.service, s.ref.portName, 'port')) };
    }
  }
}

/** Checks an env `fieldRef` path against what the API server accepts (path-less error, prop `fieldPath`). */
function validateEnvFieldPath(path: string): void {
  const subscript = typeof path === 'string' ? /^metadata\.(labels|annotations)\['([^']*)'\]$/.exec(path) : null;
  if (subscript) {
    ValidationError.under('fieldPath', () => validateLabelKey(subscript[1] === 'annotations' ? subscript[2].toLowerCase() : subscript[2]));
    return;
  }
  if (!ENV_FIELD_PATHS.includes(path)) {
    invalid('fieldPath', path, `not a pod field the API server offers to env (${ENV_FIELD_PATHS.join(', ')}, metadata.labels['<key>'], metadata.annotations['<key>'])`,
      path === 'metadata.labels' || path === 'metadata.annotations' ? `name one key, e.g. "${path}['app.kubernetes.io/name']"` : 'use one of these, e.g. "status.podIP"');
  }
}
