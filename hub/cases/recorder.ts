import { HeldWrites } from '../db/held-writes.js';
import type { CaseEvidence, CaseFact, EvidenceData } from './ports.js';
import type { CaseStore } from './store.js';
import type { Case } from './types.js';

/**
 * Writes what happens to a case to the evidence log, which is also what HR's timeline is read
 * from (timeline.ts). Facts are held and appended together when the store's transaction commits,
 * inside it: a fact is recorded exactly when its cause is, and a rollback takes both.
 */
export class CaseRecorder {
  private readonly facts: HeldWrites<CaseFact>;

  constructor(
    private readonly store: CaseStore,
    readonly evidence: CaseEvidence,
  ) {
    this.facts = new HeldWrites(store.scope, (facts) => {
      evidence.appendMany(facts);
    });
  }

  record(c: Case, nowMs: number, kind: string, stepKey: string | null, detail: EvidenceData, documents: readonly string[] = []): void {
    this.facts.hold({ kind: `case.${kind}`, caseId: c.caseId, employeeId: c.employeeId, atMs: nowMs, data: stepKey === null ? detail : { stepKey, ...detail }, documents });
  }

  /** Schedules a step unless the case has it already (kept with the step: scheduling is the ladder's bookkeeping, not a fact); true when added. */
  schedule(c: Case, stepKey: string, stepId: string, dueMs: number, nowMs: number): boolean {
    return this.store.schedule(c.caseId, stepKey, stepId, dueMs, nowMs);
  }

  /** Keeps a document in the evidence log; its SHA-256. */
  document(bytes: Buffer, mediaType: string, name: string): string {
    return this.evidence.storeDocument(bytes, mediaType, name);
  }
}
