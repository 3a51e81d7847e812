import { formatStorageSize, longhornEligibleNodes, longhornNodeSetup, placeableBytes } from '../../../core/storage-tiers';
import { AnalysisViolation, PolicyContext, PolicyRule, ReportSection, RuleLevel } from '../../rule';
import { Claim, LonghornClass, claimsOf, classLabel, defaultClassName, joinNames, longhornClasses } from './_shared';

interface ClassUsage {
  readonly cls: LonghornClass;
  /** Node name → matching disk bytes. */
  readonly nodes: readonly { name: string; bytes: number }[];
  /** Claims on the class. */
  readonly claims: Claim[];
  /** Sum of claim sizes (× StatefulSet replicas). */
  volumeBytes: number;
}

interface Pool {
  /** Disk tags (`''` = any Longhorn disk). */
  readonly key: string;
  readonly capacity: number;
  readonly classes: ClassUsage[];
}

/** Classes with their claims and disk capacity, grouped by the disks they use. Linear in the object count. */
function usage(ctx: PolicyContext): Pool[] | undefined {
  const profile = ctx.profile;
  if (!profile || !profile.nodes.some((n) => n.disks.length > 0)) return undefined;
  const classes = longhornClasses(ctx);
  if (classes.size === 0) return undefined;
  const byClass = new Map<string, ClassUsage>();
  for (const cls of classes.values()) {
    byClass.set(cls.name, {
      cls,
      nodes: longhornEligibleNodes(profile, cls.diskTags, cls.nodeTags).map((n) => ({ name: n.node.name, bytes: n.bytes })),
      claims: [],
      volumeBytes: 0,
    });
  }
  for (const claim of claimsOf(ctx, defaultClassName(ctx, classes))) {
    const u = claim.className === undefined ? undefined : byClass.get(claim.className);
    if (!u) continue;
    u.claims.push(claim);
    u.volumeBytes += claim.bytes * claim.copies;
  }
  const pools = new Map<string, Pool>();
  for (const u of byClass.values()) {
    const key = [...u.cls.diskTags].sort().join(',');
    let pool = pools.get(key);
    if (!pool) {
      const capacity = longhornEligibleNodes(profile, u.cls.diskTags).reduce((s, n) => s + n.bytes, 0);
      pools.set(key, (pool = { key, capacity, classes: [] }));
    }
    pool.classes.push(u);
  }
  return [...pools.values()].sort((a, b) => a.key.localeCompare(b.key));
}

/** Bytes the pool's volumes take with their replicas; the any-disk pool counts every class. */
function poolUse(pool: Pool, all: readonly Pool[]): number {
  const classes = pool.key === '' ? all.flatMap((p) => p.classes) : pool.classes;
  return classes.reduce((s, u) => s + u.volumeBytes * u.cls.replicas, 0);
}

const tierName = (key: string) => (key === '' ? 'any disk' : key);
const percent = (part: number, whole: number) => (whole > 0 ? `${Math.round((part / whole) * 100)}%` : '–');

/**
 * HK-STO-04: the claims of each Longhorn tier, times their replicas, fit the tier's declared
 * disks; and each class's volumes can be placed with their replicas on different nodes.
 */
export const tierCapacityRule: PolicyRule = {
  id: 'HK-STO-04',
  level: RuleLevel.ERROR,
  title: 'Longhorn claims times replicas fit the disks of their tier',
  explanation: 'Every replica of a Longhorn volume takes the volume\'s full size on a disk of the class\'s tier, so a tier holds at most '
    + 'its disks\' capacity divided by the replica count. With replicas on different nodes, the smallest nodes bound it further: three '
    + 'replicas on nodes of 400Gi, 400Gi and 1800Gi hold 400Gi of volumes, not 866Gi. Claims beyond that stay Pending or leave volumes '
    + 'degraded once the disks fill, which is how a full disk turns into faulted volumes (seed 000). The profile\'s disk capacities '
    + 'are the schedulable sizes (after Longhorn\'s reserved space).',
  fix: 'shrink the claims, move some to another tier, lower the replicas, or declare more disks in the profile',
  analyze(ctx) {
    const pools = usage(ctx);
    if (!pools) return [];
    const out: AnalysisViolation[] = [];
    for (const pool of pools) {
      const used = poolUse(pool, pools);
      if (used > pool.capacity) {
        const classes = pool.key === '' ? pools.flatMap((p) => p.classes) : pool.classes;
        const largest = classes.flatMap((u) => u.claims.map((c) => ({ c, bytes: c.bytes * c.copies * u.cls.replicas })))
          .sort((a, b) => b.bytes - a.bytes)[0];
        const parts = classes.filter((u) => u.volumeBytes > 0).map((u) => `${u.cls.name}: ${formatStorageSize(u.volumeBytes)} × ${u.cls.replicas}`);
        out.push({
          target: largest?.c.record ?? pool.classes[0].cls.record,
          message: `Longhorn tier "${tierName(pool.key)}" needs ${formatStorageSize(used)} for its claims with their replicas (${parts.join(', ')}), more than the ${formatStorageSize(pool.capacity)} of disks the profile declares for it`
            + (largest ? `; the largest is ${largest.c.description} (${formatStorageSize(largest.bytes)} with replicas)` : ''),
        });
      }
      for (const u of pool.classes) {
        const r = u.cls.replicas;
        if (r < 1 || r > u.nodes.length) continue; // HK-STO-01
        const sorted = [...u.nodes].sort((a, b) => b.bytes - a.bytes);
        const perVolume = sorted[r - 1].bytes;
        let oversized = false;
        for (const c of u.claims) {
          if (c.bytes > perVolume) {
            oversized = true;
            out.push({
              target: c.record,
              message: `${c.description} requests ${formatStorageSize(c.bytes)} on ${classLabel(u.cls)}, whose ${r} replica${r === 1 ? '' : 's'} need ${r === 1 ? 'a node' : `${r} different nodes`} with that much disk; `
                + `the nodes have ${joinNames(sorted.map((n) => `${n.name} ${formatStorageSize(n.bytes)}`))}`,
              fix: `request at most ${formatStorageSize(perVolume)}, or use a tier with bigger disks or fewer replicas`,
            });
          }
        }
        const placeable = placeableBytes(u.nodes.map((n) => n.bytes), r);
        if (!oversized && u.volumeBytes > placeable && poolUse(pool, pools) <= pool.capacity) {
          out.push({
            target: u.claims[0]?.record ?? u.cls.record,
            message: `${classLabel(u.cls)} has ${formatStorageSize(u.volumeBytes)} of claims with ${r} replicas each on different nodes, and its nodes (${joinNames(sorted.map((n) => `${n.name} ${formatStorageSize(n.bytes)}`))}) can hold ${formatStorageSize(placeable)} that way`,
          });
        }
      }
    }
    return out;
  },
  report(ctx): ReportSection | undefined {
    const pools = usage(ctx);
    if (!pools) return undefined;
    const lines = [
      'Longhorn StorageClasses by tier (disk tag): replicas per volume, the nodes carrying the tier\'s disks, the disks\' capacity, and what the claims take with their replicas.',
      '',
      '| tier | class | replicas | nodes | capacity | requested × replicas | use % |',
      '|---|---|---|---|---|---|---|',
    ];
    for (const pool of pools) {
      for (const u of [...pool.classes].sort((a, b) => a.cls.name.localeCompare(b.cls.name))) {
        const used = u.volumeBytes * u.cls.replicas;
        const name = u.cls.chart ? `${u.cls.name} (chart)` : u.cls.name;
        lines.push(`| ${tierName(pool.key)} | ${u.cls.isDefault ? `${name} (default)` : name} | ${u.cls.replicas} | ${u.nodes.map((n) => n.name).join(', ') || '–'} | ${formatStorageSize(pool.capacity)} | `
          + `${formatStorageSize(u.volumeBytes)} × ${u.cls.replicas} = ${formatStorageSize(used)} | ${percent(used, pool.capacity)} |`);
      }
      if (pool.classes.length > 1 || pool.key === '') {
        const used = poolUse(pool, pools);
        lines.push(`| ${tierName(pool.key)} | **total**${pool.key === '' ? ' (all classes)' : ''} | | | ${formatStorageSize(pool.capacity)} | ${formatStorageSize(used)} | ${percent(used, pool.capacity)} |`);
      }
    }
    const setup = (ctx.profile?.nodes ?? []).map(longhornNodeSetup).flatMap((n) => n?.commands ?? []);
    lines.push(
      '',
      'Longhorn creates each node\'s tagged disks from a node label and annotations that the operator applies once (nodes are not '
      + 'GitOps objects). Longhorn reads them when it first registers a node; for a node it knows already, add the disks and tags in '
      + 'the UI or in its `nodes.longhorn.io` object instead.',
      '',
      '```sh',
      ...setup,
      '```',
    );
    return { title: 'Storage tiers', lines };
  },
};
