import type { PolicyInput } from './policy-schema.js';

/**
 * The policy shipped with the hub, from common practice in mainland China (Labor Contract Law
 * art. 39 and 50: a documented, reasonable procedure before a termination for absence):
 *
 * - 2 hours after the first missed shift started: a reminder to the employee, manager and HR copied;
 * - 4 hours after: a second reminder and a task for HR to call;
 * - every day at 09:00 while the case is open: a reminder;
 * - at 3 consecutive absent working days, or 5 in a month: a return-to-work notice (限期返岗通知书)
 *   by registered mail and WeCom, giving 3 days from delivery, after HR approves it;
 * - once that deadline passed: a termination notice (解除劳动合同通知书) draft for HR to approve, a copy
 *   to the union, and the month social insurance contributions stop.
 *
 * Companies copy it (`rollcall hub policy --print-default`), change thresholds, times, channels
 * and wording, and raise `version`.
 */
export const DEFAULT_POLICY: PolicyInput = {
  name: 'default',
  version: 1,
  company: '本公司',
  acknowledgement: { pauseHours: 24 },
  unread: { afterMinutes: 120, channels: ['wecom'] },
  templates: {
    'reminder-1': {
      subject: '考勤提醒',
      text: '{name}，您好：系统未记录到您 {date} {shiftStart} 班次的打卡，也没有已批准的请假。请尽快到岗，或回复本消息说明情况。如有疑问请联系 {manager}。',
    },
    'reminder-2': {
      subject: '考勤提醒（第二次）',
      text: '{name}，您 {date} {shiftStart} 的班次仍无打卡记录，也未请假。请立即联系 {manager} 或人力资源部，或回复本消息说明情况。',
    },
    daily: {
      subject: '未到岗提醒',
      text: '{name}，截至今日您已有 {absentDays} 个工作日未到岗且未请假。请尽快返岗，或回复本消息说明原因。',
    },
    'hr-approve-notice': {
      subject: '待审批：限期返岗通知书',
      text: '{name} 已连续缺勤 {absentDays} 个工作日。限期返岗通知书草稿已生成，请审批后寄送。',
    },
    'union-copy': {
      subject: '解除劳动合同通知（工会知会）',
      text: '{company} 拟与 {name} 解除劳动合同（连续旷工，返岗期限已过）。依《劳动合同法》第四十三条事先通知工会，附通知书草稿。',
    },
  },
  steps: [
    {
      id: 'first-reminder',
      title: 'First reminder (shift start + 2 h)',
      at: { afterShiftStart: { hours: 2 } },
      actions: [{ notify: { to: ['employee'], copy: ['manager', 'hr'], channels: ['sms', 'wecom'], template: 'reminder-1' } }],
    },
    {
      id: 'second-reminder',
      title: 'Second reminder and a call from HR (shift start + 4 h)',
      at: { afterShiftStart: { hours: 4 } },
      actions: [
        { notify: { to: ['employee'], copy: ['manager', 'hr'], channels: ['sms', 'wecom'], template: 'reminder-2' } },
        { hrTask: { title: 'Call the employee and their emergency contact; record what you learn', dueHours: 4 } },
      ],
    },
    {
      id: 'daily-reminder',
      title: 'Daily reminder (09:00)',
      at: { dailyAt: '09:00' },
      actions: [{ notify: { to: ['employee'], copy: ['manager'], channels: ['sms', 'wecom'], template: 'daily' } }],
    },
    {
      id: 'return-to-work-notice',
      title: 'Return-to-work notice (3 consecutive absent working days, or 5 in a month)',
      at: { absentDays: { consecutive: 3, monthly: 5 } },
      guard: ['open'],
      approval: 'hr',
      actions: [
        { draftNotice: { kind: 'return_to_work', deliver: ['registered_mail', 'wecom'], deadlineDays: 3 } },
        { notify: { to: ['hr'], channels: ['email'], template: 'hr-approve-notice' } },
      ],
    },
    {
      id: 'termination-draft',
      title: 'Termination notice draft, union copy, social-insurance stop month (deadline passed)',
      at: { afterNoticeDelivered: { notice: 'return_to_work', days: 3 } },
      guard: ['open'],
      approval: 'hr',
      actions: [
        { draftNotice: { kind: 'termination', deliver: ['registered_mail'] } },
        { copyUnion: { channels: ['email'], template: 'union-copy' } },
        { socialInsuranceStopMonth: {} },
      ],
    },
  ],
};
