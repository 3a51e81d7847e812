import { BackupSite, BackupTargetKind, ClusterProfileProps, Distro, GitOpsEngine, GpuVendor, IdentityProviderKind, NodeRole } from '../../lib';

/**
 * The homelab (sudoflux/flux-k3s at the seed date): a K3s cluster with one control-plane VM on
 * the R730, two OptiPlex Micro workers with Intel QuickSync, and the R630 (k3s3) with a Tesla T4
 * and Optane / NVMe / SAS-SSD disks. NFS comes from the R730 (192.168.10.100).
 *
 * Figures the inventory does not give (allocatable CPU and memory of the OptiPlex nodes) are
 * stated as assumptions next to them. The kubelet root dir is K3s's real one,
 * `/var/lib/kubelet` (the repo's `/var/lib/rancher/k3s/agent/kubelet` is the pre-v0.10 path).
 */
export const homelabProfile: ClusterProfileProps = {
  distro: Distro.K3S,
  version: 'v1.32.5+k3s1',
  kubeletRootDir: '/var/lib/kubelet',
  nodes: [
    // 8 GB / 4 vCPU VM; the single control plane, not tainted in the real cluster
    { name: 'k3s-master1', role: NodeRole.CONTROL_PLANE, allocatable: { cpu: '4', memory: '7568Mi' } },
    // OptiPlex Micro: RAM is not recorded in the inventory; 32 GB assumed
    {
      name: 'k3s1', allocatable: { cpu: '8', memory: '30720Mi' },
      labels: { 'node-type': 'compute', 'workload': 'light', 'intel.feature.node.kubernetes.io/gpu': 'true' },
      disks: [{ tier: 'nvme', capacity: '400Gi', path: '/var/lib/longhorn' }],
      gpus: [{ vendor: GpuVendor.INTEL, model: 'UHD Graphics 630 (QuickSync)' }],
    },
    {
      name: 'k3s2', allocatable: { cpu: '8', memory: '30720Mi' },
      labels: { 'node-type': 'compute', 'workload': 'light', 'intel.feature.node.kubernetes.io/gpu': 'true' },
      disks: [{ tier: 'nvme', capacity: '400Gi', path: '/var/lib/longhorn' }],
      gpus: [{ vendor: GpuVendor.INTEL, model: 'UHD Graphics 630 (QuickSync)' }],
    },
    // Dell R630: 2x E5-2697A v4 (64 threads), 384 GB, Tesla T4 16 GB
    {
      name: 'k3s3', allocatable: { cpu: '63', memory: '376Gi' },
      // nvidia.com/device-plugin.config: set by hand (kubectl label node k3s3 ...) so the NVIDIA device plugin
      // time-slices the T4 (stacks/homelab/gpu.ts); the other NVIDIA nodes get the whole-GPU default
      labels: { 'node-type': 'gpu', 'gpu': 'nvidia', 'nvidia.com/device-plugin.config': 't4-time-sliced' },
      disks: [
        { tier: 'optane', capacity: '200Gi', path: '/mnt/optane-{1,2}/k8s-pv' },
        { tier: 'nvme', capacity: '1800Gi', path: '/mnt/nvme-{1,2}/k8s-pv' },
        { tier: 'sas-ssd', capacity: '2380Gi', path: '/mnt/ssd-{1..7}/k8s-pv' },
      ],
      gpus: [{ vendor: GpuVendor.NVIDIA, model: 'Tesla T4', memory: '16Gi' }],
    },
  ],
  domain: 'fletcherlabs.net',
  gateway: { name: 'main-gateway', namespace: 'networking', sectionName: 'https', ip: '192.168.10.224', cidr: '192.168.10.224/28' },
  identityProvider: { kind: IdentityProviderKind.AUTHENTIK, host: 'authentik.fletcherlabs.net' },
  // Velero's stores: MinIO on the R730's own disks (not NFS: MinIO takes NFS drives offline, the
  // seed's "0 drives provided") and Backblaze B2 off-site
  backupTargets: [
    { name: 'minio-local', kind: BackupTargetKind.MINIO, endpoint: 'http://192.168.10.100:9000', bucket: 'velero-backups', site: BackupSite.ON_SITE },
    { name: 'b2-offsite', kind: BackupTargetKind.BACKBLAZE_B2, endpoint: 'https://s3.us-west-001.backblazeb2.com', bucket: 'k3s-cluster-backups' },
  ],
  gitops: { engine: GitOpsEngine.FLUX, repoUrl: 'ssh://git@github.com/sudoflux/flux-k3s', branch: 'main', path: 'dist/homelab' },
  externalServices: [
    // rendered by the kube-prometheus-stack chart (monitoring.ts); the OAuth2-proxy fronts name them in --upstream
    { name: 'kube-prometheus-stack-prometheus', namespace: 'monitoring', ports: [9090], reason: 'rendered by the kube-prometheus-stack Helm chart (monitoring/kube-prometheus-stack)' },
    { name: 'kube-prometheus-stack-alertmanager', namespace: 'monitoring', ports: [9093], reason: 'rendered by the kube-prometheus-stack Helm chart (monitoring/kube-prometheus-stack)' },
    { name: 'longhorn-frontend', namespace: 'longhorn-system', ports: [80], reason: 'rendered by the Longhorn Helm chart (longhorn-system/longhorn); its OAuth2-proxy front names it in --upstream' },
  ],
};

/** The R730 NFS server that exports app configs and the media library. */
export const NFS_SERVER = '192.168.10.100';
