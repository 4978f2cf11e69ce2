import type { Logger } from 'pino';
import { HubError } from '../errors.js';
import { addDays, parseLocalDate, type LocalDate } from '../time/local-date.js';
import { renderNotice } from './notices/render.js';
import { socialInsuranceStopMonth } from './notices/social-insurance.js';
import type { PolicyVersions } from './policies.js';
import type { CasePorts } from './ports.js';
import type { CaseRecorder } from './recorder.js';
import type { CaseStore } from './store.js';
import type { Case, CaseNotice } from './types.js';

/** A registered letter (EMS) as HR records it from the post office's receipt. */
export interface Mailing {
  /** The tracking number on the receipt. */
  trackingNumber: string;
  /** The address written on the envelope (the employee's address of record, or another they gave). */
  address: string;
  /** The local date it was handed to the post office. */
  sentDate: LocalDate;
  carrier?: string;
}

/** The facts of a draft an HR user may correct (the absent dates and deadline come from the ladder). */
const EDITABLE = ['employeeName', 'department', 'postalAddress'] as const;
export type NoticeEdit = Partial<Record<(typeof EDITABLE)[number], string | null>>;

/**
 * What happens to a case's legal notices after the ladder drafts them: an HR user's approval
 * (nothing is sent before it), the registered letter, its delivery, refusal or return, and the
 * PDF. Every step is recorded on the case's timeline and in the evidence log.
 */
export class NoticeDesk {
  constructor(
    private readonly store: CaseStore,
    private readonly policies: PolicyVersions,
    private readonly ports: CasePorts,
    private readonly recorder: CaseRecorder,
    private readonly logger: Logger,
    private readonly clock: () => number,
  ) {}

  /**
   * Approves a draft. The notice is written out now (HTML, from the facts frozen at drafting and
   * the approval date) and that exact text is kept in the evidence log by SHA-256; its PDF follows
   * (`print`).
   */
  approve(noticeId: number, user: string, nowMs: number = this.clock()): CaseNotice {
    return this.store.write(`approve notice ${noticeId}`, () => {
      const n = this.notice(noticeId);
      if (n.state !== 'draft') throw new HubError('INVALID_INPUT', `notice ${noticeId} is ${n.state}, not a draft waiting for approval`);
      const c = this.store.case(n.caseId)!;
      const html = this.write(c, n, nowMs);
      const sha = this.recorder.document(Buffer.from(html, 'utf8'), 'text/html', `${fileName(n)}-case-${c.caseId}.html`);
      this.store.moveNotice(noticeId, ['draft'], 'approved', nowMs, { approvedBy: user, html, htmlSha256: sha });
      this.recorder.record(c, nowMs, 'notice_approved', n.stepKey, { noticeId, kind: n.kind, approvedBy: user, html: sha }, [sha]);
      return this.store.notice(noticeId)!;
    });
  }

  /**
   * An HR user corrects a draft's facts before approving it (a new address the employee gave, a
   * department renamed): only drafts change, and each change is recorded with what it replaced.
   */
  edit(noticeId: number, changes: NoticeEdit, user: string, nowMs: number = this.clock()): CaseNotice {
    return this.store.write(`edit notice ${noticeId}`, () => {
      const n = this.notice(noticeId);
      if (n.state !== 'draft') throw new HubError('INVALID_INPUT', `notice ${noticeId} is ${n.state}: only a draft can be edited`);
      const facts = { ...n.facts };
      const changed: Record<string, { from: string | null; to: string | null }> = {};
      for (const field of EDITABLE) {
        const to = changes[field];
        if (to === undefined) continue;
        const value = to === null ? null : to.trim();
        if (field === 'employeeName' && (value === null || value === '')) throw new HubError('INVALID_INPUT', 'the employee\'s name on a notice cannot be empty');
        if (value === facts[field]) continue;
        changed[field] = { from: facts[field], to: value };
        (facts as Record<string, unknown>)[field] = value;
      }
      if (Object.keys(changed).length === 0) return n;
      this.store.setNoticeFacts(noticeId, facts, nowMs);
      this.recorder.record(this.store.case(n.caseId)!, nowMs, 'notice_edited', n.stepKey, { noticeId, kind: n.kind, editedBy: user, changes: changed });
      return this.store.notice(noticeId)!;
    });
  }

  /** The approved notice went out by registered mail: the tracking number and address are kept as evidence. */
  mailed(noticeId: number, mailing: Mailing, user: string, nowMs: number = this.clock()): CaseNotice {
    const trackingNumber = mailing.trackingNumber.trim();
    if (!/^[A-Za-z0-9-]{6,40}$/.test(trackingNumber)) throw new HubError('INVALID_INPUT', `"${mailing.trackingNumber}" is not a tracking number (letters and digits, e.g. EMS 1234567890123)`);
    if (mailing.address.trim() === '') throw new HubError('INVALID_INPUT', 'the address the notice was mailed to is empty');
    const sentDate = parseLocalDate(mailing.sentDate);
    return this.store.write(`record the mailing of notice ${noticeId}`, () => {
      const n = this.notice(noticeId);
      if (!n.deliver.includes('registered_mail')) throw new HubError('INVALID_INPUT', `notice ${noticeId} is not delivered by registered mail under its policy`);
      if (!this.store.moveNotice(noticeId, ['approved'], 'sent', nowMs)) throw new HubError('INVALID_INPUT', `notice ${noticeId} is ${n.state}: only an approved notice can be mailed`);
      const carrier = mailing.carrier ?? 'EMS';
      this.store.addMailing(noticeId, { carrier, trackingNumber, address: mailing.address.trim(), sentDate, recordedBy: user }, nowMs);
      this.recorder.record(this.store.case(n.caseId)!, nowMs, 'notice_mailed', n.stepKey, { noticeId, kind: n.kind, carrier, trackingNumber, address: mailing.address.trim(), sentDate, recordedBy: user });
      return this.store.notice(noticeId)!;
    });
  }

  /**
   * The notice reached the employee on `date` (the delivery date on the tracking record), or they
   * refused it at the door that day (a refusal at the address they gave counts as served): steps
   * anchored to its delivery are scheduled from that date, the deadline running to the end of the
   * day `days` after it. A notice returned undelivered starts nothing and gives HR a task.
   */
  delivered(noticeId: number, outcome: 'delivered' | 'refused' | 'returned', date: LocalDate, nowMs: number = this.clock()): CaseNotice {
    const day = parseLocalDate(date);
    return this.store.write(`record the delivery of notice ${noticeId}`, () => {
      const n = this.notice(noticeId);
      const sent = this.store.mailing(noticeId)?.sentDate;
      if (sent !== undefined && day < sent) throw new HubError('INVALID_INPUT', `notice ${noticeId} was mailed on ${sent}: it cannot have been ${outcome} on ${day}`);
      if (!this.store.moveNotice(noticeId, ['approved', 'sent'], outcome, nowMs, { deliveredDate: day })) {
        throw new HubError('INVALID_INPUT', `notice ${noticeId} is ${n.state}: only an approved or mailed notice can be delivered`);
      }
      const c = this.store.case(n.caseId)!;
      this.recorder.record(c, nowMs, `notice_${outcome}`, n.stepKey, { noticeId, kind: n.kind, date: day });
      if (c.state === 'resolved') return this.store.notice(noticeId)!;
      if (outcome === 'returned') {
        // Not served: nothing runs from it; HR has to serve it another way (in person, by publication).
        this.store.addTask(c.caseId, `${n.stepKey}@returned`, `The ${n.kind.replace(/_/g, '-')} notice came back undelivered: serve it another way`, null, nowMs);
        return this.store.notice(noticeId)!;
      }
      const z = this.ports.zoneOf(c.siteId);
      for (const step of this.policies.get(c.policyId).steps) {
        if (!('afterNoticeDelivered' in step.at) || step.at.afterNoticeDelivered.notice !== n.kind) continue;
        this.recorder.schedule(c, step.id, step.id, z.instant(addDays(day, step.at.afterNoticeDelivered.days + 1), 0), nowMs);
      }
      return this.store.notice(noticeId)!;
    });
  }

  /**
   * Prints approved notices that have no PDF yet (outside any transaction), keeps each PDF in the
   * evidence log next to its HTML, and returns how many it printed. A failed print is logged and
   * tried again at the next call.
   */
  async print(print: (html: string) => Promise<Buffer>, nowMs: () => number = this.clock): Promise<number> {
    let printed = 0;
    for (const n of this.store.noticesToPrint()) {
      let pdf: Buffer;
      try {
        pdf = await print(n.html!);
      } catch (err) {
        this.logger.error({ err, noticeId: n.noticeId }, 'could not print a notice to PDF; trying again later');
        continue;
      }
      this.store.write(`keep the PDF of notice ${n.noticeId}`, () => {
        const at = nowMs();
        const c = this.store.case(n.caseId)!;
        const sha = this.recorder.document(pdf, 'application/pdf', `${fileName(n)}-case-${c.caseId}.pdf`);
        if (!this.store.setNoticePdf(n.noticeId, sha, at)) return;
        this.recorder.record(c, at, 'notice_printed', n.stepKey, { noticeId: n.noticeId, kind: n.kind, html: n.htmlSha256, pdf: sha }, [sha]);
        printed++;
      });
    }
    return printed;
  }

  private notice(noticeId: number): CaseNotice {
    const n = this.store.notice(noticeId);
    if (n === undefined) throw new HubError('NOT_FOUND', `notice ${noticeId} does not exist`);
    return n;
  }

  /** The notice's HTML from its frozen facts, the case's policy and what is known on the approval date. */
  private write(c: Case, n: CaseNotice, nowMs: number): string {
    const policy = this.policies.get(c.policyId);
    const issueDate = this.ports.zoneOf(c.siteId).local(nowMs).date;
    const returnToWork = this.store.notices(c.caseId).find((x) => x.kind === 'return_to_work');
    const cutoff = this.ports.socialInsuranceCutoffDay(c.siteId);
    const f = n.facts;
    const termination = n.kind === 'termination';
    return renderNotice(n.kind, policy, {
      caseId: c.caseId, employeeId: f.employeeId, name: f.employeeName, department: f.department, company: f.company, firstDate: f.firstDate,
      asOfDate: f.absentDates[f.absentDates.length - 1] ?? f.firstDate, absentDates: f.absentDates,
      deadlineDays: termination ? (returnToWork?.deadlineDays ?? null) : f.deadlineDays,
      handbookRule: policy.notices.handbookRule, legalBasis: policy.notices.legalBasis, union: policy.notices.union, postalAddress: f.postalAddress, issueDate,
      noticeDeliveredDate: termination ? (returnToWork?.deliveredDate ?? null) : null,
      socialInsuranceStopMonth: termination && cutoff !== undefined ? socialInsuranceStopMonth(issueDate, cutoff) : null,
    });
  }
}

/** `return-to-work-notice`, `termination-notice`. */
function fileName(n: CaseNotice): string {
  return `${n.kind.replace(/_/g, '-')}-notice`;
}
