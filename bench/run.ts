/**
 * `npm run bench`: builds the extension, then measures it in real Chromium on
 * the reference webmail against baselines taken in the same browser in the
 * same run. Prints a table (median, min, max of repeated runs, each with its
 * baseline and ratio) and writes it to `var/bench.json`.
 *
 * Not part of `npm test`: numbers depend on the machine and its load.
 * Options: `--repeat N` (default 7), `--only 1,3` (items to run).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  chromiumPath,
  launchWithExtension,
  setUpAccount,
  type ExtensionBrowser,
} from '../test/e2e/browser';
import { signIn } from '../test/e2e/webmail-page';
import { startWebmail, type Webmail } from '../webmail/server';
import { table, type Figure } from './figures';
import { ALICE, DANA, plainMailWithHeader, senderKey } from './fixtures';
import { startBenchServer, type BenchServer } from './server';
import { NAME_SHIM, shim, type BenchContext, type ChromeLike } from './context';
import { benchOpen } from './items/open';
import { benchLarge } from './items/large';
import { benchAutocrypt, peerKeys, PEERS } from './items/autocrypt';
import { benchColdStart } from './items/cold-start';
import { benchGmailLoad, benchPageLoad, contentScriptFigures } from './items/weight';

const OUTPUT = 'var/bench.json';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

function machine() {
  let cpuinfo = '';
  try {
    cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // not Linux: os.cpus() names the model too
  }
  const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model;
  const chromium = chromiumPath();
  const version = chromium
    ? execFileSync(chromium, ['--version'], { encoding: 'utf8' }).trim()
    : 'unknown';
  return {
    cpuModel: model,
    cores: cpus().length,
    chromium: version,
    node: process.version,
  };
}

async function main(): Promise<void> {
  const repeat = Number(option('repeat') ?? 7);
  const only = option('only')?.split(',');
  const wanted = (item: string) => !only || only.includes(item);

  console.log('── build: npx wxt build');
  const built = spawnSync('npx', ['wxt', 'build'], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('wxt build failed');

  const info = machine();
  const loadBefore = loadavg();
  console.log(`── machine: ${info.cpuModel}, ${info.cores} cores, ${info.chromium}`);
  console.log(`── load average before: ${loadBefore.map((x) => x.toFixed(2)).join(' ')}`);

  const figures: Figure[] = [];
  let server: BenchServer | undefined;
  let webmail: Webmail | undefined;
  let ext: ExtensionBrowser | undefined;
  try {
    server = await startBenchServer();
    const webmailDir = mkdtempSync(join(tmpdir(), 'ecosmail-bench-webmail-'));
    webmail = await startWebmail({ dataDir: webmailDir, httpPort: 0, smtpPort: 0 });
    ext = await launchWithExtension();
    await ext.context.addInitScript({ content: NAME_SHIM });
    await setUpAccount(ext, ALICE, 'Alice');

    await shim(ext.worker);
    const stored = await ext.worker.evaluate(() =>
      (globalThis as unknown as { chrome: ChromeLike }).chrome.storage.local.get(
        'account',
      ),
    );
    const account = stored.account as BenchContext['account'];

    const mailPage = await ext.context.newPage();
    await signIn(mailPage, webmail, ALICE);
    const baselinePage = await ext.context.newPage();
    await baselinePage.goto(`${server.url}/baseline/`);
    await baselinePage.waitForSelector('html[data-bench-ready]');

    const ctx: BenchContext = {
      ext,
      webmail,
      webmailDir,
      server,
      account,
      mailPage,
      baselinePage,
      repeat,
    };
    const dana = await senderKey(DANA);

    if (wanted('4')) {
      console.log('── item 4: weight');
      figures.push(...contentScriptFigures());
      await webmail.deliver(plainMailWithHeader(dana, 0), { from: DANA, to: [ALICE] });
      const inbox = await webmail.mailbox(ALICE, 'inbox');
      figures.push(...(await benchPageLoad(ctx, inbox[inbox.length - 1]!.id)));
      figures.push(...(await benchGmailLoad(ctx, plainMailWithHeader(dana, 0))));
    }

    if (wanted('1')) {
      console.log('── item 1: open-to-plaintext, 10 KiB');
      figures.push(...(await benchOpen(ctx, dana)));
    }

    if (wanted('2')) {
      const runs = Math.max(3, Math.ceil(repeat / 2));
      console.log('── item 2: large attachment, SEIPDv1');
      figures.push(...(await benchLarge(ctx, dana, 'v1', runs)));
      console.log('── item 2: large attachment, SEIPDv2 (GCM)');
      figures.push(...(await benchLarge(ctx, dana, 'v2-gcm', runs)));
    }

    if (wanted('3') || wanted('5')) {
      console.log(`── item 3: Autocrypt headers, ${PEERS} senders (making their keys)`);
      const keys = await peerKeys();
      // Item 5 needs the peers stored: one batch at least.
      const runs = wanted('3') ? Math.max(3, Math.ceil(repeat / 2)) : 1;
      const item3 = await benchAutocrypt(ctx, keys, runs);
      if (wanted('3')) figures.push(...item3);
    }

    if (wanted('5')) {
      console.log('── item 5: worker cold start');
      figures.push(...(await benchColdStart(ctx, PEERS)));
    }
  } finally {
    await ext?.close();
    await webmail?.stop();
    await server?.stop();
  }

  const loadAfter = loadavg();
  console.log('');
  console.log(table(figures));
  console.log(`\nload average after: ${loadAfter.map((x) => x.toFixed(2)).join(' ')}`);

  mkdirSync('var', { recursive: true });
  const report = {
    date: new Date().toISOString(),
    repeat,
    machine: info,
    loadAverage: { before: loadBefore, after: loadAfter },
    figures,
  };
  writeFileSync(OUTPUT, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`written: ${OUTPUT}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
