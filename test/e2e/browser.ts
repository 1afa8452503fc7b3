/**
 * Launching real Chromium with the built extension loaded, as a user would
 * have it. Only a persistent context loads extensions.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright';
import { documentShows } from '../shared/page-sight';

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
 * Whether `text` appears anywhere the webmail page can read (see
 * {@link documentShows}).
 */
export function pageCanSee(page: Page, text: string): Promise<boolean> {
  return page.evaluate(documentShows, text);
}
