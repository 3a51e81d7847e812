import { PolicyRule } from '../../rule';
import { fsGroupChangePolicyRule } from './fsgroup-change-policy';
import { kubeletRootDirRule } from './kubelet-root-dir';
import { longhornDiskDirectoryRule } from './longhorn-disk-directories';
import { recurringJobReferencesRule } from './recurring-job-references';
import { replicasFitNodesRule } from './replicas-fit-nodes';
import { singleDefaultClassRule } from './single-default-class';
import { singleReplicaBackupRule } from './single-replica-backup';
import { tierCapacityRule } from './tier-capacity';
import { tierDiskSelectorRule } from './tier-disk-selector';

export * from './replicas-fit-nodes';
export * from './single-replica-backup';
export * from './recurring-job-references';
export * from './tier-capacity';
export * from './fsgroup-change-policy';
export * from './kubelet-root-dir';
export * from './single-default-class';
export * from './tier-disk-selector';
export * from './longhorn-disk-directories';
// for other areas' rules (e.g. backup coverage): how Longhorn binds volumes to recurring jobs
export {
  CHART_CLASS_NAME, claimsOf as storageClaimsOf, defaultClassName as defaultStorageClassName, longhornClasses, longhornRelease,
  recurringJobIndex, resolveJobs as resolveLonghornJobs, volumeJobSelection as longhornVolumeJobSelection,
} from './_shared';
// for the placement simulation (HK-X-04) and other areas: PersistentVolumes and where claims can bind
export { NO_PROVISIONER, claimPlacements, persistentVolumes } from './_volumes';
export type {
  ClaimPlacement, ClaimPlacements, PersistentVolumeIndex, StaticClaimPlacement, StaticVolume, StrictLocalClaimPlacement,
} from './_volumes';
export type {
  Claim as StorageClaim, ClaimIndex as StorageClaimIndex, JobSelection as LonghornJobSelection, LonghornClass, RecurringJobIndex, RecurringJobRef,
} from './_shared';

/**
 * Storage tiers: replicas vs nodes, backups of single replicas, job references, tier capacity, fsGroup, kubelet paths, default
 * class, tier disk selectors, Longhorn disk directories shared with other volumes.
 */
export const STORAGE_RULES: readonly PolicyRule[] = [
  replicasFitNodesRule, // HK-STO-01
  singleReplicaBackupRule, // HK-STO-02
  recurringJobReferencesRule, // HK-STO-03
  tierCapacityRule, // HK-STO-04
  fsGroupChangePolicyRule, // HK-STO-05
  kubeletRootDirRule, // HK-STO-06
  singleDefaultClassRule, // HK-STO-07
  tierDiskSelectorRule, // HK-STO-08
  longhornDiskDirectoryRule, // HK-STO-09
];
