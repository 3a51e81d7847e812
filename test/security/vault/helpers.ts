import { Testing } from 'cdk8s';
import { Cluster, ClusterProfileProps, Distro, ExternalService, Namespace, NamespaceProps, TaintEffect } from '../../../lib';
import { Vault, VaultProps, VaultStorage, VaultTls } from '../../../lib/security/vault';

/** Three workers, a tainted server and the shared PostgreSQL declared as an external service. */
export const VAULT_PROFILE: ClusterProfileProps = {
  distro: Distro.K3S,
  version: 'v1.32.5+k3s1',
  nodes: [
    { name: 'server', allocatable: { cpu: '4', memory: '8Gi' }, taints: [{ key: 'CriticalAddonsOnly', value: 'true', effect: TaintEffect.NO_EXECUTE }] },
    { name: 'worker1', allocatable: { cpu: '4', memory: '8Gi' }, labels: { 'node-type': 'compute' } },
    { name: 'worker2', allocatable: { cpu: '4', memory: '8Gi' } },
    { name: 'worker3', allocatable: { cpu: '4', memory: '8Gi' } },
  ],
  externalServices: [{ name: 'postgres', namespace: 'data', ports: [5432], reason: 'the shared database' }],
};

/** A quota that admits three default Vault pods and the schema Job. */
export const VAULT_QUOTA = { cpu: '1', memory: '2Gi', memoryLimit: '4Gi' };

/** Namespace `vault` in a fresh cluster (policies off unless `withPolicies`). */
export function vaultNamespace(withPolicies = false, profile: ClusterProfileProps = VAULT_PROFILE, nsProps: NamespaceProps = { quota: VAULT_QUOTA }): Namespace {
  const cluster = new Cluster(Testing.app(), 'lab', { profile, policies: withPolicies ? undefined : [] });
  return new Namespace(cluster, 'vault', nsProps);
}

/** PostgreSQL storage on the profile's external `postgres.data`. */
export function postgres(ns: Namespace, more: Record<string, unknown> = {}): VaultStorage {
  return VaultStorage.postgresql({
    connectionUrl: { secretName: 'vault-postgres', key: 'connection-url' },
    server: ExternalService.fromProfile(ns, 'data', 'postgres'),
    ...more,
  });
}

export const TLS = VaultTls.certManager({ issuer: { name: 'lab-ca' } });

/** A Vault `vault` with PostgreSQL storage and cert-manager TLS, plus `props`. */
export function newVault(ns: Namespace, props: Partial<VaultProps> = {}, id = 'vault'): Vault {
  return new Vault(ns, id, { storage: postgres(ns), tls: TLS, ...props });
}

/** The Vault container of a StatefulSet manifest. */
export function vaultContainer(sts: any): any {
  return sts.spec.template.spec.containers[0];
}

/** The env of a container as `{ name: value-or-valueFrom }`. */
export function envOf(container: any): Record<string, unknown> {
  return Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
}
