import { containerLabel } from '../../pod';
import { PolicyRule, RuleLevel } from '../../rule';
import { PRIVATE_KEY_BLOCK, asArray, eachContainer, isReferenceValue, isSecretName } from './_shared';

/** HK-SCR-01: no credential is written as a literal env value. */
export const secretEnvLiteralsRule: PolicyRule = {
  id: 'HK-SCR-01',
  level: RuleLevel.ERROR,
  title: 'credentials must not be literal env values',
  explanation: 'A literal env value is stored in the manifest, in Git and in every `kubectl get -o yaml`; anyone who can read the '
    + 'Deployment can read the password. The Vault-on-kind cluster kept its database password in plain configuration, and the k3s '
    + 'homelab fell back to a plaintext Secret when SOPS failed to decrypt.',
  fix: 'move the value into a Secret and reference it with env[].valueFrom.secretKeyRef (or mount it as a file)',
  check: (m) => eachContainer(m, (ref) => {
    const out: string[] = [];
    for (const env of asArray(ref.container?.env)) {
      if (typeof env?.value !== 'string' || typeof env.name !== 'string') continue;
      if (PRIVATE_KEY_BLOCK.test(env.value)) {
        out.push(`${containerLabel(ref)} env ${env.name} holds a private key block as a literal value`);
      } else if (isSecretName(env.name) && !isReferenceValue(env.value)) {
        out.push(`${containerLabel(ref)} env ${env.name} is named like a credential and has a literal value`);
      }
    }
    return out;
  }),
};
