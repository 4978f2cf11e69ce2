import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { problemsOf, testDirectory } from './directory-db.js';

const FIXTURE = readFileSync(new URL('../../../fixtures/hub/employees.example.csv', import.meta.url));
const T0 = Date.parse('2026-03-01T09:00:00+08:00');

describe('change history', () => {
  it('records a new employee once, with every first value and the file it came from', () => {
    const { directory } = testDirectory(T0);
    directory.importEmployees(FIXTURE, { fileName: 'employees.example.csv' });
    const history = directory.history('E1004');
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ field: '(created)', oldValue: null, changedAtMs: T0, source: { kind: 'import', name: 'employees.example.csv' } });
    expect(JSON.parse(history[0]!.newValue!)).toEqual({
      name: '刘洋',
      department: '生产部',
      managerId: 'E1003',
      site: 'shanghai-plant',
      hireDate: '2019-04-15',
      'contacts.phone': '13800138004',
      'contacts.email': 'liu.yang@example.com',
      'contacts.chatId': 'liuyang',
      'contacts.postalAddress': '江苏省苏州市吴中区范例街 7 号',
      'contacts.emergency.name': '刘芳',
      'contacts.emergency.phone': '13900139004',
      'contacts.emergency.relation': '配偶',
      'terminalIds.shanghai-plant': '4',
      'terminalIds.suzhou-warehouse': '104',
    });
  });

  it('records nothing when the same file, or the same values with other spacing, is imported again', () => {
    const { directory, clock } = testDirectory(T0);
    directory.importEmployees(FIXTURE, { fileName: 'employees.example.csv' });
    clock.ms += 86_400_000;
    expect(directory.importEmployees(FIXTURE, { fileName: 'employees-again.csv' })).toEqual({ created: 0, updated: 0, unchanged: 10, problems: [] });
    const spaced = 'id , name,site,hire_date,phone\n E1003 ,  张伟 ,shanghai-plant, 2016-09-01 ,138 0013 8003 \n';
    expect(directory.importEmployees(spaced, { fileName: 'spaced.csv' })).toMatchObject({ unchanged: 1, updated: 0 });
    for (const e of directory.listEmployees()) expect(directory.history(e.id)).toHaveLength(1);
  });

  it('records each changed field with old value, new value, time and source file', () => {
    const { directory, clock } = testDirectory(T0);
    directory.importEmployees(FIXTURE, { fileName: 'employees.example.csv' });
    clock.ms = T0 + 7 * 86_400_000;
    const csv = 'id,name,department,site,hire_date,terminal_ids,phone,emergency_phone\n'
      + 'E1003,张伟,生产二部,shanghai-plant,2016-09-01,shanghai-plant:33,13800138003,13900139003\n'
      + 'E1005,陈静,生产部,shanghai-plant,2020-11-02,shanghai-plant:5,13800138005,13900139005\n';
    expect(directory.importEmployees(csv, { fileName: 'march-update.csv' })).toEqual({ created: 0, updated: 1, unchanged: 1, problems: [] });
    const source = { kind: 'import', name: 'march-update.csv' };
    expect(directory.history('E1003').slice(1)).toEqual([
      { field: 'department', oldValue: '生产部', newValue: '生产二部', changedAtMs: clock.ms, source },
      { field: 'contacts.phone', oldValue: '138 0013 8003', newValue: '13800138003', changedAtMs: clock.ms, source },
      { field: 'terminalIds.shanghai-plant', oldValue: '3', newValue: '33', changedAtMs: clock.ms, source },
    ]);
    expect(directory.history('E1005')).toHaveLength(1);
  });

  it('records changes made through the API under the user who made them', () => {
    const { directory, clock } = testDirectory(T0);
    directory.importEmployees(FIXTURE, { fileName: 'employees.example.csv' });
    clock.ms += 1000;
    const body = { id: 'E1007', name: '赵磊', site: 'suzhou-warehouse', hireDate: '2021-07-05', contacts: { email: 'zhao.lei@corp.example.com', emergency: { relation: null } } };
    expect(directory.saveEmployee(body, 'hr.limei')).toBe('updated');
    expect(directory.history('E1007').slice(1)).toEqual([
      { field: 'contacts.email', oldValue: 'zhao.lei@example.com', newValue: 'zhao.lei@corp.example.com', changedAtMs: clock.ms, source: { kind: 'api', name: 'hr.limei' } },
      { field: 'contacts.emergency.relation', oldValue: '父亲', newValue: null, changedAtMs: clock.ms, source: { kind: 'api', name: 'hr.limei' } },
    ]);
    expect(directory.getEmployee('E1007')!.contacts.emergency).toEqual({ name: '赵海', phone: '13900139007', relation: null });
    expect(directory.saveEmployee(body, 'hr.limei')).toBe('unchanged');
    expect(directory.history('E1007')).toHaveLength(3);
  });

  it('reports an API body problem by field, and an unknown employee history as NOT_FOUND', () => {
    const { directory } = testDirectory(T0);
    const error = problemsOf(() => directory.saveEmployee({ id: 'E1', name: '张三', site: 'plant', hireDate: '2024-01-01', contacts: { mobile: '13800138000' } }, 'hr'));
    expect(error.problems).toEqual([{ row: 1, field: 'contacts.mobile', message: expect.stringMatching(/^contacts\.mobile: unknown field/) }]);
    expect(problemsOf(() => directory.history('E404')).code).toBe('NOT_FOUND');
  });
});
