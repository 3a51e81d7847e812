// security patterns: constructs are exported here as they land.
export {};
