import { Construct } from 'constructs';
import { AppVolume, AppWorkload, Criticality, EnvValue, Images, Namespace, Probe, WorkloadKind, imageReference } from '../../lib';
import { HEALTH, HTTP_8080, STORAGE_CLASS, allowWritableRootFilesystem, resources } from './shapes';

/** What cortex-knowledge needs from the other namespaces. */
export interface CortexKnowledgeDeps {
  /** The cortex-system PostgreSQL Phoenix keeps its traces in (the real phoenix-db-init Job created its database). */
  readonly postgres: AppWorkload;
}

/**
 * `cortex-knowledge` (ArgoCD app cortex-knowledge): the knowledge graph API, MongoDB,
 * Elasticsearch, the improvement detector, the dashboard, Phoenix (LLM tracing), and two
 * services that are 0 replicas in Git (knowledge-extractor, value-stream-optimizer).
 *
 * What differs from the real cluster: MongoDB, improvement-detector and knowledge-extractor broke
 * the namespace's LimitRange; the Elasticsearch PDB (`minAvailable: 1` on one replica) blocked
 * drains and is gone, while knowledge-graph-api (2 replicas) keeps a PDB; MongoDB and
 * Elasticsearch are StatefulSets on Longhorn claims with their passwords in Secrets; Elasticsearch
 * runs single-node without memory-mapped stores (no node sysctl needed) and with a bounded heap.
 * Which service talks to which store is not in the inventory: the NetworkPolicies allow the graph
 * API and the extractor to reach MongoDB and Elasticsearch, and the detector Elasticsearch.
 */
export class CortexKnowledgeNamespace extends Namespace {
  constructor(scope: Construct, deps: CortexKnowledgeDeps) {
    super(scope, 'cortex-knowledge', { labels: { 'app.kubernetes.io/part-of': 'cortex' } });

    const mongo = new AppWorkload(this, 'knowledge-mongodb', {
      kind: WorkloadKind.STATEFUL_SET,
      image: imageReference(Images.mongo),
      resources: resources('100m', '512Mi', '1Gi'),
      criticality: Criticality.CRITICAL,
      security: { runAsUser: 999, runAsGroup: 999 },
      ports: [{ name: 'mongodb', port: 27017 }],
      probes: {
        startup: Probe.exec(['mongosh', '--quiet', '--eval', 'db.adminCommand("ping")']),
        readiness: Probe.exec(['mongosh', '--quiet', '--eval', 'db.adminCommand("ping")']),
        liveness: Probe.tcpSocket(),
      },
      env: {
        MONGO_INITDB_ROOT_USERNAME: 'admin',
        MONGO_INITDB_ROOT_PASSWORD: EnvValue.fromSecret('knowledge-mongodb-credentials', 'root-password'),
      },
      volumes: { data: { mountPath: '/data/db', source: AppVolume.newClaim({ size: '4Gi', storageClassName: STORAGE_CLASS }) } },
      writablePaths: ['/data/configdb'],
      partOf: 'cortex',
    });

    const elasticsearch = new AppWorkload(this, 'knowledge-elasticsearch', {
      kind: WorkloadKind.STATEFUL_SET,
      image: imageReference(Images.elasticsearch),
      resources: resources('250m', '512Mi', '1Gi'),
      criticality: Criticality.CRITICAL,
      security: { runAsUser: 1000, runAsGroup: 1000 },
      ports: [{ name: 'http', port: 9200 }, { name: 'transport', port: 9300 }],
      probes: {
        startup: Probe.httpGet('/_cluster/health?local=true'),
        readiness: Probe.httpGet('/_cluster/health?local=true'),
        liveness: Probe.tcpSocket(),
      },
      env: {
        ES_JAVA_OPTS: '-Xms256m -Xmx256m',
        ES_SETTING_DISCOVERY_TYPE: 'single-node',
        ES_SETTING_NODE_STORE_ALLOW__MMAP: 'false',
        ES_SETTING_XPACK_SECURITY_ENABLED: 'false',
      },
      volumes: { data: { mountPath: '/usr/share/elasticsearch/data', source: AppVolume.newClaim({ size: '4Gi', storageClassName: STORAGE_CLASS }) } },
      writablePaths: ['/usr/share/elasticsearch/logs'],
      partOf: 'cortex',
    });
    allowWritableRootFilesystem(elasticsearch, 'the Elasticsearch entrypoint creates its keystore in the image\'s config directory at start');

    const stores = (app: AppWorkload, useMongo: boolean) => {
      app.connectTo(elasticsearch, 9200);
      if (useMongo) app.connectTo(mongo, 27017);
    };
    const esUrl = EnvValue.serviceUrl(elasticsearch, { port: 'http' });
    const mongoUri = EnvValue.fromSecret('knowledge-mongodb-credentials', 'uri');

    const graphApi = new AppWorkload(this, 'knowledge-graph-api', {
      image: imageReference(Images.knowledgeGraphApi),
      replicas: 2,
      criticality: Criticality.CRITICAL,
      resources: resources('50m', '128Mi', '256Mi'),
      ports: HTTP_8080,
      healthCheck: HEALTH,
      env: { ELASTICSEARCH_URL: esUrl, MONGODB_URI: mongoUri },
      partOf: 'cortex',
    });
    stores(graphApi, true);

    const extractor = new AppWorkload(this, 'knowledge-extractor', {
      image: imageReference(Images.knowledgeExtractor),
      replicas: 0,
      criticality: Criticality.OPTIONAL,
      resources: resources('50m', '128Mi', '256Mi'),
      ports: HTTP_8080,
      healthCheck: HEALTH,
      internetEgress: true,
      env: { ELASTICSEARCH_URL: esUrl, MONGODB_URI: mongoUri, ANTHROPIC_API_KEY: EnvValue.fromSecret('anthropic-api-key', 'api-key') },
      partOf: 'cortex',
    });
    stores(extractor, true);

    const detector = new AppWorkload(this, 'improvement-detector', {
      image: imageReference(Images.improvementDetector),
      resources: resources('50m', '128Mi', '256Mi'),
      ports: HTTP_8080,
      healthCheck: HEALTH,
      env: { ELASTICSEARCH_URL: esUrl, KNOWLEDGE_GRAPH_URL: EnvValue.serviceUrl(graphApi) },
      partOf: 'cortex',
    });
    stores(detector, false);

    new AppWorkload(this, 'value-stream-optimizer', {
      image: imageReference(Images.valueStreamOptimizer),
      replicas: 0,
      criticality: Criticality.OPTIONAL,
      resources: resources('50m', '128Mi', '256Mi'),
      ports: HTTP_8080,
      healthCheck: HEALTH,
      env: { KNOWLEDGE_GRAPH_URL: EnvValue.serviceUrl(graphApi) },
      partOf: 'cortex',
    });

    const dashboard = new AppWorkload(this, 'knowledge-dashboard', {
      image: imageReference(Images.knowledgeDashboard),
      resources: resources('25m', '32Mi', '64Mi'),
      ports: HTTP_8080,
      healthCheck: Probe.httpGet('/'),
      writablePaths: ['/var/cache/nginx'],
      partOf: 'cortex',
    });
    dashboard.connectTo(graphApi, 8080);

    const phoenix = new AppWorkload(this, 'phoenix', {
      image: imageReference(Images.phoenix),
      resources: resources('100m', '384Mi', '768Mi'),
      ports: [{ name: 'http', port: 6006 }],
      healthCheck: Probe.httpGet('/healthz'),
      env: { PHOENIX_PORT: '6006', PHOENIX_WORKING_DIR: '/mnt/data', PHOENIX_SQL_DATABASE_URL: EnvValue.fromSecret('phoenix-database', 'url') },
      writablePaths: ['/mnt/data'],
      component: 'observability',
      partOf: 'cortex',
    });
    phoenix.connectTo(deps.postgres, 5432);
  }
}
