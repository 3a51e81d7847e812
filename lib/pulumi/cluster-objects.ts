import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Cluster } from '../cluster/cluster';
import { atPath } from '../core/errors';
import { LabelKeys, MANAGED_BY } from '../core/labels';
import { Manifest } from '../policies/rule';
import { PlannedSecret, PulumiPlan, planResources, releaseKey } from './plan';

/** Secret values: namespace → Secret name → key → value. */
export type SecretValues = Record<string, Record<string, Record<string, string>>>;

/** Arguments of {@link ClusterObjects}. Give exactly one of `cluster` and `charts`. */
export interface ClusterObjectsArgs {
  /**
   * A whole cluster: it is synthesized once (construct validations and policy packs
   * included) and blocking findings are a `ResourceError`.
   * @default - none; `charts` is used
   */
  readonly cluster?: Cluster;
  /**
   * Charts of a user's own cdk8s program. Their construct validations run; policies run only
   * when they sit in a `Cluster` (pass `cluster` then).
   * @default - none; `cluster` is used
   */
  readonly charts?: readonly Chart[];
  /**
   * Values of the Secrets the objects reference.
   * @default - the config object `secrets` of `configNamespace`, set with
   * `pulumi config set --secret --path 'secrets.<namespace>.<name>.<key>' <value>`
   */
  readonly secretValues?: SecretValues;
  /** Config namespace the `secrets` object is read from. @default - the Pulumi project name */
  readonly configNamespace?: string;
}

/**
 * Provisions the objects a {@link Cluster} (or a set of charts) synthesizes, without a GitOps
 * controller. The Pulumi side never rebuilds a manifest: it takes the rendered objects and
 * registers them in order —
 *
 * 1. `<name>-prerequisites`: Namespaces, CRDs, PriorityClasses, RuntimeClasses, StorageClasses;
 * 2. the Secrets the objects reference, created from Pulumi config secrets (validated where the
 *    consumer declared a check, e.g. the OAuth2-proxy cookie secret);
 * 3. upstream charts as Helm releases (`helm.sh/v3` Release: same chart, version and values as
 *    the Flux HelmRelease / Argo CD Application the cdk8s engine writes, which are left out);
 * 4. `<name>-objects`: everything else;
 * 5. `<name>-custom-resources`: objects whose CRD an upstream chart installs, after that release.
 *
 * Each `yaml/v2` ConfigGroup and typed resource is a child (`parent: this`) named after the
 * component; the caller's options (provider, transformations, …) are inherited.
 */
export class ClusterObjects extends pulumi.ComponentResource {
  /** The plan the resources follow (objects, releases, secrets, order). */
  public readonly plan: PulumiPlan;
  /** Kubernetes objects handed to Pulumi (all ConfigGroups together). */
  public readonly objectCount: number;
  /** Helm releases, by `namespace/name`. */
  public readonly releases: ReadonlyMap<string, k8s.helm.v3.Release>;
  /** Secrets created from config, by `namespace/name`. */
  public readonly secrets: ReadonlyMap<string, k8s.core.v1.Secret>;

  constructor(name: string, args: ClusterObjectsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('hardened-homelab:k8s:ClusterObjects', name, {}, opts);
    if ((args.cluster === undefined) === (args.charts === undefined)) {
      throw new pulumi.ResourceError(`ClusterObjects ${name}: args.cluster and args.charts: give exactly one. Fix: pass the Cluster a stack builds, or the charts of your own cdk8s program`, this);
    }
    let roots: IConstruct[];
    let manifests: Map<ApiObject, Manifest> | undefined;
    if (args.cluster) {
      const synthesis = args.cluster.synthesize();
      if (synthesis.errors.length > 0) {
        throw new pulumi.ResourceError(`cluster ${args.cluster.profile.name} fails its checks:\n${synthesis.errors.join('\n')}`, this);
      }
      roots = [args.cluster];
      manifests = new Map(synthesis.objects.map((o) => [o.construct, o.manifest]));
    } else {
      roots = [...args.charts!];
      const errors = roots.flatMap((r) => r.node.findAll().flatMap((c) => c.node.validate().map((e) => atPath(c.node.path, e))));
      if (errors.length > 0) throw new pulumi.ResourceError(`the charts fail their checks:\n${errors.join('\n')}`, this);
    }
    this.plan = planResources(roots, manifests);
    const plan = this.plan;

    const values = args.secretValues ?? new pulumi.Config(args.configNamespace).getObject<SecretValues>('secrets') ?? {};
    const problems = secretProblems(plan.secrets, values, args.configNamespace ?? pulumi.getProject());
    if (problems.length > 0) {
      throw new pulumi.ResourceError(`ClusterObjects ${name}: ${problems.length} secret value(s) missing or invalid:\n${problems.join('\n')}`, this);
    }

    const prerequisites = plan.prerequisites.length
      ? [new k8s.yaml.v2.ConfigGroup(`${name}-prerequisites`, { objs: [...plan.prerequisites] }, { parent: this })]
      : [];

    const secrets = new Map<string, k8s.core.v1.Secret>();
    for (const s of plan.secrets) {
      const data = values[s.namespace]?.[s.name] ?? {};
      // only optional keys were referenced and none is configured: the consumers run without it
      if (Object.keys(data).length === 0) continue;
      secrets.set(`${s.namespace}/${s.name}`, new k8s.core.v1.Secret(`${name}-${s.namespace}-${s.name}`, {
        metadata: { name: s.name, namespace: s.namespace, labels: { [LabelKeys.MANAGED_BY]: MANAGED_BY } },
        type: '.dockerconfigjson' in data ? 'kubernetes.io/dockerconfigjson' : 'Opaque',
        stringData: pulumi.secret(data),
      }, { parent: this, dependsOn: prerequisites }));
    }
    this.secrets = secrets;

    const releases = new Map<string, k8s.helm.v3.Release>();
    for (const r of plan.releases) {
      const deps = r.dependsOn.map((d) => {
        const dep = releases.get(d);
        if (!dep) throw new pulumi.ResourceError(`ClusterObjects ${name}: release ${releaseKey(r.spec)} depends on ${d}, which is not among the charts given. Fix: pass the chart that installs ${d} too`, this);
        return dep;
      });
      const oci = r.spec.chart.repositoryUrl.startsWith('oci://');
      releases.set(releaseKey(r.spec), new k8s.helm.v3.Release(`${name}-${r.spec.namespace}-${r.spec.name}`, {
        name: r.spec.name,
        namespace: r.spec.namespace,
        chart: oci ? `${r.spec.chart.repositoryUrl}/${r.spec.chart.chart}` : r.spec.chart.chart,
        version: r.spec.chart.version,
        repositoryOpts: oci ? undefined : { repo: r.spec.chart.repositoryUrl },
        values: r.spec.values,
        createNamespace: false,
        atomic: true,
        cleanupOnFail: true,
      }, { parent: this, dependsOn: [...prerequisites, ...deps] }));
    }
    this.releases = releases;

    const before = [...prerequisites, ...secrets.values()];
    if (plan.objects.length) {
      new k8s.yaml.v2.ConfigGroup(`${name}-objects`, { objs: [...plan.objects] }, { parent: this, dependsOn: before });
    }
    if (plan.customResources.length) {
      const providers = plan.customResourceReleases.map((k) => releases.get(k)!);
      new k8s.yaml.v2.ConfigGroup(`${name}-custom-resources`, { objs: [...plan.customResources] }, { parent: this, dependsOn: [...before, ...providers] });
    }
    this.objectCount = plan.prerequisites.length + plan.objects.length + plan.customResources.length;
    this.registerOutputs({ objectCount: this.objectCount, releases: [...releases.keys()], secrets: [...secrets.keys()] });
  }
}

/**
 * What is wrong with the configured secret values: each missing required key (with the
 * `pulumi config set` command that fixes it) and each value a consumer's check refuses
 * (naming the config key).
 */
export function secretProblems(planned: readonly PlannedSecret[], values: SecretValues, configNamespace: string): string[] {
  const problems: string[] = [];
  const cmd = (path: string) => `pulumi config set --secret --path '${path}' <value>`;
  for (const s of planned) {
    const given = values[s.namespace]?.[s.name];
    const keys = Object.entries(s.keys);
    if (keys.length === 0 && (given === undefined || Object.keys(given).length === 0)) {
      problems.push(`- Secret ${s.namespace}/${s.name} (read whole by ${s.consumers.join(', ')}) has no keys set. Fix: ${cmd(`secrets.${s.namespace}.${s.name}.<key>`)}`);
      continue;
    }
    for (const [key, k] of keys) {
      const v = given?.[key];
      if (v === undefined || v === '') {
        if (k.required) problems.push(`- Secret ${s.namespace}/${s.name} key "${key}"${k.description ? ` (${k.description})` : ''}, read by ${s.consumers.join(', ')}, is not set. Fix: ${cmd(k.configPath)}`);
        continue;
      }
      if (typeof v !== 'string') {
        problems.push(`- config ${configNamespace}:${k.configPath} must be a string. Fix: ${cmd(k.configPath)}`);
        continue;
      }
      const problem = k.validate?.(v);
      if (problem) problems.push(`- config ${configNamespace}:${k.configPath}: ${problem}. Fix: ${cmd(k.configPath)} with a valid value`);
    }
  }
  return problems;
}
