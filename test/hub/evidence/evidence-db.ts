import { openHubDatabase, type HubDatabase } from '../../../hub/db/database.js';
import { generateEvidenceKey, type EvidenceKey } from '../../../hub/evidence/keys.js';
import { EvidenceLog } from '../../../hub/evidence/log.js';
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
