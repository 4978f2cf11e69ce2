import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderNotice } from '../../../hub/cases/notices/render.js';
import { socialInsuranceStopMonth } from '../../../hub/cases/notices/social-insurance.js';
import { pdfPrinter } from '../../../hub/cases/notices/pdf.js';
import { defaultPolicy } from '../../../hub/cases/policy-file.js';
import { at, EARLY_JUNE_WORKDAYS, JUNE_WORKDAYS, Story } from './story-harness.js';
import { pdfText } from './pdf-text.js';

describe('notices', () => {
  it('stops social insurance the month of a leaving date up to the city cutoff day, else the next month', () => {
    expect(socialInsuranceStopMonth('2026-06-15', 15)).toBe('2026-06');
    expect(socialInsuranceStopMonth('2026-06-16', 15)).toBe('2026-07');
    expect(socialInsuranceStopMonth('2026-12-20', 15)).toBe('2027-01');
    expect(socialInsuranceStopMonth('2026-02-28', 31)).toBe('2026-02');
    expect(() => socialInsuranceStopMonth('2026-06-15', 0)).toThrow(/cutoff day of 0 is not a day of the month/);
  });

  const values = {
    caseId: 7, employeeId: 'E1', name: '王小明', department: '生产部', company: '示例制造有限公司', firstDate: '2026-06-15', asOfDate: '2026-06-17',
    absentDates: ['2026-06-15', '2026-06-16', '2026-06-17'], deadlineDays: 3, handbookRule: '《员工手册》第5.3条', legalBasis: '《中华人民共和国劳动合同法》第三十九条第（二）项',
    union: '公司工会', postalAddress: '上海市闵行区样板路 12 号 301 室', issueDate: '2026-06-18', noticeDeliveredDate: null, socialInsuranceStopMonth: null,
  };

  it('writes the facts into the template, HTML-escaped, and marks what is missing instead of leaving it blank', () => {
    const policy = defaultPolicy();
    const html = renderNotice('return_to_work', policy, values);
    expect(html).toContain('<p class="to">王小明（工号：E1，部门：生产部）：</p>');
    expect(html).toContain('您自2026年6月15日起未到岗上班，也未办理任何请假手续。截至2026年6月17日，您已旷工3个工作日，具体为：2026年6月15日、6月16日、6月17日。');
    expect(html).toContain('请您于收到本通知之日起3日内返回公司报到上班');
    expect(html).toContain('<p class="date">2026年6月18日</p>');
    const hostile = renderNotice('return_to_work', policy, { ...values, name: '<script>alert(1)</script>', postalAddress: null });
    expect(hostile).not.toContain('<script>');
    expect(hostile).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(hostile).toContain('送达地址：【待人力资源部填写】');
    const termination = renderNotice('termination', policy, values);
    expect(termination).toContain('社会保险自【待人力资源部填写】起停止缴纳');
    expect(() => renderNotice('return_to_work', { ...policy, notices: { ...policy.notices, returnToWorkTemplate: '<p>{{name}} {{salary}}</p>' } }, values)).toThrow(
      /the return-to-work notice template uses \{\{salary\}\}, which the hub does not know; use \{\{caseId\}\}/,
    );
  });

  describe('through a case', () => {
    const story = new Story();
    let caseId = 0;
    beforeAll(() => {
      story.attend(EARLY_JUNE_WORKDAYS);
      story.attend(JUNE_WORKDAYS, ['E1']);
      for (const t of ['2026-06-14T23:00', '2026-06-15T09:06', '2026-06-15T22:01', '2026-06-16T22:01', '2026-06-17T22:01']) story.at(t);
      caseId = story.cases.store.cases()[0]!.caseId;
    });
    afterAll(async () => {
      await story.close();
    });

    it('approval writes the notice out and keeps that exact HTML in the evidence log; the PDF prints the same Chinese text', async () => {
      const [draft] = story.cases.store.notices(caseId);
      expect(draft).toMatchObject({ state: 'draft', html: null, htmlSha256: null });
      // He told HR he is staying with his parents: the letter goes there.
      story.now = at('2026-06-18T09:30');
      const edited = story.cases.notices.edit(draft!.noticeId, { postalAddress: '江苏省苏州市姑苏区示例巷 3 号' }, 'hr.zhang');
      expect(edited.facts.postalAddress).toBe('江苏省苏州市姑苏区示例巷 3 号');
      expect(() => story.cases.notices.edit(draft!.noticeId, { employeeName: ' ' }, 'hr.zhang')).toThrow(/name on a notice cannot be empty/);
      const editEntry = story.evidence.caseEntries(caseId).find((e) => e.kind === 'case.notice_edited')!;
      expect(JSON.parse(editEntry.body)).toMatchObject({ data: { editedBy: 'hr.zhang', changes: { postalAddress: { from: '上海市闵行区样板路 12 号 301 室', to: '江苏省苏州市姑苏区示例巷 3 号' } } } });
      story.now = at('2026-06-18T10:00');
      const approved = story.cases.notices.approve(draft!.noticeId, 'hr.zhang');
      expect(approved).toMatchObject({ state: 'approved', approvedBy: 'hr.zhang', approvedAt: at('2026-06-18T10:00') });
      expect(approved.html).toContain('截至2026年6月17日，您已旷工3个工作日，具体为：2026年6月15日、6月16日、6月17日。');
      expect(approved.html).toContain('<p class="date">2026年6月18日</p>');
      expect(approved.html).toContain('送达地址：江苏省苏州市姑苏区示例巷 3 号');
      expect(() => story.cases.notices.edit(draft!.noticeId, { postalAddress: 'x' }, 'hr.zhang')).toThrow(/is approved: only a draft can be edited/);
      const doc = story.evidence.document(approved.htmlSha256!);
      expect(doc).toMatchObject({ mediaType: 'text/html', name: `return-to-work-notice-case-${caseId}.html` });
      expect(doc!.bytes.toString('utf8')).toBe(approved.html);

      expect(await story.cases.notices.print(pdfPrinter())).toBe(1);
      expect(await story.cases.notices.print(pdfPrinter())).toBe(0);
      const printed = story.cases.store.notice(draft!.noticeId)!;
      const pdf = story.evidence.document(printed.pdfSha256!)!;
      expect(pdf.mediaType).toBe('application/pdf');
      const text = await pdfText(pdf.bytes);
      expect(text).toContain('限期返岗通知书');
      expect(text).toContain('王小明（工号：E1，部门：生产部）：');
      expect(text).toContain('截至2026年6月17日，您已旷工3个工作日，具体为：2026年6月15日、6月16日、6月17日。');
      expect(text).toContain('本公司（盖章）2026年6月18日');
      const entry = story.evidence.caseEntries(caseId).find((e) => e.kind === 'case.notice_printed')!;
      expect(JSON.parse(entry.body)).toMatchObject({ documents: [printed.pdfSha256], data: { html: approved.htmlSha256, pdf: printed.pdfSha256 } });
    }, 60_000);

    it('the termination notice cites the served return-to-work notice, its deadline, the union and the social-insurance stop month', () => {
      const [notice] = story.cases.store.notices(caseId);
      story.now = at('2026-06-18T16:00');
      expect(() => story.cases.notices.mailed(notice!.noticeId, { trackingNumber: '??', address: 'x', sentDate: '2026-06-18' }, 'hr.zhang')).toThrow(/"\?\?" is not a tracking number/);
      const mailed = story.cases.notices.mailed(notice!.noticeId, { trackingNumber: 'EA123456789CN', address: '上海市闵行区样板路 12 号 301 室', sentDate: '2026-06-18' }, 'hr.zhang');
      expect(mailed.state).toBe('sent');
      expect(story.cases.store.mailing(notice!.noticeId)).toEqual({ carrier: 'EMS', trackingNumber: 'EA123456789CN', address: '上海市闵行区样板路 12 号 301 室', sentDate: '2026-06-18' });
      expect(() => story.cases.notices.delivered(notice!.noticeId, 'delivered', '2026-06-17')).toThrow(/was mailed on 2026-06-18: it cannot have been delivered on 2026-06-17/);
      story.now = at('2026-06-20T15:00');
      story.cases.notices.delivered(notice!.noticeId, 'delivered', '2026-06-20');
      const facts = story.evidence.caseEntries(caseId).map((e) => JSON.parse(e.body) as { kind: string; data: Record<string, unknown> });
      expect(facts.filter((f) => f.kind === 'case.notice_mailed' || f.kind === 'case.notice_delivered').map((f) => f.data)).toEqual([
        { stepKey: 'return-to-work-notice', noticeId: notice!.noticeId, kind: 'return_to_work', carrier: 'EMS', trackingNumber: 'EA123456789CN', address: '上海市闵行区样板路 12 号 301 室', sentDate: '2026-06-18', recordedBy: 'hr.zhang' },
        { stepKey: 'return-to-work-notice', noticeId: notice!.noticeId, kind: 'return_to_work', date: '2026-06-20' },
      ]);
      for (const t of ['2026-06-22T22:01', '2026-06-23T22:01', '2026-06-24T00:00']) story.at(t);
      const termination = story.cases.store.notices(caseId).find((n) => n.kind === 'termination')!;
      story.now = at('2026-06-24T10:00');
      const html = story.cases.notices.approve(termination.noticeId, 'hr.zhang').html!;
      expect(html).toContain('公司已于2026年6月20日向您送达《限期返岗通知书》，要求您在收到通知之日起3日内返岗');
      expect(html).toContain('共旷工6个工作日，具体为：2026年6月15日、6月16日、6月17日、6月18日、6月22日、6月23日。');
      // Approved on the 24th, after Shanghai's cutoff (the 15th): June is still paid.
      expect(html).toContain('社会保险自2026年7月起停止缴纳');
      expect(html).toContain('本通知已事先通知公司工会委员会。');
    });
  });
});
