import { Construct } from 'constructs';
import { AppWorkload, Cluster, ExternalService, Images, Namespace, Probe, imageReference, k8s } from '../../lib';
import { apiAccessExemption, resources } from './shapes';

/** ClusterRoles the Tekton Triggers release installs for EventListener service accounts. */
const TRIGGERS_ROLES = { namespaced: 'tekton-triggers-eventlistener-roles', cluster: 'tekton-triggers-eventlistener-clusterroles' };

/**
 * `cortex-cicd` (ArgoCD app cortex-cicd): the GitHub webhook EventListener of the Tekton
 * pipelines that build the cortex images.
 *
 * Tekton itself (Pipelines, Triggers, the interceptors) is installed outside cortex-gitops, and
 * its custom resources (Pipelines, Tasks, TriggerTemplate, the EventListener) need CRDs this
 * project does not vendor, so they and the two RWX cache claims their TaskRuns mount are left
 * out; the listener's sink Deployment, which the real repo committed as an exported object, is
 * kept with the roles the Triggers release provides for listeners.
 */
export class CortexCicdNamespace extends Namespace {
  constructor(scope: Construct) {
    super(scope, 'cortex-cicd', { labels: { 'app.kubernetes.io/part-of': 'cortex' } });
    const listener = new AppWorkload(this, 'el-github-webhook-listener', {
      image: imageReference(Images.tektonEventListenerSink),
      resources: resources('25m', '64Mi', '128Mi'),
      ports: [{ name: 'http-listener', port: 8080 }, { name: 'metrics', port: 9000 }],
      probes: { startup: Probe.httpGet('/live'), readiness: Probe.httpGet('/live'), liveness: Probe.tcpSocket() },
      args: ['--el-name=github-webhook-listener', '--el-namespace=cortex-cicd', '--port=8080', '--is-multi-ns=false'],
      apiAccess: true,
      exemptions: apiAccessExemption('reads its EventListener and creates PipelineRuns (the Tekton Triggers listener roles)'),
      component: 'eventlistener',
      partOf: 'tekton',
    });
    listener.connectTo(ExternalService.fromProfile(this, 'tekton-pipelines', 'tekton-triggers-core-interceptors'), 8443);
    new k8s.KubeRoleBinding(listener, 'TriggersRoleBinding', {
      metadata: { name: `${listener.name}-triggers` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: TRIGGERS_ROLES.namespaced },
      subjects: [{ kind: 'ServiceAccount', name: listener.name, namespace: this.name }],
    });
    const cluster = Cluster.of(this)!;
    new k8s.KubeClusterRoleBinding(cluster.clusterChart, 'ClusterRoleBinding-cortex-cicd-el-github-webhook-listener', {
      metadata: { name: 'cortex-cicd-el-github-webhook-listener' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: TRIGGERS_ROLES.cluster },
      subjects: [{ kind: 'ServiceAccount', name: listener.name, namespace: this.name }],
    });
  }
}
