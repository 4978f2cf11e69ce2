import { createHmac } from 'node:crypto';
import type { Channel, OutgoingMessage, SendResult } from './channel.js';
import type { BotConfig } from './config.js';
import { postToBot, withSubject } from './bot-reply.js';

/**
 * Feishu (飞书) 11232: the custom bot's rate limit (100 a minute, 5 a second per bot);
 * 99991400: the platform's frequency limit. Both pass; every other non-zero code (9499 bad
 * request, 19021 signature or timestamp rejected, 19022 IP not allowed, 19024 keyword missing)
 * is a refusal to fix.
 */
const RETRYABLE = new Set([11232, 99991400]);

/**
 * A Feishu custom group bot (自定义机器人): POSTs `{"msg_type": "text", "content": {"text"}}` to
 * the bot's URL (`…/open-apis/bot/v2/hook/<token>`). With "签名校验", `timestamp` (seconds) and
 * `sign` go in the body: `sign` = base64 HMAC-SHA256 keyed by `"<timestamp>\n<secret>"` over an
 * empty message. Feishu text messages mention by user id only (`<at user_id="…">name</at>`), so
 * the recipient is @-mentioned when the directory has their Feishu user id.
 */
export class FeishuBotChannel implements Channel {
  readonly needs = 'chat' as const;

  constructor(
    readonly name: string,
    private readonly config: BotConfig,
  ) {}

  async send(message: OutgoingMessage, signal: AbortSignal): Promise<SendResult> {
    const { chatId, name } = message.recipient;
    const mention = chatId === null ? '' : `<at user_id="${escapeAttr(chatId)}">${escapeText(name ?? chatId)}</at> `;
    const payload: Record<string, unknown> = {};
    if (this.config.secret !== undefined) {
      const timestamp = String(Math.floor(Date.now() / 1000));
      payload.timestamp = timestamp;
      payload.sign = feishuSign(this.config.secret, timestamp);
    }
    payload.msg_type = 'text';
    payload.content = { text: mention + withSubject(message.subject, message.text) };
    return postToBot(this.config, this.config.url, payload, { bot: `the Feishu bot ${this.name}`, codeField: 'code', retryable: RETRYABLE }, signal);
  }
}

/** base64 HMAC-SHA256(key = `${timestamp}\n${secret}`, message = empty). */
export function feishuSign(secret: string, timestamp: string): string {
  return createHmac('sha256', `${timestamp}\n${secret}`).update('').digest('base64');
}

const escapeAttr = (s: string): string => s.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
const escapeText = (s: string): string => s.replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`);
