import { CliError } from './cli-error.js';

/** A numeric command-line option: a number (an integer unless `integer` is false) of at least `min`. */
export function numberArg(flag: string, raw: string, min: number, integer = true): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    throw new CliError(`--${flag} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got "${raw}"`);
  }
  return n;
}
