import { JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import {
  AccessMode, AppPort, AppVolume, AppWorkload, AppWorkloadProps, Cluster, Criticality, EnvValue, ImageRef, Images, Memory,
  Probe, ResourceProps, WorkloadKind, addExemption, imageReference, k8s,
} from '../../lib';
import { CORTEX_STORAGE_CLASS } from './storage';

/**
 * Shapes the cortex namespaces repeat: Redis and PostgreSQL servers, the MCP servers, LAN
 * egress, API access, and the two escape hatches for images that cannot run fully restricted.
 */

/**
 * StorageClass of every claim in the cortex stack (the Longhorn tier of `storage.ts`). The real
 * cluster mixed `longhorn`, `local-path` and the unnamed default class; `local-path` ties a
 * database to one node's disk with no replica and no backup, so every claim here is a Longhorn
 * volume.
 */
export const STORAGE_CLASS = CORTEX_STORAGE_CLASS;

/** The cortex convention for in-cluster services: port 8080 named `http`, health at `/health`. */
export const HTTP_8080: AppPort[] = [{ name: 'http', port: 8080 }];
/** `GET /health` on the primary port. */
export const HEALTH = Probe.httpGet('/health');

/** Requests and memory limit in one call: `resources('50m', '128Mi', '256Mi')`. */
export function resources(cpu: string, memory: string, memoryLimit: string): ResourceProps {
  return { cpu, memory, memoryLimit };
}

/** A host on the cortex LAN that an app talks to directly (the values are the real manifests'). */
export interface LanHost {
  /** What runs there, for the NetworkPolicy rule's readers. */
  readonly name: string;
  readonly ip: string;
  readonly ports: number[];
}

/** The LAN hosts the real manifests named (10.88.140.0/24). */
export const LAN = {
  sandfly: { name: 'sandfly', ip: '10.88.140.176', ports: [443] },
  proxmox: { name: 'proxmox', ip: '10.88.140.21', ports: [8006] },
  unifi: { name: 'unifi', ip: '10.88.140.16', ports: [443] },
  n8n: { name: 'n8n', ip: '10.88.140.104', ports: [5678] },
  checkmk: { name: 'checkmk', ip: '10.88.140.103', ports: [80, 443] },
} as const satisfies Record<string, LanHost>;

/**
 * Lets `app`'s pods open connections to `hosts` (one /32 per host, only their ports). The
 * AppWorkload internet rule leaves private ranges out, and the unifi MCP server used
 * `hostNetwork: true` to reach its controller instead.
 */
export function allowLanEgress(app: AppWorkload, hosts: readonly LanHost[]): void {
  new k8s.KubeNetworkPolicy(app, 'LanEgress', {
    metadata: { name: `${app.name}-lan`, annotations: { 'hardened-homelab.io/lan-hosts': hosts.map((h) => `${h.name}=${h.ip}`).join(',') } },
    spec: {
      podSelector: { matchLabels: { ...app.podSelector } },
      policyTypes: ['Egress'],
      egress: hosts.map((h) => ({
        to: [{ ipBlock: { cidr: `${h.ip}/32` } }],
        ports: h.ports.map((port) => ({ port: k8s.IntOrString.fromNumber(port), protocol: 'TCP' })),
      })),
    },
  });
}

/** Rules of a Role or ClusterRole. */
export type PolicyRules = k8s.PolicyRule[];

/** A Role in the app's namespace, bound to the app's ServiceAccount (the app needs `apiAccess: true`). */
export function grantRole(app: AppWorkload, rules: PolicyRules): void {
  new k8s.KubeRole(app, 'Role', { metadata: { name: app.name }, rules });
  new k8s.KubeRoleBinding(app, 'RoleBinding', {
    metadata: { name: app.name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: app.name },
    subjects: [{ kind: 'ServiceAccount', name: app.name, namespace: app.namespace }],
  });
}

/**
 * A ClusterRole bound to the app's ServiceAccount, for apps that must act across namespaces.
 * The objects go to the cluster chart (cluster-scoped), named `<namespace>-<app>`.
 */
export function grantClusterRole(app: AppWorkload, rules: PolicyRules): void {
  const cluster = Cluster.of(app);
  if (!cluster) throw new Error(`${app.node.path} is not inside a Cluster`);
  const name = `${app.namespace}-${app.name}`;
  new k8s.KubeClusterRole(cluster.clusterChart, `ClusterRole-${name}`, { metadata: { name }, rules });
  new k8s.KubeClusterRoleBinding(cluster.clusterChart, `ClusterRoleBinding-${name}`, {
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: [{ kind: 'ServiceAccount', name: app.name, namespace: app.namespace }],
  });
}

/** The exemption every app that calls the Kubernetes API carries. */
export function apiAccessExemption(what: string): Record<string, string> {
  return { 'HK-SEC-20': `calls the Kubernetes API: ${what}` };
}

/**
 * Escape hatch for an image that writes into its own filesystem at start (Elasticsearch creates
 * its keystore in its config directory, pgAdmin writes config_distro.py next to its code): the
 * root filesystem of the main container stays writable, and the controller says why (HK-SEC-08).
 */
export function allowWritableRootFilesystem(app: AppWorkload, reason: string): void {
  const path = app.kind === WorkloadKind.CRON_JOB ? '/spec/jobTemplate/spec/template/spec' : '/spec/template/spec';
  app.controller.addJsonPatch(JsonPatch.replace(`${path}/containers/0/securityContext/readOnlyRootFilesystem`, false));
  addExemption(app.controller, 'HK-SEC-08', reason);
}

/**
 * Escape hatch for an image whose entrypoint must start as root and drop to its own user
 * (Checkmk's `omd` starts the site as the site user): the image's user is kept, with only the
 * capabilities the switch needs, and the controller says why (HK-SEC-03, HK-SEC-07). The
 * namespace must allow it (Pod Security `baseline`).
 */
export function runAsImageUser(app: AppWorkload, capabilities: string[], reason: string): void {
  const pod = '/spec/template/spec';
  const c = `${pod}/containers/0/securityContext`;
  for (const p of [`${pod}/securityContext/runAsUser`, `${pod}/securityContext/runAsGroup`, `${c}/runAsUser`, `${c}/runAsGroup`]) {
    app.controller.addJsonPatch(JsonPatch.remove(p));
  }
  app.controller.addJsonPatch(
    JsonPatch.replace(`${pod}/securityContext/runAsNonRoot`, false),
    JsonPatch.replace(`${c}/runAsNonRoot`, false),
    JsonPatch.add(`${c}/capabilities/add`, [...capabilities]),
  );
  addExemption(app.controller, 'HK-SEC-03', reason);
  addExemption(app.controller, 'HK-SEC-07', `${reason}; adds only ${capabilities.join(', ')}`);
}

/** Props of {@link redisServer}. */
export interface RedisServerProps {
  readonly resources: ResourceProps;
  /** @default 1 */
  readonly replicas?: number;
  /** @default Criticality.STANDARD */
  readonly criticality?: Criticality;
  /** Persist to a claim of this size (a StatefulSet); none keeps data in an emptyDir. @default - not persisted */
  readonly persistence?: string;
  /** `allkeys-lru` for caches, `noeviction` for data that must not disappear. @default 'allkeys-lru' */
  readonly maxmemoryPolicy?: 'allkeys-lru' | 'noeviction';
  /** Require this Secret key as password (`--requirepass`, and REDISCLI_AUTH for the probes). @default - no password */
  readonly password?: { readonly secret: string; readonly key: string };
  /** Replicate from this server (`--replicaof`). @default - a primary */
  readonly replicaOf?: AppWorkload;
  /**
   * Run Redis Stack (RediSearch, RedisJSON, …) instead of plain Redis. Its entrypoint loads the
   * modules, so the command is left alone and the arguments go through `REDIS_ARGS`.
   * @default false
   */
  readonly redisStack?: boolean;
  /** @default {} */
  readonly exemptions?: Record<string, string>;
}

/**
 * A Redis server from the pinned official image, non-root: `maxmemory` is 75% of the memory
 * limit (the real redis-queue set `--maxmemory 2gb` equal to its 2Gi limit, so the kernel
 * could kill it before Redis evicted anything), ping probes, and a claim when persisted.
 */
export function redisServer(scope: Construct, id: string, p: RedisServerProps): AppWorkload {
  const limit = Memory.parse(p.resources.memoryLimit);
  const maxmemory = `${Math.floor((limit.bytes * 0.75) / 2 ** 20)}mb`;
  const env: Record<string, string | EnvValue> = {};
  const args = ['--dir', '/data', '--maxmemory', maxmemory, '--maxmemory-policy', p.maxmemoryPolicy ?? 'allkeys-lru'];
  args.unshift(...(p.persistence ? ['--save', '60 1000', '--appendonly', 'yes'] : ['--save', '', '--appendonly', 'no']));
  if (p.password) {
    env.REDIS_PASSWORD = EnvValue.fromSecret(p.password.secret, p.password.key);
    env.REDISCLI_AUTH = EnvValue.fromSecret(p.password.secret, p.password.key);
    args.push('--requirepass', '$(REDIS_PASSWORD)');
  }
  if (p.replicaOf) {
    env.PRIMARY_HOST = EnvValue.serviceHost(p.replicaOf);
    env.PRIMARY_PORT = EnvValue.servicePort(p.replicaOf, 'redis');
    args.push('--replicaof', '$(PRIMARY_HOST)', '$(PRIMARY_PORT)');
    if (p.password) args.push('--masterauth', '$(REDIS_PASSWORD)');
  }
  const ping = Probe.exec(['redis-cli', 'ping']);
  if (p.redisStack) {
    // word-split by the entrypoint, so no empty `--save ""`; the image's default snapshots go to /data
    env.REDIS_ARGS = args.filter((a, i) => !(a === '--save' || args[i - 1] === '--save' || a === '--dir' || args[i - 1] === '--dir')).join(' ');
  }
  return new AppWorkload(scope, id, {
    kind: p.persistence ? WorkloadKind.STATEFUL_SET : WorkloadKind.DEPLOYMENT,
    image: imageReference(p.redisStack ? Images.redisStackServer : Images.redis),
    replicas: p.replicas,
    resources: p.resources,
    criticality: p.criticality,
    ports: [{ name: 'redis', port: 6379 }],
    command: p.redisStack ? undefined : ['redis-server'],
    args: p.redisStack ? undefined : args,
    env,
    probes: { startup: ping, readiness: ping, liveness: Probe.tcpSocket() },
    volumes: {
      data: {
        mountPath: '/data',
        source: p.persistence ? AppVolume.newClaim({ size: p.persistence, storageClassName: STORAGE_CLASS, accessMode: AccessMode.READ_WRITE_ONCE }) : AppVolume.emptyDir({ sizeLimit: '1Gi' }),
      },
    },
    exemptions: p.exemptions,
  });
}

/** Props of {@link postgresServer}. */
export interface PostgresServerProps {
  readonly resources: ResourceProps;
  /** Size of the data claim. */
  readonly size: string;
  /** Database created at first start. */
  readonly database: string;
  /** Secret holding the superuser password (key `password`). */
  readonly credentialsSecret: string;
  /** @default Criticality.CRITICAL */
  readonly criticality?: Criticality;
}

/**
 * A single PostgreSQL 16 server as a StatefulSet on a Longhorn claim, running as the image's
 * `postgres` user (uid 70) with a read-only root filesystem: data under a subdirectory of the
 * claim (a fresh volume's lost+found makes initdb refuse the mount root), the socket directory
 * on an emptyDir, the password from a Secret.
 */
export function postgresServer(scope: Construct, id: string, p: PostgresServerProps): AppWorkload {
  const ready = Probe.exec(['pg_isready', '-U', 'postgres', '-h', '127.0.0.1', '-p', '5432']);
  return new AppWorkload(scope, id, {
    kind: WorkloadKind.STATEFUL_SET,
    image: imageReference(Images.postgres16),
    resources: p.resources,
    criticality: p.criticality ?? Criticality.CRITICAL,
    security: { runAsUser: 70, runAsGroup: 70 },
    ports: [{ name: 'postgres', port: 5432 }],
    env: {
      POSTGRES_USER: 'postgres',
      POSTGRES_PASSWORD: EnvValue.fromSecret(p.credentialsSecret, 'password'),
      POSTGRES_DB: p.database,
      PGDATA: '/var/lib/postgresql/data/pgdata',
    },
    probes: { startup: ready, readiness: ready, liveness: Probe.tcpSocket() },
    volumes: { data: { mountPath: '/var/lib/postgresql/data', source: AppVolume.newClaim({ size: p.size, storageClassName: STORAGE_CLASS }) } },
    writablePaths: ['/var/run/postgresql'],
  });
}

/** Props of {@link mcpServer}. */
export interface McpServerProps {
  readonly image: ImageRef;
  /** @default 3000 */
  readonly port?: number;
  readonly env?: Record<string, string | EnvValue>;
  /** LAN hosts it manages. @default [] */
  readonly lan?: readonly LanHost[];
  /** Talks to a SaaS API (GitHub, Cloudflare). @default false */
  readonly internet?: boolean;
  /** @default Criticality.STANDARD */
  readonly criticality?: Criticality;
  /** @default 1 */
  readonly replicas?: number;
  /** @default - see AppWorkloadProps */
  readonly apiAccess?: boolean;
  readonly exemptions?: Record<string, string>;
}

/**
 * One of the cortex-system MCP servers: an HTTP wrapper around an MCP tool server on port 3000,
 * health at `/health`. The real ones ran `python:3.11-slim` with `pip install` and `cp` chains at
 * every start; here each is its own image with the wrapper and dependencies baked in.
 */
export function mcpServer(scope: Construct, id: string, p: McpServerProps): AppWorkload {
  const port = p.port ?? 3000;
  const props: AppWorkloadProps = {
    image: imageReference(p.image),
    replicas: p.replicas,
    resources: resources('50m', '128Mi', '256Mi'),
    criticality: p.criticality,
    ports: [{ name: 'http', port }],
    healthCheck: HEALTH,
    env: { PORT: String(port), ...(p.env ?? {}) },
    internetEgress: p.internet ?? false,
    apiAccess: p.apiAccess,
    exemptions: p.exemptions,
    component: 'mcp-server',
    partOf: 'cortex',
  };
  const app = new AppWorkload(scope, id, props);
  if (p.lan?.length) allowLanEgress(app, p.lan);
  return app;
}
