import { NVIDIA_RUNTIME_CLASS, isNvidiaResource } from '../../../core/gpu';
import { allContainers, podTemplateOf } from '../../pod';
import { PolicyRule, RuleLevel } from '../../rule';

/** HK-GPU-07: a pod on the NVIDIA runtime requests an NVIDIA resource. */
export const nvidiaRuntimeRequestRule: PolicyRule = {
  id: 'HK-GPU-07',
  level: RuleLevel.ERROR,
  title: 'pods on the NVIDIA runtime must request an NVIDIA GPU resource',
  explanation: 'A pod with runtimeClassName nvidia that requests no nvidia.com resource gets no allocation from the device plugin, and CUDA '
    + 'images default to NVIDIA_VISIBLE_DEVICES=all: the container sees every GPU of the node outside any slice or quota. The homelab '
    + 'ran its DCGM exporter and privileged AI pods this way (seed 003).',
  fix: 'request the GPU (nvidia.com/gpu, or the renamed shared resource) with the app pattern\'s gpu option, or drop runtimeClassName; '
    + 'the device plugin and the DCGM exporter are exempt by design',
  check(m) {
    const pod = podTemplateOf(m);
    const runtime = pod?.spec?.runtimeClassName;
    if (typeof runtime !== 'string' || !runtime.startsWith(NVIDIA_RUNTIME_CLASS)) return [];
    const requests = allContainers(pod!.spec).some(({ container }) => Object.keys({ ...(container?.resources?.limits ?? {}), ...(container?.resources?.requests ?? {}) })
      .some(isNvidiaResource));
    return requests ? [] : [{ message: `runs with runtimeClassName ${runtime} but no container requests an nvidia.com resource, so it sees every GPU of the node` }];
  },
};
