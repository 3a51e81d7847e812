// security patterns: constructs are exported here as they land.
export {};
export * from './vault';
export * from './oauth2-proxy';
