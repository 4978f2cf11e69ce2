// @ts-check
/** The admin's read-only view of the running configuration and the escalation policy. */
import { get } from '../api.js';
import { h, replace } from '../dom.js';
import { loading, refresher, viewHeader } from '../view-kit.js';

/** @type {import('../view-kit.js').View} */
export const view = {
  name: 'config',
  title: 'Configuration',
  live: [],
  mount(root, _params, ctx) {
    const header = viewHeader('Configuration');
    const errors = h('div', { class: 'errors' });
    const config = h('pre', { class: 'code', data: { block: 'config' }, attrs: { tabindex: 0, 'aria-label': 'Running configuration (JSON)' } }, loading());
    const policyTitle = h('h2', { text: 'Escalation policy' });
    const policy = h('pre', { class: 'code', data: { block: 'policy' }, attrs: { tabindex: 0, 'aria-label': 'Escalation policy (YAML)' } }, loading());
    root.append(header.el, errors,
      h('section', { class: 'panel', data: { section: 'config' } }, h('h2', { text: 'Running configuration' }), h('p', { class: 'sub', text: 'Secrets are left out. Read-only: change the configuration file and restart the hub.' }), config),
      h('section', { class: 'panel', data: { section: 'policy' } }, policyTitle, policy));

    const load = async () => {
      const [c, p] = await Promise.all([
        get('/api/v1/config', { signal: ctx.signal }),
        get('/api/v1/policy', { signal: ctx.signal }),
      ]);
      replace(config, JSON.stringify(c, null, 2));
      policyTitle.textContent = `Escalation policy${p?.id ? ` · ${p.id}` : ''}${p?.version !== undefined && p?.version !== null ? ` (version ${p.version})` : ''}`;
      replace(policy, typeof p?.source === 'string' ? p.source : JSON.stringify(p?.policy ?? p, null, 2));
    };
    const refresh = refresher(load, errors, 'the configuration', header.updated);
    refresh();
    return { refresh };
  },
};
