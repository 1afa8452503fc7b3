/**
 * Item 3: Autocrypt header processing in the background. A page speaking the
 * EcosMail contract shows 1,000 plain mails from distinct senders at once;
 * our content script reports each to the background through the real
 * `message.opened` path, and the background stores each sender's peer state.
 * Secondary figure: the same ingestion in the core under node.
 */
import { ingestMessage } from '../../src/mail/incoming';
import type { PeerState } from '../../src/autocrypt/peer-state';
import { figure, summarise, type Figure } from '../figures';
import { plainMailWithHeader, senderKey, type SenderKey } from '../fixtures';
import type { Page } from 'playwright';
import { shim, type BenchContext, type ChromeLike } from '../context';

const ITEM = '3';

/** How many distinct senders the batch has. */
export const PEERS = 1000;

/** Generates one key per sender (v4 Curve25519, about 3 ms each under node). */
export async function peerKeys(n = PEERS): Promise<SenderKey[]> {
  const keys: SenderKey[] = [];
  for (let i = 0; i < n; i++) keys.push(await senderKey(`peer${i}@peer.example`));
  return keys;
}

// Waits in the worker until `n` distinct peer records changed; resolves with
// the worker's clock (ms since the epoch) at the last one, or 0 on timeout.
function watchPeers(n: number): void {
  const chrome = (globalThis as unknown as { chrome: ChromeLike }).chrome;
  const changed = new Set<string>();
  const state = globalThis as unknown as { benchPeersDone: Promise<number> };
  state.benchPeersDone = new Promise<number>((resolve) => {
    setTimeout(() => resolve(0), 120_000);
    chrome.storage.onChanged.addListener((changes, area) => {
      if (area !== 'local') return;
      for (const key of Object.keys(changes))
        if (key.startsWith('peer:')) changed.add(key);
      if (changed.size >= n) resolve(Date.now());
    });
  });
}

// Removes every stored peer, so the next batch is first contact again.
async function forgetPeers(): Promise<void> {
  const chrome = (globalThis as unknown as { chrome: ChromeLike }).chrome;
  const all = await chrome.storage.local.get(null);
  await chrome.storage.local.remove(
    Object.keys(all).filter((k) => k.startsWith('peer:')),
  );
}

/** One batch through the real path: headers per second. */
async function batch(
  ctx: BenchContext,
  page: Page,
  keys: SenderKey[],
  run: number,
): Promise<number> {
  // Later Date headers each run, so every batch changes every peer record.
  const raws = keys.map((key, i) => plainMailWithHeader(key, i, run));
  ctx.server.raws.splice(0, ctx.server.raws.length, ...raws);

  await shim(ctx.ext.worker);
  await ctx.ext.worker.evaluate(watchPeers, keys.length);
  await page.bringToFront();
  const start = await page.evaluate(
    ([n, r]) =>
      (window as unknown as { showMessages(n: number, r: number): number }).showMessages(
        n,
        r,
      ),
    [keys.length, run] as const,
  );
  const end = await ctx.ext.worker.evaluate(
    () => (globalThis as unknown as { benchPeersDone: Promise<number> }).benchPeersDone,
  );
  if (!end) throw new Error(`item 3: not all ${keys.length} peers were stored`);
  return keys.length / ((end - start) / 1000);
}

/**
 * Runs item 3: `runs` batches from senders never seen (stored peers removed
 * before each), then `runs` batches repeating the keys now stored, as the
 * next mails of the same correspondents would. Ends with every peer stored.
 */
export async function benchAutocrypt(
  ctx: BenchContext,
  keys: SenderKey[],
  runs: number,
): Promise<Figure[]> {
  const page = await ctx.ext.context.newPage();
  await page.goto(`${ctx.server.url}/contract.html`);
  await page.waitForSelector('html[data-ecosmail-extension="1"]');

  const first: number[] = [];
  const known: number[] = [];
  for (let run = 0; run < runs; run++) {
    await shim(ctx.ext.worker);
    await ctx.ext.worker.evaluate(forgetPeers);
    first.push(await batch(ctx, page, keys, run));
  }
  for (let run = runs; run < 2 * runs; run++) {
    known.push(await batch(ctx, page, keys, run));
  }
  await page.close();

  const raws = keys.map((key, i) => plainMailWithHeader(key, i));
  const nodeFirst: number[] = [];
  const nodeKnown: number[] = [];
  for (let run = 0; run < runs; run++) {
    const peers = new Map<string, PeerState>();
    nodeFirst.push(await ingestUnderNode(raws, peers));
    nodeKnown.push(await ingestUnderNode(raws, peers));
  }

  const path =
    'real path: content script fetches each raw mail and sends message.opened; ' +
    'the background parses, checks the keydata and writes the peer (one queue)';
  return [
    figure({
      item: ITEM,
      name: `${keys.length} headers from new senders: page shows them → all peers stored`,
      unit: 'headers/s',
      value: summarise(first),
      target: { on: 'value', op: '>=', limit: 2000 },
      note: path,
    }),
    figure({
      item: ITEM,
      name: `${keys.length} headers repeating the stored keys (next mails)`,
      unit: 'headers/s',
      value: summarise(known),
      target: { on: 'value', op: '>=', limit: 2000 },
      note: path,
    }),
    figure({
      item: ITEM,
      name: 'new senders, the same ingest in the core under node',
      unit: 'headers/s',
      value: summarise(nodeFirst),
      note: 'secondary: parse + header + keydata check + peer update, peers in a Map',
    }),
    figure({
      item: ITEM,
      name: 'stored keys, the same ingest in the core under node',
      unit: 'headers/s',
      value: summarise(nodeKnown),
    }),
  ];
}

async function ingestUnderNode(
  raws: string[],
  peers: Map<string, PeerState>,
): Promise<number> {
  const bytes = raws.map((raw) => new TextEncoder().encode(raw));
  const start = performance.now();
  for (const raw of bytes) {
    const result = await ingestMessage(raw, async (a) => peers.get(a), Date.now());
    if (result.peer) peers.set(result.peer.addr, result.peer);
  }
  const ms = performance.now() - start;
  if (peers.size !== raws.length) throw new Error(`node ingest stored ${peers.size}`);
  return raws.length / (ms / 1000);
}
