/**
 * The one error type of the protocols package. Every failure a caller can act on carries a code;
 * the underlying error, if any, is kept as `cause`.
 */
export type ProtocolErrorCode =
  /** Input ended before a complete structure: more bytes were needed. */
  | 'TRUNCATED'
  /** Input is complete but does not make sense (bad magic, impossible field, bad length). */
  | 'MALFORMED'
  /** A packet's checksum does not match its contents. */
  | 'CHECKSUM'
  /** A declared length exceeds the configured limit. */
  | 'TOO_LARGE'
  /** An argument given by the caller is out of range. */
  | 'INVALID_ARGUMENT'
  /** A terminal URL could not be parsed. */
  | 'INVALID_URL'
  /** No reply within the timeout. */
  | 'TIMEOUT'
  /** The terminal wants a comm key, or refused the one given. */
  | 'UNAUTHORIZED'
  /** The terminal answered ACK_ERROR or ACK_UNKNOWN. */
  | 'DEVICE_ERROR'
  /** The terminal answered something the protocol does not allow at this point. */
  | 'UNEXPECTED_REPLY'
  /** The operation needs a connection and there is none. */
  | 'NOT_CONNECTED'
  /** The connection closed while a request was outstanding. */
  | 'CONNECTION_CLOSED'
  /** The transport (socket, serial port) failed. */
  | 'TRANSPORT'
  /** A request was made while the client was busy with one that cannot be interleaved. */
  | 'BUSY'
  /** A native module this feature needs is missing. */
  | 'UNAVAILABLE';

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  readonly code: ProtocolErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ProtocolErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}

export function isProtocolError(err: unknown, code?: ProtocolErrorCode): err is ProtocolError {
  return err instanceof ProtocolError && (code === undefined || err.code === code);
}
