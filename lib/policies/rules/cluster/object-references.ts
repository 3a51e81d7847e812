import { allContainers, containerLabel, podTemplateOf } from '../../pod';
import { AnalysisViolation, Manifest, ManifestRecord, PolicyContext, PolicyRule, ReportSection, RuleLevel } from '../../rule';
import { list, namespaceOf, push } from './_shared';

/** ConfigMaps every namespace has without anyone synthesizing them (the API server's CA bundle). */
const BUILTIN_CONFIGMAPS: ReadonlyMap<string, readonly string[]> = new Map([['kube-root-ca.crt', ['ca.crt']]]);

/** The kinds of object HK-SCR-04 resolves references to. */
export type ReferencedKind = 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim';

/** One reference of a pod template (or a Velero location, a Flux HelmRelease) to a ConfigMap, Secret or claim. */
export interface NamedReference {
  readonly kind: ReferencedKind;
  readonly name: string;
  /** The key read, when the reference names one (`configMapKeyRef`, `secretKeyRef`, volume `items`). */
  readonly key?: string;
  /** `optional: true`: the pod starts without the object (or key). */
  readonly optional: boolean;
  /** Where, for messages: `env FOO of container "app"`, `volume "config"`. */
  readonly source: string;
  /** How the whole object is consumed when no key is named. */
  readonly whole?: 'envFrom' | 'volume';
  /** What a missing object or key does, for messages. */
  readonly effect: string;
}

/** An object of the set that creates a Secret, and the keys it writes when they are knowable. */
interface SecretProducer {
  /** `Secret ns/name`, `Certificate ns/name`, … */
  readonly by: string;
  /** `undefined`: the keys are decided elsewhere (dataFrom, templates, a controller). */
  readonly keys?: ReadonlySet<string>;
}

const ENV_FAILS = 'the container fails with CreateContainerConfigError';
const MOUNT_FAILS = 'the kubelet cannot mount it and the pod never starts';

/** Every ConfigMap, Secret and claim reference of a pod spec (env, envFrom, volumes, projected sources, image pull secrets). */
export function podReferences(spec: any): NamedReference[] {
  const out: NamedReference[] = [];
  for (const ref of allContainers(spec)) {
    const c = ref.container ?? {};
    const who = containerLabel(ref);
    for (const e of list(c.env)) {
      const cm = e?.valueFrom?.configMapKeyRef;
      const sec = e?.valueFrom?.secretKeyRef;
      if (typeof cm?.name === 'string') out.push({ kind: 'ConfigMap', name: cm.name, key: cm.key, optional: cm.optional === true, source: `env ${e.name} of ${who}`, effect: ENV_FAILS });
      if (typeof sec?.name === 'string') out.push({ kind: 'Secret', name: sec.name, key: sec.key, optional: sec.optional === true, source: `env ${e.name} of ${who}`, effect: ENV_FAILS });
    }
    for (const f of list(c.envFrom)) {
      if (typeof f?.configMapRef?.name === 'string') out.push({ kind: 'ConfigMap', name: f.configMapRef.name, optional: f.configMapRef.optional === true, source: `envFrom of ${who}`, whole: 'envFrom', effect: ENV_FAILS });
      if (typeof f?.secretRef?.name === 'string') out.push({ kind: 'Secret', name: f.secretRef.name, optional: f.secretRef.optional === true, source: `envFrom of ${who}`, whole: 'envFrom', effect: ENV_FAILS });
    }
  }
  const fromSource = (kind: 'ConfigMap' | 'Secret', name: unknown, source: any, where: string) => {
    if (typeof name !== 'string') return;
    const optional = source?.optional === true;
    const items = list(source?.items);
    if (items.length === 0) out.push({ kind, name, optional, source: where, whole: 'volume', effect: MOUNT_FAILS });
    for (const i of items) if (typeof i?.key === 'string') out.push({ kind, name, key: i.key, optional, source: where, effect: MOUNT_FAILS });
  };
  for (const v of list(spec?.volumes)) {
    const where = `volume "${v?.name}"`;
    if (v?.configMap) fromSource('ConfigMap', v.configMap.name, v.configMap, where);
    if (v?.secret) fromSource('Secret', v.secret.secretName, v.secret, where);
    if (typeof v?.persistentVolumeClaim?.claimName === 'string') {
      out.push({ kind: 'PersistentVolumeClaim', name: v.persistentVolumeClaim.claimName, optional: false, source: where, effect: 'the pod stays Pending' });
    }
    for (const s of list(v?.projected?.sources)) {
      if (s?.configMap) fromSource('ConfigMap', s.configMap.name, s.configMap, `projected ${where}`);
      if (s?.secret) fromSource('Secret', s.secret.name, s.secret, `projected ${where}`);
    }
  }
  for (const p of list(spec?.imagePullSecrets)) {
    if (typeof p?.name === 'string') out.push({ kind: 'Secret', name: p.name, key: '.dockerconfigjson', optional: false, source: 'imagePullSecrets', effect: 'private images cannot be pulled' });
  }
  return out;
}

/** The keys cert-manager writes into a Certificate's Secret. */
function certificateKeys(spec: any): Set<string> {
  const keys = new Set(['tls.crt', 'tls.key', 'ca.crt']);
  for (const f of list(spec?.additionalOutputFormats)) {
    if (f?.type === 'CombinedPEM') keys.add('tls-combined.pem');
    if (f?.type === 'DER') keys.add('key.der');
  }
  if (spec?.keystores?.jks?.create) ['keystore.jks', 'truststore.jks'].forEach((k) => keys.add(k));
  if (spec?.keystores?.pkcs12?.create) ['keystore.p12', 'truststore.p12'].forEach((k) => keys.add(k));
  return keys;
}

/** The Secret an ExternalSecret writes, or `undefined` when it only merges into (or leaves alone) one made elsewhere. */
function externalSecretTarget(m: Manifest): { name: string; keys?: Set<string> } | undefined {
  const target = m.spec?.target ?? {};
  if (target.creationPolicy === 'Merge' || target.creationPolicy === 'None') return undefined;
  const name = target.name ?? m.metadata?.name;
  if (typeof name !== 'string') return undefined;
  const dataKeys = list(m.spec?.data).map((d) => d?.secretKey).filter((k): k is string => typeof k === 'string');
  const template = target.template;
  if (list(m.spec?.dataFrom).length > 0 || list(template?.templateFrom).length > 0) return { name };
  if (template?.data && typeof template.data === 'object') {
    return { name, keys: new Set([...Object.keys(template.data), ...(template.mergePolicy === 'Merge' ? dataKeys : [])]) };
  }
  return { name, keys: new Set(dataKeys) };
}

/** ConfigMaps, claims and produced Secrets of the set, by `namespace/name`. Built once per context, linearly. */
class ReferenceIndex {
  public readonly configMaps = new Map<string, ReadonlySet<string>>();
  public readonly claims = new Set<string>();
  public readonly secrets = new Map<string, SecretProducer>();
  private readonly names = new Map<string, string[]>();

  constructor(ctx: PolicyContext) {
    for (const { manifest: m } of ctx.objects) {
      const ns = namespaceOf(m);
      const name = m.metadata?.name;
      const api = m.apiVersion ?? '';
      if (m.kind === 'ConfigMap' && api === 'v1' && name) {
        this.configMaps.set(`${ns}/${name}`, new Set([...Object.keys(m.data ?? {}), ...Object.keys(m.binaryData ?? {})]));
        push(this.names, `ConfigMap\u0000${ns}`, name);
      } else if (m.kind === 'PersistentVolumeClaim' && api === 'v1' && name) {
        this.claims.add(`${ns}/${name}`);
        push(this.names, `PersistentVolumeClaim\u0000${ns}`, name);
      } else if (m.kind === 'Secret' && api === 'v1' && name) {
        const controlled = m.type === 'kubernetes.io/service-account-token';
        this.produce(ns, name, `Secret ${ns}/${name}`, controlled ? undefined : new Set([...Object.keys(m.data ?? {}), ...Object.keys(m.stringData ?? {})]));
      } else if (m.kind === 'Certificate' && api.startsWith('cert-manager.io/') && typeof m.spec?.secretName === 'string') {
        this.produce(ns, m.spec.secretName, `Certificate ${ns}/${name}`, certificateKeys(m.spec));
      } else if (m.kind === 'ExternalSecret' && api.startsWith('external-secrets.io/')) {
        const t = externalSecretTarget(m);
        if (t) this.produce(ns, t.name, `ExternalSecret ${ns}/${name}`, t.keys);
      } else if (m.kind === 'SealedSecret' && api.startsWith('bitnami.com/') && name) {
        this.produce(ns, name, `SealedSecret ${ns}/${name}`, new Set([...Object.keys(m.spec?.encryptedData ?? {}), ...Object.keys(m.spec?.template?.data ?? {})]));
      }
    }
  }

  /** Names of `kind` in `namespace`, sorted. */
  public namesIn(kind: ReferencedKind, namespace: string): string[] {
    return [...(this.names.get(`${kind}\u0000${namespace}`) ?? [])].sort();
  }

  private produce(ns: string, name: string, by: string, keys?: Set<string>): void {
    const key = `${ns}/${name}`;
    const prev = this.secrets.get(key);
    // two producers of one Secret: its keys are no longer knowable
    this.secrets.set(key, prev ? { by: prev.by, keys: undefined } : { by, keys });
  }
}

const indexes = new WeakMap<PolicyContext, ReferenceIndex>();
function indexOf(ctx: PolicyContext): ReferenceIndex {
  let index = indexes.get(ctx);
  if (!index) indexes.set(ctx, (index = new ReferenceIndex(ctx)));
  return index;
}

/**
 * The ConfigMap and Secret references of the objects besides pods that read them the same way: a
 * Velero BackupStorageLocation or VolumeSnapshotLocation `spec.credential`, and a Flux HelmRelease
 * `spec.valuesFrom` (the release fails until the object exists, unless `optional`).
 */
export function objectReferences(m: Manifest): NamedReference[] {
  const out: NamedReference[] = [];
  if ((m.kind === 'BackupStorageLocation' || m.kind === 'VolumeSnapshotLocation') && m.apiVersion === 'velero.io/v1') {
    const c = m.spec?.credential;
    if (typeof c?.name === 'string') out.push({ kind: 'Secret', name: c.name, key: c.key, optional: false, source: 'spec.credential', effect: 'the location stays Unavailable and every backup or snapshot through it fails' });
  }
  if (m.kind === 'HelmRelease' && (m.apiVersion ?? '').startsWith('helm.toolkit.fluxcd.io/')) {
    list(m.spec?.valuesFrom).forEach((v, i) => {
      if ((v?.kind !== 'ConfigMap' && v?.kind !== 'Secret') || typeof v?.name !== 'string') return;
      out.push({ kind: v.kind, name: v.name, key: v.valuesKey ?? 'values.yaml', optional: v.optional === true, source: `spec.valuesFrom[${i}]`, effect: 'the release is never installed' });
    });
  }
  return out;
}

/** Every object of the set that references ConfigMaps, Secrets or claims, with its references, in object order. */
function referencingObjects(ctx: PolicyContext): { record: ManifestRecord; namespace: string; refs: NamedReference[] }[] {
  const out: { record: ManifestRecord; namespace: string; refs: NamedReference[] }[] = [];
  for (const record of ctx.objects) {
    const pod = podTemplateOf(record.manifest);
    const refs = pod ? podReferences(pod.spec) : objectReferences(record.manifest);
    if (refs.length > 0) out.push({ record, namespace: namespaceOf(record.manifest), refs });
  }
  return out;
}

function listed(names: readonly string[]): string {
  return names.length > 0 ? names.join(', ') : 'none';
}

/** The finding for one reference, or `undefined` when it resolves. */
function judge(index: ReferenceIndex, ns: string, ref: NamedReference): { message: string; fix: string } | undefined {
  const id = `${ns}/${ref.name}`;
  if (ref.kind === 'PersistentVolumeClaim') {
    if (index.claims.has(id)) return undefined;
    const known = index.namesIn('PersistentVolumeClaim', ns);
    return {
      message: `${ref.source} claims PersistentVolumeClaim ${ref.name}, which is not in namespace ${ns} (claims there: ${listed(known)}), so ${ref.effect}`,
      fix: `define PersistentVolumeClaim ${ref.name} in namespace ${ns} (AppVolume.newClaim, or a claim object next to the workload), or correct claimName`,
    };
  }
  if (ref.optional) return undefined;
  if (ref.kind === 'ConfigMap') {
    const keys = index.configMaps.get(id) ?? (BUILTIN_CONFIGMAPS.has(ref.name) ? new Set(BUILTIN_CONFIGMAPS.get(ref.name)) : undefined);
    if (!keys) {
      const known = index.namesIn('ConfigMap', ns);
      return {
        message: `${ref.source} names ConfigMap ${ref.name}, which is not in namespace ${ns} (ConfigMaps there: ${listed(known)}), so ${ref.effect}`,
        fix: `create ConfigMap ${ref.name} in namespace ${ns} with this program, correct the name, or mark the reference optional: true if the app runs without it`,
      };
    }
    if (ref.key === undefined || keys.has(ref.key)) return undefined;
    const have = [...keys].sort();
    return {
      message: `${ref.source} reads key "${ref.key}" of ConfigMap ${ns}/${ref.name}, which has no such key (keys: ${listed(have)}), so ${ref.effect}`,
      fix: `read one of its keys (${listed(have)}), add key "${ref.key}" to ConfigMap ${ref.name}, or mark the reference optional: true`,
    };
  }
  const producer = index.secrets.get(id);
  if (!producer?.keys || ref.key === undefined || producer.keys.has(ref.key) || ref.source === 'imagePullSecrets') return undefined;
  const have = [...producer.keys].sort();
  return {
    message: `${ref.source} reads key "${ref.key}" of Secret ${ns}/${ref.name}, which ${producer.by} creates with keys ${listed(have)} only, so ${ref.effect}`,
    fix: `read one of ${listed(have)}, make ${producer.by} write key "${ref.key}", or mark the reference optional: true`,
  };
}

/** A Secret the pods need that no object of the set creates. */
export interface SecretToProvide {
  readonly namespace: string;
  readonly name: string;
  /** Keys read by name; `optional` when every reference to the key is optional. */
  readonly keys: readonly { readonly key: string; readonly optional: boolean }[];
  /** How consumers take the whole Secret (`envFrom`, `volume`), when some do. */
  readonly whole: readonly ('envFrom' | 'volume')[];
  /** `Kind name` of each consumer (the construct path for a declared one), sorted. */
  readonly consumers: readonly string[];
}

/**
 * The Secrets the pod templates of the set reference (env, envFrom, volumes, projected sources,
 * image pull secrets) or constructs declared (`ctx.declaredSecrets`, from `requireSecret`) that
 * no object of the set creates (a Secret, a cert-manager Certificate's `secretName`, an
 * ExternalSecret's target, a SealedSecret), sorted by namespace and name.
 */
export function secretsToProvide(ctx: PolicyContext): SecretToProvide[] {
  const index = indexOf(ctx);
  const needed = new Map<string, { namespace: string; name: string; keys: Map<string, boolean>; whole: Set<'envFrom' | 'volume'>; consumers: Set<string> }>();
  for (const pod of referencingObjects(ctx)) {
    for (const ref of pod.refs) {
      if (ref.kind !== 'Secret') continue;
      const id = `${pod.namespace}/${ref.name}`;
      if (index.secrets.has(id)) continue;
      let entry = needed.get(id);
      if (!entry) needed.set(id, (entry = { namespace: pod.namespace, name: ref.name, keys: new Map(), whole: new Set(), consumers: new Set() }));
      if (ref.key !== undefined) entry.keys.set(ref.key, (entry.keys.get(ref.key) ?? true) && ref.optional);
      if (ref.whole) entry.whole.add(ref.whole);
      entry.consumers.add(`${pod.record.manifest.kind} ${pod.record.manifest.metadata?.name}`);
    }
  }
  for (const d of ctx.declaredSecrets) {
    const id = `${d.namespace}/${d.name}`;
    if (index.secrets.has(id)) continue;
    // a Secret the manifests already show is listed with those consumers; a declaration only adds keys
    let entry = needed.get(id);
    if (!entry) needed.set(id, (entry = { namespace: d.namespace, name: d.name, keys: new Map(), whole: new Set(), consumers: new Set([d.consumer]) }));
    for (const key of d.keys) entry.keys.set(key, false);
  }
  return [...needed.values()]
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name))
    .map((e) => ({
      namespace: e.namespace,
      name: e.name,
      keys: [...e.keys.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, optional]) => ({ key, optional })),
      whole: [...e.whole].sort(),
      consumers: [...e.consumers].sort(),
    }));
}

/**
 * HK-SCR-04: every ConfigMap and claim a pod template names is in the set (or the reference is
 * optional), and keys read from ConfigMaps and from Secrets the set creates exist. Secrets the set
 * does not create are expected from outside and listed in REPORT.md.
 */
export const objectReferencesRule: PolicyRule = {
  id: 'HK-SCR-04',
  level: RuleLevel.ERROR,
  title: 'ConfigMaps and PersistentVolumeClaims that pods reference exist, and so do the keys they read; Secrets from outside are listed',
  explanation: 'A pod that names a ConfigMap or claim nobody creates does not fail at apply time: it sits in ContainerCreating (FailedMount), '
    + 'CreateContainerConfigError or Pending until someone reads the events. The cortex redis-queue (seed 000) mounted claim redis-queue-pvc '
    + 'and youtube-ingestion claim youtube-data-pvc, neither defined in Git; the homelab (seed 003) needed Secrets that SOPS never '
    + 'decrypted and one (recyclarr-api-keys) that was never in Git. Secrets are different by design: this program never writes a '
    + 'secret value, so a referenced Secret that no object here creates is expected from outside (SOPS, External Secrets, the Pulumi '
    + 'engine) and listed under "Secrets to provide" in REPORT.md; only a Secret the set does create (by hand, a cert-manager '
    + 'Certificate, an ExternalSecret, a SealedSecret) is checked for the keys the pods read. kube-root-ca.crt exists in every namespace.',
  fix: 'create the object in the same namespace with this program (AppVolume.newClaim, a ConfigMap), correct the name or key, or mark the reference optional: true',
  analyze(ctx) {
    const index = indexOf(ctx);
    const out: AnalysisViolation[] = [];
    for (const pod of referencingObjects(ctx)) {
      const seen = new Set<string>();
      for (const ref of pod.refs) {
        const v = judge(index, pod.namespace, ref);
        if (!v || seen.has(v.message)) continue;
        seen.add(v.message);
        out.push({ target: pod.record, ...v });
      }
    }
    return out;
  },
  report(ctx): ReportSection | undefined {
    const secrets = secretsToProvide(ctx);
    if (secrets.length === 0) return undefined;
    const lines = [
      'Secrets that pods, Velero locations (`spec.credential`) and Flux HelmReleases (`valuesFrom`) reference, or that constructs '
        + 'declare with `requireSecret` (Secrets named in chart values, shown with the construct path), and no object of this '
        + 'program creates. The GitOps tree never holds a secret value: create each one in its namespace before its consumers start '
        + '(SOPS, External Secrets; the Pulumi engine creates them from `pulumi config set --secret`).',
      '',
      '| namespace | Secret | keys | consumers |',
      '|---|---|---|---|',
    ];
    for (const s of secrets) {
      const keys = [
        ...s.keys.map((k) => `\`${k.key}\`${k.optional ? ' (optional)' : ''}`),
        ...s.whole.map((w) => `all keys (${w})`),
      ];
      lines.push(`| ${s.namespace} | ${s.name} | ${keys.join(', ')} | ${s.consumers.join(', ')} |`);
    }
    return { title: 'Secrets to provide', lines };
  },
};
