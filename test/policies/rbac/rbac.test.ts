import { Manifest, PolicyRule, evaluatePolicies } from '../../../lib';
// lib/policies/index.ts re-exports the exposure area but not (yet) this new one: imported from the area
import {
  RBAC_RULES, clusterAdminBindingRule, clusterWideSecretsRule, execAttachRule, gitopsWriteRule, rbacWildcardsRule,
} from '../../../lib/policies/rules/rbac';
import { records } from '../fixtures';

const RBAC = 'rbac.authorization.k8s.io/v1';

function clusterRole(name: string, rules: any[], extra: any = {}): Manifest {
  return { apiVersion: RBAC, kind: 'ClusterRole', metadata: { name, ...(extra.labels ? { labels: extra.labels } : {}) }, rules, ...(extra.aggregationRule ? { aggregationRule: extra.aggregationRule } : {}) };
}
function role(name: string, namespace: string, rules: any[]): Manifest {
  return { apiVersion: RBAC, kind: 'Role', metadata: { name, namespace }, rules };
}
function clusterBinding(name: string, roleName: string, subjects: any[]): Manifest {
  return { apiVersion: RBAC, kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName }, subjects };
}
function binding(name: string, namespace: string, kind: 'Role' | 'ClusterRole', roleName: string, subjects: any[]): Manifest {
  return { apiVersion: RBAC, kind: 'RoleBinding', metadata: { name, namespace }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name: roleName }, subjects };
}
const sa = (name: string, namespace?: string) => ({ kind: 'ServiceAccount', name, ...(namespace ? { namespace } : {}) });

/** `[level, Kind name, message]` of the findings of `rule`. */
function judge(rule: PolicyRule, ...manifests: Manifest[]): [string, string, string][] {
  return evaluatePolicies(records(...manifests), [{ name: 't', rules: [rule] }]).filter((f) => f.ruleId === rule.id)
    .map((f) => [f.level, `${f.kind} ${f.namespace ? `${f.namespace}/` : ''}${f.name}`, f.message]);
}

/** seed-repos §2.3: the implementation-worker ClusterRole of cortex-school. */
const IMPLEMENTATION_WORKER = clusterRole('implementation-worker', [
  { apiGroups: [''], resources: ['pods', 'services', 'configmaps', 'secrets'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'daemonsets'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['argoproj.io'], resources: ['applications'], verbs: ['get', 'list', 'watch', 'patch'] },
]);
const IMPLEMENTATION_WORKER_BINDING = clusterBinding('implementation-worker', 'implementation-worker', [sa('implementation-worker', 'cortex-school')]);

describe('HK-RBAC-01 no binding to cluster-admin or a role that grants everything', () => {
  test('cluster-admin bound cluster-wide, and in a namespace', () => {
    expect(judge(clusterAdminBindingRule, clusterBinding('orchestrator-admin', 'cluster-admin', [sa('cortex-orchestrator', 'cortex')]))).toEqual([[
      'error', 'ClusterRoleBinding orchestrator-admin',
      'binds ClusterRole cluster-admin cluster-wide to ServiceAccount cortex/cortex-orchestrator: full control of every object in every namespace, Secrets and RBAC included',
    ]]);
    expect(judge(clusterAdminBindingRule, binding('ops', 'cortex', 'ClusterRole', 'cluster-admin', [sa('ops'), { kind: 'Group', name: 'admins', apiGroup: 'rbac.authorization.k8s.io' }]))).toEqual([[
      'error', 'RoleBinding cortex/ops',
      'binds ClusterRole cluster-admin in namespace cortex to ServiceAccount cortex/ops, Group admins: full control of every object in the namespace, its Secrets, Roles and RoleBindings included',
    ]]);
  });

  test('a role of the object set with */*/* (or all seven CRUD verbs), also through aggregation', () => {
    const everything = clusterRole('everything', [{ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] }]);
    expect(judge(clusterAdminBindingRule, everything, clusterBinding('worker', 'everything', [sa('worker', 'apps')]))).toEqual([[
      'error', 'ClusterRoleBinding worker',
      'binds ClusterRole everything, which grants every verb on every resource of every API group, cluster-wide to ServiceAccount apps/worker: full control of every object in every namespace, Secrets and RBAC included',
    ]]);
    const local = role('all', 'apps', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]);
    expect(judge(clusterAdminBindingRule, local, binding('all', 'apps', 'Role', 'all', [sa('worker')]))).toEqual([[
      'error', 'RoleBinding apps/all',
      'binds Role all, which grants every verb on every resource of every API group, in namespace apps to ServiceAccount apps/worker: full control of every object in the namespace, its Secrets, Roles and RoleBindings included',
    ]]);
    const aggregate = clusterRole('platform', [], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'example.io/aggregate-to-platform': 'true' } }] } });
    const part = clusterRole('platform-all', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }], { labels: { 'example.io/aggregate-to-platform': 'true' } });
    expect(judge(clusterAdminBindingRule, aggregate, part, clusterBinding('platform', 'platform', [sa('ci', 'ci')])).map(([, o]) => o)).toEqual(['ClusterRoleBinding platform']);
  });

  test('compliant: narrow roles, a Role of another namespace, unknown roles, system: bindings and roles', () => {
    const narrow = clusterRole('reader', [{ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] }]);
    expect(judge(clusterAdminBindingRule, narrow, clusterBinding('reader', 'reader', [sa('r', 'apps')]))).toEqual([]);
    const elsewhere = role('all', 'other', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]);
    expect(judge(clusterAdminBindingRule, elsewhere, binding('all', 'apps', 'Role', 'all', [sa('worker')]))).toEqual([]);
    expect(judge(clusterAdminBindingRule, clusterBinding('triggers', 'tekton-triggers-eventlistener-clusterroles', [sa('el', 'cicd')]))).toEqual([]);
    expect(judge(clusterAdminBindingRule, clusterBinding('system:masters-admin', 'cluster-admin', [{ kind: 'Group', name: 'system:masters' }]))).toEqual([]);
    expect(judge(clusterAdminBindingRule, clusterRole('system:everything', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]), clusterBinding('x', 'system:everything', [sa('x', 'a')]))).toEqual([]);
  });
});

describe('HK-RBAC-02 no exec or attach into pods', () => {
  test('pods/exec and pods/attach, also as */exec, with create, get or *', () => {
    expect(judge(execAttachRule, role('debug', 'apps', [{ apiGroups: [''], resources: ['pods', 'pods/exec', 'pods/attach'], verbs: ['get', 'create'] }]))).toEqual([[
      'warning', 'Role apps/debug',
      'rules[0] grants get, create on pods/exec, pods/attach: whoever holds the role runs commands in (or attaches to) the containers it reaches, with their Secrets and tokens',
    ]]);
    expect(judge(execAttachRule, clusterRole('shell', [{ apiGroups: ['*'], resources: ['*/exec'], verbs: ['*'] }])).map(([, , m]) => m)).toEqual([
      'rules[0] grants * on */exec: whoever holds the role runs commands in (or attaches to) the containers it reaches, with their Secrets and tokens',
    ]);
  });

  test('compliant: logs and pods, exec subresources of other groups, list-only verbs, system: roles', () => {
    expect(judge(execAttachRule, role('logs', 'apps', [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch', 'delete'] }]))).toEqual([]);
    expect(judge(execAttachRule, role('other', 'apps', [{ apiGroups: ['example.io'], resources: ['pods/exec'], verbs: ['create'] }]))).toEqual([]);
    expect(judge(execAttachRule, role('list', 'apps', [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['list'] }]))).toEqual([]);
    expect(judge(execAttachRule, clusterRole('system:kubelet-api-admin', [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }]))).toEqual([]);
  });
});

describe('HK-RBAC-03 no * in resources or verbs', () => {
  test('every verb, every resource, both', () => {
    expect(judge(rbacWildcardsRule, clusterRole('wild', [
      { apiGroups: [''], resources: ['pods', 'services'], verbs: ['*'] },
      { apiGroups: ['apps'], resources: ['*'], verbs: ['get', 'list'] },
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get'] },
    ])).map(([, , m]) => m)).toEqual([
      'rules[0] grants every verb (*) on pods, services of API group "" (core): whatever the wildcard comes to cover is granted without anyone deciding to',
      'rules[1] grants get, list on every resource (*) of API group apps: whatever the wildcard comes to cover is granted without anyone deciding to',
      'rules[2] grants every verb (*) on every resource (*) of every API group: whatever the wildcard comes to cover is granted without anyone deciding to',
    ]);
    expect(judge(rbacWildcardsRule, role('r', 'apps', [{ apiGroups: ['', 'apps'], resources: ['*'], verbs: ['get'] }]))).toEqual([[
      'warning', 'Role apps/r', 'rules[0] grants get on every resource (*) of API groups "" (core), apps: whatever the wildcard comes to cover is granted without anyone deciding to',
    ]]);
  });

  test('compliant: listed resources and verbs, non-resource URLs, aggregated ClusterRoles, system: roles', () => {
    expect(judge(rbacWildcardsRule, IMPLEMENTATION_WORKER)).toEqual([]);
    expect(judge(rbacWildcardsRule, clusterRole('health', [{ nonResourceURLs: ['/healthz'], verbs: ['*'] }]))).toEqual([]);
    expect(judge(rbacWildcardsRule, clusterRole('agg', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'b' } }] } }))).toEqual([]);
    expect(judge(rbacWildcardsRule, clusterRole('system:controller:x', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]))).toEqual([]);
  });
});

describe('HK-RBAC-04 no ServiceAccount reads Secrets cluster-wide', () => {
  test('seed-repos §2.3: implementation-workers read every Secret of the cluster', () => {
    expect(judge(clusterWideSecretsRule, IMPLEMENTATION_WORKER, IMPLEMENTATION_WORKER_BINDING)).toEqual([[
      'error', 'ClusterRoleBinding implementation-worker',
      'binds ClusterRole implementation-worker cluster-wide to ServiceAccount cortex-school/implementation-worker, and the role grants get, list, watch on secrets: the pod can read every Secret of every namespace',
    ]]);
  });

  test('the built-in edit and admin roles, * verbs and resources, the service-account groups', () => {
    expect(judge(clusterWideSecretsRule, clusterBinding('ci-edit', 'edit', [sa('runner', 'ci')])).map(([, , m]) => m)).toEqual([
      'binds the built-in ClusterRole edit cluster-wide to ServiceAccount ci/runner, and the role grants get, list, watch on secrets: the pod can read every Secret of every namespace',
    ]);
    const star = clusterRole('star', [{ apiGroups: [''], resources: ['*'], verbs: ['*'] }]);
    expect(judge(clusterWideSecretsRule, star, clusterBinding('star', 'star', [{ kind: 'Group', name: 'system:serviceaccounts:ci', apiGroup: 'rbac.authorization.k8s.io' }])).map(([, , m]) => m)).toEqual([
      'binds ClusterRole star cluster-wide to Group system:serviceaccounts:ci, and the role grants every verb on secrets: the pod can read every Secret of every namespace',
    ]);
  });

  test('compliant: a namespaced grant (RoleBinding to a ClusterRole, or a Role), resourceNames, people, view, cluster-admin (HK-RBAC-01\'s)', () => {
    expect(judge(clusterWideSecretsRule, IMPLEMENTATION_WORKER, binding('iw', 'cortex-school', 'ClusterRole', 'implementation-worker', [sa('implementation-worker')]))).toEqual([]);
    const vault = role('vault-service-registration', 'vault', [{ apiGroups: [''], resources: ['pods', 'secrets'], verbs: ['get', 'update', 'patch'] }]);
    expect(judge(clusterWideSecretsRule, vault, binding('vault', 'vault', 'Role', 'vault-service-registration', [sa('vault')]))).toEqual([]);
    const named = clusterRole('ca-reader', [{ apiGroups: [''], resources: ['secrets'], resourceNames: ['ca-bundle'], verbs: ['get'] }]);
    expect(judge(clusterWideSecretsRule, named, clusterBinding('ca-reader', 'ca-reader', [sa('app', 'apps')]))).toEqual([]);
    expect(judge(clusterWideSecretsRule, IMPLEMENTATION_WORKER, clusterBinding('people', 'implementation-worker', [{ kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' }]))).toEqual([]);
    expect(judge(clusterWideSecretsRule, clusterBinding('viewer', 'view', [sa('dash', 'apps')]))).toEqual([]);
    expect(judge(clusterWideSecretsRule, clusterBinding('admin', 'cluster-admin', [sa('dash', 'apps')]))).toEqual([]);
    const writeOnly = clusterRole('writer', [{ apiGroups: [''], resources: ['secrets'], verbs: ['create'] }]);
    expect(judge(clusterWideSecretsRule, writeOnly, clusterBinding('writer', 'writer', [sa('w', 'apps')]))).toEqual([]);
  });
});

describe('HK-RBAC-05 no role writes the GitOps controller\'s objects', () => {
  test('seed-repos §2.3: health-monitor and implementation-workers patch Argo CD Applications', () => {
    const healthMonitor = clusterRole('health-monitor', [
      { apiGroups: [''], resources: ['pods', 'pods/log', 'services', 'events'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['argoproj.io'], resources: ['applications'], verbs: ['get', 'list', 'watch', 'patch'] },
    ]);
    expect(judge(gitopsWriteRule, healthMonitor, IMPLEMENTATION_WORKER)).toEqual([
      ['error', 'ClusterRole health-monitor', 'rules[1] grants patch on applications (argoproj.io): whoever holds it can make Argo CD apply anything with its own rights'],
      ['error', 'ClusterRole implementation-worker', 'rules[2] grants patch on applications (argoproj.io): whoever holds it can make Argo CD apply anything with its own rights'],
    ]);
  });

  test('Flux objects, * resources of a GitOps group, Roles too', () => {
    expect(judge(gitopsWriteRule, role('flux', 'flux-system', [
      { apiGroups: ['kustomize.toolkit.fluxcd.io', 'source.toolkit.fluxcd.io'], resources: ['kustomizations', 'gitrepositories'], verbs: ['create', 'update'] },
      { apiGroups: ['helm.toolkit.fluxcd.io'], resources: ['*'], verbs: ['*'] },
    ]))).toEqual([
      ['error', 'Role flux-system/flux', 'rules[0] grants create, update on kustomizations (kustomize.toolkit.fluxcd.io): whoever holds it can make Flux apply anything with its own rights'],
      ['error', 'Role flux-system/flux', 'rules[0] grants create, update on gitrepositories (source.toolkit.fluxcd.io): whoever holds it can make Flux apply anything with its own rights'],
      ['error', 'Role flux-system/flux', 'rules[1] grants * on helmreleases (helm.toolkit.fluxcd.io): whoever holds it can make Flux apply anything with its own rights'],
    ]);
  });

  test('compliant: reading Applications, other resources of the group, wildcard groups (HK-RBAC-01/03), system: roles', () => {
    expect(judge(gitopsWriteRule, clusterRole('argo-reader', [{ apiGroups: ['argoproj.io'], resources: ['applications'], verbs: ['get', 'list', 'watch'] }]))).toEqual([]);
    expect(judge(gitopsWriteRule, clusterRole('rollouts', [{ apiGroups: ['argoproj.io'], resources: ['rollouts'], verbs: ['patch'] }]))).toEqual([]);
    expect(judge(gitopsWriteRule, clusterRole('all', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]))).toEqual([]);
    expect(judge(gitopsWriteRule, clusterRole('system:argo', [{ apiGroups: ['argoproj.io'], resources: ['applications'], verbs: ['patch'] }]))).toEqual([]);
  });
});

describe('RBAC_RULES', () => {
  test('holds the five rules in id order, each with an explanation naming its incident and a fix', () => {
    expect(RBAC_RULES.map((r) => [r.id, r.level])).toEqual([
      ['HK-RBAC-01', 'error'], ['HK-RBAC-02', 'warning'], ['HK-RBAC-03', 'warning'], ['HK-RBAC-04', 'error'], ['HK-RBAC-05', 'error'],
    ]);
    for (const r of RBAC_RULES) {
      expect([r.id, /seed 000/.test(r.explanation), r.fix.length > 40]).toEqual([r.id, true, true]);
    }
  });

  test('the seed\'s implementation-workers objects: HK-RBAC-04 on the binding, HK-RBAC-05 on the role', () => {
    const findings = evaluatePolicies(records(IMPLEMENTATION_WORKER, IMPLEMENTATION_WORKER_BINDING), [{ name: 'rbac', rules: RBAC_RULES }]);
    expect(findings.map((f) => `${f.ruleId} ${f.kind}`)).toEqual(['HK-RBAC-04 ClusterRoleBinding', 'HK-RBAC-05 ClusterRole']);
  });
});
