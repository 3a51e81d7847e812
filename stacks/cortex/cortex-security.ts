import { Construct } from 'constructs';
import { AppVolume, AppWorkload, EnvValue, Images, Namespace, Probe, imageReference } from '../../lib';
import { redisServer, resources } from './shapes';

/**
 * `cortex-security` (ArgoCD app cortex-security): Falcosidekick and its web UI, a Trivy server,
 * and the Redis the UI keeps its events in.
 *
 * What differs from the real cluster: Falcosidekick and the UI had no resources at all; Trivy was
 * `aquasec/trivy:latest`; the Redis PDB (`minAvailable: 1` on one replica) blocked drains; trivy
 * and redis broke the namespace's LimitRange. The UI's login comes from a Secret, and its Redis is
 * Redis Stack (the UI needs RediSearch; plain Redis would make it fail at start).
 */
export class CortexSecurityNamespace extends Namespace {
  constructor(scope: Construct) {
    super(scope, 'cortex-security', { labels: { 'app.kubernetes.io/part-of': 'cortex' } });

    const redis = redisServer(this, 'redis', { resources: resources('50m', '128Mi', '256Mi'), redisStack: true });

    const ui = new AppWorkload(this, 'falcosidekick-ui', {
      image: imageReference(Images.falcosidekickUi),
      resources: resources('25m', '64Mi', '128Mi'),
      security: { runAsUser: 1234, runAsGroup: 1234 },
      ports: [{ name: 'http', port: 2802 }],
      healthCheck: Probe.httpGet('/api/v1/healthz'),
      args: ['-r', '$(REDIS_HOST):$(REDIS_PORT)'],
      env: {
        REDIS_HOST: EnvValue.serviceHost(redis),
        REDIS_PORT: EnvValue.servicePort(redis, 'redis'),
        FALCOSIDEKICK_UI_USER: EnvValue.fromSecret('falcosidekick-ui', 'user'),
        FALCOSIDEKICK_UI_TTL: '7d',
      },
      component: 'falcosidekick-ui',
      partOf: 'falco',
    });

    new AppWorkload(this, 'falco-falcosidekick', {
      image: imageReference(Images.falcosidekick),
      resources: resources('25m', '32Mi', '64Mi'),
      security: { runAsUser: 1234, runAsGroup: 1234 },
      ports: [{ name: 'http', port: 2801 }],
      healthCheck: Probe.httpGet('/ping'),
      env: { WEBUI_URL: EnvValue.serviceUrl(ui) },
      component: 'falcosidekick',
      partOf: 'falco',
    });

    new AppWorkload(this, 'trivy-server', {
      image: imageReference(Images.trivy),
      resources: resources('100m', '256Mi', '1Gi'),
      ports: [{ name: 'http', port: 4954 }],
      healthCheck: Probe.httpGet('/healthz'),
      args: ['server', '--listen', '0.0.0.0:4954', '--cache-dir', '/cache'],
      // the vulnerability database is downloaded from ghcr.io at start and refreshed
      internetEgress: true,
      volumes: { cache: { mountPath: '/cache', source: AppVolume.emptyDir({ sizeLimit: '2Gi' }) } },
      partOf: 'cortex',
    });
  }
}
