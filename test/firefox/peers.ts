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
    await page.waitForSelector('[data-testid="contacts"][data-loaded="true"]', {
      timeout: 10_000,
    });
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

/**
 * Waits until the options page lists `addr`, and returns its row. A look
 * that fails (the new tab not found in time on a loaded machine, say) is
 * retried; the last failure is reported if the time runs out.
 */
export async function waitForPeer(
  firefox: FirefoxWithExtension,
  addr: string,
): Promise<PeerRow> {
  let last = 'nothing listed yet';
  try {
    return await waitFor(
      `${addr} among the contacts`,
      async () => {
        try {
          const rows = await listPeers(firefox);
          last = `listed: [${rows.map((p) => p.addr).join(', ')}]`;
          return rows.find((p) => p.addr === addr);
        } catch (err) {
          last = `last look failed: ${(err as Error).message}`;
          return undefined;
        }
      },
      45_000,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; ${last}`);
  }
}
