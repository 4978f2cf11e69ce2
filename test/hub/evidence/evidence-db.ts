import { afterEach, expect } from 'vitest';
import { openHubDatabase, type HubDatabase } from '../../../hub/db/database.js';
import { parseEntryBody } from '../../../hub/evidence/entry-body.js';
import { generateEvidenceKey, type EvidenceKey } from '../../../hub/evidence/keys.js';
import { EvidenceLog, type EvidenceFact } from '../../../hub/evidence/log.js';
import { rootOf, verifyConsistency, verifyInclusion } from '../../../hub/evidence/merkle.js';
import { EVIDENCE_MIGRATIONS } from '../../../hub/evidence/schema.js';
import { silent, tempDir } from '../../helpers/temp.js';

export interface EvidenceWorld {
  dir: ReturnType<typeof tempDir>;
  db: HubDatabase;
  key: EvidenceKey;
  clock: { ms: number };
  log: EvidenceLog;
}

/** A fresh SQLite file with the evidence tables, a key, a clock that moves only when told, and the log on them. */
/** Makes worlds for the tests of a file; each is closed and its folder removed after its test. */
export function worldsPerTest(): () => EvidenceWorld {
  const worlds: EvidenceWorld[] = [];
  afterEach(() => {
    for (const w of worlds.splice(0)) {
      w.db.close();
      w.dir.cleanup();
    }
  });
  return () => {
    const w = evidenceWorld();
    worlds.push(w);
    return w;
  };
}

export function evidenceWorld(start = Date.parse('2026-03-02T09:00:00+08:00')): EvidenceWorld {
  const dir = tempDir('rollcall-evidence-');
  const db = openHubDatabase({ path: dir.file('hub.sqlite'), logger: silent, migrations: EVIDENCE_MIGRATIONS });
  const key = generateEvidenceKey();
  const clock = { ms: start };
  const log = new EvidenceLog({ db, key, logger: silent, now: () => clock.ms });
  return { dir, db, key, clock, log };
}

export const NOTICE_PDF = Buffer.from('%PDF-1.4\n返岗通知书 E1004\n%%EOF\n', 'utf8');
export const RECEIPT_PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

/**
 * Case 7 of employee E1004 (no-show, reminders, a return-to-work notice with its delivery receipt)
 * interleaved with entries of case 8 and of no case, as a busy log would hold them.
 */
export function seedCase({ log, clock }: Pick<EvidenceWorld, 'log' | 'clock'>): { notice: string; receipt: string } {
  const day = 86_400_000;
  const notice = log.storeDocument(NOTICE_PDF, 'application/pdf', '返岗通知书-E1004.pdf');
  const receipt = log.storeDocument(RECEIPT_PNG, 'image/png', 'EMS 回执.png');
  log.append({ kind: 'detection_run', atMs: clock.ms, data: { site: 'shanghai-plant', date: '2026-03-02' } });
  log.append({ kind: 'case_opened', caseId: 7, employeeId: 'E1004', atMs: clock.ms, data: { reason: 'consecutive', dates: ['2026-02-27', '2026-03-02'] } });
  log.append({ kind: 'case_opened', caseId: 8, employeeId: 'E1005', atMs: clock.ms, data: { reason: 'monthly' } });
  log.append({ kind: 'reminder_sent', caseId: 7, employeeId: 'E1004', atMs: clock.ms + day, data: { channel: 'sms', to: '+86 138 0000 0000', text: '请于 3 月 5 日前返岗' } });
  log.append({ kind: 'reminder_sent', caseId: 8, employeeId: 'E1005', atMs: clock.ms + day, data: { channel: 'sms' } });
  log.append({ kind: 'notice_issued', caseId: 7, employeeId: 'E1004', atMs: clock.ms + 2 * day, data: { notice: 'return_to_work', deadline: '2026-03-09' }, documents: [notice] });
  log.append({ kind: 'detection_run', atMs: clock.ms + 2 * day, data: { site: 'shanghai-plant', date: '2026-03-04' } });
  log.append({ kind: 'notice_delivered', caseId: 7, employeeId: 'E1004', atMs: clock.ms + 3 * day, data: { carrier: 'EMS', tracking: 'EA123456789CN' }, documents: [notice, receipt] });
  log.append({ kind: 'reminder_sent', caseId: 8, employeeId: 'E1005', atMs: clock.ms + 3 * day, data: { channel: 'email' } });
  clock.ms += 4 * day;
  return { notice, receipt };
}

/** A busy log's facts: five cases interleaved with entries of no case, some relying on documents, unicode data. */
export function factsOf(n: number, documents: readonly string[], from = 0): EvidenceFact[] {
  let seed = 2024 + from;
  const random = (below: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % below;
  };
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const c = random(7);
    const caseId = c < 5 ? c + 1 : null;
    return {
      kind: caseId === null ? 'detection_run' : 'case.step_fired',
      caseId,
      employeeId: caseId === null ? null : `E${1000 + caseId}`,
      atMs: 1_772_413_200_000 + i * 60_000,
      data: { stepKey: `step-${i % 4}`, title: '提醒已发送', n: i, nested: { z: [i, 'ü'], a: null } },
      documents: random(9) === 0 ? [...documents] : undefined,
    };
  });
}

export function storeDocuments(log: EvidenceLog): string[] {
  return [log.storeDocument(NOTICE_PDF, 'application/pdf', 'notice.pdf'), log.storeDocument(RECEIPT_PNG, 'image/png', 'receipt.png')];
}

export function leavesOf(log: EvidenceLog): Buffer[] {
  return Array.from({ length: log.size() }, (_, i) => log.entry(i)!.leafHash);
}

export function headsOf(w: Pick<EvidenceWorld, 'db'>): unknown[] {
  return w.db.prepare('SELECT case_id, case_seq, idx, hex(leaf_hash) AS leaf FROM evidence_case_heads ORDER BY case_id').all();
}

/** What every case's chain must be, read from the entries themselves, and the heads it implies. */
export function expectChainsIntact(w: Pick<EvidenceWorld, 'db' | 'log'>): void {
  const byCase = new Map<number, number[]>();
  for (let i = 0; i < w.log.size(); i++) {
    const e = w.log.entry(i)!;
    if (e.caseId !== null) byCase.set(e.caseId, [...(byCase.get(e.caseId) ?? []), i]);
  }
  for (const [caseId, indexes] of byCase) {
    const chain = w.log.caseEntries(caseId);
    expect(chain.map((e) => e.index)).toEqual(indexes);
    expect(chain.map((e) => e.caseSeq)).toEqual(indexes.map((_, k) => k + 1));
    const prevs = chain.map((e) => {
      const parsed = parseEntryBody(e.body);
      if (!parsed.ok) throw new Error(parsed.problem);
      return parsed.body.casePrev;
    });
    expect(prevs).toEqual([null, ...chain.slice(0, -1).map((e) => e.leafHash.toString('hex'))]);
  }
  const expected = [...byCase].map(([caseId, indexes]) => {
    const last = w.log.entry(indexes.at(-1)!)!;
    return { case_id: caseId, case_seq: indexes.length, idx: last.index, leaf: last.leafHash.toString('hex').toUpperCase() };
  });
  expect(headsOf(w)).toEqual(expected.sort((a, b) => a.case_id - b.case_id));
}

/** Roots, inclusion and consistency proofs of `log` at `rounds` random sizes equal the RFC's definition over `leaves`. */
export function expectProofsMatchDefinition(log: EvidenceLog, leaves: readonly Buffer[], rounds: number, seed: number): void {
  const random = (below: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % below;
  };
  for (let k = 0; k < rounds; k++) {
    const size = 1 + random(leaves.length);
    const index = random(size);
    const root = rootOf(leaves.slice(0, size));
    expect(log.root(size).equals(root)).toBe(true);
    expect(verifyInclusion(leaves[index]!, index, size, log.inclusionProof(index, size), root)).toBe(true);
    const first = 1 + random(size);
    expect(verifyConsistency(first, size, log.consistencyProof(first, size), rootOf(leaves.slice(0, first)), root)).toBe(true);
  }
}
