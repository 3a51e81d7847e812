import { evaluatePolicies } from '../../lib/policies/engine';
import { Finding, Manifest, ManifestRecord, PolicyRule } from '../../lib/policies/rule';

/** Deep-merges `patch` into `base` (arrays and primitives replace; `undefined` deletes). */
export function merge<T>(base: T, patch: any): T {
  if (patch === undefined) return base;
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch) || base === null || typeof base !== 'object' || Array.isArray(base)) {
    return patch;
  }
  const out: any = { ...(base as any) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete out[k];
    else out[k] = merge(out[k], v);
  }
  return out;
}

/** A compliant restricted container. */
export function container(patch: any = {}): any {
  return merge({
    name: 'app',
    image: 'ghcr.io/example/app:1.2.3',
    ports: [{ name: 'http', containerPort: 8080 }],
    resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      privileged: false,
      capabilities: { drop: ['ALL'] },
    },
    startupProbe: { tcpSocket: { port: 'http' }, periodSeconds: 5, failureThreshold: 30 },
    readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
    livenessProbe: { httpGet: { path: '/healthz', port: 'http' } },
  }, patch);
}

/** A compliant Deployment `name` in `namespace` whose pod spec is patched with `podPatch`. */
export function deployment(name = 'web', namespace = 'apps', podPatch: any = {}, specPatch: any = {}): Manifest {
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name };
  return merge({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: merge({
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          priorityClassName: 'workload-standard',
          securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [container()],
        }, podPatch),
      },
    },
  }, specPatch);
}

/** A ClusterIP Service selecting the app `name`. */
export function service(name = 'web', namespace = 'apps', port = 8080, patch: any = {}): Manifest {
  return merge({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { selector: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name }, ports: [{ name: 'http', port, targetPort: 'http' }] },
  }, patch);
}

/** Wraps manifests as records with a construct-like path `test/<kind>-<name>`. */
export function records(...manifests: Manifest[]): ManifestRecord[] {
  return manifests.map((manifest) => ({ manifest, path: `test/${manifest.kind.toLowerCase()}-${manifest.metadata.name}` }));
}

/** Runs one rule over the manifests and returns its findings. */
export function run(rule: PolicyRule, ...manifests: Manifest[]): Finding[] {
  return evaluatePolicies(records(...manifests), [{ name: 'test', rules: [rule] }]).filter((f) => f.ruleId === rule.id);
}

/** The compliant pod template of `deployment(name, namespace, podPatch)` wrapped as another workload kind. */
export function workload(kind: 'Pod' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'Job' | 'CronJob', name = 'web', namespace = 'apps', podPatch: any = {}): Manifest {
  const d = deployment(name, namespace, podPatch);
  const template = d.spec.template;
  const metadata = { name, namespace, labels: template.metadata.labels };
  switch (kind) {
    case 'Pod':
      return { apiVersion: 'v1', kind, metadata, spec: template.spec };
    case 'StatefulSet':
      return { apiVersion: 'apps/v1', kind, metadata, spec: { ...d.spec, serviceName: name } };
    case 'DaemonSet':
      return { apiVersion: 'apps/v1', kind, metadata, spec: { selector: d.spec.selector, template } };
    case 'ReplicaSet':
      return { apiVersion: 'apps/v1', kind, metadata, spec: d.spec };
    case 'Job': {
      const jobTemplate = merge(template, { spec: { restartPolicy: 'Never' } });
      return { apiVersion: 'batch/v1', kind, metadata, spec: { ttlSecondsAfterFinished: 3600, template: jobTemplate } };
    }
    case 'CronJob': {
      const jobTemplate = merge(template, { spec: { restartPolicy: 'Never' } });
      return { apiVersion: 'batch/v1', kind, metadata, spec: { schedule: '0 3 * * *', startingDeadlineSeconds: 300, jobTemplate: { spec: { template: jobTemplate } } } };
    }
  }
}

/** A ConfigMap `name` in `namespace` with `data`. */
export function configMap(name = 'web-config', namespace = 'apps', data: Record<string, string> = {}): Manifest {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data };
}

/** A PersistentVolumeClaim `name` in `namespace` with `accessModes`. */
export function pvc(name = 'data', namespace = 'apps', accessModes: string[] = ['ReadWriteOnce']): Manifest {
  return {
    apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace },
    spec: { accessModes, storageClassName: 'longhorn', resources: { requests: { storage: '1Gi' } } },
  };
}

/** Runs one rule over the manifests and returns `[level, message]` of each finding. */
export function found(rule: PolicyRule, ...manifests: Manifest[]): [string, string][] {
  return run(rule, ...manifests).map((f) => [f.level, f.message]);
}

/** A Namespace object `name` (with the `kubernetes.io/metadata.name` label the API server adds). */
export function namespaceObject(name = 'apps'): Manifest {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } };
}

/** A ResourceQuota for `namespace` bounding cpu, memory and pods. */
export function resourceQuota(namespace = 'apps', name = 'quota'): Manifest {
  return {
    apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name, namespace },
    spec: { hard: { 'requests.cpu': '4', 'requests.memory': '8Gi', 'limits.memory': '16Gi', pods: '50' } },
  };
}

/**
 * A LimitRange `name` for `namespace` with one `type: Container` item, patched with `containerPatch`.
 * The compliant `container()` (50m/128Mi requested, 256Mi memory limit, no CPU limit) fits it exactly:
 * its defaulted CPU limit 500m is 10 × the request and its memory ratio is 2.
 */
export function limitRange(namespace = 'apps', containerPatch: any = {}, name = 'limits'): Manifest {
  return {
    apiVersion: 'v1', kind: 'LimitRange', metadata: { name, namespace },
    spec: {
      limits: [merge({
        type: 'Container',
        default: { cpu: '500m', memory: '256Mi' },
        defaultRequest: { cpu: '50m', memory: '128Mi' },
        min: { cpu: '10m', memory: '32Mi' },
        max: { cpu: '2', memory: '2Gi' },
        maxLimitRequestRatio: { cpu: '10', memory: '2' },
      }, containerPatch)],
    },
  };
}

/** A NetworkPolicy `name` in `namespace` with `spec`. */
export function networkPolicy(name: string, namespace = 'apps', spec: any = {}): Manifest {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

/** The namespace-wide default-deny: every pod, both directions, no rules. */
export function defaultDenyPolicy(namespace = 'apps'): Manifest {
  return networkPolicy('default-deny', namespace, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
}

/** Lets every pod of `namespace` reach DNS in kube-system on UDP and TCP 53. */
export function dnsEgressPolicy(namespace = 'apps', ports: any[] = [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]): Manifest {
  return networkPolicy('allow-dns', namespace, {
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }], ports }],
  });
}

/** The guard rails of a compliant namespace: Namespace, ResourceQuota, LimitRange, default-deny and DNS policies. */
export function namespaceBaseline(namespace = 'apps'): Manifest[] {
  return [namespaceObject(namespace), resourceQuota(namespace), limitRange(namespace), defaultDenyPolicy(namespace), dnsEgressPolicy(namespace)];
}

/** A policy/v1 PodDisruptionBudget `name` in `namespace` selecting the app `app` (as `deployment(app)` labels it). */
export function podDisruptionBudget(name = 'web', namespace = 'apps', specPatch: any = {}, app = name): Manifest {
  return merge({
    apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace },
    spec: {
      maxUnavailable: 1,
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
      selector: { matchLabels: { 'app.kubernetes.io/name': app, 'app.kubernetes.io/instance': app } },
    },
  }, specPatch);
}

/** Runs one rule over the manifests with a cluster `profile` and returns its findings. */
export function runWithProfile(rule: PolicyRule, profile: Parameters<typeof evaluatePolicies>[2], ...manifests: Manifest[]): Finding[] {
  return evaluatePolicies(records(...manifests), [{ name: 'test', rules: [rule] }], profile).filter((f) => f.ruleId === rule.id);
}
