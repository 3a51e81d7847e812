import { ClusterProfile } from '../../lib';
import { Manifest } from '../../lib/policies/rule';
import { configMap, container, deployment, merge, workload } from '../policies/fixtures';
import { GPU_PROFILE } from './helpers';

/** The GPU test profile as the policies see it. */
export const PROFILE = new ClusterProfile('lab', GPU_PROFILE);

/** A device plugin config as YAML text. */
export function timeSlicingConfig(replicas: unknown, extra: Record<string, unknown> = {}): string {
  return [
    'version: v1',
    'sharing:',
    '  timeSlicing:',
    ...Object.entries(extra).map(([k, v]) => `    ${k}: ${v}`),
    '    resources:',
    '      - name: nvidia.com/gpu',
    `        replicas: ${replicas}`,
    '',
  ].join('\n');
}

/** A hand-written device plugin DaemonSet reading its named configs from ConfigMap `configs`. */
export function devicePlugin(defaultConfig = 'whole', namespace = 'nvidia-gpu'): Manifest {
  return workload('DaemonSet', 'nvidia-device-plugin', namespace, {
    runtimeClassName: 'nvidia',
    containers: [container({
      name: 'plugin', image: 'nvcr.io/nvidia/k8s-device-plugin:v0.19.0', ports: undefined,
      env: [{ name: 'DEFAULT_CONFIG', value: defaultConfig }],
    })],
    volumes: [{ name: 'available-configs', configMap: { name: 'configs' } }],
  });
}

/** ConfigMap `configs` with the standard two configs (shared on gpu1 by label: ×4; whole). */
export function configs(data: Record<string, string> = { whole: 'version: v1\n', shared: timeSlicingConfig(4, { failRequestsGreaterThanOne: true }) }, namespace = 'nvidia-gpu'): Manifest {
  return configMap('configs', namespace, data);
}

/** A GPU Deployment pinned to `node` requesting `count` of `resource`, declaring `memory` (or not). */
export function gpuApp(name: string, namespace = 'ai', opts: { node?: string; resource?: string; count?: number; memory?: string; replicas?: number; strategy?: any; runtimeClassName?: string } = {}): Manifest {
  const resource = opts.resource ?? 'nvidia.com/gpu';
  const pod: any = {
    runtimeClassName: opts.runtimeClassName ?? (resource.startsWith('nvidia') ? 'nvidia' : undefined),
    tolerations: [{ key: 'gpu', operator: 'Equal', value: 'nvidia', effect: 'NoSchedule' }],
    containers: [container({ resources: { requests: { cpu: '50m', memory: '128Mi', [resource]: opts.count ?? 1 }, limits: { memory: '256Mi', [resource]: opts.count ?? 1 } } })],
  };
  if (opts.node) pod.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [opts.node] }] }] } } };
  const d = deployment(name, namespace, pod, { spec: { replicas: opts.replicas ?? 1, strategy: opts.strategy ?? { type: 'Recreate' } } });
  return opts.memory === undefined ? d : merge(d, { spec: { template: { metadata: { annotations: { 'hardened-homelab.io/gpu-memory': opts.memory } } } } });
}

/** A ResourceQuota `name` in `namespace` with `hard`. */
export function quota(hard: Record<string, unknown>, namespace = 'ai', name = 'gpu-quota'): Manifest {
  return { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name, namespace }, spec: { hard } };
}
