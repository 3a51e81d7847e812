import { Construct } from 'constructs';
import { AppWorkload, Criticality, EnvValue, ImageRef, Images, Namespace, Probe, WorkloadKind, imageReference } from '../../lib';
import {
  HEALTH, HTTP_8080, LAN, allowWritableRootFilesystem, apiAccessExemption, grantClusterRole, grantRole, mcpServer, postgresServer,
  redisServer, resources,
} from './shapes';

/** The MCP servers other namespaces call. */
export interface CortexMcpServers {
  readonly sandfly: AppWorkload;
  readonly unifi: AppWorkload;
  readonly proxmox: AppWorkload;
}

/** Reads jobs of this namespace: what the master agents watch for task directives. */
const JOB_READER = [{ apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'watch'] }];

/** A master agent: a watcher with no port that reads task Jobs through the API. */
function masterAgent(ns: Construct, id: string, image: ImageRef, replicas = 1, criticality?: Criticality): AppWorkload {
  const app = new AppWorkload(ns, id, {
    image: imageReference(image),
    replicas,
    criticality,
    resources: resources('50m', '64Mi', '128Mi'),
    // no port: the probe checks that the agent's tooling is there, without calling the API server
    probes: { readiness: Probe.exec(['kubectl', 'version', '--client']) },
    apiAccess: true,
    exemptions: apiAccessExemption('watches the task Jobs of cortex-system (Role: get/list/watch jobs)'),
    component: 'master-agent',
    partOf: 'cortex',
  });
  grantRole(app, JOB_READER);
  return app;
}

/**
 * `cortex-system` (ArgoCD app cortex-system): the orchestrator, the MCP servers, Langflow, the
 * master agents, two PostgreSQL servers, three Redis servers and the janitor jobs.
 *
 * What differs from the real cluster: every image is a pinned build (the MCP servers ran
 * `python:3.11-slim` with `pip install` at each start); credentials come from Secrets (they
 * were literals: Sandfly, Proxmox, UniFi, Langflow, the database URLs); the unifi MCP server
 * reaches its controller through a LAN egress rule instead of `hostNetwork: true`; the
 * crash-looping langflow-chat-mcp-server (0 replicas, as the seed left it) and
 * cloudflare-mcp-server are optional; the bitnami Redis and PostgreSQL StatefulSets run the
 * official images on Longhorn claims; the two janitor daemons (`while true` shell loops on
 * `bitnami/kubectl:latest`) are CronJobs that no longer force-delete VolumeAttachments; the
 * privileged `cortex-live-cli` DaemonSet (it wrote a script into every node's /usr) and the
 * Kaniko build Jobs are left out.
 */
export class CortexSystemNamespace extends Namespace {
  public readonly mcp: CortexMcpServers;
  /** The cache Redis (a Deployment on an emptyDir) other namespaces read. */
  public readonly redis: AppWorkload;
  /** The PostgreSQL server `postgres` (Phoenix keeps its traces there). */
  public readonly postgres: AppWorkload;
  /** The MCP gateway (cortex-mcp-server, component mcp-gateway). */
  public readonly mcpGateway: AppWorkload;

  constructor(scope: Construct) {
    super(scope, 'cortex-system', { labels: { 'app.kubernetes.io/part-of': 'cortex' } });

    // --- data
    const postgres = this.postgres = postgresServer(this, 'postgres', { resources: resources('100m', '256Mi', '1Gi'), size: '4Gi', database: 'cortex', credentialsSecret: 'postgres-credentials' });
    const postgresql = postgresServer(this, 'postgres-postgresql', { resources: resources('100m', '256Mi', '512Mi'), size: '4Gi', database: 'postgres', credentialsSecret: 'postgres-postgresql-credentials' });
    const redisPassword = { secret: 'redis-credentials', key: 'password' };
    const redisMaster = redisServer(this, 'redis-master', { resources: resources('100m', '128Mi', '256Mi'), persistence: '1Gi', maxmemoryPolicy: 'noeviction', password: redisPassword, criticality: Criticality.CRITICAL });
    redisServer(this, 'redis-replicas', { resources: resources('100m', '128Mi', '256Mi'), persistence: '1Gi', maxmemoryPolicy: 'noeviction', password: redisPassword, replicaOf: redisMaster, replicas: 0, criticality: Criticality.OPTIONAL,
      exemptions: { 'HK-BAK-01': 'a read replica of redis-master, whose claim is backed up; at 0 replicas it has no data of its own' } });
    this.redis = redisServer(this, 'redis', { resources: resources('50m', '64Mi', '128Mi') });

    // --- the orchestrator
    new AppWorkload(this, 'cortex-orchestrator', {
      image: imageReference(Images.cortexOrchestrator),
      resources: resources('200m', '256Mi', '512Mi'),
      criticality: Criticality.CRITICAL,
      ports: [{ name: 'mcp', port: 8080 }, { name: 'metrics', port: 9090 }],
      probes: { startup: Probe.httpGet('/health'), readiness: Probe.httpGet('/ready'), liveness: Probe.httpGet('/health') },
      env: {
        POD_NAME: EnvValue.fromField('metadata.name'),
        POD_NAMESPACE: EnvValue.fromField('metadata.namespace'),
        NODE_NAME: EnvValue.fromField('spec.nodeName'),
        LOG_LEVEL: 'INFO',
        LOG_FORMAT: 'json',
      },
      security: { runAsUser: 1000, runAsGroup: 1000 },
      component: 'orchestration',
      partOf: 'cortex',
    });

    // --- MCP servers (one per managed system)
    const sandfly = mcpServer(this, 'sandfly-mcp-server', {
      image: Images.sandflyMcpServer, lan: [LAN.sandfly],
      env: { SANDFLY_HOST: LAN.sandfly.ip, SANDFLY_USERNAME: EnvValue.fromSecret('sandfly-credentials', 'username'), SANDFLY_PASSWORD: EnvValue.fromSecret('sandfly-credentials', 'password'), SANDFLY_VERIFY_SSL: 'false' },
    });
    const unifi = mcpServer(this, 'unifi-mcp-server', {
      image: Images.unifiMcpServer, lan: [LAN.unifi],
      env: { UNIFI_HOST: LAN.unifi.ip, UNIFI_PORT: '443', UNIFI_SITE: 'default', UNIFI_IS_UDM: 'false', UNIFI_USERNAME: EnvValue.fromSecret('unifi-credentials', 'username'), UNIFI_PASSWORD: EnvValue.fromSecret('unifi-credentials', 'password') },
    });
    const proxmox = mcpServer(this, 'proxmox-mcp-server', {
      image: Images.proxmoxMcpServer, lan: [LAN.proxmox],
      env: { PROXMOX_HOST: LAN.proxmox.ip, PROXMOX_PORT: '8006', PROXMOX_USERNAME: EnvValue.fromSecret('proxmox-credentials', 'username'), PROXMOX_PASSWORD: EnvValue.fromSecret('proxmox-credentials', 'password') },
    });
    mcpServer(this, 'n8n-mcp-server', {
      image: Images.n8nMcpServer, port: 3002, lan: [LAN.n8n],
      env: { N8N_HOST: LAN.n8n.ip, N8N_PORT: '5678', N8N_API_KEY: EnvValue.fromSecret('n8n-credentials', 'api-key') },
    });
    mcpServer(this, 'checkmk-mcp-server', {
      image: Images.checkmkMcpServer, lan: [LAN.checkmk],
      env: { CHECKMK_HOST: LAN.checkmk.ip, CHECKMK_SITE: 'cmk', CHECKMK_USERNAME: 'automation', CHECKMK_PASSWORD: EnvValue.fromSecret('checkmk-credentials', 'automation-secret') },
    });
    mcpServer(this, 'github-security-mcp-server', {
      image: Images.githubSecurityMcpServer, internet: true,
      env: { GITHUB_TOKEN: EnvValue.fromSecret('github-token', 'token') },
    });
    // seed 000: 881 restarts and still crash-looping when the report was written; kept, preempted first
    mcpServer(this, 'cloudflare-mcp-server', {
      image: Images.cloudflareMcpServer, internet: true, criticality: Criticality.OPTIONAL,
      env: { CLOUDFLARE_API_TOKEN: EnvValue.fromSecret('cloudflare-credentials', 'api-token') },
    });
    const kubernetesMcp = mcpServer(this, 'kubernetes-mcp-server', {
      image: Images.kubernetesMcpServer, apiAccess: true,
      exemptions: apiAccessExemption('reads workloads, events and logs cluster-wide (ClusterRole without Secrets)'),
    });
    grantClusterRole(kubernetesMcp, [
      { apiGroups: [''], resources: ['pods', 'pods/log', 'services', 'events', 'namespaces', 'nodes', 'configmaps', 'persistentvolumeclaims'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: ['get', 'list', 'watch'] },
    ]);
    this.mcp = { sandfly, unifi, proxmox };

    this.mcpGateway = new AppWorkload(this, 'cortex-mcp-server', {
      image: imageReference(Images.cortexMcpServer),
      resources: resources('100m', '256Mi', '512Mi'),
      ports: [{ name: 'mcp', port: 3000 }, { name: 'health', port: 8080 }],
      healthCheck: Probe.httpGet('/health', { port: 'health' }),
      env: {
        MCP_PORT: '3000',
        HEALTH_PORT: '8080',
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        UNIFI_MCP_URL: EnvValue.serviceUrl(unifi),
        PROXMOX_MCP_URL: EnvValue.serviceUrl(proxmox),
        SANDFLY_MCP_URL: EnvValue.serviceUrl(sandfly),
      },
      writablePaths: ['/app/coordination'],
      component: 'mcp-gateway',
      partOf: 'cortex',
    });

    // --- Langflow and its chat MCP server
    const langflow = new AppWorkload(this, 'langflow', {
      image: imageReference(Images.langflow),
      resources: resources('500m', '768Mi', '1536Mi'),
      ports: [{ name: 'http', port: 7860 }],
      healthCheck: HEALTH,
      internetEgress: true,
      security: { runAsUser: 1000, runAsGroup: 1000 },
      env: {
        LANGFLOW_HOST: '0.0.0.0',
        LANGFLOW_PORT: '7860',
        LANGFLOW_WORKERS: '1',
        LANGFLOW_CONFIG_DIR: '/app/config',
        LANGFLOW_DATABASE_URL: EnvValue.fromSecret('langflow-database', 'url'),
        LANGFLOW_AUTO_LOGIN: 'false',
        LANGFLOW_SUPERUSER: 'admin',
        LANGFLOW_SUPERUSER_PASSWORD: EnvValue.fromSecret('langflow-credentials', 'superuser-password'),
        LANGFLOW_STORE_API_KEY: EnvValue.fromSecret('langflow-credentials', 'store-api-key', true),
      },
      writablePaths: ['/app/config'],
      partOf: 'cortex',
    });
    langflow.connectTo(postgresql, 5432);
    // seed 000: 277 init crashes over 34h, scaled to 0
    new AppWorkload(this, 'langflow-chat-mcp-server', {
      image: imageReference(Images.langflowChatMcpServer),
      replicas: 0,
      criticality: Criticality.OPTIONAL,
      resources: resources('50m', '64Mi', '128Mi'),
      ports: HTTP_8080,
      healthCheck: HEALTH,
      env: { LANGFLOW_URL: EnvValue.serviceUrl(langflow) },
      component: 'mcp-server',
      partOf: 'cortex',
    });

    new AppWorkload(this, 'docling-service', {
      image: imageReference(Images.doclingService),
      resources: resources('100m', '256Mi', '512Mi'),
      ports: [{ name: 'http', port: 8000 }],
      healthCheck: HEALTH,
      env: { REDIS_HOST: EnvValue.serviceHost(this.redis), REDIS_PORT: EnvValue.servicePort(this.redis, 'redis') },
      component: 'document-processing',
      partOf: 'cortex',
    });

    // seed 000: "1 of 2 cortex-resource-manager pods in CrashLoopBackOff (1043 restarts)".
    // An stdio MCP server: clients `kubectl exec` into it, so it has no port.
    const resourceManager = new AppWorkload(this, 'cortex-resource-manager', {
      image: imageReference(Images.cortexResourceManager),
      criticality: Criticality.OPTIONAL,
      resources: resources('50m', '128Mi', '256Mi'),
      probes: { readiness: Probe.exec(['python', '-c', 'import mcp']) },
      env: { DATABASE_URL: EnvValue.fromSecret('cortex-resource-manager', 'database-url'), REDIS_URL: EnvValue.fromSecret('cortex-resource-manager', 'redis-url') },
      partOf: 'cortex',
    });
    resourceManager.connectTo(postgresql, 5432);
    resourceManager.connectTo(redisMaster, 6379);

    // --- master agents
    masterAgent(this, 'coordinator-master', Images.coordinatorMaster);
    masterAgent(this, 'cicd-master', Images.cicdMaster);
    masterAgent(this, 'security-master', Images.securityMaster);
    masterAgent(this, 'development-master', Images.developmentMaster, 0, Criticality.OPTIONAL);

    // --- database tooling
    const pgadmin = new AppWorkload(this, 'pgadmin', {
      image: imageReference(Images.pgadmin),
      replicas: 0,
      criticality: Criticality.OPTIONAL,
      resources: resources('50m', '128Mi', '256Mi'),
      ports: [{ name: 'http', port: 8080 }],
      healthCheck: Probe.httpGet('/misc/ping'),
      security: { runAsUser: 5050, runAsGroup: 5050 },
      env: { PGADMIN_LISTEN_PORT: '8080', PGADMIN_DEFAULT_EMAIL: 'admin@ry-ops.dev', PGADMIN_DEFAULT_PASSWORD: EnvValue.fromSecret('pgadmin-credentials', 'password') },
      writablePaths: ['/var/lib/pgadmin'],
      partOf: 'cortex',
    });
    allowWritableRootFilesystem(pgadmin, 'the pgAdmin entrypoint writes /pgadmin4/config_distro.py next to its code at every start');
    pgadmin.connectTo(postgres, 5432);
    pgadmin.connectTo(postgresql, 5432);

    const exporter = new AppWorkload(this, 'postgres-exporter', {
      image: imageReference(Images.postgresExporter),
      resources: resources('25m', '32Mi', '64Mi'),
      ports: [{ name: 'metrics', port: 9187 }],
      healthCheck: Probe.httpGet('/'),
      env: { DATA_SOURCE_NAME: EnvValue.fromSecret('postgres-exporter', 'data-source-name') },
      partOf: 'cortex',
    });
    exporter.connectTo(postgres, 5432);

    new AppWorkload(this, 'redis-postgres-sync', {
      image: imageReference(Images.redisPostgresSync),
      replicas: 0,
      criticality: Criticality.OPTIONAL,
      resources: resources('50m', '64Mi', '128Mi'),
      ports: HTTP_8080,
      healthCheck: HEALTH,
      env: {
        REDIS_HOST: EnvValue.serviceHost(redisMaster),
        REDIS_PASSWORD: EnvValue.fromSecret('redis-credentials', 'password'),
        POSTGRES_HOST: EnvValue.serviceHost(postgres),
        POSTGRES_PASSWORD: EnvValue.fromSecret('postgres-credentials', 'password'),
      },
      partOf: 'cortex',
    });

    // --- janitors: CronJobs instead of `while true; sleep` daemons
    const autoFix = new AppWorkload(this, 'auto-fix-daemon', {
      kind: WorkloadKind.CRON_JOB,
      schedule: '*/5 * * * *',
      image: imageReference(Images.kubectl),
      criticality: Criticality.OPTIONAL,
      resources: resources('20m', '64Mi', '128Mi'),
      command: ['/bin/bash', '/scripts/auto-fix.sh'],
      config: { scripts: { mountPath: '/scripts', files: { 'auto-fix.sh': AUTO_FIX } } },
      apiAccess: true,
      exemptions: apiAccessExemption('restarts pods stuck in image-pull back-off in any namespace (ClusterRole: list/delete pods)'),
      partOf: 'cortex',
    });
    grantClusterRole(autoFix, [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'delete'] }]);
    const zombies = new AppWorkload(this, 'zombie-cleanup-daemon', {
      kind: WorkloadKind.CRON_JOB,
      schedule: '17 * * * *',
      image: imageReference(Images.kubectl),
      criticality: Criticality.OPTIONAL,
      resources: resources('20m', '64Mi', '128Mi'),
      command: ['/bin/bash', '/scripts/zombie-cleanup.sh'],
      config: { scripts: { mountPath: '/scripts', files: { 'zombie-cleanup.sh': ZOMBIE_CLEANUP } } },
      apiAccess: true,
      exemptions: apiAccessExemption('deletes finished pods in any namespace (ClusterRole: list/delete pods)'),
      partOf: 'cortex',
    });
    grantClusterRole(zombies, [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'delete'] }]);
  }
}

/** Restarts pods whose containers wait in ErrImagePull/ImagePullBackOff (no VolumeAttachment deletion: that is Longhorn's job). */
const AUTO_FIX = `#!/bin/bash
set -euo pipefail
kubectl get pods --all-namespaces --no-headers \\
  -o custom-columns='NS:.metadata.namespace,NAME:.metadata.name,WAITING:.status.containerStatuses[*].state.waiting.reason' |
while read -r ns name waiting; do
  case "$waiting" in
    *ImagePullBackOff*|*ErrImagePull*) echo "restarting $ns/$name ($waiting)"; kubectl delete pod -n "$ns" "$name" --wait=false ;;
  esac
done
`;

/** Deletes pods that finished (Succeeded or Failed) and are not owned by a Job, which keeps its own history. */
const ZOMBIE_CLEANUP = `#!/bin/bash
set -euo pipefail
for phase in Succeeded Failed; do
  kubectl get pods --all-namespaces --field-selector "status.phase=$phase" --no-headers \\
    -o custom-columns='NS:.metadata.namespace,NAME:.metadata.name,OWNER:.metadata.ownerReferences[0].kind' |
  while read -r ns name owner; do
    if [ "$owner" != "Job" ]; then echo "deleting $phase pod $ns/$name"; kubectl delete pod -n "$ns" "$name" --wait=false; fi
  done
done
`;
