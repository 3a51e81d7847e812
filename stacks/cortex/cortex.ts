import { Construct } from 'constructs';
import { AccessMode, AppVolume, AppWorkload, Criticality, Images, Namespace, Probe, imageReference } from '../../lib';

/**
 * The `cortex` namespace: the redis-queue the cortex-school pipeline talks to.
 *
 * What differs from the real cluster: `maxmemory` is 75% of the container's memory limit
 * (the real one set `--maxmemory 2gb` equal to a 2Gi limit, so Redis could be OOM-killed before
 * evicting), the claim is defined here (the real `redis-queue-pvc` was not in Git), and a
 * single pod on a ReadWriteOnce volume uses the Recreate strategy.
 */
export class CortexNamespace extends Namespace {
  public readonly redisQueue: AppWorkload;

  constructor(scope: Construct) {
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
        data: { mountPath: '/data', source: AppVolume.newClaim({ size: '5Gi', storageClassName: 'longhorn', accessMode: AccessMode.READ_WRITE_ONCE }) },
      },
      partOf: 'cortex',
    });
  }
}
