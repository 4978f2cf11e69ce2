import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalJsonByWriter } from '../../../hub/evidence/canonical-json.js';
import { hubErrorOf, outcomeOf } from '../hub-error.js';

describe('canonical JSON (RFC 8785)', () => {
  it('writes the RFC 8785 section 3.2.2 example byte for byte', () => {
    const input = JSON.parse(String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`);
    expect(canonicalJson(input)).toBe(String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`);
  });

  it('sorts keys by UTF-16 code units (RFC 8785 section 3.2.3), nested objects too', () => {
    const input = JSON.parse(String.raw`{
      "\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control", "\u00f6": "Latin Small Letter O With Diaeresis"
    }`);
    const values = Object.values(JSON.parse(canonicalJson(input)) as Record<string, string>);
    // JSON.parse puts "1" first whatever the order, so read the order from the text itself.
    const order = [...canonicalJson(input).matchAll(/:"([^"]+)"/g)].map((m) => m[1]);
    expect(order).toEqual(['Carriage Return', 'One', 'Control', 'Latin Small Letter O With Diaeresis', 'Euro Sign', 'Emoji: Grinning Face', 'Hebrew Letter Dalet With Dagesh']);
    expect(values).toHaveLength(7);
    expect(canonicalJson({ b: { d: 1, c: [{ z: 0, a: 'x' }] }, a: [] })).toBe('{"a":[],"b":{"c":[{"a":"x","z":0}],"d":1}}');
  });

  it('prints numbers as ECMAScript does (RFC 8785 appendix B)', () => {
    const fromBits = (hex: string): number => Buffer.from(hex, 'hex').readDoubleBE(0);
    const vectors: [string, string][] = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555555', '333333333.3333333'],
    ];
    for (const [bits, text] of vectors) expect(canonicalJson(fromBits(bits))).toBe(text);
  });

  it('escapes strings as JSON.stringify does and keeps non-ASCII as UTF-8', () => {
    expect(canonicalJson('员工 E1004 "旷工"\n\t\u0001\u001f\u007f\u2028')).toBe('"员工 E1004 \\"旷工\\"\\n\\t\\u0001\\u001f\u007f\u2028"');
    expect(canonicalJson('😀')).toBe('"😀"');
  });

  it('refuses what JSON cannot carry faithfully, naming where it is', () => {
    const refusals: [unknown, RegExp][] = [
      [{ a: Number.NaN }, /\$\.a: the number NaN/],
      [[1, Number.POSITIVE_INFINITY], /\$\[1\]: the number Infinity/],
      [{ a: undefined }, /\$\.a: undefined/],
      [[1, , 3], /\$\[1\]: undefined/],
      [{ f: () => 1 }, /\$\.f: function/],
      [{ n: 10n }, /\$\.n: bigint/],
      [Symbol('s'), /symbol/],
      [{ [Symbol('k')]: 1 }, /symbol keys/],
      [{ when: new Date(0) }, /\$\.when: a Date is not a plain object/],
      [new Map(), /a Map is not a plain object/],
      [{ bytes: Buffer.from('x') }, /a Buffer is not a plain object/],
      [{ s: 'x\ud800y' }, /lone UTF-16 surrogate/],
    ];
    for (const [value, message] of refusals) {
      const err = hubErrorOf(() => canonicalJson(value));
      expect(err.code).toBe('EVIDENCE');
      expect(err.message).toMatch(message);
    }
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(hubErrorOf(() => canonicalJson(loop)).message).toMatch(/contains itself/);
    // The same object twice, not inside itself, is fine.
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
    expect(canonicalJson(Object.assign(Object.create(null) as object, { k: true }))).toBe('{"k":true}');
  });
});

/** Keys that objects order apart from the rest, or that an object literal would treat specially. */
const trickyKey = fc.constantFrom('0', '1', '7', '10', '42', '4294967294', '4294967295', '01', '-1', '1a', '1.5', '__proto__', 'toJSON', 'constructor', '', '\r', 'ö', '€', '😀', '\ufb33');
const unicodeString = fc.string({ unit: 'binary', maxLength: 12 });
const jsonKey = fc.oneof(fc.nat({ max: 30 }).map(String), trickyKey, unicodeString, fc.string({ maxLength: 4 }));

/** An own property for every generated key, "__proto__" too, as JSON.parse would make it. */
function objectOf(entries: ReadonlyArray<readonly [string, unknown]>, nullPrototype: boolean): Record<string, unknown> {
  const o = (nullPrototype ? Object.create(null) : {}) as Record<string, unknown>;
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

const { json } = fc.letrec<{ json: unknown }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    unicodeString,
    fc.array(tie('json'), { maxLength: 5 }),
    fc.tuple(fc.uniqueArray(fc.tuple(jsonKey, tie('json')), { maxLength: 6, selector: ([k]) => k }), fc.boolean()).map(([entries, bare]) => objectOf(entries, bare)),
  ),
}));

/** Also what JSON cannot carry: the fast path must hand each to the writer, which words the refusal. */
const { almost } = fc.letrec<{ almost: unknown }>((tie) => ({
  almost: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.double(),
    fc.string({ unit: fc.oneof(fc.constantFrom('a', '\ud800', '\udc00', '😀'), fc.string({ unit: 'binary', maxLength: 1 })), maxLength: 6 }),
    fc.constantFrom(undefined, 10n, () => 1, new Date(0), new Map(), Buffer.from('x'), Symbol('s')),
    fc.array(tie('almost'), { maxLength: 4 }),
    fc.uniqueArray(fc.tuple(fc.oneof(jsonKey, fc.constantFrom('\ud800', 'k\udfff')), tie('almost')), { maxLength: 5, selector: ([k]) => k }).map((entries) => objectOf(entries, false)),
  ),
}));

describe('canonical JSON: the fast path against the reference writer', () => {
  it('writes every JSON value byte for byte as the writer does, index-like keys and unicode included', () => {
    fc.assert(
      fc.property(json, (value) => {
        const text = canonicalJson(value);
        expect(text).toBe(canonicalJsonByWriter(value));
        // And it is JSON of the same value (a -0 reads back as 0).
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses what the writer refuses, with the same message, and writes the rest alike', () => {
    fc.assert(
      fc.property(almost, (value) => {
        expect(outcomeOf(() => canonicalJson(value))).toBe(outcomeOf(() => canonicalJsonByWriter(value)));
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves to the writer what the fast path does not handle: index keys, "__proto__", cycles, deep values', () => {
    const indexKeys = JSON.parse('{"b":1,"10":2,"a":3,"9":4,"1a":5}') as unknown;
    expect(canonicalJson(indexKeys)).toBe('{"10":2,"1a":5,"9":4,"a":3,"b":1}');
    expect(canonicalJson(JSON.parse('{"z":{"__proto__":{"x":1}},"a":[]}'))).toBe('{"a":[],"z":{"__proto__":{"x":1}}}');
    let deep: unknown = 'bottom';
    for (let i = 0; i < 500; i++) deep = i % 2 === 0 ? [deep] : { k: deep };
    expect(canonicalJson(deep)).toBe(canonicalJsonByWriter(deep));
    const loop: unknown[] = [];
    loop.push({ again: loop });
    expect(hubErrorOf(() => canonicalJson(loop)).message).toBe('cannot write canonical JSON at $[0].again: the value contains itself');
  });
});
