import { IConstruct } from 'constructs';

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
