import { z } from 'zod';
import { DEFAULT_NOTICE_WORDING } from './notices/wording.js';

/**
 * The escalation policy a company runs when someone stops coming to work: an ordered list of
 * steps, each anchored to a clock, guarded, with actions. Written in YAML by HR (`rollcall hub
 * policy --print-default` prints the shipped one to start from), stored by version, and frozen
 * on each case when it opens: a case started under version 3 finishes under version 3.
 */

const Id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'use lower-case letters, digits, "_" and "-" (at most 64), e.g. first-reminder')
  .describe('An id other entries refer to');

/** `HH:MM`, 24-hour. */
const ClockText = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as "HH:MM", 24-hour and quoted, e.g. "09:00"')
  .describe('Local time of day at the employee\'s site');

/** Who a message or document goes to; resolved from the directory when the step fires. */
export const Recipient = z.enum(['employee', 'manager', 'hr', 'union', 'emergency_contact']).describe('employee, manager, hr, union or emergency_contact');
export type Recipient = z.infer<typeof Recipient>;

/** A channel by the name it has in the hub configuration's `channels` (sms, email, wecom, ...). */
const ChannelName = Id.describe('A channel named in the hub configuration (e.g. sms, email, wecom)');

export const NoticeKind = z.enum(['return_to_work', 'termination']).describe('return_to_work or termination');
export type NoticeKind = z.infer<typeof NoticeKind>;

/**
 * When a step becomes due, from the case's facts:
 * - `afterShiftStart`: the first missed shift's start plus `hours`;
 * - `dailyAt`: every working day of the employee (their calendar: not rest days or holidays) at a
 *   local time, from the day after the case opened (each day's firing is its own step, so "at
 *   most once" holds per day);
 * - `absentDays`: once the employee's absences reach `consecutive` working days in a run or
 *   `monthly` days in a calendar month (either one), counted by detection;
 * - `afterNoticeDelivered`: the end of the day `days` after the notice of that kind was delivered
 *   (the date it reached the employee, not the date it was sent), i.e. when its deadline passed.
 */
export const Anchor = z.union([
  z.strictObject({ afterShiftStart: z.strictObject({ hours: z.number().min(0).max(24 * 30).describe('Hours after the first missed shift started') }) }),
  z.strictObject({ dailyAt: ClockText }),
  z
    .strictObject({
      absentDays: z
        .strictObject({
          consecutive: z.number().int().min(1).max(60).optional().describe('Absent working days in a row'),
          monthly: z.number().int().min(1).max(31).optional().describe('Absent days in one calendar month'),
        })
        .refine((a) => a.consecutive !== undefined || a.monthly !== undefined, 'give consecutive, monthly or both'),
    }),
  z.strictObject({
    afterNoticeDelivered: z.strictObject({
      notice: NoticeKind,
      days: z.number().int().min(0).max(60).describe('Days after the delivery date; the deadline ends at midnight after the last one'),
    }),
  }),
], { error: 'give exactly one of afterShiftStart, dailyAt, absentDays or afterNoticeDelivered' });
export type Anchor = z.infer<typeof Anchor>;

/**
 * Checked when the step fires (not when it was scheduled): `open` the case is not resolved,
 * `not_acknowledged` the employee has not replied (or the reply's pause ran out).
 */
export const Guard = z.enum(['open', 'not_acknowledged']).describe('open or not_acknowledged');
export type Guard = z.infer<typeof Guard>;

export const Action = z.union([
  z.strictObject({
    notify: z.strictObject({
      to: z.array(Recipient).min(1),
      copy: z.array(Recipient).default([]),
      channels: z.array(ChannelName).min(1).describe('Every listed channel is used; a failing one never holds up the others'),
      template: Id.describe('A template of this policy'),
    }),
  }),
  z.strictObject({
    hrTask: z.strictObject({
      title: z.string().min(1).max(200),
      dueHours: z.number().min(0).max(24 * 30).optional().describe('Hours HR has for it'),
    }),
  }),
  z.strictObject({
    draftNotice: z.strictObject({
      kind: NoticeKind,
      deliver: z.array(z.union([z.literal('registered_mail'), ChannelName])).min(1).describe('registered_mail and/or channels'),
      deadlineDays: z.number().int().min(1).max(60).optional().describe('return_to_work: days after delivery to come back'),
    }),
  }),
  z.strictObject({ socialInsuranceStopMonth: z.strictObject({}) }),
  z.strictObject({ copyUnion: z.strictObject({ channels: z.array(ChannelName).min(1), template: Id.describe('A template of this policy') }) }),
], { error: 'give exactly one of notify, hrTask, draftNotice, socialInsuranceStopMonth or copyUnion' });
export type Action = z.infer<typeof Action>;

export const Step = z.strictObject({
  id: Id,
  title: z.string().min(1).max(200).describe('What HR sees in the case timeline'),
  at: Anchor,
  guard: z.array(Guard).default(['open', 'not_acknowledged']),
  actions: z.array(Action).min(1),
  approval: z.literal('hr').optional().describe('"hr": nothing the step drafts is sent before an HR user approves it'),
});
export type Step = z.infer<typeof Step>;

export const Template = z.strictObject({
  subject: z.string().min(1).max(200).optional(),
  text: z.string().min(1).max(4000).describe('The message; {name}, {date}, {shiftStart}, {absentDays}, {manager}, {company} are filled in'),
});

export const PolicySchema = z
  .strictObject({
    name: Id,
    version: z.number().int().min(1).describe('Raise it with every change: cases keep the version they opened under'),
    company: z.string().min(1).max(200).describe('The employer\'s name as it appears in messages and notices'),
    acknowledgement: z
      .strictObject({
        pauseHours: z.number().min(1).max(24 * 30).describe('How long a reply from the employee pauses the reminders before they start again'),
      })
      .default({ pauseHours: 24 }),
    unread: z
      .strictObject({
        afterMinutes: z.number().int().min(1).max(7 * 24 * 60).describe('A message to the employee not read by then goes to their manager'),
        channels: z.array(ChannelName).min(1),
      })
      .optional(),
    templates: z.record(Id, Template),
    notices: z
      .strictObject({
        handbookRule: z.string().min(1).max(1000).describe('The rule of the employee handbook the absence breaks, quoted in the notices'),
        legalBasis: z.string().min(1).max(500).describe('The legal basis the termination notice cites'),
        union: z.string().min(1).max(200).nullable().describe('The trade union the termination notice is copied to (null: the company has none)'),
        returnToWorkTemplate: z.string().min(1).optional().describe('HTML of the return-to-work notice with {{placeholders}}; default: the shipped one'),
        terminationTemplate: z.string().min(1).optional().describe('HTML of the termination notice with {{placeholders}}; default: the shipped one'),
      })
      .default(DEFAULT_NOTICE_WORDING),
    steps: z.array(Step).min(1),
  })
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.steps.forEach((step, i) => {
      if (seen.has(step.id)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'id'], message: `step id "${step.id}" is used twice` });
      seen.add(step.id);
      step.actions.forEach((action, j) => {
        const template = 'notify' in action ? { key: 'notify', id: action.notify.template } : 'copyUnion' in action ? { key: 'copyUnion', id: action.copyUnion.template } : undefined;
        if (template !== undefined && p.templates[template.id] === undefined) {
          ctx.addIssue({ code: 'custom', path: ['steps', i, 'actions', j, template.key, 'template'], message: `no template "${template.id}" in templates` });
        }
        if ('draftNotice' in action && step.approval !== 'hr') {
          ctx.addIssue({ code: 'custom', path: ['steps', i, 'approval'], message: 'a step that drafts a legal notice needs approval: hr' });
        }
        if ('draftNotice' in action && action.draftNotice.kind === 'return_to_work' && action.draftNotice.deadlineDays === undefined) {
          ctx.addIssue({ code: 'custom', path: ['steps', i, 'actions', j, 'draftNotice', 'deadlineDays'], message: 'a return-to-work notice needs deadlineDays: the days after delivery the employee has to come back' });
        }
      });
    });
    // Nothing may act on a notice before the deadline that notice gives.
    const deadline = noticeDeadlineDays(p.steps);
    p.steps.forEach((step, i) => {
      if (!('afterNoticeDelivered' in step.at)) return;
      const { notice, days } = step.at.afterNoticeDelivered;
      const given = deadline.get(notice);
      if (given === undefined) ctx.addIssue({ code: 'custom', path: ['steps', i, 'at', 'afterNoticeDelivered', 'notice'], message: `no step drafts a ${notice} notice` });
      else if (days < given) ctx.addIssue({ code: 'custom', path: ['steps', i, 'at', 'afterNoticeDelivered', 'days'], message: `${days} days is before the ${given}-day deadline the ${notice} notice gives` });
    });
  });

/** The longest deadline each notice kind gives (0 when it gives none). */
function noticeDeadlineDays(steps: readonly Step[]): Map<NoticeKind, number> {
  const out = new Map<NoticeKind, number>();
  for (const step of steps) {
    for (const action of step.actions) {
      if ('draftNotice' in action) out.set(action.draftNotice.kind, Math.max(out.get(action.draftNotice.kind) ?? 0, action.draftNotice.deadlineDays ?? 0));
    }
  }
  return out;
}
export type Policy = z.infer<typeof PolicySchema>;
export type PolicyInput = z.input<typeof PolicySchema>;
