import { Construct } from 'constructs';
import { Cluster } from '../lib';
import { buildRightSizedApp } from './right-sized-app/main';

/** An example `npm run synth` writes to dist/examples/<name>/. */
export interface Example {
  readonly name: string;
  readonly build: (scope: Construct) => Cluster;
}

export const EXAMPLES: readonly Example[] = [
  { name: 'right-sized-app', build: buildRightSizedApp },
];
