import { ValidationError, authentikIssuerProblem, authentikIssuerUrl, validateAuthentikSlug, validateIssuerUrl } from '../../../lib';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e.message;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('Authentik issuer', () => {
  test('keeps the trailing slash Authentik publishes (the seed 003 lesson says the opposite and is wrong)', () => {
    expect(authentikIssuerUrl('authentik.fletcherlabs.net', 'prometheus')).toBe('https://authentik.fletcherlabs.net/application/o/prometheus/');
  });

  test('a slug is letters, digits, "-" and "_"', () => {
    expect(validateAuthentikSlug('long_horn-2')).toBe('long_horn-2');
    expect(messageOf(() => validateAuthentikSlug('prom etheus'))).toBe('slug = "prom etheus": not an Authentik application slug (letters, digits, "-" and "_"). Fix: use the slug shown under Applications in the Authentik admin UI, e.g. "prometheus"');
  });

  test('authentikIssuerProblem names the missing slash (the seed\'s issuer mismatch) and ignores other hosts', () => {
    expect(authentikIssuerProblem('https://authentik.fletcherlabs.net/application/o/prometheus', 'authentik.fletcherlabs.net')).toBe(
      'Authentik publishes this issuer as "https://authentik.fletcherlabs.net/application/o/prometheus/", with a trailing slash; oauth2-proxy compares issuers byte for byte, so OIDC discovery fails with an issuer mismatch');
    expect(authentikIssuerProblem('https://authentik.fletcherlabs.net/application/o/prometheus/', 'authentik.fletcherlabs.net')).toBeUndefined();
    expect(authentikIssuerProblem('https://authentik.fletcherlabs.net/application/o/prometheus/extra', 'authentik.fletcherlabs.net')).toBe(
      'Authentik provider issuers have the form https://authentik.fletcherlabs.net/application/o/<slug>/');
    expect(authentikIssuerProblem('https://accounts.google.com', 'authentik.fletcherlabs.net')).toBeUndefined();
  });
});

describe('validateIssuerUrl (generic OIDC)', () => {
  test('accepts an https URL as given, with or without a path', () => {
    expect(validateIssuerUrl('https://accounts.google.com')).toBe('https://accounts.google.com');
    expect(validateIssuerUrl('https://id.example.net/realms/lab')).toBe('https://id.example.net/realms/lab');
  });

  test.each([
    ['http://id.example.net/realms/lab', 'issuerUrl = "http://id.example.net/realms/lab": an OIDC issuer is an absolute https:// URL. Fix: copy the "issuer" value from https://<idp>/.well-known/openid-configuration'],
    ['id.example.net', 'issuerUrl = "id.example.net": an OIDC issuer is an absolute https:// URL. Fix: copy the "issuer" value from https://<idp>/.well-known/openid-configuration'],
    ['https://id.example.net/realms/lab?x=1', 'issuerUrl = "https://id.example.net/realms/lab?x=1": an OIDC issuer has no query or fragment. Fix: copy the "issuer" value from the discovery document exactly, without "?…" or "#…"'],
    ['https://id.example.net/#frag', 'issuerUrl = "https://id.example.net/#frag": an OIDC issuer has no query or fragment. Fix: copy the "issuer" value from the discovery document exactly, without "?…" or "#…"'],
    ['https://id.example.net/?', 'issuerUrl = "https://id.example.net/?": an OIDC issuer has no query or fragment. Fix: copy the "issuer" value from the discovery document exactly, without "?…" or "#…"'],
    ['https://user:pw@id.example.net/', 'issuerUrl = "<redacted>": an OIDC issuer carries no credentials. Fix: remove the user:password@ part'],
  ])('refuses %s', (url, message) => {
    expect(messageOf(() => validateIssuerUrl(url))).toBe(message);
  });
});
