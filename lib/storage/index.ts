export * from './nfs-volume';
export * from './longhorn';
export * from './longhorn-recurring-job';
export * from './longhorn-storage-tier';
