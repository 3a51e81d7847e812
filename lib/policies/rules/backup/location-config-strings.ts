import { helmReleaseOf } from '../../helm';
import { PolicyRule, RuleLevel, RuleViolation } from '../../rule';
import { isVelero } from './_shared';

function nonStrings(config: unknown, where: string, what: string): RuleViolation[] {
  if (config === undefined || config === null) return [];
  if (typeof config !== 'object' || Array.isArray(config)) {
    return [{ message: `${where} is not a map of strings, so the ${what} is rejected`, fix: 'write config as key: "value" pairs' }];
  }
  return Object.entries(config as Record<string, unknown>)
    .filter(([, v]) => typeof v !== 'string')
    .map(([k, v]) => ({
      message: `${where}.${k} is a ${v === null ? 'null' : typeof v} (${JSON.stringify(v)}), but the ${what}'s config is a string map, so applying it fails`,
      fix: `quote the value: ${k}: "${v === null ? '' : String(v)}"`,
    }));
}

/** HK-BAK-05: every config value of a BackupStorageLocation or VolumeSnapshotLocation is a string. */
export const locationConfigStringsRule: PolicyRule = {
  id: 'HK-BAK-05',
  level: RuleLevel.ERROR,
  title: 'BackupStorageLocation and VolumeSnapshotLocation config values are strings',
  explanation: 'The `config` of both CRDs is a map of strings. YAML turns `s3ForcePathStyle: true` or `insecureSkipTLSVerify: true` into '
    + 'booleans, and the API server rejects the object, or the Helm chart renders a location Velero cannot read. The seed cluster\'s '
    + 'locations carried s3ForcePathStyle for MinIO and B2.',
  fix: 'quote every config value, e.g. s3ForcePathStyle: "true"',
  check(m) {
    if (isVelero(m, 'BackupStorageLocation') || isVelero(m, 'VolumeSnapshotLocation')) {
      return nonStrings(m.spec?.config, 'spec.config', m.kind);
    }
    const hr = helmReleaseOf(m);
    if (!hr || hr.chart !== 'velero') return [];
    const out: RuleViolation[] = [];
    for (const k of ['backupStorageLocation', 'volumeSnapshotLocation']) {
      const entries = (hr.values as any).configuration?.[k];
      const arr = Array.isArray(entries) ? entries : entries && typeof entries === 'object' ? [entries] : [];
      arr.forEach((e: any, i: number) => out.push(...nonStrings(e?.config, `chart value configuration.${k}${Array.isArray(entries) ? `[${i}]` : ''}.config`, k === 'backupStorageLocation' ? 'BackupStorageLocation' : 'VolumeSnapshotLocation')));
    }
    return out;
  },
};
