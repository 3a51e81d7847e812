import { ValidationError } from '../../lib/core/errors';
import { MIN_REASON_LENGTH, isReason, validateReason } from '../../lib/core/reasons';
import { expectValidationError } from './helpers';

const need = { needs: 'turning this off needs', fix: 'say why, e.g. "lab cluster, WireGuard between all nodes"' };

describe('isReason', () => {
  test('a string of at least 10 characters once trimmed', () => {
    expect(MIN_REASON_LENGTH).toBe(10);
    expect(isReason('0123456789')).toBe(true);
    expect(isReason('  012345678  ')).toBe(false);
    expect(isReason('   0123456789   ')).toBe(true);
    expect(isReason('')).toBe(false);
    expect(isReason(undefined)).toBe(false);
    expect(isReason(1234567890)).toBe(false);
    expect(isReason({ reason: 'long enough reason' })).toBe(false);
  });

  test('oneLine refuses a line break inside, not around', () => {
    expect(isReason('open to\nall visitors')).toBe(true);
    expect(isReason('open to\nall visitors', { oneLine: true })).toBe(false);
    expect(isReason('open to\r\nall visitors', { oneLine: true })).toBe(false);
    expect(isReason('\nopen to all visitors\n', { oneLine: true })).toBe(true);
  });
});

describe('validateReason', () => {
  test('returns the reason trimmed', () => {
    expect(validateReason('lab/vault', 'tls', '  lab cluster, WireGuard  ', need)).toBe('lab cluster, WireGuard');
  });

  test('refuses a short or missing reason with the construct path, the prop and the caller\'s rule and fix', () => {
    expectValidationError(() => validateReason('lab/vault', 'tls', 'lab', need),
      '[lab/vault] tls = "lab": turning this off needs a reason of at least 10 characters. Fix: say why, e.g. "lab cluster, WireGuard between all nodes"');
    expectValidationError(() => validateReason('lab/vault', 'tls', undefined, need),
      '[lab/vault] tls = undefined: turning this off needs a reason of at least 10 characters. Fix: say why, e.g. "lab cluster, WireGuard between all nodes"');
  });

  test('oneLine says so in the rule', () => {
    expectValidationError(() => validateReason('lab/route', 'auth.reason', 'open\nto all visitors', { ...need, oneLine: true }),
      '[lab/route] auth.reason = "open\\nto all visitors": turning this off needs a one-line reason of at least 10 characters. Fix: say why, e.g. "lab cluster, WireGuard between all nodes"');
  });

  test('without a scope the error is path-less, for a construct to place with ValidationError.within', () => {
    expectValidationError(() => ValidationError.within('lab/monitoring/grafana', 'auth', () => validateReason(undefined, 'reason', 'login', need)),
      '[lab/monitoring/grafana] auth.reason = "login": turning this off needs a reason of at least 10 characters. Fix: say why, e.g. "lab cluster, WireGuard between all nodes"');
  });
});
