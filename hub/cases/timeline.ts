import type { CaseEvidence } from './ports.js';
import type { CaseStore } from './store.js';
import type { TimelineEntry } from './types.js';

/**
 * What happened to a case, in time order, for HR: the case's entries in the evidence log (kind
 * without its `case.` prefix, the step key taken out of the data), and from its steps when each was
 * scheduled and why one was skipped (the ladder's bookkeeping, kept with the steps rather than as
 * evidence). Entries of the same instant keep this order: facts, skips, schedules.
 */
export function caseTimeline(store: CaseStore, evidence: CaseEvidence, caseId: number): TimelineEntry[] {
  const rows: Array<TimelineEntry & { rank: number; seq: number }> = [];
  for (const e of evidence.caseEntries(caseId)) {
    const { stepKey, detail } = split((JSON.parse(e.body) as { data: unknown }).data);
    rows.push({ caseId, atMs: e.atMs, kind: e.kind.startsWith('case.') ? e.kind.slice(5) : e.kind, stepKey, detail, rank: 0, seq: rows.length });
  }
  for (const s of store.steps(caseId)) {
    if (s.state === 'skipped' && s.firedAt !== null) rows.push({ caseId, atMs: s.firedAt, kind: 'step_skipped', stepKey: s.stepKey, detail: { reason: s.outcome }, rank: 1, seq: rows.length });
    if (s.scheduledAt !== null) rows.push({ caseId, atMs: s.scheduledAt, kind: 'step_scheduled', stepKey: s.stepKey, detail: { dueMs: s.dueMs }, rank: 2, seq: rows.length });
  }
  rows.sort((a, b) => a.atMs - b.atMs || a.rank - b.rank || a.seq - b.seq);
  return rows.map(({ caseId: id, atMs, kind, stepKey, detail }) => ({ caseId: id, atMs, kind, stepKey, detail }));
}

function split(data: unknown): { stepKey: string | null; detail: Record<string, unknown> } {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return { stepKey: null, detail: { value: data } };
  const { stepKey, ...detail } = data as Record<string, unknown>;
  return { stepKey: typeof stepKey === 'string' ? stepKey : null, detail: typeof stepKey === 'string' || stepKey === undefined ? detail : { stepKey, ...detail } };
}
