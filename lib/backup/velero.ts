import { Lazy } from 'cdk8s';
import * as k8s from 'cdk8s-plus-29/lib/imports/k8s';
import { Construct, IConstruct } from 'constructs';
import { CronSchedule, cronMinutes } from '../core/cron';
import { ValidationError } from '../core/errors';
import { LabelKeys, MANAGED_BY } from '../core/labels';
import { validateDnsLabel, validateLabels } from '../core/names';
import { ClusterProfile, validateToleration } from '../core/profile';
import { Cpu, Memory } from '../core/quantity';
import { NO_DEFAULT_LOCATION, secondDefaultLocation } from '../core/velero-facts';
import { Charts, ChartRef, ImageRef, Images, imageReference, isFloatingTag } from '../core/versions';
import { UpstreamChart } from '../gitops/upstream-chart';
import { Criticality, PRIORITY_CLASSES } from '../workloads/criticality';
import { Namespace } from '../workloads/namespace';
import { API_SERVER_PORTS, ingressFrom, tcpPorts } from '../workloads/network-peer';
import { ResourceProps, Resources, renderResources, resolveResources } from '../workloads/size';

const VELERO = Symbol.for('hardened-homelab.Velero');

/** The label every Velero pod (server and node agent) carries. */
export const VELERO_POD_LABELS = { 'app.kubernetes.io/name': 'velero' } as const;

/** Props of {@link Velero}. */
export interface VeleroProps {
  /**
   * Deploy the node agent (a DaemonSet) that copies pod volumes with kopia: file-system backups
   * and the snapshot data mover need it. It reads volumes under the profile's
   * `kubeletRootDir`, and makes the namespace Pod Security `privileged` (hostPath, root).
   * @default true
   */
  readonly nodeAgent?: boolean;
  /** Resources of the Velero server. @default { cpu: '100m', memory: '256Mi', memoryLimit: '1Gi' } */
  readonly serverResources?: ResourceProps;
  /**
   * Resources of each node agent. Kopia keeps file indexes in memory while it uploads.
   * @default { cpu: '100m', memory: '512Mi', memoryLimit: '2Gi' }
   */
  readonly nodeAgentResources?: ResourceProps;
  /** Resources of the kopia repository maintenance Jobs. @default { cpu: '100m', memory: '256Mi', memoryLimit: '1Gi' } */
  readonly maintenanceJobResources?: ResourceProps;
  /**
   * Tolerations of the node agent. A file-system backup reads a volume through the node agent
   * on the pod's node, so a node without one leaves its pods' volumes out of every backup.
   * @default [{ operator: 'Exists' }] (every node, whatever its taints)
   */
  readonly nodeAgentTolerations?: k8s.Toleration[];
  /** Create a ServiceMonitor for Velero's metrics (needs the Prometheus Operator CRDs). @default true */
  readonly serviceMonitor?: boolean;
  /**
   * Labels for the ServiceMonitor and for the PrometheusRules of the schedules, e.g. what a
   * Prometheus `ruleSelector` matches (`release: kube-prometheus-stack`).
   * @default {}
   */
  readonly monitoringLabels?: Record<string, string>;
  /** Namespace of the Prometheus that scrapes Velero (the NetworkPolicy lets it in on 8085). @default 'monitoring' */
  readonly prometheusNamespace?: string;
  /** Velero image (server, node agent, CRD upgrade Job). @default Images.velero */
  readonly image?: ImageRef;
  /** AWS object-store plugin image (an init container). @default Images.veleroPluginForAws */
  readonly awsPluginImage?: ImageRef;
  /** kubectl image of the chart's CRD upgrade Job. @default Images.veleroKubectl */
  readonly kubectlImage?: ImageRef;
  /** The Helm chart. @default Charts.velero */
  readonly chart?: ChartRef;
}

const MAX_MEMORY_RATIO = 4;

/**
 * The app pattern's resource checks ({@link resolveResources}), plus the ratio the Velero
 * namespace's LimitRange admits: the chart's pods get no exemption from it.
 */
function parseResources(where: string, prop: string, r: ResourceProps): Resources {
  const parsed = resolveResources(where, prop, r);
  if (parsed.memoryLimit.bytes > MAX_MEMORY_RATIO * parsed.memory.bytes) {
    throw new ValidationError(where, {
      prop: `${prop}.memoryLimit`, value: r.memoryLimit,
      rule: `the memory limit must be between the request (${r.memory}) and ${MAX_MEMORY_RATIO}x the request (the namespace LimitRange admits no higher ratio)`,
      fix: `set memoryLimit between "${r.memory}" and "${Memory.fromBytes(MAX_MEMORY_RATIO * parsed.memory.bytes).toString()}"`,
    });
  }
  return parsed;
}

/** A schedule registered with its Velero install, for staggering. */
export interface RegisteredSchedule {
  readonly name: string;
  readonly cron: CronSchedule;
}

/**
 * Velero, installed from its pinned Helm chart into a namespace of its own (a {@link Namespace}
 * chart: create BackupStorageLocations, schedules and ladders inside it).
 *
 * Chart values computed here: the pinned Velero, AWS-plugin and kubectl images (seed 004's
 * ImagePullBackOff came from a kubectl tag the chart derived from the cluster version), the
 * kopia uploader, the node agent with `podVolumePath` and `pluginVolumePath` under the profile's
 * `kubeletRootDir` (the seed's chart values named K3s's pre-0.10 kubelet path), no
 * credentials Secret of the chart's own (each location names its Secret), no locations or
 * schedules in the chart (they are this library's own objects, validated against the CRD
 * schemas and judged by the policies), metrics with a ServiceMonitor, restricted security
 * contexts for the server, priority classes, and resources that fit the namespace's quota.
 *
 * Besides the release, the namespace gets a ResourceQuota sized for the server, one node
 * agent per node, two maintenance Jobs and the CRD upgrade Job, and NetworkPolicies that let
 * the Velero pods reach the Kubernetes API and the object stores and let Prometheus scrape them.
 */
export class Velero extends Namespace {
  /** The Velero install `scope` belongs to (itself included), if any. */
  public static find(scope: IConstruct): Velero | undefined {
    for (let s: IConstruct | undefined = scope; s; s = s.node.scope) {
      if ((s as any)[VELERO] === true) return s as Velero;
    }
    return undefined;
  }

  /** The Velero install `scope` belongs to. @throws ValidationError when there is none */
  public static require(scope: IConstruct, what: string): Velero {
    const v = Velero.find(scope);
    if (!v) {
      throw new ValidationError(scope, {
        prop: 'scope', value: scope.node.path,
        rule: `a ${what} belongs to a Velero install`,
        fix: `create it inside the Velero namespace: \`const velero = new Velero(cluster, 'velero')\`, then \`new ${what}(velero, ...)\``,
      });
    }
    return v;
  }

  /** The Helm release. */
  public readonly release: UpstreamChart;
  /** Velero's version (the image tag), e.g. `v1.16.2`. */
  public readonly version: string;
  /** The AWS plugin's version (its image tag), e.g. `v1.12.2`. */
  public readonly awsPluginVersion: string;
  /** True when the node agent is deployed. */
  public readonly nodeAgent: boolean;
  /** Labels of the ServiceMonitor and PrometheusRules. */
  public readonly monitoringLabels: Readonly<Record<string, string>>;

  private readonly schedules: RegisteredSchedule[] = [];
  private readonly egressPorts = new Map<string, { port: number; cidr?: string }>();
  private readonly defaults: { name: string; path: string }[] = [];
  private readonly locationNames: string[] = [];

  constructor(scope: Construct, id = 'velero', props: VeleroProps = {}) {
    const where = `${scope.node.path}/${id}`;
    const profile = ClusterProfile.of(scope);
    const nodeAgent = props.nodeAgent ?? true;
    const server = parseResources(where, 'serverResources', props.serverResources ?? { cpu: '100m', memory: '256Mi', memoryLimit: '1Gi' });
    const agent = parseResources(where, 'nodeAgentResources', props.nodeAgentResources ?? { cpu: '100m', memory: '512Mi', memoryLimit: '2Gi' });
    const maintenance = parseResources(where, 'maintenanceJobResources', props.maintenanceJobResources ?? { cpu: '100m', memory: '256Mi', memoryLimit: '1Gi' });
    // Quota: the server, the CRD upgrade Job (which runs the server's resources), two
    // maintenance Jobs at a time and one node agent per node, plus a quarter of headroom.
    const agents = nodeAgent ? profile.nodes.length : 0;
    const sum = (f: (r: Resources) => number) => 2 * f(server) + 2 * f(maintenance) + agents * f(agent);
    const up = (v: number, step: number) => Math.ceil((v * 1.25) / step) * step;
    super(scope, id, {
      podSecurity: nodeAgent ? 'privileged' : 'baseline',
      quota: {
        cpu: Cpu.millis(up(sum((r) => r.cpu.millis), 50)).toString(),
        memory: Memory.fromBytes(up(sum((r) => r.memory.bytes), 64 * 2 ** 20)).toString(),
        memoryLimit: Memory.fromBytes(up(sum((r) => r.memoryLimit.bytes), 64 * 2 ** 20)).toString(),
      },
      labels: { 'app.kubernetes.io/part-of': 'velero' },
    });
    Object.defineProperty(this, VELERO, { value: true, enumerable: false });

    const image: ImageRef = props.image ?? Images.velero;
    const plugin: ImageRef = props.awsPluginImage ?? Images.veleroPluginForAws;
    const kubectl: ImageRef = props.kubectlImage ?? Images.veleroKubectl;
    for (const [prop, ref] of [['image', image], ['awsPluginImage', plugin], ['kubectlImage', kubectl]] as const) {
      if (!ref.tag || isFloatingTag(ref.tag)) {
        throw new ValidationError(this, { prop: `${prop}.tag`, value: ref.tag, rule: 'images are pinned to a release tag', fix: 'use the entry of the Images table, or a release tag such as "v1.16.2"' });
      }
    }
    this.version = image.tag;
    this.awsPluginVersion = plugin.tag;
    this.nodeAgent = nodeAgent;
    this.monitoringLabels = ValidationError.within(this, 'monitoringLabels', () => validateLabels({ ...(props.monitoringLabels ?? {}) }));
    const prometheusNamespace = ValidationError.within(this, 'prometheusNamespace', () => validateDnsLabel(props.prometheusNamespace ?? 'monitoring'));
    (props.nodeAgentTolerations ?? []).forEach((t, i) => ValidationError.within(this, `nodeAgentTolerations[${i}]`, () => validateToleration(t)));

    const restricted = {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    };
    const values: Record<string, unknown> = {
      image: { repository: image.repository, tag: image.tag, ...(image.digest ? { digest: image.digest } : {}), pullPolicy: 'IfNotPresent' },
      kubectl: {
        image: { repository: kubectl.repository, tag: kubectl.tag },
        containerSecurityContext: restricted,
        resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
        labels: { ...VELERO_POD_LABELS },
      },
      initContainers: [{
        name: 'velero-plugin-for-aws',
        image: imageReference(plugin),
        imagePullPolicy: 'IfNotPresent',
        securityContext: restricted,
        resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
        volumeMounts: [{ mountPath: '/target', name: 'plugins' }],
      }],
      resources: renderResources(server),
      podSecurityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
      containerSecurityContext: restricted,
      priorityClassName: PRIORITY_CLASSES[Criticality.CRITICAL].name,
      credentials: { useSecret: false },
      backupsEnabled: false,
      snapshotsEnabled: false,
      configuration: {
        uploaderType: 'kopia',
        backupStorageLocation: [],
        volumeSnapshotLocation: [],
        logFormat: 'json',
        repositoryMaintenanceJob: { ...renderResources(maintenance), latestJobsCount: 3 },
      },
      deployNodeAgent: nodeAgent,
      ...(nodeAgent ? {
        nodeAgent: {
          podVolumePath: `${profile.kubeletRootDir}/pods`,
          pluginVolumePath: `${profile.kubeletRootDir}/plugins`,
          resources: renderResources(agent),
          tolerations: props.nodeAgentTolerations ?? [{ operator: 'Exists' }],
          priorityClassName: PRIORITY_CLASSES[Criticality.STANDARD].name,
          podSecurityContext: { runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } },
          // root with the default capabilities: it reads and restores files of every owner
          containerSecurityContext: { privileged: false },
          dnsPolicy: 'ClusterFirst',
        },
      } : {}),
      metrics: {
        enabled: true,
        serviceMonitor: { enabled: props.serviceMonitor ?? true, autodetect: false, additionalLabels: { ...this.monitoringLabels } },
      },
      upgradeCRDs: true,
      schedules: {},
    };
    const asStrings = (r: Resources) => ({ cpu: r.cpu.toString(), memory: r.memory.toString(), memoryLimit: r.memoryLimit.toString() });
    this.release = new UpstreamChart(this, 'velero', {
      chart: props.chart ?? Charts.velero,
      values,
      providesApiGroups: ['velero.io'],
      // the server Deployment, and one node agent per node
      footprint: { ...asStrings(server), pods: 1, ...(nodeAgent ? { perNode: asStrings(agent) } : {}) },
      // the namespace-wide policies below cover every Velero pod, the maintenance Jobs included
      networkPolicy: false,
    });

    // The Velero pods call the Kubernetes API (443 via the Service, 6443 on K3s servers) and
    // the object stores (HTTPS, and each location's own port).
    new k8s.KubeNetworkPolicy(this, 'Egress', {
      metadata: { name: 'velero-egress', labels: { [LabelKeys.MANAGED_BY]: MANAGED_BY } },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: Lazy.any({
          produce: () => {
            const rules: k8s.NetworkPolicyEgressRule[] = [{ ports: tcpPorts(API_SERVER_PORTS) }];
            for (const { port, cidr } of [...this.egressPorts.values()].sort((a, b) => a.port - b.port || (a.cidr ?? '').localeCompare(b.cidr ?? ''))) {
              rules.push({ ...(cidr ? { to: [{ ipBlock: { cidr } }] } : {}), ports: tcpPorts([port]) });
            }
            return rules;
          },
        }) as any,
      },
    });
    new k8s.KubeNetworkPolicy(this, 'Metrics', {
      metadata: { name: 'velero-metrics', labels: { [LabelKeys.MANAGED_BY]: MANAGED_BY } },
      spec: {
        podSelector: { matchLabels: { ...VELERO_POD_LABELS } },
        policyTypes: ['Ingress'],
        ingress: [ingressFrom({ namespace: prometheusNamespace }, [8085])],
      },
    });

    this.node.addValidation({
      validate: () => {
        if (this.locationNames.length === 0) {
          return [new ValidationError(undefined, {
            prop: 'backupStorageLocations', value: [], rule: 'a Velero install needs a BackupStorageLocation',
            fix: "add one, e.g. `new BackupStorageLocation(velero, 'minio-local', { target: 'minio-local', credential: { name: 'minio-credentials' }, default: true })`",
          }).message];
        }
        if (this.defaults.length === 0) {
          return [new ValidationError(undefined, { prop: 'backupStorageLocations', value: this.locationNames, ...NO_DEFAULT_LOCATION }).message];
        }
        return [];
      },
    });
  }

  /** Names of the Schedules of this install and the minutes they fire at. @internal */
  public get registeredSchedules(): readonly RegisteredSchedule[] {
    return this.schedules;
  }

  /** Records a schedule (done by BackupSchedule). @internal */
  public _registerSchedule(name: string, cron: CronSchedule): void {
    this.schedules.push({ name, cron });
  }

  /**
   * The first minute of the hour that no schedule of this install uses, trying `start`,
   * `start + stagger`, … first and then every other minute.
   * @throws Error when all 60 minutes are taken
   */
  public freeMinute(start = 0, stagger = 10): number {
    const used = new Set(this.schedules.flatMap((s) => cronMinutes(s.cron)));
    const step = Math.max(1, Math.floor(stagger));
    for (let k = 0; k < Math.ceil(60 / step); k++) {
      const m = (start + k * step) % 60;
      if (!used.has(m)) return m;
    }
    for (let k = 0; k < 60; k++) {
      const m = (start + k) % 60;
      if (!used.has(m)) return m;
    }
    throw new ValidationError(this, { prop: 'schedules', value: this.schedules.length, rule: 'every minute of the hour already has a schedule', fix: 'merge schedules: one Velero backup runs at a time anyway' });
  }

  /** Records a location (done by BackupStorageLocation). @internal */
  public _registerLocation(name: string, path: string, isDefault: boolean, endpoint?: { port: number; cidr?: string }): void {
    if (this.locationNames.includes(name)) {
      throw new ValidationError(path, { prop: 'name', value: name, rule: 'a BackupStorageLocation of that name already exists in this Velero install', fix: 'give every location its own name' });
    }
    if (isDefault && this.defaults.length > 0) {
      throw new ValidationError(path, { prop: 'default', value: true, ...secondDefaultLocation(this.defaults[0].name) });
    }
    this.locationNames.push(name);
    if (isDefault) this.defaults.push({ name, path });
    if (endpoint && endpoint.port !== 443) this.egressPorts.set(`${endpoint.port}/${endpoint.cidr ?? ''}`, endpoint);
  }

  /** Name of the default BackupStorageLocation, once one is declared. */
  public get defaultLocationName(): string | undefined {
    return this.defaults[0]?.name;
  }
}
