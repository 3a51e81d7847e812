import { Namespace, k8s } from '../../lib';
import { ClusterProfile } from '../../lib/core/profile';
import { nvidiaNodeAgent } from '../../lib/gpu/node-agent';
import { createValidator } from '../schema/validator';
import { find, gpuCluster, manifestsOf } from './helpers';

describe('nvidiaNodeAgent: the DaemonSet the device plugin and the DCGM exporter share', () => {
  const c = gpuCluster();
  const ns = new Namespace(c, 'agents', { podSecurity: 'privileged' });
  const nodes = ClusterProfile.of(c).nodes.filter((n) => n.gpus.length > 0 && n.name !== 'igpu');
  nvidiaNodeAgent(ns, {
    name: 'agent', labels: { app: 'agent', tier: 'node' }, selector: { app: 'agent' }, nodes,
    tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
    apiAccess: false, priorityClassName: 'system-node-critical',
    containers: [{ name: 'agent', image: 'registry.example/agent:1.0.0', resources: { requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('16Mi') }, limits: { memory: k8s.Quantity.fromString('32Mi') } } }],
    volumes: [],
  });
  const manifests = manifestsOf(c);
  const ds = find(manifests, 'DaemonSet', 'agent');
  const pod = ds.spec.template.spec;

  test('a ServiceAccount whose token follows apiAccess, and the DaemonSet on it', () => {
    expect(find(manifests, 'ServiceAccount', 'agent')).toMatchObject({ metadata: { name: 'agent', namespace: 'agents', labels: { app: 'agent', tier: 'node' } }, automountServiceAccountToken: false });
    expect([pod.serviceAccountName, pod.automountServiceAccountToken, pod.enableServiceLinks]).toEqual(['agent', false, false]);
  });

  test('one node at a time on update, the NVIDIA runtime, RuntimeDefault seccomp, the given priority', () => {
    expect(ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } });
    expect(ds.spec.selector).toEqual({ matchLabels: { app: 'agent' } });
    expect(ds.spec.template.metadata.labels).toEqual({ app: 'agent', tier: 'node' });
    expect([pod.runtimeClassName, pod.securityContext, pod.priorityClassName, pod.shareProcessNamespace]).toEqual(['nvidia', { seccompProfile: { type: 'RuntimeDefault' } }, 'system-node-critical', undefined]);
  });

  test('required affinity on the GPU nodes, the given tolerations first, then the nodes\' taints', () => {
    expect(pod.affinity).toEqual({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['gpu1', 'gpu2'] }] }] } } });
    expect(pod.tolerations).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'gpu', operator: 'Equal', value: 'nvidia', effect: 'NoSchedule' },
    ]);
  });

  test('no tolerations field when none is needed', () => {
    const c2 = gpuCluster();
    const ns2 = new Namespace(c2, 'agents', { podSecurity: 'privileged' });
    const gpu2 = ClusterProfile.of(c2).nodes.filter((n) => n.name === 'gpu2');
    nvidiaNodeAgent(ns2, { name: 'agent', labels: { app: 'agent' }, selector: { app: 'agent' }, nodes: gpu2, apiAccess: true, priorityClassName: 'p', containers: [], volumes: [] });
    const ds2 = find(manifestsOf(c2), 'DaemonSet', 'agent');
    expect([ds2.spec.template.spec.tolerations, ds2.spec.template.spec.automountServiceAccountToken]).toEqual([undefined, true]);
  });

  test('validates against the Kubernetes schema', () => {
    const validator = createValidator();
    expect([ds, find(manifests, 'ServiceAccount', 'agent')].flatMap((o) => validator.validate(o))).toEqual([]);
  });
});
