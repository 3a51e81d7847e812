import { Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-29/lib/imports/k8s';
import { Construct } from 'constructs';
import { ValidationError } from '../core/errors';
import { AnnotationKeys, recommendedLabels } from '../core/labels';
import { validateDnsLabel, validateDnsSubdomain, validateLabels, validatePort, validatePortName } from '../core/names';
import { ClusterProfile, isIpv4 } from '../core/profile';
import { appBoundaryOf, markAppBoundary, uniqueId } from '../core/tree';
import { HttpRoute, HttpRouteSpecRulesMatchesPathType, ReferenceGrant } from '../imports/gateway.networking.k8s.io';
import { IServiceEndpoint, isServiceEndpoint, servicePort } from '../workloads/service-ref';
import { GatewaySource } from './gateway-source';
import { RouteAuth, RouteAuthKind, isAuthProxy } from './route-auth';

/** The pods behind a backend Service, for Services this program does not synthesize (Helm charts). */
export interface BackendPods {
  /** Labels of the pods the Service selects. */
  readonly selector: Record<string, string>;
  /** The pods' port (container port number or name) the Service forwards to. */
  readonly port: number | string;
}

/** Props of {@link AppRoute}. */
export interface AppRouteProps {
  /** The Service the route sends traffic to: an AppWorkload, an OAuth2Proxy front, or any typed endpoint. */
  readonly backend: IServiceEndpoint;
  /**
   * How users are authenticated. Required: a route without an auth declaration is an error
   * (DESIGN §2 and policy HK-EXP-01).
   */
  readonly auth: RouteAuth;
  /** Port name on the backend Service. @default - its first port */
  readonly port?: string;
  /** Name of the HTTPRoute (and default host label). @default - the backend Service name */
  readonly name?: string;
  /** Host name the route answers. @default `<name>.<profile.domain>` */
  readonly hostname?: string;
  /** Path prefix routed to the backend. @default '/' */
  readonly pathPrefix?: string;
  /** Where the gateway connects from, for the backend's NetworkPolicy. @default GatewaySource.anySource() */
  readonly gatewaySource?: GatewaySource;
  /**
   * The pods behind the backend, when the backend is not an AppWorkload (e.g. a Service a Helm
   * chart renders). Without it, no NetworkPolicy is emitted for an endpoint that has no pod selector.
   * @default - the backend's own pod selector and its Service port
   */
  readonly backendPods?: BackendPods;
}

/**
 * An HTTPRoute on the cluster's gateway (from the profile: `parentRefs` name, namespace and
 * listener), for one host name, to one backend Service, with a required auth declaration. When
 * the backend lives in another namespace, a ReferenceGrant in the backend's namespace allows the
 * reference. A NetworkPolicy lets the gateway reach the backend's pods on the routed port (see
 * {@link GatewaySource} for why the default is a port-only rule).
 */
export class AppRoute extends Construct {
  /** HTTPRoute name. */
  public readonly name: string;
  /** Namespace of the HTTPRoute. */
  public readonly namespace: string;
  /** The host name the route answers. */
  public readonly hostname: string;
  /** `https://<hostname>`. */
  public readonly url: string;
  public readonly auth: RouteAuth;
  public readonly route: HttpRoute;
  /** Present when the backend is in another namespace. */
  public readonly referenceGrant?: ReferenceGrant;
  /** The rule admitting the gateway to the backend's pods, when they are known. */
  public readonly networkPolicy?: k8s.KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: AppRouteProps) {
    super(scope, uniqueId(scope, id));
    // JavaScript callers can leave out the props or a required one: refused, never a TypeError
    props = props ?? ({} as AppRouteProps);
    const namespace = Chart.of(this).namespace;
    if (!namespace) {
      throw new ValidationError(this, { prop: 'scope', value: Chart.of(this).node.path, rule: 'an HTTPRoute lives in a namespace', fix: 'create the route inside a Namespace (or inside the app it exposes)' });
    }
    this.namespace = namespace;
    const profile = ClusterProfile.of(this);
    const gateway = profile.gateway;
    if (!gateway) {
      throw new ValidationError(this, { prop: 'profile.gateway', value: undefined, rule: 'a route attaches to the cluster gateway, and the profile names none', fix: 'set profile.gateway: { name, namespace, sectionName, ip, cidr }' });
    }
    if (!isServiceEndpoint(props.backend)) {
      const b = props.backend as unknown;
      throw new ValidationError(this, {
        prop: 'backend', value: typeof b === 'object' && b !== null ? (b as any).node?.path ?? b : b,
        rule: 'a route needs the Service it sends traffic to', fix: 'pass the AppWorkload (or OAuth2Proxy front) it exposes, or a typed endpoint such as ExternalService.fromProfile(...)',
      });
    }
    const backend = props.backend;
    if (!props.auth || !(props.auth instanceof RouteAuth)) {
      throw new ValidationError(this, { prop: 'auth', value: props.auth, rule: 'every route declares how its users are authenticated', fix: 'pass auth: RouteAuth.appNative("<the app\'s login>") or RouteAuth.public("<why>"), or put the app behind an OAuth2Proxy front' });
    }
    ValidationError.within(this, 'auth', () => props.auth._validate());
    if (props.gatewaySource !== undefined) {
      if (!(props.gatewaySource instanceof GatewaySource)) {
        throw new ValidationError(this, { prop: 'gatewaySource', value: props.gatewaySource, rule: 'not a GatewaySource', fix: 'use GatewaySource.anySource(), GatewaySource.namespace(...) or GatewaySource.cidr(...)' });
      }
      ValidationError.within(this, 'gatewaySource', () => props.gatewaySource!._validate());
    }
    if (props.backendPods) {
      ValidationError.within(this, 'backendPods.selector', () => validateLabels(props.backendPods!.selector ?? {}));
      const p = props.backendPods.port;
      ValidationError.within(this, 'backendPods.port', () => (typeof p === 'number' ? validatePort(p, 'use the container port the pods listen on') : validatePortName(p)));
    }
    if (props.auth.kind === RouteAuthKind.AUTH_PROXY && !isAuthProxy(backend)) {
      throw new ValidationError(this, { prop: 'auth', value: 'auth-proxy', rule: `the backend ${backend.serviceName}.${backend.namespace} is not an authenticating proxy`, fix: 'route to an OAuth2Proxy front (it creates its own route), or declare RouteAuth.appNative(...) / RouteAuth.public(...)' });
    }
    if (props.auth.kind !== RouteAuthKind.AUTH_PROXY && isAuthProxy(backend)) {
      throw new ValidationError(this, { prop: 'auth', value: props.auth.annotationValue, rule: 'the backend is an OAuth2-proxy front, so the route is authenticated by the proxy', fix: 'use auth: RouteAuth.authProxy()' });
    }
    this.auth = props.auth;
    this.name = ValidationError.within(this, 'name', () => validateDnsLabel(props.name ?? backend.serviceName));
    if (props.hostname === undefined && !profile.domain) {
      throw new ValidationError(this, { prop: 'hostname', value: undefined, rule: 'no hostname given and the profile has no domain to derive one from', fix: 'pass hostname: "app.example.net", or set profile.domain' });
    }
    this.hostname = ValidationError.within(this, 'hostname', () => validateDnsSubdomain(props.hostname ?? `${this.name}.${profile.domain}`));
    if (isIpv4(this.hostname)) {
      throw new ValidationError(this, { prop: 'hostname', value: this.hostname, rule: 'the Gateway API does not allow IP addresses as route hostnames', fix: 'use a DNS name that resolves to the gateway, e.g. "grafana.example.net" (SplitHorizonDns answers it in-cluster)' });
    }
    this.url = `https://${this.hostname}`;
    const pathPrefix = props.pathPrefix ?? '/';
    if (typeof pathPrefix !== 'string' || !pathPrefix.startsWith('/') || /[?#\s]/.test(pathPrefix)) {
      throw new ValidationError(this, { prop: 'pathPrefix', value: pathPrefix, rule: 'a path prefix is an absolute URL path without query, fragment or spaces', fix: 'use e.g. "/" or "/grafana"' });
    }
    if (!isGatewayPath(pathPrefix)) {
      throw new ValidationError(this, {
        prop: 'pathPrefix', value: pathPrefix,
        rule: 'the HTTPRoute validation refuses "//", "/./", "/../", "%2F", a path ending in "/." or "/..", characters other than letters, digits, "-._~!$&\'()*+,;=:@/" and %XX escapes, and more than 1024 characters',
        fix: 'write the path plainly, percent-encoding other characters, e.g. "/grafana"',
      });
    }
    const port = ValidationError.within(this, 'port', () => servicePort(backend, props.port));
    if (appBoundaryOf(this) === undefined) markAppBoundary(this, this.name);

    const crossNamespace = backend.namespace !== namespace;
    const labels = recommendedLabels({ name: this.name, component: 'route' });
    const annotation = this.auth.annotationValue;
    this.route = new HttpRoute(this, 'HttpRoute', {
      metadata: { name: this.name, labels, annotations: annotation ? { [AnnotationKeys.AUTH]: annotation } : undefined },
      spec: {
        parentRefs: [{ name: gateway.name, namespace: gateway.namespace, sectionName: gateway.sectionName }],
        hostnames: [this.hostname],
        rules: [{
          matches: [{ path: { type: HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: pathPrefix } }],
          backendRefs: [{ name: backend.serviceName, namespace: crossNamespace ? backend.namespace : undefined, port }],
        }],
      },
    });

    if (crossNamespace) {
      this.referenceGrant = new ReferenceGrant(this, 'ReferenceGrant', {
        metadata: { name: `${namespace}-${this.name}`.slice(0, 253).replace(/-+$/, ''), namespace: backend.namespace, labels },
        spec: {
          from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace }],
          to: [{ group: '', kind: 'Service', name: backend.serviceName }],
        },
      });
    }

    const pods = props.backendPods ?? (backend.podSelector ? { selector: { ...backend.podSelector }, port } : undefined);
    if (pods) {
      if (Object.keys(pods.selector ?? {}).length === 0) {
        throw new ValidationError(this, { prop: 'backendPods.selector', value: pods.selector, rule: 'an empty selector would admit the gateway to every pod of the namespace', fix: 'give the labels of the backend\'s pods' });
      }
      const source = props.gatewaySource ?? GatewaySource.anySource();
      this.networkPolicy = new k8s.KubeNetworkPolicy(this, 'GatewayIngress', {
        metadata: { name: `${this.name}-gateway`, namespace: backend.namespace, labels },
        spec: {
          podSelector: { matchLabels: { ...pods.selector } },
          policyTypes: ['Ingress'],
          ingress: [source._ingressRule(pods.port)],
        },
      });
    }
  }
}

/** True when `path` passes the HTTPRoute CRD's rules for an `Exact` or `PathPrefix` path match. */
function isGatewayPath(path: string): boolean {
  return path.length <= 1024
    && !['//', '/./', '/../', '%2f', '%2F', '#'].some((x) => path.includes(x))
    && !path.endsWith('/..') && !path.endsWith('/.')
    && /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+$/.test(path);
}
