import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../../../helpers/temp.js';

/** Readers that share no code with the writers: Info-ZIP's `unzip` and Python's standard library. */

const READ_XLSX = fileURLToPath(new URL('./read_xlsx.py', import.meta.url));

export interface PyCell {
  type: 'text' | 'number' | 'date' | 'datetime';
  value: string | number;
}

export interface PyWorkbook {
  sheet: string;
  frozenRows: number;
  widths: number[];
  boldHeader: boolean;
  rows: Array<Array<PyCell | null>>;
}

/** Runs `fn` with the bytes written to a temp file; the file is removed afterwards. */
function withFile<T>(bytes: Buffer, name: string, fn: (path: string) => T): T {
  const tmp = tempDir('rollcall-report-');
  try {
    const path = tmp.file(name);
    writeFileSync(path, bytes);
    return fn(path);
  } finally {
    tmp.cleanup();
  }
}

/** `unzip -t` output; throws (with unzip's message) when it finds a problem. */
export function unzipTest(bytes: Buffer): string {
  return withFile(bytes, 'report.xlsx', (path) => execFileSync('/usr/bin/unzip', ['-t', path], { encoding: 'utf8' }));
}

/** The workbook as `read_xlsx.py` sees it through `zipfile` and `xml.etree`. */
export function readWithPython(bytes: Buffer): PyWorkbook {
  return withFile(bytes, 'report.xlsx', (path) =>
    JSON.parse(execFileSync('python3', [READ_XLSX, path], { encoding: 'utf8', maxBuffer: 1 << 28 })) as PyWorkbook,
  );
}

/** Name → content of every entry, read by Python's `zipfile` (which checks each CRC-32). */
export function unzipWithPython(bytes: Buffer): Record<string, string> {
  const script =
    'import base64, json, sys, zipfile\n' +
    'z = zipfile.ZipFile(sys.argv[1])\n' +
    'assert z.testzip() is None\n' +
    'print(json.dumps({i.filename: base64.b64encode(z.read(i)).decode() for i in z.infolist()}))\n';
  const out = withFile(bytes, 'archive.zip', (path) => execFileSync('python3', ['-c', script, path], { encoding: 'utf8', maxBuffer: 1 << 28 }));
  return JSON.parse(out) as Record<string, string>;
}
