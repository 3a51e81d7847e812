export * from './nfs-volume';
