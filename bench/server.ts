/**
 * The bench's own loopback server: the baseline page (openpgp.js bundled by
 * esbuild), the armored messages it decrypts, and a page speaking the
 * EcosMail contract that shows a batch of plain mails at once (item 3).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';

/** What the bench server answers, set by the runner as it goes. */
export interface BenchServer {
  url: string;
  /** Armored OpenPGP messages by name, served at `/mail/<name>.asc`. */
  messages: Map<string, string>;
  /** Raw RFC 5322 mails by index, served at `/raw/<i>`. */
  raws: string[];
  stop(): Promise<void>;
}

const BASELINE_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>baseline</title></head>
<body><p>openpgp.js baseline</p><script src="/baseline/page.js"></script></body></html>`;

// The contract page: signed in as the bench user, and a button-free hook that
// shows `n` messages in one go, as an inbox rendering its messages would.
const CONTRACT_HTML = `<!doctype html>
<html data-ecosmail-contract="1" data-ecosmail-account="alice@ecosmail.test">
<head><meta charset="utf-8"><title>contract batch</title></head>
<body><main id="list"></main><script>
window.showMessages = (n, run) => {
  const list = document.getElementById('list');
  const start = Date.now();
  const fragment = document.createDocumentFragment();
  for (let i = 0; i < n; i++) {
    const article = document.createElement('article');
    article.setAttribute('data-ecosmail-message', '');
    article.setAttribute('data-message-id', 'r' + run + '-' + i);
    article.setAttribute('data-raw-url', '/raw/' + i);
    article.innerHTML = '<div data-ecosmail-reader-slot></div>';
    fragment.append(article);
  }
  list.replaceChildren(fragment);
  return start;
};
</script></body></html>`;

async function bundleBaseline(): Promise<string> {
  const result = await build({
    entryPoints: ['bench/baseline/page.ts'],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    minify: true,
    write: false,
    logLevel: 'warning',
  });
  return result.outputFiles[0]!.text;
}

/** Bundles the baseline page and starts serving on 127.0.0.1 (random port). */
export async function startBenchServer(): Promise<BenchServer> {
  const pageJs = await bundleBaseline();
  const messages = new Map<string, string>();
  const raws: string[] = [];

  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const send = (type: string, body: string) => {
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };

    const mail = /^\/mail\/([\w-]+)\.asc$/.exec(path);
    const raw = /^\/raw\/(\d+)$/.exec(path);
    if (path === '/baseline/') send('text/html; charset=utf-8', BASELINE_HTML);
    else if (path === '/baseline/page.js') send('text/javascript', pageJs);
    else if (path === '/contract.html') send('text/html; charset=utf-8', CONTRACT_HTML);
    else if (mail && messages.has(mail[1]!)) send('text/plain', messages.get(mail[1]!)!);
    else if (raw && raws[Number(raw[1])]) send('message/rfc822', raws[Number(raw[1])]!);
    else {
      res.writeHead(404);
      res.end();
    }
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    raws,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
