import { Construct } from 'constructs';
import { AppWorkload, Criticality, EnvValue, ExternalService, Images, Namespace, Probe, imageReference } from '../../lib';
import { resources } from './shapes';

/**
 * `cortex-live`: the cluster TUI, which operators open with `kubectl exec` (apps/cortex-live,
 * which no Argo CD Application covered, so it drifted freely; here it is in the tree like every
 * other namespace).
 *
 * What differs from the real cluster: the `cortex-live-cli` DaemonSet that wrote a wrapper script
 * into every node's /usr/local/bin from a privileged container with host PID and a hostPath
 * mount is left out (installing a host binary is node provisioning, not a workload); the TUI's
 * PROMETHEUS_URL named `prometheus-server.cortex-system`, a Service that exists nowhere, and now
 * points at the declared Prometheus in `monitoring`; it is optional.
 */
export class CortexLiveNamespace extends Namespace {
  constructor(scope: Construct) {
    super(scope, 'cortex-live', { labels: { 'app.kubernetes.io/part-of': 'cortex' } });
    new AppWorkload(this, 'cortex-live', {
      image: imageReference(Images.cortexLive),
      criticality: Criticality.OPTIONAL,
      resources: resources('50m', '128Mi', '256Mi'),
      command: ['python', '-m', 'cortex_live'],
      // no port: the probe checks that the TUI's package imports, without calling Prometheus
      probes: { readiness: Probe.exec(['python', '-c', 'import cortex_live']) },
      env: {
        PROMETHEUS_URL: EnvValue.serviceUrl(ExternalService.fromProfile(this, 'monitoring', 'prometheus')),
        PYTHONUNBUFFERED: '1',
      },
      security: { runAsUser: 1000, runAsGroup: 1000 },
      partOf: 'cortex',
    });
  }
}
