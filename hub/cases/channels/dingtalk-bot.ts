import { createHmac } from 'node:crypto';
import type { Channel, OutgoingMessage, SendResult } from './channel.js';
import type { BotConfig } from './config.js';
import { postToBot, withSubject } from './bot-reply.js';

/**
 * DingTalk (钉钉) 130101: "send too fast, exceed 20 times per minute" (the bot is throttled for a
 * while); -1: system busy. Every other non-zero errcode (310000 security check failed: keyword,
 * signature or IP; 300001 bad token, ...) is a refusal to fix.
 */
const RETRYABLE = new Set([130101, -1]);

/**
 * A DingTalk custom group bot (自定义机器人): POSTs `{"msgtype": "text", "text": {"content"},
 * "at": {"atMobiles", "atUserIds", "isAtAll": false}}` to the bot's URL
 * (`…/robot/send?access_token=…`). With the "加签" security setting, `timestamp` (ms) and `sign`
 * are added to the query: `sign` = base64 HMAC-SHA256 keyed by the secret over
 * `"<timestamp>\n<secret>"`, URL-encoded. DingTalk shows the @-mention where the content names the
 * mobile number, so it is appended to the text.
 */
export class DingTalkBotChannel implements Channel {
  readonly needs = 'chat' as const;

  constructor(
    readonly name: string,
    private readonly config: BotConfig,
  ) {}

  async send(message: OutgoingMessage, signal: AbortSignal): Promise<SendResult> {
    const { phone, chatId } = message.recipient;
    const content = withSubject(message.subject, message.text) + (phone === null ? '' : ` @${phone}`);
    const payload = {
      msgtype: 'text',
      text: { content },
      at: { atMobiles: phone === null ? [] : [phone], atUserIds: chatId === null ? [] : [chatId], isAtAll: false },
    };
    let url = this.config.url;
    if (this.config.secret !== undefined) {
      const timestamp = String(Date.now());
      url += `${url.includes('?') ? '&' : '?'}timestamp=${timestamp}&sign=${encodeURIComponent(dingTalkSign(this.config.secret, timestamp))}`;
    }
    return postToBot(this.config, url, payload, { bot: `the DingTalk bot ${this.name}`, codeField: 'errcode', retryable: RETRYABLE }, signal);
  }
}

/** base64 HMAC-SHA256(key = secret, message = `${timestamp}\n${secret}`), not yet URL-encoded. */
export function dingTalkSign(secret: string, timestamp: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
}
