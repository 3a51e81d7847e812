import { Construct, IConstruct } from 'constructs';
import { BackupTarget, BackupTargetProps, parseBackupTargets } from './backup-target';
import { ValidationError, invalid, show } from './errors';
import { validateDnsLabel, validateDnsSubdomain, validateLabelKey, validateLabelValue, validateLabels } from './names';
import { Cpu, Memory } from './quantity';

/** Kubernetes distribution of a cluster. */
export enum Distro {
  /** Rancher K3s: packages CoreDNS overrides, pre-creates RuntimeClasses for detected runtimes. */
  K3S = 'k3s',
  /** Upstream kubeadm-style Kubernetes. */
  KUBEADM = 'kubeadm',
  /** Talos Linux. */
  TALOS = 'talos',
}

/** Role of a node. */
export enum NodeRole {
  CONTROL_PLANE = 'control-plane',
  WORKER = 'worker',
}

/** Effect of a node taint. */
export enum TaintEffect {
  NO_SCHEDULE = 'NoSchedule',
  PREFER_NO_SCHEDULE = 'PreferNoSchedule',
  NO_EXECUTE = 'NoExecute',
}

/** GPU vendors the library knows how to schedule onto. */
export enum GpuVendor {
  NVIDIA = 'nvidia',
  INTEL = 'intel',
}

/** The GitOps controller that reconciles the synthesized tree. */
export enum GitOpsEngine {
  FLUX = 'flux',
  ARGO_CD = 'argo-cd',
}

/** Identity providers with known issuer URL formats. */
export enum IdentityProviderKind {
  /** Authentik: issuer `https://<host>/application/o/<slug>/`, trailing slash included. */
  AUTHENTIK = 'authentik',
  /** Any other OIDC provider; the issuer URL is given as is. */
  OIDC = 'oidc',
}

/** A node taint. */
export interface NodeTaint {
  readonly key: string;
  /** @default - no value */
  readonly value?: string;
  readonly effect: TaintEffect;
}

/** A disk (or group of disks) on a node, by storage tier. */
export interface NodeDisk {
  /** Tier name, e.g. `optane`, `nvme`, `sas-ssd`, `default`. Must be a DNS-1123 label. */
  readonly tier: string;
  /** Usable capacity, e.g. `220Gi`. */
  readonly capacity: string;
  /** Mount path on the node. @default - not recorded */
  readonly path?: string;
}

/** A GPU model on a node. */
export interface NodeGpu {
  readonly vendor: GpuVendor;
  /** Model name, e.g. `Tesla T4`. */
  readonly model: string;
  /** Memory of one physical GPU, e.g. `16Gi`. @default - unknown (no GPU memory budget) */
  readonly memory?: string;
  /** Number of physical GPUs of this model. @default 1 */
  readonly count?: number;
}

/** Allocatable resources of a node (`kubectl describe node`, "Allocatable"). */
export interface NodeAllocatable {
  /** e.g. `4` or `3800m`. */
  readonly cpu: string;
  /** e.g. `5929Mi`. */
  readonly memory: string;
  /** @default 110 */
  readonly pods?: number;
}

/** One node of the cluster. */
export interface ClusterNodeProps {
  /** The node name (`kubernetes.io/hostname`). */
  readonly name: string;
  /** @default NodeRole.WORKER */
  readonly role?: NodeRole;
  readonly allocatable: NodeAllocatable;
  /** Node labels besides `kubernetes.io/hostname`. @default {} */
  readonly labels?: Record<string, string>;
  /** @default [] */
  readonly taints?: NodeTaint[];
  /** @default [] */
  readonly disks?: NodeDisk[];
  /** @default [] */
  readonly gpus?: NodeGpu[];
}

/** The cluster's Gateway API entry point. */
export interface GatewayProps {
  readonly name: string;
  readonly namespace: string;
  /** Listener that HTTPRoutes attach to. @default 'https' */
  readonly sectionName?: string;
  /** The gateway's external IP (used for split-horizon DNS). @default - unknown */
  readonly ip?: string;
  /** The address range the gateway's proxies connect from (trusted by auth proxies). @default - unknown */
  readonly cidr?: string;
}

/** The identity provider that fronts admin UIs. */
export interface IdentityProviderProps {
  readonly kind: IdentityProviderKind;
  /** Public host of the provider, e.g. `authentik.example.net`. */
  readonly host: string;
}

/** Where the GitOps controller reads the synthesized tree. */
export interface GitOpsProps {
  readonly engine: GitOpsEngine;
  /** Git URL of the repository the tree is committed to. */
  readonly repoUrl: string;
  /** @default 'main' */
  readonly branch?: string;
  /** Path of the cluster tree inside the repository. @default 'dist/<cluster name>' */
  readonly path?: string;
}

/** A Service that lives in the cluster but is not synthesized by this program. */
export interface ExternalServiceProps {
  readonly name: string;
  readonly namespace: string;
  /** Ports it listens on. */
  readonly ports: number[];
  /** Why it is not synthesized here (shown in the report). */
  readonly reason: string;
}

/** The capacity budget of a cluster (what the placement analysis enforces). */
export interface CapacityBudgetProps {
  /** Largest share of allocatable memory that memory requests may use (error above). @default 0.85 */
  readonly maxMemoryRequestShare?: number;
  /** Largest share of allocatable CPU that CPU requests may use (warning above). @default 0.85 */
  readonly maxCpuRequestShare?: number;
  /** Largest ratio of memory limits to allocatable memory per node (over-commit; warning above). @default 1.5 */
  readonly maxMemoryLimitRatio?: number;
}

/** Typed facts about a cluster that every construct reads from its scope. */
export interface ClusterProfileProps {
  readonly distro: Distro;
  /** e.g. `v1.32.5+k3s1`. */
  readonly version: string;
  /**
   * The kubelet root directory. Every hostPath under it and every chart value naming it
   * (Longhorn `csi.kubeletRootDir`, Velero node agent pod volume path, device plugin
   * socket dir) is derived from this one value.
   *
   * K3s has used `/var/lib/kubelet` since v0.10 (k3s-io/k3s#840); the older
   * `/var/lib/rancher/k3s/agent/kubelet` is a pre-0.10 path.
   * @default '/var/lib/kubelet'
   */
  readonly kubeletRootDir?: string;
  readonly nodes: ClusterNodeProps[];
  /** The cluster's public DNS domain, e.g. `fletcherlabs.net`. @default - none (no routes) */
  readonly domain?: string;
  /** @default - none */
  readonly gateway?: GatewayProps;
  /** @default - none */
  readonly identityProvider?: IdentityProviderProps;
  /** @default - no GitOps controller objects are synthesized */
  readonly gitops?: GitOpsProps;
  /** Services that exist in the cluster but are not synthesized here. @default [] */
  readonly externalServices?: ExternalServiceProps[];
  /** Capacity budget the placement analysis (HK-X-04, HK-X-22) enforces. @default - see CapacityBudgetProps */
  readonly capacity?: CapacityBudgetProps;
  /**
   * Backup stores the cluster writes to (MinIO on the storage server, a Backblaze B2 bucket, …).
   * Velero BackupStorageLocations and the Longhorn backup target refer to them by name, so the
   * endpoint, bucket and region are written once.
   * @default []
   */
  readonly backupTargets?: BackupTargetProps[];
  /**
   * RuntimeClasses that exist in the cluster without this program creating them. Constructs
   * adopt these instead of synthesizing a conflicting object (e.g. the NVIDIA device plugin and
   * RuntimeClass `nvidia`).
   * @default - K3s since its December 2023 releases (v1.29.0, v1.28.5, v1.27.9, v1.26.12;
   * k3s-io/k3s#8936) pre-creates `nvidia`, `nvidia-experimental`, `crun` and the wasm runtimes'
   * classes ({@link K3S_RUNTIME_CLASSES}); older K3s and other distributions: none
   */
  readonly runtimeClasses?: string[];
}

/** RuntimeClasses that K3s creates on its own since its December 2023 releases (k3s-io/k3s#8936). */
export const K3S_RUNTIME_CLASSES: readonly string[] = [
  'crun', 'lunatic', 'nvidia', 'nvidia-experimental', 'slight', 'spin', 'wasmedge', 'wasmer', 'wasmtime', 'wws',
];

/** True when K3s `version` pre-creates the RuntimeClasses of {@link K3S_RUNTIME_CLASSES}. */
export function k3sCreatesRuntimeClasses(version: string): boolean {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
  if (!m) return false;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (major !== 1) return major > 1;
  const firstPatch: Record<number, number> = { 26: 12, 27: 9, 28: 5 };
  if (minor >= 29) return true;
  return firstPatch[minor] !== undefined && patch >= firstPatch[minor];
}

/** A node of a {@link ClusterProfile}, validated and with parsed quantities. */
export class ClusterNode {
  public readonly name: string;
  public readonly role: NodeRole;
  public readonly cpu: Cpu;
  public readonly memory: Memory;
  public readonly pods: number;
  /** All labels, including `kubernetes.io/hostname`. */
  public readonly labels: Readonly<Record<string, string>>;
  public readonly taints: readonly NodeTaint[];
  public readonly disks: readonly { tier: string; capacity: Memory; path?: string }[];
  public readonly gpus: readonly { vendor: GpuVendor; model: string; memory?: Memory; count: number }[];

  /** @internal */
  constructor(p: ClusterNodeProps, prop: string, where: string) {
    recordAt(p, where, prop, 'a node', '{ name: "worker1", allocatable: { cpu: "4", memory: "8Gi" } }');
    this.name = ValidationError.within(where, `${prop}.name`, () => validateDnsSubdomain(p.name));
    this.role = p.role ?? NodeRole.WORKER;
    this.cpu = ValidationError.within(where, `${prop}.allocatable.cpu`, () => Cpu.parse(p.allocatable?.cpu));
    this.memory = ValidationError.within(where, `${prop}.allocatable.memory`, () => Memory.parse(p.allocatable?.memory));
    if (this.cpu.millis <= 0 || this.memory.bytes <= 0) {
      throw new ValidationError(where, { prop: `${prop}.allocatable`, value: p.allocatable, rule: 'allocatable cpu and memory must be greater than zero', fix: 'copy the "Allocatable" figures from `kubectl describe node`' });
    }
    this.pods = p.allocatable.pods ?? 110;
    if (!Number.isInteger(this.pods) || this.pods < 1) {
      throw new ValidationError(where, { prop: `${prop}.allocatable.pods`, value: p.allocatable.pods, rule: 'the pod capacity of a node is a whole number of at least 1', fix: 'copy "pods" from the "Allocatable" figures of `kubectl describe node` (110 by default), or leave it out' });
    }
    if (p.role !== undefined && !Object.values(NodeRole).includes(p.role)) {
      throw new ValidationError(where, { prop: `${prop}.role`, value: p.role, rule: 'unknown node role', fix: 'use NodeRole.CONTROL_PLANE or NodeRole.WORKER' });
    }
    ValidationError.within(where, `${prop}.labels`, () => validateLabels(p.labels ?? {}));
    this.labels = { ...(p.labels ?? {}), 'kubernetes.io/hostname': this.name };
    this.taints = listAt(p.taints, where, `${prop}.taints`, 'node taints', '[{ key: "gpu", effect: TaintEffect.NO_SCHEDULE }]').map((t, i) => {
      recordAt(t, where, `${prop}.taints[${i}]`, 'a taint', '{ key: "gpu", value: "true", effect: TaintEffect.NO_SCHEDULE }');
      ValidationError.within(where, `${prop}.taints[${i}].key`, () => validateLabelKey(t.key));
      if (t.value !== undefined) ValidationError.within(where, `${prop}.taints[${i}].value`, () => validateLabelValue(t.value as string));
      if (!Object.values(TaintEffect).includes(t.effect)) {
        throw new ValidationError(where, { prop: `${prop}.taints[${i}].effect`, value: t.effect, rule: 'not a taint effect', fix: 'use TaintEffect.NO_SCHEDULE, PREFER_NO_SCHEDULE or NO_EXECUTE' });
      }
      return { ...t };
    });
    this.disks = listAt(p.disks, where, `${prop}.disks`, 'node disks', '[{ tier: "nvme", capacity: "400Gi" }]').map((d, i) => {
      recordAt(d, where, `${prop}.disks[${i}]`, 'a disk', '{ tier: "nvme", capacity: "400Gi", path: "/var/lib/longhorn" }');
      const tier = ValidationError.within(where, `${prop}.disks[${i}].tier`, () => validateDnsLabel(d.tier));
      const capacity = ValidationError.within(where, `${prop}.disks[${i}].capacity`, () => Memory.parse(d.capacity));
      if (capacity.bytes === 0) {
        throw new ValidationError(where, { prop: `${prop}.disks[${i}].capacity`, value: d.capacity, rule: 'a disk of zero capacity holds no volume', fix: 'give the usable capacity, e.g. "400Gi", or remove the disk' });
      }
      if (d.path !== undefined && (typeof d.path !== 'string' || !d.path.startsWith('/'))) {
        throw new ValidationError(where, { prop: `${prop}.disks[${i}].path`, value: d.path, rule: 'a mount path on the node is absolute', fix: `use "/${String(d.path ?? '').replace(/^\/*/, '')}", or leave path out` });
      }
      return { tier, capacity, path: d.path };
    });
    this.gpus = listAt(p.gpus, where, `${prop}.gpus`, 'node GPUs', '[{ vendor: GpuVendor.NVIDIA, model: "Tesla T4" }]').map((g, i) => {
      recordAt(g, where, `${prop}.gpus[${i}]`, 'a GPU entry', '{ vendor: GpuVendor.NVIDIA, model: "Tesla T4", memory: "16Gi" }');
      const count = g.count ?? 1;
      if (!Number.isInteger(count) || count < 1) {
        throw new ValidationError(where, { prop: `${prop}.gpus[${i}].count`, value: g.count, rule: 'a GPU count must be a whole number of at least 1', fix: 'give the number of physical GPUs of this model, or remove the entry' });
      }
      if (!Object.values(GpuVendor).includes(g.vendor)) {
        throw new ValidationError(where, { prop: `${prop}.gpus[${i}].vendor`, value: g.vendor, rule: 'unknown GPU vendor', fix: 'use GpuVendor.NVIDIA or GpuVendor.INTEL' });
      }
      if (typeof g.model !== 'string' || g.model.trim() === '') {
        throw new ValidationError(where, { prop: `${prop}.gpus[${i}].model`, value: g.model, rule: 'a GPU entry names its model', fix: 'give the model as `nvidia-smi -L` or `lspci` shows it, e.g. "Tesla T4"' });
      }
      const memory = g.memory === undefined ? undefined : ValidationError.within(where, `${prop}.gpus[${i}].memory`, () => Memory.parse(g.memory as string));
      if (memory !== undefined && memory.bytes === 0) {
        throw new ValidationError(where, { prop: `${prop}.gpus[${i}].memory`, value: g.memory, rule: 'a GPU with zero memory fits no model', fix: 'give the memory of one physical GPU, e.g. "16Gi" for a Tesla T4, or leave it out' });
      }
      return {
        vendor: g.vendor,
        model: g.model,
        memory,
        count,
      };
    });
  }

  /** Number of physical GPUs of `vendor` on this node. */
  public gpuCount(vendor: GpuVendor): number {
    return this.gpus.filter((g) => g.vendor === vendor).reduce((n, g) => n + g.count, 0);
  }

  /** True when a pod with `tolerations` may schedule here (NoSchedule/NoExecute taints honoured). */
  public tolerates(tolerations: readonly { key?: string; operator?: string; value?: string; effect?: string }[]): boolean {
    return this.taints
      .filter((t) => t.effect !== TaintEffect.PREFER_NO_SCHEDULE)
      .every((t) => tolerations.some((tol) => tolerationMatches(tol, t)));
  }
}

/** A toleration as pod specs and chart values write it. */
export interface TolerationSpec {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

/**
 * The tolerations a pod needs to run on every node of `nodes`: one per distinct NoSchedule /
 * NoExecute taint (`Exists` when the taint has no value), skipping taints that `given`
 * tolerations already cover. PreferNoSchedule taints need none.
 */
export function tolerationsFor(nodes: readonly ClusterNode[], given: readonly TolerationSpec[] = []): TolerationSpec[] {
  const out: TolerationSpec[] = [];
  for (const n of nodes) {
    for (const t of n.taints) {
      if (t.effect === TaintEffect.PREFER_NO_SCHEDULE) continue;
      if ([...given, ...out].some((x) => tolerationMatches(x, t))) continue;
      out.push(t.value === undefined ? { key: t.key, operator: 'Exists', effect: t.effect } : { key: t.key, operator: 'Equal', value: t.value, effect: t.effect });
    }
  }
  return out;
}

/**
 * Checks a pod toleration as the API server does: a label-key `key` (an empty key needs
 * operator `Exists`, which tolerates every taint), operator `Equal` (the default) or `Exists`,
 * no value with `Exists` and a label value with `Equal`, an effect of `NoSchedule`,
 * `PreferNoSchedule` or `NoExecute` (empty: every effect), and `tolerationSeconds` only with
 * `NoExecute`. Throws a path-less ValidationError naming the field.
 */
export function validateToleration(t: TolerationSpec & { tolerationSeconds?: number }): TolerationSpec {
  if (typeof t !== 'object' || t === null) {
    invalid('', t, 'not a toleration', 'write e.g. { key: "gpu", operator: "Exists", effect: "NoSchedule" }');
  }
  const operator = t.operator ?? 'Equal';
  if (operator !== 'Equal' && operator !== 'Exists') {
    invalid('operator', t.operator, 'a toleration operator is "Equal" or "Exists"', 'use "Exists" to match any value of the key, "Equal" to match one value');
  }
  if (t.key !== undefined && t.key !== '') {
    ValidationError.under('key', () => validateLabelKey(t.key as string));
  } else if (operator !== 'Exists') {
    invalid('key', t.key, 'a toleration without a key matches every taint, which needs operator "Exists"', 'give the taint\'s key, or operator: "Exists" to tolerate every taint');
  }
  if (operator === 'Exists' && t.value !== undefined && t.value !== '') {
    invalid('value', t.value, 'operator "Exists" matches any value, so the toleration must not have one', 'remove value, or use operator "Equal"');
  }
  if (operator === 'Equal' && t.value !== undefined) {
    ValidationError.under('value', () => validateLabelValue(t.value as string));
  }
  if (t.effect !== undefined && t.effect !== '' && !Object.values(TaintEffect).includes(t.effect as TaintEffect)) {
    invalid('effect', t.effect, 'not a taint effect', 'use "NoSchedule", "PreferNoSchedule" or "NoExecute" (TaintEffect.*), or leave effect out to match every effect');
  }
  if (t.tolerationSeconds !== undefined && t.effect !== TaintEffect.NO_EXECUTE) {
    invalid('tolerationSeconds', t.tolerationSeconds, 'tolerationSeconds applies to NoExecute taints only', 'set effect: "NoExecute", or remove tolerationSeconds');
  }
  return t;
}

/** True when toleration `tol` tolerates taint `t`. */
export function tolerationMatches(tol: TolerationSpec, t: NodeTaint): boolean {
  if (tol.effect && tol.effect !== t.effect) return false;
  if (tol.operator === 'Exists') return tol.key === undefined || tol.key === '' || tol.key === t.key;
  return tol.key === t.key && (tol.value ?? '') === (t.value ?? '');
}

const PROFILE = Symbol.for('hardened-homelab.ClusterProfile');

/**
 * Typed facts about one cluster: distribution and version, kubelet root dir, nodes with their
 * allocatable resources, labels, taints, disks by tier and GPUs, domain, gateway, identity
 * provider and GitOps engine. Validated once; read by every construct through
 * {@link ClusterProfile.of}.
 */
export class ClusterProfile {
  /**
   * The profile of the cluster that `scope` belongs to.
   * @throws ValidationError when `scope` is not inside a `Cluster`.
   */
  public static of(scope: IConstruct): ClusterProfile {
    const found = ClusterProfile.tryOf(scope);
    if (!found) {
      throw new ValidationError(scope, {
        prop: 'scope',
        value: scope.node.path,
        rule: 'this construct is not inside a Cluster, so it has no ClusterProfile',
        fix: "create it inside a Cluster: `const cluster = new Cluster(app, 'homelab', { profile })`, then `new Namespace(cluster, 'media')`",
      });
    }
    return found;
  }

  /** Like {@link of}, but `undefined` outside a Cluster. */
  public static tryOf(scope: IConstruct): ClusterProfile | undefined {
    for (let s: IConstruct | undefined = scope; s; s = s.node.scope) {
      const p = (s as any)[PROFILE];
      if (p instanceof ClusterProfile) {
        return p;
      }
    }
    return undefined;
  }

  /** @internal attaches a profile to a construct so that its subtree finds it */
  public static _attach(scope: Construct, profile: ClusterProfile): void {
    Object.defineProperty(scope, PROFILE, { value: profile, enumerable: false });
  }

  /** The cluster name (the Cluster construct's id). */
  public readonly name: string;
  public readonly distro: Distro;
  public readonly version: string;
  public readonly kubeletRootDir: string;
  public readonly nodes: readonly ClusterNode[];
  public readonly domain?: string;
  public readonly gateway?: Required<Pick<GatewayProps, 'name' | 'namespace' | 'sectionName'>> & Pick<GatewayProps, 'ip' | 'cidr'>;
  public readonly identityProvider?: IdentityProviderProps;
  public readonly gitops?: Required<GitOpsProps>;
  public readonly externalServices: readonly ExternalServiceProps[];
  /** The capacity budget, defaults resolved. */
  public readonly capacity: Required<CapacityBudgetProps>;
  /** Validated backup targets (see {@link ClusterProfileProps.backupTargets}). */
  public readonly backupTargets: readonly BackupTarget[];
  /** RuntimeClasses that exist without being synthesized (see {@link ClusterProfileProps.runtimeClasses}). */
  public readonly runtimeClasses: readonly string[];
  private readonly byName: Map<string, ClusterNode>;

  /**
   * @param name the cluster name
   * @param props the facts
   * @param where the path used in error messages (the Cluster construct's path)
   */
  constructor(name: string, props: ClusterProfileProps, where: string = `ClusterProfile(${name})`) {
    this.name = ValidationError.within(where, 'name', () => validateDnsLabel(name));
    recordAt(props, where, 'profile', 'the cluster profile', '{ distro: Distro.K3S, version: "v1.32.5+k3s1", nodes: [...] }');
    if (!Object.values(Distro).includes(props.distro)) {
      throw new ValidationError(where, { prop: 'profile.distro', value: props.distro, rule: 'unknown distribution', fix: 'use Distro.K3S, Distro.KUBEADM or Distro.TALOS' });
    }
    this.distro = props.distro;
    if (typeof props.version !== 'string' || !/^v?\d+\.\d+(\.\d+)?([-+].*)?$/.test(props.version)) {
      throw new ValidationError(where, { prop: 'profile.version', value: props.version, rule: 'not a Kubernetes version', fix: 'use the server version, e.g. "v1.32.5+k3s1"' });
    }
    this.version = props.version;
    this.kubeletRootDir = props.kubeletRootDir ?? '/var/lib/kubelet';
    if (typeof this.kubeletRootDir !== 'string' || !this.kubeletRootDir.startsWith('/') || this.kubeletRootDir.endsWith('/')) {
      throw new ValidationError(where, { prop: 'profile.kubeletRootDir', value: props.kubeletRootDir, rule: 'must be an absolute path without a trailing slash', fix: 'use "/var/lib/kubelet" (the K3s default since v0.10)' });
    }
    if (!Array.isArray(props.nodes) || props.nodes.length === 0) {
      throw new ValidationError(where, { prop: 'profile.nodes', value: props.nodes, rule: 'a cluster needs at least one node', fix: 'list every node with its allocatable cpu and memory' });
    }
    this.byName = new Map();
    this.nodes = props.nodes.map((n, i) => {
      const node = new ClusterNode(n, `profile.nodes[${i}]`, where);
      if (this.byName.has(node.name)) {
        throw new ValidationError(where, { prop: `profile.nodes[${i}].name`, value: node.name, rule: 'duplicate node name', fix: 'give every node its own name, as `kubectl get nodes` shows them' });
      }
      this.byName.set(node.name, node);
      return node;
    });
    if (props.domain !== undefined) {
      this.domain = ValidationError.within(where, 'profile.domain', () => validateDnsSubdomain(props.domain as string));
    }
    if (props.gateway) {
      const g = recordAt(props.gateway, where, 'profile.gateway', 'the gateway', '{ name: "main-gateway", namespace: "networking" }');
      ValidationError.within(where, 'profile.gateway.name', () => validateDnsLabel(g.name));
      ValidationError.within(where, 'profile.gateway.namespace', () => validateDnsLabel(g.namespace));
      if (g.sectionName !== undefined) ValidationError.within(where, 'profile.gateway.sectionName', () => validateDnsSubdomain(g.sectionName as string));
      if (g.ip !== undefined && !isIpv4(g.ip)) {
        throw new ValidationError(where, { prop: 'profile.gateway.ip', value: g.ip, rule: 'not an IPv4 address', fix: 'give the address the gateway Service got, e.g. "192.168.10.224"' });
      }
      if (g.cidr !== undefined) {
        const cidr = parseCidr(g.cidr);
        if (!cidr) {
          throw new ValidationError(where, { prop: 'profile.gateway.cidr', value: g.cidr, rule: 'not an IPv4 CIDR', fix: 'write it like "192.168.10.224/28"' });
        }
        if (g.ip !== undefined && !cidrContains(cidr, g.ip)) {
          throw new ValidationError(where, { prop: 'profile.gateway.ip', value: g.ip, rule: `the gateway IP is outside the gateway range ${g.cidr}`, fix: 'fix the IP or the CIDR so that the range contains the IP' });
        }
      }
      this.gateway = { name: g.name, namespace: g.namespace, sectionName: g.sectionName ?? 'https', ip: g.ip, cidr: g.cidr };
    }
    if (props.identityProvider) {
      recordAt(props.identityProvider, where, 'profile.identityProvider', 'the identity provider', '{ kind: IdentityProviderKind.AUTHENTIK, host: "auth.example.net" }');
      if (!Object.values(IdentityProviderKind).includes(props.identityProvider.kind)) {
        throw new ValidationError(where, { prop: 'profile.identityProvider.kind', value: props.identityProvider.kind, rule: 'unknown identity provider', fix: 'use IdentityProviderKind.AUTHENTIK or IdentityProviderKind.OIDC' });
      }
      ValidationError.within(where, 'profile.identityProvider.host', () => validateDnsSubdomain(props.identityProvider!.host));
      this.identityProvider = { ...props.identityProvider };
    }
    if (props.gitops) {
      const g = recordAt(props.gitops, where, 'profile.gitops', 'the GitOps settings', '{ engine: GitOpsEngine.FLUX, repoUrl: "https://github.com/example/lab" }');
      if (!Object.values(GitOpsEngine).includes(g.engine)) {
        throw new ValidationError(where, { prop: 'profile.gitops.engine', value: g.engine, rule: 'unknown GitOps engine', fix: 'use GitOpsEngine.FLUX or GitOpsEngine.ARGO_CD' });
      }
      if (!/^(https:\/\/|ssh:\/\/|git@)\S+$/.test(g.repoUrl ?? '')) {
        throw new ValidationError(where, { prop: 'profile.gitops.repoUrl', value: g.repoUrl, rule: 'not a Git URL', fix: 'use an https:// or ssh:// URL of the repository the tree is committed to' });
      }
      if (g.branch !== undefined && (typeof g.branch !== 'string' || g.branch.trim() === '')) {
        throw new ValidationError(where, { prop: 'profile.gitops.branch', value: g.branch, rule: 'a branch name is a non-empty string', fix: 'give the branch the tree is committed to, e.g. "main", or leave branch out' });
      }
      if (g.path !== undefined && typeof g.path !== 'string') {
        throw new ValidationError(where, { prop: 'profile.gitops.path', value: g.path, rule: 'the tree\'s path in the repository is a string', fix: `use e.g. "dist/${this.name}", or leave path out` });
      }
      const path = (g.path ?? `dist/${this.name}`).replace(/^\.\//, '').replace(/\/$/, '');
      this.gitops = { engine: g.engine, repoUrl: g.repoUrl, branch: g.branch ?? 'main', path };
    }
    const cap = props.capacity === undefined || props.capacity === null ? {} : recordAt(props.capacity, where, 'profile.capacity', 'the capacity budget', '{ maxMemoryRequestShare: 0.85 }');
    this.capacity = {
      maxMemoryRequestShare: cap.maxMemoryRequestShare ?? 0.85,
      maxCpuRequestShare: cap.maxCpuRequestShare ?? 0.85,
      maxMemoryLimitRatio: cap.maxMemoryLimitRatio ?? 1.5,
    };
    for (const [k, v] of Object.entries(this.capacity)) {
      const max = k === 'maxMemoryLimitRatio' ? 10 : 1;
      if (!(typeof v === 'number' && v > 0 && v <= max)) {
        throw new ValidationError(where, { prop: `profile.capacity.${k}`, value: (cap as any)[k], rule: `must be a number above 0 and at most ${max}`, fix: k === 'maxMemoryLimitRatio' ? 'use e.g. 1.5 (limits may add up to 150% of allocatable memory)' : 'use a share such as 0.85 (85% of allocatable)' });
      }
    }
    this.externalServices = listAt(props.externalServices, where, 'profile.externalServices', 'external services', '[{ name: "postgres", namespace: "data", ports: [5432], reason: "..." }]').map((s, i) => {
      recordAt(s, where, `profile.externalServices[${i}]`, 'an external service', '{ name: "postgres", namespace: "data", ports: [5432], reason: "installed by the platform repo" }');
      ValidationError.within(where, `profile.externalServices[${i}].name`, () => validateDnsLabel(s.name));
      ValidationError.within(where, `profile.externalServices[${i}].namespace`, () => validateDnsLabel(s.namespace));
      if (!Array.isArray(s.ports) || s.ports.length === 0 || !s.ports.every((p) => Number.isInteger(p) && p >= 1 && p <= 65535)) {
        throw new ValidationError(where, { prop: `profile.externalServices[${i}].ports`, value: s.ports, rule: 'list the Service\'s ports, each a whole number from 1 to 65535', fix: 'e.g. ports: [9090]' });
      }
      if (typeof s.reason !== 'string' || s.reason.trim() === '') {
        throw new ValidationError(where, { prop: `profile.externalServices[${i}].reason`, value: s.reason, rule: 'an external service needs a reason', fix: 'say where it comes from, e.g. "installed by the platform repo"' });
      }
      return { ...s, ports: [...s.ports] };
    });
    this.backupTargets = parseBackupTargets(props.backupTargets, where);
    const declaredRuntimeClasses = props.runtimeClasses === undefined ? undefined : listAt(props.runtimeClasses, where, 'profile.runtimeClasses', 'RuntimeClasses', '["nvidia"]');
    this.runtimeClasses = (declaredRuntimeClasses ?? (this.distro === Distro.K3S && k3sCreatesRuntimeClasses(this.version) ? K3S_RUNTIME_CLASSES : []))
      .map((r, i) => ValidationError.within(where, `profile.runtimeClasses[${i}]`, () => validateDnsSubdomain(r)));
  }

  /** True when RuntimeClass `name` exists in the cluster without this program creating it. */
  public hasRuntimeClass(name: string): boolean {
    return this.runtimeClasses.includes(name);
  }

  /**
   * The backup target named `name`.
   * @throws ValidationError naming `prop` and the known targets when there is none.
   */
  public backupTarget(name: string, scope?: IConstruct | string, prop = 'target'): BackupTarget {
    const t = this.backupTargets.find((x) => x.name === name);
    if (!t) {
      const known = this.backupTargets.map((x) => x.name);
      throw new ValidationError(scope ?? `ClusterProfile(${this.name})`, {
        prop,
        value: name,
        rule: `no backup target of that name in the ${this.name} profile (${known.length ? `targets: ${known.join(', ')}` : 'it declares none'})`,
        fix: known.length ? `use one of ${known.map((k) => show(k)).join(', ')}, or add the target to profile.backupTargets` : 'declare the store in profile.backupTargets, or pass the target\'s props inline',
      });
    }
    return t;
  }

  /**
   * The node named `name`.
   * @throws ValidationError naming `prop` and the known nodes when there is none.
   */
  public node(name: string, scope?: IConstruct | string, prop = 'node'): ClusterNode {
    const n = this.byName.get(name);
    if (!n) {
      const known = [...this.byName.keys()];
      throw new ValidationError(scope ?? `ClusterProfile(${this.name})`, {
        prop,
        value: name,
        rule: `no node of that name in the ${this.name} profile (nodes: ${known.join(', ')})`,
        fix: `use one of ${known.map((k) => show(k)).join(', ')}, or add the node to the profile`,
      });
    }
    return n;
  }

  /**
   * The node named `name`, which must have a GPU of `vendor`.
   * @throws ValidationError when the node is unknown or has no such GPU
   */
  public gpuNode(name: string, vendor: GpuVendor, scope?: IConstruct | string, prop = 'node'): ClusterNode {
    const n = this.node(name, scope, prop);
    if (n.gpuCount(vendor) === 0) {
      const withGpu = this.nodes.filter((x) => x.gpuCount(vendor) > 0).map((x) => x.name);
      throw new ValidationError(scope ?? `ClusterProfile(${this.name})`, {
        prop, value: name,
        rule: `node ${name} has no ${vendor} GPU in the ${this.name} profile${withGpu.length ? ` (${vendor} GPUs are on ${withGpu.join(', ')})` : ` (no node has one)`}`,
        fix: withGpu.length ? `place the workload on ${withGpu.map((x) => show(x)).join(' or ')}` : `add the GPU to the node's gpus in the profile`,
      });
    }
    return n;
  }

  /** Nodes that carry all of `labels`. */
  public nodesWithLabels(labels: Record<string, string>): ClusterNode[] {
    return this.nodes.filter((n) => Object.entries(labels).every(([k, v]) => n.labels[k] === v));
  }
}

/** True for a non-null object that is not an array: what a props object must be. */
function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * `value` checked to be an object (JavaScript callers can pass anything, and reading a field of
 * `null` or a string would be a TypeError or a silent default).
 * @throws ValidationError naming `prop`
 */
function recordAt<T>(value: T, where: string, prop: string, what: string, example: string): T {
  if (!isRecord(value)) {
    throw new ValidationError(where, { prop, value, rule: `${what} must be an object`, fix: `write e.g. ${example}` });
  }
  return value;
}

/**
 * `value` as a list (empty when it is undefined or null); anything else is refused.
 * @throws ValidationError naming `prop`
 */
function listAt<T>(value: readonly T[] | undefined | null, where: string, prop: string, what: string, example: string): readonly T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw new ValidationError(where, { prop, value, rule: `${what} must be a list`, fix: `write an array, e.g. ${example}` });
  }
  return value;
}

/** True for a dotted-quad IPv4 address. */
export function isIpv4(s: string): boolean {
  const parts = String(s).split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);
}

/** Parses `a.b.c.d/n`; `undefined` when malformed. */
export function parseCidr(s: string): { base: number; bits: number } | undefined {
  const [ip, bits, ...rest] = String(s).split('/');
  if (rest.length || !isIpv4(ip) || !/^\d{1,2}$/.test(bits ?? '') || Number(bits) > 32) {
    return undefined;
  }
  return { base: ipToInt(ip), bits: Number(bits) };
}

function cidrContains(c: { base: number; bits: number }, ip: string): boolean {
  const size = 2 ** (32 - c.bits);
  const start = Math.floor(c.base / size) * size;
  const v = ipToInt(ip);
  return v >= start && v < start + size;
}

