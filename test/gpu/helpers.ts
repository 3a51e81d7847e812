import { Testing } from 'cdk8s';
import { Cluster, ClusterProfileProps, Distro, GitOpsEngine, GpuVendor, Namespace, NvidiaDevicePlugin, TaintEffect } from '../../lib';

/**
 * A K3s cluster with a tainted NVIDIA node (a 16Gi T4 selecting config `shared` by label), a
 * second NVIDIA node without the label (24Gi), an Intel iGPU node labelled by NFD, and a plain node.
 */
export const GPU_PROFILE: ClusterProfileProps = {
  distro: Distro.K3S,
  version: 'v1.32.5+k3s1',
  nodes: [
    { name: 'server', allocatable: { cpu: '4', memory: '8Gi' } },
    {
      name: 'gpu1', allocatable: { cpu: '16', memory: '64Gi' },
      labels: { 'nvidia.com/device-plugin.config': 'shared' },
      taints: [{ key: 'gpu', value: 'nvidia', effect: TaintEffect.NO_SCHEDULE }],
      gpus: [{ vendor: GpuVendor.NVIDIA, model: 'Tesla T4', memory: '16Gi' }],
    },
    { name: 'gpu2', allocatable: { cpu: '16', memory: '64Gi' }, gpus: [{ vendor: GpuVendor.NVIDIA, model: 'RTX 4090', memory: '24Gi' }] },
    {
      name: 'igpu', allocatable: { cpu: '8', memory: '16Gi' },
      labels: { 'intel.feature.node.kubernetes.io/gpu': 'true' },
      gpus: [{ vendor: GpuVendor.INTEL, model: 'UHD 630' }],
    },
  ],
  gitops: { engine: GitOpsEngine.FLUX, repoUrl: 'ssh://git@example.com/lab.git' },
};

/** A fresh cluster on GPU_PROFILE (with `overrides`), policies off unless `withPolicies`. */
export function gpuCluster(withPolicies = false, overrides: Partial<ClusterProfileProps> = {}): Cluster {
  return new Cluster(Testing.app(), 'lab', { profile: { ...GPU_PROFILE, ...overrides }, policies: withPolicies ? undefined : [] });
}

/** The standard device plugin: `shared` time-slices gpu1 ×4 (the label picks it), `whole` is the default. */
export function standardPlugin(cluster: Cluster, renameByDefault = false): NvidiaDevicePlugin {
  const ns = new Namespace(cluster, 'nvidia-gpu', { podSecurity: 'privileged', quota: { cpu: '1', memory: '1Gi', memoryLimit: '2Gi' } });
  return new NvidiaDevicePlugin(ns, 'nvidia-device-plugin', {
    defaultConfig: 'whole',
    configs: {
      whole: {},
      shared: { nodes: ['gpu1'], timeSlicing: { renameByDefault, resources: [{ replicas: 4 }] } },
    },
  });
}

/** All manifests of the cluster, rendered (no policies). */
export function manifestsOf(cluster: Cluster): any[] {
  return cluster.synthesize().objects.map((o) => o.manifest);
}

/** The one manifest of `kind` named `name`. */
export function find(manifests: any[], kind: string, name: string): any {
  const found = manifests.filter((m) => m.kind === kind && m.metadata?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0];
}
