import { AnnotationKeys } from '../../../core/labels';
import { isReason } from '../../../core/reasons';
import { parseImageReference } from '../../../core/versions';
import { allContainers } from '../../pod';
import { Manifest, ManifestRecord, PolicyContext } from '../../rule';
import { PodIndex, PodTemplateRef, list, namespaceOf, podTemplates } from '../cluster/_shared';

/**
 * Images of authenticating reverse proxies: a Service whose pods run one of these is an auth
 * proxy, so a route to it is authenticated. Matched on the image repository (registry and
 * path, without tag).
 */
export const AUTH_PROXY_IMAGES: readonly RegExp[] = [
  /(^|\/)oauth2-proxy$/, // quay.io/oauth2-proxy/oauth2-proxy, bitnami/oauth2-proxy
  /(^|\/)goauthentik\/proxy$/, // Authentik's proxy outpost
  /(^|\/)pomerium\/pomerium$/,
];

/** The image repository an oauth2-proxy container runs (the checks of HK-EXP-05/06 read its flags). */
export const OAUTH2_PROXY_IMAGE = /(^|\/)oauth2-proxy$/;

/** A known admin or data UI: what it is, and how to recognise its Service and pods. */
export interface AdminUi {
  /** Display name, e.g. `Prometheus`. */
  readonly name: string;
  /** Matched on the backend Service name (also when the Service is rendered by a Helm chart). */
  readonly service: RegExp;
  /** Matched on the repositories of the images of the pods behind the Service, when they are in the object set. */
  readonly image?: RegExp;
  /** `app.kubernetes.io/name` values of the Service or its pods. */
  readonly appNames?: readonly string[];
}

/**
 * Known admin and data UIs: unauthenticated by default, or holding data nobody outside should
 * read. Routing to them needs an auth proxy, or a `hardened-homelab.io/auth: "app-native: …"`
 * declaration naming the UI's own login; `public:` is refused. Seed 003 exposed Prometheus with
 * no authentication, and the Longhorn UI through three routes at once.
 */
export const ADMIN_UIS: readonly AdminUi[] = [
  { name: 'Prometheus', service: /(^|-)prometheus(-server|-operated)?$/, image: /(^|\/)prometheus\/prometheus$/, appNames: ['prometheus'] },
  { name: 'Alertmanager', service: /(^|-)alertmanager(-operated)?$/, image: /(^|\/)prometheus\/alertmanager$/, appNames: ['alertmanager'] },
  { name: 'Pushgateway', service: /(^|-)pushgateway$/, image: /(^|\/)prometheus\/pushgateway$/, appNames: ['prometheus-pushgateway'] },
  { name: 'Longhorn UI', service: /^longhorn-(frontend|ui)$/, image: /(^|\/)longhornio\/longhorn-ui$/, appNames: ['longhorn-ui'] },
  { name: 'Hubble UI', service: /^hubble-ui$/, image: /(^|\/)cilium\/hubble-ui(-backend)?$/, appNames: ['hubble-ui'] },
  { name: 'Grafana', service: /(^|-)grafana$/, image: /(^|\/)grafana\/grafana(-oss|-enterprise)?$/, appNames: ['grafana'] },
  { name: 'Loki', service: /(^|-)loki(-gateway|-read|-write|-backend)?$/, image: /(^|\/)grafana\/loki$/, appNames: ['loki'] },
  { name: 'Kubernetes Dashboard', service: /kubernetes-dashboard(-web|-kong-proxy)?$/, image: /(^|\/)kubernetesui\/dashboard(-web|-api)?$/, appNames: ['kubernetes-dashboard'] },
  { name: 'Ollama API', service: /(^|-)ollama$/, image: /(^|\/)ollama\/ollama$/, appNames: ['ollama'] },
  { name: 'Qdrant', service: /(^|-)qdrant$/, image: /(^|\/)qdrant\/qdrant$/, appNames: ['qdrant'] },
  { name: 'Automatic1111 (Stable Diffusion web UI)', service: /(^|-)(automatic1111|stable-diffusion(-webui)?)$/, image: /(^|\/)[^/]*(automatic1111|stable-diffusion-webui)[^/]*$/, appNames: ['automatic1111', 'stable-diffusion-webui'] },
  { name: 'vLLM API', service: /(^|-)vllm$/, image: /(^|\/)vllm\/vllm-openai$/, appNames: ['vllm'] },
  { name: 'MinIO console', service: /(^|-)minio(-console)?$/, image: /(^|\/)minio\/minio$/, appNames: ['minio'] },
  { name: 'DCGM exporter metrics', service: /(^|-)dcgm-exporter$/, image: /(^|\/)dcgm-exporter$/, appNames: ['dcgm-exporter'] },
  { name: 'Jupyter', service: /(^|-)(jupyter|jupyterhub|proxy-public)$/, image: /(^|\/)jupyter(hub)?\/[^/]+$/, appNames: ['jupyterhub', 'jupyter'] },
  { name: 'Ray dashboard', service: /(^|-)ray-(head|dashboard)(-svc)?$/, image: /(^|\/)rayproject\/ray(-ml)?$/, appNames: ['kuberay'] },
  { name: 'MLflow', service: /(^|-)mlflow$/, image: /mlflow/, appNames: ['mlflow'] },
];

/** An auth declaration read from an object's `hardened-homelab.io/auth` annotation. */
export type AuthDeclaration =
  | { readonly kind: 'app-native' | 'public'; readonly reason: string }
  | { readonly kind: 'malformed'; readonly value: string };

/** The object's auth declaration, or `undefined` when it carries none. */
export function authDeclarationOf(m: Manifest): AuthDeclaration | undefined {
  const raw = m.metadata?.annotations?.[AnnotationKeys.AUTH];
  if (raw === undefined) return undefined;
  const match = /^(app-native|public):\s*(\S.*)$/s.exec(String(raw).trim());
  if (!match || !isReason(match[2])) return { kind: 'malformed', value: String(raw) };
  return { kind: match[1] as 'app-native' | 'public', reason: match[2].trim() };
}

/** A Service an exposure sends traffic to. */
export interface Backend {
  readonly namespace: string;
  readonly service: string;
  readonly port?: number | string;
}

/** One way traffic from outside reaches Services: a route, an Ingress, or a LoadBalancer/NodePort Service. */
export interface Exposure {
  readonly record: ManifestRecord;
  /** `HTTPRoute`, `GRPCRoute`, `Ingress`, `LoadBalancer` or `NodePort`. */
  readonly via: string;
  readonly namespace: string;
  readonly name: string;
  /** Host names (routes and Ingresses); empty when the object answers any host or is a Service. */
  readonly hosts: readonly string[];
  readonly backends: readonly Backend[];
  readonly auth?: AuthDeclaration;
}

/** What the exposure rules know about the object set: exposures, auth proxies, admin UIs. Built once per context. */
export interface ExposureIndex {
  readonly exposures: readonly Exposure[];
  /** True when Service `namespace/name` fronts pods that run an auth-proxy image. */
  isAuthProxy(b: Backend): boolean;
  /** The admin UI a backend is, if any. */
  adminUi(b: Backend): AdminUi | undefined;
  /** The `--upstream` URLs of the auth proxy behind a backend (for the report). */
  proxyUpstreams(b: Backend): string[];
  /** Pods selected by Service `namespace/name`. */
  podsOf(b: Backend): readonly PodTemplateRef[];
}

const CACHE = new WeakMap<PolicyContext, ExposureIndex>();

/** The exposure index of `ctx` (computed once per context; linear in the objects). */
export function exposureIndex(ctx: PolicyContext): ExposureIndex {
  let idx = CACHE.get(ctx);
  if (!idx) {
    idx = buildIndex(ctx);
    CACHE.set(ctx, idx);
  }
  return idx;
}

function buildIndex(ctx: PolicyContext): ExposureIndex {
  const pods = new PodIndex(podTemplates(ctx));
  const podsCache = new Map<string, readonly PodTemplateRef[]>();
  const podsOf = (b: Backend): readonly PodTemplateRef[] => {
    const key = `${b.namespace}/${b.service}`;
    let found = podsCache.get(key);
    if (!found) {
      const svc = ctx.service(b.namespace, b.service);
      const selector = svc?.spec?.selector;
      found = selector && Object.keys(selector).length ? pods.selectLabels(b.namespace, selector) : [];
      podsCache.set(key, found);
    }
    return found;
  };
  const images = (b: Backend): string[] => podsOf(b).flatMap((p) => allContainers(p.spec)
    .filter((c) => c.list === 'containers' && typeof c.container?.image === 'string')
    .map((c) => parseImageReference(c.container.image).repository));

  const exposures: Exposure[] = [];
  for (const record of ctx.objects) {
    const e = exposureOf(record);
    if (e) exposures.push(e);
  }
  return {
    exposures,
    podsOf,
    isAuthProxy: (b) => images(b).some((repo) => AUTH_PROXY_IMAGES.some((re) => re.test(repo))),
    adminUi: (b) => {
      const svc = ctx.service(b.namespace, b.service);
      const appNames = new Set<string>();
      const own = svc?.metadata?.labels?.['app.kubernetes.io/name'];
      if (own) appNames.add(own);
      for (const p of podsOf(b)) if (p.labels['app.kubernetes.io/name']) appNames.add(p.labels['app.kubernetes.io/name']);
      const repos = images(b);
      return ADMIN_UIS.find((ui) => ui.service.test(b.service)
        || (ui.appNames ?? []).some((n) => appNames.has(n))
        || (ui.image !== undefined && repos.some((r) => (ui.image as RegExp).test(r))));
    },
    proxyUpstreams: (b) => {
      const out: string[] = [];
      for (const p of podsOf(b)) {
        for (const { container, list: l } of allContainers(p.spec)) {
          if (l !== 'containers') continue;
          for (const [flag, value] of flagsOf(container)) if (flag === 'upstream') out.push(value);
        }
      }
      return [...new Set(out)];
    },
  };
}

function exposureOf(record: ManifestRecord): Exposure | undefined {
  const m = record.manifest;
  const namespace = namespaceOf(m);
  const name = m.metadata?.name ?? '<unnamed>';
  const auth = authDeclarationOf(m);
  if ((m.kind === 'HTTPRoute' || m.kind === 'GRPCRoute') && m.apiVersion.startsWith('gateway.networking.k8s.io/')) {
    const backends: Backend[] = [];
    for (const rule of list(m.spec?.rules)) {
      for (const ref of list(rule?.backendRefs)) {
        if ((ref?.kind ?? 'Service') !== 'Service' || (ref?.group ?? '') !== '' || typeof ref?.name !== 'string') continue;
        backends.push({ namespace: ref.namespace ?? namespace, service: ref.name, port: ref.port });
      }
    }
    return { record, via: m.kind, namespace, name, hosts: list(m.spec?.hostnames).filter((h) => typeof h === 'string'), backends: dedupe(backends), auth };
  }
  if (m.kind === 'Ingress' && m.apiVersion.startsWith('networking.k8s.io/')) {
    const backends: Backend[] = [];
    const add = (svc: any) => {
      if (typeof svc?.name === 'string') backends.push({ namespace, service: svc.name, port: svc.port?.number ?? svc.port?.name });
    };
    add(m.spec?.defaultBackend?.service);
    const hosts: string[] = [];
    for (const rule of list(m.spec?.rules)) {
      if (typeof rule?.host === 'string') hosts.push(rule.host);
      for (const path of list(rule?.http?.paths)) add(path?.backend?.service);
    }
    return { record, via: 'Ingress', namespace, name, hosts, backends: dedupe(backends), auth };
  }
  if (m.kind === 'Service' && m.apiVersion === 'v1' && (m.spec?.type === 'LoadBalancer' || m.spec?.type === 'NodePort')) {
    return { record, via: m.spec.type, namespace, name, hosts: [], backends: [{ namespace, service: name }], auth };
  }
  return undefined;
}

function dedupe(backends: Backend[]): Backend[] {
  const seen = new Map<string, Backend>();
  for (const b of backends) {
    const key = `${b.namespace}/${b.service}:${b.port ?? ''}`;
    if (!seen.has(key)) seen.set(key, b);
  }
  return [...seen.values()];
}

/** `Service ns/name:port`. */
export function describeBackend(b: Backend, from?: string): string {
  return `Service ${b.namespace === from ? '' : `${b.namespace}/`}${b.service}${b.port !== undefined ? `:${b.port}` : ''}`;
}

/** `HTTPRoute ns/name` or `LoadBalancer Service ns/name`. */
export function describeExposure(e: Exposure): string {
  const kind = e.via === 'LoadBalancer' || e.via === 'NodePort' ? `${e.via} Service` : e.via;
  return `${kind} ${e.namespace}/${e.name}`;
}

/**
 * The flags an oauth2-proxy container is configured with: `--name=value` / `--name value` args,
 * and literal `OAUTH2_PROXY_*` env values (mapped to flag names: `OAUTH2_PROXY_COOKIE_SECRET` →
 * `cookie-secret`; plural list variables such as `..._TRUSTED_PROXY_IPS` → `trusted-proxy-ip`).
 * Env values from Secrets are reported with the value `<from Secret>`.
 */
export function flagsOf(container: any): [string, string][] {
  const out: [string, string][] = [];
  const args = [...list(container?.command), ...list(container?.args)].filter((a) => typeof a === 'string');
  for (let i = 0; i < args.length; i++) {
    const m = /^--?([a-z0-9-]+)(?:=(.*))?$/s.exec(args[i]);
    if (!m) continue;
    if (m[2] !== undefined) out.push([m[1], m[2]]);
    else if (i + 1 < args.length && !args[i + 1].startsWith('-')) out.push([m[1], args[++i]]);
    else out.push([m[1], 'true']);
  }
  for (const e of list(container?.env)) {
    const m = typeof e?.name === 'string' ? /^OAUTH2_PROXY_([A-Z0-9_]+)$/.exec(e.name) : null;
    if (!m) continue;
    const flag = ENV_PLURALS[m[1]] ?? m[1].toLowerCase().replace(/_/g, '-');
    if (typeof e.value === 'string') {
      for (const v of ENV_PLURALS[m[1]] ? e.value.split(',') : [e.value]) out.push([flag, v.trim()]);
    } else if (e.valueFrom?.secretKeyRef) {
      out.push([flag, '<from Secret>']);
    }
  }
  return out;
}

const ENV_PLURALS: Record<string, string> = {
  TRUSTED_PROXY_IPS: 'trusted-proxy-ip',
  TRUSTED_IPS: 'trusted-ip',
  EMAIL_DOMAINS: 'email-domain',
  UPSTREAMS: 'upstream',
  WHITELIST_DOMAINS: 'whitelist-domain',
  COOKIE_DOMAINS: 'cookie-domain',
  ALLOWED_GROUPS: 'allowed-group',
};

/** Every oauth2-proxy container of the object set, with its pod template and flags. */
export function oauth2ProxyContainers(ctx: PolicyContext): { pod: PodTemplateRef; container: any; flags: Map<string, string[]> }[] {
  const out: { pod: PodTemplateRef; container: any; flags: Map<string, string[]> }[] = [];
  for (const pod of podTemplates(ctx)) {
    for (const { container, list: l } of allContainers(pod.spec)) {
      if (l !== 'containers' || typeof container?.image !== 'string' || !OAUTH2_PROXY_IMAGE.test(parseImageReference(container.image).repository)) continue;
      const flags = new Map<string, string[]>();
      for (const [k, v] of flagsOf(container)) {
        const prev = flags.get(k);
        if (prev) prev.push(v);
        else flags.set(k, [v]);
      }
      out.push({ pod, container, flags });
    }
  }
  return out;
}
