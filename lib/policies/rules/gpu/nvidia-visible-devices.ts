import { NVIDIA_VISIBLE_DEVICES, hidesNvidiaGpus } from '../../../core/gpu';
import { containerLabel } from '../../pod';
import { PolicyRule, RuleLevel } from '../../rule';
import { asArray, eachContainer } from '../workload/_shared';

/** HK-GPU-06: containers do not set NVIDIA_VISIBLE_DEVICES (except to `void`/`none`). */
export const nvidiaVisibleDevicesRule: PolicyRule = {
  id: 'HK-GPU-06',
  level: RuleLevel.ERROR,
  title: 'containers must not set NVIDIA_VISIBLE_DEVICES',
  explanation: 'Under the NVIDIA container runtime, NVIDIA_VISIBLE_DEVICES chooses the GPUs a container sees. "all" exposes every GPU '
    + 'of the node whatever the pod requested, so time-slicing, quotas and the GPU budget stop meaning anything. The homelab\'s Ollama '
    + 'and its DCGM exporter set NVIDIA_VISIBLE_DEVICES=all (seed 003). The device plugin sets the variable for the GPU it allocates.',
  fix: 'remove the variable and request the GPU resource (the app pattern\'s gpu option); node agents that must see every GPU get an exemption',
  check: (m) => eachContainer(m, (ref) => {
    const e = asArray(ref.container?.env).find((x) => x?.name === NVIDIA_VISIBLE_DEVICES);
    if (!e) return undefined;
    // void/none hide every GPU; a value from a reference cannot be judged and counts as exposing them
    if (hidesNvidiaGpus(e.value)) return undefined;
    return `${containerLabel(ref)} sets NVIDIA_VISIBLE_DEVICES${typeof e.value === 'string' ? `=${e.value}` : ' from a reference'}, which overrides the device plugin's allocation`;
  }),
};
