import { ClusterProfileProps, Distro, GitOpsEngine, NodeRole, TaintEffect } from '../../lib';

const ALLOCATABLE = { cpu: '6', memory: '5929Mi' };
const CRITICAL_ADDONS_ONLY = [{ key: 'CriticalAddonsOnly', value: 'true', effect: TaintEffect.NO_EXECUTE }];
/**
 * The Longhorn disk of each worker. The seed records no disk sizes; 100Gi of schedulable space at
 * Longhorn's default path is an assumption. Only the workers carry Longhorn disks.
 */
const LONGHORN_DISK = [{ tier: 'default', capacity: '100Gi', path: '/var/lib/longhorn' }];

/**
 * The cortex cluster (ry-ops/cortex-gitops at the seed date): K3s, three servers and four
 * workers of about 6 CPU / 6 GB each with 5929Mi allocatable memory (seed 000's node table).
 * Two of the three servers carry the `CriticalAddonsOnly` taint, as the seed reports; the
 * third (k3s-master03) takes ordinary pods.
 */
export const cortexProfile: ClusterProfileProps = {
  distro: Distro.K3S,
  version: 'v1.31.4+k3s1',
  kubeletRootDir: '/var/lib/kubelet',
  nodes: [
    { name: 'k3s-master01', role: NodeRole.CONTROL_PLANE, allocatable: ALLOCATABLE, taints: CRITICAL_ADDONS_ONLY },
    { name: 'k3s-master02', role: NodeRole.CONTROL_PLANE, allocatable: ALLOCATABLE, taints: CRITICAL_ADDONS_ONLY },
    { name: 'k3s-master03', role: NodeRole.CONTROL_PLANE, allocatable: ALLOCATABLE },
    { name: 'k3s-worker01', allocatable: ALLOCATABLE, disks: LONGHORN_DISK },
    { name: 'k3s-worker02', allocatable: ALLOCATABLE, disks: LONGHORN_DISK },
    { name: 'k3s-worker03', allocatable: ALLOCATABLE, disks: LONGHORN_DISK },
    { name: 'k3s-worker04', allocatable: ALLOCATABLE, disks: LONGHORN_DISK },
  ],
  domain: 'ry-ops.dev',
  gitops: { engine: GitOpsEngine.ARGO_CD, repoUrl: 'https://github.com/ry-ops/cortex-gitops', branch: 'main', path: 'dist/cortex' },
  externalServices: [
    { name: 'llmd-service', namespace: 'cortex', ports: [8000], reason: 'referenced by moe-router; no manifest exists in the cortex repos (seed-repos §2.1)' },
    { name: 'prometheus', namespace: 'monitoring', ports: [9090], reason: 'installed by the cortex platform repo, not by cortex-gitops' },
    { name: 'tekton-triggers-core-interceptors', namespace: 'tekton-pipelines', ports: [8443], reason: 'Tekton Pipelines and Triggers are installed outside cortex-gitops; the cortex-cicd EventListener calls the GitHub interceptor' },
    { name: 'traefik', namespace: 'kube-system', ports: [80, 443], reason: 'the K3s-bundled Traefik (LoadBalancer 10.88.145.200) serves the cortex ingresses; routes are synthesized by the route helper' },
  ],
};
