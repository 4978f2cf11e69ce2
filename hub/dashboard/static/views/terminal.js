// @ts-check
/** One terminal's history for facilities: uptime band with the uptime percentage, and clock drift. */
import { get, query } from '../api.js';
import { bandChart, lineChart, timeTicks } from '../charts.js';
import { field, h, replace, updateIfChanged } from '../dom.js';
import { formatDrift, formatInstant, formatInstantShort, formatNumber, formatPercent, todayIn, zoneOffsetMs } from '../format.js';
import { loading, refresher, viewHeader } from '../view-kit.js';
import { onlineBadge, storageBar } from './terminals.js';

/** @typedef {{ atMs: number, online: boolean, clockDriftSeconds: number | null, records: number | null, capacity: number | null, backlog: number | null }} HistoryPoint */

const DAY_MS = 86_400_000;
const RANGES = [
  { value: '1', label: 'Last 24 hours' },
  { value: '7', label: 'Last 7 days' },
  { value: '30', label: 'Last 30 days' },
  { value: '90', label: 'Last 90 days' },
];
let rangeDays = '7';

/**
 * The online/offline segments of a history, and the uptime over the time it covers.
 * Before the first point the state is unknown; each point's state lasts until the next one.
 * @param {HistoryPoint[]} points ascending
 * @param {number} from
 * @param {number} to
 * @returns {{ segments: import('../charts.js').BandSegment[], uptime: number | null }}
 */
export function uptimeOf(points, from, to) {
  /** @type {import('../charts.js').BandSegment[]} */
  const segments = [];
  let online = 0;
  let known = 0;
  points.forEach((p, i) => {
    const start = Math.max(p.atMs, from);
    const end = Math.min(points[i + 1]?.atMs ?? to, to);
    if (end <= start) return;
    const state = p.online ? 'online' : 'offline';
    const last = segments[segments.length - 1];
    if (last !== undefined && last.state === state && last.to === start) last.to = end;
    else segments.push({ from: start, to: end, state });
    known += end - start;
    if (p.online) online += end - start;
  });
  return { segments, uptime: known === 0 ? null : online / known };
}

/** @type {import('../view-kit.js').View} */
export const view = {
  name: 'terminal',
  title: 'Terminal',
  live: ['terminals'],
  mount(root, params, ctx) {
    const site = params[0] ?? '';
    const serial = params[1] ?? '';
    root.dataset.site = site;
    root.dataset.serial = serial;
    const header = viewHeader(`Terminal ${serial}`, h('a', { href: '#/terminals', class: 'back', text: '← All terminals' }));
    const range = h('select', { id: 'history-range', name: 'range', data: { control: 'history-range' } },
      RANGES.map((r) => h('option', { value: r.value, text: r.label, selected: r.value === rangeDays })));
    const errors = h('div', { class: 'errors' });
    const facts = h('div', { class: 'facts' }, loading());
    const uptimeText = h('p', { class: 'uptime', data: { role: 'uptime' } });
    const band = h('div', { class: 'chart-wrap' });
    const drift = h('div', { class: 'chart-wrap' });
    root.append(header.el, errors, facts, h('div', { class: 'toolbar' }, field('Period', range)),
      h('section', { class: 'panel', data: { section: 'uptime' } }, h('h2', { text: 'Uptime' }), uptimeText, band),
      h('section', { class: 'panel', data: { section: 'drift' } }, h('h2', { text: 'Clock drift' }), drift));

    const load = async () => {
      const to = Date.now();
      const from = to - Number(rangeDays) * DAY_MS;
      const [all, history] = await Promise.all([
        get('/api/v1/facilities', { signal: ctx.signal }),
        get(`/api/v1/facilities/history${query({ site, terminal: serial, from, to })}`, { signal: ctx.signal }),
      ]);
      /** @type {import('./terminals.js').FacilitySite | undefined} */
      const s = all.sites.find((/** @type {{ site: string }} */ x) => x.site === site);
      const t = s?.terminals.find((x) => x.deviceSerial === serial);
      const zone = s?.timeZone;
      header.heading.textContent = t ? `${t.name || serial} · ${serial}` : `Terminal ${serial}`;
      updateIfChanged(facts, { t, s: s?.name, minute: Math.floor(to / 60_000) }, () => {
        if (t === undefined) return h('p', { class: 'empty-note', text: `No terminal ${serial} at site ${site} is reporting now; its history is below.` });
        /** @type {[string, Node | string][]} */
        const rows = [
          ['Site / gateway', `${s?.name ?? site} / ${t.gateway}`],
          ['State', onlineBadge(t.online)],
          ['Last seen', formatInstant(t.at, zone)],
          ['Last punch', formatInstant(t.lastPunchAt, zone)],
          ['Clock drift', formatDrift(t.clockDriftSeconds)],
          ['Storage', storageBar(t.storageFill, t.records, t.capacity)],
          ['Firmware', t.firmware ?? '—'],
        ];
        return h('dl', { class: 'fact-list' }, rows.map(([k, v]) => h('div', { data: { fact: k } }, h('dt', { text: k }), h('dd', {}, v))));
      });
      /** @type {HistoryPoint[]} */
      const points = [...history.points].sort((a, b) => a.atMs - b.atMs);
      const today = todayIn(zone);
      const fmt = (/** @type {number} */ ms) => formatInstantShort(ms, zone, today);
      const tickFmt = (/** @type {number} */ ms) => (rangeDays === '1' ? formatInstant(ms, zone).slice(11, 16) : formatInstant(ms, zone).slice(5, 10));
      const ticks = timeTicks(from, to, 8, zoneOffsetMs(to, zone));
      const { segments, uptime } = uptimeOf(points, from, to);
      const label = RANGES.find((r) => r.value === rangeDays)?.label.toLowerCase() ?? '';
      replace(uptimeText, uptime === null
        ? 'No history for this period.'
        : [h('strong', { data: { uptime: uptime.toFixed(4) }, text: formatPercent(uptime, 1) }), ` online in the ${label}`,
          h('span', { class: 'sub', text: ` (${formatNumber(points.length)} reports; time before the first report in the period is not counted)` })]);
      // The period moves with the clock: redraw every time (the charts hold no user state).
      replace(band, bandChart({
        title: `Online and offline, ${label}${uptime === null ? '' : `: ${formatPercent(uptime, 1)} uptime`}`,
        from, to, segments, xFormat: fmt, tickFormat: tickFmt, xTicks: ticks, name: 'uptime',
        description: 'Green: online; red: offline; grey: no report.',
      }));
      replace(drift, lineChart({
        title: `Clock drift, ${label}`,
        description: 'Seconds the terminal\u2019s clock is ahead (positive) or behind (negative) the hub.',
        name: 'drift',
        zeroLine: true,
        xDomain: [from, to],
        xTicks: ticks,
        xFormat: tickFmt,
        yFormat: (y) => `${y} s`,
        xLabel: 'Time',
        yLabel: 'Drift (s)',
        series: [{ name: 'Clock drift', points: points.map((p) => ({ x: p.atMs, y: p.clockDriftSeconds, label: `${fmt(p.atMs)}: ${formatDrift(p.clockDriftSeconds)}` })) }],
      }));
    };
    const refresh = refresher(load, errors, 'the terminal', header.updated);
    range.addEventListener('change', () => {
      rangeDays = range.value;
      refresh();
    });
    refresh();
    return { refresh };
  },
};
