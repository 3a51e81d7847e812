import * as k8s from 'cdk8s-plus-29/lib/imports/k8s';
import { IConstruct } from 'constructs';
import { ValidationError } from '../core/errors';
import { Cpu, Memory } from '../core/quantity';

/** Explicit requests and limits for an app's main container. */
export interface ResourceProps {
  /** CPU request, e.g. `50m`. */
  readonly cpu: string;
  /** Memory request, e.g. `128Mi`. */
  readonly memory: string;
  /** Memory limit, e.g. `512Mi`. Must be at least the request. */
  readonly memoryLimit: string;
  /**
   * CPU limit. CPU limits throttle instead of protecting anything on a small cluster, so
   * none is set unless asked for.
   * @default - no CPU limit
   */
  readonly cpuLimit?: string;
}

/** Parsed resources (see {@link ResourceProps}). */
export interface Resources {
  readonly cpu: Cpu;
  readonly memory: Memory;
  readonly memoryLimit: Memory;
  readonly cpuLimit?: Cpu;
}

/**
 * Named resource presets: CPU request, memory request and a memory limit of twice the
 * request, no CPU limit. Use {@link ResourceProps} when a preset does not fit.
 */
export class AppSize {
  /** 10m CPU, 32Mi memory, limit 64Mi. */
  public static readonly NANO = new AppSize('nano', '10m', '32Mi', '64Mi');
  /** 25m CPU, 64Mi memory, limit 128Mi. */
  public static readonly MICRO = new AppSize('micro', '25m', '64Mi', '128Mi');
  /** 50m CPU, 128Mi memory, limit 256Mi. */
  public static readonly SMALL = new AppSize('small', '50m', '128Mi', '256Mi');
  /** 100m CPU, 256Mi memory, limit 512Mi. */
  public static readonly MEDIUM = new AppSize('medium', '100m', '256Mi', '512Mi');
  /** 250m CPU, 512Mi memory, limit 1Gi. */
  public static readonly LARGE = new AppSize('large', '250m', '512Mi', '1Gi');
  /** 500m CPU, 1Gi memory, limit 2Gi. */
  public static readonly XLARGE = new AppSize('xlarge', '500m', '1Gi', '2Gi');
  /** 1 CPU, 2Gi memory, limit 4Gi. */
  public static readonly XXLARGE = new AppSize('2xlarge', '1', '2Gi', '4Gi');

  private constructor(public readonly name: string, cpu: string, memory: string, memoryLimit: string) {
    this.resources = { cpu, memory, memoryLimit };
  }

  /** The preset as explicit resources. */
  public readonly resources: ResourceProps;
}

/**
 * Parses and checks resources for `scope` (a construct, or the path of one not created yet):
 * quantities valid, requests > 0, limits ≥ requests.
 * @internal
 */
export function resolveResources(scope: IConstruct | string, prop: string, r: ResourceProps): Resources {
  const cpu = ValidationError.within(scope, `${prop}.cpu`, () => Cpu.parse(r.cpu));
  const memory = ValidationError.within(scope, `${prop}.memory`, () => Memory.parse(r.memory));
  const memoryLimit = ValidationError.within(scope, `${prop}.memoryLimit`, () => Memory.parse(r.memoryLimit));
  const cpuLimit = r.cpuLimit === undefined ? undefined : ValidationError.within(scope, `${prop}.cpuLimit`, () => Cpu.parse(r.cpuLimit as string));
  if (cpu.millis === 0) {
    throw new ValidationError(scope, { prop: `${prop}.cpu`, value: r.cpu, rule: 'a CPU request of zero lets the scheduler pack the node until everything starves', fix: 'request what the app uses at rest, e.g. "25m"' });
  }
  if (memory.bytes === 0) {
    throw new ValidationError(scope, { prop: `${prop}.memory`, value: r.memory, rule: 'a memory request of zero lets the scheduler over-commit the node', fix: 'request what the app uses at rest, e.g. "64Mi"' });
  }
  if (memoryLimit.bytes < memory.bytes) {
    throw new ValidationError(scope, { prop: `${prop}.memoryLimit`, value: r.memoryLimit, rule: `the memory limit is below the request ${r.memory}`, fix: `set memoryLimit to at least "${r.memory}"` });
  }
  if (cpuLimit && cpuLimit.millis < cpu.millis) {
    throw new ValidationError(scope, { prop: `${prop}.cpuLimit`, value: r.cpuLimit, rule: `the CPU limit is below the request ${r.cpu}`, fix: `set cpuLimit to at least "${r.cpu}", or leave it out` });
  }
  return { cpu, memory, memoryLimit, cpuLimit };
}

/** The `resources` block of a container, as strings (chart values). @internal */
export function renderResources(r: Resources): { requests: Record<string, string>; limits: Record<string, string> } {
  const limits: Record<string, string> = { memory: r.memoryLimit.toString() };
  if (r.cpuLimit) limits.cpu = r.cpuLimit.toString();
  return { requests: { cpu: r.cpu.toString(), memory: r.memory.toString() }, limits };
}

/**
 * A container's `resources` from quantity strings, e.g.
 * `resourceRequirements({ cpu: '10m', memory: '16Mi' }, { memory: '32Mi' })`. The strings are
 * used as given: parse a user's with `resolveResources` and pass `renderResources`'
 * output, or write the library's own constants. @internal
 */
export function resourceRequirements(requests: Readonly<Record<string, string>>, limits: Readonly<Record<string, string>>): k8s.ResourceRequirements {
  const q = (m: Readonly<Record<string, string>>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, k8s.Quantity.fromString(v)]));
  return { requests: q(requests), limits: q(limits) };
}

/** `resourceRequirements` of parsed resources (see `renderResources`). @internal */
export function containerResources(r: Resources): k8s.ResourceRequirements {
  const s = renderResources(r);
  return resourceRequirements(s.requests, s.limits);
}
