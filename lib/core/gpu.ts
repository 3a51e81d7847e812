/**
 * GPU facts shared by the GPU patterns (device plugins, the app pattern's `gpu` option, the
 * derived GPU quota) and the GPU analyses (HK-GPU-*), so both name the same resources, labels
 * and paths and count the same requests.
 */

/** Extended resource names the GPU device plugins advertise. */
export const GpuResources = {
  /** NVIDIA GPUs (whole, or time-sliced replicas when the config does not rename them). */
  NVIDIA: 'nvidia.com/gpu',
  /** The name time-sliced NVIDIA replicas get with `renameByDefault: true`. */
  NVIDIA_SHARED: 'nvidia.com/gpu.shared',
  /** Intel GPUs driven by i915 (QuickSync iGPUs, Arc with i915). */
  INTEL_I915: 'gpu.intel.com/i915',
} as const;

/** The domain of NVIDIA's extended resources (`nvidia.com/gpu`, `nvidia.com/gpu.shared`, MIG slices). */
export const NVIDIA_RESOURCE_PREFIX = 'nvidia.com/';

/** The RuntimeClass (and containerd handler) of the NVIDIA container runtime. */
export const NVIDIA_RUNTIME_CLASS = 'nvidia';

/** The node label the NVIDIA device plugin's config manager reads to pick a node's named config. */
export const DEVICE_PLUGIN_CONFIG_LABEL = 'nvidia.com/device-plugin.config';

/**
 * Where a device plugin registers its socket inside its container: fixed by the plugins
 * (`/var/lib/kubelet/device-plugins`), whatever the node's kubelet root dir, which the hostPath
 * mounted there must follow.
 */
export const DEVICE_PLUGIN_SOCKET_DIR = '/var/lib/kubelet/device-plugins';

/** Where the kubelet's pod-resources socket is read inside a container (GPU-to-pod attribution). */
export const POD_RESOURCES_DIR = '/var/lib/kubelet/pod-resources';

/** The variable through which the NVIDIA container runtime picks the GPUs a container sees. */
export const NVIDIA_VISIBLE_DEVICES = 'NVIDIA_VISIBLE_DEVICES';

/**
 * True when an `NVIDIA_VISIBLE_DEVICES` value hides every GPU (`void`, `none`), which is
 * harmless; any other value, or a value from a reference, picks GPUs behind the device
 * plugin's back.
 */
export function hidesNvidiaGpus(value: unknown): boolean {
  return typeof value === 'string' && ['void', 'none'].includes(value.trim().toLowerCase());
}

/** True for an NVIDIA extended resource (`nvidia.com/...`). */
export function isNvidiaResource(name: string): boolean {
  return name.startsWith(NVIDIA_RESOURCE_PREFIX);
}

/** `gpu.shared` → `nvidia.com/gpu.shared`, as the NVIDIA device plugin qualifies bare resource names (empty stays empty). */
export function qualifyNvidiaResource(name: string): string {
  return name === '' || name.includes('/') ? name : `${NVIDIA_RESOURCE_PREFIX}${name}`;
}

/** True for the extended resources the GPU device plugins advertise. */
export function isGpuResource(name: string): boolean {
  return isNvidiaResource(name) || name.startsWith('gpu.intel.com/') || name.startsWith('amd.com/');
}

/**
 * GPU requests of one pod spec (limits stand in for requests, as the API server defaults them):
 * main containers summed, the largest init container when larger; and the largest request of
 * any single container per resource.
 */
export function gpuRequests(spec: any): { requests: Map<string, number>; perContainer: Map<string, number> } {
  const main = new Map<string, number>();
  const init = new Map<string, number>();
  const perContainer = new Map<string, number>();
  for (const list of ['containers', 'initContainers'] as const) {
    for (const container of Array.isArray(spec?.[list]) ? spec[list] : []) {
      const req = { ...(container?.resources?.limits ?? {}), ...(container?.resources?.requests ?? {}) };
      for (const [r, v] of Object.entries(req)) {
        if (!isGpuResource(r)) continue;
        const n = Number(v);
        if (!Number.isFinite(n) || n <= 0) continue;
        perContainer.set(r, Math.max(perContainer.get(r) ?? 0, n));
        if (list === 'containers') main.set(r, (main.get(r) ?? 0) + n);
        else init.set(r, Math.max(init.get(r) ?? 0, n));
      }
    }
  }
  for (const [r, n] of init) main.set(r, Math.max(main.get(r) ?? 0, n));
  return { requests: main, perContainer };
}

/** Normal and rolling-update pod counts of a workload (one for any other pod owner). */
export function podCounts(m: { readonly kind: string; readonly spec?: any }): { replicas: number; peak: number } {
  if (m.kind === 'Deployment' || m.kind === 'StatefulSet' || m.kind === 'ReplicaSet') {
    const replicas = typeof m.spec?.replicas === 'number' ? m.spec.replicas : 1;
    if (m.kind !== 'Deployment' || m.spec?.strategy?.type === 'Recreate') return { replicas, peak: replicas };
    const surge = m.spec?.strategy?.rollingUpdate?.maxSurge ?? '25%';
    const extra = typeof surge === 'string' && surge.endsWith('%') ? Math.ceil((replicas * Number(surge.slice(0, -1))) / 100) : Number(surge) || 0;
    return { replicas, peak: replicas + extra };
  }
  return { replicas: 1, peak: 1 };
}
