import { ApiObject, Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-29/lib/imports/k8s';
import { Construct, IConstruct } from 'constructs';
import { ValidationError } from '../core/errors';
import { addExemption } from '../core/exemptions';
import { AnnotationKeys, LabelKeys, MANAGED_BY } from '../core/labels';
import { validateDnsLabel } from '../core/names';
import { ClusterProfile, GitOpsEngine } from '../core/profile';
import { Cpu, Memory } from '../core/quantity';
import { markAppBoundary, uniqueId } from '../core/tree';
import { ChartRef } from '../core/versions';
import { Application } from '../imports/argoproj.io';
import {
  HelmRelease,
  HelmReleaseSpecChartSpecSourceRefKind,
  HelmReleaseSpecInstallCrds,
  HelmReleaseSpecUpgradeCrds,
  HelmReleaseSpecUpgradeRemediationStrategy,
} from '../imports/helm.toolkit.fluxcd.io';
import { HelmRepository, HelmRepositorySpecType } from '../imports/source.toolkit.fluxcd.io';
import { ARGO_CD_NAMESPACE } from './engine-objects';

const UPSTREAM_CHART = Symbol.for('hardened-homelab.UpstreamChart');

/** Compute requests of the pods an upstream chart runs. */
export interface ChartResources {
  /** CPU requests, e.g. `'200m'`. */
  readonly cpu: string;
  /** Memory requests, e.g. `'512Mi'`. */
  readonly memory: string;
  /** Memory limits. */
  readonly memoryLimit: string;
}

/**
 * What an upstream chart's pods request. The chart's pods are not in the output, so the
 * namespace quota and the capacity analysis count this instead; figures come from the values
 * the pattern sets (or the chart's defaults).
 */
export interface ChartFootprint extends ChartResources {
  /** Pods of its Deployments and StatefulSets (all replicas), whose requests are the figures above. */
  readonly pods: number;
  /** Requests of its DaemonSets' pods on each node they run on. @default - no DaemonSets */
  readonly perNode?: ChartResources;
}

/** A footprint in exact units. */
export interface ResolvedChartFootprint {
  readonly cpu: Cpu;
  readonly memory: Memory;
  readonly memoryLimit: Memory;
  readonly pods: number;
  readonly perNode?: { readonly cpu: Cpu; readonly memory: Memory; readonly memoryLimit: Memory };
}

/**
 * The NetworkPolicy for an upstream chart's pods. Namespaces deny all traffic by default, and
 * upstream charts need to reach the API server, webhooks need to be reached from it, and most
 * operators talk to the internet (ACME, registries, backup targets), so the default is an
 * explicit, visible allow-all for the release's pods. Tighten it with your own rules.
 */
export interface ChartNetworkPolicy {
  /** The chart's pods. @default - `app.kubernetes.io/instance: <release>` (the label Helm charts set) */
  readonly podSelector?: Record<string, string>;
  /** Ingress rules. @default - [{}]: from anywhere (the NetworkPolicy then carries an HK-NET-12 exemption saying why) */
  readonly ingress?: k8s.NetworkPolicyIngressRule[];
  /** Egress rules. @default - [{}]: to anywhere */
  readonly egress?: k8s.NetworkPolicyEgressRule[];
}

/** Props of {@link UpstreamChart}. */
export interface UpstreamChartProps {
  /** The pinned chart, normally an entry of the `Charts` table. */
  readonly chart: ChartRef;
  /**
   * Helm release name (also the app folder in the GitOps tree).
   * @default - the construct id
   */
  readonly releaseName?: string;
  /**
   * Helm values, computed by the pattern that installs the chart (from the ClusterProfile where
   * the chart needs cluster facts). Secret values never go here: reference Secrets by name.
   * @default {}
   */
  readonly values?: Record<string, unknown>;
  /**
   * API groups of the CustomResourceDefinitions the chart installs, e.g. `['velero.io']`.
   * Every GitOps unit whose objects use one of these groups is ordered after this release
   * (Flux `dependsOn`, Argo CD sync wave), so CRDs exist before their users.
   * @default []
   */
  readonly providesApiGroups?: string[];
  /**
   * Releases that must be ready before this one (Flux HelmRelease `dependsOn`).
   * @default []
   */
  readonly dependsOn?: UpstreamChart[];
  /**
   * How often the GitOps engine reconciles the release.
   * @default '30m'
   */
  readonly interval?: string;
  /**
   * What the chart's pods request, for the namespace quota and the capacity analysis. Written
   * to the `hardened-homelab.io/footprint` annotation of the engine object.
   * @default - unknown: a Namespace that derives its quota refuses the chart
   */
  readonly footprint?: ChartFootprint;
  /**
   * The NetworkPolicy `<release>-upstream` for the chart's pods, or `false` when the pattern
   * renders its own.
   * @default - allow all ingress and egress for the release's pods (see ChartNetworkPolicy)
   */
  readonly networkPolicy?: ChartNetworkPolicy | false;
}

/** What any engine needs to install one upstream chart. */
export interface HelmReleaseSpecification {
  /** Release name. */
  readonly name: string;
  /** Target namespace. */
  readonly namespace: string;
  /** The pinned chart. */
  readonly chart: ChartRef;
  /** Helm values (a deep copy; no secret values). */
  readonly values: Record<string, unknown>;
  /** API groups of the CRDs the chart installs. */
  readonly providesApiGroups: readonly string[];
  /** Releases installed first. */
  readonly dependsOn: readonly { readonly name: string; readonly namespace: string }[];
}

/**
 * Installs an upstream Helm chart, pinned in the `Charts` table, into the namespace of the
 * enclosing {@link Namespace} chart, in the way the cluster's GitOps engine expects:
 *
 * - Flux (`profile.gitops.engine = FLUX`): a `HelmRepository` (type `oci` for `oci://` URLs)
 *   and a `HelmRelease` with CRDs created and replaced on install and upgrade, remediation
 *   retries and rollback, and `dependsOn` for the releases named in `dependsOn`;
 * - Argo CD: an `Application` with a Helm source (`valuesObject`), automated prune and
 *   self-heal, retry and server-side apply, in the Argo CD namespace.
 *
 * The Pulumi engine does not use those objects: it reads {@link release} and creates a Pulumi
 * Helm release with the same chart, version and values (see `hardened-homelab/pulumi`).
 */
export class UpstreamChart extends Construct {
  /** Whether `x` is an UpstreamChart (works across copies of the library). */
  public static isUpstreamChart(x: unknown): x is UpstreamChart {
    return typeof x === 'object' && x !== null && (x as any)[UPSTREAM_CHART] === true;
  }

  /** The UpstreamChart that `scope` belongs to (itself included), if any. */
  public static of(scope: IConstruct): UpstreamChart | undefined {
    for (let s: IConstruct | undefined = scope; s; s = s.node.scope) {
      if (UpstreamChart.isUpstreamChart(s)) return s;
    }
    return undefined;
  }

  /** The release as any engine installs it. */
  public readonly release: HelmReleaseSpecification;
  /** What the chart's pods request, when declared. */
  public readonly footprint?: ResolvedChartFootprint;
  /** The GitOps engine objects (HelmRepository + HelmRelease, or Application). */
  public readonly gitOpsObjects: readonly ApiObject[];

  constructor(scope: Construct, id: string, props: UpstreamChartProps) {
    super(scope, uniqueId(scope, id));
    Object.defineProperty(this, UPSTREAM_CHART, { value: true, enumerable: false });
    const profile = ClusterProfile.of(this);
    const namespace = Chart.of(this).namespace;
    if (!namespace) {
      throw new ValidationError(this, { prop: 'scope', value: Chart.of(this).node.path, rule: 'an upstream chart is installed into a namespace', fix: 'create the UpstreamChart inside a Namespace chart' });
    }
    const name = ValidationError.within(this, 'releaseName', () => validateDnsLabel(props.releaseName ?? id));
    const chart = props.chart;
    if (!/^(https:\/\/|oci:\/\/)[^\s]+$/.test(chart.repositoryUrl)) {
      throw new ValidationError(this, { prop: 'chart.repositoryUrl', value: chart.repositoryUrl, rule: 'must be an https:// or oci:// Helm repository URL', fix: 'use the chart\'s published repository, e.g. "https://charts.longhorn.io"' });
    }
    if (!/^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/.test(chart.version)) {
      throw new ValidationError(this, { prop: 'chart.version', value: chart.version, rule: 'must be an exact semantic version (no ranges, no "latest")', fix: 'pin the chart version in the Charts table, e.g. "1.9.2"' });
    }
    const groups = props.providesApiGroups ?? [];
    for (const g of groups) {
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/.test(g)) {
        throw new ValidationError(this, { prop: 'providesApiGroups', value: g, rule: 'must be an API group such as "velero.io"', fix: 'list the group part of the CRDs\' apiVersion' });
      }
    }
    const interval = props.interval ?? '30m';
    if (!/^(\d+h)?(\d+m)?(\d+s)?$/.test(interval) || interval === '') {
      throw new ValidationError(this, { prop: 'interval', value: interval, rule: 'must be a Go duration in hours, minutes and seconds', fix: 'use e.g. "30m" or "1h"' });
    }
    if (props.footprint) this.footprint = resolveFootprint(this, props.footprint);
    const annotations = props.footprint ? { [AnnotationKeys.FOOTPRINT]: JSON.stringify(props.footprint) } : undefined;
    // a JSON copy: Helm values are JSON, and a copy made in this realm keeps arrays arrays for every serializer
    const values = JSON.parse(JSON.stringify(props.values ?? {}));
    const dependsOn = (props.dependsOn ?? []).map((d) => ({ name: d.release.name, namespace: d.release.namespace }));
    this.release = { name, namespace, chart, values, providesApiGroups: [...groups], dependsOn };
    markAppBoundary(this, name);

    const engine = profile.gitops?.engine;
    if (engine === undefined) {
      throw new ValidationError(this, { prop: 'profile.gitops', value: undefined, rule: 'an upstream chart is installed by the GitOps engine, and the profile names none', fix: 'set profile.gitops (engine FLUX or ARGO_CD, repoUrl); the Pulumi engine installs the same release as a Helm release' });
    }
    const labels = { [LabelKeys.NAME]: name, [LabelKeys.MANAGED_BY]: MANAGED_BY };
    if (props.networkPolicy !== false) {
      const np = props.networkPolicy ?? {};
      const policy = new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
        metadata: { name: `${name}-upstream`, labels },
        spec: {
          podSelector: { matchLabels: np.podSelector ?? { 'app.kubernetes.io/instance': name } },
          policyTypes: ['Ingress', 'Egress'],
          ingress: np.ingress ?? [{}],
          egress: np.egress ?? [{}],
        },
      });
      if (np.ingress === undefined) {
        addExemption(policy, 'HK-NET-12', `the ${chart.chart} chart's pods (webhooks, UIs, metrics) listen on ports only the chart knows; `
          + 'admitting all ingress to this release\'s pods is the UpstreamChart default (set networkPolicy.ingress to narrow it)');
      }
    }


    if (engine === GitOpsEngine.FLUX) {
      const oci = chart.repositoryUrl.startsWith('oci://');
      const repo = new HelmRepository(this, 'HelmRepository', {
        metadata: { name, namespace, labels },
        spec: { url: chart.repositoryUrl, interval: '1h', type: oci ? HelmRepositorySpecType.OCI : undefined },
      });
      const hr = new HelmRelease(this, 'HelmRelease', {
        metadata: { name, namespace, labels, annotations },
        spec: {
          interval,
          releaseName: name,
          chart: {
            spec: {
              chart: chart.chart,
              version: chart.version,
              sourceRef: { kind: HelmReleaseSpecChartSpecSourceRefKind.HELM_REPOSITORY, name, namespace },
              interval: '1h',
            },
          },
          install: { crds: HelmReleaseSpecInstallCrds.CREATE_REPLACE, remediation: { retries: 3 } },
          upgrade: {
            crds: HelmReleaseSpecUpgradeCrds.CREATE_REPLACE,
            cleanupOnFail: true,
            remediation: { retries: 3, strategy: HelmReleaseSpecUpgradeRemediationStrategy.ROLLBACK },
          },
          dependsOn: dependsOn.length ? dependsOn : undefined,
          values: Object.keys(values).length ? values : undefined,
        },
      });
      this.gitOpsObjects = [repo, hr];
    } else {
      const app = new Application(this, 'Application', {
        metadata: {
          // `-chart`: the tree names the Application of the app folder `<namespace>-<folder>`, often the release's name
          name: `${`${namespace}-${name}`.slice(0, 57).replace(/-+$/, '')}-chart`,
          namespace: ARGO_CD_NAMESPACE,
          labels,
          annotations: { 'argocd.argoproj.io/sync-wave': groups.length ? '-1' : '0', ...annotations },
          finalizers: ['resources-finalizer.argocd.argoproj.io'],
        },
        spec: {
          project: 'default',
          source: {
            repoUrl: chart.repositoryUrl.replace(/^oci:\/\//, ''),
            chart: chart.chart,
            targetRevision: chart.version,
            helm: { releaseName: name, valuesObject: Object.keys(values).length ? values : undefined },
          },
          destination: { server: 'https://kubernetes.default.svc', namespace },
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            retry: { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } },
            syncOptions: ['ServerSideApply=true', 'PruneLast=true'],
          },
        },
      });
      this.gitOpsObjects = [app];
    }
  }
}

/** Every UpstreamChart under `root`, in construct-tree order. */
export function upstreamChartsOf(root: IConstruct): UpstreamChart[] {
  return root.node.findAll().filter(UpstreamChart.isUpstreamChart);
}

function resolveFootprint(scope: Construct, f: ChartFootprint): ResolvedChartFootprint {
  const res = (prefix: string, r: ChartResources) => ({
    cpu: ValidationError.within(scope, `${prefix}.cpu`, () => Cpu.parse(r.cpu)),
    memory: ValidationError.within(scope, `${prefix}.memory`, () => Memory.parse(r.memory)),
    memoryLimit: ValidationError.within(scope, `${prefix}.memoryLimit`, () => Memory.parse(r.memoryLimit)),
  });
  if (!Number.isInteger(f.pods) || f.pods < 0) {
    throw new ValidationError(scope, { prop: 'footprint.pods', value: f.pods, rule: 'must be a whole number of at least 0', fix: 'count the pods of the chart\'s Deployments and StatefulSets (all replicas)' });
  }
  const main = res('footprint', f);
  for (const [prefix, r] of [['footprint', main], ['footprint.perNode', f.perNode ? res('footprint.perNode', f.perNode) : undefined]] as const) {
    if (r && r.memoryLimit.bytes < r.memory.bytes) {
      throw new ValidationError(scope, { prop: `${prefix}.memoryLimit`, value: r.memoryLimit.toString(), rule: `is below the memory requests (${r.memory.toString()})`, fix: 'sum the memory limits of the same pods' });
    }
  }
  return { ...main, pods: f.pods, perNode: f.perNode ? res('footprint.perNode', f.perNode) : undefined };
}
