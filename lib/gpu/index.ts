// GPU patterns: device plugins, GPU monitoring, GPU quotas and what apps request.
export * from './sharing';
export * from './nvidia-device-plugin';
export * from './dcgm-exporter';
export * from './intel-gpu-plugin';
export * from './node-feature-discovery';
export * from './gpu-quota';
