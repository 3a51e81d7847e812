/**
 * What a credential looks like, shared by the patterns that refuse one in their own props (Vault's
 * config) and the policy rules that judge rendered objects (HK-SCR-01/02, HK-X-01).
 */

/** Names of keys, attributes and variables that hold credentials. `token` excludes `tokens`/`tokenizer` (LLM settings). */
export const CREDENTIAL_NAME = /(password|passwd|pwd|secret|token(?!s(?![a-z])|i[sz])|bearer|credential|jwt|api[_-]?key|private[_-]?key|access[_-]?key)/i;

/** A URI with a password in its userinfo (`scheme://user:password@host`); group 1 is the password. RFC 3986 userinfo has no `/`, `?` or `#`. */
export const URI_PASSWORD_SOURCE = '[a-z][a-z0-9+.-]*:\\/\\/[^/\\s:@]*:([^@\\s/?#]+)@';

/** The passwords embedded in URIs in `text`. */
export function uriPasswords(text: string): string[] {
  return [...text.matchAll(new RegExp(URI_PASSWORD_SOURCE, 'gi'))].map((m) => m[1]);
}
