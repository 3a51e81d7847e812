/**
 * GPU facts read from pod specs, shared by the GPU patterns (the derived GPU quota) and the GPU
 * analyses (HK-GPU-01/02), so both count the same requests.
 */

/** True for the extended resources the GPU device plugins advertise. */
export function isGpuResource(name: string): boolean {
  return name.startsWith('nvidia.com/') || name.startsWith('gpu.intel.com/') || name.startsWith('amd.com/');
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
