import { App } from 'cdk8s';
import { Construct } from 'constructs';
import {
  AppSize, AppWorkload, Cluster, ClusterProfileProps, Distro, IdentityProviderKind, Namespace, OAuth2Proxy, Probe, SplitHorizonDns,
} from '../../lib'; // `hardened-homelab` once installed from the registry
import { ClusterObjects } from '../../lib/pulumi'; // `hardened-homelab/pulumi`

/** Name of the ClusterObjects component; its ConfigGroups and Secrets are named after it. */
export const COMPONENT_NAME = 'protected-app';

/** The namespace Alertmanager and its front run in. */
export const NAMESPACE = 'monitoring';

/**
 * The cluster this program provisions: two K3s nodes, the domain `lab.example.net`, a Gateway
 * `networking/main-gateway` (listener `https`) that already exists, and Authentik at
 * `authentik.lab.example.net`. Edit it to describe your cluster before `pulumi up`.
 */
export const PROFILE: ClusterProfileProps = {
  distro: Distro.K3S,
  version: 'v1.32.5+k3s1',
  nodes: [
    { name: 'node-a', allocatable: { cpu: '4', memory: '7Gi' } },
    { name: 'node-b', allocatable: { cpu: '4', memory: '7Gi' } },
  ],
  domain: 'lab.example.net',
  gateway: { name: 'main-gateway', namespace: 'networking', sectionName: 'https', ip: '192.168.1.240', cidr: '192.168.1.0/24' },
  identityProvider: { kind: IdentityProviderKind.AUTHENTIK, host: 'authentik.lab.example.net' },
};

/**
 * Alertmanager's configuration: every alert goes to a receiver that discards it. Replace the
 * receiver with yours (e-mail, webhook, …); credentials belong in a Secret, not here.
 */
export const ALERTMANAGER_CONFIG = [
  'route:',
  '  receiver: discard',
  'receivers:',
  '  - name: discard',
  '',
].join('\n');

/** The cluster and the front that protects Alertmanager. */
export interface ProtectedApp {
  readonly cluster: Cluster;
  readonly front: OAuth2Proxy;
}

/**
 * The cluster: Alertmanager (no login of its own) in `monitoring`, published at
 * https://alertmanager.lab.example.net only through an OAuth2-proxy front on Authentik, and
 * split-horizon DNS so the front reaches Authentik through the gateway from inside the cluster.
 * The same code works under `cdk8s synth`; here Pulumi provisions it.
 */
export function buildProtectedApp(scope: Construct): ProtectedApp {
  const cluster = new Cluster(scope, 'protected-app', { profile: PROFILE });
  const ns = new Namespace(cluster, NAMESPACE);
  const alertmanager = new AppWorkload(ns, 'alertmanager', {
    image: 'quay.io/prometheus/alertmanager:v0.28.1',
    size: AppSize.SMALL,
    ports: [{ name: 'http', port: 9093 }],
    args: [
      '--config.file=/etc/alertmanager/alertmanager.yml',
      '--storage.path=/alertmanager',
      '--web.listen-address=:9093',
      `--web.external-url=https://alertmanager.${PROFILE.domain}`,
      // one replica: no gossip cluster (an empty address turns high availability off)
      '--cluster.listen-address=',
    ],
    config: { config: { mountPath: '/etc/alertmanager', files: { 'alertmanager.yml': ALERTMANAGER_CONFIG } } },
    writablePaths: ['/alertmanager'],
    probes: { readiness: Probe.httpGet('/-/ready'), liveness: Probe.httpGet('/-/healthy') },
  });
  const front = new OAuth2Proxy(ns, 'AlertmanagerFront', {
    name: 'alertmanager',
    upstream: alertmanager,
    allowedGroups: ['admins'],
  });
  new SplitHorizonDns(cluster);
  return { cluster, front };
}

/** What the program exports as stack outputs. */
export interface ProgramOutputs {
  readonly component: ClusterObjects;
  /** The front's public URL. */
  readonly url: string;
  /** The redirect URI to register in Authentik's OAuth2/OpenID provider. */
  readonly redirectUrl: string;
  /** Kubernetes objects handed to Pulumi (the Secrets from config not counted). */
  readonly objectCount: number;
  /** `namespace/name` of the Secrets created from config. */
  readonly secrets: string[];
}

/**
 * The Pulumi program: builds the cluster and hands it to {@link ClusterObjects}, which
 * synthesizes it (construct checks and policies), creates the front's Secret from the config
 * object `secrets` (`pulumi config set --secret --path 'secrets.monitoring.oauth2-proxy-alertmanager.<key>'`),
 * checks the cookie secret the way oauth2-proxy will read it, and applies the objects. The
 * kubeconfig context is the provider's `kubernetes:context` config.
 */
export function program(): ProgramOutputs {
  const { cluster, front } = buildProtectedApp(new App({ outdir: '/nonexistent' }));
  const component = new ClusterObjects(COMPONENT_NAME, { cluster });
  return {
    component,
    url: front.url,
    redirectUrl: front.redirectUrl,
    objectCount: component.objectCount,
    secrets: [...component.secrets.keys()],
  };
}
