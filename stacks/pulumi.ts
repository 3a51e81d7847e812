import * as pulumi from '@pulumi/pulumi';
import { App } from 'cdk8s';
import { ClusterObjects } from '../lib/pulumi';
import { buildCortex } from './cortex';
import { buildHomelab } from './homelab';

// Pulumi entry point (Pulumi.yaml `main`). `pulumi config set cluster homelab|cortex` picks the
// cluster; its objects are synthesized (policies included) and handed to Pulumi unchanged.
const builders = { homelab: buildHomelab, cortex: buildCortex } as const;
const config = new pulumi.Config();
const name = config.require('cluster');
if (!(name in builders)) {
  throw new Error(`config hardened-homelab:cluster = "${name}": unknown cluster. Fix: pulumi config set cluster homelab (or cortex)`);
}
const cluster = builders[name as keyof typeof builders](new App({ outdir: '/nonexistent' }));
export const objects = new ClusterObjects(name, { cluster }).objectCount;
