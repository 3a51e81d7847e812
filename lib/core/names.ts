import { ValidationError, invalid } from './errors';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A DNS-1123 label that is close to `name`: lower case, invalid characters as `-`, trimmed. */
export function suggestDnsLabel(name: string, maxLength = 63): string {
  const s = String(name).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-+/, '').slice(0, maxLength).replace(/-+$/, '');
  return s === '' ? 'app' : s;
}

/**
 * Checks that `name` is a DNS-1123 label (Service, Namespace and most object names):
 * at most `maxLength` (63) characters, lower-case alphanumerics and `-`, starting and ending
 * alphanumeric. Throws a path-less ValidationError with a corrected suggestion.
 */
export function validateDnsLabel(name: string, maxLength = 63): string {
  if (typeof name !== 'string' || name === '') {
    invalid('', name, 'a name is required (DNS-1123 label)', 'use lower-case letters, digits and "-", e.g. "my-app"');
  }
  if (name.length > maxLength) {
    invalid('', name, `a DNS-1123 label has at most ${maxLength} characters, got ${name.length}`, `shorten it, e.g. "${suggestDnsLabel(name, maxLength)}"`);
  }
  if (!DNS_LABEL.test(name)) {
    invalid('', name, 'not a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit)', `did you mean "${suggestDnsLabel(name, maxLength)}"?`);
  }
  return name;
}

/** A DNS-1123 subdomain that is close to `name`: each label made a DNS label, at most 253 characters. */
export function suggestDnsSubdomain(name: string): string {
  const labels = String(name ?? '').toLowerCase().split('.').filter((l) => l !== '').map((l) => suggestDnsLabel(l));
  let suggestion = labels.length ? labels.join('.') : 'app';
  while (suggestion.length > 253 && suggestion.includes('.')) {
    suggestion = suggestion.slice(0, suggestion.lastIndexOf('.'));
  }
  return suggestion.slice(0, 253).replace(/[-.]+$/, '');
}

/** Checks that `name` is a DNS-1123 subdomain (e.g. hostnames, ConfigMap names): at most 253 characters of dot-separated labels. */
export function validateDnsSubdomain(name: string): string {
  if (!isDnsSubdomain(name)) {
    invalid('', name, 'not a DNS-1123 subdomain (dot-separated lower-case labels, at most 253 characters)', `did you mean "${suggestDnsSubdomain(name)}"?`);
  }
  return name;
}

function isDnsSubdomain(name: unknown): name is string {
  return typeof name === 'string' && name !== '' && name.length <= 253 && DNS_SUBDOMAIN.test(name);
}

/** The name part of a label key, and a label value: at most 63 of `[-A-Za-z0-9_.]`, alphanumeric at both ends. */
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** `text` made into a label name: invalid characters as `-`, at most 63 characters, alphanumeric at both ends. */
function suggestLabelName(text: string): string {
  return String(text ?? '').replace(/[^-A-Za-z0-9_.]+/g, '-').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/**
 * Checks a label key (a Kubernetes qualified name, also used for node selector, toleration and
 * annotation keys): an optional DNS-1123 subdomain prefix of at most 253 characters and `/`,
 * then a name of at most 63 letters, digits, `-`, `_` and `.` that starts and ends with a letter
 * or digit. Throws a path-less ValidationError with a corrected suggestion.
 */
export function validateLabelKey(key: string): string {
  const parts = typeof key === 'string' ? key.split('/') : [];
  const name = parts.length > 0 ? parts[parts.length - 1] : '';
  const prefix = parts.length === 2 ? parts[0] : undefined;
  if (parts.length === 0 || parts.length > 2 || name.length > 63 || !LABEL_NAME.test(name) || (prefix !== undefined && !isDnsSubdomain(prefix))) {
    const text = String(key ?? '');
    const cut = text.indexOf('/');
    const suggestion = cut < 0
      ? suggestLabelName(text) || 'key'
      : `${suggestDnsSubdomain(text.slice(0, cut))}/${suggestLabelName(text.slice(cut + 1)) || 'key'}`;
    invalid('', key, 'not a label key (an optional DNS-1123 subdomain prefix and "/", then a name of at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit)', `did you mean "${suggestion}"?`);
  }
  return key;
}

/**
 * Checks a label value: empty, or at most 63 letters, digits, `-`, `_` and `.` that start and
 * end with a letter or digit. Throws a path-less ValidationError with a corrected suggestion.
 */
export function validateLabelValue(value: string): string {
  if (typeof value !== 'string' || (value !== '' && (value.length > 63 || !LABEL_NAME.test(value)))) {
    const suggestion = suggestLabelName(String(value ?? ''));
    invalid('', value, 'not a label value (at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit)', suggestion ? `did you mean "${suggestion}"?` : 'use letters, digits, "-", "_" and "."');
  }
  return value;
}

/**
 * Checks every key and value of a label map (labels, node selectors, pod selectors). The
 * error names the key as its prop, e.g. `node-type` for a bad value of `node-type`.
 */
export function validateLabels(labels: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) {
    invalid('', labels, 'a label map is an object of key: value strings', 'write e.g. { "app.kubernetes.io/name": "web" }');
  }
  for (const [key, value] of Object.entries(labels)) {
    ValidationError.under(key, () => validateLabelKey(key));
    ValidationError.under(key, () => validateLabelValue(value));
  }
  return labels;
}

/**
 * Checks a ConfigMap or Secret key (also a config file name, since each key is mounted as a
 * file): at most 253 letters, digits, `-`, `_` and `.`; not `.` or `..` and not starting with
 * `..`. A key cannot hold a `/`: it is one file name, never a path.
 */
export function validateConfigKey(key: string): string {
  if (typeof key !== 'string' || key === '' || key.length > 253 || !/^[-._a-zA-Z0-9]+$/.test(key) || key === '.' || key.startsWith('..')) {
    const text = String(key ?? '');
    const suggestion = text.replace(/[^-._a-zA-Z0-9]+/g, '-').replace(/^[.-]+/, '').slice(0, 253) || 'config';
    const where = text.includes('/') ? ' (a key is one file name, not a path)' : '';
    invalid('', key, 'not a ConfigMap or Secret key (at most 253 letters, digits, "-", "_" and ".", not starting with "..")', `did you mean "${suggestion}"?${where}`);
  }
  return key;
}

/**
 * Checks a volume mount's `subPath`: a relative path inside the volume without a `..` element
 * (the API server refuses the others).
 */
export function validateSubPath(path: string): string {
  const segments = typeof path === 'string' ? path.split('/') : [];
  if (typeof path !== 'string' || path === '' || path.startsWith('/') || segments.includes('..')) {
    const inside = segments.filter((s) => s !== '' && s !== '.' && s !== '..').join('/');
    invalid('', path, 'a subPath is a relative path inside the volume, without ".." (the API server refuses absolute paths and paths that climb out)', inside ? `use "${inside}"` : 'leave subPath out to mount the whole volume');
  }
  return path;
}

/**
 * Checks a TCP/UDP port number: a whole number from 1 to 65535.
 * @param fix what to do instead, in the caller's terms
 */
export function validatePort(port: number, fix = 'use the port the app listens on'): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    invalid('', port, 'a port must be a whole number from 1 to 65535', fix);
  }
  return port;
}

/** Checks an IANA service name as used for container and Service port names: at most 15 characters, lower-case alphanumerics and `-`, at least one letter. */
export function validatePortName(name: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 15 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || !/[a-z]/.test(name) || name.includes('--')) {
    let suggestion = suggestDnsLabel(String(name ?? ''), 15).replace(/--+/g, '-');
    if (!/[a-z]/.test(suggestion)) {
      suggestion = `port-${suggestion}`.slice(0, 15).replace(/-+$/, '');
    }
    invalid('', name, 'not an IANA service name (1-15 lower-case letters, digits and single "-", with at least one letter)', `use a short name such as "${suggestion}"`);
  }
  return name;
}
