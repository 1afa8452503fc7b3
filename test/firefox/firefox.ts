/**
 * Launching real Firefox ESR with the built add-on, driven by puppeteer-core
 * over WebDriver BiDi (Playwright's Firefox needs a patched build, and there
 * is no geckodriver package here).
 *
 * Firefox quirks this module hides from the tests:
 * - The add-on is installed as a temporary add-on into a fresh profile.
 * - Pages and frames on `moz-extension://` report `about:blank` as their
 *   URL to the driver, so we ask each one for `location.href` instead.
 * - The driver may not navigate to `moz-extension://`; our pages are opened
 *   by the extension itself, with `tabs.create` from one of its pages.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Frame, type Page } from 'puppeteer-core';

/** The Firefox MV3 build (`wxt build -b firefox --mv3`). */
export const FIREFOX_EXTENSION_DIR = resolve('.output/firefox-mv3');

/** Firefox to use: $FIREFOX_PATH, or Debian's ESR or release. */
export function firefoxPath(): string | undefined {
  const candidates = [
    process.env.FIREFOX_PATH,
    '/usr/bin/firefox-esr',
    '/usr/bin/firefox',
  ];
  return candidates.find((p): p is string => !!p && existsSync(p));
}

/** A Firefox with the add-on, and the handles tests need. */
export interface FirefoxWithExtension {
  browser: Browser;
  /** `moz-extension://<uuid>`: differs from the add-on id, and per profile. */
  origin: string;
  /**
   * Our setup page, which the add-on opens itself on install. It stays
   * open: tests open our other pages through it.
   */
  setupPage: Page;
  /** Opens one of our extension pages, e.g. `options.html`. */
  openExtensionPage(path: string): Promise<Page>;
  /** Whether the background event page is running (false: suspended). */
  backgroundRunning(): Promise<boolean>;
  close(): Promise<void>;
}

/** The URL a page or frame is really on (see the module comment). */
export function realUrl(target: Page | Frame): Promise<string> {
  return target.evaluate(() => location.href).catch(() => '');
}

/** Polls until `find` returns something, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  find: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The open tab whose real URL starts with `prefix`, once there is one. */
async function pageAt(browser: Browser, prefix: string): Promise<Page> {
  return waitFor(`a tab on ${prefix}`, async () => {
    for (const page of await browser.pages()) {
      if ((await realUrl(page)).startsWith(prefix)) return page;
    }
    return undefined;
  });
}

/** How to launch. */
export interface LaunchOptions {
  /**
   * Milliseconds of idleness after which Firefox suspends the event page
   * (Firefox's default is 30 s). A short one lets tests prove that every
   * step works on a freshly woken background, as after a user's pause.
   */
  backgroundIdleMs?: number;
  /** Where downloads go, without asking (AU-05 checks a saved attachment). */
  downloadDir?: string;
}

/** Firefox with a fresh profile, headless. */
function startFirefox(options: LaunchOptions): Promise<Browser> {
  const executablePath = firefoxPath();
  if (!executablePath) throw new Error('no Firefox found: set $FIREFOX_PATH');
  const idle = options.backgroundIdleMs;
  const downloads = options.downloadDir
    ? {
        'browser.download.folderList': 2,
        'browser.download.dir': options.downloadDir,
        'browser.download.useDownloadDir': true,
        'browser.download.always_ask_before_handling_new_types': false,
        'browser.helperApps.neverAsk.saveToDisk': 'application/octet-stream',
      }
    : {};
  return puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: true,
    extraPrefsFirefox: {
      ...(idle === undefined ? {} : { 'extensions.background.idle.timeout': idle }),
      ...downloads,
    },
  });
}

/** The setup page the add-on opens on install, and the extension origin. */
async function findSetupPage(browser: Browser): Promise<{ page: Page; origin: string }> {
  return waitFor('the setup page', async () => {
    for (const page of await browser.pages()) {
      // Node's URL gives "null" as the origin of moz-extension URLs.
      const match = /^(moz-extension:\/\/[^/]+)\/setup\.html/.exec(await realUrl(page));
      if (match) return { page, origin: match[1]! };
    }
    return undefined;
  });
}

/** The part of the `browser` namespace our pages have that tests use. */
interface PageApi {
  tabs: { create(props: { url: string; active: boolean }): Promise<unknown> };
  extension: { getBackgroundPage(): unknown };
}

/**
 * Starts Firefox ESR headless with a fresh profile and installs the add-on.
 * Waits for the setup page the add-on opens on install: that proves the
 * background (an event page in Firefox) started and ran its install handler.
 */
export async function launchFirefoxWithExtension(
  options: LaunchOptions = {},
): Promise<FirefoxWithExtension> {
  if (!existsSync(join(FIREFOX_EXTENSION_DIR, 'manifest.json'))) {
    throw new Error(
      `no Firefox build at ${FIREFOX_EXTENSION_DIR}: run \`wxt build -b firefox --mv3\``,
    );
  }
  const browser = await startFirefox(options);
  try {
    await browser.installExtension(FIREFOX_EXTENSION_DIR);
    const { page: setupPage, origin } = await findSetupPage(browser);

    return {
      browser,
      origin,
      setupPage,
      async openExtensionPage(path) {
        const url = `${origin}/${path}#${Math.random().toString(36).slice(2)}`;
        await setupPage.evaluate(async (href) => {
          const ext = (globalThis as unknown as { browser: PageApi }).browser;
          await ext.tabs.create({ url: href, active: false });
        }, url);
        return pageAt(browser, url);
      },
      backgroundRunning() {
        // From an extension page, Firefox answers null while the event page
        // is suspended, and asking does not wake it.
        return setupPage.evaluate(() => {
          const ext = (globalThis as unknown as { browser: PageApi }).browser;
          return ext.extension.getBackgroundPage() != null;
        });
      },
      close: () => browser.close(),
    };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

/**
 * Creates the user's key on the setup page the add-on opened, as a user
 * would, and returns the fingerprint it shows.
 */
export async function setUpAccount(
  firefox: FirefoxWithExtension,
  addr: string,
  name = '',
): Promise<string> {
  const page = firefox.setupPage;
  await page.waitForSelector('#addr');
  await page.type('#addr', addr);
  if (name) await page.type('#name', name);
  await page.click('[data-testid="create-key"]');
  const shown = await page.waitForSelector('[data-testid="own-fingerprint"]', {
    timeout: 30_000,
  });
  return ((await shown?.evaluate((el) => el.textContent)) ?? '').trim();
}

/** Waits until Firefox has suspended the add-on's event page. */
export function backgroundSuspended(firefox: FirefoxWithExtension): Promise<true> {
  return waitFor('the event page to be suspended', async () =>
    (await firefox.backgroundRunning()) ? undefined : true,
  );
}
