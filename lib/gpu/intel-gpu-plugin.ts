import { Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { ValidationError, show } from '../core/errors';
import { DEVICE_PLUGIN_SOCKET_DIR, GpuResources } from '../core/gpu';
import { recommendedLabels } from '../core/labels';
import { validateDnsLabel } from '../core/names';
import { ClusterProfile, GpuVendor, tolerationsFor } from '../core/profile';
import { markAppBoundary, uniqueId } from '../core/tree';
import { Charts, Images, imageReference, parseImageReference } from '../core/versions';
import { UpstreamChart } from '../gitops/upstream-chart';
import { GpuDevicePlugin, GpuDevicePluginSpecPreferredAllocationPolicy, GpuDevicePluginSpecTolerations } from '../imports/deviceplugin.intel.com';
import { GpuOffer, IGpuOfferSource, gpuFacts, registerGpuOffers } from './sharing';

/** The label Intel's Node Feature Discovery rule puts on nodes with an Intel GPU. */
export const INTEL_GPU_NODE_LABEL = 'intel.feature.node.kubernetes.io/gpu';

/** How the plugin picks among several GPUs of a node for shared requests. */
export enum IntelGpuAllocationPolicy {
  /** Upstream default. */
  NONE = 'none',
  /** Spread containers over the GPUs. */
  BALANCED = 'balanced',
  /** Fill one GPU before the next. */
  PACKED = 'packed',
}

/** Props of {@link IntelGpuPlugin}. */
export interface IntelGpuPluginProps {
  /**
   * Containers that may share one GPU (`sharedDevNum`). QuickSync transcodes share an iGPU well;
   * the homelab gave each OptiPlex 10.
   * @default 1 (upstream: one container per GPU)
   */
  readonly sharedDevNum?: number;
  /** Where the plugin runs. @default { 'intel.feature.node.kubernetes.io/gpu': 'true' } (set by Node Feature Discovery) */
  readonly nodeSelector?: Record<string, string>;
  /** Only with sharedDevNum > 1 (the operator's webhook refuses it otherwise). @default IntelGpuAllocationPolicy.NONE */
  readonly allocationPolicy?: IntelGpuAllocationPolicy;
  /** Plugin log verbosity. @default 2 */
  readonly logLevel?: number;
  /** The plugin image; the operator refuses images older than itself. @default imageReference(Images.intelGpuPlugin) */
  readonly image?: string;
  /** Releases the operator needs first: cert-manager, which issues its webhook certificate. @default [] */
  readonly dependsOn?: UpstreamChart[];
}

/**
 * Intel GPU sharing for QuickSync: the Intel device plugins operator from its upstream chart (it
 * installs the `deviceplugin.intel.com` CRDs and needs cert-manager for its webhook) and a
 * `GpuDevicePlugin` in its own app, ordered after the operator, that runs the GPU plugin on the
 * nodes Node Feature Discovery labels `intel.feature.node.kubernetes.io/gpu=true`, with
 * `sharedDevNum` containers per GPU.
 *
 * The operator's plugin DaemonSet mounts `/var/lib/kubelet/device-plugins`, a path the CR cannot
 * change, so a profile with another kubelet root dir is refused (the homelab ran a privileged
 * DaemonSet that symlinked the kubelet socket between the two directories, and a `volume:`
 * field in the CR that the API server silently pruned).
 *
 * Refused: sharedDevNum below 1, an allocation policy without sharing, a node selector that
 * matches no node with an Intel GPU or matches a node without one, a plugin image older than the
 * operator, a kubelet root dir other than `/var/lib/kubelet`.
 */
export class IntelGpuPlugin extends Construct implements IGpuOfferSource {
  public readonly vendor = GpuVendor.INTEL;
  public readonly name: string;
  public readonly sharedDevNum: number;
  /** What each Intel GPU node advertises. */
  public readonly offers: readonly GpuOffer[];
  /** The operator release. */
  public readonly operator: UpstreamChart;
  /** The custom resource. */
  public readonly gpuDevicePlugin: GpuDevicePlugin;

  constructor(scope: Construct, id: string, props: IntelGpuPluginProps = {}) {
    super(scope, uniqueId(scope, id));
    this.name = ValidationError.within(this, 'id', () => validateDnsLabel(id, 52));
    if (!Chart.of(this).namespace) {
      throw new ValidationError(this, { prop: 'scope', value: scope.node.path, rule: 'the operator is installed into a Namespace', fix: "create it inside a Namespace: `new IntelGpuPlugin(new Namespace(cluster, 'intel-device-plugins', { podSecurity: 'privileged' }), 'intel-gpu-plugin')`" });
    }
    const profile = ClusterProfile.of(this);
    markAppBoundary(this, this.name);
    if (`${profile.kubeletRootDir}/device-plugins` !== DEVICE_PLUGIN_SOCKET_DIR) {
      throw new ValidationError(this, {
        prop: 'profile.kubeletRootDir', value: profile.kubeletRootDir,
        rule: `the operator's GPU plugin DaemonSet mounts ${DEVICE_PLUGIN_SOCKET_DIR} and the GpuDevicePlugin cannot change it, so the plugin would register with no kubelet`,
        fix: 'run the kubelet with its default root dir (K3s uses /var/lib/kubelet since v0.10); do not symlink the sockets with a privileged DaemonSet as the homelab did',
      });
    }

    this.sharedDevNum = props.sharedDevNum ?? 1;
    if (!Number.isInteger(this.sharedDevNum) || this.sharedDevNum < 1) {
      throw new ValidationError(this, { prop: 'sharedDevNum', value: props.sharedDevNum, rule: 'a whole number of at least 1 (containers per GPU)', fix: 'use 1 for a GPU per container, or e.g. 10 to let transcodes share an iGPU' });
    }
    const policy = props.allocationPolicy ?? IntelGpuAllocationPolicy.NONE;
    if (!Object.values(IntelGpuAllocationPolicy).includes(policy)) {
      throw new ValidationError(this, { prop: 'allocationPolicy', value: props.allocationPolicy, rule: 'unknown allocation policy', fix: 'use IntelGpuAllocationPolicy.NONE, BALANCED or PACKED' });
    }
    if (policy !== IntelGpuAllocationPolicy.NONE && this.sharedDevNum === 1) {
      throw new ValidationError(this, { prop: 'allocationPolicy', value: policy, rule: 'an allocation policy only applies to shared GPUs (the operator\'s webhook refuses it with sharedDevNum 1)', fix: 'set sharedDevNum above 1, or leave allocationPolicy out' });
    }
    const logLevel = props.logLevel ?? 2;
    if (!Number.isInteger(logLevel) || logLevel < 0) {
      throw new ValidationError(this, { prop: 'logLevel', value: props.logLevel, rule: 'a log level is a whole number of at least 0', fix: 'use e.g. 2' });
    }
    const image = props.image ?? imageReference(Images.intelGpuPlugin);
    const imageVersion = parseImageReference(image).tag ?? '';
    if (!parseImageReference(image).repository.endsWith('/intel-gpu-plugin') || compareVersions(imageVersion, Charts.intelDevicePluginsOperator.version) < 0) {
      throw new ValidationError(this, {
        prop: 'image', value: image,
        rule: `the operator (chart ${Charts.intelDevicePluginsOperator.version}) accepts only an intel-gpu-plugin image of its own version or newer`,
        fix: `use ${show(`docker.io/intel/intel-gpu-plugin:${Charts.intelDevicePluginsOperator.version}`)} (keep Images.intelGpuPlugin and Charts.intelDevicePluginsOperator in step)`,
      });
    }

    const nodeSelector = props.nodeSelector ?? { [INTEL_GPU_NODE_LABEL]: 'true' };
    const selected = profile.nodesWithLabels(nodeSelector);
    const withGpu = selected.filter((n) => n.gpuCount(GpuVendor.INTEL) > 0);
    if (withGpu.length === 0) {
      const intelNodes = profile.nodes.filter((n) => n.gpuCount(GpuVendor.INTEL) > 0).map((n) => n.name);
      throw new ValidationError(this, {
        prop: 'nodeSelector', value: nodeSelector,
        rule: `no node with an Intel GPU carries these labels in the ${profile.name} profile${intelNodes.length ? ` (Intel GPUs are on ${intelNodes.join(', ')})` : ' (no node has an Intel GPU)'}, so the plugin would run nowhere`,
        fix: intelNodes.length ? 'record the labels Node Feature Discovery sets on those nodes in the profile, or change the selector' : 'add the GPU to the node\'s gpus in the profile (vendor GpuVendor.INTEL)',
      });
    }
    const without = selected.find((n) => n.gpuCount(GpuVendor.INTEL) === 0);
    if (without) {
      throw new ValidationError(this, {
        prop: 'nodeSelector', value: nodeSelector,
        rule: `node ${without.name} matches the selector but has no Intel GPU in the profile`,
        fix: `add the GPU to ${without.name}'s gpus in the profile, or narrow the selector`,
      });
    }
    this.offers = withGpu.map((n) => ({ ...gpuFacts(n, GpuVendor.INTEL), resourceName: GpuResources.INTEL_I915, sharedBy: this.sharedDevNum }));

    const tolerations: GpuDevicePluginSpecTolerations[] = [];
    tolerations.push(...tolerationsFor(withGpu, tolerations));

    this.operator = new UpstreamChart(this, 'Operator', {
      chart: Charts.intelDevicePluginsOperator,
      releaseName: 'intel-device-plugins-operator',
      providesApiGroups: ['deviceplugin.intel.com'],
      dependsOn: props.dependsOn,
      values: {
        manager: { devices: { gpu: true } },
        resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
      },
      // the manager (values above) and its kube-rbac-proxy sidecar, which the chart leaves to the
      // namespace's LimitRange defaults (50m/64Mi, limit 256Mi); per node: the GPU plugin pod the
      // operator creates, also on LimitRange defaults
      footprint: { cpu: '100m', memory: '128Mi', memoryLimit: '384Mi', pods: 1, perNode: { cpu: '50m', memory: '64Mi', memoryLimit: '256Mi' } },
    });

    this.gpuDevicePlugin = new GpuDevicePlugin(this, 'Resource', {
      metadata: { name: this.name, labels: recommendedLabels({ name: this.name, component: 'device-plugin', partOf: 'intel-gpu', version: imageVersion }) },
      spec: {
        image,
        sharedDevNum: this.sharedDevNum,
        logLevel,
        nodeSelector: { ...nodeSelector },
        ...(policy !== IntelGpuAllocationPolicy.NONE ? { preferredAllocationPolicy: policy as unknown as GpuDevicePluginSpecPreferredAllocationPolicy } : {}),
        ...(tolerations.length ? { tolerations } : {}),
      },
    });
    // cluster-scoped: the enclosing Namespace chart must not stamp its namespace on it
    this.gpuDevicePlugin.addJsonPatch(JsonPatch.remove('/metadata/namespace'));

    registerGpuOffers(this, this);
  }

  /** Construct path (for messages). */
  public get path(): string {
    return this.node.path;
  }
}

/** Compares dotted numeric versions (`0.36.0` vs `0.34.1`); non-numeric parts count as 0. */
function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split(/[.-]/).map((x) => Number(x) || 0);
  const pb = b.replace(/^v/, '').split(/[.-]/).map((x) => Number(x) || 0);
  for (let i = 0; i < 3; i++) {
    if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  }
  return 0;
}
