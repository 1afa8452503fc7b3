/**
 * What a webmail page can read, checked from inside the page. Shared by the
 * Chromium (Playwright) and Firefox (puppeteer) suites: both serialize this
 * function into the page and run it there, so it must use nothing from its
 * module scope.
 */

/**
 * Whether `needle` appears anywhere the page's own script can read: its
 * document (markup, text and form values) and every same-origin frame in
 * it. Our extension frames are cross-origin, so the page cannot read them
 * and neither does this check.
 */
export function documentShows(needle: string): boolean {
  const seen = (doc: Document): boolean => {
    const values = [...doc.querySelectorAll('input, textarea')].map(
      (el) => (el as HTMLInputElement).value,
    );
    const all = [doc.documentElement.outerHTML, doc.body?.innerText ?? '', ...values];
    if (all.some((s) => s.includes(needle))) return true;
    for (const frame of doc.querySelectorAll('iframe')) {
      let inner: Document | null = null;
      try {
        inner = frame.contentDocument;
      } catch {
        inner = null;
      }
      if (inner && seen(inner)) return true;
    }
    return false;
  };
  return seen(document);
}
