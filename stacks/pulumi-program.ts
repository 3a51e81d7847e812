import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { App } from 'cdk8s';
import { ClusterObjects } from '../lib/pulumi';
import { buildCortex } from './cortex';
import { buildHomelab } from './homelab';

/** The clusters `pulumi up` can provision, by the `cluster` config value. */
export const PULUMI_CLUSTERS = { homelab: buildHomelab, cortex: buildCortex } as const;

/** What the program exports as stack outputs. */
export interface ProgramOutputs {
  readonly component: ClusterObjects;
  readonly objectCount: number;
  readonly releases: string[];
  readonly secrets: string[];
}

/**
 * The Pulumi program: config `cluster` (homelab | cortex) picks the cluster; its objects are
 * synthesized (policies included) and handed to {@link ClusterObjects}. Config
 * `renderYamlToDirectory` writes the manifests to a folder instead of applying them (the
 * kubernetes provider's own option; Helm releases need a cluster and are not rendered).
 * The kubeconfig context is the provider's `kubernetes:context` config.
 */
export function program(): ProgramOutputs {
  const config = new pulumi.Config();
  const name = config.require('cluster');
  if (!(name in PULUMI_CLUSTERS)) {
    throw new Error(`config ${pulumi.getProject()}:cluster = "${name}": unknown cluster. Fix: pulumi config set cluster homelab (or cortex)`);
  }
  const cluster = PULUMI_CLUSTERS[name as keyof typeof PULUMI_CLUSTERS](new App({ outdir: '/nonexistent' }));
  const renderDir = config.get('renderYamlToDirectory');
  const provider = renderDir ? new k8s.Provider(`${name}-render`, { renderYamlToDirectory: renderDir }) : undefined;
  const component = new ClusterObjects(name, { cluster }, { provider });
  return { component, objectCount: component.objectCount, releases: [...component.releases.keys()], secrets: [...component.secrets.keys()] };
}
