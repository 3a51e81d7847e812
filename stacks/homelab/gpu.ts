import { Cluster, DcgmExporter, IntelGpuPlugin, Namespace, NodeFeatureDiscovery, NvidiaDevicePlugin, UpstreamChart } from '../../lib';

/** The homelab's GPU platform: what apps with the `gpu` option request. */
export interface HomelabGpu {
  readonly nodeFeatureDiscovery: NodeFeatureDiscovery;
  readonly intel: IntelGpuPlugin;
  readonly nvidia: NvidiaDevicePlugin;
  readonly dcgm: DcgmExporter;
}

/** Options of {@link addHomelabGpu}. */
export interface HomelabGpuOptions {
  /**
   * The cert-manager release: the Intel operator's webhook certificate comes from it, so the
   * operator waits for it.
   * @default - none in this program (cert-manager must already run in the cluster)
   */
  readonly certManager?: UpstreamChart;
}

/**
 * The homelab's GPU platform, created before the apps that use it (they read what it offers):
 *
 * - `node-feature-discovery`: NFD, with the rule that labels the OptiPlex iGPUs
 *   `intel.feature.node.kubernetes.io/gpu=true` (recorded on k3s1/k3s2 in the profile);
 * - `intel-device-plugins`: the Intel operator and a GpuDevicePlugin with `sharedDevNum: 10`, so
 *   each OptiPlex's QuickSync serves up to 10 transcodes (`gpu.intel.com/i915`), as in the real cluster;
 * - `nvidia-gpu`: the NVIDIA device plugin with two configs, `whole-gpu` by default (a GPU node
 *   added later, such as the planned RTX 4090, is not shared until decided) and
 *   `t4-time-sliced` (4 replicas of `nvidia.com/gpu`, requests above 1 refused), which k3s3 selects
 *   with its `nvidia.com/device-plugin.config` label; and the DCGM exporter with alerts.
 *
 * Each namespace enforces Pod Security `privileged`, because each holds node agents that mount
 * host paths (the device plugins, NFD's worker, DCGM's pod-resources socket); they hold nothing
 * else, and warn/audit stay `restricted`. The NVIDIA namespace's quota is explicit: its pods are
 * DaemonSets (device plugin: 30m/96Mi, limits 192Mi; DCGM: 100m/256Mi, limits 512Mi, on k3s3),
 * which a derived quota does not count.
 *
 * What differs from the real cluster (sudoflux/flux-k3s, seed 003): the device plugin is not
 * privileged and its only host path is the kubelet's device-plugins dir; RuntimeClass `nvidia` is
 * adopted (K3s v1.32 creates it) instead of being referenced without existing in Git; the DCGM
 * exporter is not privileged, does not set NVIDIA_VISIBLE_DEVICES, has distinct probes and alerts;
 * the Intel plugin needs no privileged kubelet-socket symlink DaemonSet, because the profile's
 * kubelet root dir is the real one.
 */
export function addHomelabGpu(cluster: Cluster, options: HomelabGpuOptions = {}): HomelabGpu {
  const nfdNamespace = new Namespace(cluster, 'node-feature-discovery', { podSecurity: 'privileged' });
  const nodeFeatureDiscovery = new NodeFeatureDiscovery(nfdNamespace, 'node-feature-discovery');

  const intelNamespace = new Namespace(cluster, 'intel-device-plugins', { podSecurity: 'privileged' });
  const intel = new IntelGpuPlugin(intelNamespace, 'intel-gpu-plugin', {
    sharedDevNum: 10,
    dependsOn: [nodeFeatureDiscovery.release, ...(options.certManager ? [options.certManager] : [])],
  });

  const nvidiaNamespace = new Namespace(cluster, 'nvidia-gpu', {
    podSecurity: 'privileged',
    quota: { cpu: '250m', memory: '512Mi', memoryLimit: '1Gi', pods: 10 },
  });
  const nvidia = new NvidiaDevicePlugin(nvidiaNamespace, 'nvidia-device-plugin', {
    defaultConfig: 'whole-gpu',
    configs: {
      'whole-gpu': {},
      't4-time-sliced': { nodes: ['k3s3'], timeSlicing: { resources: [{ name: 'nvidia.com/gpu', replicas: 4 }] } },
    },
  });
  const dcgm = new DcgmExporter(nvidiaNamespace, 'dcgm-exporter');
  return { nodeFeatureDiscovery, intel, nvidia, dcgm };
}
