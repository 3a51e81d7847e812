import { parseGoDuration } from '../../../core/cron';
import { ValidationError } from '../../../core/errors';
import { COOKIE_SECRET_FIX, authentikIssuerProblem, cookieSecretProblem, validateIssuerUrl } from '../../../core/oidc';
import { IdentityProviderKind } from '../../../core/profile';
import { AnalysisViolation, PolicyRule, RuleLevel } from '../../rule';
import { oauth2ProxyContainers } from './_shared';

const FROM_SECRET = '<from Secret>';

/** Go duration in ms, or the problem. */
function duration(value: string): number | string {
  try {
    return parseGoDuration(value);
  } catch (e) {
    return e instanceof ValidationError ? e.rule : String(e);
  }
}

/**
 * HK-EXP-05: oauth2-proxy is configured so that it starts and authenticates: the issuer has the
 * identity provider's exact form (Authentik: trailing slash), a literal cookie secret has 16, 24
 * or 32 bytes, cookie_refresh < cookie_expire, `--reverse-proxy` comes with
 * `--trusted-proxy-ip`, and no `--trusted-ip` lets a range skip authentication.
 */
export const oauth2ProxyConfigRule: PolicyRule = {
  id: 'HK-EXP-05',
  level: RuleLevel.ERROR,
  title: 'oauth2-proxy flags: exact issuer, valid cookie secret and lifetimes, trusted proxies only',
  explanation: 'Seed 003\'s Prometheus front failed three times before it ran: a 167-byte cookie secret ("cookie_secret must be 16, 24, '
    + 'or 32 bytes to create an AES cipher"), then an OIDC issuer without the trailing slash Authentik publishes (go-oidc compares '
    + 'issuers byte for byte; the seed\'s written lesson says the opposite and is wrong), then DNS. oauth2-proxy also refuses '
    + 'cookie_refresh >= cookie_expire, trusts every client\'s X-Forwarded-* headers when `--reverse-proxy` has no `--trusted-proxy-ip` '
    + '(the cause of the 7.15.x skip-auth bypasses), and `--trusted-ip` does not mean "trusted proxy": it lets the range bypass '
    + 'authentication. Flags are read from the container args and literal OAUTH2_PROXY_* env values.',
  fix: 'Use the OAuth2Proxy construct (it derives the issuer, references the secrets, and sets the trust flags), or fix the flags named in the finding.',
  analyze(ctx) {
    const out: AnalysisViolation[] = [];
    const idp = ctx.profile?.identityProvider;
    for (const { pod, container, flags } of oauth2ProxyContainers(ctx)) {
      const who = `container "${container.name}"`;
      const report = (message: string, fix?: string) => out.push({ target: pod.record, message: `${who} ${message}`, fix });
      for (const issuer of flags.get('oidc-issuer-url') ?? []) {
        if (issuer === FROM_SECRET) continue;
        try {
          validateIssuerUrl(issuer);
        } catch (e) {
          if (e instanceof ValidationError) report(`has --oidc-issuer-url=${issuer}: ${e.rule}`, e.fix);
          continue;
        }
        const problem = idp?.kind === IdentityProviderKind.AUTHENTIK ? authentikIssuerProblem(issuer, idp.host) : undefined;
        if (problem) report(`has --oidc-issuer-url=${issuer}: ${problem}`, `use ${issuer.replace(/\/?$/, '/')}`);
      }
      for (const secret of flags.get('cookie-secret') ?? []) {
        if (secret === FROM_SECRET) continue;
        const problem = cookieSecretProblem(secret);
        if (problem) report(`has a literal cookie secret: ${problem}`, `${COOKIE_SECRET_FIX}, and reference it from a Secret`);
      }
      const expireText = (flags.get('cookie-expire') ?? ['168h']).at(-1) as string;
      const refreshText = (flags.get('cookie-refresh') ?? ['0']).at(-1) as string;
      const expire = duration(expireText);
      const refresh = duration(refreshText);
      if (typeof expire === 'string') report(`has --cookie-expire=${expireText}: ${expire}`, 'use a Go duration such as "24h"');
      if (typeof refresh === 'string') report(`has --cookie-refresh=${refreshText}: ${refresh}`, 'use a Go duration such as "1h"');
      if (typeof expire === 'number' && typeof refresh === 'number' && refresh >= expire) {
        report(`has cookie_refresh ${refreshText} >= cookie_expire ${expireText}: oauth2-proxy refuses to start`, 'refresh before expiry, e.g. --cookie-refresh=1h with --cookie-expire=24h');
      }
      const reverse = (flags.get('reverse-proxy') ?? []).at(-1);
      if (reverse === 'true' && !(flags.get('trusted-proxy-ip') ?? []).length) {
        report('runs with --reverse-proxy but no --trusted-proxy-ip, so it trusts the X-Forwarded-* headers of every client',
          'add --trusted-proxy-ip=<the range the gateway connects from> (profile.gateway.cidr)');
      }
      for (const range of flags.get('trusted-ip') ?? []) {
        report(`has --trusted-ip=${range}, which lets every request from that range bypass authentication (it is not the trusted-proxy list)`,
          'remove --trusted-ip; to trust the gateway\'s forwarded headers use --trusted-proxy-ip');
      }
    }
    return out;
  },
};
