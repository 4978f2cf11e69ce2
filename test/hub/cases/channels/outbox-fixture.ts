import type { ChannelConfig, NotificationConfig, RetryConfig } from '../../../../hub/cases/channels/config.js';
import { Outbox } from '../../../../hub/cases/channels/outbox.js';
import type { CaseMessage } from '../../../../hub/cases/types.js';
import { silent } from '../../../helpers/temp.js';
import { at, EARLY_JUNE_WORKDAYS, Story } from '../story-harness.js';
import { HttpTarget } from './local-servers.js';

export const RETRY: RetryConfig = { maxAttempts: 8, maxAgeMs: 86_400_000, firstDelayMs: 60_000, maxDelayMs: 3_600_000 };

/**
 * 王小明 (E1) misses his 09:00 shift on 2026-06-15; at 11:00 the default policy's first reminder
 * queues six messages: to him, his manager 陈经理 (M1) and HR, each on sms and wecom. A real SMS
 * gateway and a real WeCom bot endpoint (local HTTP servers) stand behind the two channels.
 */
export class OutboxStory {
  readonly story = new Story();
  sms!: HttpTarget;
  wecom!: HttpTarget;
  outbox!: Outbox;
  caseId = 0;

  async start(): Promise<this> {
    this.story.attend(EARLY_JUNE_WORKDAYS);
    this.story.attend(['2026-06-15'], ['E1']);
    this.story.at('2026-06-15T09:06');
    this.story.at('2026-06-15T11:00');
    this.caseId = this.story.cases.store.cases()[0]!.caseId;
    this.sms = await HttpTarget.start(() => ({ status: 200, body: '{"code": "0"}' }));
    this.wecom = await HttpTarget.start(() => ({ status: 200, body: '{"errcode": 0, "errmsg": "ok"}' }));
    return this;
  }

  smsChannel(over: Partial<ChannelConfig> = {}): ChannelConfig {
    return {
      type: 'sms-gateway', timeoutMs: 2000, concurrency: 1, retry: RETRY, method: 'POST', url: `${this.sms.base}/send`, headers: {}, contentType: 'application/json',
      body: '{"to": "{phone}", "text": "{text}", "clientMsgId": "{messageId}"}', success: { statusFrom: 200, statusTo: 299, field: 'code', equals: '0', retryOn: [] }, ...over,
    } as ChannelConfig;
  }

  wecomChannel(over: Partial<ChannelConfig> = {}): ChannelConfig {
    return { type: 'wecom-bot', timeoutMs: 2000, concurrency: 2, retry: RETRY, url: `${this.wecom.base}/cgi-bin/webhook/send?key=k-0123456789abcdef`, ...over } as ChannelConfig;
  }

  /** An outbox on the story's database and clock (jitter fixed at `random`). */
  open(config: Partial<NotificationConfig> = {}, random = 1): Outbox {
    this.outbox = new Outbox({
      db: this.story.db,
      directory: this.story.hub.directory,
      evidence: this.story.evidence,
      logger: silent,
      clock: () => this.story.now,
      random: () => random,
      config: {
        channels: { sms: this.smsChannel(), wecom: this.wecomChannel() },
        recipients: { hr: { name: '人力资源部', phone: '13800000099', email: 'hr@example.cn', chatId: 'hr-zhang' }, union: null },
        ...config,
      },
    });
    return this.outbox;
  }

  messages(): Array<CaseMessage & { attempts: number; nextTryMs: number | null; lastError: string | null }> {
    return this.story.db
      .prepare(`SELECT m.message_id AS messageId, n.case_id AS caseId, n.step_key AS stepKey, m.role, m.recipient_id AS recipientId, m.channel, n.subject, n.text, m.state,
        m.attempts, m.next_try_ms AS nextTryMs, m.last_error AS lastError FROM case_messages m JOIN case_notifications n ON n.notification_id = m.notification_id
        ORDER BY m.message_id`)
      .all() as Array<CaseMessage & { attempts: number; nextTryMs: number | null; lastError: string | null }>;
  }

  /** `role:channel state attempts` of every message. */
  states(): string[] {
    return this.messages().map((m) => `${m.role}:${m.channel} ${m.state} ${m.attempts}`);
  }

  id(role: string, channel: string): number {
    return this.messages().find((m) => m.role === role && m.channel === channel && !m.stepKey.startsWith('unread@'))!.messageId;
  }

  setNow(local: string): number {
    this.story.now = at(local);
    return this.story.now;
  }

  async close(): Promise<void> {
    await Promise.all([this.sms.close(), this.wecom.close()]);
    await this.story.close();
  }
}
