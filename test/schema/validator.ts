/**
 * Strict schema validation for everything the project synthesizes.
 *
 * - Kubernetes built-in kinds: the vendored OpenAPI definitions
 *   (crds/kubernetes/v1.29.0/_definitions.json), looked up through `x-kubernetes-group-version-kind`.
 * - CRD kinds: the vendored CustomResourceDefinitions under crds/<group>/*.yaml, using the
 *   `openAPIV3Schema` of the served version that matches the object's apiVersion.
 *
 * Both are made strict on load: every object schema with `properties` and no `additionalProperties`
 * of its own gets `additionalProperties: false` (unless it sets `x-kubernetes-preserve-unknown-fields`),
 * so unknown fields are errors, as they are for `kubectl apply --validate=strict`.
 *
 * Validators are compiled lazily, once per apiVersion/kind, and cached.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import * as YAML from 'yaml';

const CRDS_DIR = path.resolve(__dirname, '../../crds');
const K8S_DEFINITIONS = path.join(CRDS_DIR, 'kubernetes/v1.29.0/_definitions.json');
const K8S_SCHEMA_ID = 'k8s-definitions.json';

const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.Time';
const MICRO_TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime';

type Schema = Record<string, any>;

export interface Validator {
  /** Every schema error of `obj`, as `<kind> <namespace>/<name>: <instancePath> <message>`; [] when valid. */
  validate(obj: any): string[];
}

function isPlainObject(x: unknown): x is Record<string, any> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Walks a schema (keyword-aware: never descends into `enum`, `default`, `example`, ... values) and
 * closes every object schema that lists `properties` but says nothing about other properties.
 */
function strictify(schema: unknown): void {
  if (Array.isArray(schema)) {
    for (const s of schema) strictify(s);
    return;
  }
  if (!isPlainObject(schema)) return;

  if (schema['x-kubernetes-int-or-string'] === true && schema.type === undefined && !schema.anyOf && !schema.oneOf) {
    schema.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (schema.format === 'int-or-string' && (schema.type === 'string' || schema.type === undefined)) {
    delete schema.type;
    delete schema.format;
    schema.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (schema['x-kubernetes-embedded-resource'] === true && isPlainObject(schema.properties)) {
    // An embedded object carries its own apiVersion/kind/metadata even when the schema omits them.
    schema.properties.apiVersion ??= { type: 'string' };
    schema.properties.kind ??= { type: 'string' };
    schema.properties.metadata ??= { type: 'object' };
  }
  if (
    isPlainObject(schema.properties) &&
    !('additionalProperties' in schema) &&
    schema['x-kubernetes-preserve-unknown-fields'] !== true
  ) {
    schema.additionalProperties = false;
  }

  for (const key of ['properties', 'patternProperties', 'definitions', '$defs']) {
    if (isPlainObject(schema[key])) for (const sub of Object.values(schema[key])) strictify(sub);
  }
  for (const key of ['additionalProperties', 'items', 'additionalItems', 'not', 'allOf', 'anyOf', 'oneOf']) {
    if (schema[key] !== undefined) strictify(schema[key]);
  }
}

/** `apps/v1` → {group: 'apps', version: 'v1'}; `v1` → {group: '', version: 'v1'}. */
function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

function gvkKey(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}

function loadKubernetesDefinitions(): { document: Schema; index: Map<string, string> } {
  const document = JSON.parse(fs.readFileSync(K8S_DEFINITIONS, 'utf8')) as { definitions: Record<string, Schema> };
  const defs = document.definitions;

  // Scalar wrappers: serialized as plain strings (or numbers), never as objects.
  defs[INT_OR_STRING] = { anyOf: [{ type: 'integer' }, { type: 'string' }] };
  defs[QUANTITY] = { type: ['string', 'number'] };
  defs[TIME] = { type: 'string' };
  defs[MICRO_TIME] = { type: 'string' };

  strictify(document);

  const index = new Map<string, string>();
  for (const [name, def] of Object.entries(defs)) {
    for (const gvk of (def['x-kubernetes-group-version-kind'] ?? []) as { group: string; version: string; kind: string }[]) {
      index.set(gvkKey(gvk.group ?? '', gvk.version, gvk.kind), name);
    }
  }
  return { document: { $id: K8S_SCHEMA_ID, definitions: defs }, index };
}

interface CrdVersion {
  readonly file: string;
  readonly schema: Schema;
}

function listCrdFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listCrdFiles(p));
    else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) out.push(p);
  }
  return out.sort();
}

function loadCrds(): Map<string, CrdVersion> {
  const index = new Map<string, CrdVersion>();
  for (const file of listCrdFiles(CRDS_DIR)) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      const crd = doc.toJS({ maxAliasCount: -1 });
      if (!isPlainObject(crd) || crd.kind !== 'CustomResourceDefinition') continue;
      if (crd.apiVersion !== 'apiextensions.k8s.io/v1') throw new Error(`${file}: unexpected ${crd.apiVersion}`);
      const group: string = crd.spec.group;
      const kind: string = crd.spec.names.kind;
      for (const v of crd.spec.versions ?? []) {
        if (v.served !== true) continue;
        const schema = v.schema?.openAPIV3Schema;
        if (!isPlainObject(schema)) throw new Error(`${file}: ${group}/${v.name} ${kind} has no openAPIV3Schema`);
        const key = gvkKey(group, v.name, kind);
        if (index.has(key)) throw new Error(`${file}: ${key} is also defined in ${index.get(key)!.file}`);
        index.set(key, { file, schema });
      }
    }
  }
  return index;
}

/** Prepares a CRD root schema: strict, with apiVersion/kind and a loosely checked metadata. */
function prepareCrdSchema(original: Schema): Schema {
  const schema = structuredClone(original);
  schema.type ??= 'object';
  schema.properties = {
    ...(schema.properties ?? {}),
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
  };
  strictify(schema);
  return schema;
}

/**
 * CRD `pattern`s are Go (RE2) regular expressions. The few RE2-only spellings seen in CRDs are
 * translated to JavaScript: a leading `(?i)` (optionally after `^`) becomes the `i` flag, `(?P<name>`
 * becomes `(?<name>`, and `\A` / `\z` become `^` / `$`. Anything else that JavaScript cannot parse
 * makes the schema fail to compile, which is reported for every object of that kind.
 */
export function goRegExp(pattern: string, u: string): RegExp {
  let flags = u;
  let source = pattern;
  const inline = /^(\^?)\(\?i\)/.exec(source);
  if (inline) {
    source = inline[1] + source.slice(inline[0].length);
    flags += 'i';
  }
  source = source.replace(/\(\?P</g, '(?<').replace(/^\\A/, '^').replace(/\\z$/, '$');
  return new RegExp(source, flags);
}
goRegExp.code = 'goRegExp';

function formatError(e: ErrorObject): string {
  const where = e.instancePath || '/';
  let message = e.message ?? e.keyword;
  if (e.keyword === 'additionalProperties') message += `: ${JSON.stringify(e.params.additionalProperty)}`;
  else if (e.keyword === 'enum') message += `: ${JSON.stringify(e.params.allowedValues)}`;
  return `${where} ${message}`;
}

export function createValidator(): Validator {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    validateFormats: false, // int32, int64, byte, date-time, ...: not checked
    validateSchema: false, // the vendored schemas are draft-04 / OpenAPI flavoured
    code: { regExp: goRegExp },
  });
  const k8s = loadKubernetesDefinitions();
  ajv.addSchema(k8s.document);

  let crds: Map<string, CrdVersion> | undefined;
  const cache = new Map<string, ValidateFunction | string>();

  /** The compiled validator for a GVK, or an error string (no schema / schema does not compile). */
  function lookup(apiVersion: unknown, kind: unknown): ValidateFunction | string {
    const cacheKey = `${String(apiVersion)} ${String(kind)}`;
    const cached = cache.get(cacheKey);
    if (cached !== undefined) return cached;

    let result: ValidateFunction | string = `no schema for ${String(apiVersion)} ${String(kind)}`;
    if (typeof apiVersion === 'string' && typeof kind === 'string') {
      const { group, version } = splitApiVersion(apiVersion);
      const key = gvkKey(group, version, kind);
      try {
        const def = k8s.index.get(key);
        if (def !== undefined) {
          result = ajv.getSchema(`${K8S_SCHEMA_ID}#/definitions/${def}`) ?? result;
        } else {
          crds ??= loadCrds();
          const crd = crds.get(key);
          if (crd !== undefined) result = ajv.compile(prepareCrdSchema(crd.schema));
        }
      } catch (e) {
        result = `schema for ${apiVersion} ${kind} does not compile: ${(e as Error).message}`;
      }
    }
    cache.set(cacheKey, result);
    return result;
  }

  return {
    validate(obj: any): string[] {
      const kind = isPlainObject(obj) ? obj.kind : undefined;
      const meta = isPlainObject(obj) && isPlainObject(obj.metadata) ? obj.metadata : {};
      const prefix = `${String(kind)} ${meta.namespace ?? ''}/${meta.name ?? ''}:`;
      const v = lookup(isPlainObject(obj) ? obj.apiVersion : undefined, kind);
      if (typeof v === 'string') return [`${prefix} ${v}`];
      if (v(obj)) return [];
      return (v.errors ?? []).map((e) => `${prefix} ${formatError(e)}`);
    },
  };
}
