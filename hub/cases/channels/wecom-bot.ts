import type { Channel, OutgoingMessage, SendResult } from './channel.js';
import type { BotConfig } from './config.js';
import { postToBot, withSubject } from './bot-reply.js';

/**
 * WeCom (企业微信) 45009: API call frequency over the limit (a group bot takes 20 messages a
 * minute); -1: system busy. Both pass; every other non-zero errcode is a refusal to fix.
 */
const RETRYABLE = new Set([45009, -1]);

/**
 * A WeCom group bot (群机器人): POSTs `{"msgtype": "text", "text": {"content", "mentioned_list",
 * "mentioned_mobile_list"}}` to the bot's webhook URL (`…/cgi-bin/webhook/send?key=…`; the key is
 * the credential, so the URL belongs in a file). The recipient is @-mentioned by WeCom user id and
 * by mobile number, whichever the directory has.
 */
export class WeComBotChannel implements Channel {
  readonly needs = 'chat' as const;

  constructor(
    readonly name: string,
    private readonly config: BotConfig,
  ) {}

  async send(message: OutgoingMessage, signal: AbortSignal): Promise<SendResult> {
    const { phone, chatId } = message.recipient;
    const text: Record<string, unknown> = { content: withSubject(message.subject, message.text) };
    if (chatId !== null) text.mentioned_list = [chatId];
    if (phone !== null) text.mentioned_mobile_list = [phone];
    return postToBot(this.config, this.config.url, { msgtype: 'text', text }, { bot: `the WeCom bot ${this.name}`, codeField: 'errcode', retryable: RETRYABLE }, signal);
  }
}
