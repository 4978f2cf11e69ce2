// @ts-check
/**
 * One case for HR: its facts, the ladder, the notices (approve, record the registered letter and
 * its delivery, open the HTML/PDF), tasks, messages, the timeline, the evidence bundle and closing.
 * A live refresh updates each part in place and leaves forms being filled in alone.
 */
import { get, post } from '../api.js';
import { emptyRow, field, h, messageLine, replace, stateBadge, thead, updateIfChanged } from '../dom.js';
import { formatInstant, formatNumber, formatValue, humanize, todayIn } from '../format.js';
import { errorText, loading, refresher, viewHeader } from '../view-kit.js';
import { caseStateBadge } from './cases.js';

/**
 * @typedef {object} Notice
 * @property {number} noticeId
 * @property {'return_to_work' | 'termination' | string} kind
 * @property {'draft' | 'approved' | 'rejected' | 'sent' | 'delivered' | 'refused' | 'returned'} state
 * @property {string[]} deliver
 * @property {number | null} deadlineDays
 * @property {Record<string, unknown>} facts
 * @property {string | null} htmlSha256
 * @property {string | null} pdfSha256
 * @property {string | null} approvedBy
 * @property {number | null} approvedAt
 * @property {number} [createdAt]
 * @property {number} [updatedAt]
 * @property {{ carrier: string, trackingNumber: string, address: string, sentDate: string } | null} mailing
 */

/**
 * @typedef {object} CaseDetail
 * @property {number} caseId
 * @property {string} employeeId
 * @property {string | null} employeeName
 * @property {string | null} department
 * @property {string} siteId
 * @property {string} firstDate
 * @property {'open' | 'acknowledged' | 'resolved'} state
 * @property {number} absentDays
 * @property {number | null} pausedUntil
 * @property {string | null} resolution
 * @property {string | null} resolutionNote
 * @property {number} openedAt
 * @property {number | null} resolvedAt
 * @property {{ stepKey: string, stepId: string, title?: string, dueMs: number, state: string, outcome: string | null, firedAt: number | null }[]} steps
 * @property {{ atMs: number, kind: string, stepKey: string | null, detail: Record<string, unknown> }[]} timeline
 * @property {{ taskId: number, title: string, dueMs: number | null, state: string }[]} tasks
 * @property {{ messageId: number, stepKey: string, role: string, recipientId: string | null, channel: string, template: string, subject: string | null, text: string, state: string }[]} messages
 * @property {Notice[]} notices
 */

const NOTICE_KIND = /** @type {Record<string, string>} */ ({ return_to_work: 'Return-to-work notice', termination: 'Termination notice' });
const RESOLUTIONS = /** @type {Record<string, string>} */ ({ returned: 'Returned to work', leave: 'Leave recorded', employment_ended: 'Employment ended', closed_by_hr: 'Closed by HR' });
const CHANNELS = /** @type {Record<string, string>} */ ({ sms: 'SMS', email: 'Email', wecom: 'WeCom', dingtalk: 'DingTalk', registered_mail: 'Registered mail' });
const channelName = (/** @type {string} */ c) => CHANNELS[c] ?? humanize(c);
const STATE_KIND = /** @type {Record<string, string>} */ ({
  scheduled: 'info', fired: 'ok', skipped: 'muted', cancelled: 'muted',
  draft: 'warn', approved: 'info', rejected: 'muted', sent: 'info', delivered: 'ok', refused: 'ok', returned: 'bad',
  open: 'warn', done: 'ok', queued: 'info', failed: 'bad', read: 'ok', undeliverable: 'bad',
});

/**
 * @param {string} state of a step, task, message or notice
 * @returns {HTMLElement}
 */
const itemBadge = (state) => stateBadge(state, STATE_KIND);

/** @type {import('../view-kit.js').View} */
export const view = {
  name: 'case',
  title: 'Case',
  live: ['cases'],
  mount(root, params, ctx) {
    const caseId = Number(params[0]);
    root.dataset.caseId = String(caseId);
    const header = viewHeader(`Case #${caseId}`, h('a', { href: '#/cases', class: 'back', text: '← All cases' }));
    const errors = h('div', { class: 'errors' });
    const facts = h('div', { class: 'facts' }, loading());
    const actions = h('div', { class: 'case-actions', hidden: true });
    const notices = h('div', { class: 'notice-cards' });
    const ladder = h('div', { class: 'table-wrap' });
    const tasks = h('div', { class: 'table-wrap' });
    const messages = h('div', { class: 'table-wrap' });
    const timeline = h('div', { class: 'table-wrap' });
    const section = (/** @type {string} */ title, /** @type {string} */ name, /** @type {HTMLElement} */ content) =>
      h('section', { class: 'panel', data: { section: name } }, h('h2', { text: title }), content);
    const sections = {
      notices: section('Documents', 'notices', notices),
      ladder: section('Ladder', 'ladder', ladder),
      tasks: section('Tasks', 'tasks', tasks),
      messages: section('Messages', 'messages', messages),
      timeline: section('Timeline', 'timeline', timeline),
    };
    root.append(header.el, errors, facts, actions, ...Object.values(sections));
    for (const s of Object.values(sections)) s.hidden = true;

    /** @type {CaseDetail | null} */
    let current = null;
    /** @type {Map<number, { card: HTMLElement, info: HTMLElement, tools: HTMLElement, message: ReturnType<typeof messageLine>, shown: string }>} */
    const cards = new Map();
    const zone = () => ctx.zoneOf(current?.siteId);
    const at = (/** @type {number | null | undefined} */ ms) => formatInstant(ms, zone());

    // --- closing the case (built once, so a note being typed survives a live refresh) ---
    const closeMessage = messageLine();
    const note = h('textarea', { id: `close-note-${caseId}`, name: 'note', required: true, attrs: { rows: 3, maxlength: 2000 } });
    const confirmClose = h('button', { type: 'submit', class: 'btn btn-danger', data: { action: 'confirm-close-case' }, text: 'Close the case' });
    const closeForm = h('form', { class: 'confirm-box', hidden: true, data: { form: 'close-case' } },
      h('p', { text: 'Closing stops the ladder: no further reminders or notices. The note is kept in the evidence log.' }),
      field('Why is the case being closed?', note),
      h('div', { class: 'buttons' }, confirmClose,
        h('button', { type: 'button', class: 'btn', data: { action: 'cancel-close-case' }, text: 'Cancel', on: { click: () => { closeForm.hidden = true; closeButton.hidden = false; closeMessage.clear(); } } })));
    const closeButton = h('button', { type: 'button', class: 'btn btn-danger-outline', data: { action: 'close-case' }, text: 'Close case…' });
    closeButton.addEventListener('click', () => {
      closeForm.hidden = false;
      closeButton.hidden = true;
      note.focus();
    });
    closeForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      closeMessage.clear();
      confirmClose.disabled = true;
      try {
        await post(`/api/v1/cases/${caseId}/close`, { note: note.value.trim() });
        closeForm.hidden = true;
        note.value = '';
        closeMessage.show('The case is closed.', 'ok');
        await refresh();
      } catch (err) {
        closeMessage.show(errorText(err));
      } finally {
        confirmClose.disabled = false;
      }
    });
    const bundle = h('a', { href: `/api/v1/cases/${caseId}/bundle`, class: 'btn', data: { action: 'export-bundle' }, attrs: { download: '' }, text: 'Export evidence bundle' });
    replace(actions, h('div', { class: 'buttons' }, bundle, closeButton), closeForm, closeMessage);

    const load = async () => {
      const [c] = await Promise.all([get(`/api/v1/cases/${caseId}`, { signal: ctx.signal }), ctx.sites()]);
      current = /** @type {CaseDetail} */ (c);
      show(current);
    };

    /** @param {CaseDetail} c */
    const show = (c) => {
      header.heading.textContent = `Case #${c.caseId} · ${c.employeeName ?? c.employeeId}`;
      document.title = `Case #${c.caseId} · rollcall`;
      root.dataset.state = c.state;
      updateIfChanged(facts, { ...c, steps: 0, timeline: 0, tasks: 0, messages: 0, notices: 0 }, () => factList(c));
      actions.hidden = false;
      closeButton.hidden = c.state === 'resolved' || !closeForm.hidden;
      if (c.state === 'resolved') closeForm.hidden = true;
      for (const s of Object.values(sections)) s.hidden = false;
      updateIfChanged(ladder, c.steps, ladderTable);
      updateIfChanged(tasks, c.tasks, taskTable);
      updateIfChanged(messages, c.messages, messageTable);
      updateIfChanged(timeline, c.timeline, timelineTable);
      showNotices(c);
    };

    /** @param {CaseDetail} c */
    const factList = (c) => {
      /** @type {[string, Node | string][]} */
      const rows = [
        ['Employee', `${c.employeeName ?? '—'} (${c.employeeId})`],
        ['Department', c.department ?? '—'],
        ['Site', c.siteId],
        ['First missed', c.firstDate],
        ['Absent days', formatNumber(c.absentDays)],
        ['State', caseStateBadge(c.state)],
        ['Opened', at(c.openedAt)],
      ];
      if (c.pausedUntil !== null && c.pausedUntil !== undefined) rows.push(['Reminders paused until', at(c.pausedUntil)]);
      if (c.resolution) rows.push(['Resolution', RESOLUTIONS[c.resolution] ?? humanize(c.resolution)]);
      if (c.resolutionNote) rows.push(['Resolution note', c.resolutionNote]);
      if (c.resolvedAt) rows.push(['Resolved', at(c.resolvedAt)]);
      return h('dl', { class: 'fact-list' }, rows.map(([k, v]) => h('div', { data: { fact: k } }, h('dt', { text: k }), h('dd', {}, v))));
    };

    /** @param {CaseDetail['steps']} steps */
    const ladderTable = (steps) => {
      const sorted = [...steps].sort((a, b) => a.dueMs - b.dueMs);
      const next = sorted.find((st) => st.state === 'scheduled');
      const body = h('tbody');
      if (sorted.length === 0) body.appendChild(emptyRow(5, 'No steps scheduled.'));
      for (const st of sorted) {
        body.appendChild(h('tr', { class: st === next ? 'next-step' : '', data: { stepKey: st.stepKey, state: st.state } },
          h('th', { attrs: { scope: 'row' } }, st.title ?? st.stepKey, h('span', { class: 'sub', text: ` ${st.stepKey}` }), st === next ? h('span', { class: 'sub', text: ' (next)' }) : null),
          h('td', { text: at(st.dueMs) }),
          h('td', {}, itemBadge(st.state)),
          h('td', { text: st.outcome ?? '' }),
          h('td', { text: st.firedAt === null ? '' : at(st.firedAt) })));
      }
      return h('table', { class: 'data', data: { table: 'ladder' } }, h('caption', { class: 'visually-hidden', text: 'Ladder steps in due order' }),
        thead(['Step', 'Due', 'State', 'Outcome', 'Done']), body);
    };

    /** @param {CaseDetail['tasks']} list */
    const taskTable = (list) => {
      const body = h('tbody');
      if (list.length === 0) body.appendChild(emptyRow(3, 'No tasks.'));
      for (const t of list) {
        body.appendChild(h('tr', { data: { taskId: t.taskId, state: t.state } },
          h('th', { attrs: { scope: 'row' }, text: t.title }),
          h('td', { text: t.dueMs === null ? '—' : at(t.dueMs) }),
          h('td', {}, itemBadge(t.state))));
      }
      return h('table', { class: 'data', data: { table: 'tasks' } }, h('caption', { class: 'visually-hidden', text: 'Tasks for HR' }), thead(['Task', 'Due', 'State']), body);
    };

    /** @param {CaseDetail['messages']} list */
    const messageTable = (list) => {
      const body = h('tbody');
      if (list.length === 0) body.appendChild(emptyRow(5, 'No messages sent.'));
      for (const m of list) {
        body.appendChild(h('tr', { data: { messageId: m.messageId, state: m.state } },
          h('th', { attrs: { scope: 'row' } }, humanize(m.role), m.recipientId ? h('span', { class: 'sub block', text: m.recipientId }) : null),
          h('td', { text: channelName(m.channel) }),
          h('td', { text: m.stepKey }),
          h('td', {}, h('details', {}, h('summary', { text: m.subject ?? m.template }), h('pre', { class: 'message-text', text: m.text }))),
          h('td', {}, itemBadge(m.state))));
      }
      return h('table', { class: 'data', data: { table: 'messages' } }, h('caption', { class: 'visually-hidden', text: 'Messages sent for this case' }),
        thead(['Recipient', 'Channel', 'Step', 'Message', 'State']), body);
    };

    /** @param {CaseDetail['timeline']} list */
    const timelineTable = (list) => {
      const body = h('tbody');
      if (list.length === 0) body.appendChild(emptyRow(4, 'Nothing recorded yet.'));
      for (const e of list) {
        body.appendChild(h('tr', { data: { kind: e.kind } },
          h('td', {}, h('time', { attrs: { datetime: new Date(e.atMs).toISOString() }, text: at(e.atMs) })),
          h('th', { attrs: { scope: 'row' }, text: humanize(e.kind) }),
          h('td', { text: e.stepKey ?? '' }),
          h('td', {}, details(e.detail))));
      }
      return h('table', { class: 'data', data: { table: 'timeline' } }, h('caption', { class: 'visually-hidden', text: 'Timeline of the case' }),
        thead(['When', 'Event', 'Step', 'Details']), body);
    };

    /**
     * A detail object as "key: value" pieces; instants (…Ms, …At) as times, hashes shortened.
     * @param {Record<string, unknown>} detail
     */
    const details = (detail) => {
      const items = Object.entries(detail ?? {}).filter(([, v]) => v !== null && v !== undefined);
      if (items.length === 0) return '';
      return h('ul', { class: 'detail-list' }, items.map(([k, v]) => {
        let text = formatValue(v);
        let title;
        if (typeof v === 'number' && /(Ms|At)$/.test(k) && v > 1e12) text = at(v);
        else if (typeof v === 'string' && /^[0-9a-f]{64}$/.test(v)) {
          title = v;
          text = `${v.slice(0, 12)}…`;
        }
        return h('li', {}, h('span', { class: 'detail-key', text: `${humanize(k.replace(/(.)Ms$/, '$1'))}: ` }), h('span', { title, text }));
      }));
    };

    // --- notices: a card each; the info part follows the data, the tools only the state ---
    /** @param {CaseDetail} c */
    const showNotices = (c) => {
      const ids = new Set(c.notices.map((n) => n.noticeId));
      for (const [id, card] of cards) if (!ids.has(id)) { card.card.remove(); cards.delete(id); }
      if (c.notices.length === 0) {
        if (!notices.querySelector('.empty-note')) replace(notices, h('p', { class: 'empty-note', text: 'No notices drafted for this case.' }));
        return;
      }
      notices.querySelector('.empty-note')?.remove();
      for (const n of c.notices) {
        let card = cards.get(n.noticeId);
        if (card === undefined) {
          const info = h('div', { class: 'notice-info' });
          const tools = h('div', { class: 'notice-tools' });
          const message = messageLine();
          const el = h('article', { class: 'notice-card', data: { noticeId: n.noticeId } }, info, tools, message);
          card = { card: el, info, tools, message, shown: '' };
          cards.set(n.noticeId, card);
          notices.appendChild(el);
        }
        card.card.dataset.state = n.state;
        updateIfChanged(card.info, n, noticeInfo);
        const toolsKey = `${n.state}|${c.state}`;
        if (card.shown !== toolsKey) {
          card.shown = toolsKey;
          replace(card.tools, noticeTools(n, c, card.message));
        }
      }
    };

    /** @param {Notice} n */
    const noticeInfo = (n) => {
      const links = [];
      if (n.state !== 'draft' && n.htmlSha256 !== null) {
        links.push(h('a', { href: `/api/v1/notices/${n.noticeId}.html`, target: '_blank', rel: 'noopener', data: { action: 'open-notice-html', noticeId: n.noticeId }, text: 'Open HTML' }));
        links.push(n.pdfSha256 !== null
          ? h('a', { href: `/api/v1/notices/${n.noticeId}.pdf`, target: '_blank', rel: 'noopener', data: { action: 'open-notice-pdf', noticeId: n.noticeId }, text: 'Open PDF' })
          : h('span', { class: 'sub', text: 'PDF: being printed' }));
      }
      /** @type {[string, string][]} */
      const rows = [['Delivered by', n.deliver.map(channelName).join(', ')]];
      if (n.deadlineDays !== null) rows.push(['Deadline', `${n.deadlineDays} days after delivery`]);
      if (n.approvedBy) rows.push(['Approved', `${n.approvedBy}, ${at(n.approvedAt)}`]);
      if (n.mailing) rows.push(['Registered mail', `${n.mailing.carrier} ${n.mailing.trackingNumber}, sent ${n.mailing.sentDate} to ${n.mailing.address}`]);
      if (n.updatedAt) rows.push(['Last change', at(n.updatedAt)]);
      const facts = Object.entries(n.facts ?? {});
      return [
        h('h3', {}, `${NOTICE_KIND[n.kind] ?? humanize(n.kind)} #${n.noticeId} `, itemBadge(n.state)),
        h('dl', { class: 'fact-list compact' }, rows.map(([k, v]) => h('div', {}, h('dt', { text: k }), h('dd', { text: v })))),
        links.length ? h('p', { class: 'links' }, links.flatMap((l, i) => (i ? [' · ', l] : [l]))) : null,
        facts.length ? h('details', { class: 'notice-facts' }, h('summary', { text: 'Facts on the notice' }),
          h('dl', { class: 'fact-list compact' }, facts.map(([k, v]) => h('div', {}, h('dt', { text: humanize(k) }), h('dd', { text: formatValue(v) }))))) : null,
      ];
    };

    /**
     * What HR can do with a notice in its state.
     * @param {Notice} n
     * @param {CaseDetail} c
     * @param {ReturnType<typeof messageLine>} message
     */
    const noticeTools = (n, c, message) => {
      const id = n.noticeId;
      const today = todayIn(zone());
      if (n.state === 'draft') {
        const approve = h('button', { type: 'button', class: 'btn btn-primary', data: { action: 'approve-notice', noticeId: id }, text: 'Approve' });
        approve.addEventListener('click', () => act(approve, message, `/api/v1/notices/${id}/approve`, {}, `Notice #${id} is approved.`));
        return h('div', { class: 'buttons' }, approve, h('span', { class: 'sub', text: 'Nothing is sent before approval; approving writes the notice out as it will be delivered.' }));
      }
      const forms = [];
      if (n.state === 'approved' && n.deliver.includes('registered_mail')) {
        const tracking = h('input', { id: `mail-tracking-${id}`, name: 'trackingNumber', required: true, attrs: { pattern: '[A-Za-z0-9\\-]{6,40}', maxlength: 40, autocomplete: 'off' } });
        const address = h('textarea', { id: `mail-address-${id}`, name: 'address', required: true, attrs: { rows: 2, maxlength: 500 } });
        address.value = typeof n.facts?.postalAddress === 'string' ? n.facts.postalAddress : '';
        const sent = h('input', { id: `mail-date-${id}`, name: 'sentDate', type: 'date', required: true, value: today, attrs: { max: today } });
        const carrier = h('input', { id: `mail-carrier-${id}`, name: 'carrier', attrs: { placeholder: 'EMS', maxlength: 40 } });
        const submit = h('button', { type: 'submit', class: 'btn btn-primary', data: { action: 'record-mailing', noticeId: id }, text: 'Record mailing' });
        const form = h('form', { class: 'inline-form', data: { form: 'mailing', noticeId: id } },
          h('h4', { text: 'Registered letter' }),
          h('div', { class: 'fields' }, field('Tracking number', tracking), field('Sent on', sent), field('Carrier', carrier, 'EMS if empty')),
          field('Address on the envelope', address),
          h('div', { class: 'buttons' }, submit));
        form.addEventListener('submit', (e) => {
          e.preventDefault();
          /** @type {Record<string, string>} */
          const body = { trackingNumber: tracking.value.trim(), address: address.value.trim(), sentDate: sent.value };
          if (carrier.value.trim() !== '') body.carrier = carrier.value.trim();
          act(submit, message, `/api/v1/notices/${id}/mailing`, body, `The mailing of notice #${id} is recorded.`);
        });
        forms.push(form);
      }
      if (n.state === 'approved' || n.state === 'sent') {
        const outcome = h('select', { id: `delivery-outcome-${id}`, name: 'outcome' },
          h('option', { value: 'delivered', text: 'Delivered' }),
          h('option', { value: 'refused', text: 'Refused at the door' }),
          h('option', { value: 'returned', text: 'Returned undelivered' }));
        const date = h('input', { id: `delivery-date-${id}`, name: 'date', type: 'date', required: true, value: today, attrs: { max: today, min: n.mailing?.sentDate } });
        const submit = h('button', { type: 'submit', class: 'btn btn-primary', data: { action: 'record-delivery', noticeId: id }, text: 'Record delivery' });
        const form = h('form', { class: 'inline-form', data: { form: 'delivery', noticeId: id } },
          h('h4', { text: 'Delivery' }),
          h('div', { class: 'fields' }, field('Outcome', outcome), field('Date (from the tracking record)', date)),
          h('div', { class: 'buttons' }, submit));
        form.addEventListener('submit', (e) => {
          e.preventDefault();
          act(submit, message, `/api/v1/notices/${id}/delivery`, { outcome: outcome.value, date: date.value }, `The ${outcome.value === 'delivered' ? 'delivery' : outcome.value === 'refused' ? 'refusal' : 'return'} of notice #${id} is recorded.`);
        });
        forms.push(form);
      }
      return forms;
    };

    /**
     * Posts an action, shows the server's message on failure, refreshes on success.
     * @param {HTMLButtonElement} button
     * @param {ReturnType<typeof messageLine>} message
     * @param {string} path
     * @param {unknown} body
     * @param {string} done
     */
    const act = async (button, message, path, body, done) => {
      message.clear();
      button.disabled = true;
      try {
        await post(path, body);
        message.show(done, 'ok');
        await refresh();
      } catch (err) {
        message.show(errorText(err));
      } finally {
        button.disabled = false;
      }
    };

    const refresh = refresher(load, errors, 'the case', header.updated);
    refresh();
    return { refresh };
  },
};
