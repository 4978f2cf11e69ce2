import { formatPath, type Problem } from '../../agent/config/problems.js';
import type { ChannelConfig, ChannelLimits, NotificationConfig, RecipientContact } from '../cases/channels/config.js';
import type { Policy } from '../cases/policy-schema.js';
import type { ParsedChannel, ParsedChannels, ParsedRecipients } from './channels-schema.js';

/** How the loader reads the files a configuration names (load.ts), collecting failures as problems. */
export interface SecretFiles {
  secret(p: string, at: PropertyKey[]): string;
  pem(p: string, at: PropertyKey[]): string;
}

/** The `channels` and `recipients` sections resolved: defaults in, secret files read. Undefined without `channels`. */
export function notificationConfig(channels: ParsedChannels, recipients: ParsedRecipients, files: SecretFiles): NotificationConfig | undefined {
  if (channels === undefined) return undefined;
  const out: NotificationConfig = { channels: {}, recipients: { hr: contact(recipients.hr), union: contact(recipients.union) } };
  for (const [name, c] of Object.entries(channels)) out.channels[name] = channel(c, ['channels', name], files);
  return out;
}

/**
 * A problem when the policy names channels the configuration does not have: every message on
 * them would be given up the moment it is queued.
 */
export function missingChannelProblem(policy: Policy, notification: NotificationConfig | undefined): Problem | undefined {
  if (notification === undefined) return undefined;
  const missing = [...policyChannels(policy)].filter((name) => notification.channels[name] === undefined).sort();
  if (missing.length === 0) return undefined;
  const path = ['channels'];
  const list = missing.map((m) => `"${m}"`).join(', ');
  return { path, text: `${formatPath(path)}: the escalation policy "${policy.name}" v${policy.version} sends on ${list}, which ${missing.length === 1 ? 'is' : 'are'} not configured; add ${missing.length === 1 ? 'it' : 'them'} here or change the policy` };
}

/** Every channel a policy sends on: notify, copyUnion, notices delivered by channel, and unread escalation. */
export function policyChannels(policy: Policy): Set<string> {
  const names = new Set<string>(policy.unread?.channels ?? []);
  for (const step of policy.steps) {
    for (const action of step.actions) {
      if ('notify' in action) action.notify.channels.forEach((c) => names.add(c));
      else if ('copyUnion' in action) action.copyUnion.channels.forEach((c) => names.add(c));
      else if ('draftNotice' in action) action.draftNotice.deliver.filter((d) => d !== 'registered_mail').forEach((c) => names.add(c));
    }
  }
  return names;
}

function channel(c: ParsedChannel, at: PropertyKey[], files: SecretFiles): ChannelConfig {
  const limits: ChannelLimits = {
    timeoutMs: Math.round(c.timeoutSeconds * 1000),
    concurrency: c.concurrency,
    retry: {
      maxAttempts: c.retry.maxAttempts,
      maxAgeMs: Math.round(c.retry.maxAgeHours * 3_600_000),
      firstDelayMs: Math.round(c.retry.firstDelaySeconds * 1000),
      maxDelayMs: Math.round(c.retry.maxDelaySeconds * 1000),
    },
  };
  const secret = (p: string | undefined, key: string): string | undefined => (p === undefined ? undefined : files.secret(p, [...at, key]));
  if (c.type === 'smtp') {
    const out: ChannelConfig = { type: 'smtp', ...limits, host: c.host, port: c.port, security: c.security, from: c.from };
    if (c.user !== undefined) out.user = c.user;
    const password = secret(c.passwordFile, 'passwordFile');
    if (password !== undefined) out.password = password;
    if (c.caFile !== undefined) out.ca = files.pem(c.caFile, [...at, 'caFile']);
    return out;
  }
  const url = c.url ?? secret(c.urlFile, 'urlFile') ?? '';
  switch (c.type) {
    case 'webhook': {
      const out: ChannelConfig = { type: 'webhook', ...limits, url };
      const token = secret(c.bearerTokenFile, 'bearerTokenFile');
      if (token !== undefined) out.bearerToken = token;
      const hmac = secret(c.hmacSecretFile, 'hmacSecretFile');
      if (hmac !== undefined) out.hmacSecret = hmac;
      return out;
    }
    case 'sms-gateway': {
      const [from, to] = c.success.status.split('-').map(Number) as [number, number | undefined];
      const out: ChannelConfig = {
        type: 'sms-gateway', ...limits, method: c.method, url, headers: c.headers, contentType: c.contentType, body: c.body,
        success: { statusFrom: from, statusTo: to ?? from, retryOn: c.success.retryOn, ...(c.success.field === undefined ? {} : { field: c.success.field, equals: c.success.equals ?? '' }) },
      };
      const key = secret(c.secretFile, 'secretFile');
      if (key !== undefined) out.secret = key;
      return out;
    }
    case 'wecom-bot':
      return { type: c.type, ...limits, url };
    case 'dingtalk-bot':
    case 'feishu-bot': {
      const out: ChannelConfig = { type: c.type, ...limits, url };
      const key = secret(c.secretFile, 'secretFile');
      if (key !== undefined) out.secret = key;
      return out;
    }
  }
}

function contact(c: ParsedRecipients['hr']): RecipientContact | null {
  if (c === undefined) return null;
  return { name: c.name ?? null, phone: c.phone ?? null, email: c.email ?? null, chatId: c.chatId ?? null };
}
