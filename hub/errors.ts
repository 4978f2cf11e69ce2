/** The one error type of the hub package. */
export type HubErrorCode =
  /** The configuration file is missing, unreadable, not YAML, or fails validation. */
  | 'CONFIG'
  /** The hub database cannot be opened, migrated or written. */
  | 'STORE'
  /** The broker could not be started, reached or subscribed to. */
  | 'BROKER'
  /** An import file or an API body has rows that do not validate (each row's problem is listed). */
  | 'INVALID_INPUT'
  /** A referenced record (employee, schedule, shift, leave) does not exist. */
  | 'NOT_FOUND'
  /** A calendar question for a year without statutory holiday data, or an unknown time zone. */
  | 'CALENDAR'
  /** A report could not be produced or written. */
  | 'REPORT'
  /** An API request without the right credentials (not signed in, a wrong password, an expired session). */
  | 'UNAUTHORIZED'
  /** A signed-in user whose role does not allow the request, or an unsafe request without its CSRF token. */
  | 'FORBIDDEN'
  /** Too many failed sign-ins for a user name or an address; try again later. */
  | 'RATE_LIMITED'
  /** The request clashes with what is stored (a user name taken, the last admin disabled). */
  | 'CONFLICT'
  /** The evidence log refused a fact, its signing key is unusable, or a bundle cannot be written or read. */
  | 'EVIDENCE'
  /** A notice could not be printed (no Chromium, or it failed). */
  | 'DOCUMENT';

export class HubError extends Error {
  override readonly name = 'HubError';
  readonly code: HubErrorCode;
  /** Row-level problems of an import or body: `{row, field, message}`. */
  readonly problems: readonly InputProblem[];
  /** RATE_LIMITED: how long until the request may be made again (the API sends it as Retry-After). */
  readonly retryAfterMs: number | undefined;

  constructor(code: HubErrorCode, message: string, options: { cause?: unknown; problems?: readonly InputProblem[]; retryAfterMs?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.problems = options.problems ?? [];
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** One problem of one input row; `row` counts from 1 as a person reads the file (header excluded for CSV). */
export interface InputProblem {
  row: number;
  field: string;
  message: string;
}
