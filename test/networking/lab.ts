import { App } from 'cdk8s';
import { Cluster, ClusterProfileProps, Distro, GitOpsEngine, IdentityProviderKind, Manifest, Namespace } from '../../lib';
import { TEST_PROFILE } from '../helpers';

/** TEST_PROFILE with a domain, a Cilium-style gateway, Authentik and Flux. */
export const LAB_PROFILE: ClusterProfileProps = {
  ...TEST_PROFILE,
  distro: Distro.K3S,
  domain: 'lab.example.net',
  gateway: { name: 'main-gateway', namespace: 'networking', sectionName: 'https', ip: '192.168.10.224', cidr: '192.168.10.224/28' },
  identityProvider: { kind: IdentityProviderKind.AUTHENTIK, host: 'auth.lab.example.net' },
  gitops: { engine: GitOpsEngine.FLUX, repoUrl: 'https://github.com/example/lab' },
};

/** A cluster on LAB_PROFILE (with `overrides`), policies on unless `withPolicies` is false. */
export function labCluster(withPolicies = true, overrides: Partial<ClusterProfileProps> = {}): Cluster {
  return new Cluster(new App({ outdir: '/nonexistent' }), 'lab', { profile: { ...LAB_PROFILE, ...overrides }, policies: withPolicies ? undefined : [] });
}

/** Namespace `name` in `cluster`. */
export function ns(cluster: Cluster, name = 'apps'): Namespace {
  return new Namespace(cluster, name);
}

/** Every rendered manifest of `cluster` (no policies judged). */
export function manifestsOf(cluster: Cluster): Manifest[] {
  return cluster.synthesize().objects.map((o) => o.manifest);
}

/** The one manifest of `kind` named `name` (and in `namespace`, when given). */
export function find(objs: readonly Manifest[], kind: string, name: string, namespace?: string): any {
  const found = objs.filter((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0];
}

/** Finding summaries `ruleId: message` of a synthesized cluster, for the rules with `prefix`. */
export function findingsOf(cluster: Cluster, prefix = 'HK-EXP-'): string[] {
  return cluster.synthesize().findings.filter((f) => f.ruleId.startsWith(prefix)).map((f) => `${f.ruleId}: ${f.message}`);
}
