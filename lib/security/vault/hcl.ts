import { invalid } from '../../core/errors';

/**
 * A value of an HCL attribute: a string, a number, a boolean, or a list of those.
 *
 * Vault reads its configuration with the HCL 1 parser. Objects are written as blocks
 * ({@link HclBlock}), never as attribute values, because Vault's config decoder reads
 * `storage`, `listener`, `seal`, ... as labelled blocks.
 */
export type HclValue = string | number | boolean | readonly HclValue[];

/** One `name = value` line of an HCL body. */
export interface HclAttribute {
  readonly name: string;
  readonly value: HclValue;
}

/** An entry of an HCL body: an attribute or a nested block. */
export type HclEntry = HclAttribute | HclBlock;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * An HCL block: `type "label" ... { body }`, e.g. `storage "postgresql" { ha_enabled = "true" }`
 * or an unlabelled `retry_join { leader_api_addr = "..." }`.
 */
export class HclBlock {
  /**
   * A block with `attributes` (in insertion order) followed by nested `blocks`.
   * @param type the block type, e.g. `seal`
   * @param labels the block labels, e.g. `["transit"]`
   */
  public static of(type: string, labels: readonly string[] = [], attributes: Record<string, HclValue> = {}, blocks: readonly HclBlock[] = []): HclBlock {
    const entries: HclEntry[] = Object.entries(attributes).map(([name, value]) => ({ name, value }));
    return new HclBlock(type, labels, [...entries, ...blocks]);
  }

  /**
   * @param type the block type
   * @param labels the block labels
   * @param body attributes and nested blocks, rendered in this order
   */
  constructor(public readonly type: string, public readonly labels: readonly string[], public readonly body: readonly HclEntry[]) {}
}

/** True when `entry` is a block (not an attribute). */
export function isHclBlock(entry: HclEntry): entry is HclBlock {
  return entry instanceof HclBlock;
}

/**
 * Renders an HCL body (top level of a config file): one attribute per line, blocks with
 * two-space indentation, strings double-quoted with `\\`, `\"`, `\n`, `\r` and `\t` escaped.
 *
 * Throws a path-less ValidationError (wrap it with `ValidationError.within`) for names that
 * are not HCL identifiers, strings with other control characters or a `${` sequence (HCL 1
 * reads it as the start of an interpolation), non-finite numbers, and nested lists.
 */
export function renderHcl(body: readonly HclEntry[]): string {
  return renderBody(body, '', '').join('\n') + '\n';
}

function renderBody(body: readonly HclEntry[], indent: string, path: string): string[] {
  const lines: string[] = [];
  body.forEach((entry, i) => {
    if (isHclBlock(entry)) {
      const where = joinPath(path, entry.type);
      identifier(where, entry.type);
      const labels = entry.labels.map((l, j) => ` ${quote(`${where}.labels[${j}]`, l)}`).join('');
      if (entry.body.length === 0) {
        lines.push(`${indent}${entry.type}${labels} {}`);
      } else {
        lines.push(`${indent}${entry.type}${labels} {`, ...renderBody(entry.body, `${indent}  `, where), `${indent}}`);
      }
      // a blank line after a top-level block keeps the file readable
      if (indent === '' && i < body.length - 1) lines.push('');
    } else {
      const where = joinPath(path, entry.name);
      identifier(where, entry.name);
      lines.push(`${indent}${entry.name} = ${value(where, entry.value, true)}`);
    }
  });
  return lines;
}

function joinPath(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

function identifier(where: string, name: string): void {
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
    invalid(where, name, 'not an HCL identifier (letters, digits, "_" and "-", starting with a letter or "_")', 'use the attribute or block name from Vault\'s configuration reference, e.g. "default_lease_ttl"');
  }
}

function value(where: string, v: HclValue, allowList: boolean): string {
  if (typeof v === 'string') return quote(where, v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) {
      invalid(where, v, 'not a finite number', 'use a whole or decimal number, or a string such as "30s" for durations');
    }
    return String(v);
  }
  if (Array.isArray(v)) {
    if (!allowList) {
      invalid(where, v, 'Vault\'s configuration has no nested lists', 'flatten the list');
    }
    return `[${v.map((x, i) => value(`${where}[${i}]`, x, false)).join(', ')}]`;
  }
  return invalid(where, v, 'an HCL attribute value is a string, number, boolean or list of those', 'write nested objects as an HclBlock');
}

function quote(where: string, s: string): string {
  if (typeof s !== 'string') {
    invalid(where, s, 'an HCL label is a string', 'pass a string');
  }
  if (s.includes('${')) {
    invalid(where, s, 'HCL 1 reads "${" as the start of an interpolation', 'remove the "${" sequence; Vault configuration takes literal values (or environment variables for secrets)');
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s)) {
    invalid(where, s, 'a control character other than newline, carriage return or tab cannot be written in an HCL string', 'remove it');
  }
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}
