/**
 * Leave kinds. Approval systems and spreadsheets name them freely (`年假`, `Annual leave`, `病假`);
 * they are normalised to the kinds reports count, and a name that is none of them is kept as
 * written under `other`, so nothing HR typed is lost.
 */
export const LEAVE_KINDS = ['annual', 'sick', 'personal', 'marriage', 'maternity', 'bereavement', 'other'] as const;

export type LeaveKind = (typeof LEAVE_KINDS)[number];

const ALIASES: Record<string, LeaveKind> = {};
const NAMES: Record<LeaveKind, readonly string[]> = {
  annual: ['annual', 'vacation', 'holiday', '年假', '年休假', '带薪年假'],
  sick: ['sick', 'medical', '病假', '医疗期'],
  personal: ['personal', 'casual', '事假'],
  marriage: ['marriage', 'wedding', '婚假'],
  maternity: ['maternity', '产假', '生育假'],
  bereavement: ['bereavement', 'compassionate', 'funeral', '丧假'],
  other: ['other', '其他', '其它'],
};
for (const kind of LEAVE_KINDS) for (const name of NAMES[kind]) ALIASES[name] = kind;

/** The kind a name stands for; `note` keeps the name when it is none of the known kinds. */
export function normaliseKind(text: string): { kind: LeaveKind; note: string | null } {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  const key = trimmed.toLowerCase().replace(/[\s_-]+/g, '').replace(/leave$/, '');
  const kind = ALIASES[key];
  return kind === undefined ? { kind: 'other', note: trimmed } : { kind, note: null };
}
