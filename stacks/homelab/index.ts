import { Construct } from 'constructs';
import { Cluster } from '../../lib';
import { MediaNamespace } from './media';
import { homelabProfile } from './profile';

/** Builds the homelab cluster under `scope`. */
export function buildHomelab(scope: Construct): Cluster {
  const cluster = new Cluster(scope, 'homelab', { profile: homelabProfile });
  new MediaNamespace(cluster);
  return cluster;
}
