export * from './errors';
export * from './quantity';
export * from './names';
export * from './labels';
export * from './versions';
export * from './profile';
export * from './tree';
export * from './exemptions';
