/**
 * The employee fields that are single values, named three ways: as history records them (and the
 * API shows them), as the CSV column, and as the database column. One table, so the importer, the
 * writer and the history cannot disagree. The id and the terminal ids are handled on their own.
 */
export const EMPLOYEE_FIELDS = [
  { field: 'name', column: 'name', db: 'name' },
  { field: 'department', column: 'department', db: 'department' },
  { field: 'managerId', column: 'manager', db: 'manager_id' },
  { field: 'site', column: 'site', db: 'site' },
  { field: 'hireDate', column: 'hire_date', db: 'hire_date' },
  { field: 'endDate', column: 'end_date', db: 'end_date' },
  { field: 'contacts.phone', column: 'phone', db: 'phone' },
  { field: 'contacts.email', column: 'email', db: 'email' },
  { field: 'contacts.chatId', column: 'chat_id', db: 'chat_id' },
  { field: 'contacts.postalAddress', column: 'postal_address', db: 'postal_address' },
  { field: 'contacts.emergency.name', column: 'emergency_name', db: 'emergency_name' },
  { field: 'contacts.emergency.phone', column: 'emergency_phone', db: 'emergency_phone' },
  { field: 'contacts.emergency.relation', column: 'emergency_relation', db: 'emergency_relation' },
] as const;

export type EmployeeField = (typeof EMPLOYEE_FIELDS)[number]['field'];

/** Values of the fields a change sets; a field left out is left as it is (null clears it). */
export type FieldValues = Partial<Record<EmployeeField, string | null>>;

/** The CSV columns, in the documented order. */
export const EMPLOYEE_COLUMNS: readonly string[] = [
  'id', 'name', 'department', 'manager', 'site', 'hire_date', 'end_date', 'terminal_ids',
  'phone', 'email', 'chat_id', 'postal_address', 'emergency_name', 'emergency_phone', 'emergency_relation',
];

/** Columns every CSV file must have (and fields every YAML entry must have). */
export const REQUIRED_COLUMNS: readonly string[] = ['id', 'name', 'site', 'hire_date'];

/** The YAML path (`contacts.emergency.phone`) of a field; the YAML names the manager `manager`. */
export function yamlPathOf(field: EmployeeField): string {
  return field === 'managerId' ? 'manager' : field;
}

/** How a problem's field is named for the person fixing the file: its CSV column or YAML path. */
export function fileFieldName(path: readonly PropertyKey[], format: 'csv' | 'yaml' | 'api'): string {
  const dotted = path.map(String).join('.');
  if (format !== 'csv') return dotted === '' ? '(entry)' : dotted;
  if (path[0] === 'terminalIds') return 'terminal_ids';
  if (path[0] === 'id') return 'id';
  const found = EMPLOYEE_FIELDS.find((f) => yamlPathOf(f.field) === dotted);
  return found?.column ?? (dotted === '' ? '(row)' : dotted);
}
