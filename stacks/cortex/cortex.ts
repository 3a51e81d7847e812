import { Construct } from 'constructs';
import { AccessMode, AppVolume, AppWorkload, Criticality, EnvValue, Images, Namespace, Probe, imageReference } from '../../lib';
import { CortexSystemNamespace } from './cortex-system';
import { HEALTH, HTTP_8080, LAN, allowLanEgress, resources } from './shapes';
import { CORTEX_STORAGE_CLASS } from './storage';

/**
 * The `cortex` namespace (ArgoCD app cortex-core): the redis-queue the cortex-school pipeline
 * talks to, YouTube ingestion, the cortex API, the queue worker, the model router, the cost
 * tracker, the desktop MCP server and the documentation master.
 *
 * What differs from the real cluster: `maxmemory` is 75% of the container's memory limit
 * (the real one set `--maxmemory 2gb` equal to a 2Gi limit, so Redis could be OOM-killed before
 * evicting), the claims are defined here (the real `redis-queue-pvc` and `youtube-data-pvc` were
 * not in Git), and a single pod on a ReadWriteOnce volume uses the Recreate strategy. The cortex
 * API (Deployment cortex-orchestrator) reads the Sandfly, Proxmox and UniFi credentials from a
 * Secret (they were literal env values) and is no longer pinned to k3s-master03. The two
 * crash-loopers the seed scaled to 0 (cortex-queue-worker, 2100 restarts; model-router, 1002)
 * stay at 0 and are optional. youtube-channel-intelligence reads the cortex-system Redis through
 * the Service object.
 */
export class CortexNamespace extends Namespace {
  public readonly redisQueue: AppWorkload;
  /** The ingestion service the school coordinator calls. */
  public readonly youtubeIngestion: AppWorkload;
  /** The cortex API (Deployment cortex-orchestrator) the chat backend and proxy call. */
  public readonly api: AppWorkload;

  constructor(scope: Construct, system: CortexSystemNamespace) {
    super(scope, 'cortex');
    this.redisQueue = new AppWorkload(this, 'redis-queue', {
      image: imageReference(Images.redis),
      resources: { cpu: '100m', memory: '256Mi', memoryLimit: '512Mi' },
      criticality: Criticality.CRITICAL,
      ports: [{ name: 'redis', port: 6379 }],
      command: ['redis-server'],
      args: ['--save', '60', '1000', '--dir', '/data', '--maxmemory', '384mb', '--maxmemory-policy', 'allkeys-lru'],
      probes: {
        startup: Probe.exec(['redis-cli', 'ping']),
        readiness: Probe.exec(['redis-cli', 'ping']),
        liveness: Probe.tcpSocket(),
      },
      volumes: {
        data: { mountPath: '/data', source: AppVolume.newClaim({ size: '5Gi', storageClassName: CORTEX_STORAGE_CLASS, accessMode: AccessMode.READ_WRITE_ONCE }) },
      },
      partOf: 'cortex',
    });
    const redis = { REDIS_HOST: EnvValue.serviceHost(this.redisQueue), REDIS_PORT: EnvValue.servicePort(this.redisQueue, 'redis') };

    this.youtubeIngestion = new AppWorkload(this, 'youtube-ingestion', {
      image: imageReference(Images.youtubeIngestion),
      resources: resources('50m', '64Mi', '192Mi'),
      ports: HTTP_8080,
      healthCheck: HEALTH,
      internetEgress: true,
      env: {
        ...redis,
        PORT: '8080',
        REDIS_ENABLED: 'true',
        ANTHROPIC_API_KEY: EnvValue.fromSecret('anthropic-api-key', 'api-key'),
        TRANSCRIPTS_DIR: '/data/transcripts',
        KNOWLEDGE_DIR: '/data/knowledge',
        CACHE_DIR: '/data/cache',
      },
      volumes: { data: { mountPath: '/data', source: AppVolume.newClaim({ size: '2Gi', storageClassName: CORTEX_STORAGE_CLASS }) } },
      component: 'knowledge',
      partOf: 'cortex',
    });

    new AppWorkload(this, 'youtube-channel-intelligence', {
      image: imageReference(Images.youtubeChannelIntelligence),
      resources: resources('100m', '256Mi', '512Mi'),
      ports: HTTP_8080,
      healthCheck: HEALTH,
      internetEgress: true,
      env: {
        REDIS_HOST: EnvValue.serviceHost(system.redis),
        REDIS_PORT: EnvValue.servicePort(system.redis, 'redis'),
        POLL_CRON: '0 6 * * *',
      },
      component: 'knowledge',
      partOf: 'cortex',
    });

    const api = this.api = new AppWorkload(this, 'cortex-orchestrator', {
      image: imageReference(Images.cortexApi),
      resources: resources('100m', '128Mi', '256Mi'),
      ports: [{ name: 'http', port: 8000 }],
      healthCheck: HEALTH,
      internetEgress: true,
      env: {
        ANTHROPIC_API_KEY: EnvValue.fromSecret('anthropic-api-key', 'api-key'),
        SANDFLY_HOST: LAN.sandfly.ip,
        SANDFLY_USERNAME: EnvValue.fromSecret('cortex-api-credentials', 'sandfly-username'),
        SANDFLY_PASSWORD: EnvValue.fromSecret('cortex-api-credentials', 'sandfly-password'),
        PROXMOX_HOST: LAN.proxmox.ip,
        PROXMOX_PORT: '8006',
        PROXMOX_USERNAME: EnvValue.fromSecret('cortex-api-credentials', 'proxmox-username'),
        PROXMOX_PASSWORD: EnvValue.fromSecret('cortex-api-credentials', 'proxmox-password'),
        UNIFI_HOST: LAN.unifi.ip,
        UNIFI_PORT: '443',
        UNIFI_SITE: 'default',
        UNIFI_IS_UDM: 'false',
        UNIFI_USERNAME: EnvValue.fromSecret('cortex-api-credentials', 'unifi-username'),
        UNIFI_PASSWORD: EnvValue.fromSecret('cortex-api-credentials', 'unifi-password'),
        UNIFI_MCP_URL: EnvValue.serviceUrl(system.mcp.unifi),
        SANDFLY_MCP_URL: EnvValue.serviceUrl(system.mcp.sandfly),
        PROXMOX_MCP_URL: EnvValue.serviceUrl(system.mcp.proxmox),
        MAX_ITERATIONS: '50',
      },
      component: 'api',
      partOf: 'cortex',
    });
    allowLanEgress(api, [LAN.sandfly, LAN.proxmox, LAN.unifi]);

    // seed 000: 2100 restarts over 9 days, scaled to 0; kept, preempted first when it comes back
    new AppWorkload(this, 'cortex-queue-worker', {
      image: imageReference(Images.cortexQueueWorker),
      replicas: 0,
      criticality: Criticality.OPTIONAL,
      resources: resources('50m', '128Mi', '512Mi'),
      ports: HTTP_8080,
      healthCheck: HEALTH,
      env: { ...redis },
      partOf: 'cortex',
    });
    // seed 000: 1002 restarts over 3 days, scaled to 0
    new AppWorkload(this, 'model-router', {
      image: imageReference(Images.modelRouter),
      replicas: 0,
      criticality: Criticality.OPTIONAL,
      resources: resources('50m', '128Mi', '256Mi'),
      ports: HTTP_8080,
      healthCheck: HEALTH,
      internetEgress: true,
      env: { ...redis, ANTHROPIC_API_KEY: EnvValue.fromSecret('anthropic-api-key', 'api-key') },
      partOf: 'cortex',
    });

    new AppWorkload(this, 'cost-tracker', {
      image: imageReference(Images.costTracker),
      resources: resources('50m', '128Mi', '256Mi'),
      ports: HTTP_8080,
      healthCheck: HEALTH,
      internetEgress: true,
      env: { ...redis, ANTHROPIC_API_KEY: EnvValue.fromSecret('anthropic-api-key', 'api-key') },
      partOf: 'cortex',
    });

    new AppWorkload(this, 'cortex-desktop-mcp', {
      image: imageReference(Images.cortexDesktopMcp),
      resources: resources('50m', '128Mi', '512Mi'),
      ports: [{ name: 'mcp', port: 8765 }],
      healthCheck: HEALTH,
      component: 'mcp-server',
      partOf: 'cortex',
    });

    // 0 replicas in Git; its claims were never in Git either, so it gets none until it runs
    new AppWorkload(this, 'documentation-master', {
      image: imageReference(Images.documentationMaster),
      replicas: 0,
      criticality: Criticality.OPTIONAL,
      resources: resources('50m', '128Mi', '256Mi'),
      ports: HTTP_8080,
      healthCheck: HEALTH,
      component: 'master-agent',
      partOf: 'cortex',
    });
  }
}
