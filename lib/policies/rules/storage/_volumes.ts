import { ClusterNode } from '../../../core/profile';
import { quantityValue } from '../../../core/quantity';
import { formatStorageSize, longhornEligibleNodes, normalizeHostPath } from '../../../core/storage-tiers';
import { nodeSelectorTermsMatch, selectorMatches } from '../../pod';
import { ManifestRecord, PolicyContext } from '../../rule';
import { Claim, LonghornClass, claimIndex, ClaimIndex, defaultClassName, joinNames, longhornClasses } from './_shared';

/** The provisioner of StorageClasses whose volumes are all made by hand (static local PersistentVolumes). */
export const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

/** A PersistentVolume of the object set, as the storage rules and the placement read it. */
export interface StaticVolume {
  readonly record: ManifestRecord;
  readonly name: string;
  /** `storageClassName`, `''` for a volume without a class. */
  readonly className: string;
  readonly bytes: number;
  readonly accessModes: readonly string[];
  /** `Filesystem` (the default) or `Block`. */
  readonly volumeMode: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The claim it is reserved for (`claimRef`), if any. */
  readonly claimRef?: { readonly namespace?: string; readonly name?: string };
  /** The profile nodes its `nodeAffinity.required` admits; `undefined` when it has none (every node). */
  readonly nodes?: readonly ClusterNode[];
  /** Its directory on the node (`spec.local.path` or `spec.hostPath.path`, normalized), if it has one. */
  readonly hostPath?: { readonly path: string; readonly field: 'local' | 'hostPath' };
}

/** The PersistentVolumes of an object set, indexed. */
export interface PersistentVolumeIndex {
  readonly all: readonly StaticVolume[];
  readonly byName: ReadonlyMap<string, StaticVolume>;
  /** By `storageClassName` (`''` for none), in object order. */
  readonly byClass: ReadonlyMap<string, readonly StaticVolume[]>;
}

/** The PersistentVolumes of the object set, read once per policy context. */
export function persistentVolumes(ctx: PolicyContext): PersistentVolumeIndex {
  let index = volumeCache.get(ctx);
  if (!index) volumeCache.set(ctx, (index = readVolumes(ctx)));
  return index;
}

const volumeCache = new WeakMap<PolicyContext, PersistentVolumeIndex>();

function readVolumes(ctx: PolicyContext): PersistentVolumeIndex {
  const nodes = ctx.profile?.nodes ?? [];
  const all: StaticVolume[] = [];
  const byName = new Map<string, StaticVolume>();
  const byClass = new Map<string, StaticVolume[]>();
  for (const record of ctx.byKind('PersistentVolume')) {
    const m = record.manifest;
    if (m.apiVersion !== 'v1' || !m.metadata?.name) continue;
    const spec = m.spec ?? {};
    const terms = spec.nodeAffinity?.required?.nodeSelectorTerms;
    const local = typeof spec.local?.path === 'string' ? { path: normalizeHostPath(spec.local.path), field: 'local' as const } : undefined;
    const host = typeof spec.hostPath?.path === 'string' ? { path: normalizeHostPath(spec.hostPath.path), field: 'hostPath' as const } : undefined;
    const v: StaticVolume = {
      record,
      name: m.metadata.name,
      className: typeof spec.storageClassName === 'string' ? spec.storageClassName : '',
      bytes: quantityValue(spec.capacity?.storage) ?? 0,
      accessModes: Array.isArray(spec.accessModes) ? spec.accessModes : [],
      volumeMode: typeof spec.volumeMode === 'string' ? spec.volumeMode : 'Filesystem',
      labels: m.metadata.labels ?? {},
      claimRef: spec.claimRef && typeof spec.claimRef === 'object' ? spec.claimRef : undefined,
      nodes: Array.isArray(terms) ? nodes.filter((n) => nodeSelectorTermsMatch(terms, n)) : undefined,
      hostPath: local ?? host,
    };
    all.push(v);
    byName.set(v.name, v);
    const list = byClass.get(v.className);
    if (list) list.push(v);
    else byClass.set(v.className, [v]);
  }
  return { all, byName, byClass };
}

/** Where a claim's volume can be, for the scheduler. */
export type ClaimPlacement = StaticClaimPlacement | StrictLocalClaimPlacement;

/**
 * A claim that binds only existing PersistentVolumes: `storageClassName: ""`, a class with the
 * {@link NO_PROVISIONER} provisioner, or a `volumeName` naming a PersistentVolume of the set.
 */
export interface StaticClaimPlacement {
  readonly kind: 'static';
  readonly claim: Claim;
  /** The PersistentVolumes that could bind it, smallest first (the volume binder's choice); empty when none can. */
  readonly volumes: readonly StaticVolume[];
  /** Why no volume can bind it, when `volumes` is empty. */
  readonly problem?: string;
}

/** A claim on a Longhorn class with `strict-local` data locality: its one replica sits on the pod's node. */
export interface StrictLocalClaimPlacement {
  readonly kind: 'strict-local';
  readonly claim: Claim;
  readonly cls: LonghornClass;
  /** Nodes carrying disks that match the class's selectors. */
  readonly nodes: readonly ClusterNode[];
}

/** The claims of an object set with where their volumes can be (once per policy context). */
export interface ClaimPlacements {
  readonly claims: ClaimIndex;
  /** The placement constraint of a claim; `undefined` when its volume can be used from any node. */
  of(claim: Claim): ClaimPlacement | undefined;
}

/** Claims and the constraints their volumes put on pods, read once per policy context. */
export function claimPlacements(ctx: PolicyContext): ClaimPlacements {
  let cached = placementCache.get(ctx);
  if (!cached) placementCache.set(ctx, (cached = readPlacements(ctx)));
  return cached;
}

const placementCache = new WeakMap<PolicyContext, ClaimPlacements>();

const claimKey = (c: Claim) => `${c.namespace}/${c.name}`;
const className = (name: string) => (name === '' ? 'no StorageClass ("")' : `StorageClass ${name}`);

function readPlacements(ctx: PolicyContext): ClaimPlacements {
  const classes = longhornClasses(ctx);
  const claims = claimIndex(ctx, defaultClassName(ctx, classes));
  const volumes = persistentVolumes(ctx);
  const noProvisioner = new Set<string>();
  for (const r of ctx.byKind('StorageClass')) {
    if (r.manifest.provisioner === NO_PROVISIONER && r.manifest.metadata?.name) noProvisioner.add(r.manifest.metadata.name);
  }
  // PersistentVolumes that a claim names: bound to that claim only
  const namedBy = new Map<string, string>();
  for (const c of claims.pvcs.values()) if (c.volumeName) namedBy.set(c.volumeName, claimKey(c));
  const memo = new Map<Claim, ClaimPlacement | undefined>();
  const profile = ctx.profile;
  // PersistentVolumes with a claimRef, by class: candidates only for the claim they name
  const reserved = new Map<string, StaticVolume[]>();
  for (const v of volumes.all) {
    if (!reservedBy(v)) continue;
    const list = reserved.get(v.className);
    if (list) list.push(v);
    else reserved.set(v.className, [v]);
  }
  // `list` without its `from` smallest volumes, shared by the claims that skip as many
  const tails = new WeakMap<readonly StaticVolume[], Map<number, StaticVolume[]>>();
  const tail = (list: StaticVolume[], from: number): StaticVolume[] => {
    let byStart = tails.get(list);
    if (!byStart) tails.set(list, (byStart = new Map()));
    let t = byStart.get(from);
    if (!t) byStart.set(from, (t = list.slice(from)));
    return t;
  };
  // the free volumes matching a class, selector, access modes and volume mode, smallest first: one list shared by
  // every claim with that signature (claims then skip the ones too small), so many claims on one class stay linear
  const signatures = new Map<string, StaticVolume[]>();
  const bySignature = (wanted: string, claim: Claim): StaticVolume[] => {
    const key = JSON.stringify([wanted, claim.selector ?? null, [...claim.accessModes].sort(), claim.volumeMode]);
    let list = signatures.get(key);
    if (!list) {
      list = (volumes.byClass.get(wanted) ?? []).filter((v) => !reservedBy(v) && namedBy.get(v.name) === undefined
        && v.volumeMode === claim.volumeMode && claim.accessModes.every((m) => v.accessModes.includes(m))
        && (!claim.selector || selectorMatches(claim.selector, v.labels))).sort((a, b) => a.bytes - b.bytes);
      signatures.set(key, list);
    }
    return list;
  };

  const compute = (claim: Claim): ClaimPlacement | undefined => {
    const wanted = claim.noClass ? '' : claim.className;
    const isStatic = claim.noClass || (wanted !== undefined && noProvisioner.has(wanted));
    if (claim.volumeName) {
      const v = volumes.byName.get(claim.volumeName);
      if (!v) {
        return isStatic ? { kind: 'static', claim, volumes: [], problem: `names PersistentVolume ${claim.volumeName} (volumeName), which is not in the object set` } : undefined;
      }
      const why = mismatch(v, claim, wanted);
      return why
        ? { kind: 'static', claim, volumes: [], problem: `names PersistentVolume ${v.name} (volumeName), which cannot bind it: ${why}` }
        : { kind: 'static', claim, volumes: [v] };
    }
    if (isStatic) {
      const ofClass = volumes.byClass.get(wanted as string) ?? [];
      // volumes reserved for this claim (claimRef); else the unreserved ones of its signature that are large enough
      const mine = (reserved.get(wanted as string) ?? []).filter((v) => namedBy.get(v.name) === undefined && mismatch(v, claim, wanted) === undefined
        && (!claim.selector || selectorMatches(claim.selector, v.labels)));
      const shared = bySignature(wanted as string, claim);
      let from = 0;
      while (from < shared.length && shared[from].bytes < claim.bytes) from++;
      // a volume pre-bound to the claim (its claimRef) is the binder's match outright
      const fitting = mine.length ? mine : from === 0 ? shared : tail(shared, from);
      if (fitting.length) return { kind: 'static', claim, volumes: fitting };
      const problem = ofClass.length === 0
        ? `has no PersistentVolume that could bind it: the object set has no PersistentVolume of ${className(wanted as string)}`
        : `has no PersistentVolume that could bind it: none of the ${ofClass.length} PersistentVolume${ofClass.length === 1 ? '' : 's'} of ${className(wanted as string)} `
          + `(${ofClass.length > 5 ? `${ofClass.slice(0, 5).map((v) => v.name).join(', ')}, …` : joinNames(ofClass.map((v) => v.name))}) is free and matches its ${claim.selector ? `selector ${describeSelector(claim.selector)}, ` : ''}size ${formatStorageSize(claim.bytes)} and access modes ${claim.accessModes.join(', ') || 'none'}`;
      return { kind: 'static', claim, volumes: [], problem };
    }
    const cls = wanted === undefined ? undefined : classes.get(wanted);
    if (cls?.dataLocality === 'strict-local' && profile) {
      return { kind: 'strict-local', claim, cls, nodes: longhornEligibleNodes(profile, cls.diskTags, cls.nodeTags).map((n) => n.node) };
    }
    return undefined;
  };

  return {
    claims,
    of(claim) {
      if (!memo.has(claim)) memo.set(claim, compute(claim));
      return memo.get(claim);
    },
  };
}

/** Why PersistentVolume `v` cannot bind `claim` (class, reservation, size, access modes, volume mode), or `undefined`. */
function mismatch(v: StaticVolume, claim: Claim, wanted: string | undefined): string | undefined {
  if (wanted !== undefined && v.className !== wanted) return `its storageClassName is "${v.className}" and the claim's "${wanted}"`;
  const ref = reservedBy(v);
  if (ref && !claimRefMatches(ref, claim)) {
    return `it is reserved for claim ${ref.namespace ?? ''}/${ref.name ?? ''} (claimRef)`;
  }
  if (v.bytes < claim.bytes) return `it holds ${formatStorageSize(v.bytes)}, the claim requests ${formatStorageSize(claim.bytes)}`;
  const missing = claim.accessModes.filter((m) => !v.accessModes.includes(m));
  if (missing.length) return `it offers ${v.accessModes.join(', ') || 'no access mode'}, the claim asks for ${missing.join(', ')}`;
  if (v.volumeMode !== claim.volumeMode) return `it is a ${v.volumeMode} volume, the claim asks for ${claim.volumeMode}`;
  return undefined;
}

/** The claim a PersistentVolume is reserved for (a `claimRef` naming one), if any. */
function reservedBy(v: StaticVolume): { namespace?: string; name?: string } | undefined {
  const ref = v.claimRef;
  return ref && (ref.namespace !== undefined || ref.name !== undefined) ? ref : undefined;
}

/** True when a PersistentVolume's `claimRef` may be the claim (per-pod claims: `<template>-<pod>` or `<pod>-<volume>`). */
function claimRefMatches(ref: { namespace?: string; name?: string }, claim: Claim): boolean {
  if (ref.namespace !== undefined && ref.namespace !== claim.namespace) return false;
  if (ref.name === undefined) return true;
  return claim.perPod ? ref.name.startsWith(`${claim.name}-`) || ref.name.endsWith(`-${claim.name}`) : ref.name === claim.name;
}

/** `tier=ultra-performance, node=k3s3` (matchLabels, then matchExpressions). */
function describeSelector(selector: any): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of Array.isArray(selector?.matchExpressions) ? selector.matchExpressions : []) {
    parts.push(`${e?.key} ${e?.operator}${Array.isArray(e?.values) && e.values.length ? ` (${e.values.join(', ')})` : ''}`);
  }
  return parts.join(', ') || '{}';
}

/** `on k3s3`, `on k3s1 and k3s2`, or `on any node` for a volume without node affinity. */
export function volumeNodesText(v: StaticVolume): string {
  if (v.nodes === undefined) return 'on any node';
  return v.nodes.length ? `on ${joinNames(v.nodes.map((n) => n.name))}` : 'on no node of the profile';
}
