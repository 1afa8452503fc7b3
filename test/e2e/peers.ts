import type { ExtensionBrowser } from './browser';

/** A contact row as the options page shows it. */
export interface PeerRow {
  addr: string;
  fingerprint: string;
  recommendation: string;
}

/** Reads the contacts the extension shows on its options page. */
export async function listPeers(browser: ExtensionBrowser): Promise<PeerRow[]> {
  const page = await browser.openExtensionPage('options.html');
  await page.waitForSelector('[data-testid="contacts"][data-loaded="true"]');
  const rows = await page.$$eval('[data-testid="peer-row"]', (trs) =>
    trs.map((tr) => ({
      addr: tr.getAttribute('data-addr') ?? '',
      fingerprint:
        tr.querySelector('[data-testid="peer-fingerprint"]')?.textContent ?? '',
      recommendation:
        tr.querySelector('[data-testid="peer-recommendation"]')?.textContent ?? '',
    })),
  );
  await page.close();
  return rows;
}

/** Polls the options page until `addr` is listed (or the time is up). */
export async function waitForPeer(
  browser: ExtensionBrowser,
  addr: string,
  timeoutMs = 15_000,
): Promise<PeerRow | undefined> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const row = (await listPeers(browser)).find((p) => p.addr === addr);
    if (row || Date.now() > until) return row;
    await new Promise((r) => setTimeout(r, 300));
  }
}
