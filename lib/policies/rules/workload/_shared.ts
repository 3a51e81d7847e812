import { CREDENTIAL_NAME } from '../../../core/credentials';
import { parseImageReference } from '../../../core/versions';
import { quantityValue } from '../../../core/quantity';
import { ContainerRef, containerLabel, podTemplateOf } from '../../pod';
import { Manifest, ManifestRecord, PolicyContext, RuleViolation } from '../../rule';

/** The pod spec and pod metadata of a workload object. */
export type PodTemplate = NonNullable<ReturnType<typeof podTemplateOf>>;

/** Which list of the pod spec a container comes from. */
export type ContainerList = ContainerRef['list'];

/** Main, init and ephemeral containers. */
export const ALL_CONTAINERS: readonly ContainerList[] = ['containers', 'initContainers', 'ephemeralContainers'];
/** Main and init containers (ephemeral containers may not declare resources, ports or probes). */
export const MAIN_AND_INIT: readonly ContainerList[] = ['containers', 'initContainers'];
/** Main containers only. */
export const MAIN_ONLY: readonly ContainerList[] = ['containers'];

/** What a per-container check returns: nothing, one message, or several. */
export type ContainerFindings = string | readonly string[] | undefined;

/**
 * Runs `check` on every container of `lists` of a workload and turns the messages into violations.
 * Returns `[]` for objects without a pod template.
 */
export function eachContainer(
  m: Manifest,
  check: (ref: ContainerRef, pod: PodTemplate) => ContainerFindings,
  lists: readonly ContainerList[] = ALL_CONTAINERS,
): RuleViolation[] {
  const pod = podTemplateOf(m);
  if (!pod) return [];
  const out: RuleViolation[] = [];
  for (const list of lists) {
    for (const container of asArray(pod.spec?.[list])) {
      const ref: ContainerRef = { container, list };
      out.push(...toViolations(check(ref, pod)));
    }
  }
  return out;
}

/** Messages (nothing, one or several) as violations. */
export function toViolations(found: ContainerFindings): RuleViolation[] {
  if (found === undefined) return [];
  return (typeof found === 'string' ? [found] : found).map((message) => ({ message }));
}

/** `value` if it is an array, else `[]`. */
export function asArray(value: unknown): readonly any[] {
  return Array.isArray(value) ? value : [];
}

/** Env/config names that hold credentials (SCR-01, SCR-02). `token` excludes `tokens`/`tokenizer` (LLM settings). */
export const SECRET_NAME = CREDENTIAL_NAME;
/** Well-known cloud credential variables that the name pattern alone would miss. */
export const CLOUD_SECRET_NAME = /^(AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|GOOGLE_APPLICATION_CREDENTIALS|OCI_CLI_KEY_CONTENT|AZURE_[A-Z0-9_]*KEY)$/;

/** True when `name` looks like the name of a credential. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) || CLOUD_SECRET_NAME.test(name);
}

/** A PEM private key block (`-----BEGIN … PRIVATE KEY-----`). */
export const PRIVATE_KEY_BLOCK = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY/;
/** The start of a JWT (`{"alg":` base64url-encoded). */
export const JWT = /eyJhbGciO/;

/**
 * True for values that cannot be a credential themselves: empty, a Kubernetes `$(VAR)` reference,
 * a `${…}`/`{{…}}` template placeholder, an `env:` indirection, or an absolute file path (`*_FILE` patterns).
 */
export function isReferenceValue(value: string): boolean {
  const v = value.trim();
  return v === ''
    || /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(v)
    || /^\$\{[^}]+\}$/.test(v)
    || /^\{\{[^}]+\}\}$/.test(v)
    || /^env:/i.test(v)
    || /^\/[\w.\-/]*$/.test(v);
}

/** Splits an image reference (see {@link parseImageReference}). */
export const parseImage = parseImageReference;

export { FLOATING_TAGS, isFloatingTag } from '../../../core/versions';

/**
 * Why a container's `resources.<section>.<resource>` is not a positive quantity, or `undefined`
 * when it is (RES-01, RES-02).
 */
export function quantityProblem(ref: ContainerRef, section: 'requests' | 'limits', resource: 'cpu' | 'memory'): string | undefined {
  const raw: unknown = ref.container?.resources?.[section]?.[resource];
  const field = `resources.${section}.${resource}`;
  if (raw === undefined || raw === null || raw === '') {
    return `${containerLabel(ref)} does not set ${field}`;
  }
  const value = quantityValue(raw);
  if (value === undefined) {
    return `${containerLabel(ref)} sets ${field} to ${JSON.stringify(raw)}, which is not a Kubernetes quantity`;
  }
  if (value <= 0) {
    return `${containerLabel(ref)} sets ${field} to ${JSON.stringify(raw)}; it must be greater than 0`;
  }
  return undefined;
}

/** A probe port (name or number) as messages show it: `"http"` or `8080`. */
export function portLabel(port: unknown): string {
  return typeof port === 'string' && !/^\d+$/.test(port) ? `"${port}"` : String(port);
}

/**
 * The `ports[*]` entry of a container that a probe port (name or number) designates, or
 * `undefined` when the container declares no such port.
 */
export function findContainerPort(container: unknown, port: unknown): { name?: string; containerPort?: number } | undefined {
  const ports = asArray((container as { ports?: unknown } | undefined)?.ports);
  if (typeof port === 'number' || (typeof port === 'string' && /^\d+$/.test(port))) {
    return ports.find((p) => p?.containerPort === Number(port));
  }
  return typeof port === 'string' ? ports.find((p) => p?.name === port) : undefined;
}

const byName = new WeakMap<readonly ManifestRecord[], Map<string, Manifest>>();

/**
 * The object `kind` `namespace/name` from the context. The name index is built once per
 * (kind, namespace) list the context returns, so repeated lookups stay linear overall.
 */
export function findNamed(ctx: PolicyContext, kind: string, namespace: string | undefined, name: unknown): Manifest | undefined {
  if (!namespace || typeof name !== 'string') return undefined;
  const list = ctx.inNamespace(kind, namespace);
  let index = byName.get(list);
  if (!index) {
    index = new Map(list.filter((r) => r.manifest.metadata?.name).map((r) => [r.manifest.metadata.name as string, r.manifest]));
    byName.set(list, index);
  }
  return index.get(name);
}

/** The 1-based line of `index` in `text`, for messages about multi-line config values. */
export function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
