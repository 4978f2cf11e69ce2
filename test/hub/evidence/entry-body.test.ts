import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJsonByWriter } from '../../../hub/evidence/canonical-json.js';
import { entryBytes, parseEntryBody, type EntryBody } from '../../../hub/evidence/entry-body.js';
import { hubErrorOf, outcomeOf } from '../hub-error.js';

/** Strings with the odd code units a body may carry: lone surrogates, controls, non-ASCII. */
const oddString = fc.string({ unit: fc.oneof(fc.constantFrom('a', '\ud800', '\udc00', '😀', '"', '\\', '\u0001', '员'), fc.string({ unit: 'binary', maxLength: 1 })), maxLength: 8 });
const oddNumber = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-0, 1e21, 5e-324, Number.MAX_SAFE_INTEGER + 2));

/** Data as the engine writes it, and what it should never write (refused by both paths alike). */
const { data } = fc.letrec<{ data: unknown }>((tie) => ({
  data: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    oddNumber,
    oddString,
    fc.constantFrom(undefined, new Date(0), 10n),
    fc.array(tie('data'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(oddString, fc.constantFrom('10', '2', '__proto__', 'when')), tie('data'), { maxKeys: 4 }),
  ),
}));

/** A SHA-256 in hex, as documents and chain links hold. */
const sha256Hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 });

const nullable = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(arb, { nil: null });

/** A body with the envelope's ten keys, each usually of its type and now and then not. */
const body = fc.record({
  v: fc.oneof(fc.constant(1), oddNumber),
  index: fc.oneof(fc.nat(), oddNumber),
  atMs: fc.oneof(fc.nat(), oddNumber, fc.constant('1' as unknown as number)),
  kind: fc.oneof(fc.constantFrom('step_fired', 'case_opened'), oddString),
  caseId: nullable(fc.oneof(fc.nat(), oddNumber)),
  employeeId: nullable(fc.oneof(fc.constant('E1004'), oddString)),
  data,
  documents: fc.oneof(fc.array(fc.oneof(sha256Hex, oddString), { maxLength: 3 }), fc.constant([1] as unknown as string[])),
  casePrev: nullable(fc.oneof(sha256Hex, oddString)),
  caseSeq: nullable(fc.oneof(fc.nat(), oddNumber)),
}) as fc.Arbitrary<EntryBody>;

describe('entry bytes', () => {
  it('are the reference writer\'s canonical form of the whole body, refusals worded alike', () => {
    fc.assert(
      fc.property(body, (b) => {
        expect(outcomeOf(() => entryBytes(b))).toBe(outcomeOf(() => canonicalJsonByWriter({ ...b })));
      }),
      { numRuns: 3000 },
    );
  });

  it('write a usual body in key order and read it back', () => {
    const b: EntryBody = {
      v: 1, index: 7, atMs: 1772413200000, kind: 'step_fired', caseId: 3, employeeId: 'E1004',
      data: { step: 'reminder_1', at: '09:00', n: -0 }, documents: ['ab'.repeat(32)], casePrev: null, caseSeq: 2,
    };
    const text = entryBytes(b);
    expect(text).toBe(`{"atMs":1772413200000,"caseId":3,"casePrev":null,"caseSeq":2,"data":{"at":"09:00","n":0,"step":"reminder_1"},"documents":["${'ab'.repeat(32)}"],"employeeId":"E1004","index":7,"kind":"step_fired","v":1}`);
    const back = parseEntryBody(text);
    if (!back.ok) throw new Error(back.problem);
    expect(entryBytes(back.body)).toBe(text);
  });

  it('take a body with extra or missing keys through the whole-body writer', () => {
    const b = { v: 1, index: 0, atMs: 0, kind: 'k', caseId: null, employeeId: null, data: null, documents: [], casePrev: null, caseSeq: null };
    const extra = { ...b, zz: 'extra' } as EntryBody;
    expect(entryBytes(extra)).toBe(canonicalJsonByWriter(extra));
    expect(entryBytes(extra)).toContain('"zz":"extra"');
    const { caseSeq: _dropped, ...fewer } = b;
    expect(entryBytes(fewer as unknown as EntryBody)).toBe(canonicalJsonByWriter(fewer));
  });

  it('refuse data JSON cannot carry, naming the place from the body\'s root', () => {
    const b: EntryBody = { v: 1, index: 0, atMs: 0, kind: 'k', caseId: null, employeeId: null, data: { when: new Date(0) } as never, documents: [], casePrev: null, caseSeq: null };
    const err = hubErrorOf(() => entryBytes(b));
    expect(err.code).toBe('EVIDENCE');
    expect(err.message).toMatch(/\$\.data\.when: a Date is not a plain object/);
    expect(hubErrorOf(() => entryBytes({ ...b, data: null, employeeId: 'x\ud800' })).message).toMatch(/\$\.employeeId: .*lone UTF-16 surrogate/);
  });
});
