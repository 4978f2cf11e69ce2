import { describe, expect, it } from 'vitest';
import { EXPOSITION_CONTENT_TYPE, formatValue, writeExposition, type MetricFamily } from '../../../hub/metrics/exposition.js';

describe('Prometheus text exposition', () => {
  it('writes HELP, TYPE and the samples of each family in order, leaving out families without samples', () => {
    const families: MetricFamily[] = [
      { name: 'rollcall_punches_stored_total', type: 'counter', help: 'Punches stored.', samples: [{ labels: { site: 'plant', gateway: 'gw1' }, value: 1027 }, { labels: { site: 'depot', gateway: 'gw9' }, value: 0 }] },
      { name: 'rollcall_unused', type: 'gauge', help: 'Nothing to say.', samples: [] },
      { name: 'rollcall_terminal_storage_fill_ratio', type: 'gauge', help: 'Records over capacity.', samples: [{ labels: { site: 'plant', terminal: 'SN2' }, value: 0.25 }] },
      { name: 'rollcall_evidence_entries', type: 'gauge', help: 'Entries.', samples: [{ value: 12 }] },
    ];
    expect(writeExposition(families)).toBe(
      [
        '# HELP rollcall_punches_stored_total Punches stored.',
        '# TYPE rollcall_punches_stored_total counter',
        'rollcall_punches_stored_total{site="plant",gateway="gw1"} 1027',
        'rollcall_punches_stored_total{site="depot",gateway="gw9"} 0',
        '# HELP rollcall_terminal_storage_fill_ratio Records over capacity.',
        '# TYPE rollcall_terminal_storage_fill_ratio gauge',
        'rollcall_terminal_storage_fill_ratio{site="plant",terminal="SN2"} 0.25',
        '# HELP rollcall_evidence_entries Entries.',
        '# TYPE rollcall_evidence_entries gauge',
        'rollcall_evidence_entries 12',
        '',
      ].join('\n'),
    );
    expect(writeExposition([])).toBe('');
    expect(EXPOSITION_CONTENT_TYPE).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('escapes label values (backslash, double quote, line feed) and HELP text (backslash, line feed)', () => {
    const text = writeExposition([
      { name: 'x', type: 'gauge', help: 'A path C:\\data\nand a "quote" left as is.', samples: [{ labels: { site: 'a\\b "c"\nd', empty: '' }, value: 1 }, { labels: {}, value: 2 }] },
    ]);
    expect(text).toBe(['# HELP x A path C:\\\\data\\nand a "quote" left as is.', '# TYPE x gauge', 'x{site="a\\\\b \\"c\\"\\nd",empty=""} 1', 'x 2', ''].join('\n'));
  });

  it('writes integers plainly, fractions in the shortest exact form, and NaN, +Inf, -Inf as Prometheus spells them', () => {
    expect([42, -7, 0, -0, 1.5, -0.001, 1e-7, 2 ** 53, 1e21, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY].map(formatValue)).toEqual([
      '42', '-7', '0', '0', '1.5', '-0.001', '1e-7', '9007199254740992', '1e+21', 'NaN', '+Inf', '-Inf',
    ]);
    expect(writeExposition([{ name: 'lag_seconds', type: 'gauge', help: 'h', samples: [{ labels: { q: 'a' }, value: Number.NaN }, { labels: { q: 'b' }, value: Number.POSITIVE_INFINITY }] }])).toContain(
      'lag_seconds{q="a"} NaN\nlag_seconds{q="b"} +Inf\n',
    );
  });

  it('throws on names Prometheus refuses, counters not named *_total, and repeated families or label sets', () => {
    const gauge = (name: string, labels?: Record<string, string>): MetricFamily => ({ name, type: 'gauge', help: 'h', samples: [labels === undefined ? { value: 1 } : { labels, value: 1 }] });
    expect(() => writeExposition([gauge('1rollcall')])).toThrow('"1rollcall" is not a valid metric name');
    expect(() => writeExposition([gauge('rollcall-punches')])).toThrow('not a valid metric name');
    expect(() => writeExposition([gauge('')])).toThrow('not a valid metric name');
    expect(() => writeExposition([gauge('rollcall_x', { 'site-id': 'a' })])).toThrow('"site-id" is not a valid label name (metric rollcall_x)');
    expect(() => writeExposition([gauge('rollcall_x', { 'a:b': 'a' })])).toThrow('not a valid label name');
    expect(() => writeExposition([gauge('rollcall_x', { __name__: 'a' })])).toThrow('not a valid label name');
    expect(() => writeExposition([{ name: 'rollcall_punches', type: 'counter', help: 'h', samples: [{ value: 1 }] }])).toThrow('counter rollcall_punches must be named *_total');
    expect(() => writeExposition([gauge('rollcall_x'), gauge('rollcall_x')])).toThrow('metric family rollcall_x is listed twice');
    expect(() => writeExposition([{ name: 'rollcall_x', type: 'gauge', help: 'h', samples: [{ labels: { site: 'a' }, value: 1 }, { labels: { site: 'a' }, value: 2 }] }])).toThrow(
      'metric rollcall_x has two samples labelled {site="a"}',
    );
    // Colons are allowed in metric names (recording rules use them), and a counter named *_total passes.
    expect(writeExposition([gauge('job:rollcall_x:rate5m'), { name: 'rollcall_y_total', type: 'counter', help: 'h', samples: [{ value: 3 }] }])).toContain('rollcall_y_total 3\n');
  });
});
