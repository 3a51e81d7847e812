import { PolicyRule, RuleLevel } from '../../rule';
import { isGpuResource } from './_model';

/** HK-GPU-03: quota keys for GPUs use the `requests.` prefix, the only one enforced for extended resources. */
export const gpuQuotaKeysRule: PolicyRule = {
  id: 'HK-GPU-03',
  level: RuleLevel.WARNING,
  title: 'GPU quotas use requests.<resource>; limits.<resource> and bare names are never enforced',
  explanation: 'Kubernetes counts extended resources in a ResourceQuota only under the requests. prefix. A limits.nvidia.com/gpu or a bare '
    + 'nvidia.com/gpu key is accepted and never counted, so it limits nothing. The homelab\'s gpu-quota objects set both prefixes (seed 003).',
  fix: 'write the GPU limit as requests.<resource> (e.g. requests.nvidia.com/gpu) and drop the other keys',
  check(m) {
    if (m.kind !== 'ResourceQuota') return [];
    return Object.keys(m.spec?.hard ?? {})
      .filter((key) => (key.startsWith('limits.') && isGpuResource(key.slice('limits.'.length))) || isGpuResource(key))
      .map((key) => ({ message: `${key} is never enforced: quotas count extended resources only as requests.${key.replace(/^limits\./, '')}` }));
  },
};
