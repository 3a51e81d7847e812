export * from './engine-objects';
export * from './tree';
export * from './report';
export * from './write';
export * from './upstream-chart';
