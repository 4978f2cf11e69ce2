/**
 * The channels as the hub runs them: the configuration file's `channels` and `recipients`
 * sections with defaults filled in and secret files read (hub/config/channels.ts does that).
 */

/** When to try again, and when to give up. */
export interface RetryConfig {
  /** Attempts in all, the first one included. */
  maxAttempts: number;
  /** A message not sent this long after it was queued is given up. */
  maxAgeMs: number;
  /** The wait after the first failure; it doubles after each one, up to `maxDelayMs`, with jitter. */
  firstDelayMs: number;
  maxDelayMs: number;
}

/** What every channel has: how long one request may take, how many run at once, and retries. */
export interface ChannelLimits {
  timeoutMs: number;
  concurrency: number;
  retry: RetryConfig;
}

export interface WebhookConfig extends ChannelLimits {
  type: 'webhook';
  url: string;
  bearerToken?: string;
  hmacSecret?: string;
}

export interface SmtpConfig extends ChannelLimits {
  type: 'smtp';
  host: string;
  port: number;
  /** `tls`: TLS from the first byte (port 465); `starttls`: upgrade required (587); `none`: plain (tests, local relays). */
  security: 'tls' | 'starttls' | 'none';
  user?: string;
  password?: string;
  /** `"考勤系统 <hr@example.com>"` or a bare address. */
  from: string;
  /** PEM of a private CA that signed the server's certificate. */
  ca?: string;
}

export interface SmsSuccessRule {
  /** Statuses that may be a success, inclusive. */
  statusFrom: number;
  statusTo: number;
  /** A dotted path into the JSON response (`code`, `result.status`) and the value it must have. */
  field?: string;
  equals?: string;
  /** Values of `field` that mean "try again later" (e.g. the gateway's rate-limit code). */
  retryOn: string[];
}

export interface SmsGatewayConfig extends ChannelLimits {
  type: 'sms-gateway';
  method: 'POST' | 'PUT' | 'GET';
  url: string;
  headers: Record<string, string>;
  contentType: 'application/json' | 'application/x-www-form-urlencoded';
  /** With `{phone}`, `{text}`, `{messageId}` and `{secret}`, escaped as the content type needs. */
  body: string;
  /** Fills `{secret}` in the URL, headers and body; never recorded. */
  secret?: string;
  success: SmsSuccessRule;
}

export interface BotConfig extends ChannelLimits {
  type: 'wecom-bot' | 'dingtalk-bot' | 'feishu-bot';
  url: string;
  /** DingTalk and Feishu "sign" security setting (加签 / 签名校验). */
  secret?: string;
}

export type ChannelConfig = WebhookConfig | SmtpConfig | SmsGatewayConfig | BotConfig;
export type ChannelType = ChannelConfig['type'];

/** How HR or the union are reached (they are not in the directory). */
export interface RecipientContact {
  name: string | null;
  phone: string | null;
  email: string | null;
  chatId: string | null;
}

export interface NotificationConfig {
  /** By the name the escalation policy uses. */
  channels: Record<string, ChannelConfig>;
  recipients: { hr: RecipientContact | null; union: RecipientContact | null };
}

export const DEFAULT_RETRY: RetryConfig = { maxAttempts: 8, maxAgeMs: 24 * 3_600_000, firstDelayMs: 30_000, maxDelayMs: 3_600_000 };
