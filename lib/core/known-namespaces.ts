import { ClusterProfile, GitOpsEngine } from './profile';

/** Namespaces every Kubernetes cluster has. */
export const BUILT_IN_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * Namespaces that exist in the cluster without this program synthesizing them: the built-in
 * ones, the GitOps engine's own (`flux-system` for Flux, `argocd` for Argo CD, created when the
 * engine is bootstrapped) and those of the profile's external services.
 */
export function namespacesOutsideProgram(profile: ClusterProfile | undefined): Set<string> {
  const out = new Set(BUILT_IN_NAMESPACES);
  if (profile?.gitops?.engine === GitOpsEngine.FLUX) out.add('flux-system');
  if (profile?.gitops?.engine === GitOpsEngine.ARGO_CD) out.add('argocd');
  for (const s of profile?.externalServices ?? []) out.add(s.namespace);
  return out;
}
