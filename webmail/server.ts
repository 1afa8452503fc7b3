/**
 * The reference EcosMail webmail: a small provider with a real SMTP server and a page
 * that implements the EcosMail page contract (src/webmail/ecosmail/contract.ts). It is
 * not part of the extension; it exists so the extension and its tests have a provider
 * to run against. Everything listens on 127.0.0.1 only.
 *
 * @example
 * const webmail = await startWebmail({ dataDir: '/tmp/ecosmail' });
 * await webmail.deliver(raw, { from: 'carol@example.org', to: ['alice@ecosmail.test'] });
 * console.log(webmail.url); // sign in as alice there and read it
 * await webmail.stop();
 */
import { DEFAULT_ACCOUNTS, makeAccounts } from './accounts.ts';
import { startHttp } from './http.ts';
import { consoleLogger } from './log.ts';
import type { Logger } from './log.ts';
import { openMailStore } from './mailstore.ts';
import type { Folder, OutboundMessage, StoredMessage } from './mailstore.ts';
import { makeSessions } from './sessions.ts';
import { makeSmtpSubmitter, startSmtpReceiver } from './smtp.ts';
import type { Envelope, Relay } from './smtp.ts';

/** How to start the webmail. */
export interface WebmailOptions {
  /** Where mail is stored; created if missing. */
  dataDir: string;
  /** HTTP port on 127.0.0.1; 0 (the default) picks a free one. */
  httpPort?: number;
  /** SMTP port on 127.0.0.1; 0 (the default) picks a free one. */
  smtpPort?: number;
  /** Local accounts; default `['alice@ecosmail.test', 'bob@ecosmail.test']`. */
  accounts?: string[];
  /** Where to log; by default warnings and errors go to the console. */
  logger?: Logger;
  /** A real MTA on loopback to pass mail for some remote domains on to. */
  relay?: Relay;
}

/** A running webmail. */
export interface Webmail {
  /** Base URL of the page, `http://127.0.0.1:PORT`. */
  url: string;
  smtpPort: number;
  dataDir: string;
  /**
   * Submits `raw` over real SMTP to this webmail's own SMTP server, as another
   * provider's server would.
   *
   * @throws {Error} when the server refuses the message or a recipient
   */
  deliver(raw: Uint8Array | string, envelope: Envelope): Promise<void>;
  /** Messages in an account's folder, oldest first, as stored. */
  mailbox(addr: string, folder: Folder): Promise<StoredMessage[]>;
  /** Messages that left for other providers, oldest first, with envelope recipients. */
  outbound(): Promise<OutboundMessage[]>;
  /** Stops both servers; stored mail stays. */
  stop(): Promise<void>;
}

/**
 * Starts the SMTP and HTTP servers over the mail in `opts.dataDir`.
 *
 * @throws {TypeError} for an account that is not a plain address
 * @throws {Error} when a port cannot be bound
 */
export async function startWebmail(opts: WebmailOptions): Promise<Webmail> {
  const accounts = makeAccounts(opts.accounts ?? DEFAULT_ACCOUNTS);
  const log = opts.logger ?? consoleLogger();
  const store = openMailStore(opts.dataDir);
  await store.init(accounts.list);

  const smtp = await startSmtpReceiver(
    opts.smtpPort ?? 0,
    accounts,
    store,
    log,
    opts.relay,
  );
  const submitter = makeSmtpSubmitter(smtp.port);
  let http;
  try {
    const sessions = makeSessions();
    http = await startHttp(opts.httpPort ?? 0, {
      accounts,
      store,
      sessions,
      submitter,
      log,
    });
  } catch (err) {
    submitter.close();
    await smtp.stop();
    throw err;
  }

  return {
    url: http.url,
    smtpPort: smtp.port,
    dataDir: opts.dataDir,
    deliver: (raw, envelope) => submitter.submit(raw, envelope),
    mailbox: (addr, folder) => {
      const account = accounts.find(addr);
      if (!account) return Promise.reject(new Error(`mailbox: no account ${addr}`));
      return store.list(account, folder);
    },
    outbound: () => store.outbound(),
    async stop() {
      await http.stop();
      submitter.close();
      await smtp.stop();
    },
  };
}
