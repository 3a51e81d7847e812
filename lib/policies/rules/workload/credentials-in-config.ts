import { URI_PASSWORD_SOURCE } from '../../../core/credentials';
import { containerLabel } from '../../pod';
import { Manifest, PolicyRule, RuleLevel, RuleViolation } from '../../rule';
import { asArray, eachContainer, isReferenceValue, lineOf } from './_shared';

/** A URI with a password in its userinfo (`scheme://user:password@host`). */
const URI_PASSWORD = new RegExp(URI_PASSWORD_SOURCE, 'gi');
/** `password = "…"`, `token: …`, `--api-key=…` in config blobs, flags and query strings (value of 4+ characters). */
const ASSIGNMENT = /(?<![a-z0-9])(password|passwd|pwd|secret|token|api[_-]?key|client[_-]?secret)["']?\s*[:=]\s*["']?([^\s"'$,;&]{4,})/gi;
/** Values that name no credential: booleans and null-ish words. */
const NOT_A_VALUE = /^(true|false|null|none|yes|no)$/i;

/** What `text` leaks, as "embeds a password in a URI" / "assigns a literal value to password", with a line number for multi-line text. */
function leaks(text: string): string[] {
  const out: string[] = [];
  const at = (index: number) => (text.includes('\n') ? ` (line ${lineOf(text, index)})` : '');
  for (const match of text.matchAll(URI_PASSWORD)) {
    if (!isReferenceValue(match[1])) {
      out.push(`embeds a password in a URI${at(match.index ?? 0)}`);
      break;
    }
  }
  for (const match of text.matchAll(ASSIGNMENT)) {
    if (!isReferenceValue(match[2]) && !NOT_A_VALUE.test(match[2]) && !/^(\{\{|<|env:|!env_var\b|!secret\b)/i.test(match[2])) {
      out.push(`assigns a literal value to ${match[1].toLowerCase()}${at(match.index ?? 0)}`);
      break;
    }
  }
  return out;
}

function configMapLeaks(m: Manifest): RuleViolation[] {
  return Object.entries((m.data ?? {}) as Record<string, unknown>)
    .filter((e): e is [string, string] => typeof e[1] === 'string')
    .flatMap(([key, value]) => leaks(value).map((what) => ({ message: `ConfigMap key "${key}" ${what}` })));
}

/** HK-X-01: no credential is embedded in ConfigMap values, env literals, args or command. */
export const credentialsInConfigRule: PolicyRule = {
  id: 'HK-X-01',
  level: RuleLevel.ERROR,
  title: 'config values, env literals and args must not embed credentials',
  explanation: 'Scanners look at key names, but passwords usually hide inside values: the Vault-on-kind cluster kept '
    + '`connection_url = "postgresql://vault:<password>@…"` in its vault-config ConfigMap, readable by anyone with ConfigMap access.',
  fix: 'move the credential into a Secret and inject it (env valueFrom.secretKeyRef, or a file); Vault reads VAULT_PG_CONNECTION_URL from the environment',
  check: (m) => {
    if (m.kind === 'ConfigMap') return configMapLeaks(m);
    return eachContainer(m, (ref) => {
      const c = ref.container ?? {};
      const sources: [string, unknown][] = [
        ...asArray(c.env).map((e): [string, unknown] => [`env ${e?.name}`, e?.value]),
        ...asArray(c.command).map((v, i): [string, unknown] => [`command[${i}]`, v]),
        ...asArray(c.args).map((v, i): [string, unknown] => [`args[${i}]`, v]),
      ];
      return sources.flatMap(([where, value]) =>
        (typeof value === 'string' ? leaks(value).map((what) => `${containerLabel(ref)} ${where} ${what}`) : []));
    });
  },
};
