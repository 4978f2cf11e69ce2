import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type RunningApi } from '../../../hub/api/server.js';
import { silent } from '../../helpers/temp.js';
import { OutboxStory } from './channels/outbox-fixture.js';
import { at } from './story-harness.js';

/**
 * HR works a case over the API, on the OutboxStory case (王小明 missed 2026-06-15; at 11:00 the
 * first reminder queued six messages): reads it, records his reply, approves and mails the
 * return-to-work notice, records its delivery, fetches it, and posts receipts of messages.
 */
describe('case API', () => {
  const s = new OutboxStory();
  let api: RunningApi;
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: any; text: string; type: string | null }> => {
    const res = await fetch(`${api.url}${path}`, { method, headers: { 'content-type': 'application/json', 'x-rollcall-user': 'hr.zhang', authorization: 'Bearer case-api-token' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text, type: res.headers.get('content-type') };
  };

  beforeAll(async () => {
    await s.start();
    const outbox = s.open();
    api = await startApi({ host: '127.0.0.1', port: 0, token: 'case-api-token', sites: [], modules: s.story.hub, cases: { cases: s.story.cases, outbox, evidence: s.story.evidence }, now: () => s.story.now, logger: silent });
  });
  afterAll(async () => {
    await api.close();
    s.outbox.close();
    await s.sms.close();
    await s.wecom.close();
    await s.story.close();
  });

  it('lists cases by state and shows one with its steps, timeline, tasks, messages and notices', async () => {
    expect((await call('GET', '/api/v1/cases?state=open')).json.map((c: { employeeId: string }) => c.employeeId)).toEqual(['E1']);
    expect((await call('GET', '/api/v1/cases?state=resolved')).json).toEqual([]);
    expect((await call('GET', '/api/v1/cases?state=lost')).status).toBe(400);
    const one = await call('GET', `/api/v1/cases/${s.caseId}`);
    expect(one.json).toMatchObject({ caseId: s.caseId, employeeId: 'E1', state: 'open', firstDate: '2026-06-15' });
    expect(one.json.steps.map((x: { stepKey: string; state: string }) => `${x.stepKey} ${x.state}`)).toEqual(['first-reminder fired', 'second-reminder scheduled', 'daily-reminder@2026-06-16 scheduled']);
    expect(one.json.messages).toHaveLength(6);
    expect((await call('GET', '/api/v1/cases/999')).json).toMatchObject({ error: { code: 'NOT_FOUND', message: 'no case 999' } });
  });

  it('records a reply (the ladder pauses) and refuses a body that does not fit, naming the field', async () => {
    const bad = await call('POST', `/api/v1/cases/${s.caseId}/acknowledge`, { via: 'phone' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.problems).toEqual([{ row: 0, field: 'text', message: expect.any(String) }]);
    s.story.now = at('2026-06-15T11:30');
    const ok = await call('POST', `/api/v1/cases/${s.caseId}/acknowledge`, { via: 'phone', text: '发烧了，明天去医院开证明' });
    expect(ok.json).toMatchObject({ state: 'acknowledged', pausedUntil: at('2026-06-16T11:30') });
  });

  it('approves, mails and delivers the notice, and serves its HTML', async () => {
    for (const t of ['2026-06-15T22:01', '2026-06-16T22:01', '2026-06-17T22:01']) s.story.at(t);
    const { notices } = (await call('GET', `/api/v1/cases/${s.caseId}`)).json as { notices: Array<{ noticeId: number; state: string; mailing: unknown }> };
    const id = notices[0]!.noticeId;
    expect((await call('GET', `/api/v1/notices/${id}.html`)).json).toMatchObject({ error: { code: 'NOT_FOUND', message: `notice ${id} is a draft: it is written out when HR approves it` } });
    s.story.now = at('2026-06-18T10:00');
    expect((await call('POST', `/api/v1/notices/${id}/approve`)).json).toMatchObject({ state: 'approved', approvedBy: 'hr.zhang' });
    expect((await call('POST', `/api/v1/notices/${id}/approve`)).status).toBe(400);
    const html = await call('GET', `/api/v1/notices/${id}.html`);
    expect(html.type).toBe('text/html; charset=utf-8');
    expect(html.text).toContain('<h1>限期返岗通知书</h1>');
    expect((await call('POST', `/api/v1/notices/${id}/mailing`, { trackingNumber: 'EA123456789CN', address: '上海市闵行区样板路 12 号 301 室', sentDate: '2026-06-18' })).json).toMatchObject({ state: 'sent' });
    expect((await call('POST', `/api/v1/notices/${id}/delivery`, { outcome: 'delivered', date: '2026-06-32' })).status).toBe(400);
    expect((await call('POST', `/api/v1/notices/${id}/delivery`, { outcome: 'delivered', date: '2026-06-20' })).json).toMatchObject({ state: 'delivered', deliveredDate: '2026-06-20' });
    const after = (await call('GET', `/api/v1/cases/${s.caseId}`)).json as { notices: Array<{ mailing: unknown }>; steps: Array<{ stepKey: string; state: string }> };
    expect(after.notices[0]!.mailing).toEqual({ carrier: 'EMS', trackingNumber: 'EA123456789CN', address: '上海市闵行区样板路 12 号 301 室', sentDate: '2026-06-18' });
    expect(after.steps.map((x) => `${x.stepKey} ${x.state}`)).toContain('termination-draft scheduled');
  });

  it('takes delivery and read receipts of sent messages: forward only, and unknown messages are 404', async () => {
    s.story.now = at('2026-06-18T11:00');
    await s.outbox.sendDue();
    const [first] = s.story.cases.store.messages(s.caseId);
    expect(first!.state).toBe('sent');
    expect((await call('POST', `/api/v1/messages/${first!.messageId}/receipt`, { status: 'read', at: '2026-06-18T11:05:00+08:00', source: 'sms-gateway' })).json).toEqual({ messageId: first!.messageId, status: 'read', recorded: true });
    expect((await call('POST', `/api/v1/messages/${first!.messageId}/receipt`, { status: 'delivered' })).json).toMatchObject({ recorded: expect.any(Boolean) });
    expect(s.story.cases.store.messages(s.caseId)[0]!.state).toBe('read');
    // A receipt that names no time is recorded at the hub's clock.
    const [, second] = s.story.cases.store.messages(s.caseId);
    expect((await call('POST', `/api/v1/messages/${second!.messageId}/receipt`, { status: 'delivered' })).json).toMatchObject({ recorded: true });
    expect(s.story.hub.db.prepare('SELECT delivered_at FROM case_message_receipts WHERE message_id = ?').pluck().get(second!.messageId)).toBe(at('2026-06-18T11:00'));
    expect((await call('POST', '/api/v1/messages/99999/receipt', { status: 'read' })).status).toBe(404);
  });
});
