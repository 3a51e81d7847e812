import { Construct } from 'constructs';
import { AppWorkload, Criticality, EnvValue, ExternalService, ImageRef, Images, Namespace, imageReference } from '../../lib';
import { HEALTH, HTTP_8080, resources } from './shapes';

/**
 * `cortex-metrics`: the metrics collector, the metrics exporter and the report generator. The
 * namespace is not in cortex-gitops (seed-repos §2.1: all three CrashLooping); seed 000 scaled the
 * exporter (395 restarts over 33h) and the report generator (395) to 0. All three are kept,
 * optional, at the replicas the seed left them (the collector at 1), so they are preempted first
 * and never starve the services that work.
 */
export class CortexMetricsNamespace extends Namespace {
  constructor(scope: Construct) {
    super(scope, 'cortex-metrics', { labels: { 'app.kubernetes.io/part-of': 'cortex' } });
    const prometheus = { PROMETHEUS_URL: EnvValue.serviceUrl(ExternalService.fromProfile(this, 'monitoring', 'prometheus')) };
    const app = (id: string, image: ImageRef, replicas: number) => new AppWorkload(this, id, {
      image: imageReference(image),
      replicas,
      criticality: Criticality.OPTIONAL,
      resources: resources('50m', '128Mi', '256Mi'),
      ports: HTTP_8080,
      healthCheck: HEALTH,
      env: { ...prometheus },
      component: 'metrics',
      partOf: 'cortex',
    });
    app('cortex-metrics-collector', Images.cortexMetricsCollector, 1);
    app('cortex-metrics-exporter', Images.cortexMetricsExporter, 0);
    app('cortex-report-generator', Images.cortexReportGenerator, 0);
  }
}
