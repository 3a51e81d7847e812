import { ValidationError, cookieSecretBytes, generateCookieSecret, validateCookieSecret } from '../../../lib';

const ERR = 'oauth2-proxy needs 16, 24 or 32 bytes for its AES cookie cipher';

function errorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('cookieSecretBytes (oauth2-proxy SecretBytes semantics)', () => {
  test.each([
    ['a'.repeat(16), 16, 'raw'], // 16 characters are not valid base64 of 16/24/32 bytes (16 chars decode to 12), so the raw bytes count
    ['b'.repeat(24), 24, 'raw'], // 24 chars decode to 18 bytes: raw 24
    ['c'.repeat(32), 24, 'base64url'], // 32 chars of the URL-safe alphabet decode to 24 bytes: decoded wins
    ['d'.repeat(43), 32, 'base64url'],
    [`${'e'.repeat(43)}=`, 32, 'base64url'], // trailing "=" stripped
    ['f'.repeat(22), 16, 'base64url'],
    ['g'.repeat(44), 44, 'raw'], // 44 chars decode to 33 bytes: not a key size, raw 44
    [`${'+'.repeat(43)}=`, 44, 'raw'], // standard base64 with "+": URL-safe decoding fails
    ['h'.repeat(21), 21, 'raw'], // 21 % 4 == 1: not decodable
    ['ü'.repeat(8), 16, 'raw'], // UTF-8 bytes, not characters
  ])('%j → %d bytes (%s)', (secret, bytes, encoding) => {
    expect(cookieSecretBytes(secret)).toEqual({ bytes, encoding });
  });

  test('line breaks are ignored by the decoder, as Go does', () => {
    expect(cookieSecretBytes(`${'k'.repeat(43)}\n`)).toEqual({ bytes: 32, encoding: 'base64url' });
  });
});

describe('validateCookieSecret', () => {
  test('a URL-safe base64 32-byte secret is AES-256', () => {
    expect(validateCookieSecret('x'.repeat(43))).toEqual({ bytes: 32, encoding: 'base64url', cipher: 'AES-256' });
  });

  test('16 and 24 raw bytes are AES-128 and AES-192', () => {
    expect(validateCookieSecret('0123456789abcdef')).toEqual({ bytes: 16, encoding: 'raw', cipher: 'AES-128' });
    expect(validateCookieSecret('0123456789abcdef01234567')).toEqual({ bytes: 24, encoding: 'raw', cipher: 'AES-192' });
  });

  test('seed 003: the 167-byte cookie secret that crashed the Prometheus proxy is refused, and the value is not echoed', () => {
    const secret = 'Z'.repeat(167);
    const e = errorOf(() => validateCookieSecret(secret));
    expect(e.message).toBe(`cookieSecret = "<167 characters>": ${ERR}; it is not URL-safe base64 of 16, 24 or 32 bytes, so oauth2-proxy reads the value as 167 raw bytes `
      + 'and exits with "cookie_secret must be 16, 24, or 32 bytes to create an AES cipher, but is 167 bytes". '
      + 'Fix: use generateCookieSecret() (32 random bytes as URL-safe base64), or `openssl rand -base64 32 | tr -- \'+/\' \'-_\'`');
    expect(e.message).not.toContain(secret);
  });

  test('`openssl rand -base64 32` output with "+" or "/" is read as 44 raw bytes', () => {
    const secret = `ab+/${'c'.repeat(39)}=`;
    expect(errorOf(() => validateCookieSecret(secret)).rule).toBe(`${ERR}; it is standard base64 ("+" or "/"), which oauth2-proxy does not decode, so it reads the value as 44 raw bytes `
      + 'and exits with "cookie_secret must be 16, 24, or 32 bytes to create an AES cipher, but is 44 bytes"');
  });

  test('quotes around the value become part of it (oauth2-proxy#1954)', () => {
    expect(errorOf(() => validateCookieSecret(`"${'q'.repeat(43)}"`)).rule).toMatch(/^oauth2-proxy needs 16, 24 or 32 bytes for its AES cookie cipher; it is wrapped in quotes, which become part of the value \(oauth2-proxy#1954\), so oauth2-proxy reads the value as 45 raw bytes/);
  });

  test('a trailing newline from `echo` is named', () => {
    expect(errorOf(() => validateCookieSecret(`${'q'.repeat(30)}\n`)).rule).toMatch(/it ends with whitespace \(a newline from `echo`\?\), so oauth2-proxy reads the value as 31 raw bytes/);
  });

  test('an empty secret is refused', () => {
    expect(errorOf(() => validateCookieSecret('')).message).toBe('cookieSecret = "": oauth2-proxy refuses to start without a cookie secret. Fix: use generateCookieSecret() (32 random bytes as URL-safe base64), or `openssl rand -base64 32 | tr -- \'+/\' \'-_\'`');
  });
});

describe('generateCookieSecret', () => {
  test('43 URL-safe characters that oauth2-proxy decodes to 32 bytes, different every time', () => {
    const a = generateCookieSecret();
    const b = generateCookieSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(validateCookieSecret(a)).toEqual({ bytes: 32, encoding: 'base64url', cipher: 'AES-256' });
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(a).not.toBe(b);
  });
});
