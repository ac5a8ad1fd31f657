import { api, ApiError, setApiKey } from '../api.js';
import { h, mount } from '../dom.js';
import { lang, setLang, t } from '../i18n.js';

/**
 * Login: the operator types an API key of the gateway (`api.keys` / `CISIS_TLR_API_KEYS`); it is
 * checked against the API before being kept in sessionStorage for this tab.
 */
export async function render(root, { query }) {
  const notice = sessionStorage.getItem('cisis-tlr.notice');
  sessionStorage.removeItem('cisis-tlr.notice');
  const error = h('p', { class: 'form-error', id: 'login-error', role: 'alert', hidden: !notice }, notice ? t(notice) : '');
  const input = h('input', {
    id: 'api-key', name: 'api-key', type: 'password', autocomplete: 'current-password', required: true, spellcheck: 'false',
    'aria-describedby': 'api-key-help login-error', class: 'input mono',
  });
  const reveal = h('button', {
    type: 'button', class: 'btn btn-small btn-ghost', 'aria-pressed': 'false', 'aria-controls': 'api-key',
    onclick: () => {
      const shown = input.type === 'text';
      input.type = shown ? 'password' : 'text';
      reveal.setAttribute('aria-pressed', String(!shown));
      reveal.textContent = shown ? t('login.show') : t('login.hide');
    },
  }, t('login.show'));
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('login.submit'));
  const form = h('form', {
    class: 'login-form', novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      const key = input.value.trim();
      if (!key) { showError(t('login.empty')); input.focus(); return; }
      submit.disabled = true;
      submit.textContent = t('login.checking');
      try {
        await api('/api/orders?limit=1', { key });
        setApiKey(key);
        const next = query.get('next');
        location.hash = `#${next && next.startsWith('/') && next !== '/login' ? next : '/orders'}`;
      } catch (err) {
        showError(err instanceof ApiError && err.status === 401 ? t('login.refused') : t('login.unreachable', { detail: err.message }));
        input.select();
      } finally {
        submit.disabled = false;
        submit.textContent = t('login.submit');
      }
    },
  },
  h('label', { for: 'api-key', class: 'label' }, t('login.keyLabel')),
  h('div', { class: 'input-with-button' }, input, reveal),
  h('p', { id: 'api-key-help', class: 'help' }, t('login.keyHelp')),
  error,
  submit);

  function showError(msg) {
    error.textContent = msg;
    error.hidden = false;
    input.setAttribute('aria-invalid', 'true');
  }

  mount(root, h('div', { class: 'login-page' },
    h('section', { class: 'login-card', 'aria-labelledby': 'login-title' },
      h('div', { class: 'login-brand' }, h('img', { src: 'img/logo.svg', alt: '', width: '40', height: '40' }),
        h('div', {}, h('div', { class: 'brand-name' }, 'cisis-tlr'), h('div', { class: 'muted' }, t('login.product')))),
      h('h1', { id: 'login-title', tabindex: '-1' }, t('login.title')),
      form,
      h('div', { class: 'login-footer' },
        h('label', { for: 'login-lang', class: 'muted' }, t('lang.label')),
        h('select', { id: 'login-lang', onchange: (e) => setLang(e.target.value) },
          h('option', { value: 'fr', selected: lang() === 'fr' }, 'Français'),
          h('option', { value: 'en', selected: lang() === 'en' }, 'English'))))));
  input.focus();
}
