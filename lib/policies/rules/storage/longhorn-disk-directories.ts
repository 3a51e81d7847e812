import { ClusterNode } from '../../../core/profile';
import { LonghornDiskDirectory, isSameOrUnder, longhornDiskDirectories, normalizeHostPath } from '../../../core/storage-tiers';
import { podTemplateOf, schedulableNodes } from '../../pod';
import { AnalysisViolation, PolicyRule, RuleLevel, describe } from '../../rule';
import { joinNames, longhornClasses, longhornRelease } from './_shared';
import { persistentVolumes } from './_volumes';

/** Namespace of Longhorn's own pods when the object set has no Longhorn release to say otherwise. */
const LONGHORN_NAMESPACE = 'longhorn-system';

/**
 * `is the Longhorn optane disk directory /mnt/optane-1/k8s-pv on k3s3`; several directories
 * joined with `; `. `undefined` when `path` is in no Longhorn disk directory of `nodes`.
 */
function conflicts(path: string, nodes: readonly ClusterNode[], dirs: ReadonlyMap<ClusterNode, readonly LonghornDiskDirectory[]>): string | undefined {
  const byDir = new Map<string, { tier: string; nodes: string[] }>();
  for (const n of nodes) {
    for (const d of dirs.get(n) ?? []) {
      if (!isSameOrUnder(path, d.path)) continue;
      const key = `${d.path}\u0000${d.tier}`;
      const e = byDir.get(key);
      if (e) e.nodes.push(n.name);
      else byDir.set(key, { tier: d.tier, nodes: [n.name] });
    }
  }
  if (byDir.size === 0) return undefined;
  return [...byDir].map(([key, e]) => {
    const dir = key.split('\u0000')[0];
    return `${path === dir ? 'is' : 'lies under'} the Longhorn ${e.tier} disk directory ${dir} on ${joinNames(e.nodes)}`;
  }).join('; ');
}

/**
 * HK-STO-09: no PersistentVolume (`local` or `hostPath`) and no pod `hostPath` volume uses a
 * directory that Longhorn keeps replicas in, on a node where both can be: the profile's disk
 * paths (a disk without a path is `/var/lib/longhorn`), when Longhorn is part of the object set
 * (its chart or a `driver.longhorn.io` StorageClass). A PersistentVolume counts on the nodes its
 * `nodeAffinity` admits (every node without one), a pod on the nodes it may be scheduled to.
 * Longhorn's own pods (the release's namespace) are not judged.
 */
export const longhornDiskDirectoryRule: PolicyRule = {
  id: 'HK-STO-09',
  level: RuleLevel.ERROR,
  title: 'No PersistentVolume or hostPath volume uses a Longhorn disk directory',
  explanation: 'Longhorn owns the directories of its disks: it writes replica files there and schedules by the space it believes is free. '
    + 'On the homelab\'s k3s3 the static local-ssd PersistentVolumes (k3s3-optane-1/2, k3s3-nvme-1/2, k3s3-ssd-1..7) pointed at the very '
    + 'directories the Longhorn node configuration declared as disks (/mnt/optane-{1,2}/k8s-pv, …; seed 003): two storage systems writing '
    + 'one directory, each unaware of the other\'s files and usage, so either can fill the disk under the other, and deleting a local '
    + 'volume\'s data (reclaim policy Delete) can reach Longhorn\'s replicas.',
  fix: 'give the directory to one system: claim a Longhorn tier instead of the local PersistentVolume (or hostPath), or take the disk out of the profile\'s Longhorn disks (nodes[].disks) and Longhorn\'s node configuration and keep it for local volumes',
  analyze(ctx) {
    const profile = ctx.profile;
    if (!profile || !profile.nodes.some((n) => n.disks.length > 0)) return [];
    if (longhornClasses(ctx).size === 0) return [];
    const dirs = new Map(profile.nodes.map((n) => [n, longhornDiskDirectories(n)] as const));
    const out: AnalysisViolation[] = [];
    for (const v of persistentVolumes(ctx).all) {
      if (!v.hostPath) continue;
      const found = conflicts(v.hostPath.path, v.nodes ?? profile.nodes, dirs);
      if (found) {
        out.push({
          target: v.record,
          message: `PersistentVolume ${v.name} (${v.hostPath.field} path ${v.hostPath.path}${v.nodes === undefined ? ', no node affinity' : ''}) ${found}: Longhorn and the volume would write one directory and share its space`,
        });
      }
    }
    const own = longhornRelease(ctx)?.release.namespace ?? LONGHORN_NAMESPACE;
    for (const record of ctx.objects) {
      const m = record.manifest;
      const pod = podTemplateOf(m);
      if (!pod || (m.metadata?.namespace ?? 'default') === own) continue;
      let nodes: ClusterNode[] | undefined;
      for (const vol of Array.isArray(pod.spec?.volumes) ? pod.spec.volumes : []) {
        const raw = vol?.hostPath?.path;
        if (typeof raw !== 'string') continue;
        nodes ??= schedulableNodes(pod.spec, profile.nodes);
        const path = normalizeHostPath(raw);
        const found = conflicts(path, nodes, dirs);
        if (found) {
          out.push({
            target: record,
            message: `${describe(m)} mounts host path ${path} (volume "${vol.name}"), which ${found}: Longhorn and the pod would write one directory and share its space`,
          });
        }
      }
    }
    return out;
  },
};
