import { AnalysisViolation, PolicyRule, RuleLevel } from '../../rule';
import { defaultClassNames, joinNames, longhornClasses } from './_shared';

/** HK-STO-07: at most one StorageClass is marked default. */
export const singleDefaultClassRule: PolicyRule = {
  id: 'HK-STO-07',
  level: RuleLevel.ERROR,
  title: 'At most one StorageClass is the default',
  explanation: 'A claim without storageClassName gets the default class; with two defaults Kubernetes picks the newest, so where a '
    + 'volume lands depends on the order objects were created. The Longhorn chart marks its own longhorn class default unless '
    + 'persistence.defaultClass is false, next to any tier class marked default (the homelab made longhorn-nvme its default). On '
    + 'K3s the bundled local-path class is default too unless the server runs with --disable local-storage.',
  fix: 'keep storageclass.kubernetes.io/is-default-class: "true" on one class only (set persistence.defaultClass: false in the Longhorn chart values when the library renders the tier classes)',
  analyze(ctx) {
    const defaults = defaultClassNames(ctx, longhornClasses(ctx));
    if (defaults.length < 2) return [];
    const names = defaults.map((d) => d.name);
    return defaults.slice(1).map((d): AnalysisViolation => ({
      target: d.record,
      message: `${d.name === 'longhorn' && d.record.manifest.kind !== 'StorageClass' ? 'the Longhorn chart\'s StorageClass longhorn' : `StorageClass ${d.name}`} is marked default, and so ${names.length === 2 ? 'is' : 'are'} ${joinNames(names.filter((n) => n !== d.name))}`,
    }));
  },
};
