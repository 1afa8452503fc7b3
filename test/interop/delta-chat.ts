/**
 * Delta Chat core (the `deltachat-rpc-server` prebuilt, npm package
 * `@deltachat/stdio-rpc-server-linux-x64`) as a correspondent, driven over
 * JSON-RPC on its stdio with `@deltachat/jsonrpc-client`. Its account gets
 * explicit server settings (IP address and ports), so it never looks anything
 * up, and its networked extras are off; {@link LoopbackWatch} checks, while it
 * runs, that every socket it holds is on loopback.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { StdioDeltaChat, type T } from '@deltachat/jsonrpc-client';

/**
 * The rpc server binary, or undefined when this platform has none installed.
 *
 * The prebuilt is an optional dependency of its own: the wrapper package
 * `@deltachat/stdio-rpc-server` lists platform packages that the registry does
 * not have (android-arm, android-arm64, linux-arm at 2.57.0), so its lock
 * entries can never be complete and `npm ci` refuses the lock file.
 */
export function rpcServerPath(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve('@deltachat/stdio-rpc-server-linux-x64/package.json');
    const bin = join(dirname(pkg), 'deltachat-rpc-server');
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

/** How to configure the Delta Chat account. */
export interface DeltaChatOptions {
  /** Where its accounts and log live (a temporary directory). */
  dir: string;
  addr: string;
  password: string;
  name: string;
  imapPort: number;
  smtpPort: number;
}

/** A configured Delta Chat account with IO running. */
export interface DeltaChatPeer {
  dc: StdioDeltaChat;
  accountId: number;
  pid: number;
  version: string;
  watch: LoopbackWatch;
  /** The fingerprint Delta Chat reports for its own key (upper-case hex). */
  selfFingerprint(): Promise<string>;
  /** The fingerprints in Delta Chat's encryption info for a contact. */
  knownFingerprints(contactId: number): Promise<string[]>;
  /** Waits for an incoming message that `test` accepts, and returns it. */
  waitForMessage(test: (m: T.Message) => boolean, timeoutMs?: number): Promise<T.Message>;
  stop(): Promise<void>;
}

/**
 * Config keys set before the account connects anywhere, each because it
 * would reach beyond loopback or add mail the scenarios do not expect.
 */
const QUIET_CONFIG: Record<string, string> = {
  // Webxdc realtime channels use iroh (its relays and peer-to-peer UDP).
  webxdc_realtime_enabled: '0',
  proxy_enabled: '0',
  // Statistics are sent as mail to Delta Chat's bot: never here.
  stats_sending: '0',
  // Read receipts would be extra mail in the webmail's inbox.
  mdns_enabled: '0',
  // No copies to itself and no sync messages: one message per send.
  bcc_self: '0',
  sync_msgs: '0',
  // 2.x refuses to send unencrypted by default; the first message of the
  // exchange has to be, since no key is known yet.
  force_encryption: '0',
};

/**
 * Starts the rpc server in `opts.dir`, adds one account with the given
 * servers (plain IMAP and SMTP with AUTH on 127.0.0.1, nothing discovered)
 * and starts its IO.
 *
 * @throws {Error} when configuring fails (the core's message)
 */
export async function startDeltaChat(opts: DeltaChatOptions): Promise<DeltaChatPeer> {
  const log = openSync(join(opts.dir, 'rpc-server.log'), 'a');
  // Only what the server needs in its environment: no proxy variables, no
  // inherited settings that could point it elsewhere.
  const bin = rpcServerPath();
  if (!bin) throw new Error('no deltachat-rpc-server for this platform');
  const child: ChildProcess = spawn(bin, [], {
    env: { DC_ACCOUNTS_PATH: join(opts.dir, 'accounts'), RUST_LOG: 'info' },
    stdio: ['pipe', 'pipe', log],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('deltachat-rpc-server did not start');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const watch = new LoopbackWatch(pid);

  const dc = new StdioDeltaChat(child.stdin, child.stdout, true);
  const incoming: number[] = [];
  dc.on('IncomingMsg', (_account, event) => incoming.push(event.msgId));

  const stop = async () => {
    watch.stop();
    dc.close();
    child.stdin?.end();
    child.kill('SIGTERM');
    const killed = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killed);
  };

  try {
    const accountId = await dc.rpc.addAccount();
    await dc.rpc.batchSetConfig(accountId, { ...QUIET_CONFIG, displayname: opts.name });
    watch.start();
    await dc.rpc.addOrUpdateTransport(accountId, {
      addr: opts.addr,
      password: opts.password,
      imapServer: '127.0.0.1',
      imapPort: opts.imapPort,
      imapSecurity: 'plain',
      imapUser: opts.addr,
      imapFolder: null,
      smtpServer: '127.0.0.1',
      smtpPort: opts.smtpPort,
      smtpSecurity: 'plain',
      smtpUser: opts.addr,
      smtpPassword: null,
      certificateChecks: 'strict',
    });
    await dc.rpc.startIo(accountId);
    const info = await dc.rpc.getInfo(accountId);

    return {
      dc,
      accountId,
      pid,
      version: info.deltachat_core_version ?? 'unknown',
      watch,
      async selfFingerprint() {
        // The setup-contact invitation carries the fingerprint of its own key.
        const qr = await dc.rpc.getChatSecurejoinQrCode(accountId, null);
        const fpr = /#([0-9A-F]{40})\b/i.exec(qr)?.[1];
        if (!fpr) throw new Error(`no fingerprint in Delta Chat's QR code: ${qr}`);
        return fpr.toUpperCase();
      },
      async knownFingerprints(contactId) {
        const info = await dc.rpc.getContactEncryptionInfo(accountId, contactId);
        // Shown in groups of four, over two lines, each after a line naming whose.
        const lines = info.split('\n').map((line) => line.replace(/\s+/g, ''));
        const hex = lines.map((line) => (/^[0-9A-F]+$/i.test(line) ? line : '\n'));
        return (
          hex
            .join('')
            .toUpperCase()
            .match(/[0-9A-F]{40}/g) ?? []
        );
      },
      async waitForMessage(test, timeoutMs = 60_000) {
        const until = Date.now() + timeoutMs;
        const seen = new Set<number>();
        for (;;) {
          for (const id of incoming) {
            if (seen.has(id)) continue;
            seen.add(id);
            const message = await dc.rpc.getMessage(accountId, id);
            if (test(message)) return message;
          }
          if (Date.now() > until) {
            throw new Error(`Delta Chat received no such message in ${timeoutMs} ms`);
          }
          await new Promise((r) => setTimeout(r, 200));
        }
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** One socket of the watched process that was not on loopback. */
export interface OffLoopback {
  protocol: string;
  local: string;
  peer: string;
}

/**
 * Samples the sockets of one process with `ss` every 200 ms and keeps any
 * that is not loopback to loopback. A UDP socket bound to a wildcard address
 * counts too: that is how iroh or a DNS resolver would start.
 */
export class LoopbackWatch {
  readonly offLoopback: OffLoopback[] = [];
  samples = 0;
  /** Loopback connections seen, e.g. `127.0.0.1:2525`, as evidence of sampling. */
  readonly loopbackPeers = new Set<string>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(readonly pid: number) {}

  start(): void {
    this.sample();
    this.#timer = setInterval(() => this.sample(), 200);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Reads the process's TCP and UDP sockets once. */
  sample(): void {
    const ss = spawnSync('ss', ['-Htunap'], { encoding: 'utf8' });
    this.samples += 1;
    for (const line of ss.stdout.split('\n')) {
      if (!line.includes(`pid=${this.pid},`)) continue;
      const [protocol = '', , , , local = '', peer = ''] = line.trim().split(/\s+/);
      const onLoopback = (a: string) => /^(127\.\d+\.\d+\.\d+|\[::1\]):/.test(a);
      if (onLoopback(local) && onLoopback(peer)) {
        this.loopbackPeers.add(peer);
        continue;
      }
      // A listening TCP socket on loopback has no peer yet (`*`).
      if (protocol === 'tcp' && onLoopback(local) && /^(\*|0\.0\.0\.0):\*$/.test(peer)) {
        continue;
      }
      this.offLoopback.push({ protocol, local, peer });
    }
  }
}
