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
