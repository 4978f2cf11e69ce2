import { describe, expect, it } from 'vitest';
import { openHubDatabase } from '../../../hub/db/database.js';
import { EvidenceLog, type EvidenceFact } from '../../../hub/evidence/log.js';
import { rootOf } from '../../../hub/evidence/merkle.js';
import { silent } from '../../helpers/temp.js';
import { hubErrorOf } from '../hub-error.js';
import { expectChainsIntact, factsOf, headsOf, leavesOf, storeDocuments, type EvidenceWorld, expectProofsMatchDefinition, worldsPerTest } from './evidence-db.js';

const world = worldsPerTest();

describe('evidence log: appending many facts at once', () => {
  it('gives the same bodies, leaf hashes, chains and roots as the same facts appended one by one', () => {
    const one = world();
    const many = world();
    const documents = storeDocuments(one.log);
    expect(storeDocuments(many.log)).toEqual(documents);
    const facts = factsOf(700, documents);
    const singly = facts.map((f) => one.log.append(f));
    // Batches of several sizes, across stored-node boundaries; one inside a caller's transaction.
    const cuts = [0, 1, 2, 17, 100, 333, 334, 600, 700];
    const batched: Array<{ index: number; leafHash: string }> = [];
    for (let k = 1; k < cuts.length; k++) {
      const part = facts.slice(cuts[k - 1], cuts[k]);
      if (k === 4) many.db.transaction(() => batched.push(...many.log.appendMany(part)))();
      else batched.push(...many.log.appendMany(part));
    }
    expect(batched).toEqual(singly);
    expect(batched.map((r) => r.index)).toEqual(facts.map((_, i) => i));
    for (let i = 0; i < facts.length; i++) expect(many.log.entry(i)).toEqual(one.log.entry(i));
    expect(headsOf(many)).toEqual(headsOf(one));
    expectChainsIntact(many);
    const leaves = leavesOf(many.log);
    for (const size of [1, 15, 16, 17, 255, 256, 257, 500, 700]) expect(many.log.root(size).equals(rootOf(leaves.slice(0, size)))).toBe(true);
    expect(many.db.prepare('SELECT count(*) FROM evidence_nodes').pluck().get()).toBe(one.db.prepare('SELECT count(*) FROM evidence_nodes').pluck().get());
    expect(many.log.appendMany([])).toEqual([]);
  });

  it('proves every entry of a batched log against the definition, at random sizes', () => {
    const w = world();
    const facts = factsOf(3000, []);
    for (let start = 0; start < facts.length; start += 1000) w.log.appendMany(facts.slice(start, start + 1000));
    const leaves = leavesOf(w.log);
    expectProofsMatchDefinition(w.log, leaves, 60, 99);
  });

  it('writes nothing of a batch with one bad fact, and the next batch continues where the log was', () => {
    const w = world();
    const documents = storeDocuments(w.log);
    w.log.appendMany(factsOf(40, documents));
    const heads = headsOf(w);
    const root = w.log.root();
    const next = factsOf(300, documents, 40);
    const bad: Array<[EvidenceFact, RegExp]> = [
      [{ kind: 'Bad Kind', atMs: 0, data: null }, /^evidence entry refused: kind "Bad Kind"/],
      [{ kind: 'x', caseId: 1, atMs: 0, data: { when: Number.NaN } }, /^cannot write canonical JSON at \$\.data\.when: the number NaN/],
      [{ kind: 'x', caseId: 2, atMs: 0, data: null, documents: ['cd'.repeat(32)] }, new RegExp(`^evidence entry "x" relies on document ${'cd'.repeat(32)}, which is not stored`)],
    ];
    for (const [fact, message] of bad) {
      // Late in the batch, after the first rows have gone to the database.
      const batch = [...next.slice(0, 270), fact, ...next.slice(270)];
      const err = hubErrorOf(() => w.log.appendMany(batch));
      expect([err.code, err.message]).toEqual(['EVIDENCE', expect.stringMatching(message)]);
      expect(w.log.size()).toBe(40);
      expect(headsOf(w)).toEqual(heads);
      expect(w.log.root().equals(root)).toBe(true);
    }
    w.log.appendMany(next);
    expect(w.log.size()).toBe(340);
    expectChainsIntact(w);
    expect(w.log.root().equals(rootOf(leavesOf(w.log)))).toBe(true);
  });

  it('leaves the next append correct after a caller rolls back its transaction, case heads included', () => {
    const w = world();
    w.log.appendMany(factsOf(30, []));
    const heads = headsOf(w);
    expect(() =>
      w.db.transaction(() => {
        w.log.appendMany(factsOf(200, [], 30));
        w.log.append({ kind: 'case_opened', caseId: 9, atMs: 0, data: null });
        throw new Error('the caller changed its mind');
      })(),
    ).toThrow('the caller changed its mind');
    expect(w.log.size()).toBe(30);
    expect(headsOf(w)).toEqual(heads);
    // Other facts than the rolled-back ones, so a stale cache would show in the chains.
    const after = factsOf(60, [], 5000);
    w.log.appendMany(after.slice(0, 20));
    expect(w.log.append({ kind: 'case_opened', caseId: 9, atMs: 0, data: null })).toMatchObject({ index: 50 });
    w.log.appendMany(after.slice(20));
    expect(w.log.caseEntries(9).map((e) => [e.index, e.caseSeq])).toEqual([[50, 1]]);
    expectChainsIntact(w);
    expect(w.log.root().equals(rootOf(leavesOf(w.log)))).toBe(true);
  });

  it('chains on what another process appended to the same cases, not on its own cached heads', () => {
    const w = world();
    w.log.appendMany(factsOf(25, []));
    const other = new EvidenceLog({ db: openHubDatabase({ path: w.dir.file('hub.sqlite'), logger: silent }), key: w.key, logger: silent });
    try {
      other.appendMany([1, 2, 3, 4, 5].map((caseId) => ({ kind: 'reminder_sent', caseId, atMs: 1, data: 'from the other process' })));
      w.log.appendMany(factsOf(25, [], 25));
      other.append({ kind: 'reminder_sent', caseId: 3, atMs: 2, data: 'again' });
      w.log.append({ kind: 'reminder_sent', caseId: 3, atMs: 3, data: 'here' });
    } finally {
      other.db.close();
    }
    expect(w.log.size()).toBe(57);
    expectChainsIntact(w);
    expect(w.log.root().equals(rootOf(leavesOf(w.log)))).toBe(true);
  });

  it('reports a case chain that does not hold together rather than returning part of it', () => {
    const w = world();
    w.log.appendMany([1, 2, 1, 1].map((caseId) => ({ kind: 'reminder_sent', caseId, atMs: 0, data: null })));
    expect(w.log.caseEntries(1).map((e) => e.index)).toEqual([0, 2, 3]);
    // The heads are an index, not evidence, so the database lets them change; a wrong one is caught.
    w.db.prepare('UPDATE evidence_case_heads SET idx = 1 WHERE case_id = 1').run();
    expect(hubErrorOf(() => w.log.caseEntries(1)).message).toBe("case 1's chain of evidence entries is broken at entry 1 (place 3): the log is inconsistent");
    w.db.prepare('UPDATE evidence_case_heads SET idx = 3, case_seq = 4 WHERE case_id = 1').run();
    expect(hubErrorOf(() => w.log.caseEntries(1)).message).toMatch(/broken at entry 3 \(place 4\)/);
    w.db.prepare('UPDATE evidence_case_heads SET case_seq = 3, leaf_hash = zeroblob(32) WHERE case_id = 1').run();
    expect(hubErrorOf(() => w.log.caseEntries(1)).message).toMatch(/broken at entry 3 \(place 3\)/);
  });
});
