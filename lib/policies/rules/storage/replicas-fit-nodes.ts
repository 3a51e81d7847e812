import { longhornEligibleNodes } from '../../../core/storage-tiers';
import { AnalysisViolation, PolicyRule, RuleLevel } from '../../rule';
import { classLabel, joinNames, longhornClasses } from './_shared';

/**
 * HK-STO-01: a Longhorn StorageClass asks for no more replicas than there are nodes carrying
 * disks that match its disk and node selectors (each replica needs a node of its own), and
 * `strict-local` goes with exactly one replica.
 */
export const replicasFitNodesRule: PolicyRule = {
  id: 'HK-STO-01',
  level: RuleLevel.ERROR,
  title: 'Longhorn classes ask for no more replicas than nodes carry their disks',
  explanation: 'Longhorn places the replicas of a volume on different nodes, on disks that carry every tag of the class\'s diskSelector. '
    + 'When fewer nodes have such disks than the class asks for replicas, every volume stays degraded, and a volume whose replicas '
    + 'cannot be placed at all is faulted: the cortex Qdrant volume sat "detached, faulted" and every new claim went the same way '
    + '(seed 000). The homelab\'s longhorn-sas-ssd class asked for 2 replicas of disks that only k3s3 has. strict-local data locality '
    + 'keeps the only replica beside the pod, so Longhorn accepts it with one replica only.',
  fix: 'lower numberOfReplicas to the number of nodes with matching disks (one replica needs a backup job, HK-STO-02), or declare the disks on more nodes in the profile',
  analyze(ctx) {
    const profile = ctx.profile;
    if (!profile) return [];
    const out: AnalysisViolation[] = [];
    const anyDisks = profile.nodes.some((n) => n.disks.length > 0);
    for (const cls of longhornClasses(ctx).values()) {
      const label = classLabel(cls);
      if (!anyDisks) {
        out.push({ target: cls.record, message: `${label} needs Longhorn disks, and no node of the ${profile.name} profile declares one, so no replica can be placed and every volume would be faulted`, fix: 'declare each node\'s Longhorn disks in the profile (nodes[].disks with tier, capacity and path)' });
        continue;
      }
      const nodes = longhornEligibleNodes(profile, cls.diskTags, cls.nodeTags);
      const what = cls.diskTags.length ? `disks tagged ${cls.diskTags.join(' and ')}` : 'Longhorn disks';
      const where = cls.nodeTags.length ? ` on nodes tagged ${cls.nodeTags.join(' and ')}` : '';
      if (nodes.length === 0) {
        out.push({
          target: cls.record,
          message: `${label} selects ${what}${where}, and no node of the profile has them: no replica can be placed and every volume would be faulted`,
          fix: `fix the selectors (tiers of the profile: ${[...new Set(profile.nodes.flatMap((n) => n.disks.map((d) => d.tier)))].join(', ')}), or declare such disks in the profile`,
        });
        continue;
      }
      if (cls.replicas > nodes.length) {
        const names = nodes.map((n) => n.node.name);
        out.push({
          target: cls.record,
          message: `${label} asks for ${cls.replicas} replicas, but only ${nodes.length === 1 ? '1 node carries' : `${nodes.length} nodes carry`} ${what}${where} (${joinNames(names)}): `
            + `replicas need a node each, so every volume would run degraded with ${nodes.length} of ${cls.replicas} replicas, and be faulted once those fail`,
          fix: `set numberOfReplicas to ${nodes.length} or less${nodes.length === 1 ? ' and give the class a backup job' : ''}, or declare ${cls.diskTags.join('/') || 'Longhorn'} disks on more nodes in the profile`,
        });
      }
      if (cls.dataLocality === 'strict-local' && cls.replicas !== 1) {
        out.push({ target: cls.record, message: `${label} uses strict-local data locality with ${cls.replicas} replicas; strict-local keeps the only replica on the pod's node, so Longhorn takes exactly 1`, fix: 'use dataLocality best-effort, or numberOfReplicas "1" with a backup job' });
      }
    }
    return out;
  },
};
