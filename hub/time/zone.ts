import { HubError } from '../errors.js';
import { dayNumber, fromDayNumber, type LocalDate } from './local-date.js';

/**
 * A site's time zone: an IANA name (`Asia/Shanghai`) or a fixed offset (`+08:00`). Every rule of the
 * hub works in the site's local calendar; this converts between instants and local wall time.
 */
export interface Zone {
  readonly name: string;
  /** Minutes east of UTC at an instant. */
  offsetAt(instantMs: number): number;
  /** The instant of a local wall time (minutes may run past 24 h into the following days). */
  instant(date: LocalDate, minutes: number): number;
  /** The local date and minutes after midnight of an instant. */
  local(instantMs: number): { date: LocalDate; minutes: number };
  /** ISO 8601 with this zone's offset at that instant, seconds precision. */
  format(instantMs: number): string;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const FIXED = /^([+-])(\d{2}):(\d{2})$/;
const zones = new Map<string, Zone>();

/** The zone for a name; throws HubError('CALENDAR') for an unknown one. Zones are cached. */
export function zone(name: string): Zone {
  let z = zones.get(name);
  if (z === undefined) {
    z = FIXED.test(name) ? fixedZone(name) : ianaZone(name);
    zones.set(name, z);
  }
  return z;
}

export function isValidZone(name: string): boolean {
  try {
    zone(name);
    return true;
  } catch {
    return false;
  }
}

function fixedZone(name: string): Zone {
  const m = FIXED.exec(name);
  if (m === null) throw new HubError('CALENDAR', `"${name}" is not a UTC offset`);
  const offset = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  if (Number(m[3]) >= 60 || Math.abs(offset) > 14 * 60) throw new HubError('CALENDAR', `"${name}" is not a UTC offset`);
  return makeZone(name, () => offset);
}

function ianaZone(name: string): Zone {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
  } catch {
    throw new HubError('CALENDAR', `unknown time zone "${name}" (use an IANA name such as Asia/Shanghai, or an offset such as +08:00)`);
  }
  // Offsets change at most a few times a year: cache them per quarter hour of UTC.
  const cache = new Map<number, number>();
  return makeZone(name, (instantMs) => {
    const key = Math.floor(instantMs / (15 * MINUTE_MS));
    let offset = cache.get(key);
    if (offset === undefined) {
      const at = key * 15 * MINUTE_MS;
      const parts: Record<string, number> = {};
      for (const p of format.formatToParts(new Date(at))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
      const wall = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
      offset = Math.round((wall - at) / MINUTE_MS);
      if (cache.size > 100_000) cache.clear();
      cache.set(key, offset);
    }
    return offset;
  });
}

function makeZone(name: string, offsetAt: (instantMs: number) => number): Zone {
  return {
    name,
    offsetAt,
    instant(date, minutes) {
      const wall = dayNumber(date) * DAY_MS + minutes * MINUTE_MS;
      // Two passes settle the offset except inside a DST gap, where the later offset wins.
      let guess = wall - offsetAt(wall) * MINUTE_MS;
      guess = wall - offsetAt(guess) * MINUTE_MS;
      return guess;
    },
    local(instantMs) {
      const wall = instantMs + offsetAt(instantMs) * MINUTE_MS;
      const day = Math.floor(wall / DAY_MS);
      return { date: fromDayNumber(day), minutes: Math.floor((wall - day * DAY_MS) / MINUTE_MS) };
    },
    format(instantMs) {
      const offset = offsetAt(instantMs);
      const wall = new Date(Math.floor(instantMs / 1000) * 1000 + offset * MINUTE_MS).toISOString().slice(0, 19);
      const abs = Math.abs(offset);
      const hh = String(Math.floor(abs / 60)).padStart(2, '0');
      const mm = String(abs % 60).padStart(2, '0');
      return `${wall}${offset < 0 ? '-' : '+'}${hh}:${mm}`;
    },
  };
}
