import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { atPath } from '../core/errors';
import { ClusterProfile, ClusterProfileProps } from '../core/profile';
import { secretRequirementsIn } from '../core/secrets';
import { appBoundaryOf, uniqueId } from '../core/tree';
import { blockingFindings, createContext, evaluatePolicies, formatFinding, reportSections } from '../policies/engine';
import { BASELINE_PACK } from '../policies/packs/baseline';
import { Finding, Manifest, ManifestRecord, PolicyContext, PolicyPack, ReportSection } from '../policies/rule';
import { PriorityClasses } from '../workloads/criticality';

/** Props of {@link Cluster}. */
export interface ClusterProps {
  /** The cluster's facts; every construct inside reads them. */
  readonly profile: ClusterProfileProps;
  /** Policy packs run on every synth. @default [BASELINE_PACK] */
  readonly policies?: PolicyPack[];
}

/** One rendered object of a cluster and where it goes in the GitOps tree. */
export interface SynthesizedObject extends ManifestRecord {
  /** The object's construct. */
  readonly construct: ApiObject;
  /** Namespace folder: the object's namespace, or `cluster` for cluster-scoped objects. */
  readonly folder: string;
  /** App folder inside the namespace folder, when the object belongs to an app. */
  readonly app?: string;
}

/** The result of {@link Cluster.synthesize}. */
export interface ClusterSynthesis {
  readonly objects: readonly SynthesizedObject[];
  /** Every policy finding, exempted ones included. */
  readonly findings: readonly Finding[];
  /** Construct validation errors and blocking policy findings, formatted. Empty when the synth may be written. */
  readonly errors: readonly string[];
  /** REPORT.md sections the policy analyses contribute (backup coverage, budgets, …). */
  readonly report: readonly ReportSection[];
}

/** Folder name for cluster-scoped objects. */
export const CLUSTER_FOLDER = 'cluster';

const CLUSTER_SCOPED = new Set([
  'Namespace', 'PriorityClass', 'StorageClass', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'RuntimeClass', 'ClusterIssuer', 'PersistentVolume', 'IngressClass', 'GatewayClass', 'ClusterSecretStore',
  'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'CSIDriver', 'VolumeSnapshotClass',
  'GpuDevicePlugin', 'NodeFeatureRule',
]);

/**
 * The namespace folder of an object: a Namespace goes to its own folder; an object that
 * belongs to an app inside a namespaced chart goes to that chart's namespace (so an Argo CD
 * Application or a tier StorageClass sits next to the app that owns it); other namespaced
 * objects go to their namespace; the rest to `cluster`.
 */
function folderOf(c: ApiObject, manifest: Manifest, app: string | undefined): string {
  if (manifest.kind === 'Namespace') return String(manifest.metadata.name);
  const chartNs = Chart.of(c).namespace;
  if (app !== undefined && chartNs) return chartNs;
  const ns = manifest.metadata?.namespace;
  return ns && !CLUSTER_SCOPED.has(manifest.kind) ? ns : CLUSTER_FOLDER;
}

/**
 * The root of one cluster: holds its {@link ClusterProfile}, the cluster-scoped objects
 * (PriorityClasses for the criticality classes) and the policy packs. Create Namespaces
 * inside it. Policies run on every `app.synth()`, `Testing.synth()` and {@link synthesize}.
 */
export class Cluster extends Construct {
  /** The Cluster that `scope` belongs to. */
  public static of(scope: IConstruct): Cluster | undefined {
    for (let s: IConstruct | undefined = scope; s; s = s.node.scope) {
      if (s instanceof Cluster) return s;
    }
    return undefined;
  }

  public readonly profile: ClusterProfile;
  public readonly policies: readonly PolicyPack[];
  /** Chart for cluster-scoped objects (PriorityClasses, StorageClasses, …). */
  public readonly clusterChart: Chart;
  private readonly unnamespaced = new WeakSet<ApiObject>();

  constructor(scope: Construct, id: string, props: ClusterProps) {
    super(scope, uniqueId(scope, id));
    this.profile = new ClusterProfile(id, props?.profile, this.node.path);
    ClusterProfile._attach(this, this.profile);
    this.policies = props.policies ?? [BASELINE_PACK];
    this.clusterChart = new Chart(this, CLUSTER_FOLDER, { disableResourceNameHashes: true });
    new PriorityClasses(this.clusterChart, 'PriorityClasses');
    this.node.addValidation({ validate: () => blockingFindings(this.evaluate(this.render())).map(formatFinding) });
  }

  /**
   * Renders every object of the cluster once, runs construct validations and policies once,
   * and returns the objects with their tree location, the findings and the blocking errors.
   */
  public synthesize(): ClusterSynthesis {
    const errors: string[] = [];
    const all = this.node.findAll(); // one walk serves validation, rendering and declared Secrets
    for (const c of all) {
      if (c === this) continue;
      for (const e of c.node.validate()) errors.push(atPath(c.node.path, e));
    }
    const objects = this.render(all);
    const declared = secretRequirementsIn(all).map((r) => ({ namespace: r.namespace, name: r.name, keys: Object.keys(r.keys), consumer: r.path }));
    const ctx = createContext(objects, this.profile, declared);
    const findings = this.evaluate(objects, ctx);
    errors.push(...blockingFindings(findings).map(formatFinding));
    const report = this.policies.length ? reportSections(objects, this.policies, this.profile, ctx) : [];
    return { objects, findings, errors, report };
  }

  private render(all: readonly IConstruct[] = this.node.findAll()): SynthesizedObject[] {
    const out: SynthesizedObject[] = [];
    for (const c of all) {
      if (!ApiObject.isApiObject(c)) continue;
      // a cluster-scoped object created inside a namespaced chart inherits the chart's namespace
      if (CLUSTER_SCOPED.has(c.kind) && c.metadata.namespace !== undefined && !this.unnamespaced.has(c)) {
        c.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
        this.unnamespaced.add(c);
      }
      const manifest = c.toJson() as Manifest;
      const app = manifest.kind === 'Namespace' ? undefined : appBoundaryOf(c);
      out.push({ manifest, path: c.node.path, construct: c, folder: folderOf(c, manifest, app), app });
    }
    return out;
  }

  private evaluate(objects: readonly ManifestRecord[], ctx?: PolicyContext): Finding[] {
    // no packs, no judgement (exemptions are not checked against an empty rule set either)
    return this.policies.length ? evaluatePolicies(objects, this.policies, this.profile, ctx) : [];
  }
}
