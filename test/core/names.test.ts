import { ValidationError } from '../../lib/core/errors';
import { suggestDnsLabel, validateDnsLabel, validateDnsSubdomain, validatePortName } from '../../lib/core/names';
import { expectValidationError, validationErrorOf } from './helpers';

const LABEL_RULE = 'not a DNS-1123 label (lower-case letters, digits and "-", starting and ending with a letter or digit)';
const SUBDOMAIN_RULE = 'not a DNS-1123 subdomain (dot-separated lower-case labels, at most 253 characters)';
const PORT_RULE = 'not an IANA service name (1-15 lower-case letters, digits and single "-", with at least one letter)';

const labelAt = (name: unknown) => () => ValidationError.within('homelab/media', 'name', () => validateDnsLabel(name as string));

describe('validateDnsLabel', () => {
  test.each(['my-app', 'a', '0abc', 'sonarr4k', 'a'.repeat(63)])('accepts %s and returns it', (name) => {
    expect(validateDnsLabel(name)).toBe(name);
  });

  test('refuses a name longer than 63 characters and suggests a shortened one', () => {
    const name = `${'x'.repeat(60)}-abc`;
    expectValidationError(labelAt(name), `[homelab/media] name = "${name}": a DNS-1123 label has at most 63 characters, got 64. Fix: shorten it, e.g. "${'x'.repeat(60)}-ab"`);
  });

  test('does not end the shortened suggestion with a dash', () => {
    const name = `${'x'.repeat(62)}-y`;
    expectValidationError(labelAt(name), `[homelab/media] name = "${name}": a DNS-1123 label has at most 63 characters, got 64. Fix: shorten it, e.g. "${'x'.repeat(62)}"`);
  });

  test('honours a custom maximum length', () => {
    expect(validateDnsLabel('abcde', 5)).toBe('abcde');
    expectValidationError(() => validateDnsLabel('abcdef', 5), '"abcdef": a DNS-1123 label has at most 5 characters, got 6. Fix: shorten it, e.g. "abcde"');
  });

  test('refuses upper case and suggests the lower-case name', () => {
    expectValidationError(labelAt('MyApp'), `[homelab/media] name = "MyApp": ${LABEL_RULE}. Fix: did you mean "myapp"?`);
  });

  test('refuses underscores and suggests dashes', () => {
    expectValidationError(labelAt('my_app'), `[homelab/media] name = "my_app": ${LABEL_RULE}. Fix: did you mean "my-app"?`);
  });

  test('refuses a leading dash and suggests the name without it', () => {
    expectValidationError(labelAt('-app'), `[homelab/media] name = "-app": ${LABEL_RULE}. Fix: did you mean "app"?`);
  });

  test('refuses a trailing dash and suggests the name without it', () => {
    expectValidationError(labelAt('app-'), `[homelab/media] name = "app-": ${LABEL_RULE}. Fix: did you mean "app"?`);
  });

  test('refuses dots and spaces and suggests dashes', () => {
    expectValidationError(labelAt('a.b'), `[homelab/media] name = "a.b": ${LABEL_RULE}. Fix: did you mean "a-b"?`);
    expectValidationError(labelAt('My App!'), `[homelab/media] name = "My App!": ${LABEL_RULE}. Fix: did you mean "my-app"?`);
  });

  test('suggests "app" when nothing usable is left', () => {
    expectValidationError(labelAt('___'), `[homelab/media] name = "___": ${LABEL_RULE}. Fix: did you mean "app"?`);
  });

  test('refuses an empty name', () => {
    expectValidationError(labelAt(''), '[homelab/media] name = "": a name is required (DNS-1123 label). Fix: use lower-case letters, digits and "-", e.g. "my-app"');
  });

  test('refuses a missing name', () => {
    expectValidationError(labelAt(undefined), '[homelab/media] name = undefined: a name is required (DNS-1123 label). Fix: use lower-case letters, digits and "-", e.g. "my-app"');
  });

  test('throws without a path when called directly', () => {
    const e = validationErrorOf(() => validateDnsLabel('My_App'));
    expect(e.path).toBeUndefined();
    expect(e.message).toBe(`"My_App": ${LABEL_RULE}. Fix: did you mean "my-app"?`);
  });
});

describe('suggestDnsLabel', () => {
  test('lower-cases, turns runs of invalid characters into one dash and trims dashes', () => {
    expect(suggestDnsLabel('Hello World')).toBe('hello-world');
    expect(suggestDnsLabel('a__b')).toBe('a-b');
    expect(suggestDnsLabel('--x--')).toBe('x');
    expect(suggestDnsLabel('a---b')).toBe('a-b');
  });

  test('keeps a valid label as it is', () => {
    expect(suggestDnsLabel('sonarr')).toBe('sonarr');
  });

  test('falls back to "app" when nothing is left', () => {
    expect(suggestDnsLabel('')).toBe('app');
    expect(suggestDnsLabel('!!!')).toBe('app');
  });

  test('shortens to the maximum length', () => {
    expect(suggestDnsLabel('a'.repeat(70))).toBe('a'.repeat(63));
    expect(suggestDnsLabel('abcdefgh', 4)).toBe('abcd');
    expect(suggestDnsLabel('abc-defgh', 4)).toBe('abc');
  });
});

describe('validateDnsSubdomain', () => {
  test.each(['media.example.net', 'k3s-master', 'a.b.c', 'x'.repeat(63) + '.' + 'y'.repeat(63)])('accepts %s and returns it', (name) => {
    expect(validateDnsSubdomain(name)).toBe(name);
  });

  test('refuses upper case and suggests the lower-case name', () => {
    expectValidationError(
      () => ValidationError.within('homelab', 'profile.domain', () => validateDnsSubdomain('Media.Example.NET')),
      `[homelab] profile.domain = "Media.Example.NET": ${SUBDOMAIN_RULE}. Fix: did you mean "media.example.net"?`,
    );
  });

  test('refuses underscores and suggests dashes per label', () => {
    expectValidationError(() => validateDnsSubdomain('my_host.lan'), `"my_host.lan": ${SUBDOMAIN_RULE}. Fix: did you mean "my-host.lan"?`);
  });

  test('refuses a label with a leading or trailing dash', () => {
    expectValidationError(() => validateDnsSubdomain('-a.b-'), `"-a.b-": ${SUBDOMAIN_RULE}. Fix: did you mean "a.b"?`);
  });

  test('refuses an empty name', () => {
    expectValidationError(() => validateDnsSubdomain(''), `"": ${SUBDOMAIN_RULE}. Fix: did you mean "app"?`);
  });

  test('refuses a missing name', () => {
    expectValidationError(() => validateDnsSubdomain(undefined as unknown as string), `undefined: ${SUBDOMAIN_RULE}. Fix: did you mean "app"?`);
  });

  test('refuses a name longer than 253 characters', () => {
    const name = 'a'.repeat(254);
    expectValidationError(() => validateDnsSubdomain(name), `"${name}": ${SUBDOMAIN_RULE}. Fix: did you mean "${'a'.repeat(63)}"?`);
  });

  test('suggests "example.com" for the fully-qualified "example.com."', () => {
    // the empty label after the trailing dot becomes "app": did you mean "example.com.app"? (another domain)
    expectValidationError(() => validateDnsSubdomain('example.com.'), `"example.com.": ${SUBDOMAIN_RULE}. Fix: did you mean "example.com"?`);
  });

  test('suggests a valid subdomain for an over-long name of valid labels', () => {
    // five 60-character labels (304 characters): the suggestion is the input itself, which is refused again
    const name = Array(5).fill('a'.repeat(60)).join('.');
    const e = validationErrorOf(() => validateDnsSubdomain(name));
    const suggestion = /did you mean "(.*)"\?$/.exec(e.message)![1];
    expect(() => validateDnsSubdomain(suggestion)).not.toThrow();
  });
});

describe('validatePortName', () => {
  test.each(['http', 'metrics', 'h2c', 'web-ui', 'a'.repeat(15), 'http8080'])('accepts %s and returns it', (name) => {
    expect(validatePortName(name)).toBe(name);
  });

  test('refuses upper case and suggests the lower-case name', () => {
    expectValidationError(
      () => ValidationError.within('homelab/media/sonarr', 'ports[0].name', () => validatePortName('HTTP')),
      `[homelab/media/sonarr] ports[0].name = "HTTP": ${PORT_RULE}. Fix: use a short name such as "http"`,
    );
  });

  test('refuses a name longer than 15 characters and suggests a shortened one', () => {
    expectValidationError(() => validatePortName('metrics-endpoint-port'), `"metrics-endpoint-port": ${PORT_RULE}. Fix: use a short name such as "metrics-endpoin"`);
  });

  test('refuses a double dash and suggests a single one', () => {
    expectValidationError(() => validatePortName('a--b'), `"a--b": ${PORT_RULE}. Fix: use a short name such as "a-b"`);
  });

  test('refuses underscores and suggests dashes', () => {
    expectValidationError(() => validatePortName('http_alt'), `"http_alt": ${PORT_RULE}. Fix: use a short name such as "http-alt"`);
  });

  test('refuses a leading or trailing dash', () => {
    expectValidationError(() => validatePortName('-http'), `"-http": ${PORT_RULE}. Fix: use a short name such as "http"`);
    expectValidationError(() => validatePortName('http-'), `"http-": ${PORT_RULE}. Fix: use a short name such as "http"`);
  });

  test('refuses an empty name', () => {
    expectValidationError(() => validatePortName(''), `"": ${PORT_RULE}. Fix: use a short name such as "app"`);
  });

  test('suggests a valid port name for an all-digit name such as "8080"', () => {
    // the suggestion is "8080" itself, which has no letter and is refused again
    const e = validationErrorOf(() => validatePortName('8080'));
    expect(e.rule).toBe(PORT_RULE);
    expect(() => validatePortName(/such as "(.*)"$/.exec(e.message)![1])).not.toThrow();
  });
});
