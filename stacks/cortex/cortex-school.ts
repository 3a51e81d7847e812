import * as k8s from 'cdk8s-plus-29/lib/imports/k8s';
import { Construct } from 'constructs';
import { AccessMode, AppVolume, AppWorkload, EnvValue, ExternalService, GIT_CHECKOUT_LINK, IServiceEndpoint, Images, Namespace, Probe, ResourceProps, WorkloadKind, imageReference } from '../../lib';
import { grantRole } from './shapes';
import { CORTEX_STORAGE_CLASS } from './storage';

/** The seed's "after optimization" figures (seed 000), per pod. */
const AFTER: Record<string, ResourceProps> = {
  'school-coordinator': { cpu: '100m', memory: '256Mi', memoryLimit: '1Gi', cpuLimit: '500m' },
  'health-monitor': { cpu: '100m', memory: '256Mi', memoryLimit: '1Gi', cpuLimit: '500m' },
  'moe-router': { cpu: '50m', memory: '128Mi', memoryLimit: '512Mi', cpuLimit: '500m' },
  'rag-validator': { cpu: '100m', memory: '256Mi', memoryLimit: '1Gi', cpuLimit: '500m' },
  'implementation-workers': { cpu: '50m', memory: '128Mi', memoryLimit: '512Mi', cpuLimit: '500m' },
  'qdrant': { cpu: '50m', memory: '128Mi', memoryLimit: '512Mi', cpuLimit: '500m' },
};

const HTTP = [{ name: 'http', port: 8080 }];
const HEALTH = Probe.httpGet('/health');

/**
 * The cortex-school pipeline: coordinator, health monitor, MoE router, RAG validator,
 * implementation workers and Qdrant, right-sized to the seed's "after" table (1152Mi of memory
 * requests for six pods).
 *
 * The three incidents of seed 000 cannot be written here: `REDIS_HOST` comes from the
 * redis-queue Service object (not a typed host name), service links are off (no
 * `QDRANT_PORT=tcp://…`), and Qdrant sits on a Longhorn claim with requests that fit the nodes.
 */
export class CortexSchoolNamespace extends Namespace {
  public readonly apps: Record<string, AppWorkload> = {};

  constructor(scope: Construct, redisQueue: AppWorkload, youtubeIngestion: IServiceEndpoint) {
    super(scope, 'cortex-school', { labels: { 'app.kubernetes.io/part-of': 'cortex-school' } });
    const redis = { REDIS_HOST: EnvValue.serviceHost(redisQueue), REDIS_PORT: EnvValue.servicePort(redisQueue, 'redis') };

    const qdrant = new AppWorkload(this, 'qdrant', {
      kind: WorkloadKind.STATEFUL_SET,
      image: imageReference(Images.qdrant),
      resources: AFTER.qdrant,
      ports: [{ name: 'http', port: 6333 }, { name: 'grpc', port: 6334 }],
      healthCheck: Probe.httpGet('/'),
      env: { QDRANT__SERVICE__HTTP_PORT: '6333', QDRANT__SERVICE__GRPC_PORT: '6334' },
      volumes: {
        'qdrant-storage': { mountPath: '/qdrant/storage', source: AppVolume.newClaim({ size: '20Gi', storageClassName: CORTEX_STORAGE_CLASS, accessMode: AccessMode.READ_WRITE_ONCE }) },
      },
      writablePaths: ['/qdrant/snapshots'],
      partOf: 'cortex-school',
    });

    const moeRouter = new AppWorkload(this, 'moe-router', {
      image: imageReference(Images.cortexMoeRouter), resources: AFTER['moe-router'], ports: HTTP, healthCheck: HEALTH, internetEgress: true, partOf: 'cortex-school',
      env: {
        ...redis,
        LLMD_ENDPOINT: EnvValue.serviceUrl(ExternalService.fromProfile(this, 'cortex', 'llmd-service')),
        ANTHROPIC_API_KEY: EnvValue.fromSecret('anthropic-api-key', 'api-key', true),
        EXPERT_ARCHITECTURE_MODEL: 'claude-opus-4-5',
        EXPERT_SECURITY_MODEL: 'claude-opus-4-5',
        EXPERT_INTEGRATION_MODEL: 'claude-sonnet-4-5',
        EXPERT_DATABASE_MODEL: 'claude-sonnet-4-5',
        EXPERT_NETWORKING_MODEL: 'claude-sonnet-4-5',
        EXPERT_MONITORING_MODEL: 'claude-haiku-4',
      },
    });

    const ragValidator = new AppWorkload(this, 'rag-validator', {
      image: imageReference(Images.cortexRagValidator), resources: AFTER['rag-validator'], ports: HTTP, healthCheck: HEALTH, internetEgress: true, partOf: 'cortex-school',
      env: {
        ...redis,
        QDRANT_URL: EnvValue.serviceUrl(qdrant, { port: 'http' }),
        QDRANT_PORT: EnvValue.servicePort(qdrant, 'http'),
        EMBEDDING_MODEL: 'text-embedding-3-large',
        OPENAI_API_KEY: EnvValue.fromSecret('openai-api-key', 'api-key', true),
        GITOPS_REPO_PATH: `/gitops/${GIT_CHECKOUT_LINK}`,
        DOCS_REPO_PATH: `/docs/${GIT_CHECKOUT_LINK}`,
        LOG_LEVEL: 'INFO',
      },
      // the real pod cloned both repos with `git clone` in two alpine/git:latest init containers
      // (as root, floating tag); a pinned, non-root git-sync checks them out read-only instead
      volumes: {
        gitops: { mountPath: '/gitops', source: AppVolume.gitCheckout({ repository: 'https://github.com/ry-ops/cortex-gitops.git', ref: 'main' }) },
        docs: { mountPath: '/docs', source: AppVolume.gitCheckout({ repository: 'https://github.com/ry-ops/cortex-docs.git', ref: 'main' }) },
      },
    });

    const coordinator = new AppWorkload(this, 'school-coordinator', {
      image: imageReference(Images.cortexSchoolCoordinator), resources: AFTER['school-coordinator'], ports: HTTP, healthCheck: HEALTH, partOf: 'cortex-school',
      env: {
        ...redis,
        AUTO_APPROVE_THRESHOLD: '0.90',
        HIGH_RISK_THRESHOLD: '0.95',
        HEALTH_CHECK_DURATION: '300',
        LOG_LEVEL: 'INFO',
        YOUTUBE_INGESTION_URL: EnvValue.serviceUrl(youtubeIngestion),
        MOE_ROUTER_URL: EnvValue.serviceUrl(moeRouter),
        RAG_VALIDATOR_URL: EnvValue.serviceUrl(ragValidator),
      },
    });

    const healthMonitor = new AppWorkload(this, 'health-monitor', {
      image: imageReference(Images.cortexHealthMonitor), resources: AFTER['health-monitor'], ports: HTTP, healthCheck: HEALTH, internetEgress: true, apiAccess: true, partOf: 'cortex-school',
      exemptions: { 'HK-SEC-20': 'watches pods and deployments of its namespace through the Kubernetes API (Role health-monitor)' },
      env: {
        ...redis,
        PROMETHEUS_URL: EnvValue.serviceUrl(ExternalService.fromProfile(this, 'monitoring', 'prometheus')),
        HEALTH_CHECK_DURATION: '300',
        ROLLBACK_ENABLED: 'true',
        GITHUB_REPO: 'ry-ops/cortex-gitops',
        GITHUB_TOKEN: EnvValue.fromSecret('github-token', 'token', true),
      },
    });
    // read-only view of the namespace it watches (the real ClusterRole could also patch Argo CD apps cluster-wide)
    new k8s.KubeRole(healthMonitor, 'Role', {
      metadata: { name: 'health-monitor' },
      rules: [
        { apiGroups: [''], resources: ['pods', 'pods/log', 'services', 'events'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'replicasets'], verbs: ['get', 'list', 'watch'] },
      ],
    });
    new k8s.KubeRoleBinding(healthMonitor, 'RoleBinding', {
      metadata: { name: 'health-monitor' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'health-monitor' },
      subjects: [{ kind: 'ServiceAccount', name: 'health-monitor', namespace: 'cortex-school' }],
    });

    const workers = new AppWorkload(this, 'implementation-workers', {
      image: imageReference(Images.cortexImplementationWorker), resources: AFTER['implementation-workers'], ports: HTTP, healthCheck: HEALTH, internetEgress: true, apiAccess: true, partOf: 'cortex-school',
      exemptions: { 'HK-SEC-20': 'reads the pods, services, configmaps and deployments of its namespace through the Kubernetes API (Role implementation-workers, no Secrets)' },
      env: {
        ...redis,
        WORKER_TYPE: 'all',
        GITHUB_REPO: 'ry-ops/cortex-gitops',
        GITHUB_BRANCH: 'main',
        GITHUB_TOKEN: EnvValue.fromSecret('github-token', 'token', true),
        COMMIT_AUTHOR_NAME: 'Cortex Online School',
        COMMIT_AUTHOR_EMAIL: 'school@cortex.ai',
      },
    });
    // the real ClusterRole let it read every Secret in the cluster and patch Argo CD
    // Applications; it writes manifests to Git, so a read-only view of its own namespace is enough
    grantRole(workers, [
      { apiGroups: [''], resources: ['pods', 'services', 'configmaps'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: ['get', 'list', 'watch'] },
    ]);

    Object.assign(this.apps, { qdrant, 'moe-router': moeRouter, 'rag-validator': ragValidator, 'school-coordinator': coordinator, 'health-monitor': healthMonitor, 'implementation-workers': workers });
  }
}
