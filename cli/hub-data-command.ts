import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { importOverrides } from '../hub/calendar/overrides.js';
import { importSchedules } from '../hub/calendar/schedules-store.js';
import { HubError } from '../hub/errors.js';
import { absencesTable, departmentsTable, noShowsTable } from '../hub/reports/absence-tables.js';
import { writeReport } from '../hub/reports/format/write-report.js';
import type { ReportFormat, ReportTable } from '../hub/reports/format/table.js';
import { parseLocalDate } from '../hub/time/local-date.js';
import { zone } from '../hub/time/zone.js';
import { openModules, type HubModules } from '../hub/wiring/modules.js';
import { CliError } from './cli-error.js';
import { withHubDatabase } from './hub-database.js';

export const IMPORT_USAGE = `Usage: rollcall hub import <employees|leave|schedules|holidays> FILE [--config hub.yaml] [--accept-valid]

Imports into the hub's database (safe while the hub runs):
  employees   CSV or YAML (fixtures/hub/employees.example.csv): people, contacts, terminal user ids
  leave       CSV or YAML (fixtures/hub/leave.example.csv): approved leave; past days are judged again
  schedules   YAML (fixtures/hub/schedules.example.yaml): shifts, patterns, assignments
  holidays    YAML (fixtures/hub/holidays.example.yaml): local overrides of the statutory calendar

Every problem is listed with its row; nothing is imported unless all rows are valid
(--accept-valid imports the valid rows of an employees or leave file and lists the rest).
`;

export const REPORT_USAGE = `Usage: rollcall report absences    --from DATE --to DATE [--site ID] [--department NAME] [options]
       rollcall report departments --from DATE --to DATE [--site ID] [options]
       rollcall report no-shows    --date DATE [--site ID] [options]

Options:
  -c, --config FILE       the hub's configuration (default hub.yaml)
  --format csv|xlsx|json  default json
  --out FILE              write the report there (default: stdout; xlsx needs --out)
`;

async function withModules<T>(configPath: string, fn: (m: HubModules, zoneOf: (site: string) => ReturnType<typeof zone>) => T): Promise<T> {
  return withHubDatabase(configPath, async (db, config, logger) => {
    let modules: HubModules | undefined;
    try {
      const zones = new Map(config.sites.map((s) => [s.id, zone(s.timeZone)]));
      const zoneOf = (site: string) => {
        const z = zones.get(site);
        if (z === undefined) throw new HubError('CONFIG', `site "${site}" is not in ${configPath}`);
        return z;
      };
      modules = openModules({ db, config, logger });
      return fn(modules, zoneOf);
    } finally {
      // Workers first: the last connection to close is the one that folds the WAL back in.
      await modules?.close();
    }
  });
}

export async function runImportCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c', default: 'hub.yaml' },
      'accept-valid': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(IMPORT_USAGE);
    return;
  }
  const [kind, file, ...extra] = positionals;
  if (kind === undefined || file === undefined || extra.length > 0) throw new CliError(`name what to import and the file\n\n${IMPORT_USAGE}`);
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`, 1);
  }
  const fileName = file;
  const acceptValid = values['accept-valid'];
  const summary = await withModules(values.config, (m) => {
    switch (kind) {
      case 'employees': {
        const r = m.directory.importEmployees(content, { fileName, acceptValid });
        return `employees: ${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged${problemsLine(r.problems)}`;
      }
      case 'leave': {
        const r = m.leave.importLeave(content, { fileName, acceptValid });
        return `leave: ${r.created} recorded, ${r.updated} updated, ${r.unchanged} unchanged${problemsLine(r.problems)}`;
      }
      case 'schedules': {
        const r = importSchedules(m.db, content.toString('utf8'), fileName);
        return `schedules: ${r.shifts} shifts, ${r.patterns} patterns, ${r.assignments} assignments of ${r.employees} employees`;
      }
      case 'holidays': {
        const r = importOverrides(m.db, content.toString('utf8'), fileName);
        return `holidays: ${r.days} days, ${r.years} declared years`;
      }
      default:
        throw new CliError(`unknown import "${kind}"\n\n${IMPORT_USAGE}`);
    }
  });
  process.stdout.write(`${summary}\n`);
}

function problemsLine(problems: readonly { row: number; field: string; message: string }[]): string {
  if (problems.length === 0) return '';
  return `; ${problems.length} rows skipped:\n${problems.map((p) => `  row ${p.row}, ${p.field}: ${p.message}`).join('\n')}`;
}

export async function runReportCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c', default: 'hub.yaml' },
      from: { type: 'string' },
      to: { type: 'string' },
      date: { type: 'string' },
      site: { type: 'string' },
      department: { type: 'string' },
      format: { type: 'string', default: 'json' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || positionals.length === 0) {
    process.stdout.write(REPORT_USAGE);
    return;
  }
  const [kind, ...extra] = positionals;
  if (extra.length > 0) throw new CliError(`unexpected argument "${extra[0]}"\n\n${REPORT_USAGE}`);
  const format = values.format as ReportFormat;
  if (!['csv', 'xlsx', 'json'].includes(format)) throw new CliError(`--format must be csv, xlsx or json, not "${values.format}"`);
  if (format === 'xlsx' && values.out === undefined) throw new CliError('an xlsx report needs --out FILE');
  const date = (name: 'from' | 'to' | 'date'): string => {
    const v = values[name];
    if (v === undefined) throw new CliError(`--${name} YYYY-MM-DD is required\n\n${REPORT_USAGE}`);
    try {
      return parseLocalDate(v);
    } catch {
      throw new CliError(`--${name} "${v}" is not a date (YYYY-MM-DD)`);
    }
  };
  const scope = { ...(values.site === undefined ? {} : { site: values.site }), ...(values.department === undefined ? {} : { department: values.department }) };
  const table = await withModules(values.config, (m, zoneOf): ReportTable => {
    const src = { reports: m.reports, directory: m.directory, zoneOf };
    switch (kind) {
      case 'absences':
        return absencesTable(src, { from: date('from'), to: date('to'), ...scope });
      case 'departments':
        return departmentsTable(src, { from: date('from'), to: date('to'), ...scope });
      case 'no-shows':
        return noShowsTable(src, { date: date('date'), ...(values.site === undefined ? {} : { site: values.site }) });
      default:
        throw new CliError(`unknown report "${kind}"\n\n${REPORT_USAGE}`);
    }
  });
  const written = writeReport(table, format);
  if (values.out === undefined) process.stdout.write(written.body);
  else {
    writeFileSync(values.out, written.body);
    process.stderr.write(`${table.rows.length} rows written to ${values.out}\n`);
  }
}
