import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { Cluster } from '../cluster/cluster';

/** Arguments of {@link ClusterObjects}. */
export interface ClusterObjectsArgs {
  /** The cluster whose synthesized objects Pulumi provisions. */
  readonly cluster: Cluster;
}

/**
 * Provisions the objects a {@link Cluster} synthesizes, as they are: the Pulumi side never
 * rebuilds a manifest. The cluster is synthesized (policies included); blocking findings
 * are a `ResourceError`. Objects are handed to one `yaml/v2` ConfigGroup.
 */
export class ClusterObjects extends pulumi.ComponentResource {
  /** The objects handed to Pulumi. */
  public readonly objectCount: number;

  constructor(name: string, args: ClusterObjectsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('hardened-homelab:k8s:ClusterObjects', name, {}, opts);
    const synthesis = args.cluster.synthesize();
    if (synthesis.errors.length > 0) {
      throw new pulumi.ResourceError(`cluster ${args.cluster.profile.name} fails its policies:\n${synthesis.errors.join('\n')}`, this);
    }
    const objs = synthesis.objects.map((o) => o.manifest);
    this.objectCount = objs.length;
    new k8s.yaml.v2.ConfigGroup(`${name}-objects`, { objs }, { parent: this });
    this.registerOutputs({ objectCount: this.objectCount });
  }
}
