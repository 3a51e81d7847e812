// networking patterns: routes on the cluster gateway, their auth declaration, split-horizon DNS.
export * from './gateway-source';
export * from './route-auth';
export * from './app-route';
export * from './split-horizon-dns';
