import { Construct } from 'constructs';
import { AppWorkload, EnvValue, IServiceEndpoint, Images, Namespace, WorkloadKind, imageReference } from '../../lib';
import { HEALTH, HTTP_8080, apiAccessExemption, grantRole, postgresServer, redisServer, resources } from './shapes';

/** What cortex-csaf needs from the other namespaces. */
export interface CortexCsafDeps {
  /** The MCP gateway security apps query (cortex-system/cortex-mcp-server, component mcp-gateway). */
  readonly mcpGateway: IServiceEndpoint;
}

/**
 * `cortex-csaf`: the security app framework (registry, runtime, correlator, scheduler) with its
 * PostgreSQL and Redis.
 *
 * The real cluster deployed this namespace from two paths with two owners: the Application
 * cortex-csaf (apps/cortex-csaf: runtime, registry, redis, a PostgreSQL Deployment, a loader Job)
 * and the Application csaf (csaf/: registry, correlator, redis, a PostgreSQL StatefulSet, the
 * scheduler CronJob), so `csaf-registry`, `csaf-redis` and `csaf-postgres` were written by both
 * and fought each other. Here there is one owner, the GitOps folder of this namespace, and one
 * definition of each: PostgreSQL as the StatefulSet, the registry at 2 replicas, the runtime,
 * the correlator and the scheduler.
 *
 * Other fixes: csaf-runtime runs its security-app schedule inside the process (APScheduler), so
 * each replica fired every scheduled app again; it runs one replica, without the HPA (2-10
 * replicas at 1Gi each, and a `replicas` field that Argo CD self-heal kept resetting under the
 * HPA). Its MCP_GATEWAY_URL named `cortex-mcp-gateway.cortex`, a Service no manifest defines; it
 * points at the cortex-system MCP gateway. The seed-apps loader Job is left out (a one-shot load).
 */
export class CortexCsafNamespace extends Namespace {
  constructor(scope: Construct, deps: CortexCsafDeps) {
    super(scope, 'cortex-csaf', { labels: { 'app.kubernetes.io/part-of': 'csaf' } });

    const postgres = postgresServer(this, 'csaf-postgres', { resources: resources('100m', '256Mi', '512Mi'), size: '2Gi', database: 'csaf', credentialsSecret: 'csaf-postgres-credentials' });
    const redis = redisServer(this, 'csaf-redis', { resources: resources('50m', '64Mi', '128Mi') });
    const redisUrl = EnvValue.serviceUrl(redis, { scheme: 'redis', port: 'redis' });

    const registry = new AppWorkload(this, 'csaf-registry', {
      image: imageReference(Images.csafRegistry),
      replicas: 2,
      resources: resources('50m', '64Mi', '128Mi'),
      ports: HTTP_8080,
      healthCheck: HEALTH,
      env: { DATABASE_URL: EnvValue.fromSecret('csaf-postgres-credentials', 'url'), REDIS_URL: redisUrl },
      component: 'registry',
      partOf: 'csaf',
    });
    registry.connectTo(postgres, 5432);

    new AppWorkload(this, 'csaf-runtime', {
      image: imageReference(Images.csafRuntime),
      resources: resources('100m', '256Mi', '512Mi'),
      ports: HTTP_8080,
      healthCheck: HEALTH,
      env: {
        REGISTRY_URL: EnvValue.serviceUrl(registry),
        MCP_GATEWAY_URL: EnvValue.serviceUrl(deps.mcpGateway, { port: 'mcp' }),
        REDIS_URL: redisUrl,
      },
      component: 'runtime',
      partOf: 'csaf',
    });

    new AppWorkload(this, 'csaf-correlator', {
      image: imageReference(Images.csafCorrelator),
      resources: resources('50m', '128Mi', '256Mi'),
      ports: HTTP_8080,
      healthCheck: HEALTH,
      env: { REGISTRY_URL: EnvValue.serviceUrl(registry), REDIS_URL: redisUrl },
      component: 'correlator',
      partOf: 'csaf',
    });

    const scheduler = new AppWorkload(this, 'csaf-scheduler', {
      kind: WorkloadKind.CRON_JOB,
      schedule: '0 2 * * *',
      image: imageReference(Images.csafScheduler),
      resources: resources('50m', '128Mi', '256Mi'),
      env: { REGISTRY_URL: EnvValue.serviceUrl(registry), NAMESPACE: 'cortex-csaf' },
      apiAccess: true,
      exemptions: apiAccessExemption('deploys the enabled security apps into cortex-csaf (Role: deployments, jobs)'),
      component: 'scheduler',
      partOf: 'csaf',
    });
    grantRole(scheduler, [
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'create', 'update', 'patch'] },
      { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'create'] },
      { apiGroups: [''], resources: ['pods', 'services'], verbs: ['get', 'list'] },
    ]);
  }
}
