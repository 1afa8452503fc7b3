// One message. The <article> is the contract's message element: it names the message
// and where its raw source is, and holds the reader slot where the extension mounts
// its reader. For encrypted mail the page puts only a neutral notice there and never
// tries to decode anything.
import { getJson } from '../api.js';
import { formatDate, h } from '../dom.js';

const ENCRYPTED_NOTICE =
  'This message is encrypted. Install or enable EcosMail Autocrypt to read it.';

/**
 * @param {'inbox' | 'sent' | 'spam'} folder
 * @param {string} id
 * @returns {Promise<HTMLElement>}
 */
export async function messageView(folder, id) {
  const path = `/api/messages/${folder}/${encodeURIComponent(id)}`;
  const m = await getJson(path);

  const actions = h(
    'div',
    { class: 'actions' },
    h(
      'a',
      { class: 'button', href: `#/${folder}`, 'data-testid': 'back-button' },
      'Back',
    ),
    h(
      'a',
      {
        class: 'button',
        href: `#/reply/${folder}/${encodeURIComponent(id)}`,
        'data-testid': 'reply-button',
      },
      'Reply',
    ),
    h('a', { class: 'quiet', href: `${path}/raw`, download: `${id}.eml` }, 'Source'),
  );

  const body = m.encrypted
    ? h('p', { class: 'notice', 'data-testid': 'encrypted-notice' }, ENCRYPTED_NOTICE)
    : h('pre', { class: 'body', 'data-testid': 'message-body' }, m.text ?? '');

  return h(
    'section',
    { class: 'message-view' },
    actions,
    h(
      'article',
      {
        class: 'message',
        'data-ecosmail-message': true,
        'data-message-id': id,
        'data-raw-url': `${path}/raw`,
        // The provider filed it as spam: the extension learns no Autocrypt key from it.
        'data-ecosmail-spam': folder === 'spam' ? '1' : undefined,
        'data-testid': 'message',
      },
      headerBlock(m),
      // The page's own content sits in a wrapper that style.css hides once the
      // extension has mounted its reader here.
      h(
        'div',
        { class: 'reader-slot', 'data-ecosmail-reader-slot': true },
        h('div', { class: 'page-content' }, body),
      ),
    ),
  );
}

/**
 * @param {{ subject: string, from: string, fromName: string, to: string[],
 *   cc: string[], date: string | null }} m
 */
function headerBlock(m) {
  const from = m.fromName ? `${m.fromName} <${m.from}>` : m.from;
  const fields = [
    ['From', from],
    ['To', m.to.join(', ')],
    ['Cc', m.cc.join(', ')],
    ['Date', formatDate(m.date, 'long')],
  ].filter(([, value]) => value !== '');
  return h(
    'header',
    {},
    h('h1', { 'data-testid': 'message-subject' }, m.subject || '(no subject)'),
    h(
      'dl',
      {},
      ...fields.flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value)]),
    ),
  );
}
