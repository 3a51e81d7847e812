import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { ValidationError } from '../../lib/core/errors';
import { appBoundaryOf, markAppBoundary, uniqueId } from '../../lib/core/tree';

describe('app boundaries', () => {
  test('a marked construct is its own app', () => {
    const app = new Construct(new App(), 'sonarr');
    markAppBoundary(app, 'sonarr');
    expect(appBoundaryOf(app)).toBe('sonarr');
  });

  test('a descendant belongs to the app of its marked ancestor', () => {
    const app = new Construct(new Construct(new App(), 'media'), 'sonarr-construct');
    markAppBoundary(app, 'sonarr');
    const deep = new Construct(new Construct(app, 'Deployment'), 'Resource');
    expect(appBoundaryOf(deep)).toBe('sonarr');
  });

  test('the nearest marked ancestor wins', () => {
    const outer = new Construct(new App(), 'outer');
    markAppBoundary(outer, 'outer-app');
    const inner = new Construct(outer, 'inner');
    markAppBoundary(inner, 'inner-app');
    expect(appBoundaryOf(new Construct(inner, 'leaf'))).toBe('inner-app');
    expect(appBoundaryOf(new Construct(outer, 'sibling'))).toBe('outer-app');
  });

  test('a construct with no marked ancestor has no app', () => {
    const root = new App();
    expect(appBoundaryOf(root)).toBeUndefined();
    expect(appBoundaryOf(new Construct(new Construct(root, 'a'), 'b'))).toBeUndefined();
  });

  test('marking does not add an enumerable property', () => {
    const c = new Construct(new App(), 'x');
    const before = Object.keys(c);
    markAppBoundary(c, 'x');
    expect(Object.keys(c)).toEqual(before);
  });
});

describe('uniqueId', () => {
  test('passes a free id through, and refuses a taken one with the path the new construct would have had', () => {
    const app = new App();
    const parent = new Construct(app, 'cluster');
    expect(uniqueId(parent, 'media')).toBe('media');
    new Construct(parent, 'media');
    let error: unknown;
    try {
      uniqueId(parent, 'media');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toBe(
      '[cluster/media] id = "media": cluster already has a construct with this id (Construct), and ids are unique within their scope. Fix: choose another id (the id names the objects it synthesizes), or reuse the construct you created first');
  });

  test('at the root, the path is the id alone', () => {
    const app = new App();
    new Construct(app, 'lab');
    expect(() => uniqueId(app, 'lab')).toThrow('[lab] id = "lab": the app already has a construct with this id (Construct)');
  });
});
