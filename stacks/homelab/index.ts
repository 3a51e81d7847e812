import { Construct } from 'constructs';
import { Cluster } from '../../lib';
import { AiNamespace } from './ai';
import { HomelabBackups } from './backup';
import { AuthNamespace } from './auth';
import { addHomelabGpu } from './gpu';
import { MediaNamespace } from './media';
import { MonitoringNamespace } from './monitoring';
import { NetworkingPlatform } from './networking';
import { homelabProfile } from './profile';
import { HomelabStorage } from './storage';

/** Builds the homelab cluster under `scope`. */
export function buildHomelab(scope: Construct): Cluster {
  const cluster = new Cluster(scope, 'homelab', { profile: homelabProfile });
  const network = new NetworkingPlatform(cluster);
  const storage = new HomelabStorage(cluster);
  addHomelabGpu(cluster, { certManager: network.certManager }); // before the GPU apps (media's Jellyfin, ai): they request what it offers
  new MediaNamespace(cluster);
  new AiNamespace(cluster, storage);
  new AuthNamespace(cluster);
  new MonitoringNamespace(cluster);
  new HomelabBackups(cluster);
  return cluster;
}
