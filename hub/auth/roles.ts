/**
 * The roles of the hub's local accounts. What each one may see and do is decided where requests
 * are answered; an account has exactly one role, and `admin` is the one that manages accounts.
 */
export type Role = 'hr' | 'facilities' | 'admin';

export const ROLES: readonly Role[] = ['hr', 'facilities', 'admin'];

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}
