import type { Exchange, SendResult } from './channel.js';
import { jsonObject, statusResult } from './http.js';

/**
 * Reads a chat-group bot's answer. The bots answer HTTP 200 with a JSON code (`errcode` for WeCom
 * and DingTalk, `code` for Feishu): 0 is delivered to the group; any other value is a refusal,
 * retried only when it is one of the bot's documented rate-limit or busy codes.
 */
export function botResult(bot: string, status: number, body: string, exchange: Exchange, codeField: string, retryableCodes: ReadonlySet<number>): SendResult {
  if (status !== 200) return statusResult(status, exchange, bot);
  const json = jsonObject(body);
  const code = json?.[codeField];
  if (typeof code !== 'number') return { outcome: 'permanent', error: `${bot} answered without a numeric ${codeField}`, exchange };
  if (code === 0) return { outcome: 'ok', exchange };
  const text = json?.errmsg ?? json?.msg;
  const error = `${bot} refused it: ${codeField} ${code}${typeof text === 'string' ? ` (${text})` : ''}`;
  return { outcome: retryableCodes.has(code) ? 'retryable' : 'permanent', error, exchange };
}

/** The subject, when there is one, as a first line: the bots have no subject field. */
export function withSubject(subject: string | null, text: string): string {
  return subject === null ? text : `【${subject}】\n${text}`;
}
