import { randomBytes } from 'node:crypto';
import { COOKIE_SECRET_FIX, cookieSecretBytes, cookieSecretProblem } from '../../core/oidc';
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
  const problem = cookieSecretProblem(value);
  if (problem) invalid('cookieSecret', value === '' || typeof value !== 'string' ? value : `<${value.length} characters>`, problem, COOKIE_SECRET_FIX);
  const { bytes, encoding } = cookieSecretBytes(value);
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
