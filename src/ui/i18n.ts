/**
 * User-visible text comes from the browser's i18n catalog (`_locales/`), so
 * every string exists in English and French. Keys are the catalog's.
 */
import browser from 'webextension-polyfill';

/** The translated message, or the key itself if the catalog lacks it. */
export function t(key: string, substitutions?: string | string[]): string {
  return browser.i18n.getMessage(key, substitutions) || key;
}
