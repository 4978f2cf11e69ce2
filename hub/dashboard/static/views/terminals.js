// @ts-check
/** Facilities' view of the sites: alerts, gateways (agent backlog) and terminals, updated live. */
import { get } from '../api.js';
import { badge, emptyRow, h, thead, updateIfChanged } from '../dom.js';
import { formatDrift, formatInstant, formatNumber, formatPercent, formatRelative, formatWallTime, humanize } from '../format.js';
import { loading, refresher, viewHeader } from '../view-kit.js';

/**
 * @typedef {object} Gateway
 * @property {string} gateway
 * @property {'online' | 'offline'} state
 * @property {string} at ISO
 * @property {string | null} version
 * @property {number | null} backlog
 * @property {string[]} alarms
 */

/**
 * @typedef {object} Terminal
 * @property {string} gateway
 * @property {string} deviceSerial
 * @property {string} name
 * @property {boolean} online
 * @property {string} at ISO
 * @property {string | null} lastPunchAt
 * @property {number | null} clockDriftSeconds
 * @property {number | null} records
 * @property {number | null} capacity
 * @property {number | null} storageFill 0..1
 * @property {string | null} firmware
 * @property {string | null} deliveredThrough
 */

/**
 * @typedef {object} FacilitySite
 * @property {string} site
 * @property {string | null} name
 * @property {string} timeZone
 * @property {string | null} watermark
 * @property {Gateway[]} gateways
 * @property {Terminal[]} terminals
 */

/**
 * @typedef {object} Alert
 * @property {'critical' | 'warning'} severity
 * @property {string} kind
 * @property {string} site
 * @property {string} gateway
 * @property {string | null} deviceSerial
 * @property {string} message
 * @property {string} since ISO
 */

/** @typedef {{ sites: FacilitySite[], alerts: Alert[] }} Facilities */

/**
 * The link to a terminal's history page.
 * @param {string} site
 * @param {string} serial
 * @returns {string}
 */
export function terminalHref(site, serial) {
  return `#/terminals/${encodeURIComponent(site)}/${encodeURIComponent(serial)}`;
}

/**
 * An online/offline badge.
 * @param {boolean} online
 * @returns {HTMLElement}
 */
export function onlineBadge(online) {
  const el = badge(online ? 'Online' : 'Offline', online ? 'ok' : 'bad');
  el.dataset.online = String(online);
  return el;
}

/**
 * Storage fill as a bar and a percentage (the bar's width is set through the CSSOM: the CSP allows that).
 * @param {number | null} fill 0..1
 * @param {number | null} records
 * @param {number | null} capacity
 * @returns {HTMLElement}
 */
export function storageBar(fill, records, capacity) {
  if (fill === null || fill === undefined) return h('span', { class: 'none', text: '—' });
  const level = fill >= 0.97 ? 'crit' : fill >= 0.9 ? 'warn' : 'ok';
  const bar = h('span', { class: `meter-fill meter-${level}` });
  bar.style.width = `${Math.max(0, Math.min(1, fill)) * 100}%`;
  const title = records !== null && capacity !== null ? `${formatNumber(records)} of ${formatNumber(capacity)} records` : undefined;
  return h('span', { class: 'storage', title, data: { fill: fill.toFixed(3) } },
    h('span', { class: 'meter', attrs: { role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(fill * 100), 'aria-label': 'Storage used' } }, bar),
    h('span', { class: 'meter-text', text: formatPercent(fill) }));
}

/**
 * An ISO instant as the site's wall time, with "x ago" under it.
 * @param {string | null} iso
 * @param {string | undefined} zone
 * @returns {Node[] | string}
 */
function when(iso, zone) {
  if (iso === null || iso === undefined) return '—';
  return [h('time', { attrs: { datetime: iso }, text: formatInstant(iso, zone) }), h('span', { class: 'sub block', text: formatRelative(iso) })];
}

/** @type {import('../view-kit.js').View} */
export const view = {
  name: 'terminals',
  title: 'Terminals',
  live: ['terminals'],
  mount(root, _params, ctx) {
    const header = viewHeader('Terminals');
    const errors = h('div', { class: 'errors' });
    const alerts = h('div', { class: 'table-wrap' }, loading());
    const sites = h('div', { class: 'table-wrap' });
    const gateways = h('div', { class: 'table-wrap' });
    const terminals = h('div', { class: 'table-wrap' });
    const alertHead = h('h2', { text: 'Alerts' });
    root.append(header.el, errors,
      h('section', { class: 'panel alerts-panel', data: { section: 'alerts' } }, alertHead, alerts),
      h('section', { class: 'panel', data: { section: 'terminals' } }, h('h2', { text: 'Terminals' }), terminals),
      h('section', { class: 'panel', data: { section: 'gateways' } }, h('h2', { text: 'Gateways' }), gateways),
      h('section', { class: 'panel', data: { section: 'sites' } }, h('h2', { text: 'Sites' }), sites));

    const load = async () => {
      /** @type {Facilities} */
      const data = await get('/api/v1/facilities', { signal: ctx.signal });
      const zones = new Map(data.sites.map((s) => [s.site, s.timeZone]));
      const minute = Math.floor(Date.now() / 60_000); // "x ago" texts move on
      const critical = data.alerts.filter((a) => a.severity === 'critical').length;
      alertHead.textContent = data.alerts.length === 0 ? 'Alerts' : `Alerts (${critical} critical, ${data.alerts.length - critical} warning)`;
      updateIfChanged(alerts, { a: data.alerts, minute }, () => alertTable(data.alerts, zones));
      updateIfChanged(terminals, { s: data.sites.map((s) => [s.site, s.terminals]), minute }, () => terminalTable(data.sites));
      updateIfChanged(gateways, { s: data.sites.map((s) => [s.site, s.gateways]), minute }, () => gatewayTable(data.sites));
      updateIfChanged(sites, data.sites.map(({ gateways: _g, terminals: _t, ...rest }) => rest), () => siteTable(data.sites));
    };

    /**
     * @param {Alert[]} list
     * @param {Map<string, string>} zones
     */
    const alertTable = (list, zones) => {
      const order = [...list].sort((a, b) => (a.severity === b.severity ? a.since.localeCompare(b.since) : a.severity === 'critical' ? -1 : 1));
      const body = h('tbody');
      if (order.length === 0) body.appendChild(emptyRow(5, 'No alerts: every gateway and terminal is reporting.'));
      for (const a of order) {
        const where = a.deviceSerial === null ? `${a.site} / ${a.gateway}` : `${a.site} / ${a.gateway} / ${a.deviceSerial}`;
        body.appendChild(h('tr', { class: `alert-${a.severity}`, data: { severity: a.severity, kind: a.kind } },
          h('td', {}, badge(a.severity === 'critical' ? 'Critical' : 'Warning', a.severity === 'critical' ? 'bad' : 'warn')),
          h('th', { attrs: { scope: 'row' }, text: a.message }),
          h('td', { text: humanize(a.kind) }),
          h('td', {}, a.deviceSerial === null ? where : h('a', { href: terminalHref(a.site, a.deviceSerial), text: where })),
          h('td', {}, when(a.since, zones.get(a.site)))));
      }
      return h('table', { class: 'data', data: { table: 'alerts' } }, h('caption', { class: 'visually-hidden', text: 'Alerts, critical first' }),
        thead(['Severity', 'Alert', 'Kind', 'Where', 'Since']), body);
    };

    /** @param {FacilitySite[]} list */
    const terminalTable = (list) => {
      const body = h('tbody');
      const rows = list.flatMap((s) => s.terminals.map((t) => ({ s, t })));
      if (rows.length === 0) body.appendChild(emptyRow(10, 'No terminals have reported yet.'));
      for (const { s, t } of rows) {
        const drift = t.clockDriftSeconds;
        body.appendChild(h('tr', { data: { site: s.site, serial: t.deviceSerial, online: String(t.online) } },
          h('th', { attrs: { scope: 'row' } }, h('a', { href: terminalHref(s.site, t.deviceSerial), data: { action: 'open-terminal' }, text: t.name || t.deviceSerial }), t.name ? h('span', { class: 'sub block', text: t.deviceSerial }) : null),
          h('td', { text: `${s.name ?? s.site} / ${t.gateway}` }),
          h('td', {}, onlineBadge(t.online)),
          h('td', {}, when(t.at, s.timeZone)),
          h('td', {}, when(t.lastPunchAt, s.timeZone)),
          h('td', { class: `num${drift !== null && Math.abs(drift) > 60 ? ' warn-text' : ''}`, text: formatDrift(drift) }),
          h('td', {}, storageBar(t.storageFill, t.records, t.capacity)),
          h('td', { class: 'num', text: t.records === null ? '—' : `${formatNumber(t.records)}${t.capacity === null ? '' : ` / ${formatNumber(t.capacity)}`}` }),
          h('td', { text: t.firmware ?? '—' }),
          h('td', { title: t.deliveredThrough ?? undefined, text: t.deliveredThrough === null ? '—' : formatWallTime(t.deliveredThrough) })));
      }
      return h('table', { class: 'data', data: { table: 'terminals' } }, h('caption', { class: 'visually-hidden', text: 'Terminals' }),
        thead(['Terminal', 'Site / gateway', 'State', 'Last seen', 'Last punch', 'Clock drift', 'Storage', 'Records', 'Firmware', 'Delivered through']), body);
    };

    /** @param {FacilitySite[]} list */
    const gatewayTable = (list) => {
      const body = h('tbody');
      const rows = list.flatMap((s) => s.gateways.map((g) => ({ s, g })));
      if (rows.length === 0) body.appendChild(emptyRow(6, 'No gateways have signed in yet.'));
      for (const { s, g } of rows) {
        body.appendChild(h('tr', { data: { site: s.site, gateway: g.gateway, state: g.state } },
          h('th', { attrs: { scope: 'row' }, text: g.gateway }),
          h('td', { text: s.name ?? s.site }),
          h('td', {}, onlineBadge(g.state === 'online')),
          h('td', {}, when(g.at, s.timeZone)),
          h('td', { class: `num${(g.backlog ?? 0) > 0 ? ' warn-text' : ''}`, text: formatNumber(g.backlog) }),
          h('td', { text: g.version ?? '—' }),
          h('td', {}, g.alarms.length === 0 ? h('span', { class: 'none', text: 'none' }) : h('ul', { class: 'plain' }, g.alarms.map((a) => h('li', { text: a }))))));
      }
      return h('table', { class: 'data', data: { table: 'gateways' } }, h('caption', { class: 'visually-hidden', text: 'Gateways (edge agents)' }),
        thead(['Gateway', 'Site', 'State', 'Last seen', 'Agent backlog', 'Version', 'Alarms']), body);
    };

    /** @param {FacilitySite[]} list */
    const siteTable = (list) => {
      const body = h('tbody');
      if (list.length === 0) body.appendChild(emptyRow(4, 'No sites.'));
      for (const s of list) {
        body.appendChild(h('tr', { data: { site: s.site } },
          h('th', { attrs: { scope: 'row' }, text: s.site }),
          h('td', { text: s.name ?? '—' }),
          h('td', { text: s.timeZone }),
          h('td', { title: 'Punches are complete up to this time', text: s.watermark === null ? '—' : formatInstant(s.watermark, s.timeZone) })));
      }
      return h('table', { class: 'data', data: { table: 'sites' } }, h('caption', { class: 'visually-hidden', text: 'Sites' }),
        thead(['Site', 'Name', 'Time zone', 'Punches complete through']), body);
    };

    const refresh = refresher(load, errors, 'the terminals', header.updated);
    refresh();
    return { refresh };
  },
};
