import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseHubConfig } from '../../../../hub/config/load.js';
import { HubError } from '../../../../hub/errors.js';
import { tempDir } from '../../../helpers/temp.js';

const dir = tempDir('channels-config-');
afterAll(() => dir.cleanup());

const BASE = 'sites: [{ id: plant, timeZone: Asia/Shanghai }]\n';

function problem(text: string): string {
  try {
    parseHubConfig(text, dir.dir, 'hub.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(HubError);
    return (err as HubError).message;
  }
  throw new Error('expected the configuration to be refused');
}

describe('hub configuration: channels and recipients', () => {
  writeFileSync(dir.file('wecom.url'), 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-123\n');
  writeFileSync(dir.file('smtp.txt'), 's3cret\n');
  writeFileSync(dir.file('sms-key.txt'), 'AK-1\n');
  const good = `${BASE}channels:
  sms:
    type: sms-gateway
    url: https://sms.example.cn/send
    headers: { X-Api-Key: "{secret}" }
    secretFile: ./sms-key.txt
    body: '{"to": "{phone}", "content": "{text}", "clientId": "{messageId}"}'
    success: { field: code, equals: "0", retryOn: ["isv.BUSINESS_LIMIT_CONTROL"] }
    retry: { maxAttempts: 5 }
  wecom: { type: wecom-bot, urlFile: ./wecom.url, timeoutSeconds: 5 }
  email: { type: smtp, host: smtp.exmail.qq.com, port: 465, security: tls, user: hr@example.cn, passwordFile: ./smtp.txt, from: "考勤系统 <hr@example.cn>" }
recipients:
  hr: { name: 人力资源部, email: hr@example.cn, phone: "13800000099" }
`;

  it('resolves named channels with defaults filled in and secrets read', () => {
    const c = parseHubConfig(good, dir.dir).channels!;
    expect(c.channels.wecom).toEqual({
      type: 'wecom-bot', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-123', timeoutMs: 5000, concurrency: 4,
      retry: { maxAttempts: 8, maxAgeMs: 86_400_000, firstDelayMs: 30_000, maxDelayMs: 3_600_000 },
    });
    expect(c.channels.sms).toMatchObject({
      type: 'sms-gateway', method: 'POST', contentType: 'application/json', secret: 'AK-1', headers: { 'X-Api-Key': '{secret}' },
      success: { statusFrom: 200, statusTo: 299, field: 'code', equals: '0', retryOn: ['isv.BUSINESS_LIMIT_CONTROL'] },
      retry: { maxAttempts: 5, maxAgeMs: 86_400_000 },
    });
    expect(c.channels.email).toMatchObject({ type: 'smtp', host: 'smtp.exmail.qq.com', port: 465, security: 'tls', user: 'hr@example.cn', password: 's3cret' });
    expect(c.recipients).toEqual({ hr: { name: '人力资源部', email: 'hr@example.cn', phone: '13800000099', chatId: null }, union: null });
  });

  it('reports secret files it cannot read with their paths', () => {
    expect(problem(`${BASE}channels:\n  ding: { type: dingtalk-bot, urlFile: ./nowhere.url, secretFile: ./empty.txt }\n`)).toMatch(/channels\.ding\.urlFile: cannot read .*nowhere\.url: no such file/);
    writeFileSync(dir.file('empty.txt'), '\n');
    expect(problem(`${BASE}channels:\n  ding: { type: dingtalk-bot, url: "https://oapi.dingtalk.com/robot/send", secretFile: ./empty.txt }\n`)).toMatch(/channels\.ding\.secretFile: .*empty\.txt is empty/);
  });

  it('sends nothing without a channels section, and asks nothing of the policy then', () => {
    expect(parseHubConfig(BASE, dir.dir).channels).toBeUndefined();
  });

  it('lists every channel the escalation policy names that is not configured', () => {
    const message = problem(`${BASE}channels:\n  wecom: { type: wecom-bot, urlFile: ./wecom.url }\n`);
    expect(message).toMatch(/channels: the escalation policy "default" v1 sends on "email", "sms", which are not configured; add them here or change the policy/);
  });

  it('reports unknown types, missing secrets and broken templates with their paths', () => {
    const message = problem(`${BASE}channels:
  sms: { type: carrier-pigeon }
  wecom: { type: wecom-bot }
  email: { type: smtp, host: h, from: "a@b", user: u }
  sms2: { type: sms-gateway, url: "http://x/s", body: '{"to": {phone}, "t": "{text}"}' }
  Bad: { type: wecom-bot, url: "http://x" }
`);
    for (const expected of [
      /channels\.sms\.type: unknown channel type "carrier-pigeon"; use one of webhook, smtp, sms-gateway, wecom-bot, dingtalk-bot, feishu-bot/,
      /channels\.wecom\.url: give exactly one of url or urlFile/,
      /channels\.email\.passwordFile: give user and passwordFile together, or neither/,
      /channels\.sms2\.body: with the values filled in, the body is not JSON/,
      /channels\.Bad: .*lower-case/,
    ]) expect(message).toMatch(expected);
  });
});

describe('the channels example in fixtures/hub.example.yaml', () => {
  it('is a valid configuration once uncommented', () => {
    const lines = readFileSync('fixtures/hub.example.yaml', 'utf8').split('\n');
    const kept: string[] = [];
    let inBlock = false;
    for (const line of lines) {
      if (line === '# channels:' || line === '# recipients:') inBlock = true;
      else if (!line.startsWith('#   ')) inBlock = false;
      if (inBlock) kept.push(line.slice(2));
    }
    for (const [file, content] of Object.entries({
      'sms-url.txt': 'https://sms.example.cn/v1/send', 'sms-token.txt': 't', 'wecom-bot-url.txt': 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k',
      'smtp-password.txt': 'p', 'hr-hook-hmac.txt': 'h',
    })) writeFileSync(dir.file(file), `${content}\n`);
    const text = `${BASE}${kept.join('\n').replaceAll('./secrets/', './')}\n`;
    const config = parseHubConfig(text, dir.dir);
    expect(Object.keys(config.channels!.channels)).toEqual(['sms', 'wecom', 'email', 'hr-system']);
    expect(config.channels!.channels['hr-system']).toMatchObject({ type: 'webhook', hmacSecret: 'h', retry: { maxAttempts: 12, maxAgeMs: 48 * 3_600_000 } });
    expect(config.channels!.recipients.union).toEqual({ name: '工会', email: 'union@example.com', phone: null, chatId: null });
  });
});
