import type { Channel } from './channel.js';
import type { ChannelConfig } from './config.js';
import { DingTalkBotChannel } from './dingtalk-bot.js';
import { FeishuBotChannel } from './feishu-bot.js';
import { SmsGatewayChannel } from './sms-gateway.js';
import { SmtpChannel } from './smtp.js';
import { WebhookChannel } from './webhook.js';
import { WeComBotChannel } from './wecom-bot.js';

/** The channel a configuration entry describes. */
export function createChannel(name: string, config: ChannelConfig): Channel {
  switch (config.type) {
    case 'webhook':
      return new WebhookChannel(name, config);
    case 'smtp':
      return new SmtpChannel(name, config);
    case 'sms-gateway':
      return new SmsGatewayChannel(name, config);
    case 'wecom-bot':
      return new WeComBotChannel(name, config);
    case 'dingtalk-bot':
      return new DingTalkBotChannel(name, config);
    case 'feishu-bot':
      return new FeishuBotChannel(name, config);
  }
}

/** Every configured channel by name. */
export function createChannels(configs: Readonly<Record<string, ChannelConfig>>): Map<string, Channel> {
  return new Map(Object.entries(configs).map(([name, c]) => [name, createChannel(name, c)]));
}
