// @ts-check
/**
 * Dates, times and numbers as the dashboard shows them. Dates stay ISO (YYYY-MM-DD) so they read
 * the same to everyone; instants are shown as wall time in the site's time zone when it is known.
 */

const numberFormat = new Intl.NumberFormat('en-US');
/** @type {Map<string, Intl.DateTimeFormat>} */
const dateTimeFormats = new Map();

/**
 * A number with thousands separators; null/undefined as an em dash.
 * @param {number | null | undefined} n
 * @param {number} [digits] maximum fraction digits
 * @returns {string}
 */
export function formatNumber(n, digits) {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  if (digits === undefined) return numberFormat.format(n);
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: digits }).format(n);
}

/**
 * A fraction (0..1) as a percentage.
 * @param {number | null | undefined} fraction
 * @param {number} [digits]
 * @returns {string}
 */
export function formatPercent(fraction, digits = 0) {
  if (fraction === null || fraction === undefined || Number.isNaN(fraction)) return '—';
  return `${(fraction * 100).toFixed(digits)}%`;
}

/**
 * @param {string | undefined} timeZone
 * @returns {Intl.DateTimeFormat}
 */
function dateTimeFormat(timeZone) {
  const key = timeZone ?? '';
  let f = dateTimeFormats.get(key);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    } catch {
      // An unknown zone name (or a fixed offset like +08:00 the browser does not take): browser time.
      f = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    }
    dateTimeFormats.set(key, f);
  }
  return f;
}

/**
 * The parts of an instant's wall time in a zone.
 * @param {number} ms
 * @param {string} [timeZone]
 * @returns {{ date: string, time: string, seconds: string }}
 */
function wallParts(ms, timeZone) {
  /** @type {Record<string, string>} */
  const p = {};
  for (const part of dateTimeFormat(timeZone).formatToParts(new Date(ms))) p[part.type] = part.value;
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}`, seconds: p.second ?? '00' };
}

/**
 * A zone's offset from UTC at an instant, in ms (east positive; Asia/Shanghai: 8 h).
 * @param {number} ms
 * @param {string} [timeZone] browser time without one
 * @returns {number}
 */
export function zoneOffsetMs(ms, timeZone) {
  /** @type {Record<string, string>} */
  const p = {};
  for (const part of dateTimeFormat(timeZone).formatToParts(new Date(ms))) p[part.type] = part.value;
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return wall - Math.floor(ms / 1000) * 1000;
}

/**
 * Milliseconds from an instant given as ms or an ISO string; null when there is none.
 * @param {number | string | null | undefined} at
 * @returns {number | null}
 */
export function toMs(at) {
  if (at === null || at === undefined || at === '') return null;
  const ms = typeof at === 'number' ? at : Date.parse(at);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * An instant as `YYYY-MM-DD HH:mm` in the zone (browser time without one).
 * @param {number | string | null | undefined} at ms or ISO
 * @param {string} [timeZone] IANA name, e.g. Asia/Shanghai
 * @returns {string}
 */
export function formatInstant(at, timeZone) {
  const ms = toMs(at);
  if (ms === null) return '—';
  const p = wallParts(ms, timeZone);
  return `${p.date} ${p.time}`;
}

/**
 * An instant's time of day (`HH:mm`) if it is on `today`, else its date and time.
 * @param {number | string | null | undefined} at
 * @param {string} [timeZone]
 * @param {string} [today] YYYY-MM-DD in that zone
 * @returns {string}
 */
export function formatInstantShort(at, timeZone, today) {
  const ms = toMs(at);
  if (ms === null) return '—';
  const p = wallParts(ms, timeZone);
  return p.date === today ? p.time : `${p.date} ${p.time}`;
}

/**
 * A local date-time string with an offset (`2026-03-02T08:30:00+08:00`, as the hub writes them in
 * reports) shown as its own wall time, `2026-03-02 08:30`, without converting zones.
 * @param {string} text
 * @returns {string}
 */
export function formatWallTime(text) {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})/.exec(text);
  return m ? `${m[1]} ${m[2]}` : text;
}

/**
 * How long ago or ahead an instant is: "5 min ago", "in 2 days".
 * @param {number | string | null | undefined} at
 * @param {number} [nowMs]
 * @returns {string}
 */
export function formatRelative(at, nowMs = Date.now()) {
  const ms = toMs(at);
  if (ms === null) return '—';
  const diff = ms - nowMs;
  const span = formatSpan(Math.abs(diff));
  if (span === 'now') return 'just now';
  return diff < 0 ? `${span} ago` : `in ${span}`;
}

/**
 * A length of time, rounded to its largest unit: "45 s", "12 min", "3 h", "2 days".
 * @param {number} ms
 * @returns {string}
 */
export function formatSpan(ms) {
  const s = Math.round(ms / 1000);
  if (s < 5) return 'now';
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const hours = Math.round(min / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} days`;
}

/**
 * A terminal's clock drift: "+12 s", "−3 min 5 s", "0 s".
 * @param {number | null | undefined} seconds positive: the terminal is ahead
 * @returns {string}
 */
export function formatDrift(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const sign = seconds > 0 ? '+' : seconds < 0 ? '−' : '';
  let rest = Math.round(Math.abs(seconds));
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = rest - m * 60;
  const parts = [];
  if (h > 0) parts.push(`${h} h`);
  if (m > 0) parts.push(`${m} min`);
  if (s > 0 || parts.length === 0) parts.push(`${s} s`);
  return sign + parts.join(' ');
}

/**
 * A date (YYYY-MM-DD) `days` later (or earlier, when negative).
 * @param {string} date
 * @param {number} days
 * @returns {string}
 */
export function addDays(date, days) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * Whether a string is a date as YYYY-MM-DD.
 * @param {string} text
 * @returns {boolean}
 */
export function isDate(text) {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`));
}

/**
 * Today's date in a zone (browser time without one).
 * @param {string} [timeZone]
 * @returns {string}
 */
export function todayIn(timeZone) {
  return wallParts(Date.now(), timeZone).date;
}

/**
 * The instant a local date begins, in ms, for the browser's zone (used for period pickers).
 * @param {string} date YYYY-MM-DD
 * @returns {number}
 */
export function startOfLocalDate(date) {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1).getTime();
}

/**
 * An identifier as words: `return_to_work` → "Return to work", `notice_mailed` → "Notice mailed".
 * @param {string | null | undefined} key
 * @returns {string}
 */
export function humanize(key) {
  if (key === null || key === undefined || key === '') return '—';
  const words = key.replace(/[_-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Any value as short text for a table cell (objects as JSON).
 * @param {unknown} value
 * @returns {string}
 */
export function formatValue(value) {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) return value.join(', ');
  return JSON.stringify(value);
}

/**
 * "1 minute", "3 minutes".
 * @param {number} n
 * @param {string} one
 * @param {string} [many]
 * @returns {string}
 */
export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}
