import type { InputProblem } from '../errors.js';
import type { LocalDate } from '../time/local-date.js';

/** The core fields of an employee, as the calendar, detection and reports read them. */
export interface EmployeeSummary {
  /** The company's employee number. */
  id: string;
  name: string;
  department: string | null;
  managerId: string | null;
  /** The site they work at: its calendar and time zone apply to them. */
  site: string;
  hireDate: LocalDate;
  /** The last day employed; null while employed. */
  endDate: LocalDate | null;
}

export interface EmergencyContact {
  name: string | null;
  phone: string | null;
  relation: string | null;
}

export interface Contacts {
  phone: string | null;
  email: string | null;
  /** Workplace-chat user id (WeCom, DingTalk or Feishu). */
  chatId: string | null;
  /** For registered mail (return-to-work notices). */
  postalAddress: string | null;
  emergency: EmergencyContact;
}

export interface Employee extends EmployeeSummary {
  /** The user id on the terminals of each site they are enrolled at: `{site: userId}`. */
  terminalIds: Record<string, string>;
  contacts: Contacts;
}

/** Who made a change: an import file (by name) or a user of the hub's API. */
export interface ChangeSource {
  kind: 'import' | 'api';
  name: string;
}

/**
 * One recorded change of one field. A new employee is one entry, field `(created)`, whose
 * `newValue` is a JSON object of the first values by field name (`{"name": "王建国", ...}`).
 */
export interface HistoryEntry {
  /** `(created)`, `name`, `managerId`, `contacts.phone`, `contacts.emergency.name`, `terminalIds.<site>`, ... */
  field: string;
  oldValue: string | null;
  newValue: string | null;
  changedAtMs: number;
  source: ChangeSource;
}

export interface ImportOptions {
  /** Shown in messages and recorded as the source of every change, e.g. `employees-2026-03.csv`. */
  fileName: string;
  /** Default: from the file name's extension (`.csv`, `.yaml`, `.yml`). */
  format?: 'csv' | 'yaml';
  /**
   * Import the rows that pass and return the problems of the others. Default false: any problem
   * throws HubError('INVALID_INPUT') listing them all, and nothing changes.
   */
  acceptValid?: boolean;
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  /** Rows left out (only with `acceptValid`). */
  problems: InputProblem[];
}
