/**
 * Launching real Chromium with the built extension loaded, as a user would
 * have it. Only a persistent context loads extensions.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright';

/** The Chrome MV3 build (`wxt build`). */
export const EXTENSION_DIR = resolve('.output/chrome-mv3');

/** Chromium to use: $CHROMIUM_PATH, Debian's, or Playwright's own if present. */
export function chromiumPath(): string | undefined {
  const candidates = [
    process.env.CHROMIUM_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
  ];
  return candidates.find((p): p is string => !!p && existsSync(p));
}

/** A browser with the extension, and the handles tests need. */
export interface ExtensionBrowser {
  context: BrowserContext;
  worker: Worker;
  extensionId: string;
  profileDir: string;
  /** Opens one of our extension pages, e.g. `options.html`. */
  openExtensionPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Starts Chromium with the extension. Pass `profileDir` to reopen an earlier
 * profile (browser restart); `headless` defaults to true.
 */
export async function launchWithExtension(
  options: { profileDir?: string; headless?: boolean } = {},
): Promise<ExtensionBrowser> {
  if (!existsSync(join(EXTENSION_DIR, 'manifest.json'))) {
    throw new Error(
      `no extension build at ${EXTENSION_DIR}: run \`npm run build\` first`,
    );
  }
  const profileDir =
    options.profileDir ?? mkdtempSync(join(tmpdir(), 'ecosmail-profile-'));

  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath(),
    headless: options.headless ?? true,
    args: [
      `--disable-extensions-except=${EXTENSION_DIR}`,
      `--load-extension=${EXTENSION_DIR}`,
      '--disable-gpu',
      '--no-first-run',
    ],
  });

  const worker =
    context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL(worker.url()).host;

  return {
    context,
    worker,
    extensionId,
    profileDir,
    async openExtensionPage(path) {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${extensionId}/${path}`);
      return page;
    },
    close: () => context.close(),
  };
}

/** Creates the user's key through the setup page, as a user would. */
export async function setUpAccount(
  browser: ExtensionBrowser,
  addr: string,
  name = '',
): Promise<string> {
  const page = await browser.openExtensionPage('setup.html');
  await page.fill('#addr', addr);
  if (name) await page.fill('#name', name);
  await page.click('[data-testid="create-key"]');
  const fingerprint = await page
    .locator('[data-testid="own-fingerprint"]')
    .textContent({ timeout: 30_000 });
  await page.close();
  return (fingerprint ?? '').trim();
}

/**
 * Whether `text` appears anywhere the webmail page can read: its document
 * (markup, text and form values) and every same-origin frame inside it.
 * Our extension frames are cross-origin, so the page cannot read them and
 * neither does this check.
 */
export async function pageCanSee(page: Page, text: string): Promise<boolean> {
  // Sent as source text: a compiled function may carry helper calls (such as
  // esbuild's __name under tsx) that do not exist inside the page.
  const found = await page.evaluate(`(${SEEN_IN_PAGE})(${JSON.stringify(text)})`);
  return found === true;
}

/** Runs in the page: searches its document and same-origin frames. */
const SEEN_IN_PAGE = `function (needle) {
  function seen(doc) {
    var values = Array.from(doc.querySelectorAll('input, textarea'), function (el) {
      return el.value;
    });
    var all = [doc.documentElement.outerHTML, doc.body ? doc.body.innerText : '']
      .concat(values);
    if (all.some(function (s) { return s.indexOf(needle) !== -1; })) return true;
    var frames = doc.querySelectorAll('iframe');
    for (var i = 0; i < frames.length; i++) {
      var inner = null;
      try { inner = frames[i].contentDocument; } catch (e) { inner = null; }
      if (inner && seen(inner)) return true;
    }
    return false;
  }
  return seen(document);
}`;
