import { podTemplateOf } from '../../pod';
import { PolicyRule, RuleLevel, describe } from '../../rule';

/** Namespaced kinds that are not workloads but still belong to an app's namespace. */
const APP_KINDS: ReadonlySet<string> = new Set(['Service', 'ConfigMap', 'Secret', 'PersistentVolumeClaim']);

/** HK-API-03: workloads, Services, ConfigMaps, Secrets and PVCs live in a named namespace, never `default`. */
export const noDefaultNamespaceRule: PolicyRule = {
  id: 'HK-API-03',
  level: RuleLevel.ERROR,
  title: 'No workload, Service, ConfigMap, Secret or PVC in the default namespace',
  explanation:
    'The default namespace gets no ResourceQuota, LimitRange, NetworkPolicy or Pod Security level of its own, so anything put there '
    + 'escapes the namespace-level guard rails, and an object without a namespace lands wherever kubectl happens to point. '
    + 'The seed 003 runbook creates its Longhorn test PVC in default.',
  fix: 'Create the object inside a Namespace construct (or set metadata.namespace to an app namespace other than default).',
  check(m) {
    if (podTemplateOf(m) === undefined && !APP_KINDS.has(m.kind)) return [];
    const ns = m.metadata?.namespace;
    if (ns === undefined || ns === '') {
      return [{
        message: `${describe(m)} sets no namespace, so it is created in the default namespace`,
        fix: `set metadata.namespace of ${describe(m)} to the app's namespace (create it inside a Namespace construct)`,
      }];
    }
    if (ns === 'default') {
      return [{
        message: `${describe(m)} is in the default namespace`,
        fix: `move ${m.kind} ${m.metadata.name ?? ''} into an app namespace with its own quota, limits and network policies`,
      }];
    }
    return [];
  },
};
