// A folder listing. Rows link to the message view; encrypted mail is marked as such
// and shows nothing of its content (the server has none to give).
// Browser globals, declared here because the lint config has none for this folder.
/* global setInterval, clearInterval */
import { getJson } from '../api.js';
import { formatDate, h } from '../dom.js';

const TITLES = { inbox: 'Inbox', sent: 'Sent', spam: 'Spam', drafts: 'Drafts' };
const POLL_MS = 10_000;

/**
 * @param {'inbox' | 'sent' | 'spam' | 'drafts'} folder
 * @param {AbortSignal} signal ends the polling when the view is left
 * @returns {Promise<HTMLElement>}
 */
export async function folderView(folder, signal) {
  const list = h('ul', { class: 'message-list', 'data-testid': 'message-list' });
  let shown = '';

  const refresh = async () => {
    const { messages } = await getJson(`/api/messages/${folder}`);
    const ids = messages.map((/** @type {{ id: string }} */ m) => m.id).join();
    // Redraw only on change, so a row is not swapped out from under a click.
    if (ids === shown) return;
    shown = ids;
    list.replaceChildren(...messages.map((m) => row(folder, m)));
    if (messages.length === 0) list.append(h('li', { class: 'empty' }, 'No messages.'));
  };

  await refresh();
  // A failed poll keeps the list as it is: the next poll or a click shows the problem.
  const timer = setInterval(() => refresh().catch(() => {}), POLL_MS);
  signal.addEventListener('abort', () => clearInterval(timer));
  return h('section', { class: 'folder-view' }, h('h1', {}, TITLES[folder]), list);
}

/**
 * @param {'inbox' | 'sent' | 'spam' | 'drafts'} folder
 * @param {{ id: string, from: string, fromName: string, to: string[],
 *   subject: string, date: string | null, encrypted: boolean }} m
 */
function row(folder, m) {
  const who = folder === 'sent' ? `To: ${m.to.join(', ')}` : m.fromName || m.from;
  return h(
    'li',
    {},
    h(
      'a',
      {
        class: 'message-row',
        // A draft opens where it can be written on: in a compose view.
        href:
          folder === 'drafts'
            ? `#/draft/${encodeURIComponent(m.id)}`
            : `#/message/${folder}/${encodeURIComponent(m.id)}`,
        'data-testid': 'message-row',
        'data-message-id': m.id,
        'data-encrypted': m.encrypted ? 'true' : 'false',
      },
      h('span', { class: 'who' }, who || '(unknown sender)'),
      h(
        'span',
        { class: 'subject' },
        m.encrypted ? h('span', { class: 'badge' }, 'Encrypted') : null,
        m.subject || '(no subject)',
      ),
      h('time', { class: 'date', datetime: m.date ?? '' }, formatDate(m.date, 'short')),
    ),
  );
}
