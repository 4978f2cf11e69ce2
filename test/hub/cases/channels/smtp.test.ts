import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmtpConfig } from '../../../../hub/cases/channels/config.js';
import { SmtpChannel } from '../../../../hub/cases/channels/smtp.js';
import { limits, message, never, refusedUrl, TEXT } from './local-servers.js';

/** A real SMTP server on 127.0.0.1 (AUTH PLAIN/LOGIN over plain TCP) that keeps what it receives. */
class MailTarget {
  readonly mails: Array<{ from: string; to: string[]; mail: ParsedMail }> = [];
  rejectRcpt: { code: number; text: string } | undefined;
  failData: { code: number; text: string } | undefined;
  port = 0;
  readonly server = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth: (auth, _session, cb) => (auth.username === 'hr@example.cn' && auth.password === 's3cret' ? cb(null, { user: auth.username }) : cb(Object.assign(new Error('bad credentials'), { responseCode: 535 }))),
    onRcptTo: (_address, _session, cb) => (this.rejectRcpt === undefined ? cb() : cb(Object.assign(new Error(this.rejectRcpt.text), { responseCode: this.rejectRcpt.code }))),
    onData: (stream, session, cb) => {
      simpleParser(stream)
        .then((mail) => {
          if (this.failData !== undefined) return cb(Object.assign(new Error(this.failData.text), { responseCode: this.failData.code }));
          this.mails.push({ from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address, to: session.envelope.rcptTo.map((r) => r.address), mail });
          cb();
        })
        .catch(cb);
    },
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('SMTP channel (nodemailer to a real SMTP server)', () => {
  const target = new MailTarget();
  beforeAll(() => target.start());
  afterAll(() => target.close());

  const channel = (over: Partial<SmtpConfig> = {}): SmtpChannel =>
    new SmtpChannel('email', { type: 'smtp', ...limits(), host: '127.0.0.1', port: target.port, security: 'none', user: 'hr@example.cn', password: 's3cret', from: '考勤系统 <hr@example.cn>', ...over });
  const mail = message({ address: { kind: 'email', email: 'wang@example.com' } });

  it('delivers plain text with a subject, Chinese intact, the idempotency key as Message-ID', async () => {
    const r = await channel().send(mail, never);
    expect(r.outcome).toBe('ok');
    const got = target.mails.at(-1)!;
    expect(got.from).toBe('hr@example.cn');
    expect(got.to).toEqual(['wang@example.com']);
    expect(got.mail.subject).toBe('考勤提醒');
    expect(got.mail.text).toBe(TEXT);
    expect(got.mail.from?.value).toEqual([{ address: 'hr@example.cn', name: '考勤系统' }]);
    expect(got.mail.messageId).toBe('<case-3-msg-7@rollcall.hub>');
    expect(got.mail.headers.get('x-rollcall-message')).toBe('case-3-msg-7');
    expect(r.exchange.request).toMatchObject({ method: 'SMTP', url: `smtp://127.0.0.1:${target.port}` });
    expect(r.exchange.response!.status).toBe(250);
    expect(JSON.stringify(r.exchange)).not.toContain('s3cret');
  });

  it('does not retry what the server refuses for good (5xx, bad credentials), and retries 4xx and refused connections', async () => {
    target.rejectRcpt = { code: 550, text: 'mailbox unavailable' };
    const refusedRcpt = await channel().send(mail, never);
    expect(refusedRcpt).toMatchObject({ outcome: 'permanent' });
    expect(refusedRcpt.exchange.response?.status).toBe(550);
    target.rejectRcpt = undefined;
    target.failData = { code: 451, text: 'try again later' };
    expect(await channel().send(mail, never)).toMatchObject({ outcome: 'retryable' });
    target.failData = undefined;
    expect(await channel({ password: 'wrong' }).send(mail, never)).toMatchObject({ outcome: 'permanent', error: expect.stringMatching(/EAUTH/) });
    const port = Number(new URL(await refusedUrl()).port);
    expect(await channel({ port }).send(mail, never)).toMatchObject({ outcome: 'retryable', error: expect.stringMatching(/ECONNREFUSED|ECONNECTION/) });
  });
});
