import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { ValidationError, invalid, show } from '../../lib/core/errors';
import { expectValidationError, validationErrorOf } from './helpers';

describe('ValidationError', () => {
  test('formats its message as [<path>] <prop> = <value>: <rule>. Fix: <fix>', () => {
    const e = new ValidationError('homelab/media/sonarr', { prop: 'resources.memory', value: '512Mb', rule: 'not a memory quantity', fix: 'did you mean "512Mi"?' });
    expect(e.message).toBe('[homelab/media/sonarr] resources.memory = "512Mb": not a memory quantity. Fix: did you mean "512Mi"?');
  });

  test('keeps the path, prop, value, rule and fix as fields', () => {
    const e = new ValidationError('homelab', { prop: 'replicas', value: 0, rule: 'must be at least 1', fix: 'set replicas to 1 or more' });
    expect(e.path).toBe('homelab');
    expect(e.prop).toBe('replicas');
    expect(e.value).toBe(0);
    expect(e.rule).toBe('must be at least 1');
    expect(e.fix).toBe('set replicas to 1 or more');
  });

  test('is an Error named ValidationError', () => {
    const e = new ValidationError('x', { prop: 'p', value: 1, rule: 'r', fix: 'f' });
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.name).toBe('ValidationError');
  });

  test('takes the path of a construct scope', () => {
    const app = new App();
    const media = new Construct(new Construct(app, 'homelab'), 'media');
    const e = new ValidationError(media, { prop: 'name', value: 'Media', rule: 'not a DNS-1123 label', fix: 'use "media"' });
    expect(e.path).toBe('homelab/media');
    expect(e.message).toBe('[homelab/media] name = "Media": not a DNS-1123 label. Fix: use "media"');
  });

  test('writes <root> for the root construct, whose path is empty', () => {
    const e = new ValidationError(new App(), { prop: 'p', value: true, rule: 'r', fix: 'f' });
    expect(e.path).toBe('');
    expect(e.message).toBe('[<root>] p = true: r. Fix: f');
  });

  test('leaves the path out when there is no scope', () => {
    const e = new ValidationError(undefined, { prop: 'cpu', value: '1 core', rule: 'r', fix: 'f' });
    expect(e.path).toBeUndefined();
    expect(e.message).toBe('cpu = "1 core": r. Fix: f');
  });

  test('leaves the prop out when it is empty', () => {
    expect(new ValidationError('a/b', { prop: '', value: 'x', rule: 'r', fix: 'f' }).message).toBe('[a/b] "x": r. Fix: f');
    expect(new ValidationError(undefined, { prop: '', value: 'x', rule: 'r', fix: 'f' }).message).toBe('"x": r. Fix: f');
  });
});

describe('invalid', () => {
  test('throws a path-less ValidationError', () => {
    const e = validationErrorOf(() => invalid('port', 70000, 'a port is at most 65535', 'use a port between 1 and 65535'));
    expect(e.path).toBeUndefined();
    expect(e.message).toBe('port = 70000: a port is at most 65535. Fix: use a port between 1 and 65535');
  });
});

describe('ValidationError.at', () => {
  const pathless = (prop: string) => new ValidationError(undefined, { prop, value: 'v', rule: 'r', fix: 'f' });

  test('places a path-less error at a path and joins the props with a dot', () => {
    const e = pathless('memory').at('homelab/app', 'resources');
    expect(e.path).toBe('homelab/app');
    expect(e.prop).toBe('resources.memory');
    expect(e.message).toBe('[homelab/app] resources.memory = "v": r. Fix: f');
  });

  test('joins an index prop without a dot', () => {
    expect(pathless('[2].name').at('homelab', 'nodes').message).toBe('[homelab] nodes[2].name = "v": r. Fix: f');
  });

  test('uses the given prop when the error has none', () => {
    expect(pathless('').at('homelab', 'resources.cpu').message).toBe('[homelab] resources.cpu = "v": r. Fix: f');
  });

  test('keeps the error prop when no prop (or an empty one) is given', () => {
    expect(pathless('cpu').at('homelab').message).toBe('[homelab] cpu = "v": r. Fix: f');
    expect(pathless('cpu').at('homelab', '').message).toBe('[homelab] cpu = "v": r. Fix: f');
  });

  test('takes the path of a construct scope', () => {
    const scope = new Construct(new App(), 'homelab');
    expect(pathless('cpu').at(scope, 'resources').message).toBe('[homelab] resources.cpu = "v": r. Fix: f');
  });

  test('returns an error that already has a path unchanged', () => {
    const placed = new ValidationError('inner', { prop: 'p', value: 1, rule: 'r', fix: 'f' });
    expect(placed.at('outer', 'q')).toBe(placed);
  });
});

describe('ValidationError.within', () => {
  test('returns the value of the function', () => {
    expect(ValidationError.within('homelab', 'x', () => 42)).toBe(42);
  });

  test('re-throws a path-less ValidationError at the scope with the prop in front', () => {
    expectValidationError(
      () => ValidationError.within('cluster/app', 'resources', () => invalid('memory', '1x', 'r', 'f')),
      '[cluster/app] resources.memory = "1x": r. Fix: f',
    );
  });

  test('takes the path of a construct scope', () => {
    const scope = new Construct(new Construct(new App(), 'homelab'), 'media');
    expectValidationError(
      () => ValidationError.within(scope, 'name', () => invalid('', 'Media', 'r', 'f')),
      '[homelab/media] name = "Media": r. Fix: f',
    );
  });

  test('keeps the innermost path when nested', () => {
    expectValidationError(
      () => ValidationError.within('outer', 'a', () => ValidationError.within('inner', 'b', () => invalid('c', 1, 'r', 'f'))),
      '[inner] b.c = 1: r. Fix: f',
    );
  });

  test('re-throws any other error unchanged', () => {
    const boom = new TypeError('boom');
    let caught: unknown;
    try {
      ValidationError.within('homelab', 'x', () => {
        throw boom;
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(boom);
  });
});

describe('show', () => {
  test('quotes strings as JSON', () => {
    expect(show('512Mb')).toBe('"512Mb"');
    expect(show('say "hi"')).toBe('"say \\"hi\\""');
    expect(show('')).toBe('""');
  });

  test('writes numbers, booleans, null and undefined as themselves', () => {
    expect(show(0)).toBe('0');
    expect(show(1.5)).toBe('1.5');
    expect(show(false)).toBe('false');
    expect(show(null)).toBe('null');
    expect(show(undefined)).toBe('undefined');
  });

  test('writes objects and arrays as compact JSON', () => {
    expect(show({ cpu: '4', memory: '8Gi' })).toBe('{"cpu":"4","memory":"8Gi"}');
    expect(show([1, 'a'])).toBe('[1,"a"]');
  });

  test('cuts JSON longer than 120 characters to 117 characters and "..."', () => {
    const long = { text: 'x'.repeat(200) };
    const json = JSON.stringify(long);
    expect(show(long)).toBe(`${json.slice(0, 117)}...`);
    expect(show(long)).toHaveLength(120);
  });

  test('keeps JSON of exactly 120 characters whole', () => {
    const value = ['x'.repeat(116)];
    expect(JSON.stringify(value)).toHaveLength(120);
    expect(show(value)).toBe(JSON.stringify(value));
  });

  test('falls back to String() for values JSON cannot write', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(show(circular)).toBe('[object Object]');
    expect(show(BigInt(10))).toBe('10');
  });

  test('writes NaN and Infinity as themselves, not as null', () => {
    // JSON.stringify(NaN) is "null", so `Cpu.millis(NaN)` reports `null: a CPU amount must be ...`.
    expect(show(NaN)).toBe('NaN');
    expect(show(Infinity)).toBe('Infinity');
  });
});

describe('ValidationError.under', () => {
  test('prefixes the prop of a path-less error and keeps it path-less', () => {
    const e = validationErrorOf(() => ValidationError.under('labels', () => invalid('team', 'a b', 'not a label value', 'use "a-b"')));
    expect([e.path, e.prop, e.message]).toEqual([undefined, 'labels.team', 'labels.team = "a b": not a label value. Fix: use "a-b"']);
    expect(validationErrorOf(() => ValidationError.under('rungs', () => invalid('[1]', 7, 'r', 'f'))).prop).toBe('rungs[1]');
    expect(validationErrorOf(() => ValidationError.under('port', () => invalid('', 0, 'r', 'f'))).prop).toBe('port');
  });

  test('leaves an error with a path, and other errors, as they are', () => {
    const placed = new ValidationError('lab/apps/web', { prop: 'x', value: 1, rule: 'r', fix: 'f' });
    expect(validationErrorOf(() => ValidationError.under('labels', () => { throw placed; }))).toBe(placed);
    expect(() => ValidationError.under('labels', () => { throw new TypeError('boom'); })).toThrow(TypeError);
    expect(ValidationError.under('labels', () => 42)).toBe(42);
  });
});
