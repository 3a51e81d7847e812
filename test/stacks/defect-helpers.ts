/**
 * Shared helpers for the real-defect tests (`real-defects*.test.ts`): fresh clusters on the two
 * real profiles, finding filters, and hand-written objects recorded for the schema check.
 */
import { ApiObject, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { Cluster, ClusterProfileProps, ClusterSynthesis, LonghornProps, Namespace, NvidiaDevicePlugin, RecurringJobTask, k8s } from '../../lib';
import { HttpRoute } from '../../lib/imports/gateway.networking.k8s.io';
import { HelmRelease, HelmReleaseSpecChartSpecSourceRefKind } from '../../lib/imports/helm.toolkit.fluxcd.io';
import { cortexProfile } from '../../stacks/cortex/profile';
import { homelabProfile } from '../../stacks/homelab/profile';
import { createValidator } from '../schema/validator';


/** Every object written by hand below, for the schema check at the end. */
export const handWritten: ApiObject[] = [];
export function byHand<T extends ApiObject>(o: T): T {
  handWritten.push(o);
  return o;
}

/** A fresh cluster on the homelab's real profile (k3s-master1, k3s1-3, fletcherlabs.net, Flux). */
export function homelab(): Cluster {
  return new Cluster(Testing.app(), 'homelab', { profile: homelabProfile });
}

/** A fresh cluster on the cortex cluster's real profile (3 servers, 2 tainted; 4 workers of 5929Mi). */
export function cortex(profile: ClusterProfileProps = cortexProfile): Cluster {
  return new Cluster(Testing.app(), 'cortex', { profile });
}

/** The non-exempted findings of `ruleId`, as `Kind ns/name: message`. */
export function reported(s: ClusterSynthesis, ruleId: string): string[] {
  return s.findings.filter((f) => f.ruleId === ruleId && f.exemption === undefined)
    .map((f) => `${f.kind} ${f.namespace && f.kind !== 'Namespace' ? `${f.namespace}/` : ''}${f.name}: ${f.message}`);
}

/** The rule ids that block the synth (error findings without exemption). */
export function blockedBy(s: ClusterSynthesis): string[] {
  return [...new Set(s.errors.map((e) => /\] (HK-[A-Z]+-\d+) \(error\)/.exec(e)?.[1]).filter((id): id is string => id !== undefined))].sort();
}

/** Warning-level rule ids among the findings. */
export function warned(s: ClusterSynthesis): string[] {
  return [...new Set(s.findings.filter((f) => f.level === 'warning' && f.exemption === undefined).map((f) => f.ruleId))].sort();
}

export const q = (v: string | number) => (typeof v === 'number' ? k8s.Quantity.fromNumber(v) : k8s.Quantity.fromString(v));
/** Container resources from plain strings. */
export function res(requests: Record<string, string>, limits: Record<string, string> = {}): k8s.ResourceRequirements {
  const quantities = (r: Record<string, string>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, q(v)]));
  return { requests: quantities(requests), limits: Object.keys(limits).length ? quantities(limits) : undefined };
}

export const selector = (name: string) => ({ app: name });
export function template(name: string, spec: k8s.PodSpec): k8s.PodTemplateSpec {
  return { metadata: { labels: selector(name) }, spec };
}
/** A hand-written Deployment `name` with pod spec `spec`. */
export function deployment(scope: Construct, name: string, spec: k8s.PodSpec, extra: Partial<k8s.DeploymentSpec> = {}): k8s.KubeDeployment {
  return byHand(new k8s.KubeDeployment(scope, `${name}-deployment`, {
    metadata: { name },
    spec: { replicas: 1, selector: { matchLabels: selector(name) }, template: template(name, spec), ...extra },
  }));
}
/** A hand-written DaemonSet `name` with pod spec `spec`. */
export function daemonSet(scope: Construct, name: string, spec: k8s.PodSpec): k8s.KubeDaemonSet {
  return byHand(new k8s.KubeDaemonSet(scope, `${name}-daemonset`, { metadata: { name }, spec: { selector: { matchLabels: selector(name) }, template: template(name, spec) } }));
}
/** A hand-written HTTPRoute on the homelab gateway (`main-gateway`/networking/https). */
export function httpRoute(scope: Construct, name: string, host: string, backend: string, port: number, annotations?: Record<string, string>): HttpRoute {
  return byHand(new HttpRoute(scope, `${name}-route`, {
    metadata: { name, annotations },
    spec: {
      parentRefs: [{ name: 'main-gateway', namespace: 'networking', sectionName: 'https' }],
      hostnames: [host],
      rules: [{ backendRefs: [{ name: backend, port }] }],
    },
  }));
}
/** A hand-written Flux HelmRelease of `chart` with `values`. */
export function helmRelease(scope: Construct, name: string, chart: string, version: string, repository: string, values: Record<string, unknown>): HelmRelease {
  return byHand(new HelmRelease(scope, `${name}-helmrelease`, {
    metadata: { name },
    spec: {
      interval: '30m',
      chart: { spec: { chart, version, sourceRef: { kind: HelmReleaseSpecChartSpecSourceRefKind.HELM_REPOSITORY, name: repository, namespace: 'flux-system' } } },
      values,
    },
  }));
}

export const IMAGE = 'ghcr.io/example/app:1.2.3';
/** The homelab's Longhorn, backed up the way the library requires (a backup job in the default group, the R730 NFS target). */
export const LONGHORN_BACKED_UP: LonghornProps = {
  backupTarget: { url: 'nfs://192.168.10.100:/mnt/nvme_storage/longhorn-backups' },
  recurringJobs: { 'backup-daily': { task: RecurringJobTask.BACKUP, cron: '30 1 * * *', groups: ['default'] } },
};
/** The homelab's NVIDIA device plugin: the T4 on k3s3 time-sliced ×4, as in the real cluster. */
export function timeSlicedT4(cluster: Cluster): NvidiaDevicePlugin {
  const ns = new Namespace(cluster, 'nvidia-gpu', { podSecurity: 'privileged', quota: { cpu: '250m', memory: '512Mi', memoryLimit: '1Gi', pods: 10 } });
  return new NvidiaDevicePlugin(ns, 'nvidia-device-plugin', {
    defaultConfig: 'whole-gpu',
    configs: { 'whole-gpu': {}, 't4-time-sliced': { nodes: ['k3s3'], timeSlicing: { resources: [{ name: 'nvidia.com/gpu', replicas: 4 }] } } },
  });
}
/** The pod security context the real media charts used (seed-repos §1.9): root, escalation allowed, writable root. */
export const ARR_ROOT: k8s.SecurityContext = { runAsUser: 0, runAsGroup: 0, runAsNonRoot: false, readOnlyRootFilesystem: false, allowPrivilegeEscalation: true };

/** Asserts every hand-written object so far is a valid Kubernetes 1.29 / CRD object (the API server would take it). */
export function expectHandWrittenValid(minimum: number): void {
  const validator = createValidator();
  expect(handWritten.length).toBeGreaterThanOrEqual(minimum);
  expect(handWritten.flatMap((o) => validator.validate(o.toJson()).map((e) => `${o.kind} ${o.name}: ${e}`))).toEqual([]);
}
