import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Charts, Cluster, ClusterProfile, Namespace, UpstreamChart, markAppBoundary, requireSecret } from '../../lib';
import { Certificate, ClusterIssuer } from '../../lib/imports/cert-manager.io';
import { Gateway, GatewaySpecListenersAllowedRoutesNamespacesFrom, GatewaySpecListenersTlsMode } from '../../lib/imports/gateway.networking.k8s.io';
import GATEWAY_API_CRDS from './gateway-api-crds.json';

/**
 * The Gateway API v1.2.1 standard-channel CRDs (GatewayClass, Gateway, HTTPRoute,
 * ReferenceGrant), vendored as YAML in crds/gateway-api (see crds/SOURCES.md) and read from
 * their JSON form, which `node scripts/gateway-api-json.js` derives from the YAML (a test checks
 * the two agree): parsing the YAML took a fifth of a synth.
 */
function gatewayApiCrds(): any[] {
  return JSON.parse(JSON.stringify(GATEWAY_API_CRDS));
}

/** The Let's Encrypt ClusterIssuer every certificate uses. */
export const CLUSTER_ISSUER = 'letsencrypt-production';

/**
 * The homelab's network platform (seed-repos §1.4), fixed:
 *
 * - the Gateway API CRDs (standard channel) in the cluster folder, so they exist before Cilium
 *   and every HTTPRoute;
 * - Cilium (kube-system) with the Gateway API, L2 announcements, Hubble and K3s's CNI paths;
 * - cert-manager with its CRDs and Gateway API support, and the Let's Encrypt ClusterIssuers
 *   (DNS-01 through Cloudflare; the token is a Secret reference) in their own app, so they are
 *   applied after the chart that installs their CRD;
 * - the `main-gateway` Gateway in `networking` with the wildcard certificate.
 *
 * Cilium is the CNI: on a new cluster it is installed once by hand (or by K3s's HelmChart) with
 * these values, and the HelmRelease then adopts it.
 */
export class NetworkingPlatform extends Construct {
  /** The cert-manager release (the Intel device plugins operator's webhook needs it). */
  public readonly certManager: UpstreamChart;

  constructor(cluster: Cluster) {
    super(cluster, 'networking-platform');
    const profile = ClusterProfile.of(cluster);
    const domain = profile.domain!;
    const gw = profile.gateway!;

    for (const crd of gatewayApiCrds()) new ApiObject(cluster.clusterChart, `gateway-api-crd-${crd.metadata.name}`, crd);

    // Cilium lives in kube-system, which is not a Namespace of ours (K3s owns it)
    const kubeSystem = new Chart(cluster, 'kube-system', { namespace: 'kube-system', disableResourceNameHashes: true });
    new UpstreamChart(kubeSystem, 'cilium', {
      chart: Charts.cilium,
      providesApiGroups: ['cilium.io'],
      values: {
        kubeProxyReplacement: true,
        // K3s keeps its CNI binaries and config here (not the kubelet dir)
        cni: { binPath: '/var/lib/rancher/k3s/data/current/bin', confPath: '/var/lib/rancher/k3s/agent/etc/cni/net.d' },
        ipam: { mode: 'cluster-pool', operator: { clusterPoolIPv4PodCIDRList: ['10.42.0.0/16'] } },
        gatewayAPI: { enabled: true },
        l2announcements: { enabled: true },
        externalIPs: { enabled: true },
        loadBalancer: { l7: { backend: 'envoy' } },
        hubble: { relay: { enabled: true }, ui: { enabled: true } },
        operator: { replicas: 1 },
      },
      footprint: {
        cpu: '150m', memory: '384Mi', memoryLimit: '768Mi', pods: 3, // operator, hubble relay and UI
        perNode: { cpu: '200m', memory: '512Mi', memoryLimit: '1Gi' }, // agent + envoy
      },
    });

    const certManagerNs = new Namespace(cluster, 'cert-manager');
    const certManager = this.certManager = new UpstreamChart(certManagerNs, 'cert-manager', {
      chart: Charts.certManager,
      providesApiGroups: ['cert-manager.io', 'acme.cert-manager.io'],
      values: {
        crds: { enabled: true, keep: true },
        config: { apiVersion: 'controller.config.cert-manager.io/v1alpha1', kind: 'ControllerConfiguration', enableGatewayAPI: true },
        resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
        webhook: { timeoutSeconds: 30, resources: { requests: { cpu: '25m', memory: '64Mi' }, limits: { memory: '128Mi' } } },
        cainjector: { resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } } },
      },
      footprint: { cpu: '125m', memory: '320Mi', memoryLimit: '640Mi', pods: 3 },
    });
    requireSecret(certManager, { name: 'cloudflare-api-token', keys: { 'api-token': { description: 'Cloudflare API token with Zone:DNS:Edit on the domain' } } });

    // ClusterIssuers are cert-manager.io objects: their own app, after the chart
    const issuers = new Construct(certManagerNs, 'cluster-issuers');
    markAppBoundary(issuers, 'cluster-issuers');
    for (const [name, server] of [
      ['letsencrypt-staging', 'https://acme-staging-v02.api.letsencrypt.org/directory'],
      [CLUSTER_ISSUER, 'https://acme-v02.api.letsencrypt.org/directory'],
    ]) {
      new ClusterIssuer(issuers, name, {
        metadata: { name },
        spec: {
          acme: {
            server,
            email: `admin@${domain}`,
            privateKeySecretRef: { name: `${name}-account-key` },
            solvers: [{ dns01: { cloudflare: { apiTokenSecretRef: { name: 'cloudflare-api-token', key: 'api-token' } } } }],
          },
        },
      });
    }

    const networking = new Namespace(cluster, gw.namespace, { quota: { cpu: '100m', memory: '64Mi', memoryLimit: '64Mi' } });
    const gateway = new Construct(networking, gw.name);
    markAppBoundary(gateway, gw.name);
    const tlsSecret = `wildcard-${domain.replace(/\./g, '-')}-tls`;
    new Certificate(gateway, 'wildcard', {
      metadata: { name: `wildcard-${domain.replace(/\./g, '-')}` },
      spec: { secretName: tlsSecret, dnsNames: [domain, `*.${domain}`], issuerRef: { kind: 'ClusterIssuer', name: CLUSTER_ISSUER } },
    });
    new Gateway(gateway, 'gateway', {
      metadata: { name: gw.name },
      spec: {
        gatewayClassName: 'cilium',
        infrastructure: gw.ip ? { annotations: { 'io.cilium/lb-ipam-ips': gw.ip } } : undefined,
        listeners: [{
          name: gw.sectionName,
          protocol: 'HTTPS',
          port: 443,
          hostname: `*.${domain}`,
          tls: { mode: GatewaySpecListenersTlsMode.TERMINATE, certificateRefs: [{ kind: 'Secret', name: tlsSecret }] },
          allowedRoutes: { namespaces: { from: GatewaySpecListenersAllowedRoutesNamespacesFrom.ALL } },
        }],
      },
    });
  }
}
