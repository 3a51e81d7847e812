import { VELERO_FACTS, veleroHas } from '../../../core/velero-facts';
import { helmReleaseOf } from '../../helm';
import { Manifest, PolicyContext, PolicyRule, RuleLevel, RuleViolation } from '../../rule';
import { isVelero, veleroInstall } from './_shared';

const SINCE_KEY = VELERO_FACTS.checksumAlgorithmKey.since;

/** The store behind a location config: Backblaze B2 or Ceph RGW (which reject CRC32 checksums), else other. */
function storeKind(config: any, labels: Record<string, string> | undefined): 'backblaze-b2' | 'ceph-rgw' | undefined {
  const label = labels?.['hardened-homelab.io/backup-target-kind'];
  if (label === 'backblaze-b2' || label === 'ceph-rgw') return label;
  const url = String(config?.s3Url ?? '');
  if (/backblazeb2\.com/.test(url)) return 'backblaze-b2';
  if (/\brgw\b|-rgw[-.]|ceph/.test(url)) return 'ceph-rgw';
  return undefined;
}

function judge(config: any, labels: Record<string, string> | undefined, where: string, ctx: PolicyContext): RuleViolation[] {
  const plugin = veleroInstall(ctx).awsPluginVersion;
  const hasKey = config && typeof config === 'object' && Object.prototype.hasOwnProperty.call(config, 'checksumAlgorithm');
  if (hasKey && !veleroHas('checksumAlgorithmKey', plugin)) {
    return [{
      message: `${where} sets checksumAlgorithm, which velero-plugin-for-aws ${plugin} does not know ("config has invalid keys"), so the location is unavailable`,
      fix: `remove checksumAlgorithm, or use plugin ${SINCE_KEY} or later`,
    }];
  }
  const kind = storeKind(config, labels);
  if (!kind || !veleroHas('crc32Checksums', plugin)) return [];
  if (!veleroHas('checksumAlgorithmKey', plugin)) {
    return [{ message: `${where} is a ${kind} store, which rejects the CRC32 checksums velero-plugin-for-aws ${plugin} sends, and this plugin cannot turn them off`, fix: `use plugin ${SINCE_KEY} or later and set checksumAlgorithm: ""` }];
  }
  if (hasKey && config.checksumAlgorithm === '') return [];
  return [{
    message: `${where} is a ${kind} store without checksumAlgorithm: "", so velero-plugin-for-aws ${plugin} sends CRC32 checksum headers the store rejects (XAmzContentSHA256Mismatch) and uploads fail`,
    fix: 'set config.checksumAlgorithm: "" on the location',
  }];
}

/** HK-BAK-08: `checksumAlgorithm` matches the store and the AWS plugin version. */
export const checksumAlgorithmRule: PolicyRule = {
  id: 'HK-BAK-08',
  level: RuleLevel.ERROR,
  title: 'Backblaze B2 and Ceph RGW locations disable the CRC32 checksum, and only plugins that know the key get it',
  explanation: 'velero-plugin-for-aws sends CRC32 checksum headers since 1.9.1, which Backblaze B2 and Ceph RGW reject; from 1.9.2 '
    + '`checksumAlgorithm: ""` turns them off, while older plugins refuse the key ("config has invalid keys"). The homelab (seed 003) '
    + 'pinned plugin 1.8.2 "for B2 compatibility" instead.',
  fix: 'with plugin 1.9.2 or later set checksumAlgorithm: "" on B2 and Ceph RGW locations; with older plugins leave the key out',
  check(m: Manifest, ctx) {
    if (isVelero(m, 'BackupStorageLocation')) return judge(m.spec?.config, m.metadata?.labels, `spec.config of BackupStorageLocation ${m.metadata.name}`, ctx);
    const hr = helmReleaseOf(m);
    if (!hr || hr.chart !== 'velero') return [];
    const entries = (hr.values as any).configuration?.backupStorageLocation;
    const arr: any[] = Array.isArray(entries) ? entries : entries && typeof entries === 'object' ? [entries] : [];
    return arr.flatMap((e, i) => judge(e?.config, undefined, `chart value configuration.backupStorageLocation[${i}].config`, ctx));
  },
};
