import { Construct } from 'constructs';
import { Cluster, Distro, ExternalService, Namespace, NodeRole, TaintEffect, Vault, VaultStorage, VaultTls } from '../../lib';

/**
 * The HMCo `vault-prod` deployment of seed 002, done the way that does not crash-loop:
 * three Vault servers on three nodes, PostgreSQL storage on the data platform's shared
 * server (`postgres-shared-service.data-platform:5432`) with HA, the connection URL only in
 * the `vault-postgres` Secret, a Job that creates the tables, and a cert-manager certificate
 * for the listener.
 *
 * The cluster facts are the seed's where it gives them (namespace, Service names, port) and
 * assumptions otherwise: the seed ran on a single-node kind cluster and recommended a
 * multi-node one for production, so the profile has three workers.
 */
export function buildVaultPostgres(scope: Construct): Cluster {
  const cluster = new Cluster(scope, 'hmco', {
    profile: {
      distro: Distro.KUBEADM,
      version: 'v1.29.2',
      nodes: [
        { name: 'hmco-control-plane', role: NodeRole.CONTROL_PLANE, allocatable: { cpu: '4', memory: '7Gi' }, taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: TaintEffect.NO_SCHEDULE }] },
        { name: 'hmco-worker-1', allocatable: { cpu: '8', memory: '15Gi' } },
        { name: 'hmco-worker-2', allocatable: { cpu: '8', memory: '15Gi' } },
        { name: 'hmco-worker-3', allocatable: { cpu: '8', memory: '15Gi' } },
      ],
      externalServices: [
        { name: 'postgres-shared-service', namespace: 'data-platform', ports: [5432], reason: 'the data platform\'s shared PostgreSQL 15, deployed by the data-platform repository' },
      ],
    },
  });

  // Vault's pods and the schema Job: 3 × (100m, 256Mi, limit 512Mi) + (10m, 32Mi, limit 64Mi)
  const ns = new Namespace(cluster, 'vault-prod', { quota: { cpu: '500m', memory: '1Gi', memoryLimit: '2Gi', pods: 10 } });

  new Vault(ns, 'vault', {
    storage: VaultStorage.postgresql({
      // postgres://vault:<password>@postgres-shared-service.data-platform:5432/vault?sslmode=require
      connectionUrl: { secretName: 'vault-postgres', key: 'connection-url' },
      server: ExternalService.fromProfile(ns, 'data-platform', 'postgres-shared-service'),
    }),
    tls: VaultTls.certManager({ issuer: { name: 'hmco-internal-ca', kind: 'ClusterIssuer' } }),
    // the data platform's services read their secrets from Vault
    allowFrom: [{ namespace: 'data-platform' }],
  });
  return cluster;
}
