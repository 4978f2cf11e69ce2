// @ts-check
/**
 * SVG charts drawn by hand (no library, nothing fetched): a line chart, a horizontal bar chart and
 * an online/offline band. Colours come from classes in style.css. Each chart is an `<svg role="img">`
 * labelled by its `<title>` and `<desc>`, and every point or bar carries its own `<title>` tooltip.
 */
import { s, uid } from './dom.js';

/**
 * @typedef {object} LinePoint
 * @property {number} x ms (or any number)
 * @property {number | null} y null breaks the line
 * @property {string} [label] tooltip text; defaults to "x: y"
 */

/**
 * @typedef {object} LineSeries
 * @property {string} name legend text
 * @property {LinePoint[]} points ascending x
 * @property {number} [index] colour slot (0, 1, 2); defaults to the series' position
 */

/**
 * @typedef {object} LineChartOptions
 * @property {string} title read out by screen readers, shown as a tooltip
 * @property {string} [description]
 * @property {LineSeries[]} series
 * @property {(x: number) => string} xFormat tick labels
 * @property {(y: number) => string} [yFormat]
 * @property {string} [xLabel]
 * @property {string} [yLabel]
 * @property {[number, number]} [xDomain] defaults to the points' extent
 * @property {number[]} [xTicks] defaults to up to 7 of the first series' x values
 * @property {boolean} [integer] y ticks are whole numbers
 * @property {boolean} [zeroLine] y domain spans negative values too, with a line at 0
 * @property {string} [name] data-chart attribute
 * @property {number} [width]
 * @property {number} [height]
 */

const M = { top: 34, right: 18, bottom: 46, left: 58 };

/**
 * A line chart with axes, axis labels, a legend and tooltips.
 * @param {LineChartOptions} o
 * @returns {SVGElement}
 */
export function lineChart(o) {
  const width = o.width ?? 760;
  const height = o.height ?? 300;
  const plotW = width - M.left - M.right;
  const plotH = height - M.top - M.bottom;
  const all = o.series.flatMap((ser) => ser.points);
  const xs = all.map((p) => p.x);
  const ys = /** @type {number[]} */ (all.map((p) => p.y).filter((y) => y !== null));
  const [x0, x1] = o.xDomain ?? [Math.min(...xs, Infinity), Math.max(...xs, -Infinity)];
  const lo = o.zeroLine ? Math.min(0, ...ys) : 0;
  const hi = Math.max(0, ...ys);
  const yTicks = niceTicks(lo, hi, 5, o.integer ?? false);
  const y0 = yTicks[0] ?? 0;
  const y1 = yTicks[yTicks.length - 1] ?? 1;
  const sx = (/** @type {number} */ x) => M.left + (x1 === x0 ? plotW / 2 : ((x - x0) / (x1 - x0)) * plotW);
  const sy = (/** @type {number} */ y) => M.top + plotH - ((y - y0) / (y1 - y0 || 1)) * plotH;
  const yFormat = o.yFormat ?? ((/** @type {number} */ y) => String(y));

  const svg = frame(o.title, o.description, width, height, o.name);
  if (ys.length === 0 || !Number.isFinite(x0)) {
    svg.appendChild(s('text', { x: width / 2, y: height / 2, class: 'chart-empty', 'text-anchor': 'middle', text: 'No data for this period' }));
    return svg;
  }
  const grid = s('g', { class: 'chart-grid', 'aria-hidden': 'true' });
  for (const t of yTicks) {
    grid.appendChild(s('line', { x1: M.left, x2: M.left + plotW, y1: sy(t), y2: sy(t), class: t === 0 && lo < 0 ? 'chart-zero' : null }));
    grid.appendChild(s('text', { x: M.left - 8, y: sy(t) + 4, 'text-anchor': 'end', class: 'chart-tick', text: yFormat(t) }));
  }
  const xTicks = o.xTicks ?? pickTicks(o.series[0]?.points.map((p) => p.x) ?? [], 7);
  for (const t of xTicks) {
    if (t < x0 || t > x1) continue;
    grid.appendChild(s('line', { x1: sx(t), x2: sx(t), y1: M.top + plotH, y2: M.top + plotH + 5, class: 'chart-tickmark' }));
    grid.appendChild(s('text', { x: sx(t), y: M.top + plotH + 18, 'text-anchor': 'middle', class: 'chart-tick', text: o.xFormat(t) }));
  }
  grid.appendChild(s('line', { x1: M.left, x2: M.left + plotW, y1: M.top + plotH, y2: M.top + plotH, class: 'chart-axis' }));
  grid.appendChild(s('line', { x1: M.left, x2: M.left, y1: M.top, y2: M.top + plotH, class: 'chart-axis' }));
  svg.appendChild(grid);
  axisLabels(svg, o.xLabel, o.yLabel, width, height, plotH);

  o.series.forEach((ser, i) => {
    const slot = ser.index ?? i;
    const g = s('g', { class: `chart-series series-${slot}`, 'data-series': ser.name });
    let d = '';
    let pen = false;
    for (const p of ser.points) {
      if (p.y === null) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`;
      pen = true;
    }
    g.appendChild(s('path', { d, class: 'chart-line' }));
    if (ser.points.length <= 92) {
      for (const p of ser.points) {
        if (p.y === null) continue;
        g.appendChild(s('circle', { cx: sx(p.x), cy: sy(p.y), r: 3, class: 'chart-dot' }, s('title', { text: p.label ?? `${o.xFormat(p.x)}: ${ser.name} ${yFormat(p.y)}` })));
      }
    }
    svg.appendChild(g);
  });
  legend(svg, o.series.map((ser, i) => ({ name: ser.name, slot: ser.index ?? i, kind: 'line' })), M.left);
  return svg;
}

/**
 * @typedef {object} BarChartOptions
 * @property {string} title
 * @property {string} [description]
 * @property {{ label: string, value: number }[]} bars
 * @property {(v: number) => string} [format]
 * @property {string} [valueLabel] axis label under the bars
 * @property {string} [name] data-chart attribute
 * @property {number} [width]
 */

/**
 * A horizontal bar chart (labels on the left read well with long or Chinese names).
 * @param {BarChartOptions} o
 * @returns {SVGElement}
 */
export function barChart(o) {
  const width = o.width ?? 760;
  const rowH = 26;
  const labelW = Math.min(220, Math.max(80, ...o.bars.map((b) => textWidth(b.label) + 16)));
  const top = 10;
  const bottom = 40;
  const height = top + bottom + Math.max(1, o.bars.length) * rowH;
  const plotW = width - labelW - 70;
  const format = o.format ?? ((/** @type {number} */ v) => String(v));
  const ticks = niceTicks(0, Math.max(0, ...o.bars.map((b) => b.value)), 5, true);
  const max = ticks[ticks.length - 1] || 1;
  const sx = (/** @type {number} */ v) => labelW + (v / max) * plotW;
  const svg = frame(o.title, o.description, width, height, o.name);
  if (o.bars.length === 0) {
    svg.appendChild(s('text', { x: width / 2, y: height / 2, class: 'chart-empty', 'text-anchor': 'middle', text: 'No data for this period' }));
    return svg;
  }
  const grid = s('g', { class: 'chart-grid', 'aria-hidden': 'true' });
  const plotBottom = top + o.bars.length * rowH;
  for (const t of ticks) {
    grid.appendChild(s('line', { x1: sx(t), x2: sx(t), y1: top, y2: plotBottom }));
    grid.appendChild(s('text', { x: sx(t), y: plotBottom + 16, 'text-anchor': 'middle', class: 'chart-tick', text: format(t) }));
  }
  svg.appendChild(grid);
  if (o.valueLabel) svg.appendChild(s('text', { x: labelW + plotW / 2, y: height - 6, 'text-anchor': 'middle', class: 'chart-label', text: o.valueLabel }));
  o.bars.forEach((b, i) => {
    const y = top + i * rowH;
    const g = s('g', { class: 'chart-bar', 'data-label': b.label });
    g.appendChild(s('text', { x: labelW - 8, y: y + rowH / 2 + 4, 'text-anchor': 'end', class: 'chart-bar-label', text: truncate(b.label, 18) }));
    g.appendChild(s('rect', { x: labelW, y: y + 4, width: Math.max(0, sx(b.value) - labelW), height: rowH - 8, class: 'chart-bar-rect' }, s('title', { text: `${b.label}: ${format(b.value)}` })));
    g.appendChild(s('text', { x: sx(b.value) + 6, y: y + rowH / 2 + 4, class: 'chart-bar-value', text: format(b.value) }));
    svg.appendChild(g);
  });
  return svg;
}

/**
 * @typedef {object} BandSegment
 * @property {number} from ms
 * @property {number} to ms
 * @property {'online' | 'offline' | 'unknown'} state
 */

/**
 * @typedef {object} BandChartOptions
 * @property {string} title
 * @property {string} [description]
 * @property {number} from ms
 * @property {number} to ms
 * @property {BandSegment[]} segments
 * @property {(x: number) => string} xFormat tooltips
 * @property {(x: number) => string} [tickFormat] tick labels (default: xFormat)
 * @property {number[]} [xTicks]
 * @property {string} [name]
 * @property {number} [width]
 */

const BAND_TEXT = { online: 'Online', offline: 'Offline', unknown: 'No data' };

/**
 * A state band over time: online green, offline red, unknown grey.
 * @param {BandChartOptions} o
 * @returns {SVGElement}
 */
export function bandChart(o) {
  const width = o.width ?? 760;
  const height = 112;
  const bandTop = 34;
  const bandH = 34;
  const plotW = width - M.left - M.right;
  const span = o.to - o.from || 1;
  const sx = (/** @type {number} */ x) => M.left + ((Math.min(Math.max(x, o.from), o.to) - o.from) / span) * plotW;
  const svg = frame(o.title, o.description, width, height, o.name);
  svg.appendChild(s('rect', { x: M.left, y: bandTop, width: plotW, height: bandH, class: 'band-unknown' }));
  for (const seg of o.segments) {
    const x = sx(seg.from);
    const w = sx(seg.to) - x;
    if (w <= 0) continue;
    svg.appendChild(s('rect', { x, y: bandTop, width: w, height: bandH, class: `band-${seg.state}`, 'data-state': seg.state },
      s('title', { text: `${BAND_TEXT[seg.state]}: ${o.xFormat(seg.from)} – ${o.xFormat(seg.to)}` })));
  }
  const grid = s('g', { class: 'chart-grid', 'aria-hidden': 'true' });
  for (const t of o.xTicks ?? []) {
    grid.appendChild(s('line', { x1: sx(t), x2: sx(t), y1: bandTop + bandH, y2: bandTop + bandH + 5, class: 'chart-tickmark' }));
    grid.appendChild(s('text', { x: sx(t), y: bandTop + bandH + 18, 'text-anchor': 'middle', class: 'chart-tick', text: (o.tickFormat ?? o.xFormat)(t) }));
  }
  svg.appendChild(grid);
  legend(svg, [{ name: 'Online', slot: 'online', kind: 'box' }, { name: 'Offline', slot: 'offline', kind: 'box' }, { name: 'No data', slot: 'unknown', kind: 'box' }], M.left);
  return svg;
}

/**
 * Tick times for a period: whole hours or local days, about `count` of them.
 * @param {number} from ms
 * @param {number} to ms
 * @param {number} [count]
 * @param {number} [offsetMs] the zone's offset from UTC (east positive); browser time without one
 * @returns {number[]}
 */
export function timeTicks(from, to, count = 7, offsetMs = -new Date(from).getTimezoneOffset() * 60_000) {
  const HOUR = 3_600_000;
  const steps = [HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR, 48 * HOUR, 7 * 24 * HOUR, 14 * 24 * HOUR, 28 * 24 * HOUR];
  const step = steps.find((st) => (to - from) / st <= count) ?? steps[steps.length - 1] ?? HOUR;
  const offset = -offsetMs;
  const ticks = [];
  for (let t = Math.ceil((from - offset) / step) * step + offset; t <= to; t += step) ticks.push(t);
  return ticks;
}

/**
 * Evenly spaced values out of a list (first and last included).
 * @param {number[]} values
 * @param {number} count
 * @returns {number[]}
 */
export function pickTicks(values, count) {
  if (values.length <= count) return values;
  const out = [];
  const stride = (values.length - 1) / (count - 1);
  for (let i = 0; i < count; i++) out.push(/** @type {number} */ (values[Math.round(i * stride)]));
  return out;
}

/**
 * Round tick values spanning [lo, hi].
 * @param {number} lo
 * @param {number} hi
 * @param {number} count
 * @param {boolean} integer
 * @returns {number[]}
 */
function niceTicks(lo, hi, count, integer) {
  if (hi <= lo) hi = lo + (integer ? 1 : 1);
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((m) => m * mag).find((st) => st >= raw) ?? raw;
  if (integer) step = Math.max(1, Math.round(step));
  const first = Math.floor(lo / step) * step;
  const ticks = [];
  for (let t = first; t < hi + step - 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/**
 * @param {string} title
 * @param {string | undefined} description
 * @param {number} width
 * @param {number} height
 * @param {string | undefined} name
 * @returns {SVGElement}
 */
function frame(title, description, width, height, name) {
  const titleId = uid('chart-title');
  const descId = uid('chart-desc');
  return s('svg', {
    class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': description ? `${titleId} ${descId}` : titleId,
    'data-chart': name, preserveAspectRatio: 'xMidYMid meet',
  }, s('title', { id: titleId, text: title }), description ? s('desc', { id: descId, text: description }) : null);
}

/**
 * @param {SVGElement} svg
 * @param {string | undefined} xLabel
 * @param {string | undefined} yLabel
 * @param {number} width
 * @param {number} height
 * @param {number} plotH
 */
function axisLabels(svg, xLabel, yLabel, width, height, plotH) {
  if (xLabel) svg.appendChild(s('text', { x: M.left + (width - M.left - M.right) / 2, y: height - 6, 'text-anchor': 'middle', class: 'chart-label', text: xLabel }));
  if (yLabel) {
    const cy = M.top + plotH / 2;
    svg.appendChild(s('text', { x: 14, y: cy, transform: `rotate(-90 14 ${cy})`, 'text-anchor': 'middle', class: 'chart-label', text: yLabel }));
  }
}

/**
 * @param {SVGElement} svg
 * @param {{ name: string, slot: number | string, kind: 'line' | 'box' }[]} items
 * @param {number} left
 */
function legend(svg, items, left) {
  const g = s('g', { class: 'chart-legend' });
  let x = left;
  for (const item of items) {
    const cls = typeof item.slot === 'number' ? `series-${item.slot}` : `band-${item.slot}`;
    const entry = s('g', { class: cls });
    if (item.kind === 'line') entry.appendChild(s('line', { x1: x, x2: x + 22, y1: 14, y2: 14, class: 'chart-line' }));
    else entry.appendChild(s('rect', { x, y: 7, width: 14, height: 14, class: cls }));
    entry.appendChild(s('text', { x: x + (item.kind === 'line' ? 28 : 20), y: 18, class: 'chart-legend-text', text: item.name }));
    g.appendChild(entry);
    x += (item.kind === 'line' ? 40 : 30) + textWidth(item.name);
  }
  svg.appendChild(g);
}

/**
 * A rough text width at 12px: CJK characters count double.
 * @param {string} text
 * @returns {number}
 */
function textWidth(text) {
  let w = 0;
  for (const ch of text) w += /[\u2E80-\uFFFF]/.test(ch) ? 12 : 7;
  return w;
}

/**
 * @param {string} text
 * @param {number} max characters
 * @returns {string}
 */
function truncate(text, max) {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
