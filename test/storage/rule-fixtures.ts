import { ClusterProfile, ClusterProfileProps } from '../../lib';
import { evaluatePolicies } from '../../lib/policies/engine';
import { Manifest, PolicyRule } from '../../lib/policies/rule';
import { records } from '../policies/fixtures';
import { TIERED_PROFILE } from './fixtures';

/** The tiered profile as a ClusterProfile (nvme on small-1, small-2, big; optane on big). */
export function tieredProfile(patch: Partial<ClusterProfileProps> = {}): ClusterProfile {
  return new ClusterProfile('lab', { ...TIERED_PROFILE, ...patch });
}

/** A Longhorn StorageClass. */
export function storageClass(name: string, parameters: Record<string, string> = {}, isDefault = false): Manifest {
  return {
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass',
    metadata: { name, ...(isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}) },
    provisioner: 'driver.longhorn.io', reclaimPolicy: 'Retain', volumeBindingMode: 'Immediate',
    parameters: { numberOfReplicas: '3', staleReplicaTimeout: '2880', ...parameters },
  };
}

/** The Longhorn chart as a Flux HelmRelease with `values`. */
export function longhornRelease(values: Record<string, unknown> = { persistence: { defaultClass: false } }, version = '1.9.2'): Manifest {
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'longhorn', namespace: 'longhorn-system' },
    spec: { releaseName: 'longhorn', chart: { spec: { chart: 'longhorn', version, sourceRef: { kind: 'HelmRepository', name: 'longhorn' } } }, values },
  };
}

/** A Longhorn RecurringJob. */
export function recurringJob(name: string, task: string, groups: string[] = []): Manifest {
  return {
    apiVersion: 'longhorn.io/v1beta2', kind: 'RecurringJob', metadata: { name, namespace: 'longhorn-system' },
    spec: { name, task, cron: '0 2 * * *', retain: 7, concurrency: 1, groups },
  };
}

/** A PersistentVolumeClaim (class `undefined` leaves storageClassName out). */
export function claim(name: string, storageClassName: string | undefined, size = '10Gi', labels?: Record<string, string>, accessModes = ['ReadWriteOnce'], namespace = 'apps'): Manifest {
  return {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim',
    metadata: { name, namespace, ...(labels ? { labels } : {}) },
    spec: { accessModes, ...(storageClassName === undefined ? {} : { storageClassName }), resources: { requests: { storage: size } } },
  };
}

/** Findings of `rule` over `manifests` with `profile`: `[path, message]`. */
export function findings(rule: PolicyRule, profile: ClusterProfile | undefined, ...manifests: Manifest[]): [string, string][] {
  return evaluatePolicies(records(...manifests), [{ name: 't', rules: [rule] }], profile)
    .filter((f) => f.ruleId === rule.id)
    .map((f) => [f.path, f.message]);
}
