import { HubError } from '../../errors.js';
import type { LocalDate } from '../../time/local-date.js';
import type { NoticeKind, Policy } from '../policy-schema.js';
import { RETURN_TO_WORK_TEMPLATE, TERMINATION_TEMPLATE } from './templates.js';

/** Every fact a notice template may use, as `{{name}}`. */
export interface NoticeValues {
  caseId: number;
  employeeId: string;
  name: string;
  department: string | null;
  company: string;
  firstDate: LocalDate;
  /** The last absent date the notice counts to. */
  asOfDate: LocalDate;
  absentDates: readonly LocalDate[];
  deadlineDays: number | null;
  handbookRule: string;
  legalBasis: string;
  union: string | null;
  postalAddress: string | null;
  issueDate: LocalDate;
  /** Termination: when the return-to-work notice was served. */
  noticeDeliveredDate: LocalDate | null;
  /** Termination: `YYYY-MM`, or null when the site's cutoff day is not configured. */
  socialInsuranceStopMonth: string | null;
}

/** Shown where a fact is missing, so nobody mistakes a gap for a value; HR fills it in before approving. */
const MISSING = '【待人力资源部填写】';

export const NOTICE_PLACEHOLDERS = [
  'caseId', 'employeeId', 'name', 'department', 'company', 'firstDate', 'asOfDate', 'absentDates', 'absentCount', 'deadlineDays',
  'handbookRule', 'legalBasis', 'union', 'postalAddress', 'issueDate', 'noticeDeliveredDate', 'socialInsuranceStopMonth',
] as const;

/** The notice as printable HTML: the policy's template (or the shipped one) with the facts filled in, HTML-escaped. */
export function renderNotice(kind: NoticeKind, policy: Policy, v: NoticeValues): string {
  const template = kind === 'return_to_work' ? (policy.notices.returnToWorkTemplate ?? RETURN_TO_WORK_TEMPLATE) : (policy.notices.terminationTemplate ?? TERMINATION_TEMPLATE);
  const values: Record<(typeof NOTICE_PLACEHOLDERS)[number], string> = {
    caseId: String(v.caseId),
    employeeId: v.employeeId,
    name: v.name,
    department: v.department ?? MISSING,
    company: v.company,
    firstDate: chineseDate(v.firstDate),
    asOfDate: chineseDate(v.asOfDate),
    absentDates: chineseDates(v.absentDates),
    absentCount: String(v.absentDates.length),
    deadlineDays: v.deadlineDays === null ? MISSING : String(v.deadlineDays),
    handbookRule: v.handbookRule,
    legalBasis: v.legalBasis,
    union: v.union ?? MISSING,
    postalAddress: v.postalAddress ?? MISSING,
    issueDate: chineseDate(v.issueDate),
    noticeDeliveredDate: v.noticeDeliveredDate === null ? MISSING : chineseDate(v.noticeDeliveredDate),
    socialInsuranceStopMonth: v.socialInsuranceStopMonth === null ? MISSING : chineseMonth(v.socialInsuranceStopMonth),
  };
  const unknown = new Set<string>();
  const html = template.replace(/\{\{\s*([A-Za-z]+)\s*\}\}/g, (_whole, key: string) => {
    if (!(key in values)) {
      unknown.add(key);
      return '';
    }
    return escapeHtml(values[key as keyof typeof values]);
  });
  if (unknown.size > 0) {
    throw new HubError('CONFIG', `the ${kind.replace(/_/g, '-')} notice template uses ${[...unknown].map((k) => `{{${k}}}`).join(', ')}, which the hub does not know; use ${NOTICE_PLACEHOLDERS.map((k) => `{{${k}}}`).join(', ')}`);
  }
  return html;
}

/** 2026-06-15 → 2026年6月15日. */
export function chineseDate(date: LocalDate): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return `${y}年${m}月${d}日`;
}

/** 2026-06 → 2026年6月. */
function chineseMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return `${y}年${m}月`;
}

/** 2026年6月15日、6月16日、7月1日: the year written once per year. */
export function chineseDates(dates: readonly LocalDate[]): string {
  let year = '';
  return dates
    .map((date) => {
      const full = chineseDate(date);
      const y = date.slice(0, 4);
      if (y === year) return full.slice(full.indexOf('年') + 1);
      year = y;
      return full;
    })
    .join('、');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
