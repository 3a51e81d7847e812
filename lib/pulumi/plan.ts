import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { SecretKeySpec, secretRequirementsOf } from '../core/secrets';
import { HelmReleaseSpecification, upstreamChartsOf } from '../gitops/upstream-chart';
import { podTemplateOf } from '../policies/pod';
import { Manifest } from '../policies/rule';

/**
 * Kinds applied before everything else: what other objects are created in (Namespace), are
 * defined by (CustomResourceDefinition) or name in their spec (PriorityClass, RuntimeClass,
 * StorageClass).
 */
export const PREREQUISITE_KINDS: ReadonlySet<string> = new Set(['Namespace', 'CustomResourceDefinition', 'PriorityClass', 'RuntimeClass', 'StorageClass']);

/** One key of a Secret the Pulumi engine creates. */
export interface PlannedSecretKey extends SecretKeySpec {
  /** The `--path` of `pulumi config set --secret --path <path> <value>`. */
  readonly configPath: string;
  /** `false` when every consumer marks the reference optional. */
  readonly required: boolean;
}

/** A Secret the objects reference and the cluster does not create itself. */
export interface PlannedSecret {
  readonly namespace: string;
  readonly name: string;
  /** Keys the consumers read. Empty when they only mount or `envFrom` the whole Secret. */
  readonly keys: Readonly<Record<string, PlannedSecretKey>>;
  /** Who reads it: `Kind namespace/name` or a construct path. */
  readonly consumers: readonly string[];
}

/** A Helm release and the releases it waits for (`namespace/name`). */
export interface PlannedRelease {
  readonly spec: HelmReleaseSpecification;
  /** `namespace/name` of the releases installed first. */
  readonly dependsOn: readonly string[];
}

/** What the Pulumi engine creates for one set of charts, in order. */
export interface PulumiPlan {
  /** Namespaces, CRDs, PriorityClasses, RuntimeClasses, StorageClasses: applied first. */
  readonly prerequisites: readonly Manifest[];
  /** Secrets created from config, after the prerequisites. */
  readonly secrets: readonly PlannedSecret[];
  /** Upstream charts as Helm releases, after the prerequisites. */
  readonly releases: readonly PlannedRelease[];
  /** Objects that use no API group a release provides: after prerequisites and secrets. */
  readonly objects: readonly Manifest[];
  /** Objects of API groups the releases install: after the releases that provide them. */
  readonly customResources: readonly Manifest[];
  /** `namespace/name` of the releases the custom resources wait for. */
  readonly customResourceReleases: readonly string[];
  /** GitOps-controller objects the cdk8s engine writes and `pulumi up` does not need. */
  readonly omitted: readonly Manifest[];
}

/** `namespace/name` of a release. */
export function releaseKey(r: { readonly namespace: string; readonly name: string }): string {
  return `${r.namespace}/${r.name}`;
}

/** `secrets.<namespace>.<name>.<key>`, with `["…"]` for segments that contain dots. */
export function secretConfigPath(namespace: string, name: string, key: string): string {
  const seg = (s: string) => (/^[A-Za-z0-9_-]+$/.test(s) ? `.${s}` : `["${s}"]`);
  return `secrets${seg(namespace)}${seg(name)}${seg(key)}`;
}

/**
 * Plans the Pulumi resources for the ApiObjects under `roots` (a Cluster, or a user's own
 * charts): the same manifests the cdk8s engine writes, minus the GitOps-controller objects of
 * upstream charts (which become Helm releases), ordered so namespaces and CRDs come first and
 * custom resources wait for the chart that installs their CRD. Pure: no Pulumi import.
 */
export function planResources(roots: readonly IConstruct[], manifests?: ReadonlyMap<ApiObject, Manifest>): PulumiPlan {
  const prerequisites: Manifest[] = [];
  const objects: Manifest[] = [];
  const customResources: Manifest[] = [];
  const omitted: Manifest[] = [];
  const charts = roots.flatMap((r) => upstreamChartsOf(r));
  const providers = new Map<string, string>();
  for (const c of charts) for (const g of c.release.providesApiGroups) providers.set(g, releaseKey(c.release));
  const crReleases = new Set<string>();
  const gitOpsObjects = new Set<ApiObject>(charts.flatMap((c) => c.gitOpsObjects));

  for (const root of roots) {
    for (const c of root.node.findAll()) {
      if (!ApiObject.isApiObject(c)) continue;
      const m = manifests?.get(c) ?? (c.toJson() as Manifest);
      if (gitOpsObjects.has(c)) {
        omitted.push(m);
        continue;
      }
      if (PREREQUISITE_KINDS.has(m.kind)) {
        prerequisites.push(m);
        continue;
      }
      const slash = m.apiVersion.indexOf('/');
      const provider = slash > 0 ? providers.get(m.apiVersion.slice(0, slash)) : undefined;
      if (provider) {
        customResources.push(m);
        crReleases.add(provider);
      } else {
        objects.push(m);
      }
    }
  }

  const releases = charts.map((c) => ({ spec: c.release, dependsOn: c.release.dependsOn.map(releaseKey) }));
  const all = [...prerequisites, ...objects, ...customResources];
  return {
    prerequisites,
    secrets: planSecrets(all, roots),
    releases,
    objects,
    customResources,
    customResourceReleases: [...crReleases].sort(),
    omitted,
  };
}

interface SecretUse {
  keys: Map<string, { spec: SecretKeySpec; required: boolean }>;
  consumers: Set<string>;
}

/**
 * The Secrets `manifests` reference (env `secretKeyRef`, `envFrom`, secret and projected volumes,
 * image pull secrets) plus those declared with `requireSecret`, minus the Secrets the cluster
 * creates itself (Secret objects, cert-manager Certificates, External Secrets targets).
 */
export function planSecrets(manifests: readonly Manifest[], roots: readonly IConstruct[] = []): PlannedSecret[] {
  const created = new Set<string>();
  const uses = new Map<string, SecretUse>();
  const use = (ns: string, name: string, consumer: string, key?: string, required = true, spec: SecretKeySpec = {}) => {
    const id = `${ns}/${name}`;
    let u = uses.get(id);
    if (!u) uses.set(id, (u = { keys: new Map(), consumers: new Set() }));
    u.consumers.add(consumer);
    if (key !== undefined) {
      const prev = u.keys.get(key);
      u.keys.set(key, { spec: { ...prev?.spec, ...spec }, required: required || (prev?.required ?? false) });
    }
  };

  for (const m of manifests) {
    const ns = m.metadata?.namespace;
    if (!ns) continue;
    if (m.kind === 'Secret' && m.apiVersion === 'v1') created.add(`${ns}/${m.metadata.name}`);
    if (m.kind === 'Certificate' && m.apiVersion.startsWith('cert-manager.io/') && m.spec?.secretName) created.add(`${ns}/${m.spec.secretName}`);
    if (m.kind === 'ExternalSecret' && m.apiVersion.startsWith('external-secrets.io/')) created.add(`${ns}/${m.spec?.target?.name ?? m.metadata.name}`);
    const pod = podTemplateOf(m)?.spec;
    if (!pod) continue;
    const who = `${m.kind} ${ns}/${m.metadata.name}`;
    for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref?.name) use(ns, ref.name, who, ref.key, ref.optional !== true);
      }
      for (const f of c.envFrom ?? []) {
        if (f.secretRef?.name) use(ns, f.secretRef.name, who);
      }
    }
    for (const v of pod.volumes ?? []) {
      if (v.secret?.secretName) {
        if (v.secret.items?.length) for (const i of v.secret.items) use(ns, v.secret.secretName, who, i.key, v.secret.optional !== true);
        else use(ns, v.secret.secretName, who);
      }
      for (const s of v.projected?.sources ?? []) {
        if (s.secret?.name) {
          if (s.secret.items?.length) for (const i of s.secret.items) use(ns, s.secret.name, who, i.key, s.secret.optional !== true);
          else use(ns, s.secret.name, who);
        }
      }
    }
    for (const p of pod.imagePullSecrets ?? []) if (p.name) use(ns, p.name, who, '.dockerconfigjson');
  }
  for (const root of roots) {
    for (const r of secretRequirementsOf(root)) {
      for (const [key, spec] of Object.entries(r.keys)) use(r.namespace, r.name, r.path, key, true, spec);
    }
  }

  const out: PlannedSecret[] = [];
  for (const [id, u] of [...uses.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (created.has(id)) continue;
    const [namespace, name] = id.split('/');
    const keys: Record<string, PlannedSecretKey> = {};
    for (const [key, k] of [...u.keys.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      keys[key] = { ...k.spec, configPath: secretConfigPath(namespace, name, key), required: k.required };
    }
    out.push({ namespace, name, keys, consumers: [...u.consumers].sort() });
  }
  return out;
}
