import { Construct } from 'constructs';
import {
  AppSize, AppWorkload, Cluster, DcgmExporter, Distro, EnvValue, GpuQuota, GpuVendor, Images, Namespace, NvidiaDevicePlugin, Probe, TaintEffect,
  imageReference,
} from '../../lib';

/**
 * One 24 GB GPU shared by two AI apps through NVIDIA time-slicing: the device plugin with a
 * named config the node selects by label, the DCGM exporter with alerts, and two apps that
 * request a slice each, declare their GPU memory and get the runtime class, toleration and
 * placement from the cluster profile. The namespace's GPU quota is derived from the apps.
 */
export function buildGpuTimeSlicing(scope: Construct): Cluster {
  const cluster = new Cluster(scope, 'example', {
    profile: {
      distro: Distro.K3S,
      version: 'v1.32.5+k3s1',
      nodes: [
        { name: 'cpu-node', allocatable: { cpu: '4', memory: '15Gi' } },
        {
          name: 'gpu-node',
          allocatable: { cpu: '16', memory: '62Gi' },
          labels: { 'nvidia.com/device-plugin.config': 'rtx-shared' }, // set with kubectl label node
          taints: [{ key: 'nvidia.com/gpu', effect: TaintEffect.NO_SCHEDULE }],
          gpus: [{ vendor: GpuVendor.NVIDIA, model: 'RTX 3090', memory: '24Gi' }],
        },
      ],
    },
  });

  // the GPU platform first: the apps read what it offers
  const gpu = new Namespace(cluster, 'nvidia-gpu', { podSecurity: 'privileged', quota: { cpu: '250m', memory: '512Mi', memoryLimit: '1Gi' } });
  new NvidiaDevicePlugin(gpu, 'nvidia-device-plugin', {
    defaultConfig: 'whole-gpu',
    configs: {
      'whole-gpu': {},
      'rtx-shared': { nodes: ['gpu-node'], timeSlicing: { renameByDefault: true, resources: [{ replicas: 4 }] } },
    },
  });
  new DcgmExporter(gpu, 'dcgm-exporter');

  const llm = new Namespace(cluster, 'llm');
  const ollama = new AppWorkload(llm, 'ollama', {
    image: imageReference(Images.ollama),
    resources: { cpu: '2', memory: '8Gi', memoryLimit: '24Gi' },
    ports: [{ name: 'http', port: 11434 }],
    healthCheck: Probe.httpGet('/api/version'),
    gpu: { vendor: GpuVendor.NVIDIA, memory: '14Gi' },
    env: { OLLAMA_HOST: '0.0.0.0:11434', OLLAMA_MAX_LOADED_MODELS: '1', OLLAMA_NUM_PARALLEL: '1', HOME: '/tmp' },
  });
  new AppWorkload(llm, 'whisper', {
    image: 'ghcr.io/example/whisper-server:1.2.0',
    size: AppSize.XXLARGE,
    ports: [{ name: 'http', port: 9000 }],
    healthCheck: Probe.httpGet('/health'),
    gpu: { vendor: GpuVendor.NVIDIA, memory: '6Gi' },
    env: { SUMMARY_MODEL_URL: EnvValue.serviceUrl(ollama) },
  });
  new GpuQuota(llm);
  return cluster;
}
