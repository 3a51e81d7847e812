import { randomBytes } from 'node:crypto';
import { COOKIE_SECRET_SIZES, cookieSecretBytes } from '../../core/oidc';
import { invalid } from '../../core/errors';

/** What {@link validateCookieSecret} found. */
export interface CookieSecretInfo {
  /** Bytes of key material oauth2-proxy derives: 16, 24 or 32. */
  readonly bytes: number;
  /** `base64url` when oauth2-proxy decodes the value, `raw` when it uses the value's own bytes. */
  readonly encoding: 'base64url' | 'raw';
  /** The cookie cipher those bytes select. */
  readonly cipher: 'AES-128' | 'AES-192' | 'AES-256';
}

const GENERATE = 'use generateCookieSecret() (32 random bytes as URL-safe base64), or `openssl rand -base64 32 | tr -- \'+/\' \'-_\'`';

/**
 * Checks a cookie secret the way oauth2-proxy will read it (see `cookieSecretBytes`): valid when
 * it is URL-safe base64 that decodes to 16, 24 or 32 bytes, or when its own bytes number 16, 24
 * or 32. Anything else makes oauth2-proxy exit at start with "cookie_secret must be 16, 24, or
 * 32 bytes to create an AES cipher" — the seed 003 crash (a 167-byte value).
 *
 * The value is never echoed in the error (only its length).
 * @throws ValidationError (prop `cookieSecret`) naming the byte count oauth2-proxy would see
 */
export function validateCookieSecret(value: string): CookieSecretInfo {
  if (typeof value !== 'string' || value === '') {
    invalid('cookieSecret', value, 'oauth2-proxy refuses to start without a cookie secret', GENERATE);
  }
  const { bytes, encoding } = cookieSecretBytes(value);
  if (!COOKIE_SECRET_SIZES.includes(bytes)) {
    const shown = `<${value.length} characters>`;
    const why = /^(["']).*\1$/s.test(value)
      ? 'it is wrapped in quotes, which become part of the value (oauth2-proxy#1954), so oauth2-proxy reads'
      : /[+/]/.test(value) && cookieSecretBytes(value.replace(/\+/g, '-').replace(/\//g, '_')).encoding === 'base64url'
        ? 'it is standard base64 ("+" or "/"), which oauth2-proxy does not decode, so it reads'
        : /\s$/.test(value)
          ? 'it ends with whitespace (a newline from `echo`?), so oauth2-proxy reads'
          : 'it is not URL-safe base64 of 16, 24 or 32 bytes, so oauth2-proxy reads';
    invalid('cookieSecret', shown,
      `oauth2-proxy needs 16, 24 or 32 bytes for its AES cookie cipher; ${why} the value as ${bytes} raw bytes and exits with `
      + `"cookie_secret must be 16, 24, or 32 bytes to create an AES cipher, but is ${bytes} bytes"`,
      GENERATE);
  }
  return { bytes, encoding, cipher: bytes === 16 ? 'AES-128' : bytes === 24 ? 'AES-192' : 'AES-256' };
}

/**
 * A new cookie secret: 32 random bytes (node:crypto) as unpadded URL-safe base64 (43
 * characters), which oauth2-proxy decodes to an AES-256 key. Put it in the proxy's Secret
 * (`kubectl create secret generic … --from-literal=cookie-secret=…`, SOPS, or
 * `pulumi config set --secret`); it never goes into a manifest.
 */
export function generateCookieSecret(): string {
  return randomBytes(32).toString('base64url');
}
