import { PolicyRule } from '../../rule';
import { devicePluginConfigRule } from './device-plugin-config';
import { gpuMemoryBudgetRule } from './gpu-memory-budget';
import { gpuMemoryDeclaredRule } from './gpu-memory-declared';
import { gpuQuotaRule } from './gpu-quota';
import { gpuQuotaKeysRule } from './gpu-quota-keys';
import { gpuSlicesRule } from './gpu-slices';
import { nvidiaRuntimeRequestRule } from './nvidia-runtime-request';
import { nvidiaVisibleDevicesRule } from './nvidia-visible-devices';
import { timeSlicingRequestLimitRule } from './time-slicing-request-limit';

export * from './device-plugin-config';
export * from './gpu-memory-budget';
export * from './gpu-memory-declared';
export * from './gpu-quota';
export * from './gpu-quota-keys';
export * from './gpu-slices';
export * from './nvidia-runtime-request';
export * from './nvidia-visible-devices';
export * from './time-slicing-request-limit';

/** GPUs: slices, quotas, memory budgets, device plugin configs and GPU access outside the device plugin. */
export const GPU_RULES: readonly PolicyRule[] = [
  gpuSlicesRule,
  gpuQuotaRule,
  gpuQuotaKeysRule,
  gpuMemoryBudgetRule,
  gpuMemoryDeclaredRule,
  nvidiaVisibleDevicesRule,
  nvidiaRuntimeRequestRule,
  devicePluginConfigRule,
  timeSlicingRequestLimitRule,
];
