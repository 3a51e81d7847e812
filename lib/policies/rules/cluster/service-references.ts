import { allContainers, containerLabel, podTemplateOf } from '../../pod';
import { AnalysisViolation, ManifestRecord, PolicyContext, PolicyRule, RuleLevel } from '../../rule';
import { list, namespaceOf, push } from './_shared';

/** Services every cluster has, though nobody synthesizes them. */
const BUILTIN_SERVICES: readonly { name: string; namespace: string; ports: number[] }[] = [
  { name: 'kubernetes', namespace: 'default', ports: [443] },
  { name: 'kube-dns', namespace: 'kube-system', ports: [53, 9153] },
];

/** URL schemes whose "host" is a bucket, a path or a socket, not a network host. */
const NON_NETWORK_SCHEMES: ReadonlySet<string> = new Set([
  'file', 'unix', 's3', 's3a', 's3n', 'gs', 'gcs', 'az', 'abfs', 'abfss', 'wasb', 'wasbs', 'hdfs', 'hf',
]);

/** `$(VAR)` (Kubernetes) and `${VAR}` (shell, envsubst, Flux) placeholders. */
const PLACEHOLDER = /\$\([^)]*\)|\$\{[^}]*\}/g;
/** Stands in for a placeholder, so that nothing adjoining one is read as a host name. */
const HOLE = '\u0000';

/** `[<pod>.]<svc>.<ns>.svc[.cluster.local][:port]`, anywhere in a value. */
const SVC_DNS = /(?<![A-Za-z0-9_.\-\u0000])((?:[A-Za-z0-9-]+\.)+)svc(?:\.cluster\.local)?(?![A-Za-z0-9_\-\u0000]|\.[A-Za-z0-9])(?::(\d+)(?![A-Za-z0-9_\u0000]))?/gi;
/** `scheme://[userinfo@]host[:port]`. */
const URL_HOST = /(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*):\/\/(?:[^\s/?#@]*@)?([A-Za-z0-9._\-\u0000]+)(?::(\d+)(?![A-Za-z0-9_\u0000]))?/g;

/** A Service name (DNS-1035 label). */
const SERVICE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** A namespace name (DNS-1123 label). */
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

interface Reference {
  readonly service: string;
  readonly namespace: string;
  readonly port?: number;
}

/** What a reference can resolve to. */
interface Target {
  /** Ports a client may name; `undefined` when any port is fine (ExternalName, headless with named target ports). */
  readonly ports?: readonly number[];
}

/** Synthesized, external and built-in Services, looked up by `namespace/name`. Built once per analysis. */
class ServiceDirectory {
  private readonly targets = new Map<string, Target>();
  private readonly names = new Map<string, string[]>();
  public readonly namespaces: Set<string>;

  constructor(ctx: PolicyContext) {
    this.namespaces = new Set(ctx.namespaces);
    for (const r of ctx.byKind('Service')) {
      const m = r.manifest;
      if (m.apiVersion !== 'v1' || !m.metadata?.name) continue;
      this.add(namespaceOf(m), m.metadata.name, servicePorts(m.spec ?? {}));
    }
    for (const s of [...(ctx.profile?.externalServices ?? []), ...BUILTIN_SERVICES]) {
      this.namespaces.add(s.namespace);
      this.add(s.namespace, s.name, { ports: s.ports });
    }
  }

  public get(namespace: string, name: string): Target | undefined {
    return this.targets.get(`${namespace}/${name}`);
  }

  /** The Services known in `namespace`, sorted. */
  public namesIn(namespace: string): string[] {
    return [...(this.names.get(namespace) ?? [])].sort();
  }

  private add(namespace: string, name: string, target: Target): void {
    const key = `${namespace}/${name}`;
    if (this.targets.has(key)) return;
    this.targets.set(key, target);
    push(this.names, namespace, name);
  }
}

/** The ports clients of a Service may connect to. Headless Services resolve to pod IPs, so target ports count too. */
function servicePorts(spec: any): Target {
  if (spec.type === 'ExternalName') return {};
  const ports: number[] = [];
  const headless = spec.clusterIP === 'None';
  for (const p of list(spec.ports)) {
    if (typeof p?.port === 'number') ports.push(p.port);
    if (headless) {
      if (typeof p?.targetPort === 'string' && !/^\d+$/.test(p.targetPort)) return {};
      if (p?.targetPort !== undefined) ports.push(Number(p.targetPort));
    }
  }
  if (headless && ports.length === 0) return {};
  return { ports: [...new Set(ports)] };
}

/** Every in-cluster Service reference in `text`, deduplicated. */
function findReferences(text: string, ownNamespace: string, knownNamespaces: ReadonlySet<string>): Reference[] {
  const s = text.replace(PLACEHOLDER, HOLE);
  const out = new Map<string, Reference>();
  const add = (service: string, namespace: string, port: string | undefined) => {
    if (!SERVICE_NAME.test(service) || !NAMESPACE_NAME.test(namespace)) return;
    const ref = { service, namespace, port: port === undefined ? undefined : Number(port) };
    out.set(`${service}.${namespace}:${port ?? ''}`, ref);
  };
  for (const m of s.matchAll(SVC_DNS)) {
    const labels = m[1].slice(0, -1).toLowerCase().split('.');
    if (labels.length >= 2) add(labels[labels.length - 2], labels[labels.length - 1], m[2]);
  }
  for (const m of s.matchAll(URL_HOST)) {
    const scheme = m[1].toLowerCase();
    const host = m[2].replace(/\.$/, '').toLowerCase();
    if (NON_NETWORK_SCHEMES.has(scheme) || host.includes('_') || host.includes(HOLE)) continue;
    const labels = host.split('.');
    if (labels.length === 2 && knownNamespaces.has(labels[1])) {
      add(labels[0], labels[1], m[3]);
    } else if (labels.length === 1 && labels[0] !== 'localhost') {
      add(labels[0], ownNamespace, m[3]);
    }
    // Hosts ending in .svc / .svc.cluster.local are SVC_DNS's; anything else with a dot is outside the cluster.
  }
  return [...out.values()];
}

/** HK-X-03: host names of in-cluster Services in env, args and ConfigMaps resolve, with a port the Service exposes. */
export const serviceReferencesRule: PolicyRule = {
  id: 'HK-X-03',
  level: RuleLevel.ERROR,
  title: 'In-cluster Service references in env values, commands, args and ConfigMaps name existing Services and ports',
  explanation:
    'A hand-typed Service host name is only checked when the app first connects, so a typo becomes a crash loop. In the cortex cluster '
    + '(seed 000) REDIS_HOST named redis.cortex.svc.cluster.local while the Service was redis-queue, and every cortex-school service '
    + 'failed with "Error -2 connecting to redis.cortex.svc.cluster.local"; a later commit pointed it at a namespace with no such Service '
    + 'again. The rule reads <svc>.<ns>.svc[.cluster.local][:port], scheme://<svc>.<ns>[:port] (when <ns> is a known namespace) and '
    + 'same-namespace scheme://<svc>[:port].',
  fix: 'Reference the Service object (the app pattern\'s typed references) instead of typing its host name, or declare Services that are '
    + 'installed outside this program in profile.externalServices.',
  analyze(ctx) {
    const directory = new ServiceDirectory(ctx);
    const out: AnalysisViolation[] = [];
    const judge = (target: ManifestRecord, source: string, text: unknown) => {
      if (typeof text !== 'string' || text.length === 0) return;
      for (const ref of findReferences(text, namespaceOf(target.manifest), directory.namespaces)) {
        const v = resolve(directory, source, ref);
        if (v) out.push({ target, ...v });
      }
    };
    for (const r of ctx.objects) {
      const m = r.manifest;
      if (m.kind === 'ConfigMap') {
        for (const [key, value] of Object.entries(m.data ?? {})) judge(r, `ConfigMap key ${key}`, value);
        continue;
      }
      const pod = podTemplateOf(m);
      if (!pod) continue;
      for (const ref of allContainers(pod.spec)) {
        const c = ref.container ?? {};
        for (const e of list(c.env)) judge(r, `env ${e?.name} of ${containerLabel(ref)}`, e?.value);
        for (const arg of list(c.command)) judge(r, `command of ${containerLabel(ref)}`, arg);
        for (const arg of list(c.args)) judge(r, `args of ${containerLabel(ref)}`, arg);
      }
    }
    return out;
  },
};

function resolve(directory: ServiceDirectory, source: string, ref: Reference): { message: string; fix: string } | undefined {
  const { service, namespace, port } = ref;
  const target = directory.get(namespace, service);
  if (!target) {
    const names = directory.namesIn(namespace);
    const known = names.length > 0 ? `Services in ${namespace}: ${names.join(', ')}` : `no Services in ${namespace}`;
    return {
      message: `${source} names Service ${service}.${namespace}, which does not exist (${known})`,
      fix: names.length > 0
        ? `reference one of the Services in ${namespace} (${names.join(', ')}) through the Service object instead of a typed host name, `
          + `or declare ${service}.${namespace} in profile.externalServices if it is installed outside this program`
        : `synthesize Service ${service} in namespace ${namespace} and reference it through the Service object, `
          + `or declare ${service}.${namespace} in profile.externalServices if it is installed outside this program`,
    };
  }
  if (port === undefined || target.ports === undefined || target.ports.includes(port)) return undefined;
  const exposes = target.ports.length > 0 ? target.ports.join(', ') : 'no ports';
  return {
    message: `${source} names port ${port} of Service ${service}.${namespace}, which exposes ${exposes}`,
    fix: target.ports.length > 0
      ? `use port ${target.ports.join(' or ')} (take it from the Service object rather than typing it), or add port ${port} to Service ${service}.${namespace}`
      : `add port ${port} to Service ${service}.${namespace}`,
  };
}
