import type { CaseEvidence, EvidenceData } from './ports.js';
import type { CaseStore } from './store.js';
import type { Case } from './types.js';

/**
 * Writes what happens to a case: each fact to the case's timeline (HR's view) and to the
 * evidence log (the proof), in the caller's transaction; and schedules steps.
 */
export class CaseRecorder {
  constructor(
    private readonly store: CaseStore,
    readonly evidence: CaseEvidence | undefined,
  ) {}

  record(c: Case, nowMs: number, kind: string, stepKey: string | null, detail: EvidenceData, documents: readonly string[] = []): void {
    this.store.addTimeline(c.caseId, nowMs, kind, stepKey, detail);
    this.evidence?.append({ kind: `case.${kind}`, caseId: c.caseId, employeeId: c.employeeId, atMs: nowMs, data: stepKey === null ? detail : { stepKey, ...detail }, documents });
  }

  /** Schedules a step unless the case has it already (timeline only: scheduling is the ladder's bookkeeping); true when added. */
  schedule(c: Case, stepKey: string, stepId: string, dueMs: number, nowMs: number): boolean {
    const added = this.store.schedule(c.caseId, stepKey, stepId, dueMs);
    if (added) this.store.addTimeline(c.caseId, nowMs, 'step_scheduled', stepKey, { dueMs });
    return added;
  }

  /** Keeps a document in the evidence log; its SHA-256 (computed here when there is no log). */
  document(bytes: Buffer, mediaType: string, name: string): string | null {
    return this.evidence?.storeDocument(bytes, mediaType, name) ?? null;
  }
}
