import { invalidReason, type LocalDateTime } from '../protocols/zk/time.js';
import { CliError } from './cli-error.js';

/** `+08:00`, `-05:30`, `Z` → minutes east of UTC. */
export function parseUtcOffset(text: string): number {
  if (text === 'Z' || text === 'z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(text);
  if (m === null) throw new CliError(`UTC offset must look like +08:00, got "${text}"`);
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  if (minutes > 14 * 60) throw new CliError(`UTC offset ${text} is beyond ±14:00`);
  return m[1] === '-' ? -minutes : minutes;
}

export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
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
