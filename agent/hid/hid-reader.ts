import type { Logger } from 'pino';
import { CardReaderDecoder } from '../../protocols/hid/keyboard-report.js';
import type { HidReaderConfig } from '../config/schema.js';
import { Backoff } from '../backoff.js';
import { AgentError } from '../errors.js';

/**
 * A USB HID badge reader: opens the device with node-hid, decodes its keyboard reports into
 * card numbers and hands each to `onCard`. node-hid is a native module that needs libusb (or
 * hidraw) at run time, so it is loaded only here, only when a reader is configured.
 */

/** The part of node-hid's `HID` device this reader uses. */
export interface HidDevice {
  on(event: 'data', listener: (data: Uint8Array | number[]) => void): unknown;
  on(event: 'error', listener: (err: unknown) => void): unknown;
  close(): void;
}

type HidConstructor = new (...args: [path: string] | [vendorId: number, productId: number]) => HidDevice;

interface HidModule {
  HID: HidConstructor;
  /** Loads node-hid's native binding; throws when libusb/hidraw support is missing. */
  getHidapiVersion?: () => string;
}

export type HidReaderSettings = Pick<HidReaderConfig, 'name' | 'vendorId' | 'productId' | 'path' | 'maxLength' | 'keystrokeTimeoutMs'>;

export interface HidReaderOptions {
  logger: Logger;
  /** A complete card number was swiped. */
  onCard(card: string, at: Date): void;
  /** Loads node-hid (default: `import('node-hid')`); tests pass a loader with a stand-in device. */
  loadHid?: () => Promise<unknown>;
  /** Reopen delay after a failure: doubles from `retryMinMs` (1 s) up to `retryMaxMs` (60 s), with jitter. */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Clock for keystroke timing (default Date.now). */
  now?: () => number;
}

export interface HidReader {
  readonly name: string;
  /** Whether the device is open now. */
  readonly connected: boolean;
  close(): void;
}

export const HID_INSTALL_FIX = 'install node-hid (npm install node-hid) and libusb (apt-get install libusb-1.0-0 on Debian/Ubuntu, apk add libusb on Alpine)';

// A variable specifier keeps TypeScript (and bundlers) from resolving the optional dependency.
const NODE_HID = 'node-hid';
const importNodeHid = (): Promise<unknown> => import(NODE_HID);

/**
 * Opens a badge reader. Throws AgentError('HID') when node-hid or its native support is missing;
 * a device that is absent or cannot be opened is logged and retried with backoff, so a reader
 * plugged in later starts working without a restart.
 */
export async function openHidReader(config: HidReaderSettings, options: HidReaderOptions): Promise<HidReader> {
  const logger = options.logger.child({ component: 'hid', reader: config.name });
  const hid = await loadNodeHid(config.name, options.loadHid ?? importNodeHid);
  const reader = new Reader(config, hid, logger, options);
  reader.open();
  return reader;
}

async function loadNodeHid(name: string, load: () => Promise<unknown>): Promise<HidModule> {
  let mod: unknown;
  try {
    mod = await load();
  } catch (err) {
    throw new AgentError('HID', `HID reader "${name}" needs node-hid, which cannot be loaded (${firstLine(err)}); ${HID_INSTALL_FIX}`, { cause: err });
  }
  const hid = pickModule(mod);
  if (hid === undefined) throw new AgentError('HID', `HID reader "${name}": the loaded node-hid has no HID class; ${HID_INSTALL_FIX} (node-hid 3)`);
  if (hid.getHidapiVersion !== undefined) {
    try {
      hid.getHidapiVersion();
    } catch (err) {
      throw nativeError(name, err);
    }
  }
  return hid;
}

function pickModule(mod: unknown): HidModule | undefined {
  for (const candidate of [mod, (mod as { default?: unknown } | null | undefined)?.default]) {
    if (typeof candidate === 'object' && candidate !== null && typeof (candidate as { HID?: unknown }).HID === 'function') return candidate as HidModule;
  }
  return undefined;
}

/** node-hid loads its native part on first use; failing there means libusb or the binary is missing. */
function isNativeLoadFailure(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ERR_DLOPEN_FAILED' || code === 'MODULE_NOT_FOUND' || /shared object|libusb|dlopen|No native build|Cannot find module|invalid ELF/i.test(firstLine(err));
}

function nativeError(name: string, err: unknown): AgentError {
  return new AgentError(
    'HID',
    `HID reader "${name}": node-hid is installed but its native part cannot load (${firstLine(err)}); install libusb (apt-get install libusb-1.0-0 on Debian/Ubuntu, apk add libusb on Alpine), or reinstall node-hid for this platform`,
    { cause: err },
  );
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}

function describeDevice(config: HidReaderSettings): string {
  if (config.path !== undefined) return config.path;
  const hex = (n: number | undefined): string => (n === undefined ? '?' : `0x${n.toString(16).padStart(4, '0')}`);
  return `${hex(config.vendorId)}:${hex(config.productId)}`;
}

class Reader implements HidReader {
  readonly name: string;
  private device: HidDevice | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly decoder: CardReaderDecoder;
  private readonly now: () => number;

  private readonly backoff: Backoff;

  constructor(
    private readonly config: HidReaderSettings,
    private readonly hid: HidModule,
    private readonly logger: Logger,
    private readonly options: HidReaderOptions,
  ) {
    this.name = config.name;
    this.now = options.now ?? Date.now;
    this.decoder = new CardReaderDecoder({ maxLength: config.maxLength, keystrokeTimeoutMs: config.keystrokeTimeoutMs });
    this.backoff = new Backoff({ initialMs: options.retryMinMs ?? 1000, maxMs: options.retryMaxMs ?? 60_000 });
  }

  get connected(): boolean {
    return this.device !== undefined;
  }

  /** Opens the device now; on failure logs and schedules another try. Throws only if node-hid's native part is missing. */
  open(): void {
    if (this.closed) return;
    let device: HidDevice;
    try {
      const { path, vendorId, productId } = this.config;
      device = path !== undefined ? new this.hid.HID(path) : new this.hid.HID(vendorId!, productId!);
    } catch (err) {
      if (isNativeLoadFailure(err) && this.backoff.attempts === 0) throw nativeError(this.name, err);
      this.logger.warn(
        { err: firstLine(err), device: describeDevice(this.config) },
        `cannot open HID reader ${describeDevice(this.config)}; check it is plugged in (lsusb) and that the agent's user may open /dev/hidraw* (udev rule with MODE="0660" and its group); retrying`,
      );
      this.retry();
      return;
    }
    this.device = device;
    this.decoder.reset();
    device.on('data', (data) => this.onData(data));
    device.on('error', (err) => this.onError(device, err));
    this.logger.info({ device: describeDevice(this.config) }, 'HID reader open');
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.closeDevice();
  }

  private onData(data: Uint8Array | number[]): void {
    this.backoff.reset(); // the device works: the next failure starts the backoff afresh
    const at = this.now();
    const card = this.decoder.push(data, at);
    if (card === undefined) return;
    this.logger.debug({ card }, 'card swiped');
    try {
      this.options.onCard(card, new Date(at));
    } catch (err) {
      this.logger.error({ err, card }, 'handling a card swipe failed');
    }
  }

  private onError(device: HidDevice, err: unknown): void {
    if (device !== this.device || this.closed) return;
    this.logger.warn({ err: firstLine(err) }, 'HID reader failed (unplugged?); reopening');
    this.closeDevice();
    this.retry();
  }

  private closeDevice(): void {
    const device = this.device;
    this.device = undefined;
    if (device === undefined) return;
    try {
      device.close();
    } catch (err) {
      this.logger.debug({ err: firstLine(err) }, 'closing the HID device failed');
    }
  }

  private retry(): void {
    if (this.closed || this.timer !== undefined) return;
    const delay = this.backoff.next();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      try {
        this.open();
      } catch (err) {
        this.logger.error({ err: firstLine(err) }, 'HID reader cannot reopen');
        this.retry();
      }
    }, delay);
    this.timer.unref();
  }
}
