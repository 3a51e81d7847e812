import { ValidationError } from '../../lib/core/errors';

/** Runs `fn` and returns the ValidationError it throws; fails the test when it throws nothing or something else. */
export function validationErrorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) {
      return e;
    }
    throw new Error(`expected a ValidationError, got ${String(e)}`);
  }
  throw new Error('expected a ValidationError, but nothing was thrown');
}

/** Asserts that `fn` throws a ValidationError whose message is exactly `message`. */
export function expectValidationError(fn: () => unknown, message: string): void {
  expect(validationErrorOf(fn).message).toBe(message);
}
