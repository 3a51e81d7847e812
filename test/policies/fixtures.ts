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
