// Velero backups: the server, storage locations with provider presets, schedules, ladders.
export * from './velero';
export * from './backup-storage-location';
export * from './volume-snapshot-location';
export * from './volume-policy';
export * from './backup-schedule';
export * from './backup-ladder';
