import { Construct } from 'constructs';
import { Cluster } from '../../lib';
import { CortexBackups } from './backup';
import { CheckmkNamespace } from './checkmk';
import { CortexNamespace } from './cortex';
import { CortexChatNamespace } from './cortex-chat';
import { CortexCicdNamespace } from './cortex-cicd';
import { CortexCsafNamespace } from './cortex-csaf';
import { CortexDevNamespace } from './cortex-dev';
import { CortexKnowledgeNamespace } from './cortex-knowledge';
import { CortexLiveNamespace } from './cortex-live';
import { CortexMetricsNamespace } from './cortex-metrics';
import { CortexSchoolNamespace } from './cortex-school';
import { CortexSecurityNamespace } from './cortex-security';
import { CortexSystemNamespace } from './cortex-system';
import { DashyNamespace } from './dashy';
import { cortexProfile } from './profile';
import { CortexStorage } from './storage';

/** Builds the cortex cluster under `scope`. */
export function buildCortex(scope: Construct): Cluster {
  const cluster = new Cluster(scope, 'cortex', { profile: cortexProfile });
  new CortexStorage(cluster);
  // namespaces that others reference come first (typed Service references need the objects)
  new CheckmkNamespace(cluster);
  const system = new CortexSystemNamespace(cluster);
  const cortex = new CortexNamespace(cluster, system);
  new CortexSchoolNamespace(cluster, cortex.redisQueue, cortex.youtubeIngestion);
  new CortexChatNamespace(cluster, { cortexApi: cortex.api, redis: system.redis });
  new CortexCicdNamespace(cluster);
  new CortexDevNamespace(cluster);
  new CortexKnowledgeNamespace(cluster, { postgres: system.postgres });
  new CortexSecurityNamespace(cluster);
  new CortexCsafNamespace(cluster, { mcpGateway: system.mcpGateway });
  new CortexLiveNamespace(cluster);
  new CortexMetricsNamespace(cluster);
  new DashyNamespace(cluster);
  new CortexBackups(cluster);
  return cluster;
}
