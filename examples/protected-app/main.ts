import { Construct } from 'constructs';
import {
  AppSize, AppWorkload, Cluster, Distro, IdentityProviderKind, Namespace, OAuth2Proxy, Probe, SplitHorizonDns,
} from '../../lib';

/**
 * Prometheus, which has no login of its own, published at https://prometheus.lab.example.net
 * behind an OAuth2-proxy front on Authentik: the seed 003 incident ("Prometheus exposed without
 * authentication") done right. The front's issuer keeps Authentik's trailing slash, its secrets
 * come from a Secret, and split-horizon DNS lets it reach authentik.lab.example.net through the
 * gateway from inside the cluster.
 */
export function buildProtectedApp(scope: Construct): Cluster {
  const cluster = new Cluster(scope, 'example', {
    profile: {
      distro: Distro.K3S,
      version: 'v1.32.5+k3s1',
      nodes: [
        { name: 'node-a', allocatable: { cpu: '4', memory: '7Gi' } },
        { name: 'node-b', allocatable: { cpu: '4', memory: '7Gi' } },
      ],
      domain: 'lab.example.net',
      gateway: { name: 'main-gateway', namespace: 'networking', sectionName: 'https', ip: '192.168.1.240', cidr: '192.168.1.0/24' },
      identityProvider: { kind: IdentityProviderKind.AUTHENTIK, host: 'authentik.lab.example.net' },
    },
  });
  const ns = new Namespace(cluster, 'metrics');
  const prometheus = new AppWorkload(ns, 'prometheus', {
    image: 'quay.io/prometheus/prometheus:v2.54.1',
    size: AppSize.LARGE,
    ports: [{ name: 'http', port: 9090 }],
    probes: { readiness: Probe.httpGet('/-/ready'), liveness: Probe.httpGet('/-/healthy') },
    writablePaths: ['/prometheus'],
  });
  new OAuth2Proxy(ns, 'PrometheusFront', {
    name: 'prometheus',
    upstream: prometheus,
    secret: { name: 'prometheus-oauth2-proxy' },
    allowedGroups: ['admins'],
  });
  new SplitHorizonDns(cluster);
  return cluster;
}
