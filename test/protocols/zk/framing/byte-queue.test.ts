import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteQueue } from '../../../../protocols/zk/index.js';

function queueOf(...chunks: number[][]): ByteQueue {
  const q = new ByteQueue();
  for (const c of chunks) q.push(Buffer.from(c));
  return q;
}

describe('ByteQueue', () => {
  it('counts pushed bytes and ignores empty chunks', () => {
    const q = queueOf([1, 2], [], [3]);
    expect(q.length).toBe(3);
    q.clear();
    expect(q.length).toBe(0);
    expect(q.indexOf(Buffer.from([1]))).toBe(-1);
  });

  it('byteAt reads across chunks and throws RangeError past the end', () => {
    const q = queueOf([1, 2], [3], [4, 5, 6]);
    expect([0, 1, 2, 3, 5].map((i) => q.byteAt(i))).toEqual([1, 2, 3, 4, 6]);
    q.skip(3);
    expect(q.byteAt(0)).toBe(4);
    expect(() => q.byteAt(3)).toThrow(RangeError);
  });

  it('peek inside the head chunk is a view; across chunks a copy; neither consumes', () => {
    const head = Buffer.from([1, 2, 3, 4]);
    const q = new ByteQueue();
    q.push(head);
    q.push(Buffer.from([5, 6]));
    const view = q.peek(3);
    head[0] = 9;
    expect([...view]).toEqual([9, 2, 3]);
    expect([...q.peek(6)]).toEqual([9, 2, 3, 4, 5, 6]);
    expect([...q.peek(6)]).toEqual([9, 2, 3, 4, 5, 6]);
    expect(q.length).toBe(6);
  });

  it('a peek that ends inside a chunk leaves the rest of that chunk intact (regression)', () => {
    const q = queueOf([1, 2, 3, 4], [5, 6, 7, 8, 9, 10]);
    expect([...q.peek(6)]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(q.length).toBe(10);
    expect([...q.peek(10)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect([...q.take(7)]).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect([...q.take(3)]).toEqual([8, 9, 10]);
    expect(q.length).toBe(0);
  });

  it('take and skip consume across chunks; skip past the end empties the queue', () => {
    const q = queueOf([1, 2], [3, 4, 5], [6]);
    expect([...q.take(3)]).toEqual([1, 2, 3]);
    q.skip(1);
    expect([...q.take(2)]).toEqual([5, 6]);
    q.push(Buffer.from([7, 8]));
    q.skip(100);
    expect(q.length).toBe(0);
    q.push(Buffer.from([9]));
    expect([...q.take(1)]).toEqual([9]);
  });

  it('indexOf finds patterns inside a chunk, across two chunks and across many', () => {
    const pat = Buffer.from([0x50, 0x50, 0x82, 0x7d]);
    expect(queueOf([0, 0x50, 0x50, 0x82, 0x7d]).indexOf(pat)).toBe(1);
    expect(queueOf([0, 0, 0x50], [0x50, 0x82, 0x7d, 0]).indexOf(pat)).toBe(2);
    expect(queueOf([0x50], [0x50], [0x82], [0x7d]).indexOf(pat)).toBe(0);
    expect(queueOf([0x50, 0x50, 0x82]).indexOf(pat)).toBe(-1); // partial at the end
    expect(queueOf([0x50, 0x50], [0x82, 0x50, 0x50, 0x82], [0x7d]).indexOf(pat)).toBe(3);
  });

  it('indexOf honours `from` and the consumed offset', () => {
    const pat = Buffer.from([7, 7]);
    const q = queueOf([7, 7, 1, 7], [7, 2, 7, 7]);
    expect(q.indexOf(pat)).toBe(0);
    expect(q.indexOf(pat, 1)).toBe(3);
    expect(q.indexOf(pat, 4)).toBe(6);
    expect(q.indexOf(pat, 7)).toBe(-1);
    q.skip(2);
    expect(q.indexOf(pat)).toBe(1);
    expect(q.indexOf(pat, 2)).toBe(4);
  });

  type Op =
    | { op: 'push'; bytes: number[] }
    | { op: 'peek' | 'take' | 'skip'; n: number }
    | { op: 'byteAt'; i: number }
    | { op: 'indexOf'; pattern: number[]; from: number };

  it('behaves like one flat buffer under any sequence of operations (model-based)', () => {
    const small = fc.integer({ min: 0, max: 3 }); // few distinct values: patterns match often
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ op: fc.constant('push' as const), bytes: fc.array(small, { maxLength: 9 }) }),
      fc.record({ op: fc.constantFrom('peek' as const, 'take' as const, 'skip' as const), n: fc.nat({ max: 20 }) }),
      fc.record({ op: fc.constant('byteAt' as const), i: fc.nat({ max: 30 }) }),
      fc.record({ op: fc.constant('indexOf' as const), pattern: fc.array(small, { minLength: 1, maxLength: 4 }), from: fc.nat({ max: 10 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const q = new ByteQueue();
        let model = Buffer.alloc(0);
        for (const o of ops) {
          switch (o.op) {
            case 'push':
              q.push(Buffer.from(o.bytes));
              model = Buffer.concat([model, Buffer.from(o.bytes)]);
              break;
            case 'peek':
              if (o.n <= model.length) expect(q.peek(o.n)).toEqual(model.subarray(0, o.n));
              break;
            case 'take':
              if (o.n <= model.length) {
                expect(q.take(o.n)).toEqual(model.subarray(0, o.n));
                model = model.subarray(o.n);
              }
              break;
            case 'skip':
              q.skip(o.n);
              model = model.subarray(Math.min(o.n, model.length));
              break;
            case 'byteAt':
              if (o.i < model.length) expect(q.byteAt(o.i)).toBe(model[o.i]);
              break;
            case 'indexOf':
              expect(q.indexOf(Buffer.from(o.pattern), o.from)).toBe(model.indexOf(Buffer.from(o.pattern), o.from));
              break;
          }
          expect(q.length).toBe(model.length);
        }
        if (model.length > 0) expect(q.peek(model.length)).toEqual(model);
      }),
      { seed: 0xb0e, numRuns: 1500 },
    );
  });
});
