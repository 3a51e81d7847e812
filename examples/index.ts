import { Construct } from 'constructs';
import { Cluster } from '../lib';
import { buildGpuTimeSlicing } from './gpu-time-slicing/main';
import { buildLonghornTiers } from './longhorn-tiers/main';
import { buildProtectedApp } from './protected-app/main';
import { buildRightSizedApp } from './right-sized-app/main';
import { buildSophiaBackend } from './sophia-backend/main';
import { buildVaultPostgres } from './vault-postgres/main';
import { buildVeleroBackupLadder } from './velero-backup-ladder/main';

/** An example `npm run synth` writes to dist/examples/<name>/. */
export interface Example {
  readonly name: string;
  readonly build: (scope: Construct) => Cluster;
}

export const EXAMPLES: readonly Example[] = [
  { name: 'right-sized-app', build: buildRightSizedApp },
  { name: 'protected-app', build: buildProtectedApp },
  { name: 'vault-postgres', build: buildVaultPostgres },
  { name: 'longhorn-tiers', build: buildLonghornTiers },
  { name: 'gpu-time-slicing', build: buildGpuTimeSlicing },
  { name: 'velero-backup-ladder', build: buildVeleroBackupLadder },
  { name: 'sophia-backend', build: buildSophiaBackend },
];
