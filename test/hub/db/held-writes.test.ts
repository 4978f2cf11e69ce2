import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openHubDatabase, writeImmediate, type HubDatabase } from '../../../hub/db/database.js';
import { HeldWrites, WriteScope } from '../../../hub/db/held-writes.js';
import { ManyRows } from '../../../hub/db/insert-rows.js';
import { silent, tempDir } from '../../helpers/temp.js';

describe('held writes: rows written together at the commit, or not at all', () => {
  const dir = tempDir('held-writes-');
  let db: HubDatabase;
  afterEach(() => db?.close());
  afterAll(() => dir.cleanup());

  const world = () => {
    db = openHubDatabase({ path: dir.file(`h-${Math.random().toString(36).slice(2)}.sqlite`), logger: silent, migrations: [{ name: 't-1', sql: 'CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL) STRICT;' }] });
    const scope = new WriteScope();
    const inserter = new ManyRows(db, 'INSERT INTO t (k, v)', 2);
    const rows = new HeldWrites<[number, string]>(scope, (items) => inserter.insertAll(items));
    const write = <T>(work: () => T): T => writeImmediate(db, 'test', 'write', () => scope.run(work));
    const stored = (): Array<[number, string]> => db.prepare('SELECT k, v FROM t ORDER BY k').raw().all() as Array<[number, string]>;
    return { scope, rows, write, stored };
  };

  it('writes what was held when the transaction commits, in multi-row statements of any length', () => {
    const w = world();
    w.write(() => {
      for (let k = 1; k <= 301; k++) w.rows.hold([k, `v${k}`]);
      expect(w.stored()).toEqual([]);
    });
    expect(w.stored()).toHaveLength(301);
    expect(w.stored()[300]).toEqual([301, 'v301']);
  });

  it('drops what was held when the work throws, and what a rolled-back savepoint held, keeping the rest', () => {
    const w = world();
    expect(() => w.write(() => {
      w.rows.hold([1, 'lost']);
      throw new Error('the work changed its mind');
    })).toThrow('the work changed its mind');
    expect(w.stored()).toEqual([]);
    w.write(() => {
      w.rows.hold([1, 'outer']);
      expect(() => w.write(() => {
        w.rows.hold([2, 'inner']);
        throw new Error('inner');
      })).toThrow('inner');
      w.write(() => w.rows.hold([3, 'inner kept']));
    });
    expect(w.stored()).toEqual([[1, 'outer'], [3, 'inner kept']]);
  });

  it('rolls the whole transaction back when writing what was held fails at the commit', () => {
    const w = world();
    w.write(() => w.rows.hold([1, 'first']));
    expect(() => w.write(() => {
      w.rows.hold([2, 'second']);
      w.rows.hold([1, 'a duplicate key']);
    })).toThrow(/UNIQUE/);
    expect(w.stored()).toEqual([[1, 'first']]);
    w.write(() => w.rows.hold([2, 'again']));
    expect(w.stored()).toEqual([[1, 'first'], [2, 'again']]);
  });

  it('tells the queue what is still held after a rollback, so an index kept beside it can be mended', () => {
    const w = world();
    const told: string[][] = [];
    const keys = new HeldWrites<string>(w.scope, () => undefined, (remaining) => told.push([...remaining]));
    w.write(() => {
      keys.hold('outer');
      expect(() => w.write(() => {
        keys.hold('inner');
        throw new Error('inner');
      })).toThrow('inner');
    });
    expect(told).toEqual([['outer']]);
  });

  it('fails the transaction when a savepoint that wrote rows held around it is rolled back, rather than commit without them', () => {
    const w = world();
    expect(() => w.write(() => {
      w.rows.hold([1, 'held by the outer work']);
      expect(() => w.write(() => {
        w.rows.flush();
        throw new Error('inner');
      })).toThrow('inner');
    })).toThrow('rolled back with a savepoint');
    expect(w.stored()).toEqual([]);
    // The next transaction starts clean.
    w.write(() => w.rows.hold([2, 'next']));
    expect(w.stored()).toEqual([[2, 'next']]);
  });

  it('refuses to hold a write outside a transaction, where it would never be written', () => {
    const w = world();
    expect(() => w.rows.hold([1, 'nowhere'])).toThrow('a write was held outside a transaction');
  });

  it('flushes on demand, for a statement in the same transaction that must see the rows', () => {
    const w = world();
    w.write(() => {
      w.rows.hold([1, 'now']);
      w.rows.flush();
      expect(w.stored()).toEqual([[1, 'now']]);
    });
  });
});
