import { HubError } from '../../errors.js';
import { monthOf, parseLocalDate, type LocalDate } from '../../time/local-date.js';

/**
 * The first month no social-insurance contribution is paid for someone whose employment ends
 * on `endDate`, in a city whose social-insurance office takes leavers reported by `cutoffDay`
 * of a month off that month's contributions: ending on or before the cutoff day, contributions
 * stop that month; after it, that month is still paid and they stop the next. Cities set their
 * own cutoff (and change it): the hub is told it per site and never assumes one.
 */
export function socialInsuranceStopMonth(endDate: LocalDate, cutoffDay: number): string {
  const date = parseLocalDate(endDate);
  if (!Number.isInteger(cutoffDay) || cutoffDay < 1 || cutoffDay > 31) throw new HubError('CONFIG', `a social-insurance cutoff day of ${cutoffDay} is not a day of the month (1-31)`);
  const month = monthOf(date);
  if (Number(date.slice(8, 10)) <= cutoffDay) return month;
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}
