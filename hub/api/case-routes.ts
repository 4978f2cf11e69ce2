import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { Outbox } from '../cases/channels/outbox.js';
import type { CaseEngine } from '../cases/engine.js';
import type { CaseState } from '../cases/types.js';
import { HubError } from '../errors.js';
import type { Directory } from '../directory/directory.js';
import { exportCaseBundle } from '../evidence/bundle-export.js';
import type { EvidenceLog } from '../evidence/log.js';
import { isLocalDate } from '../time/local-date.js';
import { notFound, type Route } from './route.js';
import { tarDirectory } from './tar.js';

export interface CaseRouteOptions {
  cases: CaseEngine;
  directory: Directory;
  outbox?: Outbox;
  evidence?: EvidenceLog;
  /** The API's clock: when a receipt that names no time was recorded. */
  now: () => number;
}

const Day = z.string().refine(isLocalDate, 'a date as YYYY-MM-DD');
const Reply = z.strictObject({ via: z.string().min(1).max(40), text: z.string().min(1).max(2000) });
const Close = z.strictObject({ note: z.string().min(1).max(2000) });
const Edit = z.strictObject({ employeeName: z.string().max(100).nullable().optional(), department: z.string().max(100).nullable().optional(), postalAddress: z.string().max(500).nullable().optional() });
const Mailing = z.strictObject({ trackingNumber: z.string().min(1).max(40), address: z.string().min(1).max(500), sentDate: Day, carrier: z.string().min(1).max(40).optional() });
const Delivery = z.strictObject({ outcome: z.enum(['delivered', 'refused', 'returned']), date: Day });
const Receipt = z.strictObject({ status: z.enum(['delivered', 'read']), at: z.iso.datetime({ offset: true }).optional(), source: z.string().min(1).max(100).optional() });
const STATES: readonly CaseState[] = ['open', 'acknowledged', 'resolved'];

const HR = ['hr'] as const;

/**
 * HR's side of the cases over HTTP: list cases with their place on the ladder, read one (steps,
 * timeline, tasks, messages, notices), record a reply, close, correct a draft notice, approve it,
 * record its registered mail and delivery, fetch its HTML or PDF, export the case's evidence
 * bundle, and post delivery and read receipts of messages (a provider's callback or HR).
 */
export function caseRoutes(o: CaseRouteOptions): Route[] {
  const { cases } = o;
  const caseOf = (id: string | undefined) => cases.store.case(Number(id)) ?? notFound(`no case ${id}`);
  const person = (employeeId: string) => {
    const e = o.directory.getEmployee(employeeId);
    return { employeeName: e?.name ?? null, department: e?.department ?? null };
  };
  return [
    {
      method: 'GET', path: '/api/v1/cases', access: HR, tag: 'cases', query: { state: STATES.join(', ') + ' (optional)' },
      summary: 'Cases, each with the employee, the last step fired and the next one due',
      handle: (ctx) => {
        const state = ctx.url.searchParams.get('state');
        if (state !== null && !STATES.includes(state as CaseState)) throw new HubError('INVALID_INPUT', `state must be ${STATES.join(', ')}`);
        const list = cases.store.cases(state === null ? undefined : (state as CaseState));
        const ladders = cases.store.ladders(list.map((c) => c.caseId));
        return {
          json: list.map((c) => {
            const l = ladders.get(c.caseId);
            return {
              ...c,
              ...person(c.employeeId),
              lastStep: l?.last === undefined ? null : { stepKey: l.last.stepKey, title: cases.stepTitle(c.policyId, l.last.stepId), firedAt: l.last.firedAt },
              nextStep: l?.next === undefined ? null : { stepKey: l.next.stepKey, title: cases.stepTitle(c.policyId, l.next.stepId), dueMs: l.next.dueMs, due: new Date(l.next.dueMs).toISOString() },
            };
          }),
        };
      },
    },
    {
      method: 'GET', path: '/api/v1/cases/{id}', access: HR, tag: 'cases',
      summary: 'One case: steps, timeline, tasks, messages, notices with their mailing',
      handle: (ctx) => {
        const c = caseOf(ctx.params.id);
        const notices = cases.store.notices(c.caseId).map(({ html: _html, ...n }) => ({ ...n, mailing: cases.store.mailing(n.noticeId) ?? null }));
        const steps = cases.store.steps(c.caseId).map((s) => ({ ...s, title: cases.stepTitle(c.policyId, s.stepId) }));
        return { json: { ...c, ...person(c.employeeId), steps, timeline: cases.timeline(c.caseId), tasks: cases.store.tasks(c.caseId), messages: cases.store.messages(c.caseId), notices } };
      },
    },
    {
      method: 'GET', path: '/api/v1/cases/{id}/bundle', access: HR, tag: 'cases', produces: 'file',
      summary: 'Export the case\'s evidence bundle (a tar of the directory `rollcall evidence verify` checks); seals the case\'s chain so far',
      handle: (ctx) => {
        const c = caseOf(ctx.params.id);
        if (o.evidence === undefined) throw new HubError('NOT_FOUND', 'this hub keeps no evidence log');
        const dir = mkdtempSync(join(tmpdir(), 'rollcall-bundle-'));
        try {
          const root = `case-${c.caseId}-evidence`;
          exportCaseBundle(o.evidence, c.caseId, join(dir, root));
          return { file: { body: tarDirectory(join(dir, root), root), contentType: 'application/x-tar', name: `${root}.tar` } };
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    },
    {
      method: 'POST', path: '/api/v1/cases/{id}/acknowledge', access: HR, tag: 'cases', body: Reply, changes: 'cases',
      summary: 'Record the employee\'s reply: reminders pause and an HR task opens',
      handle: async (ctx) => ({ json: cases.acknowledge(caseOf(ctx.params.id).caseId, await ctx.body(Reply)) }),
    },
    {
      method: 'POST', path: '/api/v1/cases/{id}/close', access: HR, tag: 'cases', body: Close, changes: 'cases',
      summary: 'Close a case by HR, with a note',
      handle: async (ctx) => ({ json: cases.closeByHr(caseOf(ctx.params.id).caseId, ctx.actor, (await ctx.body(Close)).note) }),
    },
    {
      method: 'POST', path: '/api/v1/notices/{id}/edit', access: HR, tag: 'notices', body: Edit, changes: 'cases',
      summary: 'Correct the facts of a draft notice',
      handle: async (ctx) => ({ json: withoutHtml(cases.notices.edit(Number(ctx.params.id), await ctx.body(Edit), ctx.actor)) }),
    },
    {
      method: 'POST', path: '/api/v1/notices/{id}/approve', access: HR, tag: 'notices', changes: 'cases',
      summary: 'Approve a draft notice: it is written out and kept in the evidence log',
      handle: (ctx) => ({ json: withoutHtml(cases.notices.approve(Number(ctx.params.id), ctx.actor)) }),
    },
    {
      method: 'POST', path: '/api/v1/notices/{id}/mailing', access: HR, tag: 'notices', body: Mailing, changes: 'cases',
      summary: 'Record the registered letter a notice went out as',
      handle: async (ctx) => ({ json: withoutHtml(cases.notices.mailed(Number(ctx.params.id), await ctx.body(Mailing), ctx.actor)) }),
    },
    {
      method: 'POST', path: '/api/v1/notices/{id}/delivery', access: HR, tag: 'notices', body: Delivery, changes: 'cases',
      summary: 'Record a notice delivered, refused at the door, or returned',
      handle: async (ctx) => {
        const d = await ctx.body(Delivery);
        return { json: withoutHtml(cases.notices.delivered(Number(ctx.params.id), d.outcome, d.date)) };
      },
    },
    {
      method: 'GET', path: '/api/v1/notices/{file}', access: HR, tag: 'notices', produces: 'file',
      summary: 'An approved notice as HTML (`{id}.html`) or PDF (`{id}.pdf`)',
      handle: (ctx) => {
        const [, id, ext] = /^(\d+)\.(html|pdf)$/.exec(ctx.params.file!) ?? notFound(`no notice file ${ctx.params.file}; ask for {id}.html or {id}.pdf`);
        const n = cases.store.notice(Number(id)) ?? notFound(`no notice ${id}`);
        const name = `${n.kind.replace(/_/g, '-')}-notice-case-${n.caseId}.${ext}`;
        if (ext === 'html') {
          if (n.html === null) notFound(`notice ${id} is a draft: it is written out when HR approves it`);
          return { file: { body: Buffer.from(n.html, 'utf8'), contentType: 'text/html; charset=utf-8', name, inline: true } };
        }
        const pdf = n.pdfSha256 === null ? undefined : o.evidence?.document(n.pdfSha256);
        if (pdf === undefined) notFound(`notice ${id} has no PDF yet`);
        return { file: { body: pdf.bytes, contentType: 'application/pdf', name, inline: true } };
      },
    },
    {
      method: 'POST', path: '/api/v1/messages/{id}/receipt', access: HR, tag: 'cases', body: Receipt, changes: 'cases',
      summary: 'A message\'s delivery or read receipt (a provider\'s callback, with the API token, or HR)',
      handle: async (ctx) => {
        if (o.outbox === undefined) throw new HubError('NOT_FOUND', 'no channels are configured, so no message was sent');
        const receipt = await ctx.body(Receipt);
        const id = Number(ctx.params.id);
        const atMs = receipt.at === undefined ? o.now() : Date.parse(receipt.at);
        const source = receipt.source ?? ctx.actor;
        const recorded = receipt.status === 'read' ? o.outbox.markRead(id, atMs, source) : o.outbox.markDelivered(id, atMs, source);
        return { json: { messageId: id, status: receipt.status, recorded } };
      },
    },
  ];
}

function withoutHtml<T extends { html: string | null }>(n: T): Omit<T, 'html'> {
  const { html: _html, ...rest } = n;
  return rest;
}
