// Sign-in: pick an account. A plain HTML form posting to /login, so it works the same
// with or without script. The demo provider has no passwords (see webmail/sessions.ts).
import { getJson } from '../api.js';
import { h } from '../dom.js';

/** @returns {Promise<HTMLElement>} */
export async function loginView() {
  const { accounts } = await getJson('/api/accounts');
  const options = accounts.map((/** @type {string} */ addr) =>
    h('option', { value: addr }, addr),
  );
  return h(
    'section',
    { class: 'login' },
    h('h1', {}, 'Sign in to EcosMail'),
    h(
      'form',
      { method: 'post', action: '/login', 'data-testid': 'login-form' },
      h(
        'label',
        {},
        'Account',
        h('select', { name: 'account', 'data-testid': 'login-account' }, ...options),
      ),
      h(
        'button',
        { type: 'submit', class: 'primary', 'data-testid': 'login-submit' },
        'Sign in',
      ),
    ),
    h('p', { class: 'hint' }, 'Reference provider for development: no password needed.'),
  );
}
