import { describe, expect, it } from 'vitest';
import { emailProblem, phoneProblem } from '../../../hub/directory/plausible.js';
import { problemsOf, testDirectory } from './directory-db.js';

const HEAD = 'id,name,department,manager,site,hire_date,end_date,terminal_ids,phone,email';

describe('employee import validation', () => {
  it('lists every problem of every row, each with its row, field and line', () => {
    const { directory } = testDirectory();
    const csv = [
      HEAD,
      'E1,张三,生产部,,plant,2024-01-01,,plant:1,+86 138 0013 8000,zs@example.com',
      'E2,,生产部,E9,plant,2024-02-30,,plant:2,12345678901234567,not-an-email',
      'E3,王五,,E1,plant,2024-03-01,2024-02-01,plant:3,13800138000,',
      'E4,赵六,,E4,plant 2,2024-01-01,,plant;x,021-6123 4567,',
      'E3,孙七,,,plant,2024-01-01,,,,',
    ].join('\n');
    const error = problemsOf(() => directory.importEmployees(csv, { fileName: 'staff.csv' }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.problems.map((p) => `${p.row} ${p.field}`).sort()).toEqual([
      '2 email', '2 hire_date', '2 manager', '2 name', '2 phone',
      '3 end_date', '3 id',
      '4 manager', '4 site', '4 terminal_ids',
      '5 id',
    ].sort());
    const message = (row: number, field: string) => error.problems.find((p) => p.row === row && p.field === field)!.message;
    expect(message(2, 'name')).toBe('row 2 (line 3), name: required');
    expect(message(2, 'hire_date')).toBe('row 2 (line 3), hire_date: "2024-02-30" is not a date (use YYYY-MM-DD)');
    expect(message(2, 'manager')).toMatch(/manager E9 is neither in the hub nor in this file/);
    expect(message(2, 'phone')).toMatch(/has 17 digits/);
    expect(message(2, 'email')).toMatch(/"not-an-email" is not an email address/);
    expect(message(3, 'end_date')).toBe('row 3 (line 4), end_date: employment ends 2024-02-01, before it starts 2024-03-01');
    expect(message(3, 'id')).toBe('row 3 (line 4), id: employee E3 is also on row 5 (line 6); keep one row per employee');
    expect(message(5, 'id')).toBe('row 5 (line 6), id: employee E3 is also on row 3 (line 4); keep one row per employee');
    expect(message(4, 'manager')).toMatch(/cannot be their own manager/);
    expect(message(4, 'terminal_ids')).toMatch(/"plant", "x" are not site:userId/);
    expect(error.message).toMatch(/^staff\.csv: 11 problems in 4 rows/);
    // Atomic: the valid first row was not imported either.
    expect(directory.listEmployees()).toEqual([]);
  });

  it('with acceptValid imports the valid rows and returns the problems of the others', () => {
    const { directory } = testDirectory();
    const csv = [HEAD, 'E1,张三,,,plant,2024-01-01,,,,', 'E2,李四,,E1,plant,2024-01-01,,,,bad@', 'E3,王五,,E1,plant,2024-01-01,,,,'].join('\n');
    const result = directory.importEmployees(csv, { fileName: 'staff.csv', acceptValid: true });
    expect(result).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
    expect(result.problems).toEqual([{ row: 2, field: 'email', message: 'row 2 (line 3), email: "bad@" is not an email address (name@example.com)' }]);
    expect(directory.listEmployees().map((e) => e.id)).toEqual(['E1', 'E3']);
  });

  it('skips, with acceptValid, a row whose manager is only on a failing row, and says why', () => {
    const { directory } = testDirectory();
    const csv = [HEAD, 'M1,经理,,,plant,2024-13-01,,,,', 'E1,员工,,M1,plant,2024-01-01,,,,', 'E2,员工二,,E1,plant,2024-01-01,,,,'].join('\n');
    const result = directory.importEmployees(csv, { fileName: 'staff.csv', acceptValid: true });
    expect(result.created).toBe(0);
    expect(result.problems.map((p) => p.message)).toEqual([
      'row 1 (line 2), hire_date: "2024-13-01" is not a date (use YYYY-MM-DD)',
      'row 2 (line 3), manager: manager M1 is only in this file, on row 1 (line 2), which has problems of its own',
      'row 3 (line 4), manager: manager E1 is only in this file, on row 2 (line 3), which has problems of its own',
    ]);
  });

  it('accepts a manager who appears later in the same file, or is already in the hub', () => {
    const { directory } = testDirectory();
    directory.importEmployees([HEAD, 'E2,李四,,M1,plant,2024-01-01,,,,', 'M1,经理,,,plant,2020-01-01,,,,'].join('\n'), { fileName: 'a.csv' });
    directory.importEmployees([HEAD, 'E3,王五,,M1,plant,2024-01-01,,,,'].join('\n'), { fileName: 'b.csv' });
    expect(directory.listEmployees().map((e) => [e.id, e.managerId])).toEqual([['E2', 'M1'], ['E3', 'M1'], ['M1', null]]);
  });

  it('checks the end date against the stored hire date when only the end date is given', () => {
    const { directory } = testDirectory();
    directory.importEmployees('id,name,site,hire_date\nE1,张三,plant,2024-05-01\n', { fileName: 'a.csv' });
    const error = problemsOf(() => directory.saveEmployee({ id: 'E1', name: '张三', site: 'plant', hireDate: '2024-06-01', endDate: '2024-05-15' }, 'hr'));
    expect(error.problems).toEqual([{ row: 1, field: 'endDate', message: 'endDate: employment ends 2024-05-15, before it starts 2024-06-01' }]);
  });
});

describe('contact plausibility', () => {
  it.each(['+86 138 0013 8000', '13800138000', '+8613800138000', '0086 138 0013 8000', '021-6123 4567', '(0512) 6888 1006', '+86 10 6123 4567', '+852 2123 4567', '400-800-8888', '13800138000 转 123'])(
    'accepts the phone number %s',
    (phone) => expect(phoneProblem(phone)).toBeUndefined(),
  );

  it.each([
    ['1380013800', /mainland mobile number but has 10 digits/],
    ['+86 138 0013 80001', /mainland mobile number but has 12 digits/],
    ['1234', /has 4 digits/],
    ['zs@example.com', /is not a phone number/],
    ['138-0013-8000-0000-0000', /has 19 digits/],
  ])('rejects the phone number %s', (phone, why) => expect(phoneProblem(phone)).toMatch(why));

  it('accepts ordinary and non-ASCII email addresses and rejects what is not one', () => {
    for (const ok of ['li.mei@example.com', 'zhang+hr@mail.example.com.cn', '张伟@例子.中国']) expect(emailProblem(ok)).toBeUndefined();
    for (const bad of ['li.mei', 'li.mei@example', 'li mei@example.com', 'li.mei＠example.com', '@example.com']) expect(emailProblem(bad)).toBeDefined();
  });
});
