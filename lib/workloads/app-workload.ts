import { Chart, Lazy } from 'cdk8s';
import * as k8s from 'cdk8s-plus-29/lib/imports/k8s';
import { Construct } from 'constructs';
import { parseCron } from '../core/cron';
import { ValidationError } from '../core/errors';
import { recommendedLabels, selectorLabels, AnnotationKeys } from '../core/labels';
import { validateConfigKey, validateDnsLabel, validateLabelValue, validateLabels, validatePort, validatePortName, validateSubPath } from '../core/names';
import { ClusterProfile, validateToleration } from '../core/profile';
import { Memory } from '../core/quantity';
import { markAppBoundary, uniqueId } from '../core/tree';
import { Images, imageReference, parseImageReference } from '../core/versions';
import { addExemptions } from '../core/exemptions';
import { NVIDIA_VISIBLE_DEVICES, hidesNvidiaGpus } from '../core/gpu';
import { AppGpu, GpuPlacement, resolveGpuPlacement } from '../gpu/sharing';
import { Criticality, PRIORITY_CLASSES } from './criticality';
import { EnvValue } from './env';
import { Probe } from './probe';
import { IServiceEndpoint, ServicePortRef, servicePort } from './service-ref';
import { IAdmitsPeers, NetworkPeer, admitsPeers, egressTo, ingressFrom } from './network-peer';
import { restrictedContainerSecurityContext as containerSecurityContext } from './security-context';
import { AppSize, ResourceProps, Resources, containerResources, resolveResources } from './size';
import { AccessMode, AppVolume, VolumeMount } from './volume';
import { gitCheckout } from './git-checkout';

/** The controller kind of an app. */
export enum WorkloadKind {
  DEPLOYMENT = 'Deployment',
  STATEFUL_SET = 'StatefulSet',
  /** Runs to completion on a `schedule`: no Service, no probes, one pod at a time. */
  CRON_JOB = 'CronJob',
}

/** A port the app listens on. */
export interface AppPort {
  /** IANA service name, e.g. `http`. */
  readonly name: string;
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP';
}

/** Startup, readiness and liveness probes. */
export interface AppProbes {
  /** @default - the health check with period 5s and 60 failures (5 minutes to start), else a TCP probe on the primary port */
  readonly startup?: Probe;
  /** @default - the health check (period 10s, 3 failures), else a TCP probe on the primary port */
  readonly readiness?: Probe;
  /** @default - a TCP probe on the primary port (period 20s, 3 failures) when a health check is given; none otherwise */
  readonly liveness?: Probe;
}

/** A set of files mounted from a ConfigMap the app owns. */
export interface ConfigFiles {
  /** Directory the files appear in. */
  readonly mountPath: string;
  /** File name → content. Secrets never go here: the HK-X-01 policy refuses credentials in config. */
  readonly files: Record<string, string>;
  /**
   * The image writes next to its config (e.g. Vault, some *arr apps). An init container copies
   * the files into an emptyDir owned by the app's user, instead of a `cp` chain in the main
   * container against a read-only mount.
   * @default false - mounted read-only and used in place
   */
  readonly writable?: boolean;
}

/** Pod and container identity. */
export interface AppSecurityProps {
  /** @default 10001 */
  readonly runAsUser?: number;
  /** @default 10001 */
  readonly runAsGroup?: number;
  /** Group that owns mounted volumes. @default - the runAsGroup */
  readonly fsGroup?: number;
  /** Extra groups, e.g. the host's `render` group for /dev/dri. @default [] */
  readonly supplementalGroups?: number[];
}

/** Props of {@link AppWorkload}. */
export interface AppWorkloadProps {
  /** Image reference with a pinned tag, e.g. `imageReference(Images.sonarr)`. */
  readonly image: string;
  /** @default WorkloadKind.DEPLOYMENT */
  readonly kind?: WorkloadKind;
  /** @default 1 */
  readonly replicas?: number;
  /** Cron schedule (5 fields, or @hourly/@daily/@weekly/@monthly/@yearly); required for CronJobs. @default - none */
  readonly schedule?: string;
  /** A resource preset. Exactly one of `size` and `resources` is required. @default - none */
  readonly size?: AppSize;
  /** Explicit requests and limits. Exactly one of `size` and `resources` is required. @default - none */
  readonly resources?: ResourceProps;
  /** Ports; the first is the primary port (probes and the Service default to it). @default [] */
  readonly ports?: AppPort[];
  /** Create a ClusterIP Service for the ports. @default true when there are ports */
  readonly service?: boolean;
  /** The app's own health endpoint, used for startup and readiness. @default - none */
  readonly healthCheck?: Probe;
  /** Overrides of the derived probes. @default - see AppProbes */
  readonly probes?: AppProbes;
  /** Environment variables. Plain strings are literals. @default {} */
  readonly env?: Record<string, string | EnvValue>;
  /** @default - the image's entrypoint */
  readonly command?: string[];
  /** @default - the image's cmd */
  readonly args?: string[];
  /** Config files mounted from a ConfigMap, by ConfigMap suffix. @default {} */
  readonly config?: Record<string, ConfigFiles>;
  /** Volumes by name. @default {} */
  readonly volumes?: Record<string, VolumeMount>;
  /** Paths the app writes to besides volumes; each gets an emptyDir. `/tmp` always does. @default [] */
  readonly writablePaths?: string[];
  /** @default Criticality.STANDARD */
  readonly criticality?: Criticality;
  /** @default - see AppSecurityProps */
  readonly security?: AppSecurityProps;
  /** Mount a ServiceAccount token (the app calls the Kubernetes API). @default false */
  readonly apiAccess?: boolean;
  /** Pin the pods to these nodes (checked against the profile). @default - any node */
  readonly nodes?: string[];
  /** Extra node selector labels (checked against the profile). @default {} */
  readonly nodeSelector?: Record<string, string>;
  /** Tolerations. @default [] */
  readonly tolerations?: k8s.Toleration[];
  /** Allow egress to the internet (not to private ranges). @default false */
  readonly internetEgress?: boolean;
  /** Policy exemptions, `{ ruleId: reason }`, written to the controller's annotation. @default {} */
  readonly exemptions?: Record<string, string>;
  /** `app.kubernetes.io/component`. @default - not set */
  readonly component?: string;
  /** `app.kubernetes.io/part-of`. @default - not set */
  readonly partOf?: string;
  /**
   * A GPU for the app's container: the resource the cluster's device plugin advertises
   * (`nvidia.com/gpu`, `nvidia.com/gpu.shared`, `gpu.intel.com/i915`) with request = limit = 1,
   * RuntimeClass `nvidia` for NVIDIA, placement on the nodes that offer it (their taints
   * tolerated), the declared GPU memory as the pod annotation `hardened-homelab.io/gpu-memory`,
   * and strategy Recreate (a rolling update would need a second GPU slice). Never `privileged`,
   * never `NVIDIA_VISIBLE_DEVICES`. Create the cluster's device plugins before the GPU apps.
   * @default - no GPU
   */
  readonly gpu?: AppGpu;
}

interface Peer {
  readonly namespace: string;
  readonly podSelector?: Readonly<Record<string, string>>;
  readonly ports: number[];
}

const DEFAULT_UID = 10001;
/** The largest user or group id (Linux ids are 32-bit; 4294967295 is "no id"). */
const MAX_ID = 4294967294;

/**
 * A right-sized, hardened app: a Deployment (or StatefulSet), its ServiceAccount, a Service,
 * a NetworkPolicy derived from what it references and what references it, a
 * PodDisruptionBudget and topology spread when replicas > 1, and ConfigMaps for its config.
 *
 * Refused at construction: missing or inconsistent resources, invalid names and ports,
 * identical readiness and liveness probes, unknown nodes, duplicate env names. Everything
 * else is judged by the policy pack on the rendered objects.
 */
export class AppWorkload extends Construct implements IServiceEndpoint, IAdmitsPeers {
  /** The app name (construct id): names every object it synthesizes. */
  public readonly name: string;
  public readonly namespace: string;
  public readonly kind: WorkloadKind;
  public readonly replicas: number;
  public readonly resources: Resources;
  public readonly criticality: Criticality;
  public readonly ports: readonly AppPort[];
  /** Pod labels used by the Service, PDB and NetworkPolicies. */
  public readonly podSelector: Readonly<Record<string, string>>;
  /** The Service, when there is one. */
  public readonly service?: k8s.KubeService;
  /** The controller object (Deployment, StatefulSet or CronJob). */
  public readonly controller: k8s.KubeDeployment | k8s.KubeStatefulSet | k8s.KubeCronJob;
  /** The GPU the app requests and where it runs, when it has the `gpu` option. */
  public readonly gpu?: GpuPlacement;
  private readonly ingressPeers: Peer[] = [];
  private readonly egressPeers: Peer[] = [];

  constructor(scope: Construct, id: string, props: AppWorkloadProps) {
    super(scope, uniqueId(scope, id));
    this.name = ValidationError.within(this, 'id', () => validateDnsLabel(id, 52));
    const chart = Chart.of(this);
    if (!chart.namespace) {
      throw new ValidationError(this, { prop: 'scope', value: chart.node.path, rule: 'an app must live in a namespace', fix: "create it inside a Namespace: `new AppWorkload(new Namespace(cluster, 'media'), 'sonarr', {...})`" });
    }
    this.namespace = chart.namespace;
    const profile = ClusterProfile.of(this);
    markAppBoundary(this, this.name);

    this.kind = props.kind ?? WorkloadKind.DEPLOYMENT;
    if (!Object.values(WorkloadKind).includes(this.kind)) {
      throw new ValidationError(this, { prop: 'kind', value: props.kind, rule: 'unknown workload kind', fix: 'use WorkloadKind.DEPLOYMENT, WorkloadKind.STATEFUL_SET or WorkloadKind.CRON_JOB' });
    }
    this.replicas = props.replicas ?? 1;
    if (!Number.isInteger(this.replicas) || this.replicas < 0) {
      throw new ValidationError(this, { prop: 'replicas', value: props.replicas, rule: 'must be a whole number of at least 0', fix: 'use 1 for a single pod, or 0 to keep the app defined but stopped' });
    }
    const batch = this.kind === WorkloadKind.CRON_JOB;
    if (batch) {
      if (props.schedule === undefined) {
        throw new ValidationError(this, { prop: 'schedule', value: props.schedule, rule: 'a CronJob needs a cron schedule of 5 fields (minute hour day-of-month month day-of-week) or @hourly/@daily/@weekly/@monthly/@yearly', fix: 'e.g. schedule: "0 3 * * *" for 03:00 every day' });
      }
      const cron = ValidationError.within(this, 'schedule', () => parseCron(props.schedule as string));
      if (cron.timeZone !== undefined || cron.everyMinutes !== undefined) {
        throw new ValidationError(this, { prop: 'schedule', value: props.schedule, rule: 'Kubernetes refuses CRON_TZ=/TZ= and @every in a CronJob schedule', fix: 'write five cron fields; the CronJob runs in the controller manager\'s time zone (UTC on K3s)' });
      }
      if (this.replicas !== 1 || props.ports?.length || props.healthCheck || props.probes) {
        throw new ValidationError(this, { prop: props.ports?.length ? 'ports' : this.replicas !== 1 ? 'replicas' : 'probes', value: props.ports ?? props.replicas ?? props.probes, rule: 'a CronJob\'s pod runs to completion: it has no replicas, ports, Service or probes', fix: 'remove replicas, ports, healthCheck and probes, or use WorkloadKind.DEPLOYMENT for a long-running app' });
      }
    } else if (props.schedule !== undefined) {
      throw new ValidationError(this, { prop: 'schedule', value: props.schedule, rule: `only CronJobs have a schedule (kind is ${this.kind})`, fix: 'set kind: WorkloadKind.CRON_JOB, or remove schedule' });
    }
    if ((props.size === undefined) === (props.resources === undefined)) {
      throw new ValidationError(this, {
        prop: 'size/resources', value: props.size === undefined ? undefined : 'both given',
        rule: 'exactly one of size and resources is required: requests and the memory limit are always explicit (cdk8s-plus would default to 1 CPU / 512Mi, which starved the cortex cluster)',
        fix: 'pass size: AppSize.SMALL (or another preset), or resources: { cpu, memory, memoryLimit }',
      });
    }
    this.resources = resolveResources(this, props.resources ? 'resources' : 'size', props.resources ?? (props.size as AppSize).resources);
    this.criticality = props.criticality ?? Criticality.STANDARD;
    if (!Object.values(Criticality).includes(this.criticality)) {
      throw new ValidationError(this, { prop: 'criticality', value: props.criticality, rule: 'unknown criticality', fix: 'use Criticality.CRITICAL, Criticality.STANDARD or Criticality.OPTIONAL' });
    }
    this.ports = (props.ports ?? []).map((p, i) => {
      ValidationError.within(this, `ports[${i}].name`, () => validatePortName(p.name));
      ValidationError.within(this, `ports[${i}].port`, () => validatePort(p.port));
      if (p.protocol !== undefined && p.protocol !== 'TCP' && p.protocol !== 'UDP') {
        throw new ValidationError(this, { prop: `ports[${i}].protocol`, value: p.protocol, rule: 'a port protocol is "TCP" or "UDP"', fix: 'use "TCP" (the default) or "UDP"' });
      }
      return { ...p };
    });
    for (const [i, p] of this.ports.entries()) {
      if (this.ports.findIndex((q) => q.name === p.name || q.port === p.port) !== i) {
        throw new ValidationError(this, { prop: `ports[${i}]`, value: p, rule: 'duplicate port name or number', fix: 'give every port its own name and number' });
      }
    }

    if (props.component !== undefined) ValidationError.within(this, 'component', () => validateLabelValue(props.component as string));
    if (props.partOf !== undefined) ValidationError.within(this, 'partOf', () => validateLabelValue(props.partOf as string));
    const labels = recommendedLabels({ name: this.name, version: parseImageReference(props.image).tag, component: props.component, partOf: props.partOf });
    this.podSelector = selectorLabels(this.name);
    const security = props.security ?? {};
    const ids: [string, unknown][] = [['runAsUser', security.runAsUser], ['runAsGroup', security.runAsGroup], ['fsGroup', security.fsGroup],
      ...(security.supplementalGroups ?? []).map((g, i): [string, unknown] => [`supplementalGroups[${i}]`, g])];
    for (const [prop, id] of ids) {
      if (id !== undefined && (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > MAX_ID)) {
        throw new ValidationError(this, { prop: `security.${prop}`, value: id, rule: `a user or group id is a whole number from 0 to ${MAX_ID}`, fix: 'use the id the image runs as, e.g. 10001 (the default)' });
      }
    }
    const uid = security.runAsUser ?? DEFAULT_UID;
    const gid = security.runAsGroup ?? DEFAULT_UID;
    if (uid === 0 || gid === 0) {
      throw new ValidationError(this, { prop: 'security', value: security, rule: 'running as root (uid or gid 0) is refused: the seed\'s `runAsUser: 0` "fix" hid a writable-path problem', fix: 'keep the default non-root user and give the app writablePaths or a writable config copy' });
    }

    // --- config, volumes, writable paths
    const volumes: k8s.Volume[] = [];
    const mounts: k8s.VolumeMount[] = [];
    const initContainers: k8s.Container[] = [];
    const claimTemplates: k8s.KubePersistentVolumeClaimProps[] = [];
    let singleAttach = false;
    const usedMountPaths = new Set<string>();
    const addMount = (prop: string, m: k8s.VolumeMount) => {
      if (!m.mountPath.startsWith('/')) {
        throw new ValidationError(this, { prop, value: m.mountPath, rule: 'a mount path must be absolute', fix: `use "/${m.mountPath}"` });
      }
      if (usedMountPaths.has(m.mountPath)) {
        throw new ValidationError(this, { prop, value: m.mountPath, rule: 'two volumes are mounted at the same path', fix: 'give each volume its own mountPath' });
      }
      usedMountPaths.add(m.mountPath);
      mounts.push(m);
    };

    for (const [key, cfg] of Object.entries(props.config ?? {})) {
      ValidationError.within(this, `config.${key}`, () => validateDnsLabel(key));
      for (const file of Object.keys(cfg.files ?? {})) {
        ValidationError.within(this, `config.${key}.files.${file}`, () => validateConfigKey(file));
      }
      const cmName = `${this.name}-${key}`;
      new k8s.KubeConfigMap(this, `Config${key}`, { metadata: { name: cmName, labels }, data: { ...cfg.files } });
      const volName = `config-${key}`;
      volumes.push({ name: volName, configMap: { name: cmName } });
      if (cfg.writable) {
        const writableName = `config-${key}-rw`;
        volumes.push({ name: writableName, emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } });
        initContainers.push({
          name: `copy-config-${key}`,
          image: imageReference(Images.busybox),
          command: ['cp', '-rL', '/config-source/.', '/config-target/'],
          volumeMounts: [{ name: volName, mountPath: '/config-source', readOnly: true }, { name: writableName, mountPath: '/config-target' }],
          resources: { requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('16Mi') }, limits: { memory: k8s.Quantity.fromString('32Mi') } },
          securityContext: containerSecurityContext(uid, gid),
        });
        addMount(`config.${key}.mountPath`, { name: writableName, mountPath: cfg.mountPath });
      } else {
        addMount(`config.${key}.mountPath`, { name: volName, mountPath: cfg.mountPath, readOnly: true });
      }
    }

    for (const [volName, v] of Object.entries(props.volumes ?? {})) {
      ValidationError.within(this, `volumes.${volName}`, () => validateDnsLabel(volName));
      if (!(v?.source instanceof AppVolume)) {
        throw new ValidationError(this, { prop: `volumes.${volName}.source`, value: v?.source, rule: 'a volume needs a source', fix: 'use AppVolume.newClaim(...), AppVolume.existingClaim(...), AppVolume.emptyDir(...) or AppVolume.gitCheckout(...)' });
      }
      ValidationError.within(this, `volumes.${volName}.source`, () => v.source._validate());
      if (v.subPath !== undefined) ValidationError.within(this, `volumes.${volName}.subPath`, () => validateSubPath(v.subPath as string));
      const s = v.source._spec;
      singleAttach = singleAttach || v.source.singleAttach;
      if (s.kind === 'newClaim') {
        const size = ValidationError.within(this, `volumes.${volName}.source.size`, () => Memory.parse(s.options.size));
        if (size.bytes === 0) {
          throw new ValidationError(this, { prop: `volumes.${volName}.source.size`, value: s.options.size, rule: 'a claim must request more than zero bytes', fix: 'request the size the data needs, e.g. "10Gi"' });
        }
        ValidationError.within(this, `volumes.${volName}.source.storageClassName`, () => validateDnsLabel(s.options.storageClassName));
        const claimName = `${this.name}-${volName}`;
        const claim: k8s.KubePersistentVolumeClaimProps = {
          metadata: { name: this.kind === WorkloadKind.STATEFUL_SET ? volName : claimName, labels: { ...labels, ...(s.options.labels ?? {}) } },
          spec: {
            accessModes: [s.options.accessMode ?? AccessMode.READ_WRITE_ONCE],
            storageClassName: s.options.storageClassName,
            resources: { requests: { storage: k8s.Quantity.fromString(size.toString()) } },
          },
        };
        if (this.kind === WorkloadKind.STATEFUL_SET) {
          claimTemplates.push(claim);
        } else {
          new k8s.KubePersistentVolumeClaim(this, `Claim${volName}`, claim);
          volumes.push({ name: volName, persistentVolumeClaim: { claimName } });
        }
      } else if (s.kind === 'existingClaim') {
        volumes.push({ name: volName, persistentVolumeClaim: { claimName: s.claimName, readOnly: v.readOnly } });
      } else if (s.kind === 'gitCheckout') {
        if (v.readOnly === false) {
          throw new ValidationError(this, { prop: `volumes.${volName}.readOnly`, value: false, rule: 'a git checkout is mounted read-only: the app reads the files in place, and a restart brings back a clean checkout', fix: 'remove readOnly: false (copy the files to a writablePaths directory if the app must change them)' });
        }
        const git = gitCheckout(this, `volumes.${volName}.source`, volName, s.options, { internetEgress: props.internetEgress ?? false, securityContext: containerSecurityContext(uid, gid), tmpVolume: 'tmp' });
        volumes.push(git.volume);
        initContainers.push(git.initContainer);
        addMount(`volumes.${volName}.mountPath`, { name: volName, mountPath: v.mountPath, readOnly: true, subPath: v.subPath });
        continue;
      } else {
        const sizeLimit = ValidationError.within(this, `volumes.${volName}.source.sizeLimit`, () => Memory.parse(s.sizeLimit));
        volumes.push({ name: volName, emptyDir: { sizeLimit: k8s.Quantity.fromString(sizeLimit.toString()), ...(s.memory ? { medium: 'Memory' } : {}) } });
      }
      addMount(`volumes.${volName}.mountPath`, { name: volName, mountPath: v.mountPath, readOnly: v.readOnly, subPath: v.subPath });
    }

    const writable = ['/tmp', ...(props.writablePaths ?? [])];
    writable.forEach((path, i) => {
      const volName = i === 0 ? 'tmp' : `writable-${i}`;
      volumes.push({ name: volName, emptyDir: { sizeLimit: k8s.Quantity.fromString(i === 0 ? '256Mi' : '1Gi') } });
      addMount(i === 0 ? 'writablePaths(/tmp)' : `writablePaths[${i - 1}]`, { name: volName, mountPath: path });
    });

    // --- env
    const env: k8s.EnvVar[] = [];
    for (const [name, value] of Object.entries(props.env ?? {})) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        throw new ValidationError(this, { prop: `env.${name}`, value: name, rule: 'not a portable environment variable name', fix: 'use letters, digits and "_", not starting with a digit' });
      }
      // a literal that hides the GPUs (void, none) is harmless, as HK-GPU-06 judges it
      if (name === NVIDIA_VISIBLE_DEVICES && !hidesNvidiaGpus(value instanceof EnvValue ? value.literal : value)) {
        throw new ValidationError(this, {
          prop: `env.${name}`, value: value instanceof EnvValue ? name : value,
          rule: 'NVIDIA_VISIBLE_DEVICES picks GPUs behind the device plugin\'s back: under the NVIDIA runtime "all" exposes every GPU of the node whatever the pod requested (the homelab\'s Ollama set it), so time-slicing and quotas stop meaning anything',
          fix: 'remove it and give the app gpu: { vendor: GpuVendor.NVIDIA, ... }; the device plugin sets the variable for the GPU it allocates',
        });
      }
      const v = value instanceof EnvValue ? value : EnvValue.of(value);
      ValidationError.within(this, `env.${name}`, () => v._validate());
      const ref = v.serviceReference;
      if (ref) {
        const port = ValidationError.within(this, `env.${name}`, () => servicePort(ref.service, ref.portName, 'port'));
        this.connectTo(ref.service, port);
      }
      env.push(v._render(name) as unknown as k8s.EnvVar);
    }

    // --- probes
    const primary = this.ports[0]?.name;
    const probes = batch ? {} : this.resolveProbes(props, primary);

    // --- placement
    const nodeSelector: Record<string, string> = { ...(props.nodeSelector ?? {}) };
    ValidationError.within(this, 'nodeSelector', () => validateLabels(nodeSelector));
    if (Object.keys(nodeSelector).length > 0 && profile.nodesWithLabels(nodeSelector).length === 0) {
      throw new ValidationError(this, { prop: 'nodeSelector', value: nodeSelector, rule: `no node of the ${profile.name} profile carries these labels, so the pods would stay Pending`, fix: 'fix the labels, or add them to the node in the profile' });
    }
    let affinity: k8s.Affinity | undefined;
    if (props.nodes) {
      if (props.nodes.length === 0) {
        throw new ValidationError(this, { prop: 'nodes', value: props.nodes, rule: 'an empty node list would make the pods unschedulable', fix: 'list at least one node, or leave nodes out' });
      }
      props.nodes.forEach((n, i) => profile.node(n, this, `nodes[${i}]`));
      affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [...props.nodes] }] }] } } };
    }
    const tolerations: k8s.Toleration[] = [...(props.tolerations ?? [])];
    tolerations.forEach((t, i) => ValidationError.within(this, `tolerations[${i}]`, () => validateToleration(t)));
    let resources = containerResources(this.resources);
    const supplementalGroups = [...(security.supplementalGroups ?? [])];
    const podAnnotations: Record<string, string> = { [AnnotationKeys.CRITICALITY]: this.criticality };
    if (props.gpu) {
      const gpu = resolveGpuPlacement(this, props.gpu, { nodes: props.nodes, nodeSelector, tolerations });
      this.gpu = gpu;
      affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [...gpu.nodes] }] }] } } };
      tolerations.push(...gpu.tolerations);
      const one = k8s.Quantity.fromNumber(1);
      resources = { requests: { ...resources.requests, [gpu.resourceName]: one }, limits: { ...resources.limits, [gpu.resourceName]: one } };
      for (const g of gpu.groups) if (!supplementalGroups.includes(g)) supplementalGroups.push(g);
      if (gpu.memory) podAnnotations[AnnotationKeys.GPU_MEMORY] = gpu.memory.toString();
    }

    // --- service account
    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: { name: this.name, labels }, automountServiceAccountToken: props.apiAccess ?? false });

    const container: k8s.Container = {
      name: this.name,
      image: props.image,
      imagePullPolicy: 'IfNotPresent',
      command: props.command ? [...props.command] : undefined,
      args: props.args ? [...props.args] : undefined,
      ports: this.ports.length ? this.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol ?? 'TCP' })) : undefined,
      env: env.length ? env : undefined,
      resources,
      securityContext: containerSecurityContext(uid, gid),
      volumeMounts: mounts,
      ...probes,
    };

    const podSpec: k8s.PodSpec = {
      serviceAccountName: this.name,
      automountServiceAccountToken: props.apiAccess ?? false,
      enableServiceLinks: false,
      priorityClassName: PRIORITY_CLASSES[this.criticality].name,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: uid,
        runAsGroup: gid,
        fsGroup: security.fsGroup ?? gid,
        fsGroupChangePolicy: 'OnRootMismatch',
        supplementalGroups: supplementalGroups.length ? supplementalGroups : undefined,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      initContainers: initContainers.length ? initContainers : undefined,
      containers: [container],
      volumes,
      nodeSelector: Object.keys(nodeSelector).length ? nodeSelector : undefined,
      affinity,
      runtimeClassName: this.gpu?.runtimeClassName,
      tolerations: tolerations.length ? tolerations : undefined,
      topologySpreadConstraints: this.replicas > 1
        ? [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { ...this.podSelector } } }]
        : undefined,
    };

    const template: k8s.PodTemplateSpec = {
      metadata: { labels, annotations: podAnnotations },
      spec: podSpec,
    };

    const metadata = { name: this.name, labels };
    if (batch) {
      this.controller = new k8s.KubeCronJob(this, 'Resource', {
        metadata,
        spec: {
          schedule: props.schedule as string,
          concurrencyPolicy: 'Forbid',
          startingDeadlineSeconds: 300,
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 3,
          jobTemplate: { spec: { backoffLimit: 2, template: { ...template, spec: { ...podSpec, restartPolicy: 'OnFailure' } } } },
        },
      });
    } else if (this.kind === WorkloadKind.STATEFUL_SET) {
      new k8s.KubeService(this, 'Headless', {
        metadata: { name: `${this.name}-headless`, labels },
        spec: { clusterIp: 'None', publishNotReadyAddresses: true, selector: { ...this.podSelector }, ports: this.ports.map((p) => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromString(p.name), protocol: p.protocol ?? 'TCP' })) },
      });
      this.controller = new k8s.KubeStatefulSet(this, 'Resource', {
        metadata,
        spec: {
          replicas: this.replicas,
          serviceName: `${this.name}-headless`,
          podManagementPolicy: 'OrderedReady',
          selector: { matchLabels: { ...this.podSelector } },
          template,
          volumeClaimTemplates: claimTemplates.length ? claimTemplates : undefined,
          persistentVolumeClaimRetentionPolicy: claimTemplates.length ? { whenDeleted: 'Retain', whenScaled: 'Retain' } : undefined,
        },
      });
    } else {
      this.controller = new k8s.KubeDeployment(this, 'Resource', {
        metadata,
        spec: {
          replicas: this.replicas,
          revisionHistoryLimit: 3,
          selector: { matchLabels: { ...this.podSelector } },
          // a single pod holding a ReadWriteOnce volume cannot surge: the new pod would wait
          // for the old one to release the volume (multi-attach error); a GPU pod cannot surge
          // either: the new pod would need a second GPU slice (and quota) while the old one runs
          strategy: this.replicas <= 1 && (singleAttach || this.gpu)
            ? { type: 'Recreate' }
            : { type: 'RollingUpdate', rollingUpdate: this.gpu
              ? { maxSurge: k8s.IntOrString.fromNumber(0), maxUnavailable: k8s.IntOrString.fromNumber(1) }
              : { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
          template,
        },
      });
    }
    addExemptions(this.controller, props.exemptions);

    if (this.ports.length > 0 && props.service !== false) {
      this.service = new k8s.KubeService(this, 'Service', {
        metadata: { name: this.name, labels },
        spec: {
          type: 'ClusterIP',
          selector: { ...this.podSelector },
          ports: this.ports.map((p) => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromString(p.name), protocol: p.protocol ?? 'TCP' })),
        },
      });
    }

    if (this.replicas > 1 && !batch) {
      new k8s.KubePodDisruptionBudget(this, 'Pdb', {
        metadata: { name: this.name, labels },
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { ...this.podSelector } }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
      });
    }

    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: { name: this.name, labels },
      spec: {
        podSelector: { matchLabels: { ...this.podSelector } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: Lazy.any({ produce: () => this.ingressPeers.map((p) => ingressFrom(p, p.ports)) }) as any,
        egress: Lazy.any({ produce: () => [...this.egressPeers.map((p) => egressTo(p, p.ports)), ...(props.internetEgress ? [internetRule()] : [])] }) as any,
      },
    });
  }

  /** The Service name (the app name). */
  public get serviceName(): string {
    if (!this.service) {
      throw new ValidationError(this, { prop: 'service', value: false, rule: 'this app has no Service, so nothing can reference it', fix: 'give the app ports (and leave service enabled)' });
    }
    return this.name;
  }

  /** The Service's ports. */
  public get servicePorts(): readonly ServicePortRef[] {
    return this.ports.map((p) => ({ name: p.name, port: p.port }));
  }

  /** `name.namespace.svc.cluster.local`. */
  public get host(): string {
    return `${this.serviceName}.${this.namespace}.svc.cluster.local`;
  }

  /**
   * Lets `peer`'s pods connect to this app on `port` (default: all its ports). Use for clients
   * that do not reference this app through an EnvValue (which adds the rule by itself).
   */
  public allowFrom(peer: NetworkPeer, port?: number): void {
    ValidationError.within(this, 'allowFrom.peer.namespace', () => validateDnsLabel(peer?.namespace));
    if (peer.podSelector) ValidationError.within(this, 'allowFrom.peer.podSelector', () => validateLabels(peer.podSelector as Record<string, string>));
    if (port !== undefined) ValidationError.within(this, 'allowFrom.port', () => validatePort(port, 'use a port of this app, or leave port out for all of them'));
    addPeer(this.ingressPeers, { namespace: peer.namespace, podSelector: peer.podSelector, ports: port === undefined ? this.ports.map((p) => p.port) : [port] });
  }

  /**
   * Lets this app's pods connect to `target` on `port`, and `target` accept them when it opens
   * its own ingress (an AppWorkload, a Vault: see IAdmitsPeers).
   */
  public connectTo(target: IServiceEndpoint, port: number): void {
    ValidationError.within(this, 'connectTo.port', () => validatePort(port, 'use a port the target listens on, e.g. its servicePorts[0].port'));
    addPeer(this.egressPeers, { namespace: target.namespace, podSelector: target.podSelector, ports: [port] });
    if (admitsPeers(target) && target !== this) {
      target.allowFrom({ namespace: this.namespace, podSelector: this.podSelector }, port);
    }
  }

  private resolveProbes(props: AppWorkloadProps, primary: string | undefined): Pick<k8s.Container, 'startupProbe' | 'readinessProbe' | 'livenessProbe'> {
    const given = props.probes ?? {};
    const health = props.healthCheck;
    const sources: [string, Probe | undefined][] = [['healthCheck', health], ['probes.startup', given.startup], ['probes.readiness', given.readiness], ['probes.liveness', given.liveness]];
    for (const [prop, p] of sources) {
      if (p === undefined) continue;
      if (!(p instanceof Probe)) {
        throw new ValidationError(this, { prop, value: p, rule: 'not a Probe', fix: 'use Probe.httpGet(...), Probe.tcpSocket(...) or Probe.exec([...])' });
      }
      ValidationError.within(this, prop, () => p._validate());
    }
    // Kubernetes accepts successThreshold 1 only for liveness and startup probes
    for (const [role, p, prop] of [['startup', given.startup ?? health, given.startup ? 'probes.startup' : 'healthCheck'], ['liveness', given.liveness, 'probes.liveness']] as const) {
      const n = p?.options.successThreshold;
      if (n !== undefined && n !== 1) {
        throw new ValidationError(this, {
          prop: `${prop}.successThreshold`, value: n,
          rule: `a ${role} probe passes on its first success: Kubernetes accepts successThreshold 1 only${prop === 'healthCheck' ? ' (the health check is also the startup probe)' : ''}`,
          fix: prop === 'healthCheck' ? 'remove successThreshold, or set it on probes.readiness only' : 'remove successThreshold (1 is the default)',
        });
      }
    }
    const tcp = primary ? Probe.tcpSocket() : undefined;
    const startup = given.startup ?? health ?? tcp;
    const readiness = given.readiness ?? health ?? tcp;
    const liveness = given.liveness ?? (health && tcp ? tcp : undefined);
    if (!readiness && this.kind !== WorkloadKind.CRON_JOB) {
      throw new ValidationError(this, {
        prop: 'healthCheck', value: undefined,
        rule: 'a long-running app needs a readiness check, and this one has no port to probe (HK-PRB-01 would refuse it)',
        fix: 'give it healthCheck: Probe.exec([...]) (a command that succeeds when the app works), or declare the port it serves',
      });
    }
    for (const [role, p] of [['startup', startup], ['readiness', readiness], ['liveness', liveness]] as const) {
      if (p && p.needsPort && p.options.port === undefined && primary === undefined) {
        throw new ValidationError(this, { prop: `probes.${role}`, value: p.describe(), rule: 'the probe needs a port and the app has none', fix: 'give the probe a port, declare the app\'s ports, or use Probe.exec' });
      }
      const port = p?.options.port;
      if (p && typeof port === 'string' && !this.ports.some((x) => x.name === port)) {
        throw new ValidationError(this, { prop: `probes.${role}.port`, value: port, rule: `no port of that name (ports: ${this.ports.map((x) => x.name).join(', ') || 'none'})`, fix: 'use a declared port name or number' });
      }
    }
    if (readiness && liveness && readiness._identity(primary) === liveness._identity(primary)) {
      throw new ValidationError(this, {
        prop: 'probes.liveness', value: liveness.describe(primary),
        rule: 'liveness checks exactly what readiness checks, so a slow dependency restarts the pod instead of taking it out of service',
        fix: 'make liveness a cheaper check of the process itself (e.g. Probe.tcpSocket()) or leave it out',
      });
    }
    return {
      startupProbe: startup ? startup._render({ port: primary, periodSeconds: 5, failureThreshold: 60 }) : undefined,
      readinessProbe: readiness ? readiness._render({ port: primary, periodSeconds: 10, failureThreshold: 3 }) : undefined,
      livenessProbe: liveness ? liveness._render({ port: primary, periodSeconds: 20, failureThreshold: 3 }) : undefined,
    };
  }
}

function sameLabels(a?: Readonly<Record<string, string>>, b?: Readonly<Record<string, string>>): boolean {
  return JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});
}

/** Adds `peer` to `peers` unless the same peer has its ports there already (no ports: every port). */
function addPeer(peers: Peer[], peer: Peer): void {
  const covers = (p: Peer) => (p.ports.length === 0 || (peer.ports.length > 0 && peer.ports.every((port) => p.ports.includes(port))));
  if (!peers.some((p) => p.namespace === peer.namespace && sameLabels(p.podSelector, peer.podSelector) && covers(p))) {
    peers.push(peer);
  }
}

function internetRule(): k8s.NetworkPolicyEgressRule {
  return { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'] } }] };
}
