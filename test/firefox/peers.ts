/**
 * The contacts our options page shows, read in Firefox. Mirrors
 * `test/e2e/peers.ts`.
 */
import type { PeerRow } from '../e2e/peers';
import { waitFor, type FirefoxWithExtension } from './firefox';

/** Reads the contacts the options page lists. */
export async function listPeers(firefox: FirefoxWithExtension): Promise<PeerRow[]> {
  const page = await firefox.openExtensionPage('options.html');
  try {
    await page.waitForSelector('[data-testid="contacts"][data-loaded="true"]');
    return await page.$$eval('[data-testid="peer-row"]', (rows) =>
      rows.map((tr) => ({
        addr: tr.getAttribute('data-addr') ?? '',
        fingerprint:
          tr.querySelector('[data-testid="peer-fingerprint"]')?.textContent ?? '',
        recommendation:
          tr.querySelector('[data-testid="peer-recommendation"]')?.textContent ?? '',
      })),
    );
  } finally {
    await page.close();
  }
}

/** Waits until the options page lists `addr`, and returns its row. */
export async function waitForPeer(
  firefox: FirefoxWithExtension,
  addr: string,
): Promise<PeerRow> {
  let listed: string[] = [];
  try {
    // Each look opens the options page anew; on a loaded machine a few
    // looks can take a while, hence the long wait.
    return await waitFor(
      `${addr} among the contacts`,
      async () => {
        const rows = await listPeers(firefox);
        listed = rows.map((p) => p.addr);
        return rows.find((p) => p.addr === addr);
      },
      45_000,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; listed: [${listed.join(', ')}]`);
  }
}
