import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CardReaderDecoder, reportKeys, usageToChar, Usage } from '../../../protocols/hid/keyboard-report.js';

const SHIFT = 0x02;
/** An 8-byte boot keyboard report: [modifiers, reserved, k1..k6]. */
const report = (keys: number[] = [], modifiers = 0): Buffer => Buffer.from([modifiers, 0, ...keys, 0, 0, 0, 0, 0, 0].slice(0, 8));
const UP = report();
const usageOf = (ch: string): number => (ch === '0' ? Usage.DIGIT_0 : /[1-9]/.test(ch) ? Usage.DIGIT_1 + Number(ch) - 1 : Usage.A + ch.toLowerCase().charCodeAt(0) - 0x61);

/** What a reader sends for `text` + Enter: each key down then all keys up, `stepMs` apart. */
function typed(text: string, startMs = 0, stepMs = 4): Array<[Buffer, number]> {
  const out: Array<[Buffer, number]> = [];
  let t = startMs;
  for (const ch of text) {
    out.push([report([usageOf(ch)]), (t += stepMs)]);
    out.push([UP, (t += stepMs)]);
  }
  out.push([report([Usage.ENTER]), (t += stepMs)], [UP, (t += stepMs)]);
  return out;
}

function feed(decoder: CardReaderDecoder, reports: Array<[Buffer | number[], number]>): string[] {
  const cards: string[] = [];
  for (const [r, at] of reports) {
    const card = decoder.push(r, at);
    if (card !== undefined) cards.push(card);
  }
  return cards;
}

describe('keyboard usage ids', () => {
  it('map digits, keypad digits and hex letters; nothing else', () => {
    expect([0x1e, 0x1f, 0x26, 0x27].map(usageToChar)).toEqual(['1', '2', '9', '0']);
    expect([0x59, 0x61, 0x62].map(usageToChar)).toEqual(['1', '9', '0']);
    expect([0x04, 0x09].map(usageToChar)).toEqual(['A', 'F']);
    expect([0x0a, 0x28, 0x2c, 0x33, 0x00].map(usageToChar)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('reads the key slots of boot reports, reports with a report id, and roll-over', () => {
    expect(reportKeys(report([0x1e, 0x1f]))).toEqual([0x1e, 0x1f]);
    expect(reportKeys([1, 0, 0, 0x27, 0, 0, 0, 0, 0])).toEqual([0x27]); // 9 bytes: report id first
    expect(reportKeys(report([1, 1, 1, 1, 1, 1]))).toBeUndefined();
    expect(reportKeys([0, 0])).toEqual([]);
  });
});

describe('CardReaderDecoder', () => {
  it('decodes a card number typed with key-up reports and ended by Enter', () => {
    const d = new CardReaderDecoder();
    expect(feed(d, typed('0004512345'))).toEqual(['0004512345']);
    expect(d.pending).toBe('');
  });

  it('keypad digits and keypad Enter work too', () => {
    const d = new CardReaderDecoder();
    const keypad = [0x59, 0x62, 0x5a].map((k, i): [Buffer, number] => [report([k]), i]);
    expect(feed(d, [...keypad, [report([Usage.KEYPAD_ENTER]), 5]])).toEqual(['102']);
  });

  it('a key held across reports counts once; the same digit again after a key-up counts again', () => {
    const d = new CardReaderDecoder();
    const one = report([0x1e]);
    expect(feed(d, [[one, 1], [one, 2], [one, 3], [UP, 4], [one, 5], [report([Usage.ENTER]), 6]])).toEqual(['11']);
  });

  it('readers that send no key-up between different keys still decode', () => {
    const d = new CardReaderDecoder();
    // 1, then 1+2 held (2 is new), then 2 alone (nothing new), then 3, then Enter.
    const steps: Array<[Buffer, number]> = [[report([0x1e]), 1], [report([0x1e, 0x1f]), 2], [report([0x1f]), 3], [report([0x20]), 4], [report([Usage.ENTER]), 5]];
    expect(feed(d, steps)).toEqual(['123']);
  });

  it('hex card numbers with or without shift come out upper case', () => {
    const d = new CardReaderDecoder();
    const steps: Array<[Buffer, number]> = [[report([usageOf('a')], SHIFT), 1], [UP, 2], [report([usageOf('1')]), 3], [UP, 4], [report([usageOf('f')]), 5], [report([Usage.ENTER]), 6]];
    expect(feed(d, steps)).toEqual(['A1F']);
  });

  it('shifted digits (AZERTY-configured readers) are still digits; sentinels and other keys are skipped', () => {
    const d = new CardReaderDecoder();
    const semicolon = 0x33;
    const slash = 0x38;
    const steps: Array<[Buffer, number]> = [[report([semicolon]), 1], [report([0x1e], SHIFT), 2], [UP, 3], [report([0x1f], SHIFT), 4], [report([slash], SHIFT), 5], [report([Usage.ENTER]), 6]];
    expect(feed(d, steps)).toEqual(['12']);
  });

  it('Enter with nothing typed, and key-up reports alone, give nothing', () => {
    const d = new CardReaderDecoder();
    expect(feed(d, [[UP, 1], [report([Usage.ENTER]), 2], [UP, 3], [report([Usage.ENTER]), 4]])).toEqual([]);
  });

  it('a pause longer than the keystroke timeout discards the partial number', () => {
    const d = new CardReaderDecoder({ keystrokeTimeoutMs: 100 });
    const stale: Array<[Buffer, number]> = [[report([0x1e]), 0], [UP, 5], [report([0x1f]), 10], [UP, 15]];
    const fresh = typed('987', 1000);
    expect(feed(d, [...stale, ...fresh])).toEqual(['987']);
    // Enter itself arriving too late discards the number too.
    expect(feed(d, [[report([0x1e]), 5000], [UP, 5004], [report([Usage.ENTER]), 5200]])).toEqual([]);
  });

  it('input longer than maxLength is discarded up to the next Enter', () => {
    const d = new CardReaderDecoder({ maxLength: 4 });
    expect(feed(d, typed('12345'))).toEqual([]);
    expect(feed(d, typed('1234', 100))).toEqual(['1234']);
  });

  it('roll-over reports change nothing', () => {
    const d = new CardReaderDecoder();
    const rollOver = report([1, 1, 1, 1, 1, 1]);
    expect(feed(d, [[report([0x1e]), 1], [rollOver, 2], [report([0x1e]), 3], [report([Usage.ENTER]), 4]])).toEqual(['1']);
  });

  it('two swipes in a row give two card numbers', () => {
    const d = new CardReaderDecoder();
    expect(feed(d, [...typed('111', 0), ...typed('222', 100)])).toEqual(['111', '222']);
  });

  it('random reports never throw and only ever produce card-shaped strings (fuzz)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.oneof(fc.uint8Array({ maxLength: 12 }), fc.array(fc.integer({ min: -5, max: 300 }), { maxLength: 10 })), fc.oneof(fc.nat(10_000), fc.double())), { maxLength: 200 }),
        fc.integer({ min: 1, max: 32 }),
        (reports, maxLength) => {
          const d = new CardReaderDecoder({ maxLength, keystrokeTimeoutMs: 50 });
          for (const [r, at] of reports) {
            const card = d.push(r, at);
            if (card !== undefined) expect(card).toMatch(new RegExp(`^[0-9A-F]{1,${maxLength}}$`));
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
