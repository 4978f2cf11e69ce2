import { z } from 'zod';
import { fillTemplate, formEncode, jsonEscape } from '../cases/channels/sms-gateway.js';

/**
 * The `channels` and `recipients` sections of hub.yaml: how the escalation policy's messages
 * leave the hub. Each channel has the name the policy uses for it (sms, email, wecom, ...) and a
 * `type`. Secrets (passwords, tokens, signing keys, and bot URLs, whose key is the credential)
 * are read from files named by `*File` keys, relative to the configuration's folder.
 */

const Name = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'use lower-case letters, digits, "_" and "-", as the policy names it (e.g. sms, wecom)');
const HttpUrl = z.string().regex(/^https?:\/\/[^\s]+$/, 'an http:// or https:// URL');
const FilePath = z.string().min(1);

const Retry = z
  .strictObject({
    maxAttempts: z.number().int().min(1).max(100).default(8).describe('Attempts in all before a message is given up (undeliverable)'),
    maxAgeHours: z.number().min(0.01).max(24 * 30).default(24).describe('A message not sent this long after it was queued is given up'),
    firstDelaySeconds: z.number().min(0.1).max(86_400).default(30).describe('The wait after the first failure; it doubles after each one'),
    maxDelaySeconds: z.number().min(1).max(7 * 86_400).default(3600).describe('The longest wait between two attempts'),
  })
  .default({ maxAttempts: 8, maxAgeHours: 24, firstDelaySeconds: 30, maxDelaySeconds: 3600 });

const common = {
  timeoutSeconds: z.number().min(0.1).max(300).default(10).describe('How long one request may take'),
  concurrency: z.number().int().min(1).max(64).default(4).describe('Requests on this channel at once'),
  retry: Retry,
};

const url = {
  url: HttpUrl.optional().describe('The endpoint; when it carries a token, use urlFile instead'),
  urlFile: FilePath.optional().describe('File holding the endpoint URL (bot URLs carry their key: keep them out of this file)'),
};

const Webhook = z.strictObject({
  type: z.literal('webhook'),
  ...url,
  bearerTokenFile: FilePath.optional().describe('File holding a token sent as "Authorization: Bearer <token>"'),
  hmacSecretFile: FilePath.optional().describe('File holding the key of the X-Rollcall-Signature header (HMAC-SHA256)'),
  ...common,
});

const Smtp = z.strictObject({
  type: z.literal('smtp'),
  host: z.string().min(1).describe('The mail server, e.g. smtp.exmail.qq.com'),
  port: z.number().int().min(1).max(65535).default(587),
  security: z.enum(['tls', 'starttls', 'none']).default('starttls').describe('tls (port 465), starttls (587, required) or none (local relays only)'),
  user: z.string().min(1).optional(),
  passwordFile: FilePath.optional().describe('File holding the password of user'),
  from: z.string().min(3).describe('The sender, e.g. "考勤系统 <attendance@example.com>"'),
  caFile: FilePath.optional().describe('PEM of a private CA that signed the server\'s certificate'),
  ...common,
});

const SmsSuccess = z
  .strictObject({
    status: z
      .string()
      .regex(/^\d{3}(-\d{3})?$/, 'a status such as "200" or a range such as "200-299" (quoted)')
      .default('200-299')
      .describe('HTTP statuses that may mean success'),
    field: z.string().min(1).optional().describe('A dotted path into the JSON answer, e.g. code or result.status'),
    equals: z.string().optional().describe('The value field has on success, as text (quote numbers: "0")'),
    retryOn: z.array(z.string()).default([]).describe('Values of field that mean "try again later" (the gateway\'s rate-limit codes)'),
  })
  .default({ status: '200-299', retryOn: [] });

const SmsGateway = z.strictObject({
  type: z.literal('sms-gateway'),
  method: z.enum(['POST', 'PUT', 'GET']).default('POST'),
  ...url,
  headers: z.record(z.string(), z.string()).default({}).describe('Request headers; {secret} is filled in'),
  contentType: z.enum(['application/json', 'application/x-www-form-urlencoded']).default('application/json'),
  body: z.string().default('').describe('The body, with {phone}, {text}, {messageId} and {secret} filled in, escaped for the content type'),
  secretFile: FilePath.optional().describe('File holding the API key or token {secret} stands for'),
  success: SmsSuccess,
  ...common,
});

const WeComBot = z.strictObject({ type: z.literal('wecom-bot'), ...url, ...common });
const signedBot = { ...url, secretFile: FilePath.optional().describe('File holding the bot\'s signing secret (加签 / 签名校验), when that security setting is on'), ...common };
const DingTalkBot = z.strictObject({ type: z.literal('dingtalk-bot'), ...signedBot });
const FeishuBot = z.strictObject({ type: z.literal('feishu-bot'), ...signedBot });

export const CHANNEL_TYPES = ['webhook', 'smtp', 'sms-gateway', 'wecom-bot', 'dingtalk-bot', 'feishu-bot'] as const;

const Channel = z
  .discriminatedUnion('type', [Webhook, Smtp, SmsGateway, WeComBot, DingTalkBot, FeishuBot], {
    error: (issue) => {
      const input = issue.input as { type?: unknown } | string | undefined;
      const type = typeof input === 'object' && input !== null ? input.type : input;
      return type === undefined ? `give a type: one of ${CHANNEL_TYPES.join(', ')}` : `unknown channel type ${JSON.stringify(type)}; use one of ${CHANNEL_TYPES.join(', ')}`;
    },
  })
  .superRefine((c, ctx) => {
    if (c.type !== 'smtp' && (c.url === undefined) === (c.urlFile === undefined)) ctx.addIssue({ code: 'custom', path: ['url'], message: 'give exactly one of url or urlFile' });
    if (c.type === 'smtp' && (c.user === undefined) !== (c.passwordFile === undefined)) ctx.addIssue({ code: 'custom', path: ['passwordFile'], message: 'give user and passwordFile together, or neither' });
    if (c.type === 'sms-gateway') smsProblems(c, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
  });

/** An SMS template that cannot work is reported now, not on the first absence. */
function smsProblems(c: z.output<typeof SmsGateway>, add: (path: string[], message: string) => void): void {
  const { field, equals } = c.success;
  if ((field === undefined) !== (equals === undefined)) add(['success'], 'give success.field and success.equals together, or neither');
  if (c.method === 'GET') return;
  if (!c.body.includes('{phone}') || !c.body.includes('{text}')) add(['body'], 'the body needs {phone} and {text} (or use method GET with them in the URL)');
  if (c.contentType === 'application/json') {
    const sample = fillTemplate(c.body, { phone: '+8613800000000', text: '测试 "quoted"\nline', messageId: 'case-1-msg-1', secret: 's' }, jsonEscape);
    try {
      JSON.parse(sample);
    } catch (err) {
      add(['body'], `with the values filled in, the body is not JSON (${(err as Error).message}); write the placeholders inside quotes, e.g. {"to": "{phone}", "text": "{text}"}`);
    }
  } else if (/[\s]/.test(fillTemplate(c.body, { phone: '1', text: 'a b', messageId: 'm', secret: 's' }, formEncode))) {
    add(['body'], 'a form body has no spaces or line breaks, e.g. to={phone}&text={text}');
  }
}

const Contact = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  phone: z.string().min(3).max(40).optional(),
  email: z.string().regex(/^[^\s@]+@[^\s@]+$/, 'an email address').optional(),
  chatId: z.string().min(1).max(200).optional().describe('WeCom, DingTalk or Feishu user id, for @-mentions'),
});

export const ChannelsSchema = z.record(Name, Channel).optional().describe('How messages leave the hub, by the names the escalation policy uses; see fixtures/hub.example.yaml');

export const RecipientsSchema = z
  .strictObject({ hr: Contact.optional().describe('How HR is reached'), union: Contact.optional().describe('How the union (工会) is reached') })
  .default({})
  .describe('Who "hr" and "union" in the escalation policy are');

export type ParsedChannel = z.output<typeof Channel>;
export type ParsedChannels = z.output<typeof ChannelsSchema>;
export type ParsedRecipients = z.output<typeof RecipientsSchema>;
