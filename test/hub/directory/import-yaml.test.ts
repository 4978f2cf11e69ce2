import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { problemsOf, testDirectory } from './directory-db.js';

const CSV = readFileSync(new URL('../../../fixtures/hub/employees.example.csv', import.meta.url));
const YAML = readFileSync(new URL('../../../fixtures/hub/employees.example.yaml', import.meta.url));

describe('employee YAML import', () => {
  it('holds the same data as the CSV example: importing it after the CSV changes nothing', () => {
    const { directory } = testDirectory();
    directory.importEmployees(CSV, { fileName: 'employees.example.csv' });
    expect(directory.importEmployees(YAML, { fileName: 'employees.example.yaml' })).toEqual({ created: 0, updated: 0, unchanged: 4, problems: [] });
  });

  it('imports on its own, keeping numbers exactly as written', () => {
    const { directory } = testDirectory();
    expect(directory.importEmployees(YAML, { fileName: 'employees.example.yaml' }).created).toBe(4);
    expect(directory.getEmployee('E1004')!.terminalIds).toEqual({ 'shanghai-plant': '4', 'suzhou-warehouse': '104' });
    const yaml = '- id: 000123\n  name: 钱八\n  site: plant\n  hireDate: 2024-01-01\n  terminalIds: { plant: 007 }\n  contacts: { phone: 02161234567, chatId: true }\n';
    directory.importEmployees(yaml, { fileName: 'numbers.yml' });
    const e = directory.getEmployee('000123')!;
    expect(e.terminalIds).toEqual({ plant: '007' });
    expect(e.contacts).toMatchObject({ phone: '02161234567', chatId: 'true' });
  });

  it('clears a field written empty or ~, and leaves out what is not written', () => {
    const { directory } = testDirectory();
    directory.importEmployees(YAML, { fileName: 'employees.example.yaml' });
    const yaml = '- id: E1003\n  name: 张伟\n  manager: E1001\n  site: shanghai-plant\n  hireDate: 2016-09-01\n  contacts:\n    email: ~\n    chatId:\n';
    expect(directory.importEmployees(yaml, { fileName: 'clear.yaml' }).updated).toBe(1);
    const e = directory.getEmployee('E1003')!;
    expect(e.contacts).toMatchObject({ email: null, chatId: null, phone: '138 0013 8003' });
    expect(e.terminalIds).toEqual({ 'shanghai-plant': '3' });
    expect(e.department).toBe('生产部');
  });

  it('names problems by entry, line and key path', () => {
    const { directory } = testDirectory();
    const yaml = [
      '- id: E1', // line 1
      '  name: 张三',
      '  site: plant',
      '  hireDate: 2024-01-01',
      '  contacts: { mobile: 13800138000, email: zs }',
      '', // line 6
      '- id: E2', // line 7
      '  name: 李四',
      '  site: plant',
      '  hireDate: 2024-01-01',
      '  manager: E9',
      '  terminalIds: { plant: ~ }',
      '- just text', // line 13
    ].join('\n');
    const error = problemsOf(() => directory.importEmployees(yaml, { fileName: 'staff.yaml' }));
    expect(error.problems.map((p) => p.message)).toEqual([
      'entry 1 (line 1), contacts.email: "zs" is not an email address (name@example.com)',
      expect.stringMatching(/^entry 1 \(line 1\), contacts\.mobile: unknown field/),
      'entry 2 (line 7), terminalIds: the user id for site plant is missing',
      expect.stringMatching(/^entry 2 \(line 7\), manager: manager E9 is neither in the hub nor in this file/),
      'entry 3 (line 13), (entry): expected a mapping (key: value lines)',
    ]);
    expect(error.message).toMatch(/entries count the list items from 1/);
  });

  it('refuses a file that is not YAML, or not a list, saying where', () => {
    const { directory } = testDirectory();
    expect(problemsOf(() => directory.importEmployees('- id: E1\n  name: [unclosed\n', { fileName: 'broken.yaml' })).message).toMatch(/^broken\.yaml is not valid YAML: line \d+/);
    expect(problemsOf(() => directory.importEmployees('id: E1\nname: 张三\n', { fileName: 'one.yaml' })).message).toMatch(/expected a list of entries/);
    expect(directory.importEmployees('# nobody yet\n', { fileName: 'empty.yaml' })).toEqual({ created: 0, updated: 0, unchanged: 0, problems: [] });
    expect(problemsOf(() => directory.importEmployees('', { fileName: 'staff.xlsx' })).message).toMatch(/use a \.csv, \.yaml or \.yml file/);
  });
});
