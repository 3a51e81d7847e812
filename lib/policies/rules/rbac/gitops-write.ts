import { PolicyRule, RuleLevel, RuleViolation } from '../../rule';
import { list } from '../cluster/_shared';
import { isRbac, isSystemName, rulesOf } from './_shared';

/** The objects a GitOps controller applies with its own (cluster-wide) rights, by API group. */
export const GITOPS_RESOURCES: ReadonlyMap<string, { readonly controller: string; readonly resources: readonly string[] }> = new Map([
  ['argoproj.io', { controller: 'Argo CD', resources: ['applications', 'applicationsets', 'appprojects'] }],
  ['kustomize.toolkit.fluxcd.io', { controller: 'Flux', resources: ['kustomizations'] }],
  ['helm.toolkit.fluxcd.io', { controller: 'Flux', resources: ['helmreleases'] }],
  ['source.toolkit.fluxcd.io', { controller: 'Flux', resources: ['gitrepositories', 'helmrepositories', 'ocirepositories', 'buckets', 'helmcharts'] }],
]);

const WRITE = ['create', 'update', 'patch', '*'];

/**
 * HK-RBAC-05: no Role or ClusterRole grants create, update or patch on the objects a GitOps
 * controller applies (Argo CD Applications, ApplicationSets, AppProjects; Flux Kustomizations,
 * HelmReleases and sources). Rules on every API group (`*`) are HK-RBAC-01/03's.
 */
export const gitopsWriteRule: PolicyRule = {
  id: 'HK-RBAC-05',
  level: RuleLevel.ERROR,
  title: 'No role writes the GitOps controller\'s objects',
  explanation: 'Argo CD and Flux apply what their Applications, Kustomizations and HelmReleases say with their own rights, which are '
    + 'cluster-admin in a default install. Whoever can patch such an object can point it at another repository, path or chart and have '
    + 'the controller apply anything: cluster-admin by proxy, and an edit that is not in Git, so self-heal and review do not see it. The '
    + 'cortex cluster\'s health-monitor (ROLLBACK_ENABLED) and implementation-workers (seed 000) both had patch on argoproj.io '
    + 'applications cluster-wide.',
  fix: 'Let the workload change Git (a commit or pull request the controller then applies), or trigger a sync or rollback through the '
    + 'Argo CD API with a project role limited to its Application; do not give its ServiceAccount write access to the GitOps objects.',
  check(m) {
    if (!(isRbac(m, 'Role') || isRbac(m, 'ClusterRole')) || isSystemName(m.metadata?.name)) return [];
    const out: RuleViolation[] = [];
    rulesOf(m).forEach((rule, i) => {
      const verbs = list(rule.verbs).filter((v) => WRITE.includes(v));
      if (verbs.length === 0) return;
      for (const group of list(rule.apiGroups)) {
        const gitops = GITOPS_RESOURCES.get(group);
        if (!gitops) continue;
        const resources = list(rule.resources).includes('*') ? gitops.resources : gitops.resources.filter((r) => list(rule.resources).includes(r));
        if (resources.length === 0) continue;
        out.push({
          message: `rules[${i}] grants ${verbs.join(', ')} on ${resources.join(', ')} (${group}): whoever holds it can make ${gitops.controller} apply anything with its own rights`,
        });
      }
    });
    return out;
  },
};
