import * as k8s from 'cdk8s-plus-29/lib/imports/k8s';
import { ValidationError, invalid } from '../core/errors';
import { validatePort } from '../core/names';

/** Timing of a probe. */
export interface ProbeOptions {
  /** Port name or number. @default - the app's primary port */
  readonly port?: string | number;
  /** Seconds between checks, at least 1. @default - depends on the probe's role (see AppWorkloadProps.probes) */
  readonly periodSeconds?: number;
  /** Failed checks in a row before the probe fails, at least 1. @default - depends on the probe's role */
  readonly failureThreshold?: number;
  /**
   * Passed checks in a row before a failed probe passes again. Kubernetes accepts only 1 for
   * liveness and startup probes; more is for readiness.
   * @default 1
   */
  readonly successThreshold?: number;
  /** Seconds a check may take, at least 1. @default 3 */
  readonly timeoutSeconds?: number;
  /** Seconds before the first check, 0 or more. Prefer a startup probe to an initial delay. @default 0 */
  readonly initialDelaySeconds?: number;
}

/** The probe timings, the least each accepts, and what to write instead. */
const TIMINGS: readonly { field: keyof ProbeOptions; min: number; fix: string }[] = [
  { field: 'periodSeconds', min: 1, fix: 'use e.g. 10, or leave it out for the role\'s default' },
  { field: 'timeoutSeconds', min: 1, fix: 'use e.g. 3, or leave it out' },
  { field: 'failureThreshold', min: 1, fix: 'use e.g. 3, or leave it out for the role\'s default' },
  { field: 'successThreshold', min: 1, fix: 'use 1, or leave it out' },
  { field: 'initialDelaySeconds', min: 0, fix: 'use 0 and a startup probe for slow starts' },
];

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
    return new Probe({ kind: 'exec', command: Array.isArray(command) ? [...command] : command }, options);
  }

  private constructor(private readonly action: ProbeAction, public readonly options: ProbeOptions) {}

  /**
   * Checks what the factory received: timings that are whole numbers of at least 1 (0 for
   * `initialDelaySeconds`; the API server would refuse a negative one and silently replace a 0
   * with its default), a port number from 1 to 65535, an absolute HTTP path, a non-empty command.
   * Throws a path-less ValidationError; the app that uses the probe places it.
   * @internal
   */
  public _validate(): void {
    for (const { field, min, fix } of TIMINGS) {
      const v = this.options[field];
      if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < min)) {
        invalid(field, v, min === 1
          ? 'must be a whole number of at least 1 (the API server refuses a negative one and replaces 0 with its own default)'
          : 'must be a whole number of seconds, 0 or more', fix);
      }
    }
    if (typeof this.options.port === 'number') {
      ValidationError.under('port', () => validatePort(this.options.port as number, 'use a port the app declares, by name (e.g. "http") or number'));
    }
    const a = this.action;
    if (a.kind === 'http' && (typeof a.path !== 'string' || !a.path.startsWith('/'))) {
      invalid('path', a.path, 'an HTTP probe path is absolute', `use "/${String(a.path ?? '').replace(/^\/*/, '')}"`);
    }
    if (a.kind === 'exec' && (!Array.isArray(a.command) || a.command.length === 0 || a.command.some((c) => typeof c !== 'string' || c === ''))) {
      invalid('command', a.command, 'an exec probe needs a command of non-empty strings', 'e.g. Probe.exec(["pg_isready", "-U", "postgres"])');
    }
  }

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
      ...(this.options.successThreshold !== undefined ? { successThreshold: this.options.successThreshold } : {}),
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
