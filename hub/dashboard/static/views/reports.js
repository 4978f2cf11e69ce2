// @ts-check
/** HR's reports over a period: absenteeism by department (table, downloads, bars) and the daily trend. */
import { get, query } from '../api.js';
import { barChart, lineChart } from '../charts.js';
import { field, h, messageLine, replace, updateIfChanged } from '../dom.js';
import { addDays, formatNumber, isDate } from '../format.js';
import { downloadLinks, reportTable } from '../report-table.js';
import { loading, refresher, viewHeader } from '../view-kit.js';

/** @typedef {{ from: string, to: string, department: string | null, days: { date: string, absent: number, noShows: number }[] }} Trend */

/** The period and department survive leaving the view and coming back. */
const chosen = { from: '', to: '', department: '' };

/** @type {import('../view-kit.js').View} */
export const view = {
  name: 'reports',
  title: 'Reports',
  live: ['no-shows'],
  mount(root, _params, ctx) {
    const header = viewHeader('Reports');
    const from = h('input', { id: 'report-from', name: 'from', type: 'date', required: true });
    const to = h('input', { id: 'report-to', name: 'to', type: 'date', required: true });
    const department = h('select', { id: 'report-department', name: 'department', data: { control: 'department' } }, h('option', { value: '', text: 'All departments' }));
    const apply = h('button', { type: 'submit', class: 'btn btn-primary', data: { action: 'apply-period' }, text: 'Show' });
    const formMessage = messageLine();
    const form = h('form', { class: 'toolbar period', data: { form: 'period' } },
      field('From', from), field('To', to), field('Department (trend)', department), h('div', { class: 'field' }, apply), formMessage);
    const errors = h('div', { class: 'errors' });
    const deptTools = h('div', { class: 'block-tools' });
    const deptTable = h('div', { class: 'table-wrap' }, loading());
    const deptChart = h('div', { class: 'chart-wrap' });
    const trendTitle = h('h2', { text: 'Absent per day' });
    const trendChart = h('div', { class: 'chart-wrap' }, loading());
    root.append(header.el, form, errors,
      h('section', { class: 'panel', data: { section: 'departments' } }, h('div', { class: 'block-head' }, h('h2', { text: 'Absenteeism by department' }), deptTools), deptTable, deptChart),
      h('section', { class: 'panel', data: { section: 'trend' } }, trendTitle, trendChart));

    /** @type {string[]} */
    let departments = [];

    const load = async () => {
      if (chosen.to === '') {
        const sites = await ctx.sites();
        chosen.to = sites[0]?.today ?? new Date().toISOString().slice(0, 10);
        chosen.from = addDays(chosen.to, -29);
      }
      if (from.value === '') from.value = chosen.from;
      if (to.value === '') to.value = chosen.to;
      const deptUrl = `/api/v1/reports/departments${query({ from: chosen.from, to: chosen.to })}`;
      const trendUrl = `/api/v1/reports/trend${query({ from: chosen.from, to: chosen.to, department: chosen.department })}`;
      const [report, trend] = await Promise.all([get(deptUrl, { signal: ctx.signal }), get(trendUrl, { signal: ctx.signal })]);
      updateIfChanged(deptTools, deptUrl, () => downloadLinks(deptUrl, `absenteeism by department ${chosen.from} to ${chosen.to}`));
      updateIfChanged(deptTable, report, () => reportTable(report, 'departments', { empty: 'No employees in this period.' }));
      const key = report.columns.find((/** @type {{key: string}} */ c) => c.key === 'department')?.key ?? report.columns[0]?.key ?? 'department';
      const valueKey = report.columns.find((/** @type {{key: string}} */ c) => c.key === 'absentDays')?.key;
      departments = [...new Set(report.rows.map((/** @type {Record<string, unknown>} */ r) => r[key]).filter((/** @type {unknown} */ d) => typeof d === 'string' && d !== ''))];
      updateDepartments();
      if (valueKey !== undefined) {
        const bars = report.rows.map((/** @type {Record<string, unknown>} */ r) => ({ label: String(r[key] ?? '(none)'), value: Number(r[valueKey] ?? 0) }));
        updateIfChanged(deptChart, bars, () => barChart({
          title: `Absent working days by department, ${chosen.from} to ${chosen.to}`, bars, name: 'departments',
          valueLabel: 'Absent working days', format: (v) => formatNumber(v),
        }));
      }
      trendTitle.textContent = `Absent per day${trend.department ? ` · ${trend.department}` : ''}`;
      updateIfChanged(trendChart, trend, trendSvg);
    };

    const updateDepartments = () => {
      const wanted = ['', ...departments];
      if (chosen.department !== '' && !departments.includes(chosen.department)) wanted.push(chosen.department);
      const have = [...department.options].map((o) => o.value);
      if (have.join('\n') !== wanted.join('\n')) {
        replace(department, wanted.map((d) => h('option', { value: d, text: d === '' ? 'All departments' : d })));
      }
      department.value = chosen.department;
    };

    /** @param {Trend} trend */
    const trendSvg = (trend) => {
      const x = (/** @type {string} */ d) => Date.parse(`${d}T00:00:00Z`);
      const label = (/** @type {number} */ ms) => new Date(ms).toISOString().slice(5, 10);
      const total = trend.days.reduce((sum, d) => sum + d.absent, 0);
      return lineChart({
        title: `Employees absent per day${trend.department ? ` in ${trend.department}` : ''}, ${trend.from} to ${trend.to}`,
        description: `${formatNumber(total)} absent employee-days in ${trend.days.length} days; the second line is no-shows per day.`,
        name: 'trend',
        integer: true,
        xFormat: label,
        xLabel: 'Date',
        yLabel: 'Employees',
        xDomain: [x(trend.from), x(trend.to)],
        series: [
          { name: 'Absent', points: trend.days.map((d) => ({ x: x(d.date), y: d.absent, label: `${d.date}: ${d.absent} absent` })) },
          { name: 'No-shows', points: trend.days.map((d) => ({ x: x(d.date), y: d.noShows, label: `${d.date}: ${d.noShows} no-shows` })) },
        ],
      });
    };

    const refresh = refresher(load, errors, 'the reports', header.updated);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      formMessage.clear();
      if (!isDate(from.value) || !isDate(to.value)) return formMessage.show('Choose both dates.');
      if (from.value > to.value) return formMessage.show('The period ends before it begins.');
      chosen.from = from.value;
      chosen.to = to.value;
      chosen.department = department.value;
      refresh();
    });
    department.addEventListener('change', () => {
      chosen.department = department.value;
      refresh();
    });
    refresh();
    return { refresh };
  },
};
