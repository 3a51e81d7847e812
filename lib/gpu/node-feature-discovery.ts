import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ValidationError } from '../core/errors';
import { uniqueId } from '../core/tree';
import { validateDnsLabel } from '../core/names';
import { ClusterProfile, GpuVendor, TolerationSpec, tolerationsFor } from '../core/profile';
import { Charts } from '../core/versions';
import { UpstreamChart } from '../gitops/upstream-chart';
import { INTEL_GPU_NODE_LABEL } from './intel-gpu-plugin';

/** Props of {@link NodeFeatureDiscovery}. */
export interface NodeFeatureDiscoveryProps {
  /**
   * Add a worker rule that labels nodes with an Intel display controller and the i915 or xe
   * driver loaded `intel.feature.node.kubernetes.io/gpu=true`, the label the Intel GPU plugin
   * selects (Intel ships the rule as a NodeFeatureRule; here it is part of the worker config).
   * @default true
   */
  readonly intelGpuRule?: boolean;
  /** Releases that must be ready first. @default [] */
  readonly dependsOn?: UpstreamChart[];
}

/**
 * Node Feature Discovery from its upstream chart: master, garbage collector and a worker on every
 * node of the profile (their taints tolerated), with explicit requests and limits so the pods fit
 * a hardened namespace's LimitRange (the chart's worker asks 64Mi and allows 512Mi, a ratio of 8),
 * and a rule that labels Intel GPU nodes for the Intel GPU plugin.
 *
 * Its labels are node facts the library cannot render: record the ones the stack relies on (e.g.
 * `intel.feature.node.kubernetes.io/gpu: "true"`) in the profile's node labels. With the Intel rule,
 * an Intel GPU node of the profile without that label is refused, so the profile and the cluster
 * cannot drift apart silently.
 */
export class NodeFeatureDiscovery extends Construct {
  /** The release. */
  public readonly release: UpstreamChart;

  constructor(scope: Construct, id: string, props: NodeFeatureDiscoveryProps = {}) {
    super(scope, uniqueId(scope, id));
    ValidationError.within(this, 'id', () => validateDnsLabel(id));
    if (!Chart.of(this).namespace) {
      throw new ValidationError(this, { prop: 'scope', value: scope.node.path, rule: 'the chart is installed into a Namespace', fix: "create it inside a Namespace: `new NodeFeatureDiscovery(new Namespace(cluster, 'node-feature-discovery', { podSecurity: 'privileged' }), 'node-feature-discovery')`" });
    }
    const profile = ClusterProfile.of(this);
    const intelRule = props.intelGpuRule ?? true;
    if (intelRule) {
      const unlabelled = profile.nodes.find((n) => n.gpuCount(GpuVendor.INTEL) > 0 && n.labels[INTEL_GPU_NODE_LABEL] !== 'true');
      if (unlabelled) {
        throw new ValidationError(this, {
          prop: `profile.nodes(${unlabelled.name}).labels`, value: unlabelled.labels,
          rule: `node ${unlabelled.name} has an Intel GPU, so Node Feature Discovery will label it ${INTEL_GPU_NODE_LABEL}=true, but the profile does not record that label`,
          fix: `add "${INTEL_GPU_NODE_LABEL}": "true" to ${unlabelled.name}'s labels in the profile`,
        });
      }
    }

    const tolerations: TolerationSpec[] = [];
    tolerations.push(...tolerationsFor(profile.nodes, tolerations));
    const resources = (cpu: string, memory: string, limit: string) => ({ requests: { cpu, memory }, limits: { memory: limit } });
    const workerConfig: Record<string, unknown> = { core: { sleepInterval: '60s' } };
    if (intelRule) {
      const display = { feature: 'pci.device', matchExpressions: { vendor: { op: 'In', value: ['8086'] }, class: { op: 'In', value: ['0300', '0380'] } } };
      workerConfig.sources = {
        custom: [{
          name: 'intel.gpu',
          labels: { [INTEL_GPU_NODE_LABEL]: 'true' },
          matchAny: [
            { matchFeatures: [display, { feature: 'kernel.loadedmodule', matchExpressions: { i915: { op: 'Exists' } } }] },
            { matchFeatures: [display, { feature: 'kernel.loadedmodule', matchExpressions: { xe: { op: 'Exists' } } }] },
          ],
        }],
      };
    }
    this.release = new UpstreamChart(this, 'Release', {
      chart: Charts.nodeFeatureDiscovery,
      releaseName: id,
      dependsOn: props.dependsOn,
      values: {
        master: { resources: resources('20m', '64Mi', '256Mi') },
        worker: { resources: resources('5m', '64Mi', '256Mi'), tolerations, config: workerConfig },
        gc: { resources: resources('10m', '64Mi', '256Mi') },
        topologyUpdater: { enable: false },
      },
      // master and garbage collector (one each), and a worker per node, as set in the values
      footprint: { cpu: '30m', memory: '128Mi', memoryLimit: '512Mi', pods: 2, perNode: { cpu: '5m', memory: '64Mi', memoryLimit: '256Mi' } },
    });
  }
}
