import * as k8s from 'cdk8s-plus-29/lib/imports/k8s';
import { Construct } from 'constructs';
import {
  AppRoute, Charts, ClusterProfile, IServiceEndpoint, Namespace, RouteAuth, SplitHorizonDns, UpstreamChart, requireSecret,
} from '../../lib';

/** The Secret (created out of band: SOPS, `kubectl create secret`, or `pulumi config set --secret`) Authentik reads. */
export const AUTHENTIK_SECRET = 'authentik-secret';

/** Labels every pod of the Authentik release carries (server, worker and the bundled PostgreSQL). */
const RELEASE_PODS = { 'app.kubernetes.io/instance': 'authentik' };
/** The Authentik server pods (the chart's `server` component). */
const SERVER_PODS = { 'app.kubernetes.io/name': 'authentik', 'app.kubernetes.io/component': 'server' };

const RESTRICTED_POD = { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } };
const RESTRICTED_CONTAINER = { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };

/**
 * The `authentik` namespace: Authentik (server, worker, bundled PostgreSQL) from its Helm chart,
 * its route (Authentik is the login, so the route is declared app-native), and split-horizon DNS
 * so the OAuth2-proxy fronts reach `authentik.<domain>` through the gateway from inside the cluster.
 *
 * What differs from the real cluster (seed 003, sudoflux/flux-k3s): secrets come from the
 * existing Secret `authentik-secret` by reference (the real values.yaml sat in a SOPS Secret,
 * and the proxies' client secrets in plaintext temp-secret.yaml files); the DNS hairpin is solved
 * once with coredns-custom instead of hostAliases pasted into every proxy; Pod Security is
 * `restricted` (the real namespace enforced `baseline`).
 */
export class AuthNamespace extends Namespace {
  /** The Authentik release. */
  public readonly authentik: UpstreamChart;
  /** The chart's server Service (`authentik-server:80`). */
  public readonly server: IServiceEndpoint;
  /** `https://authentik.<domain>`. */
  public readonly route: AppRoute;
  /** coredns-custom: the cluster's domain resolves to the gateway inside the cluster. */
  public readonly splitHorizonDns: SplitHorizonDns;

  constructor(scope: Construct) {
    super(scope, 'authentik');
    const profile = ClusterProfile.of(this);
    const host = profile.identityProvider?.host ?? `authentik.${profile.domain}`;
    const secretEnv = (name: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: AUTHENTIK_SECRET, key } } });

    this.authentik = new UpstreamChart(this, 'authentik', {
      chart: Charts.authentik,
      values: {
        global: {
          env: [
            secretEnv('AUTHENTIK_SECRET_KEY', 'secret-key'),
            secretEnv('AUTHENTIK_POSTGRESQL__PASSWORD', 'postgres-password'),
          ],
          securityContext: RESTRICTED_POD,
        },
        authentik: {
          error_reporting: { enabled: false },
          postgresql: { host: 'authentik-postgresql', name: 'authentik', user: 'authentik', port: 5432 },
        },
        server: {
          replicas: 1,
          resources: { requests: { cpu: '50m', memory: '512Mi' }, limits: { memory: '768Mi' } },
          containerSecurityContext: RESTRICTED_CONTAINER,
          metrics: { enabled: true },
        },
        worker: {
          replicas: 1,
          resources: { requests: { cpu: '50m', memory: '256Mi' }, limits: { memory: '512Mi' } },
          containerSecurityContext: RESTRICTED_CONTAINER,
        },
        postgresql: {
          enabled: true,
          auth: {
            username: 'authentik',
            database: 'authentik',
            existingSecret: AUTHENTIK_SECRET,
            secretKeys: { adminPasswordKey: 'postgres-admin-password', userPasswordKey: 'postgres-password' },
          },
          primary: {
            persistence: { enabled: true, storageClass: 'longhorn-nvme', size: '8Gi' },
            resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
          },
        },
      },
      footprint: { cpu: '150m', memory: '896Mi', memoryLimit: '1536Mi', pods: 3 },
      // the release's pods talk to each other (server/worker -> PostgreSQL); the gateway reaches the
      // server through the route's own rule, and the internet rule below is the only other opening
      networkPolicy: {
        podSelector: RELEASE_PODS,
        ingress: [{ from: [{ podSelector: { matchLabels: RELEASE_PODS } }] }],
        egress: [{ to: [{ podSelector: { matchLabels: RELEASE_PODS } }] }],
      },
    });
    requireSecret(this.authentik, {
      name: AUTHENTIK_SECRET,
      keys: {
        'secret-key': { description: 'AUTHENTIK_SECRET_KEY: signs cookies and unique ids; never change it after the first start (e.g. `openssl rand -base64 60`)' },
        'postgres-password': { description: 'password of the PostgreSQL user authentik' },
        'postgres-admin-password': { description: 'password of the PostgreSQL superuser postgres' },
      },
    });

    this.server = { serviceName: 'authentik-server', namespace: this.name, servicePorts: [{ name: 'http', port: 80 }] };
    this.route = new AppRoute(this.authentik, 'Route', {
      backend: this.server,
      name: 'authentik',
      hostname: host,
      auth: RouteAuth.appNative('Authentik is the identity provider: its own login, flows and MFA'),
      backendPods: { selector: SERVER_PODS, port: 9000 },
    });

    // server and worker reach the internet for e-mail (SMTP submission) and outpost/blueprint downloads
    new k8s.KubeNetworkPolicy(this.authentik, 'Internet', {
      metadata: { name: 'authentik-internet' },
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'authentik' } },
        policyTypes: ['Egress'],
        egress: [{
          to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'] } }],
          ports: [{ port: k8s.IntOrString.fromNumber(443), protocol: 'TCP' }, { port: k8s.IntOrString.fromNumber(587), protocol: 'TCP' }],
        }],
      },
    });

    this.splitHorizonDns = new SplitHorizonDns(scope);
  }
}
