/**
 * Item 5: worker cold start. From an extension page, CDP stops our service
 * worker (`ServiceWorker.stopAllWorkers`); the page then sends a request and
 * times the answer, which needs a fresh worker. Baseline: the same request to
 * the running worker. Needs the 1,000 peers of item 3 in storage.
 */
import type { CDPSession, Page } from 'playwright';
import { CHANNEL } from '../../src/messaging/protocol';
import { figure, summarise, type Figure } from '../figures';
import { shim, sleep, type BenchContext, type ChromeLike } from '../context';

const ITEM = '5';

/** One request from the extension page, timed there; throws on a refusal. */
async function timedRequest(page: Page, name: string): Promise<number> {
  const { ms, answer } = await page.evaluate(
    async ([channel, request]) => {
      const chrome = (globalThis as unknown as { chrome: ChromeLike }).chrome;
      const start = performance.now();
      const answer = (await chrome.runtime.sendMessage({
        channel,
        name: request,
        payload: {},
      })) as { ok: boolean; value?: unknown; error?: unknown };
      return { ms: performance.now() - start, answer };
    },
    [CHANNEL, name] as const,
  );
  if (!answer.ok) throw new Error(`${name}: ${JSON.stringify(answer.error)}`);
  return ms;
}

// Stops every service worker of the profile and waits until ours reports
// itself stopped, so the next request must start a new one.
async function stopWorker(cdp: CDPSession): Promise<void> {
  const stopped = new Promise<void>((resolve) => {
    const onUpdate = (event: { versions: { runningStatus: string }[] }) => {
      if (event.versions.every((v) => v.runningStatus === 'stopped')) {
        cdp.off('ServiceWorker.workerVersionUpdated', onUpdate);
        resolve();
      }
    };
    cdp.on('ServiceWorker.workerVersionUpdated', onUpdate);
  });
  await cdp.send('ServiceWorker.stopAllWorkers');
  await Promise.race([stopped, sleep(5000)]);
  // Let the browser finish tearing the old worker down.
  await sleep(300);
}

/** Runs item 5. */
export async function benchColdStart(
  ctx: BenchContext,
  peers: number,
): Promise<Figure[]> {
  const page = await ctx.ext.openExtensionPage('options.html');
  await shim(page);
  const stored = await page.evaluate(async () => {
    const chrome = (globalThis as unknown as { chrome: ChromeLike }).chrome;
    const all = await chrome.storage.local.get(null);
    return Object.keys(all).filter((k) => k.startsWith('peer:')).length;
  });
  if (stored < peers) throw new Error(`item 5 needs ${peers} peers, found ${stored}`);

  const cdp = await ctx.ext.context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');

  const coldStatus: number[] = [];
  const warmStatus: number[] = [];
  const coldList: number[] = [];
  const warmList: number[] = [];
  for (let run = 0; run < ctx.repeat; run++) {
    await page.bringToFront();
    await stopWorker(cdp);
    coldStatus.push(await timedRequest(page, 'account.status'));
    warmStatus.push(await timedRequest(page, 'account.status'));

    await stopWorker(cdp);
    coldList.push(await timedRequest(page, 'peers.list'));
    warmList.push(await timedRequest(page, 'peers.list'));
  }
  await cdp.detach();
  await page.close();

  return [
    figure({
      item: ITEM,
      name: `stopped worker → first answer (account.status), ${stored} peers stored`,
      unit: 'ms',
      value: summarise(coldStatus),
      baseline: { name: 'running worker', value: summarise(warmStatus) },
      target: { on: 'value', op: '<=', limit: 100 },
    }),
    figure({
      item: ITEM,
      name: `stopped worker → peers.list answered (all ${stored} peers)`,
      unit: 'ms',
      value: summarise(coldList),
      baseline: { name: 'running worker', value: summarise(warmList) },
      note: 'the options page list: reads every peer and computes its recommendation',
    }),
  ];
}
