import { PolicyRule } from '../../rule';
import { adminUiAuthRule } from './admin-ui-auth';
import { adminUiNodePortRule } from './admin-ui-node-port';
import { chartExposureRule } from './chart-exposure';
import { dnsHairpinRule } from './dns-hairpin';
import { hostAliasesRule } from './host-aliases';
import { ingressBackendsRule } from './ingress-backends';
import { nodePortServicesRule } from './node-port-services';
import { oauth2ProxyConfigRule } from './oauth2-proxy-config';
import { proxyBypassRule } from './proxy-bypass';
import { routeAuthDeclaredRule } from './route-auth-declared';
import { routeReferencesRule } from './route-references';

export * from './route-auth-declared';
export * from './admin-ui-auth';
export * from './proxy-bypass';
export * from './chart-exposure';
export * from './oauth2-proxy-config';
export * from './dns-hairpin';
export * from './host-aliases';
export * from './route-references';
export * from './ingress-backends';
export * from './node-port-services';
export * from './admin-ui-node-port';
export { ADMIN_UIS, AUTH_PROXY_IMAGES } from './_shared';
export type { AdminUi } from './_shared';

/**
 * Exposure: every route declares its auth; admin UIs go through an auth proxy; the DNS hairpin is
 * solved once; routes and Ingresses reference what exists; nothing is published past the gateway.
 */
export const EXPOSURE_RULES: readonly PolicyRule[] = [
  routeAuthDeclaredRule, // HK-EXP-01 (+ the REPORT.md "Exposure" section)
  adminUiAuthRule, // HK-EXP-02
  proxyBypassRule, // HK-EXP-03
  chartExposureRule, // HK-EXP-04
  oauth2ProxyConfigRule, // HK-EXP-05
  dnsHairpinRule, // HK-EXP-06
  hostAliasesRule, // HK-EXP-07
  routeReferencesRule, // HK-EXP-08
  nodePortServicesRule, // HK-NET-05
  ingressBackendsRule, // HK-NET-07
  adminUiNodePortRule, // HK-NET-11
];
