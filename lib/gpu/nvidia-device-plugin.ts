import { Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-29/lib/imports/k8s';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import { Cluster } from '../cluster/cluster';
import { ValidationError, show } from '../core/errors';
import { addExemption } from '../core/exemptions';
import { recommendedLabels, selectorLabels } from '../core/labels';
import { validateDnsLabel } from '../core/names';
import { DEVICE_PLUGIN_CONFIG_LABEL, DEVICE_PLUGIN_SOCKET_DIR, GpuResources, NVIDIA_RUNTIME_CLASS, qualifyNvidiaResource } from '../core/gpu';
import { ClusterProfile, GpuVendor } from '../core/profile';
import { markAppBoundary, uniqueId } from '../core/tree';
import { Images, imageReference, parseImageReference } from '../core/versions';
import { API_SERVER_PORTS, tcpPorts } from '../workloads/network-peer';
import { rootContainerSecurityContext } from '../workloads/security-context';
import { resourceRequirements } from '../workloads/size';
import { nvidiaNodeAgent } from './node-agent';
import { GpuOffer, IGpuOfferSource, gpuFacts, registerGpuOffers } from './sharing';

/** One resource of a sharing config. */
export interface SharedGpuResource {
  /** The resource to share. Only whole GPUs are time-sliced here (no MIG). @default 'nvidia.com/gpu' */
  readonly name?: string;
  /** Pods that share one physical GPU; at least 2 (the device plugin refuses fewer). */
  readonly replicas: number;
  /**
   * The name the shared replicas are advertised under, e.g. `nvidia.com/gpu.shared` (a bare
   * `gpu.shared` gets the `nvidia.com/` prefix, as in the device plugin).
   * @default - `<name>.shared` when renameByDefault, else the name itself
   */
  readonly rename?: string;
}

/** `sharing.timeSlicing` (or `sharing.mps`) of a device plugin config. */
export interface GpuSharingConfig {
  /** The shared resources; at least one. */
  readonly resources: SharedGpuResource[];
  /**
   * Advertise shared replicas as `<name>.shared`, so a pod asking for `nvidia.com/gpu` can never
   * land on a time-sliced GPU by accident. Apps with the `gpu` option follow the name.
   * @default false
   */
  readonly renameByDefault?: boolean;
  /**
   * Refuse pods that request more than one replica: extra replicas give no more GPU time or
   * memory, only fewer slices for others. Upstream's default is false; the real homelab left
   * it unset.
   * @default true
   */
  readonly failRequestsGreaterThanOne?: boolean;
}

/** One named device plugin config (a key of the configs ConfigMap). */
export interface DevicePluginConfig {
  /**
   * Nodes that use this config. Each must have an NVIDIA GPU in the profile and select the
   * config by its `nvidia.com/device-plugin.config` label there (nodes of the default config
   * may also leave the label out). Nodes are not rendered objects: the label is set on the node
   * by an administrator (`kubectl label node ...`) or by the GPU operator, and the profile
   * records it.
   * @default [] (no check; NVIDIA nodes still pick the config by label or default)
   */
  readonly nodes?: string[];
  /** CUDA time-slicing. @default - none (whole GPUs) */
  readonly timeSlicing?: GpuSharingConfig;
  /**
   * CUDA MPS. Only present so that it can be refused: MPS and time-slicing exclude each other,
   * and MPS needs the MPS control daemon, which this construct does not deploy.
   * @default - none
   */
  readonly mps?: GpuSharingConfig;
  /** Fail instead of idling when the plugin cannot initialise NVML. @default true */
  readonly failOnInitError?: boolean;
}

/** Props of {@link NvidiaDevicePlugin}. */
export interface NvidiaDevicePluginProps {
  /** Named configs (config name → config); names are DNS labels (they are node label values). */
  readonly configs: Record<string, DevicePluginConfig>;
  /**
   * The config of NVIDIA nodes without the `nvidia.com/device-plugin.config` label.
   * @default - the only config, when there is one (required with several)
   */
  readonly defaultConfig?: string;
  /** @default imageReference(Images.nvidiaDevicePlugin) */
  readonly image?: string;
}

/** The config manager's mount paths. */
const CONFIG_SOURCE_DIR = '/available-configs';
const CONFIG_FILE = '/config/config.yaml';

/**
 * The NVIDIA device plugin with time-slicing, rendered by the library (not the upstream chart):
 *
 * - a ConfigMap of named configs (`version: v1`, `flags`, `sharing.timeSlicing`), one per kind of
 *   node; the config manager (init container + sidecar, as in the upstream chart) picks a node's
 *   config from its `nvidia.com/device-plugin.config` label, else the default, and signals the
 *   plugin when the label changes;
 * - a DaemonSet on the profile's NVIDIA nodes (their taints tolerated), priority
 *   `system-node-critical`, RuntimeClass `nvidia`, no privilege, all capabilities dropped, one
 *   hostPath: `<profile.kubeletRootDir>/device-plugins`, mounted where the plugin registers its socket;
 * - a ServiceAccount and a ClusterRole to read nodes (the config manager watches its node's label),
 *   and a NetworkPolicy that lets it reach the API server;
 * - RuntimeClass `nvidia`, unless the profile says the cluster has it (K3s creates it).
 *
 * Apps created afterwards with `gpu: { vendor: NVIDIA }` request what it advertises: the
 * time-sliced `nvidia.com/gpu` (or `nvidia.com/gpu.shared` with renameByDefault) on the nodes
 * that share their GPU.
 *
 * Refused: replicas below 2, MPS (with or without time-slicing), a config naming a node without an
 * NVIDIA GPU or whose label selects another config, a node label naming an unknown config,
 * several configs without a default.
 */
export class NvidiaDevicePlugin extends Construct implements IGpuOfferSource {
  public readonly vendor = GpuVendor.NVIDIA;
  /** The release name (construct id): names every object. */
  public readonly name: string;
  public readonly namespace: string;
  /** The config NVIDIA nodes without the label use. */
  public readonly defaultConfig: string;
  /** Node → config name it uses. */
  public readonly nodeConfigs: Readonly<Record<string, string>>;
  /** What each NVIDIA node advertises. */
  public readonly offers: readonly GpuOffer[];
  /** The RuntimeClass its pods and the GPU apps use. */
  public readonly runtimeClassName = NVIDIA_RUNTIME_CLASS;
  /** True when this construct synthesizes the RuntimeClass (the profile does not list it). */
  public readonly createsRuntimeClass: boolean;
  /** The configs ConfigMap. */
  public readonly configMap: k8s.KubeConfigMap;
  /** The DaemonSet. */
  public readonly daemonSet: k8s.KubeDaemonSet;

  constructor(scope: Construct, id: string, props: NvidiaDevicePluginProps) {
    super(scope, uniqueId(scope, id));
    this.name = ValidationError.within(this, 'id', () => validateDnsLabel(id, 52));
    const namespace = Chart.of(this).namespace;
    const cluster = Cluster.of(this);
    if (!namespace || !cluster) {
      throw new ValidationError(this, { prop: 'scope', value: scope.node.path, rule: 'the device plugin lives in a Namespace of a Cluster', fix: "create it inside a Namespace: `new NvidiaDevicePlugin(new Namespace(cluster, 'nvidia-device-plugin', { podSecurity: 'privileged' }), ...)`" });
    }
    this.namespace = namespace;
    const profile = ClusterProfile.of(this);
    markAppBoundary(this, this.name);

    const gpuNodes = profile.nodes.filter((n) => n.gpuCount(GpuVendor.NVIDIA) > 0);
    if (gpuNodes.length === 0) {
      throw new ValidationError(this, { prop: 'scope', value: profile.name, rule: `no node of the ${profile.name} profile has an NVIDIA GPU, so the device plugin would run nowhere`, fix: 'add the GPU to the node\'s gpus in the profile (vendor GpuVendor.NVIDIA), or leave the device plugin out' });
    }

    // --- configs
    const names = Object.keys(props.configs ?? {});
    if (names.length === 0) {
      throw new ValidationError(this, { prop: 'configs', value: props.configs, rule: 'the device plugin needs at least one named config', fix: "e.g. configs: { 't4-shared': { timeSlicing: { resources: [{ replicas: 4 }] } } }" });
    }
    const rendered: Record<string, string> = {};
    const sharing = new Map<string, { resourceName: string; replicas: number } | undefined>();
    for (const name of names) {
      ValidationError.within(this, `configs.${name}`, () => validateDnsLabel(name));
      const parsed = this.renderConfig(`configs.${name}`, props.configs[name]);
      rendered[name] = parsed.yaml;
      sharing.set(name, parsed.shared);
    }
    if (props.defaultConfig !== undefined && !names.includes(props.defaultConfig)) {
      throw new ValidationError(this, { prop: 'defaultConfig', value: props.defaultConfig, rule: `not one of the configs (${names.join(', ')})`, fix: `use one of ${names.map((n) => show(n)).join(', ')}` });
    }
    if (props.defaultConfig === undefined && names.length > 1) {
      throw new ValidationError(this, { prop: 'defaultConfig', value: undefined, rule: `with several configs (${names.join(', ')}) the nodes without a ${DEVICE_PLUGIN_CONFIG_LABEL} label need a default`, fix: `set defaultConfig to one of ${names.map((n) => show(n)).join(', ')}` });
    }
    this.defaultConfig = props.defaultConfig ?? names[0];

    // --- which node uses which config (the profile's labels are the facts)
    const effective: Record<string, string> = {};
    for (const n of profile.nodes) {
      const label = n.labels[DEVICE_PLUGIN_CONFIG_LABEL];
      if (label !== undefined && n.gpuCount(GpuVendor.NVIDIA) > 0 && !names.includes(label)) {
        throw new ValidationError(this, {
          prop: 'configs', value: names,
          rule: `node ${n.name} selects config "${label}" (label ${DEVICE_PLUGIN_CONFIG_LABEL}=${label} in the profile), which this device plugin does not define`,
          fix: `add a config named "${label}", or relabel the node to one of ${names.map((x) => show(x)).join(', ')}`,
        });
      }
    }
    for (const n of gpuNodes) effective[n.name] = n.labels[DEVICE_PLUGIN_CONFIG_LABEL] ?? this.defaultConfig;
    const claimed = new Map<string, string>();
    for (const name of names) {
      (props.configs[name].nodes ?? []).forEach((nodeName, i) => {
        const prop = `configs.${name}.nodes[${i}]`;
        profile.gpuNode(nodeName, GpuVendor.NVIDIA, this, prop);
        if (claimed.has(nodeName)) {
          throw new ValidationError(this, { prop, value: nodeName, rule: `node ${nodeName} is already listed under config "${claimed.get(nodeName)}"; a node uses one config`, fix: 'list each node under one config' });
        }
        claimed.set(nodeName, name);
        if (effective[nodeName] !== name) {
          const label = profile.node(nodeName).labels[DEVICE_PLUGIN_CONFIG_LABEL];
          throw new ValidationError(this, {
            prop, value: nodeName,
            rule: label === undefined
              ? `node ${nodeName} carries no ${DEVICE_PLUGIN_CONFIG_LABEL} label in the profile, so the config manager gives it the default config "${this.defaultConfig}", not "${name}"`
              : `node ${nodeName} selects config "${label}" by its ${DEVICE_PLUGIN_CONFIG_LABEL} label in the profile, not "${name}"`,
            fix: `label the node (kubectl label node ${nodeName} ${DEVICE_PLUGIN_CONFIG_LABEL}=${name} --overwrite) and record the label in the node's labels in the profile`,
          });
        }
      });
    }
    this.nodeConfigs = effective;
    this.offers = gpuNodes.map((n) => {
      const s = sharing.get(effective[n.name]);
      return { ...gpuFacts(n, GpuVendor.NVIDIA), resourceName: s?.resourceName ?? GpuResources.NVIDIA, sharedBy: s?.replicas ?? 1 };
    });

    // --- objects
    const image = props.image ?? imageReference(Images.nvidiaDevicePlugin);
    const labels = recommendedLabels({ name: this.name, component: 'device-plugin', partOf: 'nvidia-gpu', version: parseImageReference(image).tag });
    const selector = selectorLabels(this.name);

    this.configMap = new k8s.KubeConfigMap(this, 'Configs', { metadata: { name: `${this.name}-configs`, labels }, data: rendered });
    const roleName = `${this.namespace}-${this.name}`;
    new k8s.KubeClusterRole(cluster.clusterChart, `ClusterRole-${roleName}`, {
      metadata: { name: roleName, labels },
      rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] }],
    });
    new k8s.KubeClusterRoleBinding(cluster.clusterChart, `ClusterRoleBinding-${roleName}`, {
      metadata: { name: roleName, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
      subjects: [{ kind: 'ServiceAccount', name: this.name, namespace: this.namespace }],
    });

    this.createsRuntimeClass = !profile.hasRuntimeClass(NVIDIA_RUNTIME_CLASS);
    if (this.createsRuntimeClass) {
      new k8s.KubeRuntimeClass(cluster.clusterChart, `RuntimeClass-${NVIDIA_RUNTIME_CLASS}`, {
        metadata: { name: NVIDIA_RUNTIME_CLASS, labels: { ...labels } },
        handler: NVIDIA_RUNTIME_CLASS,
      });
    }

    const configManagerEnv = (oneshot: boolean): k8s.EnvVar[] => [
      { name: 'ONESHOT', value: String(oneshot) },
      { name: 'KUBECONFIG', value: '' },
      { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'NODE_LABEL', value: DEVICE_PLUGIN_CONFIG_LABEL },
      { name: 'CONFIG_FILE_SRCDIR', value: CONFIG_SOURCE_DIR },
      { name: 'CONFIG_FILE_DST', value: CONFIG_FILE },
      { name: 'DEFAULT_CONFIG', value: this.defaultConfig },
      { name: 'FALLBACK_STRATEGIES', value: 'named,single' },
      { name: 'SEND_SIGNAL', value: String(!oneshot) },
      { name: 'SIGNAL', value: oneshot ? '' : '1' }, // SIGHUP: reload
      { name: 'PROCESS_TO_SIGNAL', value: oneshot ? '' : 'nvidia-device-plugin' },
    ];
    const configMounts: k8s.VolumeMount[] = [
      { name: 'available-configs', mountPath: CONFIG_SOURCE_DIR, readOnly: true },
      { name: 'config', mountPath: '/config' },
    ];
    const small = resourceRequirements({ cpu: '10m', memory: '32Mi' }, { memory: '64Mi' });

    const kubeletDir = `${profile.kubeletRootDir}/device-plugins`;

    this.daemonSet = nvidiaNodeAgent(this, {
      name: this.name,
      labels,
      selector,
      nodes: gpuNodes,
      tolerations: [{ key: GpuResources.NVIDIA, operator: 'Exists', effect: 'NoSchedule' }],
      // the config manager watches this node's label through the API
      apiAccess: true,
      priorityClassName: 'system-node-critical',
      // the config manager signals the plugin (SIGHUP) when the node's config changes
      shareProcessNamespace: true,
      initContainers: [{
        name: 'config-manager-init',
        image,
        imagePullPolicy: 'IfNotPresent',
        command: ['config-manager'],
        env: configManagerEnv(true),
        resources: small,
        securityContext: rootContainerSecurityContext(),
        volumeMounts: configMounts,
      }],
      containers: [
        {
          name: 'config-manager',
          image,
          imagePullPolicy: 'IfNotPresent',
          command: ['config-manager'],
          env: configManagerEnv(false),
          resources: small,
          securityContext: rootContainerSecurityContext(),
          volumeMounts: configMounts,
        },
        {
          name: 'nvidia-device-plugin',
          image,
          imagePullPolicy: 'IfNotPresent',
          command: ['nvidia-device-plugin'],
          env: [{ name: 'CONFIG_FILE', value: CONFIG_FILE }],
          resources: resourceRequirements({ cpu: '20m', memory: '64Mi' }, { memory: '128Mi' }),
          securityContext: rootContainerSecurityContext(),
          volumeMounts: [
            { name: 'device-plugins', mountPath: DEVICE_PLUGIN_SOCKET_DIR },
            ...configMounts,
            { name: 'tmp', mountPath: '/tmp' },
          ],
        },
      ],
      volumes: [
        { name: 'device-plugins', hostPath: { path: kubeletDir, type: 'Directory' } },
        { name: 'available-configs', configMap: { name: `${this.name}-configs` } },
        { name: 'config', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Mi') } },
        { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
      ],
    });
    addExemption(this.daemonSet, 'HK-SEC-12', `registers its socket with the kubelet in ${kubeletDir}, the only host path it mounts`);
    addExemption(this.daemonSet, 'HK-SEC-03', 'writes its socket into the root-owned kubelet device-plugins directory, so it runs as uid 0 (no capabilities, no privilege escalation, read-only root)');
    addExemption(this.daemonSet, 'HK-SEC-04', 'runs as uid 0 to write into the root-owned kubelet device-plugins directory; all capabilities dropped');
    addExemption(this.daemonSet, 'HK-SEC-20', `the config manager reads its node's ${DEVICE_PLUGIN_CONFIG_LABEL} label through the API (get/list/watch nodes only)`);
    addExemption(this.daemonSet, 'HK-PRB-01', 'the device plugin serves no health endpoint; the kubelet drops its resources when the plugin socket goes away');
    addExemption(this.daemonSet, 'HK-PRB-02', 'the device plugin serves no health endpoint; the kubelet drops its resources when the plugin socket goes away');
    addExemption(this.daemonSet, 'HK-GPU-07', 'the device plugin enumerates every GPU of the node to advertise them; it allocates GPUs and must not request one');

    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: this.name, labels },
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [],
        // the API server: the in-cluster Service (443) forwards to the servers' 6443
        egress: [{ ports: tcpPorts(API_SERVER_PORTS) }],
      },
    });

    registerGpuOffers(this, this);
  }

  /** Construct path (for messages). */
  public get path(): string {
    return this.node.path;
  }

  /** Validates one config and renders it as the device plugin's YAML. */
  private renderConfig(prop: string, c: DevicePluginConfig): { yaml: string; shared?: { resourceName: string; replicas: number } } {
    if (typeof c !== 'object' || c === null) {
      throw new ValidationError(this, { prop, value: c, rule: 'a config is an object', fix: 'use {} for whole GPUs, or { timeSlicing: { resources: [{ replicas: 4 }] } }' });
    }
    if (c.nodes !== undefined && !Array.isArray(c.nodes)) {
      throw new ValidationError(this, { prop: `${prop}.nodes`, value: c.nodes, rule: 'a list of node names', fix: 'write nodes: ["k3s3"]' });
    }
    if (c.mps && c.timeSlicing) {
      throw new ValidationError(this, { prop: `${prop}.mps`, value: 'mps and timeSlicing', rule: 'MPS and time-slicing exclude each other in one config (the device plugin refuses the config)', fix: 'keep timeSlicing and remove mps, or put them in two configs for different nodes' });
    }
    if (c.mps) {
      throw new ValidationError(this, { prop: `${prop}.mps`, value: c.mps, rule: 'MPS sharing needs the NVIDIA MPS control daemon (hostPID, a daemon per node), which this construct does not deploy', fix: 'use timeSlicing, or deploy the device plugin with its upstream chart and mps.enabled' });
    }
    const doc: Record<string, unknown> = { version: 'v1', flags: { migStrategy: 'none', failOnInitError: c.failOnInitError ?? true } };
    let shared: { resourceName: string; replicas: number } | undefined;
    const ts = c.timeSlicing;
    if (ts) {
      const p = `${prop}.timeSlicing`;
      if (!Array.isArray(ts.resources) || ts.resources.length === 0) {
        throw new ValidationError(this, { prop: `${p}.resources`, value: ts.resources, rule: 'time-slicing needs at least one resource (the device plugin refuses an empty list)', fix: 'e.g. resources: [{ name: "nvidia.com/gpu", replicas: 4 }]' });
      }
      const seen = new Set<string>();
      const resources = ts.resources.map((r, i) => {
        if (typeof r !== 'object' || r === null) {
          throw new ValidationError(this, { prop: `${p}.resources[${i}]`, value: r, rule: 'a shared resource is an object', fix: 'e.g. { name: "nvidia.com/gpu", replicas: 4 }' });
        }
        for (const key of ['name', 'rename'] as const) {
          if (r[key] !== undefined && typeof r[key] !== 'string') {
            throw new ValidationError(this, { prop: `${p}.resources[${i}].${key}`, value: r[key], rule: 'a resource name is a string', fix: key === 'name' ? 'use "nvidia.com/gpu" or leave it out' : 'use e.g. "nvidia.com/gpu.shared"' });
          }
        }
        const name = qualifyNvidiaResource(r.name ?? GpuResources.NVIDIA);
        if (name !== GpuResources.NVIDIA) {
          throw new ValidationError(this, { prop: `${p}.resources[${i}].name`, value: r.name, rule: `only ${GpuResources.NVIDIA} is time-sliced here (MIG resources need a MIG strategy this construct does not set)`, fix: `use name "${GpuResources.NVIDIA}" or leave it out` });
        }
        if (seen.has(name)) {
          throw new ValidationError(this, { prop: `${p}.resources[${i}].name`, value: r.name, rule: 'the resource is listed twice', fix: 'list each resource once' });
        }
        seen.add(name);
        if (!Number.isInteger(r.replicas) || r.replicas < 2) {
          throw new ValidationError(this, { prop: `${p}.resources[${i}].replicas`, value: r.replicas, rule: 'time-slicing needs a whole number of at least 2 replicas per GPU (the device plugin refuses fewer; 1 is no sharing)', fix: 'use e.g. replicas: 4 (the homelab\'s T4), or drop timeSlicing to give whole GPUs' });
        }
        let rename: string | undefined;
        if (r.rename !== undefined) {
          rename = qualifyNvidiaResource(r.rename);
          if (!/^nvidia\.com\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(rename) || rename === name) {
            throw new ValidationError(this, { prop: `${p}.resources[${i}].rename`, value: r.rename, rule: 'not a new resource name under nvidia.com/', fix: 'use e.g. "nvidia.com/gpu.shared"' });
          }
        }
        const advertised = rename ?? (ts.renameByDefault ? `${name}.shared` : name);
        if (name === GpuResources.NVIDIA) shared = { resourceName: advertised, replicas: r.replicas };
        return { name, ...(rename ? { rename } : {}), replicas: r.replicas };
      });
      doc.sharing = {
        timeSlicing: {
          renameByDefault: ts.renameByDefault ?? false,
          failRequestsGreaterThanOne: ts.failRequestsGreaterThanOne ?? true,
          resources,
        },
      };
    }
    return { yaml: YAML.stringify(doc), shared };
  }
}

