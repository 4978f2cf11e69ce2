import type { Exchange, SendResult } from './channel.js';
import type { BotConfig } from './config.js';
import { exchange, jsonObject, statusResult } from './http.js';

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

/** How one bot reads its answer: its name in errors, the code field, the codes worth retrying. */
export interface BotReply {
  bot: string;
  codeField: string;
  retryable: ReadonlySet<number>;
}

/**
 * Posts a bot's JSON message to `url` (the bot's URL, signed or not) and reads the answer: a
 * network failure is worth retrying, the rest as `botResult` says. `config.secret`, when set, is
 * kept out of what is recorded.
 */
export async function postToBot(config: BotConfig, url: string, message: unknown, reply: BotReply, signal: AbortSignal): Promise<SendResult> {
  const secrets = config.secret === undefined ? [] : [config.secret];
  const body = JSON.stringify(message);
  const r = await exchange({ method: 'POST', url, headers: { 'content-type': 'application/json; charset=utf-8' }, body }, config.timeoutMs, signal, secrets);
  if (r.kind === 'network') return { outcome: 'retryable', error: r.error, exchange: r.exchange };
  return botResult(reply.bot, r.status, r.body, r.exchange, reply.codeField, reply.retryable);
}
