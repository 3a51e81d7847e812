import { MIN_REASON_LENGTH, validateReason } from '../core/reasons';

const AUTH_PROXY = Symbol.for('hardened-homelab.AuthProxy');

/**
 * Marks a Service endpoint as an authenticating proxy (an OAuth2-proxy front), so that a route
 * to it may declare {@link RouteAuth.authProxy}. The policy rules recognise such Services from
 * the rendered objects (the pods behind them run an auth-proxy image); this marker is for the
 * construct-time check.
 */
export function markAuthProxy(endpoint: object): void {
  Object.defineProperty(endpoint, AUTH_PROXY, { value: true, enumerable: false });
}

/** True when `endpoint` was marked with {@link markAuthProxy}. */
export function isAuthProxy(endpoint: unknown): boolean {
  return typeof endpoint === 'object' && endpoint !== null && (endpoint as any)[AUTH_PROXY] === true;
}

/** How a route's users are authenticated. */
export enum RouteAuthKind {
  /** The backend is an authenticating proxy (OAuth2-proxy front); no annotation is written. */
  AUTH_PROXY = 'auth-proxy',
  /** The app has its own login; written as `hardened-homelab.io/auth: "app-native: <reason>"`. */
  APP_NATIVE = 'app-native',
  /** Deliberately open to anyone; written as `hardened-homelab.io/auth: "public: <reason>"`. Refused for admin UIs. */
  PUBLIC = 'public',
}

/** Shortest reason accepted for an `app-native` or `public` declaration. */
export const MIN_AUTH_REASON_LENGTH = MIN_REASON_LENGTH;

/**
 * The auth declaration every route must make (DESIGN §2): through an authenticating proxy, or
 * the app's own login, or deliberately public, the last two with a reason that ends up in the
 * route's `hardened-homelab.io/auth` annotation and in REPORT.md.
 */
export class RouteAuth {
  /** The route targets an OAuth2-proxy front (the backend must be one). */
  public static authProxy(): RouteAuth {
    return new RouteAuth(RouteAuthKind.AUTH_PROXY);
  }

  /**
   * The app authenticates its users itself (e.g. Grafana's login, Authentik itself). The route
   * that uses it refuses a reason shorter than 10 characters or spanning lines.
   * @param reason what the login is, e.g. "Grafana login, admin from Secret grafana-admin-credentials"
   */
  public static appNative(reason: string): RouteAuth {
    return new RouteAuth(RouteAuthKind.APP_NATIVE, reason);
  }

  /**
   * The route is open to anyone on purpose (a status page, a public website). Refused by the
   * exposure policy when the backend is a known admin or data UI. The route that uses it
   * refuses a reason shorter than 10 characters or spanning lines.
   * @param reason why it is public
   */
  public static public(reason: string): RouteAuth {
    return new RouteAuth(RouteAuthKind.PUBLIC, reason);
  }

  /** The reason, trimmed (for `app-native` and `public`). */
  public readonly reason?: string;

  private constructor(public readonly kind: RouteAuthKind, private readonly rawReason?: string) {
    this.reason = typeof rawReason === 'string' ? rawReason.trim() : rawReason;
  }

  /**
   * Checks the reason the factory received. Throws a path-less ValidationError (prop `reason`);
   * the route places it under `auth`.
   * @internal
   */
  public _validate(): void {
    if (this.kind !== RouteAuthKind.AUTH_PROXY) {
      validateReason(undefined, 'reason', this.rawReason, {
        needs: 'an auth declaration needs',
        oneLine: true,
        fix: 'say how users are authenticated (or why the route is public), e.g. "Grafana login, admin from Secret grafana-admin-credentials"',
      });
    }
  }

  /** The `hardened-homelab.io/auth` annotation value, or `undefined` for an auth-proxy route. */
  public get annotationValue(): string | undefined {
    return this.kind === RouteAuthKind.AUTH_PROXY ? undefined : `${this.kind}: ${this.reason}`;
  }
}
