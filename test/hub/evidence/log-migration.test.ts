import { afterEach, describe, expect, it } from 'vitest';
import { openHubDatabase, type HubDatabase } from '../../../hub/db/database.js';
import { entryBytes } from '../../../hub/evidence/entry-body.js';
import { generateEvidenceKey } from '../../../hub/evidence/keys.js';
import { EvidenceLog, type EvidenceFact } from '../../../hub/evidence/log.js';
import { appendToEdge, leafHash, rootOf, verifyConsistency, verifyInclusion } from '../../../hub/evidence/merkle.js';
import { EVIDENCE_MIGRATIONS } from '../../../hub/evidence/schema.js';
import { silent, tempDir } from '../../helpers/temp.js';
import { expectChainsIntact, factsOf, headsOf, leavesOf } from './evidence-db.js';

const dirs: Array<ReturnType<typeof tempDir>> = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.cleanup();
});

/**
 * Writes facts into an evidence-1 database as the log did before evidence-2: the case's previous
 * entry found through (case_id, case_seq), and an inner node stored for every complete subtree.
 */
function appendAsEvidence1(db: HubDatabase, facts: readonly EvidenceFact[]): void {
  const insertEntry = db.prepare('INSERT INTO evidence_entries (idx, at_ms, kind, case_id, case_seq, employee_id, body, leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const insertNode = db.prepare('INSERT INTO evidence_nodes (level, idx, hash) VALUES (?, ?, ?)');
  const caseHead = db.prepare('SELECT leaf_hash, case_seq FROM evidence_entries WHERE case_id = ? ORDER BY case_seq DESC LIMIT 1');
  const edge: Array<Uint8Array | undefined> = [];
  db.transaction(() => {
    facts.forEach((fact, index) => {
      const caseId = fact.caseId ?? null;
      const prev = caseId === null ? undefined : (caseHead.get(caseId) as { leaf_hash: Buffer; case_seq: number } | undefined);
      const caseSeq = caseId === null ? null : (prev?.case_seq ?? 0) + 1;
      const body = entryBytes({
        v: 1,
        index,
        kind: fact.kind,
        atMs: fact.atMs,
        caseId,
        employeeId: fact.employeeId ?? null,
        data: fact.data,
        documents: [...(fact.documents ?? [])],
        casePrev: prev === undefined ? null : prev.leaf_hash.toString('hex'),
        caseSeq,
      });
      const leaf = leafHash(Buffer.from(body, 'utf8'));
      insertEntry.run(index, fact.atMs, fact.kind, caseId, caseSeq, fact.employeeId ?? null, body, leaf);
      appendToEdge(edge, index, leaf, (level, i, hash) => insertNode.run(level, i, hash));
    });
  })();
}

describe('evidence log: the evidence-2 migration', () => {
  it('turns an evidence-1 database with several cases into one whose chains walk, heads are right and appends continue', () => {
    const dir = tempDir('rollcall-evidence-migration-');
    dirs.push(dir);
    const path = dir.file('hub.sqlite');
    const old = openHubDatabase({ path, logger: silent, migrations: EVIDENCE_MIGRATIONS.slice(0, 1) });
    // Five busy cases, and one with a single entry.
    const before = [...factsOf(299, []), { kind: 'case_opened', caseId: 42, atMs: 5, data: { only: true } }];
    appendAsEvidence1(old, before);
    // Every complete subtree of two or more leaves: 300 = 0b100101100.
    expect(old.prepare('SELECT count(*) FROM evidence_nodes').pluck().get()).toBe(300 - 4);
    const oldEntries = old.prepare('SELECT idx, body, leaf_hash FROM evidence_entries ORDER BY idx').all();
    old.close();

    const db = openHubDatabase({ path, logger: silent, migrations: EVIDENCE_MIGRATIONS });
    try {
      const log = new EvidenceLog({ db, key: generateEvidenceKey(), logger: silent });
      expect(db.prepare("SELECT name FROM schema_migrations WHERE name LIKE 'evidence-%' ORDER BY name").pluck().all()).toEqual(['evidence-1', 'evidence-2']);
      expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'evidence_entries_case'").get()).toBeUndefined();
      // The entries are what they were; only the new column was filled in.
      expect(db.prepare('SELECT idx, body, leaf_hash FROM evidence_entries ORDER BY idx').all()).toEqual(oldEntries);
      const prevIdx = db.prepare('SELECT idx, case_id, case_prev_idx FROM evidence_entries ORDER BY idx').all() as Array<{ idx: number; case_id: number | null; case_prev_idx: number | null }>;
      const last = new Map<number, number>();
      for (const r of prevIdx) {
        expect(r.case_prev_idx, `entry ${r.idx}`).toBe(r.case_id === null ? null : (last.get(r.case_id) ?? null));
        if (r.case_id !== null) last.set(r.case_id, r.idx);
      }
      expect((headsOf({ db }) as Array<{ case_id: number }>).map((h) => h.case_id)).toEqual([1, 2, 3, 4, 5, 42]);
      expectChainsIntact({ db, log });

      // Roots and proofs from the nodes stored at every level before, and from the leaves now.
      let leaves = leavesOf(log);
      for (const size of [1, 7, 8, 9, 16, 100, 255, 256, 257, 300]) {
        const root = rootOf(leaves.slice(0, size));
        expect(log.root(size).equals(root)).toBe(true);
        const index = Math.floor(size * 0.7);
        expect(verifyInclusion(leaves[index]!, index, size, log.inclusionProof(index, size), root)).toBe(true);
        const first = Math.ceil(size / 3);
        expect(verifyConsistency(first, size, log.consistencyProof(first, size), rootOf(leaves.slice(0, first)), root)).toBe(true);
      }

      // Appending continues every chain, one by one and in a batch, and adds only nodes from level 4 up.
      log.append({ kind: 'case.step_fired', caseId: 3, atMs: 1, data: 'one by one' });
      log.appendMany([{ kind: 'case_closed', caseId: 42, atMs: 6, data: null }, ...factsOf(399, [], 301)]);
      expect(log.caseEntries(42).map((e) => [e.index, e.caseSeq])).toEqual([[299, 1], [301, 2]]);
      expect(log.size()).toBe(701);
      expectChainsIntact({ db, log });
      leaves = leavesOf(log);
      expect(log.root().equals(rootOf(leaves))).toBe(true);
      for (const size of [301, 320, 512, 700]) expect(log.root(size).equals(rootOf(leaves.slice(0, size)))).toBe(true);
      expect(db.prepare('SELECT count(*) FROM evidence_nodes WHERE level < 4 AND idx * (1 << level) >= 300').pluck().get()).toBe(0);

      // Still append-only.
      for (const sql of ["UPDATE evidence_entries SET body = '{}' WHERE idx = 1", 'UPDATE evidence_entries SET case_prev_idx = 0 WHERE idx = 5', 'DELETE FROM evidence_entries WHERE idx = 700']) {
        expect(() => db.exec(sql), sql).toThrow(/append-only/);
      }
    } finally {
      db.close();
    }
  });

  it('migrates an empty evidence-1 database', () => {
    const dir = tempDir('rollcall-evidence-migration-');
    dirs.push(dir);
    const path = dir.file('hub.sqlite');
    openHubDatabase({ path, logger: silent, migrations: EVIDENCE_MIGRATIONS.slice(0, 1) }).close();
    const db = openHubDatabase({ path, logger: silent, migrations: EVIDENCE_MIGRATIONS });
    try {
      const log = new EvidenceLog({ db, key: generateEvidenceKey(), logger: silent });
      expect(headsOf({ db })).toEqual([]);
      log.appendMany(factsOf(20, []));
      expectChainsIntact({ db, log });
    } finally {
      db.close();
    }
  });
});
