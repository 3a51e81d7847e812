import { invalid } from './errors';

/**
 * Facts about OIDC identity providers and oauth2-proxy that both the patterns (which build the
 * configuration) and the policy rules (which judge hand-written configuration) need. Pure
 * functions, no constructs.
 */

/** The AES key sizes oauth2-proxy accepts for its cookie cipher. */
export const COOKIE_SECRET_SIZES: readonly number[] = [16, 24, 32];

/** How oauth2-proxy reads a cookie secret. */
export interface CookieSecretBytes {
  /** Bytes of key material oauth2-proxy ends up with. Valid when 16, 24 or 32. */
  readonly bytes: number;
  /** `base64url` when the value was decoded, `raw` when its own bytes are used. */
  readonly encoding: 'base64url' | 'raw';
}

/**
 * The key material oauth2-proxy derives from a cookie secret, with its exact rule
 * (`pkg/encryption/utils.go` `SecretBytes`): trailing `=` are stripped and the rest is decoded
 * as unpadded URL-safe base64 (`-` and `_`, never `+` or `/`; line breaks ignored, as Go's
 * decoder does). When that decodes to 16, 24 or 32 bytes, those bytes are the key; otherwise the
 * value's own UTF-8 bytes are. Standard base64 of 32 bytes (`openssl rand -base64 32`, 44
 * characters) usually contains `+` or `/`, fails the URL-safe decode and is read as 44 raw bytes.
 */
export function cookieSecretBytes(secret: string): CookieSecretBytes {
  const decoded = rawUrlBase64Length(secret.replace(/=+$/, ''));
  if (decoded !== undefined && COOKIE_SECRET_SIZES.includes(decoded)) {
    return { bytes: decoded, encoding: 'base64url' };
  }
  return { bytes: new TextEncoder().encode(secret).length, encoding: 'raw' };
}

/** Decoded length of unpadded URL-safe base64, or `undefined` when Go's RawURLEncoding would refuse it. */
function rawUrlBase64Length(s: string): number | undefined {
  const chars = s.replace(/[\r\n]/g, '');
  if (!/^[A-Za-z0-9_-]*$/.test(chars) || chars.length % 4 === 1) return undefined;
  return Math.floor((chars.length * 3) / 4);
}

/** An Authentik application slug (Django `SlugField`: letters, digits, `-` and `_`). */
export function validateAuthentikSlug(slug: string): string {
  if (typeof slug !== 'string' || !/^[-a-zA-Z0-9_]+$/.test(slug)) {
    invalid('slug', slug, 'not an Authentik application slug (letters, digits, "-" and "_")', 'use the slug shown under Applications in the Authentik admin UI, e.g. "prometheus"');
  }
  return slug;
}

/**
 * The issuer Authentik publishes for the OAuth2/OIDC provider of application `slug`:
 * `https://<host>/application/o/<slug>/`, **with** the trailing slash. oauth2-proxy (go-oidc)
 * compares the configured issuer with the discovery document's byte for byte, so the slash is
 * not optional; the seed 003 lesson "Authentik issuer URLs don't use trailing slashes" is wrong
 * (the homelab's own repo put the slash back an hour after removing it).
 */
export function authentikIssuerUrl(host: string, slug: string): string {
  return `https://${host}/application/o/${validateAuthentikSlug(slug)}/`;
}

/** What is wrong with an Authentik issuer URL for `host`, or `undefined` when it has the published form. */
export function authentikIssuerProblem(url: string, host: string): string | undefined {
  const prefix = `https://${host}/application/o/`;
  if (!url.startsWith(prefix)) return undefined; // another host or path: not an Authentik provider issuer of this IdP
  const slug = url.slice(prefix.length);
  if (/^[-a-zA-Z0-9_]+$/.test(slug)) {
    return `Authentik publishes this issuer as "${url}/", with a trailing slash; oauth2-proxy compares issuers byte for byte, so OIDC discovery fails with an issuer mismatch`;
  }
  if (!/^[-a-zA-Z0-9_]+\/$/.test(slug)) {
    return `Authentik provider issuers have the form ${prefix}<slug>/`;
  }
  return undefined;
}

/**
 * Checks a generic OIDC issuer URL: absolute `https://` URL with a host and no query or
 * fragment (OpenID Connect Discovery 1.0, §3). Returns the URL unchanged.
 */
export function validateIssuerUrl(url: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || parsed.protocol !== 'https:' || parsed.hostname === '') {
    invalid('issuerUrl', url, 'an OIDC issuer is an absolute https:// URL', 'copy the "issuer" value from https://<idp>/.well-known/openid-configuration');
  }
  if (parsed.search !== '' || parsed.hash !== '' || /[?#]/.test(url)) {
    invalid('issuerUrl', url, 'an OIDC issuer has no query or fragment', 'copy the "issuer" value from the discovery document exactly, without "?…" or "#…"');
  }
  if (parsed.username !== '' || parsed.password !== '') {
    invalid('issuerUrl', '<redacted>', 'an OIDC issuer carries no credentials', 'remove the user:password@ part');
  }
  return url;
}

/**
 * Why oauth2-proxy would refuse `value` as its cookie secret, in one sentence naming the byte
 * count it would see and the likely cause (quotes, standard base64, trailing whitespace), or
 * `undefined` when the value is valid. The value itself is never part of the text.
 */
export function cookieSecretProblem(value: string): string | undefined {
  if (typeof value !== 'string' || value === '') return 'oauth2-proxy refuses to start without a cookie secret';
  const { bytes } = cookieSecretBytes(value);
  if (COOKIE_SECRET_SIZES.includes(bytes)) return undefined;
  const why = /^(["']).*\1$/s.test(value)
    ? 'it is wrapped in quotes, which become part of the value (oauth2-proxy#1954), so oauth2-proxy reads'
    : /[+/]/.test(value) && cookieSecretBytes(value.replace(/\+/g, '-').replace(/\//g, '_')).encoding === 'base64url'
      ? 'it is standard base64 ("+" or "/"), which oauth2-proxy does not decode, so it reads'
      : /\s$/.test(value)
        ? 'it ends with whitespace (a newline from `echo`?), so oauth2-proxy reads'
        : 'it is not URL-safe base64 of 16, 24 or 32 bytes, so oauth2-proxy reads';
  return `oauth2-proxy needs 16, 24 or 32 bytes for its AES cookie cipher; ${why} the value as ${bytes} raw bytes and exits with `
    + `"cookie_secret must be 16, 24, or 32 bytes to create an AES cipher, but is ${bytes} bytes"`;
}

/** How to make a valid cookie secret. */
export const COOKIE_SECRET_FIX = 'use generateCookieSecret() (32 random bytes as URL-safe base64), or `openssl rand -base64 32 | tr -- \'+/\' \'-_\'`';
