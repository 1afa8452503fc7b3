// DOM building without HTML strings: message data only ever becomes text nodes and
// attribute values, so nothing in a mail can turn into markup.
// Browser globals, declared here because the lint config has none for this folder.
/* global document */

/**
 * Creates an element. `props` become attributes (true → empty attribute; false, null
 * and undefined → left out), except `on<event>` functions, which become listeners.
 * Children are nodes or strings; strings become text nodes.
 *
 * @param {string} tag
 * @param {Record<string, unknown>} [props]
 * @param {...(Node | string | null | undefined | false)} children
 * @returns {HTMLElement}
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), /** @type {EventListener} */ (value));
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) el.append(child);
  }
  return el;
}

/**
 * Formats a message date for a list or a header; the raw value when it is not a date.
 *
 * @param {string | null} value ISO 8601 from the server, or the header as sent
 * @param {'short' | 'long'} style
 */
export function formatDate(value, style) {
  if (!value) return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  if (style === 'long') return date.toLocaleString();
  const today = new Date().toDateString() === date.toDateString();
  return today
    ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString([], { day: 'numeric', month: 'short', year: 'numeric' });
}
