import { Chart, JsonPatch } from 'cdk8s';
import * as k8s from 'cdk8s-plus-29/lib/imports/k8s';
import { Construct } from 'constructs';
import { ValidationError, show } from '../../core/errors';
import { addExemption } from '../../core/exemptions';
import { recommendedLabels } from '../../core/labels';
import { validateDnsLabel, validateDnsSubdomain } from '../../core/names';
import { parseGoDuration } from '../../core/cron';
import { authentikIssuerUrl, cookieSecretProblem, validateAuthentikSlug, validateIssuerUrl } from '../../core/oidc';
import { ClusterProfile, IdentityProviderKind, parseCidr } from '../../core/profile';
import { validateReason } from '../../core/reasons';
import { requireSecret } from '../../core/secrets';
import { markAppBoundary, uniqueId } from '../../core/tree';
import { Images, imageReference } from '../../core/versions';
import { AppRoute, BackendPods } from '../../networking/app-route';
import { GatewaySource } from '../../networking/gateway-source';
import { RouteAuth, markAuthProxy } from '../../networking/route-auth';
import { AppWorkload } from '../../workloads/app-workload';
import { Criticality } from '../../workloads/criticality';
import { EnvValue } from '../../workloads/env';
import { Probe } from '../../workloads/probe';
import { admitsPeers, ingressFrom, tcpPorts } from '../../workloads/network-peer';
import { IServiceEndpoint, ServicePortRef, serviceHost, servicePort } from '../../workloads/service-ref';
import { ResourceProps } from '../../workloads/size';

/** The port oauth2-proxy listens on (`--http-address`). */
export const OAUTH2_PROXY_PORT = 4180;
/** The uid/gid the front runs as (the seed's and the upstream chart's). */
export const OAUTH2_PROXY_UID = 2000;
/** Default keys of the proxy's Secret. */
export const OAUTH2_PROXY_SECRET_KEYS = { clientSecret: 'client-secret', cookieSecret: 'cookie-secret' } as const;
/** Policy id of the hostAliases warning (exempted, with the given reason, when hostAliases are opted in). */
const HOST_ALIASES_RULE = 'HK-EXP-07';

/** The Secret holding the OIDC client secret and the cookie secret (referenced, never read). */
export interface OAuth2ProxySecretRef {
  /** Secret name, in the proxy's namespace. */
  readonly name: string;
  /** @default 'client-secret' */
  readonly clientSecretKey?: string;
  /** Key of a 16/24/32-byte cookie secret (see validateCookieSecret / generateCookieSecret). @default 'cookie-secret' */
  readonly cookieSecretKey?: string;
}

/** Session cookie settings. */
export interface OAuth2ProxyCookieProps {
  /** Go duration after which the session expires (`cookie_expire`). @default '24h' */
  readonly expire?: string;
  /** Go duration after which the session is refreshed; must be less than `expire` (`cookie_refresh`). @default '1h' */
  readonly refresh?: string;
  /** Cookie name; unique per front so fronts on sibling hosts never overwrite each other. @default `_oauth2_proxy_<name>` (dashes as underscores) */
  readonly name?: string;
  /** `SameSite` attribute: '', 'lax', 'strict' or 'none'. @default 'lax' */
  readonly sameSite?: '' | 'lax' | 'strict' | 'none';
}

/** Opt-in `hostAliases` fallback for the DNS hairpin (prefer SplitHorizonDns). */
export interface OAuth2ProxyHostAliases {
  /** Why split-horizon DNS cannot be used; recorded as the HK-EXP-07 exemption. */
  readonly reason: string;
}

/** Props of {@link OAuth2Proxy}. */
export interface OAuth2ProxyProps {
  /** The UI to protect. */
  readonly upstream: IServiceEndpoint;
  /**
   * Name of the front (a DNS label of at most 39 characters): the app is `oauth2-proxy-<name>`,
   * and the host name, Authentik slug and cookie name default from it. Lets the construct id
   * differ from the upstream app's (`new OAuth2Proxy(ns, 'PrometheusFront', { name: 'prometheus', … })`).
   * @default - the construct id
   */
  readonly name?: string;
  /** Port name on the upstream Service. @default - its first port */
  readonly upstreamPort?: string;
  /**
   * The pods behind the upstream Service when it is not an AppWorkload (e.g. a Helm chart's
   * Service), so that a NetworkPolicy admits the proxy, and only the proxy, on their port.
   * @default - the upstream's own pod selector (AppWorkload); none for other endpoints
   */
  readonly upstreamPods?: BackendPods;
  /** Scheme of the upstream URL. @default 'http' */
  readonly upstreamScheme?: 'http' | 'https';
  /** Public host name of the front. @default `<name>.<profile.domain>` */
  readonly hostname?: string;
  /** Authentik application slug (Authentik identity provider). @default - the name */
  readonly slug?: string;
  /**
   * OIDC issuer URL. Required for a generic OIDC provider (https, no query or fragment). For
   * Authentik it is derived (`https://<host>/application/o/<slug>/`); a given value must equal it.
   * @default - derived from profile.identityProvider
   */
  readonly issuerUrl?: string;
  /** OAuth client id. @default - the slug (Authentik); required for generic OIDC */
  readonly clientId?: string;
  /** The Secret with the client secret and the cookie secret. @default { name: `oauth2-proxy-<name>` } */
  readonly secret?: OAuth2ProxySecretRef;
  /** 2 or more get a PodDisruptionBudget and spread; 1 gets none. @default 2 */
  readonly replicas?: number;
  /** @default - see OAuth2ProxyCookieProps */
  readonly cookie?: OAuth2ProxyCookieProps;
  /** `--email-domain` values. @default ['*'] (any user the identity provider authenticates) */
  readonly emailDomains?: string[];
  /** `--allowed-group` values (groups claim). @default [] (no group restriction) */
  readonly allowedGroups?: string[];
  /** OAuth scopes. @default - oauth2-proxy's OIDC default (openid email profile) */
  readonly scopes?: string[];
  /**
   * Ranges whose X-Forwarded-* headers are trusted (`--trusted-proxy-ip`): the addresses the
   * gateway's proxies connect from. Without it `--reverse-proxy` trusts every client's headers.
   * @default [profile.gateway.cidr]
   */
  readonly trustedProxyCidrs?: string[];
  /** Fallback for the DNS hairpin: map the issuer's host to the gateway IP in the pods' /etc/hosts. @default - none (use SplitHorizonDns) */
  readonly hostAliases?: OAuth2ProxyHostAliases;
  /** A Namespace chart for the HTTPRoute (a ReferenceGrant is added in the proxy's namespace). @default - the proxy's namespace */
  readonly routeNamespace?: Chart;
  /** Where the gateway connects from. @default GatewaySource.anySource() */
  readonly gatewaySource?: GatewaySource;
  /** @default { cpu: '10m', memory: '32Mi', memoryLimit: '128Mi' } (the seed's) */
  readonly resources?: ResourceProps;
  /** @default Criticality.STANDARD */
  readonly criticality?: Criticality;
}

/**
 * An OAuth2-proxy front: one call protects an upstream UI behind the cluster's identity provider.
 *
 * Synthesizes (through {@link AppWorkload}) a Deployment of `quay.io/oauth2-proxy/oauth2-proxy`
 * (2 replicas with a PodDisruptionBudget, or 1 without), its Service and ServiceAccount; an
 * HTTPRoute on the cluster gateway (+ ReferenceGrant when the route lives in another namespace);
 * NetworkPolicies so the gateway reaches the proxy, the proxy reaches the identity provider
 * (TCP 443) and the upstream, and the upstream accepts the proxy. Configuration is by flags and
 * secret env references only:
 *
 * - issuer from the identity provider (Authentik: `https://<host>/application/o/<slug>/`, with
 *   the trailing slash; generic OIDC: given, https without query or fragment);
 * - client secret and cookie secret from a Secret (the cookie-secret key is validated with
 *   {@link validateCookieSecret} wherever a value is known, e.g. by the Pulumi engine);
 * - redirect URL `https://<host>/oauth2/callback`, cookie domain and redirect whitelist = the host;
 * - `cookie_refresh` < `cookie_expire` (checked here; oauth2-proxy refuses to start otherwise);
 * - PKCE (`--code-challenge-method=S256`);
 * - `--reverse-proxy` with `--trusted-proxy-ip` = the gateway range (never `--trusted-ip`, which
 *   lets a range bypass authentication);
 * - `/ping` liveness, `/ready` readiness; uid 2000, read-only root, no capabilities.
 */
export class OAuth2Proxy extends Construct implements IServiceEndpoint {
  /** The app name (`oauth2-proxy-<name>`): Deployment, Service, folder. */
  public readonly name: string;
  public readonly namespace: string;
  /** The public host name. */
  public readonly hostname: string;
  /** `https://<hostname>`. */
  public readonly url: string;
  /** The OIDC issuer the proxy discovers. */
  public readonly issuerUrl: string;
  public readonly clientId: string;
  /** `https://<hostname>/oauth2/callback` (register it at the identity provider). */
  public readonly redirectUrl: string;
  /** The proxy Deployment, Service, PDB and NetworkPolicy. */
  public readonly workload: AppWorkload;
  public readonly route: AppRoute;
  /** The `oauth2-proxy` container args. */
  public readonly args: readonly string[];

  constructor(scope: Construct, id: string, props: OAuth2ProxyProps) {
    super(scope, uniqueId(scope, id));
    const front = ValidationError.within(this, props.name === undefined ? 'id' : 'name', () => validateDnsLabel(props.name ?? id, 39));
    const u = props.upstream as Partial<IServiceEndpoint> | undefined;
    if (typeof u !== 'object' || u === null || typeof u.serviceName !== 'string' || typeof u.namespace !== 'string' || !Array.isArray(u.servicePorts)) {
      throw new ValidationError(this, { prop: 'upstream', value: u === undefined || u === null ? u : (u as any).node?.path ?? u, rule: 'the front needs the Service of the UI it protects', fix: 'pass the AppWorkload, or a typed endpoint such as ChartUpstreams.prometheus() / ExternalService.fromProfile(...)' });
    }
    // lists given as something else (JavaScript callers, `as any`) are refused, not iterated
    for (const key of ['emailDomains', 'allowedGroups', 'scopes', 'trustedProxyCidrs'] as const) {
      if (props[key] !== undefined && !Array.isArray(props[key])) {
        throw new ValidationError(this, { prop: key, value: props[key], rule: 'a list', fix: `write ${key}: [${show(key === 'scopes' ? 'openid' : key === 'trustedProxyCidrs' ? '192.168.10.224/28' : key === 'emailDomains' ? '*' : 'admins')}]` });
      }
    }
    const namespace = Chart.of(this).namespace;
    if (!namespace) {
      throw new ValidationError(this, { prop: 'scope', value: Chart.of(this).node.path, rule: 'a front lives in a namespace', fix: 'create it inside a Namespace, usually the upstream\'s' });
    }
    this.namespace = namespace;
    this.name = `oauth2-proxy-${front}`;
    const profile = ClusterProfile.of(this);
    markAppBoundary(this, this.name);

    // --- identity provider
    const idp = profile.identityProvider;
    if (idp?.kind === IdentityProviderKind.AUTHENTIK) {
      const slug = ValidationError.within(this, '', () => validateAuthentikSlug(props.slug ?? front));
      this.issuerUrl = authentikIssuerUrl(idp.host, slug);
      if (props.issuerUrl !== undefined && props.issuerUrl !== this.issuerUrl) {
        const slashOnly = `${props.issuerUrl}/` === this.issuerUrl;
        throw new ValidationError(this, {
          prop: 'issuerUrl', value: props.issuerUrl,
          rule: slashOnly
            ? 'Authentik publishes this issuer with a trailing slash and oauth2-proxy compares issuers byte for byte, so OIDC discovery fails with an issuer mismatch (the seed 003 "no trailing slash" lesson is wrong)'
            : `Authentik publishes the issuer of application "${slug}" as ${this.issuerUrl}`,
          fix: `leave issuerUrl out (it is derived from profile.identityProvider), or use ${show(this.issuerUrl)}`,
        });
      }
      this.clientId = props.clientId ?? slug;
    } else {
      if (props.issuerUrl === undefined) {
        throw new ValidationError(this, {
          prop: 'issuerUrl', value: undefined,
          rule: idp ? 'a generic OIDC provider\'s issuer cannot be derived' : 'the profile names no identity provider, so the issuer cannot be derived',
          fix: idp ? `pass the "issuer" of https://${idp.host}/.well-known/openid-configuration` : 'set profile.identityProvider, or pass issuerUrl',
        });
      }
      this.issuerUrl = ValidationError.within(this, '', () => validateIssuerUrl(props.issuerUrl as string));
      if (props.slug !== undefined) {
        throw new ValidationError(this, { prop: 'slug', value: props.slug, rule: 'a slug names an Authentik application, and the identity provider is not Authentik', fix: 'remove slug' });
      }
      if (!props.clientId) {
        throw new ValidationError(this, { prop: 'clientId', value: props.clientId, rule: 'a generic OIDC provider needs the client id registered for this front', fix: 'pass clientId' });
      }
      this.clientId = props.clientId;
    }
    if (!/^[\x21-\x7e]+$/.test(this.clientId)) {
      throw new ValidationError(this, { prop: 'clientId', value: this.clientId, rule: 'a client id is printable ASCII without spaces', fix: 'copy the client id from the identity provider' });
    }
    const idpHost = new URL(this.issuerUrl).hostname;

    // --- host names
    if (props.hostname === undefined && !profile.domain) {
      throw new ValidationError(this, { prop: 'hostname', value: undefined, rule: 'no hostname given and the profile has no domain to derive one from', fix: 'pass hostname, or set profile.domain' });
    }
    this.hostname = ValidationError.within(this, 'hostname', () => validateDnsSubdomain(props.hostname ?? `${front}.${profile.domain}`));
    this.url = `https://${this.hostname}`;
    this.redirectUrl = `${this.url}/oauth2/callback`;

    // --- cookie
    const cookie = props.cookie ?? {};
    const expire = cookie.expire ?? '24h';
    const refresh = cookie.refresh ?? '1h';
    const expireMs = ValidationError.within(this, 'cookie.expire', () => parseGoDuration(expire));
    const refreshMs = ValidationError.within(this, 'cookie.refresh', () => parseGoDuration(refresh));
    if (refreshMs >= expireMs) {
      throw new ValidationError(this, { prop: 'cookie.refresh', value: refresh, rule: `cookie_refresh must be less than cookie_expire (${expire}), or oauth2-proxy refuses to start`, fix: 'refresh well before expiry, e.g. refresh "1h" with expire "24h"' });
    }
    const cookieName = cookie.name ?? `_oauth2_proxy_${front.replace(/-/g, '_')}`;
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(cookieName) || cookieName.length > 191) {
      throw new ValidationError(this, { prop: 'cookie.name', value: cookieName, rule: 'a cookie name is 1-191 token characters (no spaces, quotes, separators)', fix: 'use letters, digits and "_", e.g. "_oauth2_proxy_grafana"' });
    }
    const sameSite = cookie.sameSite ?? 'lax';
    if (!['', 'lax', 'strict', 'none'].includes(sameSite)) {
      throw new ValidationError(this, { prop: 'cookie.sameSite', value: sameSite, rule: 'cookie_samesite must be one of "", "lax", "strict", "none"', fix: 'use "lax"' });
    }

    // --- access and trust
    const emailDomains = props.emailDomains ?? ['*'];
    if (emailDomains.length === 0 || emailDomains.some((d) => typeof d !== 'string' || !/^(\*|[A-Za-z0-9.-]+)$/.test(d))) {
      throw new ValidationError(this, { prop: 'emailDomains', value: emailDomains, rule: 'oauth2-proxy needs at least one email domain (a domain, or "*" for any)', fix: 'use ["*"] to admit every user the identity provider authenticates, or e.g. ["example.net"]' });
    }
    const allowedGroups = props.allowedGroups ?? [];
    for (const [i, g] of allowedGroups.entries()) {
      if (typeof g !== 'string' || g.trim() === '' || g.includes(',')) {
        throw new ValidationError(this, { prop: `allowedGroups[${i}]`, value: g, rule: 'a group name is a non-empty string without commas', fix: 'list one group per entry, e.g. ["admins"]' });
      }
    }
    for (const [i, s] of (props.scopes ?? []).entries()) {
      if (!/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s)) {
        throw new ValidationError(this, { prop: `scopes[${i}]`, value: s, rule: 'not an OAuth scope token', fix: 'list one scope per entry, e.g. ["openid", "email", "profile", "groups"]' });
      }
    }
    if (props.scopes && !props.scopes.includes('openid')) {
      throw new ValidationError(this, { prop: 'scopes', value: props.scopes, rule: 'an OIDC login needs the "openid" scope', fix: 'add "openid"' });
    }
    const trusted = props.trustedProxyCidrs ?? (profile.gateway?.cidr ? [profile.gateway.cidr] : undefined);
    if (!trusted || trusted.length === 0) {
      throw new ValidationError(this, {
        prop: 'trustedProxyCidrs', value: trusted,
        rule: 'behind the gateway the proxy runs with --reverse-proxy, and without --trusted-proxy-ip it trusts every client\'s X-Forwarded-* headers (a skip-auth bypass class of bugs in oauth2-proxy 7.15.x)',
        fix: 'set profile.gateway.cidr to the range the gateway\'s proxies connect from, or pass trustedProxyCidrs',
      });
    }
    trusted.forEach((c, i) => {
      if (!parseCidr(c)) throw new ValidationError(this, { prop: `trustedProxyCidrs[${i}]`, value: c, rule: 'not an IPv4 CIDR', fix: 'write it like "192.168.10.224/28"' });
    });

    // --- secret
    const secretName = ValidationError.within(this, 'secret.name', () => validateDnsSubdomain(props.secret?.name ?? this.name));
    const clientSecretKey = props.secret?.clientSecretKey ?? OAUTH2_PROXY_SECRET_KEYS.clientSecret;
    const cookieSecretKey = props.secret?.cookieSecretKey ?? OAUTH2_PROXY_SECRET_KEYS.cookieSecret;
    if (clientSecretKey === cookieSecretKey) {
      throw new ValidationError(this, { prop: 'secret.cookieSecretKey', value: cookieSecretKey, rule: 'the client secret and the cookie secret are different values', fix: 'use two keys, e.g. "client-secret" and "cookie-secret"' });
    }
    requireSecret(this, {
      name: secretName,
      keys: {
        [clientSecretKey]: { description: `OIDC client secret of client "${this.clientId}" at ${idpHost}` },
        [cookieSecretKey]: {
          description: 'oauth2-proxy cookie secret: 16, 24 or 32 bytes, or URL-safe base64 of them (generateCookieSecret())',
          validate: cookieSecretProblem,
        },
      },
    });

    // --- upstream
    const upstream = props.upstream;
    const upstreamPort = ValidationError.within(this, 'upstreamPort', () => servicePort(upstream, props.upstreamPort));
    const scheme = props.upstreamScheme ?? 'http';
    if (scheme !== 'http' && scheme !== 'https') {
      throw new ValidationError(this, { prop: 'upstreamScheme', value: scheme, rule: 'must be "http" or "https"', fix: 'use "http" for in-cluster UIs' });
    }
    const upstreamPods = props.upstreamPods;
    if (upstreamPods && (Object.keys(upstreamPods.selector).length === 0 || !Number.isInteger(upstreamPods.port) || (upstreamPods.port as number) < 1 || (upstreamPods.port as number) > 65535 || typeof upstreamPods.port !== 'number')) {
      throw new ValidationError(this, { prop: 'upstreamPods', value: upstreamPods, rule: 'give the upstream pods\' labels (non-empty) and their port number', fix: 'e.g. { selector: { "app.kubernetes.io/name": "prometheus" }, port: 9090 }' });
    }

    const replicas = props.replicas ?? 2;
    if (!Number.isInteger(replicas) || replicas < 1) {
      throw new ValidationError(this, { prop: 'replicas', value: props.replicas, rule: 'a front needs at least one replica, or its UI is unreachable', fix: 'use 2 (with a PodDisruptionBudget) or 1' });
    }

    const args = [
      `--http-address=0.0.0.0:${OAUTH2_PROXY_PORT}`,
      '--provider=oidc',
      `--provider-display-name=${idp?.kind === IdentityProviderKind.AUTHENTIK ? 'Authentik' : idpHost}`,
      `--oidc-issuer-url=${this.issuerUrl}`,
      `--client-id=${this.clientId}`,
      `--redirect-url=${this.redirectUrl}`,
      `--upstream=${scheme}://${serviceHost(upstream)}:${upstreamPort}/`,
      ...emailDomains.map((d) => `--email-domain=${d}`),
      ...allowedGroups.map((g) => `--allowed-group=${g}`),
      ...(props.scopes ? [`--scope=${props.scopes.join(' ')}`] : []),
      '--code-challenge-method=S256',
      `--cookie-name=${cookieName}`,
      '--cookie-secure=true',
      `--cookie-domain=${this.hostname}`,
      `--cookie-samesite=${sameSite}`,
      `--cookie-expire=${expire}`,
      `--cookie-refresh=${refresh}`,
      `--whitelist-domain=${this.hostname}`,
      '--reverse-proxy=true',
      ...trusted.map((c) => `--trusted-proxy-ip=${c}`),
      '--real-client-ip-header=X-Forwarded-For',
      '--skip-provider-button=true',
      '--silence-ping-logging=true',
    ];
    this.args = args;

    this.workload = new AppWorkload(this, this.name, {
      image: imageReference(Images.oauth2Proxy),
      replicas,
      resources: props.resources ?? { cpu: '10m', memory: '32Mi', memoryLimit: '128Mi' },
      ports: [{ name: 'http', port: OAUTH2_PROXY_PORT }],
      probes: {
        startup: Probe.httpGet('/ping'),
        readiness: Probe.httpGet('/ready'),
        liveness: Probe.httpGet('/ping'),
      },
      args,
      env: {
        OAUTH2_PROXY_CLIENT_SECRET: EnvValue.fromSecret(secretName, clientSecretKey),
        OAUTH2_PROXY_COOKIE_SECRET: EnvValue.fromSecret(secretName, cookieSecretKey),
      },
      security: { runAsUser: OAUTH2_PROXY_UID, runAsGroup: OAUTH2_PROXY_UID },
      criticality: props.criticality,
      component: 'auth-proxy',
    });
    markAuthProxy(this);

    // the proxy reaches the upstream, and the upstream admits the proxy (and nothing else is opened for it)
    const labels = recommendedLabels({ name: this.name, component: 'auth-proxy' });
    if (upstreamPods) {
      this.workload.connectTo({ serviceName: upstream.serviceName, namespace: upstream.namespace, servicePorts: upstream.servicePorts, podSelector: upstreamPods.selector }, upstreamPods.port as number);
    } else {
      this.workload.connectTo(upstream, upstreamPort);
    }
    // an upstream that opens its own ingress (an AppWorkload) admitted the proxy in connectTo
    if (!admitsPeers(upstream)) {
      const selector = upstreamPods?.selector ?? upstream.podSelector;
      if (selector) {
        new k8s.KubeNetworkPolicy(this, 'UpstreamIngress', {
          metadata: { name: `${this.name}-upstream`, namespace: upstream.namespace, labels },
          spec: {
            podSelector: { matchLabels: { ...selector } },
            policyTypes: ['Ingress'],
            ingress: [ingressFrom({ namespace, podSelector: this.workload.podSelector }, [(upstreamPods?.port as number | undefined) ?? upstreamPort])],
          },
        });
      }
    }
    // OIDC discovery, token redemption and JWKS: the identity provider over HTTPS, wherever its
    // name resolves (the gateway VIP through split-horizon DNS, or an external provider)
    new k8s.KubeNetworkPolicy(this, 'IdentityProviderEgress', {
      metadata: { name: `${this.name}-identity-provider`, labels },
      spec: {
        podSelector: { matchLabels: { ...this.workload.podSelector } },
        policyTypes: ['Egress'],
        egress: [{ ports: tcpPorts([443]) }],
      },
    });

    if (props.hostAliases) {
      const ip = profile.gateway?.ip;
      if (!ip) {
        throw new ValidationError(this, { prop: 'hostAliases', value: props.hostAliases, rule: 'hostAliases map the issuer host to the gateway IP, and the profile has none', fix: 'set profile.gateway.ip, or use SplitHorizonDns' });
      }
      const reason = validateReason(this, 'hostAliases.reason', props.hostAliases.reason, {
        needs: 'hostAliases are an explicit fallback and need',
        fix: 'say why split-horizon DNS (SplitHorizonDns) cannot be used, e.g. "CoreDNS is managed by the provider"',
      });
      this.workload.controller.addJsonPatch(JsonPatch.add('/spec/template/spec/hostAliases', [{ ip, hostnames: [idpHost] }]));
      addExemption(this.workload.controller, HOST_ALIASES_RULE, `hostAliases opted in: ${reason}`);
    }

    this.route = new AppRoute(props.routeNamespace ?? this, props.routeNamespace ? `${this.name}-route` : 'Route', {
      backend: this,
      auth: RouteAuth.authProxy(),
      name: this.name,
      hostname: this.hostname,
      gatewaySource: props.gatewaySource,
    });
  }

  /** The proxy's Service name. */
  public get serviceName(): string {
    return this.workload.serviceName;
  }

  /** The proxy's Service ports (`http` 4180). */
  public get servicePorts(): readonly ServicePortRef[] {
    return this.workload.servicePorts;
  }

  /** The proxy's pod labels. */
  public get podSelector(): Readonly<Record<string, string>> {
    return this.workload.podSelector;
  }
}
