import { selectorMatches } from '../../pod';
import { PolicyRule, RuleLevel } from '../../rule';
import { asArray } from './_shared';

const CONTROLLERS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

/** `k=v, key In (a, b)` for messages. */
function show(selector: any): string {
  const labels = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  const expressions = asArray(selector?.matchExpressions)
    .map((e) => `${e?.key} ${e?.operator}${e?.values ? ` (${asArray(e.values).join(', ')})` : ''}`);
  return [...labels, ...expressions].join(', ');
}

/** HK-AVL-10: a controller's `spec.selector` selects its own pod template. */
export const selectorMatchesTemplateRule: PolicyRule = {
  id: 'HK-AVL-10',
  level: RuleLevel.ERROR,
  title: 'spec.selector must match the pod template labels',
  explanation: 'The API server rejects a Deployment, StatefulSet, DaemonSet or ReplicaSet whose selector does not select its own '
    + 'template, and an empty selector would adopt every pod in the namespace. The apply fails only at deploy time; this catches it at synth.',
  fix: 'make spec.selector.matchLabels a subset of spec.template.metadata.labels (e.g. app.kubernetes.io/name and app.kubernetes.io/instance)',
  check: (m) => {
    if (!CONTROLLERS.has(m.kind)) return [];
    const selector = m.spec?.selector;
    const labels: Record<string, string> | undefined = m.spec?.template?.metadata?.labels;
    const shown = show(selector);
    if (shown === '') return [{ message: 'spec.selector is empty or not set' }];
    if (selectorMatches(selector, labels)) return [];
    const have = Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`).join(', ') || 'none';
    return [{ message: `spec.selector (${shown}) does not select the pod template labels (${have})` }];
  },
};
