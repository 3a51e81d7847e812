import { AnnotationKeys, ClusterProfile, ClusterProfileProps, Manifest, PolicyRule, evaluatePolicies, reportSections } from '../../../lib';
import { LAB_PROFILE } from '../../networking/lab';
import { container, deployment, merge, records, service } from '../fixtures';

/** The lab profile as the rules see it. */
export function labProfile(overrides: Partial<ClusterProfileProps> = {}): ClusterProfile {
  return new ClusterProfile('lab', { ...LAB_PROFILE, ...overrides });
}

/** Runs `rule` over `manifests` with the lab profile; returns `[level, message]` of its findings. */
export function judge(rule: PolicyRule, manifests: Manifest[], profile: ClusterProfile = labProfile()): [string, string][] {
  return evaluatePolicies(records(...manifests), [{ name: 'test', rules: [rule] }], profile)
    .filter((f) => f.ruleId === rule.id).map((f) => [f.level, f.message]);
}

/** The REPORT.md sections `rule` contributes for `manifests`. */
export function report(rule: PolicyRule, manifests: Manifest[]) {
  return reportSections(records(...manifests), [{ name: 'test', rules: [rule] }], labProfile());
}

/** An HTTPRoute `name` in `namespace` for `hosts`, to `backends` (`[service, port, namespace?]`), optionally with an auth annotation. */
export function httpRoute(name: string, namespace: string, hosts: string[], backends: [string, number, string?][], auth?: string): Manifest {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace, ...(auth !== undefined ? { annotations: { [AnnotationKeys.AUTH]: auth } } : {}) },
    spec: {
      parentRefs: [{ name: 'main-gateway', namespace: 'networking', sectionName: 'https' }],
      hostnames: hosts,
      rules: [{ backendRefs: backends.map(([svc, port, ns]) => ({ name: svc, port, ...(ns ? { namespace: ns } : {}) })) }],
    },
  };
}

/** An Ingress `name` for `host` to `svc:port`. */
export function ingress(name: string, namespace: string, host: string, svc: string, port: number, auth?: string): Manifest {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace, ...(auth !== undefined ? { annotations: { [AnnotationKeys.AUTH]: auth } } : {}) },
    spec: { rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: svc, port: { number: port } } } }] } }] },
  };
}

/** An app `name` running `image` with its ClusterIP Service on `port`. */
export function appWithService(name: string, namespace: string, image: string, port: number, podPatch: any = {}): Manifest[] {
  return [
    deployment(name, namespace, merge({ containers: [container({ image, ports: [{ name: 'http', containerPort: port }] })] }, podPatch)),
    service(name, namespace, port),
  ];
}

/** An oauth2-proxy Deployment `name` with `args` (and extra container fields), and its Service on 4180. */
export function oauth2Proxy(name: string, namespace: string, args: string[], containerPatch: any = {}, podPatch: any = {}): Manifest[] {
  return [
    deployment(name, namespace, merge({ containers: [container(merge({ name, image: 'quay.io/oauth2-proxy/oauth2-proxy:v7.15.5', args, ports: [{ name: 'http', containerPort: 4180 }] }, containerPatch))] }, podPatch)),
    service(name, namespace, 4180),
  ];
}

/** Args of a correctly configured front for Prometheus in `monitoring`. */
export const GOOD_PROXY_ARGS = [
  '--provider=oidc',
  '--oidc-issuer-url=https://auth.lab.example.net/application/o/prometheus/',
  '--upstream=http://prometheus.monitoring.svc.cluster.local:9090/',
  '--cookie-expire=24h',
  '--cookie-refresh=1h',
  '--reverse-proxy=true',
  '--trusted-proxy-ip=192.168.10.224/28',
];

/** A HelmRelease of `chart` with `values`. */
export function helmRelease(name: string, namespace: string, chart: string, values: Record<string, unknown>): Manifest {
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name, namespace },
    spec: { releaseName: name, chart: { spec: { chart, version: '1.0.0', sourceRef: { kind: 'HelmRepository', name } } }, values },
  };
}
