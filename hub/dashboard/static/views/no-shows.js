// @ts-check
/** HR's view of today's no-shows, one table per site, updated live. */
import { get, query } from '../api.js';
import { h, replace, updateIfChanged } from '../dom.js';
import { plural } from '../format.js';
import { downloadLinks, reportTable } from '../report-table.js';
import { loading, refresher, viewHeader } from '../view-kit.js';

/** @type {import('../view-kit.js').View} */
export const view = {
  name: 'no-shows',
  title: 'No-shows today',
  live: ['no-shows'],
  mount(root, _params, ctx) {
    const header = viewHeader('No-shows today');
    const errors = h('div', { class: 'errors' });
    const body = h('div', { class: 'site-blocks' }, loading());
    root.append(header.el, errors, body);
    /** @type {Map<string, { el: HTMLElement, heading: HTMLElement, links: HTMLElement, table: HTMLElement }>} */
    const blocks = new Map();

    const load = async () => {
      const sites = await ctx.sites(true);
      const reports = await Promise.all(sites.map((site) =>
        get(`/api/v1/reports/no-shows${query({ date: site.today, site: site.site })}`, { signal: ctx.signal })));
      if (sites.length === 0) {
        replace(body, h('p', { class: 'empty-note', text: 'No sites are configured on this hub yet.' }));
        blocks.clear();
        return;
      }
      const ids = sites.map((site) => site.site);
      if (blocks.size !== ids.length || ids.some((id) => !blocks.has(id))) {
        blocks.clear();
        replace(body);
        for (const id of ids) {
          const heading = h('h2');
          const links = h('div', { class: 'block-tools' });
          const table = h('div', { class: 'table-wrap' });
          const el = h('section', { class: 'site-block', data: { site: id } }, h('div', { class: 'block-head' }, heading, links), table);
          blocks.set(id, { el, heading, links, table });
          body.appendChild(el);
        }
      }
      sites.forEach((site, i) => {
        const block = /** @type {NonNullable<ReturnType<typeof blocks.get>>} */ (blocks.get(site.site));
        const report = reports[i];
        const url = `/api/v1/reports/no-shows${query({ date: site.today, site: site.site })}`;
        // With a state column, resolved and withdrawn no-shows are listed but not counted as open.
        const total = report.rows.length;
        const hasState = report.columns.some((/** @type {{ key: string }} */ c) => c.key === 'state');
        const open = hasState ? report.rows.filter((/** @type {Record<string, unknown>} */ r) => r.state === 'open').length : total;
        updateIfChanged(block.heading, { site, open, total }, () => [
          site.name ?? site.site,
          h('span', { class: 'sub', text: ` ${site.name ? `${site.site} · ` : ''}${site.today} · ${site.timeZone}` }),
          ' ',
          h('span', { class: `count ${open > 0 ? 'count-bad' : 'count-ok'}`, data: { count: open, total }, text: hasState ? `${open} open` : plural(total, 'no-show') }),
          hasState && total !== open ? h('span', { class: 'sub', text: ` of ${plural(total, 'no-show')}` }) : null,
        ]);
        updateIfChanged(block.links, url, () => downloadLinks(url, `no-shows of ${site.today} at ${site.name ?? site.site}`));
        updateIfChanged(block.table, report, () => {
          const table = reportTable(report, 'no-shows', { empty: `No no-shows at ${site.name ?? site.site} so far today.`, captionHidden: true });
          table.dataset.site = site.site;
          return table;
        });
      });
    };
    const refresh = refresher(load, errors, 'today\u2019s no-shows', header.updated);
    refresh();
    return { refresh };
  },
};
