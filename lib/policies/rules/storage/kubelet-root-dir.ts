import { helmReleaseOf, stringLeaves } from '../../helm';
import { podTemplateOf } from '../../pod';
import { PolicyContext, PolicyRule, RuleLevel, RuleViolation } from '../../rule';

/** Kubelet root directories of the common distributions: `…/lib/kubelet`, `…/agent/kubelet`, `…/k0s/kubelet`. */
const KUBELET_DIR = /^((?:\/[^/\s]+)*\/(?:lib|agent|k0s)\/kubelet)(?=\/|$)/;
/** Absolute paths inside a longer string (flags, URLs with paths, lists). */
const PATHS = /(?:^|[\s=:,'"(])(\/[A-Za-z0-9._@+/-]*)/g;

/**
 * The kubelet directory `path` lies in, when it lies in one that is not `root`; `undefined`
 * when the path is under `root` or under no kubelet directory.
 */
export function foreignKubeletDir(path: string, root: string): string | undefined {
  const clean = path.replace(/\/+$/, '') || '/';
  if (clean === root || clean.startsWith(`${root}/`)) return undefined;
  const m = KUBELET_DIR.exec(clean);
  return m && m[1] !== root ? m[1] : undefined;
}

/** `is a kubelet directory` / `lies under the kubelet directory X`. */
function where(path: string, dir: string): string {
  return path.replace(/\/+$/, '') === dir ? 'is a kubelet directory' : `lies under the kubelet directory ${dir}`;
}

function paths(value: string): string[] {
  const out: string[] = [];
  for (const m of value.matchAll(PATHS)) out.push(m[1]);
  return out;
}

/**
 * HK-STO-06: host paths and chart values under a kubelet directory agree with the profile's
 * `kubeletRootDir`.
 */
export const kubeletRootDirRule: PolicyRule = {
  id: 'HK-STO-06',
  level: RuleLevel.ERROR,
  title: 'Kubelet paths in host paths and chart values match the profile\'s kubeletRootDir',
  explanation: 'The CSI driver, the device plugins and Velero\'s node agent reach into the kubelet\'s root directory (pods, plugins, '
    + 'plugins_registry). When their path is not the kubelet\'s, CSI registration and volume mounts fail: the homelab\'s Longhorn '
    + 'outage followed a change of kubelet paths and lost every volume (seed 003, 24 hours). Its written lesson, "never change '
    + '/var/lib/rancher/k3s/agent/kubelet", records a stale path: K3s has used /var/lib/kubelet since v0.10, and the repo\'s Velero node '
    + 'agent still mounted the old one. What matters is that every consumer agrees with the one value in the profile.',
  fix: 'derive the path from ClusterProfile.kubeletRootDir (the library\'s constructs do), or correct profile.kubeletRootDir',
  check(m, ctx: PolicyContext): RuleViolation[] {
    const root = ctx.profile?.kubeletRootDir;
    if (!root) return [];
    const out: RuleViolation[] = [];
    const pod = podTemplateOf(m);
    if (pod) {
      for (const v of Array.isArray(pod.spec?.volumes) ? pod.spec.volumes : []) {
        const p = v?.hostPath?.path;
        const dir = typeof p === 'string' ? foreignKubeletDir(p, root) : undefined;
        if (dir) {
          out.push({ message: `volume "${v.name}" mounts host path ${p}, which ${where(p, dir)}, but the kubelet of this cluster runs in ${root} (profile.kubeletRootDir)`, fix: `use ${root}${p.slice(dir.length)}` });
        }
      }
    }
    if (m.kind === 'PersistentVolume') {
      for (const p of [m.spec?.hostPath?.path, m.spec?.local?.path]) {
        const dir = typeof p === 'string' ? foreignKubeletDir(p, root) : undefined;
        if (dir) out.push({ message: `PersistentVolume ${m.metadata?.name} points at ${p}, which ${where(p, dir)}, but the kubelet of this cluster runs in ${root} (profile.kubeletRootDir)`, fix: `use ${root}${p.slice(dir.length)}` });
      }
    }
    const release = helmReleaseOf(m);
    if (release) {
      for (const [key, value] of stringLeaves(release.values)) {
        for (const p of paths(value)) {
          const dir = foreignKubeletDir(p, root);
          if (dir) {
            out.push({ message: `chart value ${key} = "${value}"${value === p ? '' : ` names ${p}, which`} ${where(p, dir)}, but the kubelet of this cluster runs in ${root} (profile.kubeletRootDir)`, fix: `use ${root}${p.slice(dir.length)}, or derive the value from the profile` });
          }
        }
      }
    }
    return out;
  },
};
