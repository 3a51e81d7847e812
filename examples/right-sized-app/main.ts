import { Construct } from 'constructs';
import { AppSize, AppVolume, AppWorkload, Cluster, Distro, EnvValue, Namespace, Probe, addExemption } from '../../lib';

/**
 * A web app and the Redis it uses, in one namespace of a two-node cluster. The app reads
 * `REDIS_URL` from the Redis object, so the host name cannot be mistyped, and the
 * NetworkPolicies between them follow from that reference.
 */
export function buildRightSizedApp(scope: Construct): Cluster {
  const cluster = new Cluster(scope, 'example', {
    profile: {
      distro: Distro.K3S,
      version: 'v1.32.5+k3s1',
      nodes: [
        { name: 'node-a', allocatable: { cpu: '4', memory: '7Gi' } },
        { name: 'node-b', allocatable: { cpu: '4', memory: '7Gi' } },
      ],
    },
  });
  const ns = new Namespace(cluster, 'shop');
  const redis = new AppWorkload(ns, 'redis', {
    image: 'docker.io/library/redis:7.2.5-alpine',
    size: AppSize.SMALL,
    ports: [{ name: 'redis', port: 6379 }],
    // evict before the 256Mi limit: maxmemory counts only the data, so leave a quarter for the rest (HK-X-08)
    args: ['--maxmemory', '160mb', '--maxmemory-policy', 'allkeys-lru'],
    probes: { readiness: Probe.exec(['redis-cli', 'ping']), liveness: Probe.tcpSocket() },
    volumes: { data: { mountPath: '/data', source: AppVolume.newClaim({ size: '1Gi', storageClassName: 'local-path' }) } },
  });
  // the backup coverage rule wants every claim backed up; a cache is the exception, and says why
  addExemption(redis.node.findChild('Claimdata'), 'HK-BAK-01', 'cache of the web app: Redis refills it, nothing in it is the only copy');
  new AppWorkload(ns, 'web', {
    image: 'ghcr.io/example/web:1.4.2',
    size: AppSize.MEDIUM,
    replicas: 2,
    ports: [{ name: 'http', port: 8080 }],
    healthCheck: Probe.httpGet('/healthz'),
    env: { REDIS_URL: EnvValue.serviceUrl(redis, { scheme: 'redis' }) },
  });
  return cluster;
}
