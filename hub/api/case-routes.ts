import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { Outbox } from '../cases/channels/outbox.js';
import type { CaseEngine } from '../cases/engine.js';
import type { CaseState } from '../cases/types.js';
import { HubError } from '../errors.js';
import type { EvidenceLog } from '../evidence/log.js';
import { isLocalDate } from '../time/local-date.js';

/** What a route handler gets and returns (server.ts). */
export type CaseHandler = (req: IncomingMessage, url: URL, params: string[]) => Promise<CaseReply> | CaseReply;
export interface CaseReply {
  status?: number;
  json?: unknown;
  file?: { body: Buffer; contentType: string; name: string; inline?: boolean };
}

export interface CaseRouteOptions {
  cases: CaseEngine;
  outbox?: Outbox;
  evidence?: EvidenceLog;
  /** Parses a request body as JSON (bounded). */
  body(req: IncomingMessage): Promise<unknown>;
  /** Who is acting: recorded with approvals, mailings and closings. */
  actor(req: IncomingMessage): string;
}

const Day = z.string().refine(isLocalDate, 'a date as YYYY-MM-DD');
const Reply = z.strictObject({ via: z.string().min(1).max(40), text: z.string().min(1).max(2000) });
const Close = z.strictObject({ note: z.string().min(1).max(2000) });
const Edit = z.strictObject({ employeeName: z.string().max(100).nullable().optional(), department: z.string().max(100).nullable().optional(), postalAddress: z.string().max(500).nullable().optional() });
const Mailing = z.strictObject({ trackingNumber: z.string().min(1).max(40), address: z.string().min(1).max(500), sentDate: Day, carrier: z.string().min(1).max(40).optional() });
const Delivery = z.strictObject({ outcome: z.enum(['delivered', 'refused', 'returned']), date: Day });
const Receipt = z.strictObject({ status: z.enum(['delivered', 'read']), at: z.iso.datetime({ offset: true }).optional(), source: z.string().min(1).max(100).optional() });
const STATES: readonly CaseState[] = ['open', 'acknowledged', 'resolved'];

/**
 * HR's side of the cases over HTTP: read cases (steps, timeline, tasks, messages, notices),
 * record a reply, close, correct a draft notice, approve it, record its registered mail and delivery, fetch its
 * HTML or PDF, and post delivery and read receipts of messages (a provider's callback or HR).
 */
export function caseRoutes(o: CaseRouteOptions): Array<[string, RegExp, CaseHandler]> {
  const { cases } = o;
  const parsed = async <T>(schema: z.ZodType<T>, req: IncomingMessage): Promise<T> => {
    const result = schema.safeParse(await o.body(req));
    if (result.success) return result.data;
    throw new HubError('INVALID_INPUT', 'the request body does not fit', {
      problems: result.error.issues.map((i) => ({ row: 0, field: i.path.join('.') || '(body)', message: i.message })),
    });
  };
  const caseOf = (id: string | undefined) => cases.store.case(Number(id)) ?? notFound(`no case ${id}`);
  return [
    ['GET', /^\/api\/v1\/cases$/, (_r, u) => {
      const state = u.searchParams.get('state');
      if (state !== null && !STATES.includes(state as CaseState)) throw new HubError('INVALID_INPUT', `state must be ${STATES.join(', ')}`);
      return { json: cases.store.cases(state === null ? undefined : (state as CaseState)) };
    }],
    ['GET', /^\/api\/v1\/cases\/(\d+)$/, (_r, _u, [id]) => {
      const c = caseOf(id);
      const notices = cases.store.notices(c.caseId).map(({ html: _html, ...n }) => ({ ...n, mailing: cases.store.mailing(n.noticeId) ?? null }));
      return { json: { ...c, steps: cases.store.steps(c.caseId), timeline: cases.timeline(c.caseId), tasks: cases.store.tasks(c.caseId), messages: cases.store.messages(c.caseId), notices } };
    }],
    ['POST', /^\/api\/v1\/cases\/(\d+)\/acknowledge$/, async (r, _u, [id]) => ({ json: cases.acknowledge(caseOf(id).caseId, await parsed(Reply, r)) })],
    ['POST', /^\/api\/v1\/cases\/(\d+)\/close$/, async (r, _u, [id]) => ({ json: cases.closeByHr(caseOf(id).caseId, o.actor(r), (await parsed(Close, r)).note) })],
    ['POST', /^\/api\/v1\/notices\/(\d+)\/edit$/, async (r, _u, [id]) => ({ json: withoutHtml(cases.notices.edit(Number(id), await parsed(Edit, r), o.actor(r))) })],
    ['POST', /^\/api\/v1\/notices\/(\d+)\/approve$/, (r, _u, [id]) => ({ json: withoutHtml(cases.notices.approve(Number(id), o.actor(r))) })],
    ['POST', /^\/api\/v1\/notices\/(\d+)\/mailing$/, async (r, _u, [id]) => ({ json: withoutHtml(cases.notices.mailed(Number(id), await parsed(Mailing, r), o.actor(r))) })],
    ['POST', /^\/api\/v1\/notices\/(\d+)\/delivery$/, async (r, _u, [id]) => {
      const d = await parsed(Delivery, r);
      return { json: withoutHtml(cases.notices.delivered(Number(id), d.outcome, d.date)) };
    }],
    ['GET', /^\/api\/v1\/notices\/(\d+)\.(html|pdf)$/, (_r, _u, [id, ext]) => {
      const n = cases.store.notice(Number(id)) ?? notFound(`no notice ${id}`);
      const name = `${n.kind.replace(/_/g, '-')}-notice-case-${n.caseId}.${ext}`;
      if (ext === 'html') {
        if (n.html === null) notFound(`notice ${id} is a draft: it is written out when HR approves it`);
        return { file: { body: Buffer.from(n.html, 'utf8'), contentType: 'text/html; charset=utf-8', name, inline: true } };
      }
      const pdf = n.pdfSha256 === null ? undefined : o.evidence?.document(n.pdfSha256);
      if (pdf === undefined) notFound(`notice ${id} has no PDF yet`);
      return { file: { body: pdf.bytes, contentType: 'application/pdf', name } };
    }],
    ['POST', /^\/api\/v1\/messages\/(\d+)\/receipt$/, async (r, _u, [id]) => {
      if (o.outbox === undefined) throw new HubError('NOT_FOUND', 'no channels are configured, so no message was sent');
      const receipt = await parsed(Receipt, r);
      const atMs = receipt.at === undefined ? Date.now() : Date.parse(receipt.at);
      const source = receipt.source ?? o.actor(r);
      const recorded = receipt.status === 'read' ? o.outbox.markRead(Number(id), atMs, source) : o.outbox.markDelivered(Number(id), atMs, source);
      return { json: { messageId: Number(id), status: receipt.status, recorded } };
    }],
  ];
}

function withoutHtml<T extends { html: string | null }>(n: T): Omit<T, 'html'> {
  const { html: _html, ...rest } = n;
  return rest;
}

function notFound(message: string): never {
  throw new HubError('NOT_FOUND', message);
}
