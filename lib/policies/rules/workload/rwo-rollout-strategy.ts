import { podTemplateOf } from '../../pod';
import { PolicyRule, RuleLevel } from '../../rule';
import { asArray, findNamed } from './_shared';

const SINGLE_NODE_MODES: ReadonlySet<string> = new Set(['ReadWriteOnce', 'ReadWriteOncePod']);

/** HK-X-15: a single-replica Deployment on a ReadWriteOnce claim uses the Recreate strategy. */
export const rwoRolloutStrategyRule: PolicyRule = {
  id: 'HK-X-15',
  level: RuleLevel.ERROR,
  title: 'a single-replica Deployment mounting a ReadWriteOnce claim must use strategy Recreate',
  explanation: 'A rolling update starts the new pod before the old one releases the ReadWriteOnce volume: on another node the attach '
    + 'fails (multi-attach error) and the rollout hangs. The Cortex cluster\'s Qdrant sat in ContainerCreating on failed Longhorn attaches. '
    + 'Claims that are not in the synthesized set are not judged.',
  fix: 'set spec.strategy.type: Recreate (or run the workload as a StatefulSet)',
  check: (m, ctx) => {
    if (m.kind !== 'Deployment' || (m.spec?.replicas ?? 1) !== 1) return [];
    const strategy = m.spec?.strategy?.type ?? 'RollingUpdate';
    if (strategy === 'Recreate') return [];
    const claims = asArray(podTemplateOf(m)?.spec?.volumes)
      .map((v) => v?.persistentVolumeClaim?.claimName)
      .filter((name) => asArray(findNamed(ctx, 'PersistentVolumeClaim', m.metadata?.namespace, name)?.spec?.accessModes)
        .some((mode) => SINGLE_NODE_MODES.has(mode)));
    if (claims.length === 0) return [];
    const list = claims.map((c) => `"${c}"`).join(', ');
    return [{ message: `the Deployment runs 1 replica with the ReadWriteOnce claim${claims.length > 1 ? 's' : ''} ${list} but uses the ${strategy} strategy` }];
  },
};
