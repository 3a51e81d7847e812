import { k8s } from 'cdk8s-plus-29';

/** Timing of a probe. */
export interface ProbeOptions {
  /** Port name or number. @default - the app's primary port */
  readonly port?: string | number;
  /** @default - depends on the probe's role (see AppWorkloadProps.probes) */
  readonly periodSeconds?: number;
  /** @default - depends on the probe's role */
  readonly failureThreshold?: number;
  /** @default 3 */
  readonly timeoutSeconds?: number;
  /** Prefer a startup probe to an initial delay. @default 0 */
  readonly initialDelaySeconds?: number;
}

type ProbeAction =
  | { kind: 'http'; path: string; scheme: 'HTTP' | 'HTTPS' }
  | { kind: 'tcp' }
  | { kind: 'exec'; command: string[] };

/**
 * A container probe: HTTP GET, TCP connect or a command. Probes check the container itself
 * (never another service: a readiness probe that waits for a dependency takes the app out of
 * service whenever the dependency blips).
 */
export class Probe {
  /** HTTP GET `path`; healthy on 2xx/3xx. */
  public static httpGet(path: string, options: ProbeOptions = {}): Probe {
    return new Probe({ kind: 'http', path, scheme: 'HTTP' }, options);
  }

  /** HTTPS GET `path` (certificate not verified by the kubelet). */
  public static httpsGet(path: string, options: ProbeOptions = {}): Probe {
    return new Probe({ kind: 'http', path, scheme: 'HTTPS' }, options);
  }

  /** TCP connect to the port. */
  public static tcpSocket(options: ProbeOptions = {}): Probe {
    return new Probe({ kind: 'tcp' }, options);
  }

  /** Runs `command` in the container; healthy on exit code 0. */
  public static exec(command: string[], options: ProbeOptions = {}): Probe {
    return new Probe({ kind: 'exec', command: [...command] }, options);
  }

  private constructor(private readonly action: ProbeAction, public readonly options: ProbeOptions) {}

  /** True when the probe needs a port. */
  public get needsPort(): boolean {
    return this.action.kind !== 'exec';
  }

  /** This probe with other timing. */
  public with(options: ProbeOptions): Probe {
    return new Probe(this.action, { ...this.options, ...options });
  }

  /** A short description for error messages, e.g. `httpGet /ping:http`. */
  public describe(defaultPort?: string | number): string {
    const port = this.options.port ?? defaultPort;
    switch (this.action.kind) {
      case 'http': return `httpGet ${this.action.path}:${port}`;
      case 'tcp': return `tcpSocket :${port}`;
      default: return `exec ${this.action.command.join(' ')}`;
    }
  }

  /**
   * The Kubernetes probe object.
   * @internal
   */
  public _render(defaults: { port?: string | number; periodSeconds: number; failureThreshold: number }): k8s.Probe {
    const p = this.options.port ?? defaults.port;
    const port = typeof p === 'number' ? k8s.IntOrString.fromNumber(p) : k8s.IntOrString.fromString(String(p));
    const timing = {
      periodSeconds: this.options.periodSeconds ?? defaults.periodSeconds,
      failureThreshold: this.options.failureThreshold ?? defaults.failureThreshold,
      timeoutSeconds: this.options.timeoutSeconds ?? 3,
      ...(this.options.initialDelaySeconds ? { initialDelaySeconds: this.options.initialDelaySeconds } : {}),
    };
    switch (this.action.kind) {
      case 'http': return { httpGet: { path: this.action.path, port, scheme: this.action.scheme }, ...timing };
      case 'tcp': return { tcpSocket: { port }, ...timing };
      default: return { exec: { command: this.action.command }, ...timing };
    }
  }

  /** Identity of what the probe checks (for readiness ≠ liveness). @internal */
  public _identity(defaultPort?: string | number): string {
    return this.describe(defaultPort);
  }
}
