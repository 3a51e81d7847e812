import { ValidationError } from '../../lib/core/errors';
import {
  suggestDnsLabel, validateConfigKey, validateDnsLabel, validateDnsSubdomain, validateLabelKey, validateLabelValue, validateLabels, validatePort, validatePortName, validateSubPath,
} from '../../lib/core/names';
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

describe('label keys, label values and label maps', () => {
  const KEY = 'not a label key (an optional DNS-1123 subdomain prefix and "/", then a name of at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit)';
  const VALUE = 'not a label value (at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit)';

  test('accepts qualified names and label values as Kubernetes does', () => {
    for (const k of ['app', 'App_Name.v2', 'kubernetes.io/hostname', 'feature.node.kubernetes.io/pci-10de.present', `example.com/${'a'.repeat(63)}`]) expect(validateLabelKey(k)).toBe(k);
    for (const v of ['', 'true', 'Tesla_T4', 'v1.2.3', 'a'.repeat(63)]) expect(validateLabelValue(v)).toBe(v);
  });

  test('refuses keys with a bad name, a bad prefix or two slashes, with a suggestion', () => {
    expectValidationError(() => validateLabelKey('node type'), `"node type": ${KEY}. Fix: did you mean "node-type"?`);
    expectValidationError(() => validateLabelKey('-gpu'), `"-gpu": ${KEY}. Fix: did you mean "gpu"?`);
    expectValidationError(() => validateLabelKey('Example.COM/gpu'), `"Example.COM/gpu": ${KEY}. Fix: did you mean "example.com/gpu"?`);
    expectValidationError(() => validateLabelKey('a/b/c'), `"a/b/c": ${KEY}. Fix: did you mean "a/b-c"?`);
    expectValidationError(() => validateLabelKey('x'.repeat(64)), `"${'x'.repeat(64)}": ${KEY}. Fix: did you mean "${'x'.repeat(63)}"?`);
    expectValidationError(() => validateLabelKey(''), `"": ${KEY}. Fix: did you mean "key"?`);
  });

  test('refuses values that are too long or have other characters', () => {
    expectValidationError(() => validateLabelValue('Tesla T4'), `"Tesla T4": ${VALUE}. Fix: did you mean "Tesla-T4"?`);
    expectValidationError(() => validateLabelValue('!!'), `"!!": ${VALUE}. Fix: use letters, digits, "-", "_" and "."`);
    expectValidationError(() => validateLabelValue(5 as any), `5: ${VALUE}. Fix: did you mean "5"?`);
  });

  test('a label map names the key in the prop', () => {
    expect(validateLabels({ a: 'b' })).toEqual({ a: 'b' });
    expect(validationErrorOf(() => validateLabels({ ok: 'x', 'bad key': 'y' })).prop).toBe('bad key');
    expectValidationError(() => validateLabels({ team: 'a b' }), `team = "a b": ${VALUE}. Fix: did you mean "a-b"?`);
  });
});

describe('validateConfigKey', () => {
  const RULE = 'not a ConfigMap or Secret key (at most 253 letters, digits, "-", "_" and ".", not starting with "..")';
  test('accepts file names', () => {
    for (const k of ['app.yaml', '.env', 'tls.crt', 'A_B-c.1']) expect(validateConfigKey(k)).toBe(k);
  });
  test('refuses paths, "..", spaces and the empty key', () => {
    expectValidationError(() => validateConfigKey('conf/app.yaml'), `"conf/app.yaml": ${RULE}. Fix: did you mean "conf-app.yaml"? (a key is one file name, not a path)`);
    expectValidationError(() => validateConfigKey('..data'), `"..data": ${RULE}. Fix: did you mean "data"?`);
    expectValidationError(() => validateConfigKey('.'), `".": ${RULE}. Fix: did you mean "config"?`);
    expectValidationError(() => validateConfigKey('db password'), `"db password": ${RULE}. Fix: did you mean "db-password"?`);
    expectValidationError(() => validateConfigKey(''), `"": ${RULE}. Fix: did you mean "config"?`);
  });
});

describe('validateSubPath and validatePort', () => {
  const SUB = 'a subPath is a relative path inside the volume, without ".." (the API server refuses absolute paths and paths that climb out)';
  test('sub-paths stay inside the volume', () => {
    expect(validateSubPath('web/config')).toBe('web/config');
    expect(validateSubPath('a..b')).toBe('a..b');
    expectValidationError(() => validateSubPath('/web'), `"/web": ${SUB}. Fix: use "web"`);
    expectValidationError(() => validateSubPath('web/../../etc'), `"web/../../etc": ${SUB}. Fix: use "web/etc"`);
    expectValidationError(() => validateSubPath(''), `"": ${SUB}. Fix: leave subPath out to mount the whole volume`);
  });
  test('ports are whole numbers from 1 to 65535', () => {
    expect([validatePort(1), validatePort(65535)]).toEqual([1, 65535]);
    for (const p of [0, -1, 65536, 80.5, NaN]) {
      expect(validationErrorOf(() => validatePort(p)).rule).toBe('a port must be a whole number from 1 to 65535');
    }
    expectValidationError(() => validatePort(0, 'use 443'), '0: a port must be a whole number from 1 to 65535. Fix: use 443');
  });
});
