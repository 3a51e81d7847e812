import { containerLabel } from '../../pod';
import { PolicyRule, RuleLevel } from '../../rule';
import { eachContainer } from './_shared';

/** HK-SEC-08: every container has a read-only root filesystem. */
export const readOnlyRootFilesystemRule: PolicyRule = {
  id: 'HK-SEC-08',
  level: RuleLevel.ERROR,
  title: 'containers must set readOnlyRootFilesystem to true',
  explanation: 'A writable root filesystem lets a container mutate its image at run time: the GH200 pods ran `pip install` '
    + 'and copied files around at start-up, which broke offline and under non-root. Writable paths belong on declared volumes.',
  fix: 'set securityContext.readOnlyRootFilesystem: true and mount an emptyDir at each path the process writes to (e.g. /tmp)',
  check: (m) => eachContainer(m, (ref) => {
    const value = ref.container?.securityContext?.readOnlyRootFilesystem;
    if (value === true) return undefined;
    return value === undefined
      ? `${containerLabel(ref)} does not set readOnlyRootFilesystem (the root filesystem is writable)`
      : `${containerLabel(ref)} sets readOnlyRootFilesystem to ${JSON.stringify(value)}`;
  }),
};
