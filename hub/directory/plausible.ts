/**
 * Light plausibility checks for contact details: they catch a value typed in the wrong column or a
 * digit too many, not every invalid number. Notices and reminders go to these addresses, so a typo
 * found at import time is a reminder that does not silently go nowhere.
 */

const PHONE = /^(\+|00)?(\d+)((?:ext|x|转|#)\d{1,6})?$/i;

/** Why a phone number is implausible, or undefined. Accepts `+86 138 0013 8000`, `13800138000`, `021-6123 4567`. */
export function phoneProblem(text: string): string | undefined {
  const compact = text.replace(/[\s\-().\u00a0]/g, '');
  const m = PHONE.exec(compact);
  if (m === null) return `"${text}" is not a phone number (digits, spaces, "-", "()" and a leading "+" only)`;
  const international = m[1] !== undefined;
  const digits = m[2] ?? '';
  if (digits.length < 5 || digits.length > 15) return `"${text}" has ${digits.length} digits; a phone number has 5 to 15`;
  const national = international ? (digits.startsWith('86') ? digits.slice(2) : undefined) : digits;
  if (national !== undefined && /^1[3-9]/.test(national) && national.length !== 11) {
    return `"${text}" looks like a mainland mobile number but has ${national.length} digits instead of 11`;
  }
  return undefined;
}

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/u;

/** Why an email address is implausible, or undefined. */
export function emailProblem(text: string): string | undefined {
  return EMAIL.test(text) ? undefined : `"${text}" is not an email address (name@example.com)`;
}
