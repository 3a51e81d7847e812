import { ValidationError } from './errors';
import { ClusterNode, ClusterProfile } from './profile';

/** Label and annotation keys of Longhorn's node and volume configuration. */
export const LonghornKeys = {
  /** Node label: `config` makes Longhorn create the node's disks from {@link LonghornKeys.DEFAULT_DISKS_CONFIG}. */
  CREATE_DEFAULT_DISK: 'node.longhorn.io/create-default-disk',
  /** Node annotation: JSON list of `{path, allowScheduling, tags, name}` disks, read when Longhorn first sees the node. */
  DEFAULT_DISKS_CONFIG: 'node.longhorn.io/default-disks-config',
  /** Node annotation: JSON list of Longhorn node tags, read when Longhorn first sees the node. */
  DEFAULT_NODE_TAGS: 'node.longhorn.io/default-node-tags',
  /** Claim label: Longhorn copies the claim's recurring-job labels to its volume only when this is `enabled`. */
  RECURRING_JOB_SOURCE: 'recurring-job.longhorn.io/source',
  /** Prefix of the claim/volume label `recurring-job.longhorn.io/<job>: enabled`. */
  RECURRING_JOB_PREFIX: 'recurring-job.longhorn.io/',
  /** Prefix of the claim/volume label `recurring-job-group.longhorn.io/<group>: enabled`. */
  RECURRING_JOB_GROUP_PREFIX: 'recurring-job-group.longhorn.io/',
  /** The only value Longhorn accepts on recurring-job labels. */
  ENABLED: 'enabled',
  /** The group Longhorn gives a volume that has no other recurring-job label. */
  DEFAULT_GROUP: 'default',
  /** The CSI driver (StorageClass provisioner) name. */
  PROVISIONER: 'driver.longhorn.io',
} as const;

/** `recurring-job.longhorn.io/<job>`. */
export function longhornJobLabel(job: string): string {
  return `${LonghornKeys.RECURRING_JOB_PREFIX}${job}`;
}

/** `recurring-job-group.longhorn.io/<group>`. */
export function longhornGroupLabel(group: string): string {
  return `${LonghornKeys.RECURRING_JOB_GROUP_PREFIX}${group}`;
}

/** One node's share of a storage tier. */
export interface StorageTierNode {
  /** The node. */
  readonly node: ClusterNode;
  /** Sum of the node's disks of the tier, in bytes. */
  readonly bytes: number;
  /** The tier's disk paths on the node, brace patterns expanded. */
  readonly paths: readonly string[];
}

/** A storage tier as the profile declares it: the nodes with disks of that tier. */
export interface ProfileStorageTier {
  /** Tier name (the disks' `tier`), also the Longhorn disk tag. */
  readonly name: string;
  /** Nodes carrying disks of the tier, in profile order. */
  readonly nodes: readonly StorageTierNode[];
  /** Sum of the tier's disks on all nodes, in bytes. */
  readonly bytes: number;
}

/**
 * The storage tiers of a profile, keyed by tier name, in order of first appearance. A tier's
 * disks are what Longhorn may place its replicas on: one disk tag per tier.
 */
export function profileStorageTiers(profile: ClusterProfile): Map<string, ProfileStorageTier> {
  const acc = new Map<string, Map<ClusterNode, { bytes: number; paths: string[] }>>();
  for (const node of profile.nodes) {
    for (const d of node.disks) {
      let nodes = acc.get(d.tier);
      if (!nodes) acc.set(d.tier, (nodes = new Map()));
      const entry = nodes.get(node) ?? { bytes: 0, paths: [] };
      entry.bytes += d.capacity.bytes;
      if (d.path !== undefined) entry.paths.push(...expandDiskPath(d.path));
      nodes.set(node, entry);
    }
  }
  const out = new Map<string, ProfileStorageTier>();
  for (const [name, nodes] of acc) {
    const list = [...nodes].map(([node, e]) => ({ node, bytes: e.bytes, paths: e.paths }));
    out.set(name, { name, nodes: list, bytes: list.reduce((n, x) => n + x.bytes, 0) });
  }
  return out;
}

/**
 * Nodes whose Longhorn disks and node tags satisfy a StorageClass's `diskSelector` and
 * `nodeSelector`, with their matching capacity. Longhorn requires every selector tag on the same
 * disk (and every node tag on the same node); the library tags each disk with its tier and each
 * node with the tiers of its disks (see {@link longhornNodeSetup}). An empty disk selector
 * matches every disk.
 */
export function longhornEligibleNodes(profile: ClusterProfile, diskTags: readonly string[], nodeTags: readonly string[] = []): StorageTierNode[] {
  const out: StorageTierNode[] = [];
  for (const node of profile.nodes) {
    const tiers = new Set(node.disks.map((d) => d.tier));
    if (!nodeTags.every((t) => tiers.has(t))) continue;
    const disks = node.disks.filter((d) => diskTags.every((t) => t === d.tier));
    if (disks.length === 0) continue;
    out.push({
      node,
      bytes: disks.reduce((n, d) => n + d.capacity.bytes, 0),
      paths: disks.flatMap((d) => (d.path === undefined ? [] : expandDiskPath(d.path))),
    });
  }
  return out;
}

/**
 * The largest total size of volumes with `replicas` replicas each that fits nodes of the given
 * capacities when the replicas of one volume must sit on different nodes (Longhorn's hard
 * replica anti-affinity): `min over j < replicas of (sum of all but the j largest) / (replicas − j)`.
 * 0 when there are fewer nodes than replicas.
 */
export function placeableBytes(capacities: readonly number[], replicas: number): number {
  const n = capacities.length;
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > n) return 0;
  const sorted = [...capacities].sort((a, b) => a - b);
  let total = sorted.reduce((s, c) => s + c, 0);
  let best = Infinity;
  for (let j = 0; j < replicas; j++) {
    best = Math.min(best, total / (replicas - j));
    total -= sorted[n - 1 - j];
  }
  return Math.floor(best);
}

/**
 * Expands shell-style brace patterns in a disk path: `/mnt/ssd-{1..3}/pv` → three paths,
 * `/mnt/optane-{1,2}/pv` → two. Paths without braces come back as they are.
 */
export function expandDiskPath(path: string): string[] {
  const m = /\{([^{}]*)\}/.exec(path);
  if (!m) return [path];
  const before = path.slice(0, m.index);
  const after = path.slice(m.index + m[0].length);
  const range = /^(\d+)\.\.(\d+)$/.exec(m[1]);
  let items: string[];
  if (range) {
    const [a, b] = [Number(range[1]), Number(range[2])];
    if (b < a || b - a > 1000) {
      throw new ValidationError(undefined, { prop: 'path', value: path, rule: `the range {${m[1]}} must count up`, fix: `write it low to high, e.g. {${Math.min(a, b)}..${Math.max(a, b)}}` });
    }
    items = Array.from({ length: b - a + 1 }, (_, i) => String(a + i));
  } else if (m[1].includes(',')) {
    items = m[1].split(',');
  } else {
    throw new ValidationError(undefined, { prop: 'path', value: path, rule: `"{${m[1]}}" is neither a list {a,b} nor a range {1..3}`, fix: 'write the disks as /mnt/ssd-{1..7}/pv or /mnt/optane-{1,2}/pv, or list one path per disk' });
  }
  return items.flatMap((i) => expandDiskPath(`${before}${i}${after}`));
}

/** Where Longhorn keeps a disk that the profile declares without a path. */
export const LONGHORN_DEFAULT_DISK_PATH = '/var/lib/longhorn';

/** One directory Longhorn keeps replicas in. */
export interface LonghornDiskDirectory {
  /** Absolute path, without a trailing slash. */
  readonly path: string;
  /** The disk's tier (its Longhorn tag). */
  readonly tier: string;
}

/**
 * The directories Longhorn keeps replicas in on `node`: one per disk path, brace patterns
 * expanded, a disk without a path at {@link LONGHORN_DEFAULT_DISK_PATH} (as
 * {@link longhornNodeSetup} configures them). A path that cannot be expanded is skipped here
 * (the Longhorn construct refuses it).
 */
export function longhornDiskDirectories(node: ClusterNode): LonghornDiskDirectory[] {
  const out: LonghornDiskDirectory[] = [];
  for (const d of node.disks) {
    let paths: string[];
    try {
      paths = d.path === undefined ? [LONGHORN_DEFAULT_DISK_PATH] : expandDiskPath(d.path);
    } catch (e) {
      if (e instanceof ValidationError) continue;
      throw e;
    }
    for (const p of paths) out.push({ path: normalizeHostPath(p), tier: d.tier });
  }
  return out;
}

/** `/mnt//ssd-1/./pv/` → `/mnt/ssd-1/pv`: duplicate slashes, `.` segments and the trailing slash removed, `..` resolved. */
export function normalizeHostPath(path: string): string {
  const parts: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return `/${parts.join('/')}`;
}

/** True when `path` is `dir` or lies under it (both normalized with {@link normalizeHostPath}). */
export function isSameOrUnder(path: string, dir: string): boolean {
  return path === dir || dir === '/' || path.startsWith(`${dir}/`);
}

/**
 * The tiers a StorageClass name names: each tier that appears in `name` as whole
 * hyphen-separated words (`longhorn-sas-ssd` names `sas-ssd`; `longhorn-nvmes` names none).
 * Where two tiers overlap (`ssd` and `sas-ssd` in `longhorn-sas-ssd`) the longer one wins.
 */
export function tierNamesIn(name: string, tiers: Iterable<string>): string[] {
  const words = name.split('-');
  const spans: { tier: string; start: number; end: number }[] = [];
  for (const tier of tiers) {
    const t = tier.split('-');
    for (let i = 0; i + t.length <= words.length; i++) {
      if (t.every((w, j) => words[i + j] === w)) spans.push({ tier, start: i, end: i + t.length });
    }
  }
  spans.sort((a, b) => (b.end - b.start) - (a.end - a.start) || a.start - b.start);
  const taken = new Set<number>();
  const out: string[] = [];
  for (const s of spans) {
    const range = Array.from({ length: s.end - s.start }, (_, k) => s.start + k);
    if (range.some((k) => taken.has(k))) continue;
    range.forEach((k) => taken.add(k));
    if (!out.includes(s.tier)) out.push(s.tier);
  }
  return out;
}

/** What a node needs so that Longhorn creates its tiered disks (see {@link longhornNodeSetup}). */
export interface LonghornNodeSetup {
  /** The node. */
  readonly node: string;
  /** Node labels to set. */
  readonly labels: Readonly<Record<string, string>>;
  /** Node annotations to set. */
  readonly annotations: Readonly<Record<string, string>>;
  /** The same as `kubectl` commands. */
  readonly commands: readonly string[];
}

/**
 * The node label and annotations that make Longhorn create `node`'s disks, tagged with their
 * tier, and tag the node with its tiers. Nodes are not GitOps objects (a committed Node would be
 * created empty before the kubelet registers it, and pruned when removed from Git), so these are
 * applied once by the operator; Longhorn reads them only when it first sees the node (with
 * `createDefaultDiskLabeledNodes`). Returns `undefined` for a node without disks.
 *
 * A disk path that names several disks (`/mnt/ssd-{1..7}/k8s-pv`) becomes one Longhorn disk per
 * path, named `<tier>-<n>`; a disk without a path is Longhorn's default `/var/lib/longhorn`.
 * @throws ValidationError (without a path) when two disks of the node share a path
 */
export function longhornNodeSetup(node: ClusterNode): LonghornNodeSetup | undefined {
  if (node.disks.length === 0) return undefined;
  const disks: { path: string; allowScheduling: boolean; tags: string[]; name: string }[] = [];
  const counters = new Map<string, number>();
  node.disks.forEach((d, j) => {
    let paths: string[];
    try {
      paths = d.path === undefined ? [LONGHORN_DEFAULT_DISK_PATH] : expandDiskPath(d.path);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      throw new ValidationError(undefined, { prop: `disks[${j}].${e.prop}`, value: e.value, rule: e.rule, fix: e.fix });
    }
    for (const path of paths) {
      const twin = disks.find((x) => x.path === path);
      if (twin) {
        throw new ValidationError(undefined, { prop: `disks[${j}].path`, value: path, rule: `two disks of node ${node.name} (${twin.tags[0]} and ${d.tier}) have the same path`, fix: 'give every disk its own mount path (a disk without a path is at /var/lib/longhorn)' });
      }
      const n = (counters.get(d.tier) ?? 0) + 1;
      counters.set(d.tier, n);
      disks.push({ path, allowScheduling: true, tags: [d.tier], name: `${d.tier}-${n}` });
    }
  });
  const tags = [...new Set(node.disks.map((d) => d.tier))].sort();
  const labels = { [LonghornKeys.CREATE_DEFAULT_DISK]: 'config' };
  const annotations = {
    [LonghornKeys.DEFAULT_DISKS_CONFIG]: JSON.stringify(disks),
    [LonghornKeys.DEFAULT_NODE_TAGS]: JSON.stringify(tags),
  };
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return {
    node: node.name,
    labels,
    annotations,
    commands: [
      `kubectl label node ${node.name} ${LonghornKeys.CREATE_DEFAULT_DISK}=config --overwrite`,
      `kubectl annotate node ${node.name} ${LonghornKeys.DEFAULT_DISKS_CONFIG}=${quote(annotations[LonghornKeys.DEFAULT_DISKS_CONFIG])} --overwrite`,
      `kubectl annotate node ${node.name} ${LonghornKeys.DEFAULT_NODE_TAGS}=${quote(annotations[LonghornKeys.DEFAULT_NODE_TAGS])} --overwrite`,
    ],
  };
}

/**
 * `bytes` as text for reports and messages: the largest binary unit that divides it exactly, or
 * one decimal of the largest unit worth at least 10 (`20Gi`, `2600Gi`, `12.3Ti`, `1536Mi`).
 */
export function formatStorageSize(bytes: number): string {
  const units: [string, number][] = [['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]];
  for (const [unit, size] of units) {
    const v = bytes / size;
    if (v >= 1 && Number.isInteger(v)) return `${v}${unit}`;
    if (v >= 10) return `${Math.round(v * 10) / 10}${unit}`;
  }
  return `${Math.round(bytes)}`;
}
