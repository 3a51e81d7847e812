import { Testing } from 'cdk8s';
import { Cluster, ClusterProfileProps, Distro, GitOpsEngine, NodeRole, TaintEffect } from '../../lib';

const ALLOCATABLE = { cpu: '4', memory: '8Gi' };

/**
 * Two small nodes with one NVMe disk each, a big node with NVMe and Optane disks (the homelab's
 * shape), and a tainted server without disks.
 */
export const TIERED_PROFILE: ClusterProfileProps = {
  distro: Distro.K3S,
  version: 'v1.32.5+k3s1',
  gitops: { engine: GitOpsEngine.FLUX, repoUrl: 'ssh://git@github.com/example/cluster' },
  nodes: [
    { name: 'server', role: NodeRole.CONTROL_PLANE, allocatable: ALLOCATABLE, taints: [{ key: 'CriticalAddonsOnly', value: 'true', effect: TaintEffect.NO_EXECUTE }] },
    { name: 'small-1', allocatable: ALLOCATABLE, disks: [{ tier: 'nvme', capacity: '400Gi', path: '/var/lib/longhorn' }] },
    { name: 'small-2', allocatable: ALLOCATABLE, disks: [{ tier: 'nvme', capacity: '400Gi', path: '/var/lib/longhorn' }] },
    {
      name: 'big', allocatable: ALLOCATABLE,
      disks: [
        { tier: 'nvme', capacity: '1800Gi', path: '/mnt/nvme-{1,2}/lh' },
        { tier: 'optane', capacity: '200Gi', path: '/mnt/optane-{1,2}/lh' },
      ],
    },
  ],
};

/** A cluster `test` with {@link TIERED_PROFILE} patched by `patch`; policies off unless `withPolicies`. */
export function tieredCluster(patch: Partial<ClusterProfileProps> = {}, withPolicies = false): Cluster {
  return new Cluster(Testing.app(), 'test', { profile: { ...TIERED_PROFILE, ...patch }, policies: withPolicies ? undefined : [] });
}

/** The manifests of a cluster, rendered once. */
export function manifests(cluster: Cluster): any[] {
  return cluster.synthesize().objects.map((o) => o.manifest);
}

/** The one manifest of `kind` named `name`. */
export function find(objs: any[], kind: string, name: string): any {
  const found = objs.filter((o) => o.kind === kind && o.metadata?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0];
}
