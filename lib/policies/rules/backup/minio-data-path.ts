import { parseImageReference } from '../../../core/versions';
import { allContainers } from '../../pod';
import { AnalysisViolation, Manifest, PolicyRule, RuleLevel, describe } from '../../rule';
import { list, podTemplates } from '../cluster/_shared';
import { storageIndex } from './_shared';

/** Flags of `minio server` that take a separate value. */
const VALUE_FLAGS = new Set(['--address', '--console-address', '--certs-dir', '-S', '--config-dir', '-C', '--ftp', '--sftp', '--interface', '--dns-cache-ttl', '--memlimit']);

/** True for a MinIO server image (`minio/minio`, `quay.io/minio/minio`, `bitnami/minio`, …), not the `mc` client. */
function isMinioServer(image: string): boolean {
  const repo = parseImageReference(String(image ?? '')).repository;
  return /(^|\/)minio$/.test(repo);
}

/** The data paths a MinIO container serves: `minio server <paths>`, MINIO_VOLUMES, or Bitnami's MINIO_DATA_DIR. */
function dataPaths(container: any): { paths: string[]; isServer: boolean } {
  const env = new Map<string, string>(list(container?.env).filter((e: any) => typeof e?.value === 'string').map((e: any) => [e.name, e.value]));
  if (/bitnami\/minio/.test(String(container?.image))) {
    return { paths: [env.get('MINIO_DATA_DIR') ?? '/bitnami/minio/data'], isServer: true };
  }
  const tokens = [...list(container?.command), ...list(container?.args)].map(String).flatMap((t) => t.split(/\s+/)).filter((t) => t !== '');
  const i = tokens.indexOf('server');
  const volumes = env.get('MINIO_VOLUMES');
  if (i < 0) return { paths: volumes ? volumes.split(/\s+/) : [], isServer: volumes !== undefined };
  const paths: string[] = [];
  for (let j = i + 1; j < tokens.length; j++) {
    const t = tokens[j];
    if (t.startsWith('-')) {
      if (!t.includes('=') && VALUE_FLAGS.has(t)) j++;
      continue;
    }
    paths.push(t);
  }
  if (paths.length === 0 && volumes) paths.push(...volumes.split(/\s+/));
  return { paths, isServer: true };
}

/**
 * The local directories of a MinIO drive argument: `/data`, `/data{1...4}` (MinIO's ellipsis:
 * /data1 … /data4), `http://minio-{0...3}.minio/data` (the path part on this pod).
 */
function localDirs(path: string): string[] {
  const p = path.replace(/^https?:\/\/[^/]+/, '');
  if (!p.startsWith('/')) return [];
  const m = /^(.*?)\{(\d+)\.\.\.(\d+)\}(.*)$/.exec(p);
  const dirs = m && Number(m[3]) - Number(m[2]) < 64
    ? Array.from({ length: Number(m[3]) - Number(m[2]) + 1 }, (_, k) => `${m[1]}${Number(m[2]) + k}${m[4]}`)
    : [p];
  return dirs.map((d) => d.replace(/\/+$/, '') || '/');
}

const NFS_PROVISIONER = /nfs/i;

/** HK-BAK-09: MinIO serves its drives from a persistent local block volume. */
export const minioDataPathRule: PolicyRule = {
  id: 'HK-BAK-09',
  level: RuleLevel.ERROR,
  title: 'MinIO servers keep their drives on persistent, non-NFS volumes',
  explanation: 'The homelab\'s local backup target was broken with "0 drives provided" (seed 003): its MinIO served its single drive '
    + 'from an NFS PersistentVolume (192.168.10.100:/mnt/nvme_storage/velero-backups). MinIO\'s erasure-coded backend (the only one '
    + 'since RELEASE.2022-10-29) does not support NFS: it marks the drive offline, and every listing then fails with "listPathRaw: '
    + '0 drives provided", so local backups stopped while Velero reported nothing. A drive on an emptyDir or the container filesystem '
    + 'loses every backup when the pod moves, and `minio server` without a drive path does not start.',
  fix: 'run MinIO on the storage server\'s own disks and point the BackupStorageLocation at it, or give it a block volume (Longhorn, local-path) mounted at its drive path',
  analyze(ctx) {
    const { pvs, classes, defaultClass } = storageIndex(ctx);
    const claims = new Map<string, Manifest>();
    for (const r of ctx.byKind('PersistentVolumeClaim')) claims.set(`${r.manifest.metadata.namespace ?? 'default'}/${r.manifest.metadata.name}`, r.manifest);

    const nfsOfClaim = (claimSpec: any): string | undefined => {
      const pv = claimSpec?.volumeName ? pvs.get(claimSpec.volumeName) : undefined;
      if (pv?.spec?.nfs) return `PersistentVolume ${pv.metadata.name} → NFS ${pv.spec.nfs.server}:${pv.spec.nfs.path}`;
      const scName = claimSpec?.storageClassName;
      const sc = scName ? classes.get(scName) : scName === undefined ? defaultClass : undefined;
      if (sc && NFS_PROVISIONER.test(String(sc.provisioner ?? ''))) return `StorageClass ${sc.metadata.name} (provisioner ${sc.provisioner})`;
      return undefined;
    };

    const out: AnalysisViolation[] = [];
    for (const p of podTemplates(ctx)) {
      const volumes = new Map<string, any>(list(p.spec.volumes).map((v: any) => [v?.name, v]));
      const templates = new Map<string, any>(p.manifest.kind === 'StatefulSet' ? list(p.manifest.spec?.volumeClaimTemplates).map((t: any) => [t?.metadata?.name, t]) : []);
      for (const { container, list: which } of allContainers(p.spec)) {
        if (which !== 'containers' || !isMinioServer(container?.image)) continue;
        const { paths, isServer } = dataPaths(container);
        if (!isServer) continue;
        const where = `${describe(p.manifest)}, container "${container.name}"`;
        if (paths.length === 0) {
          out.push({ target: p.record, message: `${where} runs \`minio server\` with no drive path (args nor MINIO_VOLUMES), so MinIO has no drive to serve` });
          continue;
        }
        for (const dir of paths.flatMap(localDirs)) {
          const mounts = list(container.volumeMounts).filter((vm: any) => typeof vm?.mountPath === 'string'
            && (dir === vm.mountPath.replace(/\/+$/, '') || dir.startsWith(`${vm.mountPath.replace(/\/+$/, '')}/`) || vm.mountPath === '/'));
          const mount = mounts.sort((a: any, b: any) => b.mountPath.length - a.mountPath.length)[0];
          if (!mount) {
            out.push({ target: p.record, message: `${where} keeps its drive ${dir} on the container's own filesystem: every restart loses the backups on it` });
            continue;
          }
          const vol = volumes.get(mount.name);
          const tpl = templates.get(mount.name);
          let problem: string | undefined;
          if (vol?.emptyDir) problem = `on emptyDir volume "${mount.name}": the backups are lost whenever the pod is rescheduled`;
          else if (vol?.nfs) problem = `on NFS (${vol.nfs.server}:${vol.nfs.path})`;
          else if (vol?.persistentVolumeClaim?.claimName) {
            const claim = claims.get(`${p.namespace}/${vol.persistentVolumeClaim.claimName}`);
            const nfs = claim ? nfsOfClaim(claim.spec) : undefined;
            if (nfs) problem = `on NFS (claim ${vol.persistentVolumeClaim.claimName}: ${nfs})`;
          } else if (tpl) {
            const nfs = nfsOfClaim(tpl.spec);
            if (nfs) problem = `on NFS (volumeClaimTemplate ${mount.name}: ${nfs})`;
          }
          if (!problem) continue;
          out.push({
            target: p.record,
            message: problem.startsWith('on NFS')
              ? `${where} keeps its drive ${dir} ${problem}; MinIO does not support NFS drives, takes the drive offline and then fails every listing with "listPathRaw: 0 drives provided"`
              : `${where} keeps its drive ${dir} ${problem}`,
          });
        }
      }
    }
    return out;
  },
};
