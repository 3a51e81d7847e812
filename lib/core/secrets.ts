import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ValidationError } from './errors';
import { validateDnsLabel, validateDnsSubdomain } from './names';

const REQUIREMENTS = Symbol.for('hardened-homelab.SecretRequirements');

/** What one key of a required Secret must hold. */
export interface SecretKeySpec {
  /** What the value is, for error messages and docs. @default - none */
  readonly description?: string;
  /**
   * Checks a value when one is known (the Pulumi engine reads it from config). Returns the
   * problem in one sentence, or `undefined` when the value is fine.
   * @default - any non-empty value
   */
  readonly validate?: (value: string) => string | undefined;
}

/** Props of {@link requireSecret}. */
export interface RequireSecretProps {
  /** Secret name. */
  readonly name: string;
  /** Namespace. @default - the namespace of the enclosing chart */
  readonly namespace?: string;
  /** The keys the consumer reads, with optional checks. */
  readonly keys: Record<string, SecretKeySpec>;
}

/** A Secret some construct needs, with the keys it reads. */
export interface SecretRequirement {
  readonly namespace: string;
  readonly name: string;
  readonly keys: Readonly<Record<string, SecretKeySpec>>;
  /** Construct path of the consumer. */
  readonly path: string;
}

/**
 * Declares that the construct `scope` reads Secret `name` (by reference: the GitOps output
 * never contains a value). The GitOps engines expect the operator (or External Secrets,
 * SOPS, …) to create it; the Pulumi engine creates it from `pulumi config set --secret`
 * values and runs each key's `validate` on the value.
 *
 * Pod-level references (`secretKeyRef`, `envFrom`, secret volumes) are found in the
 * manifests without this call; use it for Secrets named only in chart values
 * (`existingSecret`) or custom resources, and to attach validation.
 */
export function requireSecret(scope: IConstruct, props: RequireSecretProps): SecretRequirement {
  const namespace = props.namespace ?? Chart.of(scope).namespace;
  if (!namespace) {
    throw new ValidationError(scope, { prop: 'namespace', value: undefined, rule: 'a Secret lives in a namespace', fix: 'call requireSecret inside a Namespace chart or pass namespace' });
  }
  ValidationError.within(scope, 'namespace', () => validateDnsLabel(namespace));
  ValidationError.within(scope, 'name', () => validateDnsSubdomain(props.name));
  const keys = Object.keys(props.keys);
  if (keys.length === 0) {
    throw new ValidationError(scope, { prop: 'keys', value: props.keys, rule: 'name at least one key the consumer reads', fix: 'e.g. keys: { "cookie-secret": {} }' });
  }
  for (const k of keys) {
    if (!/^[-._a-zA-Z0-9]+$/.test(k)) {
      throw new ValidationError(scope, { prop: 'keys', value: k, rule: 'a Secret key consists of alphanumerics, "-", "_" or "."', fix: 'use e.g. "client-secret"' });
    }
  }
  const req: SecretRequirement = { namespace, name: props.name, keys: { ...props.keys }, path: scope.node.path };
  const list: SecretRequirement[] = (scope as any)[REQUIREMENTS] ?? [];
  if (!(scope as any)[REQUIREMENTS]) Object.defineProperty(scope, REQUIREMENTS, { value: list, enumerable: false });
  list.push(req);
  return req;
}

/** Every {@link requireSecret} declaration under `root`, in construct-tree order. */
export function secretRequirementsOf(root: IConstruct): SecretRequirement[] {
  return secretRequirementsIn(root.node.findAll());
}

/** The {@link requireSecret} declarations of `constructs` (e.g. a tree walk the caller already has), in order. */
export function secretRequirementsIn(constructs: readonly IConstruct[]): SecretRequirement[] {
  return constructs.flatMap((c) => ((c as any)[REQUIREMENTS] as SecretRequirement[] | undefined) ?? []);
}
