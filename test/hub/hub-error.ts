import { HubError } from '../../hub/errors.js';

/** The HubError `fn` throws; any other error is rethrown, and nothing thrown fails the test. */
export function hubErrorOf(fn: () => unknown): HubError {
  try {
    fn();
  } catch (err) {
    if (err instanceof HubError) return err;
    throw err;
  }
  throw new Error('expected a HubError, nothing was thrown');
}

/** What `write` returns, or its refusal's code and message: two writers agree when these are equal. */
export function outcomeOf(write: () => string): string {
  try {
    return write();
  } catch (err) {
    return `refused ${String((err as { code?: string }).code)}: ${(err as Error).message}`;
  }
}
