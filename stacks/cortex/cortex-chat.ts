import { JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { AppVolume, AppWorkload, Criticality, EnvValue, Images, Namespace, Probe, imageReference, k8s } from '../../lib';
import { HEALTH, HTTP_8080, STORAGE_CLASS, redisServer, resources } from './shapes';

/** The ClusterIP every in-cluster image reference names (`10.43.170.72:5000/...`). */
export const REGISTRY_CLUSTER_IP = '10.43.170.72';
/** K3s's default pod network: kubelet pulls through the ClusterIP arrive from a node's cni0/flannel address in it. */
export const POD_CIDR = '10.42.0.0/16';

/** What cortex-chat needs from the other namespaces. */
export interface CortexChatDeps {
  /** The cortex API (Deployment cortex-orchestrator in `cortex`). */
  readonly cortexApi: AppWorkload;
  /** The cortex-system cache Redis. */
  readonly redis: AppWorkload;
}

/**
 * `cortex-chat` (ArgoCD app cortex-chat): the chat frontend, its backend and proxy, the Grafana
 * PDF report service, and the cluster's image registry.
 *
 * What differs from the real cluster: the registry kept every image in an emptyDir, so a
 * restart of its pod lost every in-cluster image; it is critical and on a Longhorn claim here,
 * and its Service keeps the ClusterIP the image references name. The frontend (nginx with
 * ConfigMap-mounted HTML), the proxy and the PDF service (`node:*-alpine` with `npm install` in
 * an init container) run from their own builds. The unused chat Redis (0 replicas) is kept and
 * optional.
 */
export class CortexChatNamespace extends Namespace {
  public readonly registry: AppWorkload;

  constructor(scope: Construct, deps: CortexChatDeps) {
    super(scope, 'cortex-chat', { labels: { 'app.kubernetes.io/part-of': 'cortex' } });

    this.registry = new AppWorkload(this, 'docker-registry', {
      image: imageReference(Images.registry),
      resources: resources('50m', '128Mi', '256Mi'),
      criticality: Criticality.CRITICAL,
      ports: [{ name: 'http', port: 5000 }],
      healthCheck: Probe.httpGet('/v2/'),
      env: { REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY: '/var/lib/registry', REGISTRY_STORAGE_DELETE_ENABLED: 'true' },
      volumes: { storage: { mountPath: '/var/lib/registry', source: AppVolume.newClaim({ size: '8Gi', storageClassName: STORAGE_CLASS }) } },
      component: 'registry',
      partOf: 'cortex',
    });
    this.registry.service!.addJsonPatch(JsonPatch.add('/spec/clusterIp', REGISTRY_CLUSTER_IP));
    // kubelets pull (and Kaniko builds push) through the ClusterIP: from the host network the
    // connection arrives from the node's pod-network address, so the pod network may reach :5000
    new k8s.KubeNetworkPolicy(this.registry, 'Pulls', {
      metadata: { name: 'docker-registry-pulls' },
      spec: {
        podSelector: { matchLabels: { ...this.registry.podSelector } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ ipBlock: { cidr: POD_CIDR } }], ports: [{ port: k8s.IntOrString.fromNumber(5000), protocol: 'TCP' }] }],
      },
    });

    const backend = new AppWorkload(this, 'cortex-chat-backend-simple', {
      image: imageReference(Images.cortexChatBackend),
      resources: resources('100m', '256Mi', '512Mi'),
      ports: HTTP_8080,
      healthCheck: HEALTH,
      internetEgress: true,
      env: {
        PORT: '8080',
        CORTEX_URL: EnvValue.serviceUrl(deps.cortexApi),
        REDIS_HOST: EnvValue.serviceHost(deps.redis),
        REDIS_PORT: EnvValue.servicePort(deps.redis, 'redis'),
        ANTHROPIC_API_KEY: EnvValue.fromSecret('cortex-chat-secrets', 'anthropic-api-key'),
        AUTH_USERNAME: EnvValue.fromSecret('cortex-chat-secrets', 'auth-username'),
        AUTH_PASSWORD: EnvValue.fromSecret('cortex-chat-secrets', 'auth-password'),
        CORS_ORIGIN: 'https://chat.ry-ops.dev',
      },
      component: 'backend',
      partOf: 'cortex',
    });

    const frontend = new AppWorkload(this, 'cortex-chat', {
      image: imageReference(Images.cortexChat),
      resources: resources('25m', '32Mi', '64Mi'),
      ports: HTTP_8080,
      healthCheck: Probe.httpGet('/'),
      writablePaths: ['/var/cache/nginx'],
      component: 'frontend',
      partOf: 'cortex',
    });
    frontend.connectTo(backend, 8080);

    new AppWorkload(this, 'cortex-chat-proxy', {
      image: imageReference(Images.cortexChatProxy),
      resources: resources('25m', '64Mi', '128Mi'),
      ports: HTTP_8080,
      healthCheck: HEALTH,
      env: { CORTEX_MCP_URL: EnvValue.serviceUrl(deps.cortexApi) },
      component: 'proxy',
      partOf: 'cortex',
    });

    new AppWorkload(this, 'grafana-pdf-service', {
      image: imageReference(Images.grafanaPdfService),
      resources: resources('50m', '128Mi', '256Mi'),
      ports: [{ name: 'http', port: 3001 }],
      healthCheck: HEALTH,
      component: 'reports',
      partOf: 'cortex',
    });

    redisServer(this, 'redis', { resources: resources('50m', '64Mi', '128Mi'), replicas: 0, criticality: Criticality.OPTIONAL });
  }
}
