import { ClusterProfile, Distro, GitOpsEngine } from '../../../lib';
import { evaluatePolicies } from '../../../lib/policies/engine';
import { Finding, Manifest, PolicyRule } from '../../../lib/policies/rule';
import { deployment, merge, records } from '../../policies/fixtures';

export { deployment, merge, records };

/** A Velero Schedule `name` in namespace velero. */
export function schedule(name: string, spec: any = {}): Manifest {
  return merge({
    apiVersion: 'velero.io/v1', kind: 'Schedule', metadata: { name, namespace: 'velero' },
    spec: { schedule: '0 2 * * *', skipImmediately: true, useOwnerReferencesInBackup: false, template: { includedNamespaces: ['apps'], ttl: '336h0m0s', defaultVolumesToFsBackup: true } },
  }, spec);
}

/** A BackupStorageLocation `name` in namespace velero. */
export function bsl(name: string, patch: any = {}): Manifest {
  return merge({
    apiVersion: 'velero.io/v1', kind: 'BackupStorageLocation', metadata: { name, namespace: 'velero' },
    spec: { provider: 'aws', default: true, objectStorage: { bucket: 'velero' }, credential: { name: 'c', key: 'cloud' }, config: { region: 'us-east-1', s3ForcePathStyle: 'true', s3Url: 'http://192.168.10.100:9000' } },
  }, patch);
}

/** A PersistentVolumeClaim. */
export function pvc(name: string, namespace = 'apps', patch: any = {}): Manifest {
  return merge({
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace },
    spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'longhorn', resources: { requests: { storage: '10Gi' } } },
  }, patch);
}

/** A Deployment in `namespace` that mounts claim `claim` as volume `data`. */
export function mounting(name: string, claim: string, namespace = 'apps', specPatch: any = {}, podAnnotations: any = undefined): Manifest {
  return deployment(name, namespace, { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim } }] },
    merge(specPatch, podAnnotations ? { spec: { template: { metadata: { annotations: podAnnotations } } } } : {}));
}

/** A StorageClass. */
export function storageClass(name: string, provisioner: string, patch: any = {}): Manifest {
  return merge({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name }, provisioner }, patch);
}

/** A Namespace. */
export function namespace(name: string, annotations?: Record<string, string>): Manifest {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(annotations ? { annotations } : {}) } };
}

/** A Flux HelmRelease of chart `chart` with `values`. */
export function helmRelease(chart: string, values: any, version = '10.1.3', ns = chart === 'velero' ? 'velero' : 'longhorn-system'): Manifest {
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: chart, namespace: ns },
    spec: { releaseName: chart, chart: { spec: { chart, version, sourceRef: { kind: 'HelmRepository', name: chart } } }, values },
  };
}

/** A Longhorn RecurringJob. */
export function recurringJob(name: string, task: string, groups: string[]): Manifest {
  return { apiVersion: 'longhorn.io/v1beta2', kind: 'RecurringJob', metadata: { name, namespace: 'longhorn-system' }, spec: { name, task, cron: '30 1 * * *', retain: 7, concurrency: 2, groups } };
}

/** The exemption annotation. */
export function exempt(ruleId: string, reason: string): Record<string, string> {
  return { 'hardened-homelab.io/exemptions': JSON.stringify({ [ruleId]: reason }) };
}

export const FLUX_PROFILE = new ClusterProfile('lab', {
  distro: Distro.K3S, version: 'v1.32.5+k3s1',
  nodes: [{ name: 'n1', allocatable: { cpu: '4', memory: '8Gi' } }],
  gitops: { engine: GitOpsEngine.FLUX, repoUrl: 'https://github.com/example/lab' },
  externalServices: [{ name: 'prometheus', namespace: 'monitoring', ports: [9090], reason: 'installed by the platform' }],
});

/** Findings of one rule over `manifests`. */
export function findings(rule: PolicyRule, manifests: Manifest[], profile: ClusterProfile | undefined = FLUX_PROFILE): Finding[] {
  return evaluatePolicies(records(...manifests), [{ name: 't', rules: [rule] }], profile);
}

/** Messages of one rule's findings. */
export function messages(rule: PolicyRule, manifests: Manifest[], profile?: ClusterProfile): string[] {
  return findings(rule, manifests, profile).map((f) => f.message);
}
