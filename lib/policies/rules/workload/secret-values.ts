import { PolicyRule, RuleLevel } from '../../rule';

/**
 * HK-SCR-06: no Secret in the output carries a value. The GitOps tree is committed to a
 * repository, so a Secret with `data` or `stringData` publishes its value; Secrets are created
 * outside Git (SOPS, External Secrets, the Pulumi engine from config) and referenced by name.
 */
export const secretValuesRule: PolicyRule = {
  id: 'HK-SCR-06',
  level: RuleLevel.ERROR,
  title: 'Secret objects in the output carry no values',
  explanation: 'The homelab committed its OAuth2-proxy client and cookie secrets in plaintext `temp-secret.yaml` files that '
    + 'the kustomizations referenced, although a SOPS rule matched their names (seed-repos §1.3). The output of this '
    + 'library is meant for Git: a value in it is a published credential.',
  fix: 'delete the Secret object and reference it by name (EnvValue.fromSecret, requireSecret); create it with SOPS, '
    + 'External Secrets or `pulumi config set --secret`',
  check: (m) => {
    if (m.kind !== 'Secret' || m.apiVersion !== 'v1') return [];
    const keys = [...Object.keys(m.data ?? {}), ...Object.keys(m.stringData ?? {})];
    return keys.length ? [{ message: `Secret ${m.metadata.namespace ?? ''}/${m.metadata.name} holds values for ${keys.sort().join(', ')} in the output` }] : [];
  },
};
