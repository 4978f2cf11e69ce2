import { invalidReason, parseUtcOffset as parseOffset, type LocalDateTime } from '../protocols/zk/time.js';
import { CliError } from './cli-error.js';

/** `+08:00`, `-05:30`, `Z` → minutes east of UTC. */
export function parseUtcOffset(text: string): number {
  const minutes = parseOffset(text);
  if (typeof minutes === 'string') throw new CliError(`UTC offset: ${minutes}`);
  return minutes;
}

/** `YYYY-MM-DDTHH:MM:SS` (or with a space) → wall-clock fields, refusing impossible moments. */
export function parseLocalDateTime(text: string): LocalDateTime {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (m === null) throw new CliError(`time must look like 2026-03-01T08:30:00, got "${text}"`);
  const t = { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: m[6] === undefined ? 0 : +m[6] };
  const reason = invalidReason(t);
  if (reason !== undefined) throw new CliError(`impossible time "${text}": ${reason}`);
  return t;
}
