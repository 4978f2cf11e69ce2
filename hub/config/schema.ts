import { z } from 'zod';
import { TopicId } from '../../protocols/mqtt/contract.js';
import { parsePasswordHash } from '../broker/password-hash.js';
import { isLocalDate } from '../time/local-date.js';
import { isValidZone } from '../time/zone.js';
import { ChannelsSchema, RecipientsSchema } from './channels-schema.js';

/**
 * The hub's configuration file, one zod schema: it validates `hub.yaml` (load.ts) and types the
 * running hub. Every object is strict: an unknown key is an error. Descriptions double as the
 * "how to fix" half of validation messages.
 */

const int = (min: number, max: number): z.ZodNumber => z.number().int().min(min).max(max);
const Port = int(0, 65535);

const Tls = z.strictObject({
  port: Port.default(8883).describe('Port for MQTT over TLS (0 picks a free one)'),
  keyFile: z.string().min(1).describe('PEM private key, relative to this file\'s folder'),
  certFile: z.string().min(1).describe('PEM certificate (chain), relative to this file\'s folder'),
});

const WebSocket = z.strictObject({
  port: Port.default(8083).describe('Port for MQTT over WebSocket (0 picks a free one)'),
  path: z.string().regex(/^\//, 'start the path with "/"').default('/mqtt').describe('HTTP path of the WebSocket endpoint'),
});

const Embedded = z.strictObject({
  host: z.string().min(1).default('127.0.0.1').describe('Address to listen on; 0.0.0.0 for gateways on other machines'),
  port: Port.default(1883).describe('MQTT port (0 picks a free one)'),
  tls: Tls.optional().describe('Also listen for MQTT over TLS'),
  websocket: WebSocket.optional().describe('Also listen for MQTT over WebSocket'),
});

const ExternalTls = z.strictObject({
  caFile: z.string().min(1).optional().describe('CA certificate (PEM) that signed the broker\'s certificate'),
  certFile: z.string().min(1).optional().describe('Client certificate (PEM), for brokers that require one'),
  keyFile: z.string().min(1).optional().describe('Client private key (PEM)'),
  rejectUnauthorized: z.boolean().default(true).describe('Check the broker\'s certificate (keep true outside tests)'),
});

const External = z.strictObject({
  url: z.string().regex(/^(mqtts?|wss?):\/\/[^\s]+$/, 'use mqtt://host:1883, mqtts://host:8883 or ws(s)://host/path').describe('The broker (Mosquitto, EMQX) every gateway publishes to'),
  username: z.string().min(1).max(256).optional().describe('The hub\'s user on the broker'),
  passwordFile: z.string().min(1).optional().describe('File holding the hub\'s broker password (trailing newline ignored)'),
  clientId: z.string().min(1).max(128).optional().describe('Default rollcall-hub-{host}-{pid}; each hub process needs its own'),
  shareGroup: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "_" and "-"')
    .nullable()
    .default('rollcall-hub')
    .describe('Shared-subscription group ($share/{group}/...) so several hub processes split the punch stream; null to subscribe plainly'),
  tls: ExternalTls.optional(),
});

const Broker = z
  .strictObject({
    embedded: Embedded.optional().describe('Run the MQTT broker inside the hub (the default)'),
    external: External.optional().describe('Use a broker that runs elsewhere (Mosquitto, EMQX) instead'),
  })
  .refine((b) => !(b.embedded !== undefined && b.external !== undefined), { message: 'choose one: broker.embedded or broker.external' });

const Gateway = z
  .strictObject({
    id: TopicId.describe('The gateway id of the agent\'s configuration (topic level)'),
    passwordHash: z
      .string()
      .refine((s) => parsePasswordHash(s) !== null, 'not a password hash; make one with `rollcall hub hash-password`')
      .optional()
      .describe('scrypt hash of the gateway\'s broker password (rollcall hub hash-password)'),
    passwordFile: z.string().min(1).optional().describe('Alternatively, a file holding the gateway\'s password in clear text'),
  })
  .refine((g) => (g.passwordHash === undefined) !== (g.passwordFile === undefined), {
    message: 'give exactly one of passwordHash or passwordFile',
  });

const Site = z.strictObject({
  id: TopicId.describe('The site id of the agents\' configuration (topic level)'),
  name: z.string().min(1).max(200).optional(),
  timeZone: z
    .string()
    .refine(isValidZone, 'unknown time zone; use an IANA name such as Asia/Shanghai, or an offset such as +08:00')
    .describe('The site\'s time zone: every rule works in the site\'s local calendar'),
  gateways: z.array(Gateway).default([]).describe('The gateways allowed to publish for this site, with their credentials'),
  city: z.string().min(1).max(100).optional().describe('The city whose social-insurance office the site\'s employees are registered with (a key of cases.socialInsuranceCutoffDays)'),
});

const Detection = z.strictObject({
  intervalSeconds: int(5, 3600).default(60).describe('How often detection runs'),
  thresholds: z
    .strictObject({
      consecutive: int(1, 365).default(3).describe('Consecutive absent working days that raise a threshold event'),
      monthly: int(1, 31).default(5).describe('Absent working days in one month that raise a threshold event'),
    })
    .default({ consecutive: 3, monthly: 5 }),
  restBreaksRun: z.boolean().default(false).describe('Whether a rest day or holiday ends a run of consecutive absences'),
  leaveBreaksRun: z.boolean().default(true).describe('Whether a day of approved leave ends a run of consecutive absences'),
  startDate: z
    .string()
    .refine(isLocalDate, 'write a date as YYYY-MM-DD')
    .optional()
    .describe('The first local date judged at a site detection has never run for (default: the day before its first run)'),
});

const Cases = z.strictObject({
  policyFile: z
    .string()
    .min(1)
    .optional()
    .describe('The escalation policy (YAML), relative to this file\'s folder; default: the shipped one (rollcall hub policy --print-default)'),
  socialInsuranceCutoffDays: z
    .record(z.string().min(1).max(100), int(1, 31))
    .default({})
    .describe('Per city, the day of the month by which a leaver reported to the social-insurance office is not charged that month (ask the office; the hub never assumes one)'),
  chromiumPath: z.string().min(1).optional().describe('The Chromium or Chrome that prints notices to PDF; default: chromium or google-chrome on PATH'),
});

const Api = z.strictObject({
  host: z.string().min(1).default('127.0.0.1').describe('Address of the HTTP API'),
  port: Port.default(8080).describe('Port of the HTTP API (0 picks a free one)'),
  tokenFile: z.string().min(1).optional().describe('File holding the bearer token integrations send (it holds every role); people sign in with local accounts'),
  sessions: z
    .strictObject({
      hours: z.number().min(0.25).max(168).default(12).describe('A session ends this long after signing in'),
      idleMinutes: z.number().int().min(1).max(1440).default(30).describe('A session ends after this long without a request'),
      secureCookies: z.boolean().default(false).describe('Mark the session cookie Secure: set it when users reach the hub over HTTPS (a TLS proxy in front)'),
    })
    .default({ hours: 12, idleMinutes: 30, secureCookies: false }),
  signIn: z
    .strictObject({
      maxFailures: z.number().int().min(1).max(100).default(5).describe('Failed sign-ins allowed per user name and per address in the window'),
      windowMinutes: z.number().int().min(1).max(1440).default(15),
    })
    .default({ maxFailures: 5, windowMinutes: 15 }),
});

export const HubConfigSchema = z
  .strictObject({
    database: z
      .strictObject({
        path: z.string().min(1).default('./rollcall-hub.sqlite').describe('SQLite file of the hub, relative to this file\'s folder'),
        synchronous: z.enum(['NORMAL', 'FULL']).default('FULL').describe('FULL: every commit reaches the disk before the ack'),
      })
      .default({ path: './rollcall-hub.sqlite', synchronous: 'FULL' }),
    broker: Broker.default({}),
    sites: z.array(Site).min(1, 'list at least one site').describe('The company\'s sites, each with its time zone and gateways'),
    detection: Detection.default({ intervalSeconds: 60, thresholds: { consecutive: 3, monthly: 5 }, restBreaksRun: false, leaveBreaksRun: true }),
    cases: Cases.default({ socialInsuranceCutoffDays: {} }).describe('Absence cases and their escalation ladder'),
    channels: ChannelsSchema,
    recipients: RecipientsSchema,
    api: Api.optional().describe('The HTTP API (reports); off when absent'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((config, ctx) => {
    const sites = new Set<string>();
    config.sites.forEach((site, i) => {
      if (sites.has(site.id)) ctx.addIssue({ code: 'custom', path: ['sites', i, 'id'], message: `site "${site.id}" is listed twice`, input: site.id });
      sites.add(site.id);
      const gateways = new Set<string>();
      site.gateways.forEach((g, j) => {
        if (gateways.has(g.id)) ctx.addIssue({ code: 'custom', path: ['sites', i, 'gateways', j, 'id'], message: `gateway "${g.id}" is listed twice in site "${site.id}"`, input: g.id });
        gateways.add(g.id);
      });
    });
  })
  .describe('The rollcall hub\'s settings (database, broker, sites, detection, api); see fixtures/hub.example.yaml');

export type ParsedHubConfig = z.output<typeof HubConfigSchema>;
export type SiteConfig = ParsedHubConfig['sites'][number];
export type DetectionConfig = ParsedHubConfig['detection'];
