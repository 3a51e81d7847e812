import { PolicyRule } from '../../rule';
import { backupCoverageRule } from './backup-coverage';
import { checksumAlgorithmRule } from './checksum-algorithm';
import { defaultLocationRule } from './default-location';
import { locationConfigStringsRule } from './location-config-strings';
import { minioDataPathRule } from './minio-data-path';
import { scheduleAlertsRule } from './schedule-alerts';
import { scheduleCronRule } from './schedule-cron';
import { scheduleLocationsRule } from './schedule-locations';
import { scheduleNamespacesRule } from './schedule-namespaces';
import { scheduleOverlapRule } from './schedule-overlap';
import { scheduleOwnerReferencesRule } from './schedule-owner-references';
import { scheduleTtlRule } from './schedule-ttl';
import { snapshotLocationProviderRule } from './snapshot-location-provider';

export * from './backup-coverage';
export * from './schedule-overlap';
export * from './schedule-ttl';
export * from './schedule-cron';
export * from './location-config-strings';
export * from './default-location';
export * from './schedule-locations';
export * from './checksum-algorithm';
export * from './minio-data-path';
export * from './schedule-owner-references';
export * from './schedule-namespaces';
export * from './schedule-alerts';
export * from './snapshot-location-provider';

/** Backups: coverage of every volume of data, Velero schedules, locations and backends, ordered by id. */
export const BACKUP_RULES: readonly PolicyRule[] = [
  backupCoverageRule, // HK-BAK-01
  scheduleOverlapRule, // HK-BAK-02
  scheduleTtlRule, // HK-BAK-03
  scheduleCronRule, // HK-BAK-04
  locationConfigStringsRule, // HK-BAK-05
  defaultLocationRule, // HK-BAK-06
  scheduleLocationsRule, // HK-BAK-07
  checksumAlgorithmRule, // HK-BAK-08
  minioDataPathRule, // HK-BAK-09
  scheduleOwnerReferencesRule, // HK-BAK-10
  scheduleNamespacesRule, // HK-BAK-11
  scheduleAlertsRule, // HK-BAK-12
  snapshotLocationProviderRule, // HK-BAK-13
];
