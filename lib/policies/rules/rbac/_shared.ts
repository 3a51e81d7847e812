import { selectorMatches } from '../../pod';
import { Manifest, ManifestRecord, PolicyContext } from '../../rule';
import { list, namespaceOf } from '../cluster/_shared';

/** The API group of Roles, ClusterRoles and their bindings. */
export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** One rule of a Role or ClusterRole. */
export interface RbacRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

/** A Role or ClusterRole a binding refers to, with its effective rules. */
export interface ResolvedRole {
  readonly kind: 'Role' | 'ClusterRole';
  readonly name: string;
  /** The role's rules; for an aggregated ClusterRole, those of the ClusterRoles it aggregates. */
  readonly rules: readonly RbacRule[];
  /** True for the default user-facing ClusterRoles Kubernetes bootstraps (cluster-admin, admin, edit, view). */
  readonly builtIn: boolean;
}

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];

/**
 * The default user-facing ClusterRoles every cluster has (Kubernetes RBAC bootstrap policy),
 * reduced to the rules the RBAC rules judge: `admin` and `edit` read Secrets and exec/attach
 * into pods; `view` reads neither.
 */
export const BUILT_IN_CLUSTER_ROLES: ReadonlyMap<string, readonly RbacRule[]> = new Map<string, readonly RbacRule[]>([
  ['cluster-admin', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, { nonResourceURLs: ['*'], verbs: ['*'] }]],
  ['admin', [
    { apiGroups: [''], resources: ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy'], verbs: READ },
    { apiGroups: [''], resources: ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets'], verbs: WRITE },
    { apiGroups: [RBAC_GROUP], resources: ['roles', 'rolebindings'], verbs: [...READ, ...WRITE] },
  ]],
  ['edit', [
    { apiGroups: [''], resources: ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy'], verbs: READ },
    { apiGroups: [''], resources: ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets'], verbs: WRITE },
  ]],
  ['view', [{ apiGroups: [''], resources: ['pods', 'services', 'configmaps', 'endpoints', 'persistentvolumeclaims'], verbs: READ }]],
]);

/** True for RBAC objects of the control plane and its components (`system:` names), which the RBAC rules leave alone. */
export function isSystemName(name: unknown): boolean {
  return typeof name === 'string' && name.startsWith('system:');
}

/** True for a Role, ClusterRole, RoleBinding or ClusterRoleBinding of rbac.authorization.k8s.io. */
export function isRbac(m: Manifest, kind: 'Role' | 'ClusterRole' | 'RoleBinding' | 'ClusterRoleBinding'): boolean {
  return m.kind === kind && m.apiVersion.startsWith(`${RBAC_GROUP}/`);
}

/** The rules of a Role or ClusterRole object as written. */
export function rulesOf(m: Manifest): RbacRule[] {
  return list(m.rules).filter((r) => r !== null && typeof r === 'object');
}

/** True when `rule` applies to resource `resource` (e.g. `secrets`, `pods/exec`) of API group `group`. */
export function grants(rule: RbacRule, group: string, resource: string, verbs: readonly string[]): boolean {
  const groups = list(rule.apiGroups);
  if (!groups.includes('*') && !groups.includes(group)) return false;
  const sub = resource.includes('/') ? resource.slice(resource.indexOf('/') + 1) : undefined;
  const resources = list(rule.resources);
  if (!resources.some((r) => r === '*' || r === resource || (sub !== undefined && r === `*/${sub}`))) return false;
  const ruleVerbs = list(rule.verbs);
  return ruleVerbs.includes('*') || verbs.some((v) => ruleVerbs.includes(v));
}

/** The verbs of `rule` among `verbs` (all of them for `*`). */
export function grantedVerbs(rule: RbacRule, verbs: readonly string[]): string[] {
  const ruleVerbs = list(rule.verbs);
  return ruleVerbs.includes('*') ? ['*'] : verbs.filter((v) => ruleVerbs.includes(v));
}

/** The seven verbs that together are everything on a resource. */
const ALL_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/** True for a rule that grants everything: every API group, every resource, and `*` or all seven CRUD verbs. */
export function isFullWildcard(rule: RbacRule): boolean {
  const verbs = list(rule.verbs);
  return list(rule.apiGroups).includes('*') && list(rule.resources).includes('*') && list(rule.resourceNames).length === 0
    && (verbs.includes('*') || ALL_VERBS.every((v) => verbs.includes(v)));
}

/** `ServiceAccount cortex-school/implementation-worker`, `Group devs`. */
export function describeSubject(s: any, bindingNamespace: string | undefined): string {
  if (s?.kind === 'ServiceAccount') return `ServiceAccount ${s.namespace ?? bindingNamespace ?? '?'}/${s.name}`;
  return `${s?.kind ?? 'subject'} ${s?.name}`;
}

/** True for a subject that is a ServiceAccount (or every ServiceAccount of a namespace or the cluster, through their groups). */
export function isServiceAccountSubject(s: any): boolean {
  return s?.kind === 'ServiceAccount' || (s?.kind === 'Group' && typeof s?.name === 'string' && /^system:serviceaccounts(:|$)/.test(s.name));
}

/** Roles and ClusterRoles of the object set, resolvable from bindings. Built once per policy context. */
export interface RoleIndex {
  /** The role a binding's `roleRef` names (a Role in the binding's namespace, or a ClusterRole), if known. */
  resolve(binding: Manifest): ResolvedRole | undefined;
  /** Every RoleBinding and ClusterRoleBinding of the object set, `system:` ones excluded. */
  readonly bindings: readonly ManifestRecord[];
}

const CACHE = new WeakMap<PolicyContext, RoleIndex>();

/** The role index of `ctx`. */
export function roleIndex(ctx: PolicyContext): RoleIndex {
  let idx = CACHE.get(ctx);
  if (!idx) {
    idx = buildRoleIndex(ctx);
    CACHE.set(ctx, idx);
  }
  return idx;
}

function buildRoleIndex(ctx: PolicyContext): RoleIndex {
  const roles = new Map<string, Manifest>();
  for (const r of ctx.byKind('Role')) {
    if (isRbac(r.manifest, 'Role')) roles.set(`${namespaceOf(r.manifest)}/${r.manifest.metadata?.name}`, r.manifest);
  }
  const clusterRoles = new Map<string, Manifest>();
  for (const r of ctx.byKind('ClusterRole')) {
    if (isRbac(r.manifest, 'ClusterRole') && typeof r.manifest.metadata?.name === 'string') clusterRoles.set(r.manifest.metadata.name, r.manifest);
  }
  const aggregated = new Map<string, RbacRule[]>();
  const clusterRoleRules = (name: string, seen: Set<string>): RbacRule[] | undefined => {
    const m = clusterRoles.get(name);
    if (!m) return undefined;
    const selectors = list(m.aggregationRule?.clusterRoleSelectors);
    if (selectors.length === 0) return rulesOf(m);
    const cached = aggregated.get(name);
    if (cached) return cached;
    seen.add(name);
    const out: RbacRule[] = [];
    for (const [other, o] of clusterRoles) {
      if (seen.has(other) || !selectors.some((s: any) => selectorMatches(s, o.metadata?.labels ?? {}))) continue;
      out.push(...(clusterRoleRules(other, seen) ?? []));
    }
    aggregated.set(name, out);
    return out;
  };
  const bindings: ManifestRecord[] = [];
  for (const kind of ['RoleBinding', 'ClusterRoleBinding'] as const) {
    for (const r of ctx.byKind(kind)) {
      if (isRbac(r.manifest, kind) && !isSystemName(r.manifest.metadata?.name) && !isSystemName(r.manifest.roleRef?.name)) bindings.push(r);
    }
  }
  return {
    bindings,
    resolve(binding) {
      const ref = binding.roleRef;
      if (typeof ref?.name !== 'string') return undefined;
      if (ref.kind === 'Role') {
        if (binding.kind !== 'RoleBinding') return undefined;
        const m = roles.get(`${namespaceOf(binding)}/${ref.name}`);
        return m ? { kind: 'Role', name: ref.name, rules: rulesOf(m), builtIn: false } : undefined;
      }
      if (ref.kind !== 'ClusterRole') return undefined;
      const rules = clusterRoleRules(ref.name, new Set());
      if (rules) return { kind: 'ClusterRole', name: ref.name, rules, builtIn: false };
      const builtIn = BUILT_IN_CLUSTER_ROLES.get(ref.name);
      return builtIn ? { kind: 'ClusterRole', name: ref.name, rules: builtIn, builtIn: true } : undefined;
    },
  };
}
