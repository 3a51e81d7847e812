import { IConstruct } from 'constructs';
import { ValidationError } from './errors';

const APP_BOUNDARY = Symbol.for('hardened-homelab.AppBoundary');

/**
 * Marks `scope` as an app: the GitOps tree writer puts every object under it into one app
 * folder (`<namespace>/<app>/`). Patterns such as AppWorkload mark themselves; a user's own
 * construct can call this too.
 */
export function markAppBoundary(scope: IConstruct, appName: string): void {
  Object.defineProperty(scope, APP_BOUNDARY, { value: appName, enumerable: false });
}

/** The app folder name of the nearest app ancestor of `scope` (itself included), if any. */
export function appBoundaryOf(scope: IConstruct): string | undefined {
  for (let s: IConstruct | undefined = scope; s; s = s.node.scope) {
    const name = (s as any)[APP_BOUNDARY];
    if (typeof name === 'string') {
      return name;
    }
  }
  return undefined;
}

/**
 * `id`, checked to be free in `scope`: a second construct with an id its scope already has
 * would otherwise fail deep inside `constructs` with "There is already a Construct with name
 * …", without a fix. The library's constructs pass their id through this in `super(...)`, so
 * the error names the path the new construct would have had.
 * @throws ValidationError when `scope` already has a child `id`
 */
export function uniqueId(scope: IConstruct, id: string): string {
  const taken = typeof id === 'string' ? scope.node.tryFindChild(id) : undefined;
  if (taken !== undefined) {
    const path = scope.node.path ? `${scope.node.path}/${id}` : id;
    throw new ValidationError(path, {
      prop: 'id', value: id,
      rule: `${scope.node.path || 'the app'} already has a construct with this id (${taken.constructor.name}), and ids are unique within their scope`,
      fix: 'choose another id (the id names the objects it synthesizes), or reuse the construct you created first',
    });
  }
  return id;
}
