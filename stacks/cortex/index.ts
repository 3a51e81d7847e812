import { Construct } from 'constructs';
import { Cluster } from '../../lib';
import { CortexNamespace } from './cortex';
import { CortexSchoolNamespace } from './cortex-school';
import { cortexProfile } from './profile';

/** Builds the cortex cluster under `scope`. */
export function buildCortex(scope: Construct): Cluster {
  const cluster = new Cluster(scope, 'cortex', { profile: cortexProfile });
  const cortex = new CortexNamespace(cluster);
  new CortexSchoolNamespace(cluster, cortex.redisQueue);
  return cluster;
}
