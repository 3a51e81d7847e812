import { longhornEligibleNodes, profileStorageTiers, tierNamesIn } from '../../../core/storage-tiers';
import { AnalysisViolation, PolicyRule, RuleLevel } from '../../rule';
import { CHART_CLASS_NAME, joinNames, longhornClasses } from './_shared';

/**
 * HK-STO-08: a Longhorn StorageClass keeps its volumes on one tier of the profile's disks.
 *
 * The criterion, for every StorageClass of provisioner `driver.longhorn.io` except the plain
 * `longhorn` class (the chart's, which is "any disk" by design), when the profile declares disk
 * tiers and every `diskSelector` tag of the class is a tier of the profile (an unknown tag is
 * HK-STO-01's):
 * - without `diskSelector`, the disks it can use (on the nodes its `nodeSelector` admits) are of
 *   two or more tiers: its replicas go to whichever disk Longhorn picks, so it is no tier;
 * - its name names a tier of the profile (`longhorn-optane`, as whole hyphen-separated words)
 *   that its `diskSelector` does not select: the name promises disks the class does not use.
 */
export const tierDiskSelectorRule: PolicyRule = {
  id: 'HK-STO-08',
  level: RuleLevel.ERROR,
  title: 'Longhorn tier classes select their tier\'s disks',
  explanation: 'Longhorn places a volume\'s replicas on any schedulable disk unless the StorageClass\'s diskSelector names the disk tags '
    + 'to use. The homelab\'s longhorn-optane, longhorn-nvme and longhorn-sas-ssd classes had their diskSelectors removed '
    + '"temporarily" (seed 003, commit 9958c00), so the tiers differed only in replica count and locality: an "optane" volume could '
    + 'land on any NVMe or SAS SSD disk, or on the small nodes\' /var/lib/longhorn. A class without diskSelector on a cluster whose '
    + 'disks are of several tiers is no tier, and a class named for a tier must select that tier.',
  fix: 'set parameters.diskSelector to the tier (the profile\'s disk tier is the Longhorn disk tag; Longhorn\'s tier classes do this), or rename the class',
  analyze(ctx) {
    const profile = ctx.profile;
    if (!profile) return [];
    const tiers = profileStorageTiers(profile);
    if (tiers.size === 0) return []; // HK-STO-01: no disks at all
    const out: AnalysisViolation[] = [];
    for (const cls of longhornClasses(ctx).values()) {
      if (cls.chart || cls.name === CHART_CLASS_NAME) continue;
      if (cls.diskTags.some((t) => !tiers.has(t))) continue; // HK-STO-01: a tag no disk carries
      const named = tierNamesIn(cls.name, tiers.keys());
      if (cls.diskTags.length === 0) {
        const usable = longhornEligibleNodes(profile, [], cls.nodeTags);
        const reached = [...new Set(usable.flatMap((n) => n.node.disks.map((d) => d.tier)))];
        if (reached.length < 2) continue;
        const where = `${joinNames(reached)} (on ${joinNames(usable.map((n) => n.node.name))})`;
        out.push({
          target: cls.record,
          message: named.length
            ? `StorageClass ${cls.name} is named for tier ${joinNames(named)} but sets no diskSelector: Longhorn puts its replicas on disks of any tier, ${where}, so it is a tier in name only`
            : `StorageClass ${cls.name} sets no diskSelector, and the disks it can use are of several tiers, ${where}: its replicas land on whichever Longhorn picks, so its volumes belong to no tier`,
          fix: named.length
            ? `set parameters.diskSelector: "${named.join(',')}"`
            : `set parameters.diskSelector to one tier of the profile (${[...tiers.keys()].join(', ')}), or use the chart's longhorn class for "any disk"`,
        });
        continue;
      }
      const unselected = named.filter((t) => !cls.diskTags.includes(t));
      if (unselected.length) {
        out.push({
          target: cls.record,
          message: `StorageClass ${cls.name} is named for tier ${joinNames(unselected)} but its diskSelector selects ${cls.diskTags.join(' and ')}: its volumes live on ${cls.diskTags.join('/')} disks, not ${unselected.join('/')} ones`,
          fix: `set parameters.diskSelector: "${unselected.join(',')}", or rename the class after the tier it selects`,
        });
      }
    }
    return out;
  },
};
