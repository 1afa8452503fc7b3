/**
 * Item 4: weight. The size of each content script (and proof that openpgp is
 * not inside), and the main-thread time our content script adds to loading a
 * webmail page (the reference webmail and a Gmail-shaped page), against the
 * same page in the same Chromium without the extension.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright';
import { chromiumPath, EXTENSION_DIR } from '../../test/e2e/browser';
import { signIn } from '../../test/e2e/webmail-page';
import { figure, summarise, type Figure } from '../figures';
import { sleep, type BenchContext } from '../context';
import { ALICE, DANA } from '../fixtures';
import {
  randomGmailId,
  serveGmail,
  type FixtureConversation,
} from '../../test/e2e/gmail-fixture';

const ITEM = '4';

/** Strings only openpgp.js (or PGP handling) would bring into a bundle. */
const OPENPGP_MARKERS = [/OpenPGP\.js/, /BEGIN PGP/, /curve25519/i, /SEIPD/i, /openpgp/i];

/** Content-script sizes, each checked for openpgp; no browser needed. */
export function contentScriptFigures(): Figure[] {
  const dir = join(EXTENSION_DIR, 'content-scripts');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.js'))
    .map((name) => {
      const code = readFileSync(join(dir, name));
      const found = OPENPGP_MARKERS.filter((m) => m.test(code.toString('latin1')));
      const kb = code.length / 1000;
      const f = figure({
        item: ITEM,
        name: `content script ${name} (bytes on disk)`,
        unit: 'KB',
        value: summarise([kb]),
        target: { on: 'value', op: '<=', limit: 40 },
        note: found.length
          ? `OPENPGP INSIDE: matches ${found.join(', ')}`
          : `no openpgp inside (none of ${OPENPGP_MARKERS.join(' ')} matches)`,
      });
      return found.length ? { ...f, met: false } : f;
    });
}

/** Main-thread time and load time of one fresh tab loading `url`. */
async function loadOnce(context: BrowserContext, url: string, ready: string) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector(ready);
  // Our content script runs at document_idle, scans after 50 ms and may then
  // fetch the raw message: leave it time to do all of that.
  await sleep(600);
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (name: string) =>
    (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
  const loadEnd = await page.evaluate(
    () =>
      (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming)
        .loadEventEnd,
  );
  await cdp.detach();
  await page.close();
  return { taskMs: metric('TaskDuration'), loadMs: loadEnd };
}

/** Runs the page-load part of item 4 on the reference webmail. */
export async function benchPageLoad(ctx: BenchContext, plainMessageId: string) {
  const plain = await chromium.launchPersistentContext(
    mkdtempSync(join(tmpdir(), 'ecosmail-bench-plain-')),
    {
      executablePath: chromiumPath(),
      headless: true,
      args: ['--disable-gpu', '--no-first-run'],
    },
  );
  const figures: Figure[] = [];
  try {
    const signInPage = await plain.newPage();
    await signIn(signInPage, ctx.webmail, ALICE);

    const views = [
      { name: 'inbox', hash: '#/inbox', ready: '[data-testid="message-row"]' },
      {
        name: 'plain message with Autocrypt header',
        hash: `#/message/inbox/${plainMessageId}`,
        ready: `[data-ecosmail-message][data-message-id="${plainMessageId}"]`,
      },
    ];
    for (const view of views) {
      const url = `${ctx.webmail.url}/${view.hash}`;
      const withExt = { task: [] as number[], load: [] as number[] };
      const without = { task: [] as number[], load: [] as number[] };
      // Alternate the two browsers so load changes hit both alike.
      for (let run = 0; run < ctx.repeat + 1; run++) {
        // Alternate which goes first too: the second tab of a pair may find
        // the machine busier or calmer.
        const pair = [
          () => loadOnce(ctx.ext.context, url, view.ready),
          () => loadOnce(plain, url, view.ready),
        ];
        if (run % 2) pair.reverse();
        const first = await pair[0]!();
        const second = await pair[1]!();
        const [a, b] = run % 2 ? [second, first] : [first, second];
        // The first pair warms caches and is left out.
        if (run === 0) continue;
        withExt.task.push(a.taskMs);
        withExt.load.push(a.loadMs);
        without.task.push(b.taskMs);
        without.load.push(b.loadMs);
      }
      figures.push(
        figure({
          item: ITEM,
          name: `webmail ${view.name}: main-thread task time of a page load`,
          unit: 'ms',
          value: summarise(withExt.task),
          baseline: { name: 'no extension', value: summarise(without.task) },
          target: { on: 'diff', op: '<=', limit: 5 },
          note: 'CDP Performance.getMetrics TaskDuration of a fresh tab, load + 600 ms',
        }),
        figure({
          item: ITEM,
          name: `webmail ${view.name}: navigation start → load event end`,
          unit: 'ms',
          value: summarise(withExt.load),
          baseline: { name: 'no extension', value: summarise(without.load) },
        }),
      );
    }
  } finally {
    await plain.close();
  }
  return figures;
}

/**
 * The page-load part of item 4 on a Gmail-shaped conversation (the e2e
 * fixture, served under https://mail.google.com by request interception): one
 * plain message from Dana with her Autocrypt header, which our Gmail content
 * script finds, fetches as "original" and reports to the background.
 */
export async function benchGmailLoad(ctx: BenchContext, raw: string): Promise<Figure[]> {
  const conv: FixtureConversation = {
    account: ALICE,
    subject: 'Plain mail with an Autocrypt header',
    threadDecimal: randomGmailId(),
    messages: [
      {
        raw: Buffer.from(raw),
        decimal: randomGmailId(),
        from: { name: 'Dana', email: DANA },
        to: ALICE,
        body: 'Hello from Dana.',
        chips: [],
      },
    ],
  };
  const plain = await chromium.launchPersistentContext(
    mkdtempSync(join(tmpdir(), 'ecosmail-bench-plain-')),
    {
      executablePath: chromiumPath(),
      headless: true,
      args: ['--disable-gpu', '--no-first-run'],
    },
  );
  try {
    const fake = await serveGmail(ctx.ext.context, conv, 'current');
    await serveGmail(plain, conv, 'current');
    const ready = `[data-message-id="#msg-f:${conv.messages[0]!.decimal}"]`;

    const withExt: number[] = [];
    const without: number[] = [];
    for (let run = 0; run < ctx.repeat + 1; run++) {
      const pair = [
        () => loadOnce(ctx.ext.context, fake.conversationUrl, ready),
        () => loadOnce(plain, fake.conversationUrl, ready),
      ];
      if (run % 2) pair.reverse();
      const first = await pair[0]!();
      const second = await pair[1]!();
      const [a, b] = run % 2 ? [second, first] : [first, second];
      if (run === 0) continue;
      withExt.push(a.taskMs);
      without.push(b.taskMs);
    }
    const fetched = new Set(fake.rawRequests).size;
    return [
      figure({
        item: ITEM,
        name: 'Gmail-shaped conversation: main-thread task time of a page load',
        unit: 'ms',
        value: summarise(withExt),
        baseline: { name: 'no extension', value: summarise(without) },
        target: { on: 'diff', op: '<=', limit: 5 },
        note:
          'test/e2e/gmail-fixture.ts page under https://mail.google.com; ' +
          `our content script fetched the original ${fetched ? 'each time' : 'NEVER'}`,
      }),
    ];
  } finally {
    await plain.close();
  }
}
