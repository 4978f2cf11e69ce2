import { verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openHubDatabase } from '../../../hub/db/database.js';
import { parseCheckpointText } from '../../../hub/evidence/checkpoint.js';
import { parseEntryBody } from '../../../hub/evidence/entry-body.js';
import { EvidenceLog } from '../../../hub/evidence/log.js';
import { leafHash, rootOf, verifyConsistency, verifyInclusion } from '../../../hub/evidence/merkle.js';
import { silent } from '../../helpers/temp.js';
import { hubErrorOf } from '../hub-error.js';
import { NOTICE_PDF, seedCase, type EvidenceWorld, expectProofsMatchDefinition, worldsPerTest } from './evidence-db.js';

const world = worldsPerTest();

describe('evidence log', () => {
  it('appends canonical entries at the next index, chaining each case\'s entries', () => {
    const w = world();
    const { notice } = seedCase(w);
    expect(w.log.size()).toBe(9);
    const case7 = w.log.caseEntries(7);
    expect(case7.map((e) => [e.index, e.caseSeq, e.kind])).toEqual([
      [1, 1, 'case_opened'],
      [3, 2, 'reminder_sent'],
      [5, 3, 'notice_issued'],
      [7, 4, 'notice_delivered'],
    ]);
    const bodies = case7.map((e) => {
      const parsed = parseEntryBody(e.body);
      if (!parsed.ok) throw new Error(parsed.problem);
      return parsed.body;
    });
    expect(bodies.map((b) => b.casePrev)).toEqual([null, ...case7.slice(0, -1).map((e) => e.leafHash.toString('hex'))]);
    expect(bodies[2]).toMatchObject({ v: 1, index: 5, caseId: 7, employeeId: 'E1004', documents: [notice], data: { notice: 'return_to_work', deadline: '2026-03-09' } });
    // The stored body is exactly what is hashed, keys in canonical order.
    for (const e of case7) expect(leafHash(Buffer.from(e.body, 'utf8')).equals(e.leafHash)).toBe(true);
    expect(case7[0]!.body).toBe(
      '{"atMs":1772413200000,"caseId":7,"casePrev":null,"caseSeq":1,"data":{"dates":["2026-02-27","2026-03-02"],"reason":"consecutive"},"documents":[],"employeeId":"E1004","index":1,"kind":"case_opened","v":1}',
    );
    const free = w.log.entry(0)!;
    expect([free.caseId, free.caseSeq, JSON.parse(free.body).casePrev]).toEqual([null, null, null]);
    expect(w.log.caseEntries(8).map((e) => e.caseSeq)).toEqual([1, 2, 3]);
    expect(w.log.caseEntries(99)).toEqual([]);
  });

  it('stores documents once per content and refuses an entry relying on one not stored', () => {
    const w = world();
    const sha = w.log.storeDocument(NOTICE_PDF, 'application/pdf', 'notice.pdf');
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    expect(w.log.storeDocument(NOTICE_PDF, 'application/pdf', 'renamed.pdf')).toBe(sha);
    expect(w.log.document(sha)).toMatchObject({ sha256: sha, mediaType: 'application/pdf', name: 'notice.pdf', bytes: NOTICE_PDF });
    const missing = 'ab'.repeat(32);
    const err = hubErrorOf(() => w.log.append({ kind: 'notice_issued', caseId: 1, atMs: 0, data: {}, documents: [sha, missing] }));
    expect([err.code, err.message]).toEqual(['EVIDENCE', `evidence entry "notice_issued" relies on document ${missing}, which is not stored; store it first`]);
    expect(w.log.size()).toBe(0);
    expect(hubErrorOf(() => w.log.storeDocument(NOTICE_PDF, 'pdf', 'x')).message).toMatch(/not a media type/);
  });

  it('refuses malformed facts before writing anything', () => {
    const w = world();
    const cases: [Parameters<typeof w.log.append>[0], RegExp][] = [
      [{ kind: 'Bad Kind', atMs: 0, data: null }, /kind "Bad Kind"/],
      [{ kind: 'x', atMs: 1.5, data: null }, /atMs 1.5/],
      [{ kind: 'x', caseId: 2.5, atMs: 0, data: null }, /caseId 2.5/],
      [{ kind: 'x', atMs: 0, data: { at: Number.NaN } }, /canonical JSON at \$\.data\.at/],
      [{ kind: 'x', atMs: 0, data: null, documents: ['ABC'] }, /not a lower-case SHA-256/],
    ];
    for (const [fact, message] of cases) expect(hubErrorOf(() => w.log.append(fact)).message).toMatch(message);
    expect(w.log.size()).toBe(0);
  });

  it('signs checkpoints anyone can verify, one per tree size, and proves a later one extends an earlier one', () => {
    const w = world();
    seedCase(w);
    const first = w.log.checkpoint();
    expect(first.treeSize).toBe(9);
    expect(first.rootHash.equals(rootOf(Array.from({ length: 9 }, (_, i) => w.log.entry(i)!.leafHash)))).toBe(true);
    expect(verify(null, Buffer.from(first.text), w.key.publicKey, first.signature)).toBe(true);
    expect(first.text).toBe(`rollcall evidence checkpoint v1\nkey ${w.key.keyId}\nsize 9\nroot ${first.rootHash.toString('base64')}\ntime 2026-03-06T01:00:00.000Z\n`);
    expect(parseCheckpointText(first.text)).toEqual({ ok: true, fields: { keyId: w.key.keyId, treeSize: 9, rootHash: first.rootHash, atMs: first.atMs } });
    w.clock.ms += 1000;
    expect(w.log.checkpoint()).toEqual(first);
    w.log.append({ kind: 'detection_run', atMs: w.clock.ms, data: null });
    w.log.append({ kind: 'detection_run', atMs: w.clock.ms, data: null });
    const second = w.log.checkpoint();
    expect(second.treeSize).toBe(11);
    expect(w.log.latestCheckpoint()).toEqual(second);
    expect(w.log.checkpointAt(9)).toEqual(first);
    expect(verifyConsistency(9, 11, w.log.consistencyProof(9, 11), first.rootHash, second.rootHash)).toBe(true);
    expect(verifyConsistency(9, 11, w.log.consistencyProof(9, 11), first.rootHash, w.log.root(10))).toBe(false);
    expect(hubErrorOf(() => w.log.inclusionProof(0, 12)).message).toBe('the evidence log has 11 entries, not 12');
  });

  it('is append-only in the database itself: UPDATE, DELETE and an out-of-order INSERT are refused', () => {
    const w = world();
    seedCase(w);
    // 16 entries make the first stored node, the subtree (4, 0).
    for (let i = 0; i < 8; i++) w.log.append({ kind: 'detection_run', atMs: w.clock.ms, data: i });
    w.log.checkpoint();
    expect(w.db.prepare('SELECT level, idx FROM evidence_nodes').all()).toEqual([{ level: 4, idx: 0 }]);
    const refused = [
      "UPDATE evidence_entries SET body = '{}' WHERE idx = 1",
      'UPDATE evidence_entries SET case_prev_idx = NULL WHERE idx = 3',
      'DELETE FROM evidence_entries WHERE idx = 8',
      "UPDATE evidence_documents SET name = 'other.pdf'",
      'DELETE FROM evidence_documents',
      'UPDATE evidence_nodes SET hash = zeroblob(32) WHERE level = 4 AND idx = 0',
      'DELETE FROM evidence_nodes',
      'UPDATE evidence_checkpoints SET tree_size = 3',
      'DELETE FROM evidence_checkpoints',
      "INSERT INTO evidence_entries (idx, at_ms, kind, body, leaf_hash) VALUES (20, 0, 'x', '{}', zeroblob(32))",
    ];
    for (const sql of refused) expect(() => w.db.exec(sql), sql).toThrow(/append-only|next index/);
    // A case's chain points back, never forward or at itself.
    expect(() => w.db.prepare("INSERT INTO evidence_entries (idx, at_ms, kind, case_id, case_seq, body, leaf_hash, case_prev_idx) VALUES (17, 0, 'x', 7, 5, '{}', zeroblob(32), 17)").run()).toThrow(/CHECK/);
    expect(w.log.size()).toBe(17);
    expect(w.log.caseEntries(7)).toHaveLength(4);
  });

  it('appends inside a caller\'s transaction, and a rollback takes the entry with it', () => {
    const w = world();
    w.log.append({ kind: 'detection_run', atMs: 0, data: null });
    expect(() =>
      w.db.transaction(() => {
        w.log.append({ kind: 'case_opened', caseId: 1, atMs: 0, data: null });
        w.log.append({ kind: 'reminder_sent', caseId: 1, atMs: 0, data: null });
        throw new Error('the caller changed its mind');
      })(),
    ).toThrow('the caller changed its mind');
    expect(w.log.size()).toBe(1);
    expect(w.log.append({ kind: 'case_opened', caseId: 1, atMs: 0, data: null })).toMatchObject({ index: 1 });
    expect(w.log.root().equals(rootOf([w.log.entry(0)!.leafHash, w.log.entry(1)!.leafHash]))).toBe(true);
  });

  it('builds on the tree as stored, not as this log last left it: after a rollback, and after another process appended', () => {
    const w = world();
    for (let i = 0; i < 5; i++) w.log.append({ kind: 'detection_run', atMs: i, data: i });
    // Rolled back after one append: the log is back at 5 entries.
    expect(() => w.db.transaction(() => {
      w.log.append({ kind: 'detection_run', atMs: 99, data: 'rolled back' });
      throw new Error('rollback');
    })()).toThrow('rollback');
    // Another connection (another hub process) appends the 6th entry: same size as this log last saw.
    const other = new EvidenceLog({ db: openHubDatabase({ path: w.dir.file('hub.sqlite'), logger: silent }), key: w.key, logger: silent });
    other.append({ kind: 'detection_run', atMs: 5, data: 'from the other process' });
    other.db.close();
    for (let i = 6; i < 11; i++) w.log.append({ kind: 'detection_run', atMs: i, data: i });
    const leaves = Array.from({ length: 11 }, (_, i) => w.log.entry(i)!.leafHash);
    expect(w.log.root().equals(rootOf(leaves))).toBe(true);
    for (let i = 0; i < 11; i++) expect(verifyInclusion(leaves[i]!, i, 11, w.log.inclusionProof(i), rootOf(leaves))).toBe(true);
  });

  it('keeps 10,000 entries whose stored-node roots and proofs match the definition', () => {
    const w = world();
    const n = 10_000;
    const leaves: Buffer[] = [];
    w.db.transaction(() => {
      for (let i = 0; i < n; i++) {
        const { leafHash: hash } = w.log.append({ kind: 'punch_batch', caseId: i % 97 === 0 ? 1 : null, atMs: i, data: { i } });
        leaves.push(Buffer.from(hash, 'hex'));
      }
    })();
    expect(w.log.size()).toBe(n);
    // Every complete subtree of 16 or more leaves, and nothing else: the lower levels are read from the leaves.
    const complete = (level: number): number => Math.floor(n / 2 ** level);
    expect(w.db.prepare('SELECT count(*) FROM evidence_nodes').pluck().get()).toBe(Array.from({ length: 14 }, (_, k) => complete(k + 4)).reduce((a, b) => a + b));
    expect(w.db.prepare('SELECT min(level) FROM evidence_nodes').pluck().get()).toBe(4);
    expectProofsMatchDefinition(w.log, leaves, 40, 12345);
    expect(w.log.root().equals(rootOf(leaves))).toBe(true);
    expect(w.log.caseEntries(1).map((e) => e.caseSeq)).toEqual(Array.from({ length: Math.ceil(n / 97) }, (_, i) => i + 1));
  });

  it('is one of the hub\'s migrations', () => {
    const w = world();
    const db = openHubDatabase({ path: w.dir.file('all.sqlite'), logger: silent });
    try {
      expect(db.prepare("SELECT name FROM schema_migrations WHERE name LIKE 'evidence-%' ORDER BY name").pluck().all()).toEqual(['evidence-1', 'evidence-2']);
    } finally {
      db.close();
    }
  });
});
