import { invalid } from './errors';

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

/** Checks that `name` is a DNS-1123 subdomain (e.g. hostnames, ConfigMap names): at most 253 characters of dot-separated labels. */
export function validateDnsSubdomain(name: string): string {
  if (typeof name !== 'string' || name === '' || name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    const labels = String(name ?? '').toLowerCase().split('.').filter((l) => l !== '').map((l) => suggestDnsLabel(l));
    let suggestion = labels.length ? labels.join('.') : 'app';
    while (suggestion.length > 253 && suggestion.includes('.')) {
      suggestion = suggestion.slice(0, suggestion.lastIndexOf('.'));
    }
    suggestion = suggestion.slice(0, 253).replace(/[-.]+$/, '');
    invalid('', name, 'not a DNS-1123 subdomain (dot-separated lower-case labels, at most 253 characters)', `did you mean "${suggestion}"?`);
  }
  return name;
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
