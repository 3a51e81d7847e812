import { containerLabel } from '../../pod';
import { PolicyRule, RuleLevel } from '../../rule';
import { asArray, eachContainer } from './_shared';

/** HK-SCR-05: no env name appears twice in one container. */
export const duplicateEnvRule: PolicyRule = {
  id: 'HK-SCR-05',
  level: RuleLevel.ERROR,
  title: 'a container must not define the same env name twice',
  explanation: 'When an env name repeats, the last entry silently wins (and server-side apply rejects or merges it unpredictably), '
    + 'so the value you read in the manifest is not the one the process gets.',
  fix: 'keep one env[] entry per name',
  check: (m) => eachContainer(m, (ref) => {
    const counts = new Map<string, number>();
    for (const env of asArray(ref.container?.env)) {
      if (typeof env?.name === 'string') counts.set(env.name, (counts.get(env.name) ?? 0) + 1);
    }
    return [...counts].filter(([, n]) => n > 1).map(([name, n]) => `${containerLabel(ref)} defines env ${name} ${n} times`);
  }),
};
