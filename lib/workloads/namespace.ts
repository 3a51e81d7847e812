import { Chart, Lazy } from 'cdk8s';
import * as k8s from 'cdk8s-plus-29/lib/imports/k8s';
import { Construct } from 'constructs';
import { ValidationError, show } from '../core/errors';
import { MANAGED_BY, LabelKeys } from '../core/labels';
import { validateDnsLabel, validateLabels } from '../core/names';
import { uniqueId } from '../core/tree';
import { ClusterProfile } from '../core/profile';
import { Cpu, Memory } from '../core/quantity';
import { quotaDemandOf } from '../core/quota';
import { UpstreamChart, upstreamChartsOf } from '../gitops/upstream-chart';
import { AppWorkload } from './app-workload';

/** Explicit namespace ResourceQuota figures. */
export interface NamespaceQuota {
  /** `requests.cpu`. */
  readonly cpu: string;
  /** `requests.memory`. */
  readonly memory: string;
  /** `limits.memory`. */
  readonly memoryLimit: string;
  /** `pods`. @default - not limited */
  readonly pods?: number;
}

/** The namespace LimitRange (defaults for containers that do not say, and bounds). */
export interface NamespaceLimits {
  /** Default CPU request. @default '50m' */
  readonly defaultCpu?: string;
  /** Default memory request. @default '64Mi' */
  readonly defaultMemory?: string;
  /** Default memory limit. @default '256Mi' */
  readonly defaultMemoryLimit?: string;
  /** Largest memory limit/request ratio a container may have. @default 4 */
  readonly maxMemoryRatio?: number;
}

/** Props of {@link Namespace}. */
export interface NamespaceProps {
  /**
   * The ResourceQuota. By default it is derived from the apps in the namespace: their total
   * requests and memory limits plus `quotaHeadroom`, so the quota always admits what this
   * program deploys and stops what is added by hand.
   * @default - derived from the apps
   */
  readonly quota?: NamespaceQuota;
  /** Share added on top of the apps' totals for a derived quota. @default 0.25 */
  readonly quotaHeadroom?: number;
  /** @default - see NamespaceLimits */
  readonly limits?: NamespaceLimits;
  /** Pod Security admission level enforced. @default 'restricted' */
  readonly podSecurity?: 'restricted' | 'baseline' | 'privileged';
  /** Extra namespace labels. @default {} */
  readonly labels?: Record<string, string>;
}

/**
 * A namespace and its guard rails: the Namespace (Pod Security `restricted`), a ResourceQuota,
 * a LimitRange, a default-deny NetworkPolicy for both directions and an egress rule for DNS.
 * It is a cdk8s Chart: everything created inside it lands in this namespace, and apps inside
 * add their own allow rules.
 */
export class Namespace extends Chart {
  /** The namespace name (the construct id). */
  public readonly name: string;

  constructor(scope: Construct, id: string, props: NamespaceProps = {}) {
    const name = ValidationError.within(`${scope.node.path}/${id}`, 'id', () => validateDnsLabel(id));
    super(scope, uniqueId(scope, id), { namespace: name, disableResourceNameHashes: true });
    this.name = name;
    ClusterProfile.of(this);
    if (name === 'default' || name.startsWith('kube-')) {
      throw new ValidationError(this, { prop: 'id', value: name, rule: 'apps do not belong in default or kube-* namespaces', fix: 'name the namespace after what runs in it, e.g. "media"' });
    }
    const headroom = props.quotaHeadroom ?? 0.25;
    if (!(headroom >= 0 && headroom <= 10)) {
      throw new ValidationError(this, { prop: 'quotaHeadroom', value: props.quotaHeadroom, rule: 'must be a share from 0 to 10', fix: 'use e.g. 0.25 for 25% on top of the apps\' totals' });
    }
    const level = props.podSecurity ?? 'restricted';
    if (!['restricted', 'baseline', 'privileged'].includes(level)) {
      throw new ValidationError(this, { prop: 'podSecurity', value: props.podSecurity, rule: 'not a Pod Security Standard level', fix: 'use "restricted" (the default), "baseline" or "privileged"' });
    }
    ValidationError.within(this, 'labels', () => validateLabels(props.labels ?? {}));

    new k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name,
        labels: {
          'kubernetes.io/metadata.name': name,
          'pod-security.kubernetes.io/enforce': level,
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
          [LabelKeys.MANAGED_BY]: MANAGED_BY,
          ...(props.labels ?? {}),
        },
      },
    });

    const quota = props.quota ? this.parseQuota(props.quota) : undefined;
    if (quota) {
      this.node.addValidation({ validate: () => this.quotaShortfall(quota) });
    } else {
      this.node.addValidation({
        validate: () => upstreamChartsOf(this).filter((c) => !c.footprint).map((c) =>
          new ValidationError(c, { prop: 'footprint', value: undefined, rule: `namespace ${name} derives its ResourceQuota from what runs in it, and this chart's pods are not known`, fix: 'give the UpstreamChart a footprint (the requests of its pods), or give the Namespace an explicit quota' }).message),
      });
    }
    new k8s.KubeResourceQuota(this, 'ResourceQuota', {
      metadata: { name: 'compute' },
      spec: {
        hard: Lazy.any({
          produce: () => {
            const q = quota ?? this.derivedQuota(headroom);
            const hard: Record<string, k8s.Quantity> = {
              'requests.cpu': k8s.Quantity.fromString(q.cpu.toString()),
              'requests.memory': k8s.Quantity.fromString(q.memory.toString()),
              'limits.memory': k8s.Quantity.fromString(q.memoryLimit.toString()),
            };
            if (q.pods !== undefined) hard.pods = k8s.Quantity.fromNumber(q.pods);
            return hard;
          },
        }) as any,
      },
    });

    const l = props.limits ?? {};
    const ratio = l.maxMemoryRatio ?? 4;
    if (!(ratio >= 1)) {
      throw new ValidationError(this, { prop: 'limits.maxMemoryRatio', value: l.maxMemoryRatio, rule: 'a limit/request ratio below 1 rejects every container', fix: 'use 1 (limit = request) or more' });
    }
    if (typeof ratio !== 'number' || !Number.isFinite(ratio)) {
      throw new ValidationError(this, { prop: 'limits.maxMemoryRatio', value: l.maxMemoryRatio, rule: 'the ratio is written into the LimitRange as a quantity, so it is a finite number', fix: 'use a number such as 4, or leave maxMemoryRatio out' });
    }
    const defaultCpu = ValidationError.within(this, 'limits.defaultCpu', () => Cpu.parse(l.defaultCpu ?? '50m'));
    const defaultMemory = ValidationError.within(this, 'limits.defaultMemory', () => Memory.parse(l.defaultMemory ?? '64Mi'));
    const defaultMemoryLimit = ValidationError.within(this, 'limits.defaultMemoryLimit', () => Memory.parse(l.defaultMemoryLimit ?? '256Mi'));
    this.checkLimitDefaults(l, defaultMemory, defaultMemoryLimit, ratio);
    new k8s.KubeLimitRange(this, 'LimitRange', {
      metadata: { name: 'container-defaults' },
      spec: {
        limits: [{
          type: 'Container',
          defaultRequest: { cpu: k8s.Quantity.fromString(defaultCpu.toString()), memory: k8s.Quantity.fromString(defaultMemory.toString()) },
          default: { memory: k8s.Quantity.fromString(defaultMemoryLimit.toString()) },
          maxLimitRequestRatio: { memory: k8s.Quantity.fromString(String(ratio)) },
        }],
      },
    });

    new k8s.KubeNetworkPolicy(this, 'DefaultDeny', {
      metadata: { name: 'default-deny' },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    new k8s.KubeNetworkPolicy(this, 'AllowDns', {
      metadata: { name: 'allow-dns' },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [{ port: k8s.IntOrString.fromNumber(53), protocol: 'UDP' }, { port: k8s.IntOrString.fromNumber(53), protocol: 'TCP' }],
        }],
      },
    });
  }

  /** The upstream charts installed in this namespace. */
  public get charts(): UpstreamChart[] {
    return upstreamChartsOf(this);
  }

  /** The apps defined in this namespace. */
  public get workloads(): AppWorkload[] {
    return this.node.findAll().filter((c): c is AppWorkload => c instanceof AppWorkload);
  }

  /**
   * What the API server refuses in the LimitRange (a default request above the default limit,
   * `ValidateLimitRange`), and defaults that the LimitRanger admission refuses for every
   * container that takes both of them (a zero request, or a limit/request above the ratio).
   * The error names the prop the user gave: the ratio, else the limit, else the request.
   */
  private checkLimitDefaults(l: NamespaceLimits, request: Memory, limit: Memory, ratio: number): void {
    const given = (...props: (keyof NamespaceLimits)[]) => props.find((p) => l[p] !== undefined) ?? props[props.length - 1];
    if (request.bytes > limit.bytes) {
      const prop = given('defaultMemoryLimit', 'defaultMemory');
      throw new ValidationError(this, {
        prop: `limits.${prop}`, value: l[prop],
        rule: `the default memory request ${request} is above the default memory limit ${limit}, and the API server refuses such a LimitRange`,
        fix: `raise limits.defaultMemoryLimit to at least ${show(request.toString())}, or lower limits.defaultMemory to at most ${show(limit.toString())}`,
      });
    }
    if (request.bytes === 0) {
      throw new ValidationError(this, {
        prop: 'limits.defaultMemory', value: l.defaultMemory,
        rule: 'the LimitRange sets a memory limit/request ratio, which refuses every container whose memory request is zero, so every container taking this default would be refused at admission',
        fix: 'give a default request above zero, e.g. "64Mi"',
      });
    }
    if (limit.bytes / request.bytes > ratio) {
      const prop = given('maxMemoryRatio', 'defaultMemoryLimit', 'defaultMemory');
      const needed = Math.ceil((limit.bytes / request.bytes) * 100) / 100;
      throw new ValidationError(this, {
        prop: `limits.${prop}`, value: l[prop],
        rule: `a container that takes both defaults has memory limit/request ${limit}/${request} = ${needed}, above limits.maxMemoryRatio ${ratio}, so the LimitRanger would refuse every such container at admission`,
        fix: `raise limits.maxMemoryRatio to at least ${needed}, or bring limits.defaultMemoryLimit within ${ratio} × limits.defaultMemory`,
      });
    }
  }

  private parseQuota(q: NamespaceQuota) {
    if (q.pods !== undefined && (!Number.isInteger(q.pods) || q.pods < 1)) {
      throw new ValidationError(this, { prop: 'quota.pods', value: q.pods, rule: 'a pod quota is a whole number of at least 1', fix: 'count the pods the namespace runs (replicas, jobs, chart pods), or leave pods out' });
    }
    return {
      cpu: ValidationError.within(this, 'quota.cpu', () => Cpu.parse(q.cpu)),
      memory: ValidationError.within(this, 'quota.memory', () => Memory.parse(q.memory)),
      memoryLimit: ValidationError.within(this, 'quota.memoryLimit', () => Memory.parse(q.memoryLimit)),
      pods: q.pods,
    };
  }

  /**
   * What everything in the namespace takes from its ResourceQuota: apps (replicas × requests),
   * upstream charts (footprint, per-node pods × nodes) and registered quota consumers.
   */
  public demand(): { cpu: number; memory: number; memoryLimit: number } {
    let cpu = 0;
    let memory = 0;
    let memoryLimit = 0;
    const nodes = ClusterProfile.of(this).nodes.length;
    // one walk of the namespace's constructs
    for (const c of this.node.findAll()) {
      if (c instanceof AppWorkload) {
        const n = Math.max(c.replicas, 1);
        cpu += c.resources.cpu.millis * n;
        memory += c.resources.memory.bytes * n;
        memoryLimit += c.resources.memoryLimit.bytes * n;
      } else if (UpstreamChart.isUpstreamChart(c)) {
        const f = c.footprint;
        if (!f) continue;
        cpu += f.cpu.millis + (f.perNode?.cpu.millis ?? 0) * nodes;
        memory += f.memory.bytes + (f.perNode?.memory.bytes ?? 0) * nodes;
        memoryLimit += f.memoryLimit.bytes + (f.perNode?.memoryLimit.bytes ?? 0) * nodes;
      } else {
        const d = quotaDemandOf(c);
        if (!d) continue;
        cpu += d.cpu.millis;
        memory += d.memory.bytes;
        memoryLimit += d.memoryLimit.bytes;
      }
    }
    return { cpu, memory, memoryLimit };
  }

  private quotaShortfall(q: { cpu: Cpu; memory: Memory; memoryLimit: Memory }): string[] {
    const d = this.demand();
    const mi = (b: number) => `${Math.ceil(b / 2 ** 20)}Mi`;
    const out: string[] = [];
    const short = (key: string, prop: string, have: string, need: string) => out.push(new ValidationError(this, {
      prop: `quota.${prop}`, value: have, rule: `what runs in the namespace needs ${key} ${need}, so the ResourceQuota would reject pods at admission`, fix: `raise quota.${prop} to at least ${need}, or leave quota out to derive it`,
    }).message);
    if (q.cpu.millis < d.cpu) short('requests.cpu', 'cpu', q.cpu.toString(), `${d.cpu}m`);
    if (q.memory.bytes < d.memory) short('requests.memory', 'memory', q.memory.toString(), mi(d.memory));
    if (q.memoryLimit.bytes < d.memoryLimit) short('limits.memory', 'memoryLimit', q.memoryLimit.toString(), mi(d.memoryLimit));
    return out;
  }

  private derivedQuota(headroom: number) {
    const { cpu, memory, memoryLimit } = this.demand();
    // round up to 50m CPU and 64Mi memory so small edits do not churn the quota
    const up = (v: number, step: number) => Math.max(step, Math.ceil((v * (1 + headroom)) / step) * step);
    return {
      cpu: Cpu.millis(up(cpu, 50)),
      memory: Memory.fromBytes(up(memory, 64 * 2 ** 20)),
      memoryLimit: Memory.fromBytes(up(memoryLimit, 64 * 2 ** 20)),
      pods: undefined as number | undefined,
    };
  }
}
