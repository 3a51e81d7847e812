// OAuth2-proxy fronts for admin UIs (seed 003).
export * from './cookie-secret';
export * from './oauth2-proxy';
export * from './chart-upstreams';
