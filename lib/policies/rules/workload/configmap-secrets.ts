import { PolicyRule, RuleLevel, RuleViolation } from '../../rule';
import { JWT, PRIVATE_KEY_BLOCK, isReferenceValue, isSecretName } from './_shared';

/** HK-SCR-02: ConfigMaps hold no secret-named keys, private keys or JWTs. */
export const configMapSecretsRule: PolicyRule = {
  id: 'HK-SCR-02',
  level: RuleLevel.ERROR,
  title: 'ConfigMaps must not hold credentials',
  explanation: 'ConfigMaps are not access-controlled like Secrets (many roles may read them) and are never encrypted at rest. '
    + 'The Vault-on-kind cluster put its database password in the vault-config ConfigMap.',
  fix: 'move the key into a Secret (for TLS material a kubernetes.io/tls Secret) and mount or inject it from there',
  check: (m) => {
    if (m.kind !== 'ConfigMap') return [];
    const out: RuleViolation[] = [];
    for (const [key, value] of Object.entries((m.data ?? {}) as Record<string, unknown>)) {
      if (typeof value !== 'string') continue;
      if (PRIVATE_KEY_BLOCK.test(value)) out.push({ message: `ConfigMap key "${key}" holds a private key block` });
      else if (JWT.test(value)) out.push({ message: `ConfigMap key "${key}" holds a JWT` });
      else if (isSecretName(key) && !isReferenceValue(value)) out.push({ message: `ConfigMap key "${key}" is named like a credential` });
    }
    return out;
  },
};
