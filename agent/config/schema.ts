import { z } from 'zod';
import { TopicId } from '../../protocols/mqtt/contract.js';
import { isProtocolError } from '../../protocols/errors.js';
import { parseTerminalUrl } from '../../protocols/transport/url.js';
import { brokerUrlProblem, parseUsbId, parseUtcOffset, crossFieldProblems } from './rules.js';

/**
 * The agent's configuration file, as one zod schema. The same schema validates `agent.yaml`
 * (see load.ts), types the running agent (`AgentConfig`) and generates `agent.schema.json` for
 * editors (see json-schema.ts). Every object is strict: an unknown key is an error, not ignored.
 * Descriptions double as the "how to fix" half of validation messages.
 */

const int = (min: number, max: number): z.ZodNumber => z.number().int().min(min).max(max);

/** Rules that look across fields run even when other fields already failed, so a broken file lists every problem at once. */
const always = { when: () => true } as const;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const UtcOffset = z
  .string()
  .regex(/^(Z|[+-]\d{2}:\d{2})$/, 'write the offset like "+08:00" or "-05:30", in quotes')
  .describe('The site\'s UTC offset, e.g. "+08:00" (quote it in YAML); terminals keep local time with no zone')
  .transform((text, ctx) => {
    const minutes = parseUtcOffset(text);
    if (typeof minutes === 'string') {
      ctx.issues.push({ code: 'custom', message: minutes, input: text });
      return z.NEVER;
    }
    return minutes;
  });

const Outbox = z
  .strictObject({
    path: z.string().min(1).default('./rollcall-agent.sqlite').describe('SQLite file of the store-and-forward outbox, relative to this file\'s folder'),
    synchronous: z
      .enum(['NORMAL', 'FULL'])
      .default('FULL')
      .describe('FULL survives power cuts (every commit reaches the disk); NORMAL only survives a crash of the agent'),
    maxBacklog: int(1000, 100_000_000).default(2_000_000).describe('Undelivered punches at which the agent stops pulling from terminals (they keep their own records)'),
    minFreeMB: int(0, 1_000_000).default(256).describe('Free MiB on the outbox\'s disk below which the agent stops pulling'),
    keepDelivered: int(0, 100_000_000).default(500_000).describe('Delivered punches kept in the outbox for inspection; older ones are pruned'),
    cacheMB: int(1, 1024).default(2).describe('SQLite page cache of the outbox in MiB; the outbox only appends and reads its oldest rows, so the default is plenty'),
  })
  .prefault({})
  .describe('Where punches wait until the hub acknowledges them');

const BrokerUrl = z
  .string()
  .meta({ description: 'The MQTT broker, e.g. mqtt://127.0.0.1:1883 (mqtt:, mqtts:, ws:, wss:, tcp: or ssl:)', pattern: '^(mqtts?|wss?|tcp|ssl)://' })
  .superRefine((url, ctx) => {
    const problem = brokerUrlProblem(url);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: url });
  });

const Tls = z
  .strictObject({
    caFile: z.string().min(1).optional().describe('PEM file of the certificate authority that signed the broker\'s certificate (default: the system\'s CAs)'),
    certFile: z.string().min(1).optional().describe('PEM client certificate, for brokers that require client certificates (needs keyFile)'),
    keyFile: z.string().min(1).optional().describe('PEM private key of the client certificate (needs certFile)'),
    rejectUnauthorized: z.boolean().default(true).describe('Refuse a broker whose certificate does not verify; set false only for testing'),
  })
  .describe('TLS options for mqtts: and wss: brokers; file paths are relative to this file\'s folder and are read when the configuration loads');

const Broker = z
  .strictObject({
    url: BrokerUrl,
    username: z.string().min(1).max(256).optional().describe('Username for the broker'),
    password: z.string().max(1024).optional().describe('Password for the broker (or use passwordFile to keep it out of this file)'),
    passwordFile: z.string().min(1).optional().describe('File holding the broker password (trailing newline ignored), relative to this file\'s folder'),
    clientId: z.string().min(1).max(128).optional().describe('MQTT client id, unique on the broker (default: made from site and gateway)'),
    tls: Tls.optional(),
  })
  .describe('The MQTT broker the agent publishes to (the hub\'s embedded broker, Mosquitto or EMQX), e.g. "broker: { url: mqtt://127.0.0.1:1883 }"');

const Publish = z
  .strictObject({
    batchSize: int(1, 5000).default(500).describe('Punches per MQTT message (1..5000)'),
    maxInflightBatches: int(1, 64).default(8).describe('Batches published and not yet acknowledged by the hub'),
    ackTimeoutSeconds: int(1, 600).default(10).describe('Seconds to wait for the hub\'s ack before publishing a batch again'),
  })
  .prefault({})
  .describe('How punches are batched and acknowledged');

const TerminalUrl = z
  .string()
  .meta({
    description: 'The terminal, e.g. zk+tcp://10.0.0.5:4370?commkey=123, zk+udp://10.0.0.5 or zk+serial:///dev/ttyS0?baud=115200&deviceId=1',
    pattern: '^zk\\+(tcp|udp|serial)://',
  })
  .superRefine((url, ctx) => {
    try {
      parseTerminalUrl(url);
    } catch (err) {
      if (!isProtocolError(err)) throw err;
      ctx.addIssue({ code: 'custom', message: err.message, input: url });
    }
  });

const Name = z.string().min(1).max(80);

const Terminal = z
  .strictObject({
    name: Name.describe('A name for logs and health reports, unique among terminals and HID readers'),
    url: TerminalUrl,
    pollIntervalSeconds: int(5, 86_400).default(60).describe('Seconds between reads of the terminal\'s attendance log (5..86400)'),
    realtime: z.boolean().default(true).describe('Also listen for realtime punch events between polls'),
    clock: z
      .strictObject({
        maxDriftSeconds: int(1, 86_400).default(60).describe('Clock drift (terminal minus gateway, at the site\'s offset) that raises a health alarm'),
        correct: z.boolean().default(false).describe('Set the terminal\'s clock when it drifts beyond maxDriftSeconds'),
      })
      .prefault({})
      .describe('Watching the terminal\'s clock'),
    clearAfterAck: z
      .strictObject({
        enabled: z.boolean().default(false).describe('Clear the terminal\'s attendance log once the hub acknowledged every record in it'),
        minFillPercent: int(1, 100).default(80).describe('Only clear when the log is at least this full (percent of capacity)'),
      })
      .prefault({})
      .describe('Clearing records from the terminal: never unless enabled, and only what the hub acknowledged'),
    timeoutMs: int(100, 600_000).optional().describe('Reply timeout in ms (overrides the URL\'s timeout parameter)'),
  })
  .describe('A terminal, at least a name and a url, e.g. "- { name: front-door, url: zk+tcp://10.0.0.5:4370 }"')
  .transform((t) => ({ ...t, endpoint: parseTerminalUrl(t.url) }));

const UsbId = z
  .union([z.number(), z.string()], { error: 'expected a USB id: a number 0..65535 or a hex string such as "0x08ff"' })
  .describe('USB id, a number or a hex string such as "0x08ff" (see lsusb)')
  .transform((value, ctx) => {
    const id = parseUsbId(value);
    if (typeof id === 'string') {
      ctx.issues.push({ code: 'custom', message: id, input: value });
      return z.NEVER;
    }
    return id;
  });

const CardMap = z
  .record(
    z.string().regex(/^[0-9A-Fa-f]{1,32}$/, 'a card number is 1..32 digits (or hex digits)'),
    z
      .union([z.string(), z.number()], { error: 'expected the userId as text' })
      .describe('The userId the card punches as, e.g. "1001"')
      .transform(String)
      .pipe(z.string().min(1).max(32)),
  )
  .describe('Card number to userId; a card not listed punches with the card number as its userId')
  .transform((cards) => new Map(Object.entries(cards).map(([card, userId]) => [card.toUpperCase(), userId])));

const HidReader = z.strictObject({
  name: Name.describe('A name for logs, unique among terminals and HID readers'),
  vendorId: UsbId.optional(),
  productId: UsbId.optional(),
  path: z.string().min(1).optional().describe('Device path, e.g. /dev/hidraw0 (instead of vendorId and productId)'),
  terminal: TopicId.describe('The terminal id (deviceSerial) the punches of this reader carry, e.g. "door-reader-1"'),
  state: int(0, 255).default(0).describe('Punch state of a swipe (0 check-in, 1 check-out, ...)'),
  maxLength: int(1, 32).default(20).describe('Longest card number; longer input is discarded'),
  keystrokeTimeoutMs: int(10, 10_000).default(500).describe('A pause longer than this between keystrokes discards the partial card number'),
  cards: CardMap.optional(),
}).describe('A badge reader: name, vendorId and productId (or path), terminal');

export const AgentConfigSchema = z
  .strictObject({
    site: TopicId.describe('The site id, part of every MQTT topic, e.g. "shanghai-plant"'),
    gateway: TopicId.describe('This gateway\'s id within the site, part of every MQTT topic, e.g. "gw1"'),
    utcOffset: UtcOffset,
    logLevel: z.enum(LOG_LEVELS).default('info').describe('Log level of the JSON logs on stdout'),
    outbox: Outbox,
    broker: Broker,
    publish: Publish,
    terminals: z.array(Terminal).default([]).describe('ZK terminals (punch clocks) read by this agent'),
    concurrentReads: int(1, 64)
      .default(2)
      .describe('Terminal logs read at the same time (1..64); reads are CPU- and memory-heavy, realtime punches are not limited'),
    hidReaders: z.array(HidReader).default([]).describe('USB HID badge readers that turn a card swipe into a punch'),
  })
  .superRefine((config, ctx) => {
    for (const p of crossFieldProblems(config)) ctx.addIssue({ code: 'custom', message: p.message, path: p.path, input: undefined });
  }, always)
  .describe('The rollcall agent\'s settings (site, gateway, utcOffset, broker, terminals, ...); see fixtures/agent.example.yaml');

/** What a configuration file holds (before defaults). */
export type AgentConfigInput = z.input<typeof AgentConfigSchema>;
/** The schema's output: defaults filled in, ids and offsets parsed, file paths as written. */
export type ParsedAgentConfig = z.output<typeof AgentConfigSchema>;
export type TerminalConfig = ParsedAgentConfig['terminals'][number];
export type HidReaderConfig = ParsedAgentConfig['hidReaders'][number];

export interface TlsConfig {
  /** Absolute paths (resolved against the configuration file's folder). */
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  rejectUnauthorized: boolean;
  /** The files' PEM contents, read when the configuration loaded. */
  ca?: string;
  cert?: string;
  key?: string;
}

export interface BrokerConfig {
  url: string;
  username?: string;
  /** From `password` or read from `passwordFile`. */
  password?: string;
  clientId?: string;
  tls?: TlsConfig;
}

/**
 * The configuration the agent runs with: defaults filled in, `utcOffset` in minutes east of UTC,
 * each terminal's URL parsed into `endpoint`, file paths absolute, secret files read.
 */
export type AgentConfig = Omit<ParsedAgentConfig, 'broker'> & { broker: BrokerConfig };
