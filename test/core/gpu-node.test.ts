import { ClusterProfile, Distro, GpuVendor } from '../../lib/core/profile';

const profile = new ClusterProfile('lab', {
  distro: Distro.K3S, version: 'v1.32.5+k3s1',
  nodes: [
    { name: 'small', allocatable: { cpu: '4', memory: '8Gi' }, gpus: [{ vendor: GpuVendor.INTEL, model: 'UHD 630' }] },
    { name: 'big', allocatable: { cpu: '32', memory: '64Gi' }, gpus: [{ vendor: GpuVendor.NVIDIA, model: 'Tesla T4', memory: '16Gi' }] },
  ],
});

describe('ClusterProfile.gpuNode', () => {
  test('returns a node that has a GPU of the vendor', () => {
    expect(profile.gpuNode('big', GpuVendor.NVIDIA).name).toBe('big');
  });

  test('throws for a node without a GPU of that vendor, naming the nodes that have one', () => {
    expect(() => profile.gpuNode('small', GpuVendor.NVIDIA, 'lab/ai/ollama', 'nodes[0]')).toThrow(
      '[lab/ai/ollama] nodes[0] = "small": node small has no nvidia GPU in the lab profile (nvidia GPUs are on big). Fix: place the workload on "big"');
  });

  test('throws when no node has a GPU of that vendor', () => {
    const none = new ClusterProfile('lab', { distro: Distro.K3S, version: 'v1.32.5+k3s1', nodes: [{ name: 'n', allocatable: { cpu: '1', memory: '1Gi' } }] });
    expect(() => none.gpuNode('n', GpuVendor.INTEL)).toThrow(
      '[ClusterProfile(lab)] node = "n": node n has no intel GPU in the lab profile (no node has one). Fix: add the GPU to the node\'s gpus in the profile');
  });

  test('throws for an unknown node', () => {
    expect(() => profile.gpuNode('k3s9', GpuVendor.NVIDIA)).toThrow('[ClusterProfile(lab)] node = "k3s9": no node of that name in the lab profile (nodes: small, big). Fix: use one of "small", "big", or add the node to the profile');
  });
});
