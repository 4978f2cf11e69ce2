/** The one error type of the agent package. */
export type AgentErrorCode =
  /** The configuration file is missing, unreadable, not YAML, or fails validation. */
  | 'CONFIG'
  /** The outbox database cannot be opened or written. */
  | 'STORE'
  /** The outbox is at its row bound or the disk at its free-space floor: pulling stops. */
  | 'STORE_FULL'
  /** The broker connection or a publish failed. */
  | 'BROKER'
  /** A HID badge reader could not be opened (node-hid or libusb missing, device absent). */
  | 'HID'
  /** A terminal operation failed (the cause is a ProtocolError). */
  | 'TERMINAL';

export class AgentError extends Error {
  override readonly name = 'AgentError';
  readonly code: AgentErrorCode;

  constructor(code: AgentErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}
