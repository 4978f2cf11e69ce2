// @ts-check
/** The admin's local accounts: list, add, change role, disable or enable, reset a password. */
import { get, post } from '../api.js';
import { badge, emptyRow, field, h, messageLine, replace, thead, uid } from '../dom.js';
import { formatInstant } from '../format.js';
import { errorText, loading, refresher, viewHeader } from '../view-kit.js';

/** @typedef {{ username: string, displayName: string, role: 'hr' | 'facilities' | 'admin', disabled: boolean, createdAtMs: number, updatedAtMs: number }} User */

const ROLES = [
  { value: 'hr', label: 'HR' },
  { value: 'facilities', label: 'Facilities' },
  { value: 'admin', label: 'Admin' },
];
const PASSWORD_HINT = 'At least 10 characters.';

/** @type {import('../view-kit.js').View} */
export const view = {
  name: 'users',
  title: 'Users',
  live: [],
  mount(root, _params, ctx) {
    const header = viewHeader('Users');
    const errors = h('div', { class: 'errors' });
    const wrap = h('div', { class: 'table-wrap' }, loading());
    const flash = messageLine();
    root.append(header.el, flash, errors, h('section', { class: 'panel', data: { section: 'users' } }, wrap), addForm());
    /** @type {Map<string, HTMLTableRowElement>} */
    const rows = new Map();
    /** @type {HTMLTableSectionElement | null} */
    let body = null;

    const load = async () => {
      /** @type {User[]} */
      const users = await get('/api/v1/users', { signal: ctx.signal });
      if (body === null) {
        body = h('tbody');
        replace(wrap, h('table', { class: 'data', data: { table: 'users' } }, h('caption', { class: 'visually-hidden', text: 'Local accounts' }),
          thead(['User name', 'Display name', 'Role', 'State', 'Created', 'Changed', 'Actions']), body));
      }
      // Rows are kept per user and rebuilt only when the user changed, so an open password form stays.
      const names = new Set(users.map((u) => u.username));
      for (const [name, tr] of rows) if (!names.has(name)) { tr.remove(); rows.delete(name); }
      body.querySelector('tr.empty')?.remove();
      if (users.length === 0) body.appendChild(emptyRow(7, 'No accounts.'));
      users.forEach((u, i) => {
        const tbody = /** @type {HTMLTableSectionElement} */ (body);
        const key = JSON.stringify(u);
        let tr = rows.get(u.username);
        if (tr === undefined || tr.dataset.key !== key) {
          const fresh = userRow(u);
          fresh.dataset.key = key;
          if (tr !== undefined) tr.replaceWith(fresh);
          tr = fresh;
          rows.set(u.username, tr);
        }
        // Move a row only when it is out of place (moving a row would take the focus from it).
        if (tbody.children[i] !== tr) tbody.insertBefore(tr, tbody.children[i] ?? null);
      });
    };

    /** @param {User} u */
    const userRow = (u) => {
      const message = messageLine();
      const isMe = u.username === ctx.me.username;
      const roleId = uid('role');
      const role = h('select', { id: roleId, name: 'role', data: { action: 'change-role', username: u.username } },
        ROLES.map((r) => h('option', { value: r.value, text: r.label, selected: r.value === u.role })));
      role.addEventListener('change', () => {
        const to = role.value;
        if (isMe && !window.confirm('Changing your own role signs you out. Continue?')) {
          role.value = u.role;
          return;
        }
        change(u, { role: to }, message, `${u.username} is now ${ROLES.find((r) => r.value === to)?.label ?? to}.`, () => { role.value = u.role; }, role);
      });
      const toggle = h('button', { type: 'button', class: u.disabled ? 'btn' : 'btn btn-danger-outline', data: { action: u.disabled ? 'enable-user' : 'disable-user', username: u.username }, text: u.disabled ? 'Enable' : 'Disable' });
      toggle.addEventListener('click', () => change(u, { disabled: !u.disabled }, message, `${u.username} is ${u.disabled ? 'enabled' : 'disabled'}.`, null, toggle));

      const pwId = uid('password');
      const password = h('input', { id: pwId, name: 'password', type: 'password', required: true, attrs: { autocomplete: 'new-password' } });
      const setPw = h('button', { type: 'submit', class: 'btn btn-primary', data: { action: 'confirm-reset-password', username: u.username }, text: 'Set password' });
      const pwForm = h('form', { class: 'inline-form compact', hidden: true, data: { form: 'reset-password', username: u.username } },
        field(`New password for ${u.username}`, password, PASSWORD_HINT),
        h('div', { class: 'buttons' }, setPw, h('button', { type: 'button', class: 'btn', data: { action: 'cancel-reset-password' }, text: 'Cancel', on: { click: () => { pwForm.hidden = true; password.value = ''; } } })));
      pwForm.addEventListener('submit', (e) => {
        e.preventDefault();
        change(u, { password: password.value }, message, `The password of ${u.username} is changed; their sessions are ended.`, null, setPw);
      });
      const reset = h('button', { type: 'button', class: 'btn', data: { action: 'reset-password', username: u.username }, text: 'Reset password…' });
      reset.addEventListener('click', () => {
        pwForm.hidden = !pwForm.hidden;
        if (!pwForm.hidden) password.focus();
      });

      return h('tr', { data: { username: u.username, role: u.role, disabled: String(u.disabled) } },
        h('th', { attrs: { scope: 'row' } }, u.username, isMe ? h('span', { class: 'sub', text: ' (you)' }) : null),
        h('td', { text: u.displayName }),
        h('td', {}, h('label', { for: roleId, class: 'visually-hidden', text: `Role of ${u.username}` }), role),
        h('td', {}, u.disabled ? badge('Disabled', 'muted') : badge('Active', 'ok')),
        h('td', { text: formatInstant(u.createdAtMs) }),
        h('td', { text: formatInstant(u.updatedAtMs) }),
        h('td', { class: 'row-actions' }, h('div', { class: 'buttons' }, toggle, reset), pwForm, message));
    };

    /**
     * Posts a change to a user; on failure shows the server's message and calls `undo`.
     * @param {User} u
     * @param {Record<string, unknown>} patch
     * @param {ReturnType<typeof messageLine>} message
     * @param {string} done
     * @param {(() => void) | null} undo
     * @param {HTMLButtonElement | HTMLSelectElement} control
     */
    const change = async (u, patch, message, done, undo, control) => {
      message.clear();
      control.disabled = true;
      try {
        await post(`/api/v1/users/${encodeURIComponent(u.username)}`, patch);
        flash.show(done, 'ok');
        await refresh();
      } catch (err) {
        undo?.();
        message.show(errorText(err));
      } finally {
        control.disabled = false;
      }
    };

    function addForm() {
      const username = h('input', { id: 'new-user-name', name: 'username', required: true, attrs: { autocomplete: 'off', maxlength: 100 } });
      const displayName = h('input', { id: 'new-user-display-name', name: 'displayName', attrs: { autocomplete: 'off', maxlength: 100 } });
      const role = h('select', { id: 'new-user-role', name: 'role' }, ROLES.map((r) => h('option', { value: r.value, text: r.label })));
      const password = h('input', { id: 'new-user-password', name: 'password', type: 'password', required: true, attrs: { autocomplete: 'new-password' } });
      const submit = h('button', { type: 'submit', class: 'btn btn-primary', data: { action: 'add-user' }, text: 'Add user' });
      const message = messageLine();
      const form = h('form', { class: 'panel inline-form', data: { form: 'add-user' } },
        h('h2', { text: 'Add a user' }),
        h('div', { class: 'fields' }, field('User name', username), field('Display name', displayName, 'Optional'), field('Role', role), field('Password', password, PASSWORD_HINT)),
        h('div', { class: 'buttons' }, submit), message);
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        message.clear();
        submit.disabled = true;
        /** @type {Record<string, string>} */
        const body = { username: username.value.trim(), role: role.value, password: password.value };
        if (displayName.value.trim() !== '') body.displayName = displayName.value.trim();
        try {
          await post('/api/v1/users', body);
          message.show(`${body.username} is added.`, 'ok');
          form.reset();
          await refresh();
        } catch (err) {
          message.show(errorText(err));
        } finally {
          submit.disabled = false;
        }
      });
      return form;
    }

    const refresh = refresher(load, errors, 'the users', header.updated);
    refresh();
    return { refresh };
  },
};
