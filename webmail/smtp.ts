/**
 * The provider's SMTP side: a receiving server on loopback and a client that submits to
 * it. All mail, whether from the page or from a test, enters through real SMTP.
 *
 * No AUTH and no TLS: the server binds to 127.0.0.1 only and serves a demo provider.
 * Recipients at a local domain must exist; every other recipient is accepted and the
 * message lands in the outbound folder once, which stands in for relaying it onwards.
 * With a {@link Relay}, mail for its domains is also passed on to a real MTA.
 */
import { SMTPServer } from 'smtp-server';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import nodemailer from 'nodemailer';
import type { Accounts } from './accounts.ts';
import type { MailStore } from './mailstore.ts';
import { isMarkedSpam } from './spam.ts';
import type { Logger } from './log.ts';

/**
 * Largest message accepted, in bytes (advertised with the SIZE extension): a
 * 25 MiB attachment, signed and encrypted, makes a mail of about 47 MiB (base64
 * and then armor), which is what the extension takes in (48 MiB less 64 KiB).
 */
export const MAX_MESSAGE_BYTES = 48 * 1024 * 1024;

/** SMTP envelope of a submission. */
export interface Envelope {
  from: string;
  to: string[];
}

/**
 * Where mail for some remote domains really goes: a mail server on loopback that
 * accepts it for them (the interop tests' Postfix). Other remote mail only lands in
 * the outbound folder.
 */
export interface Relay {
  /** Domains relayed there, e.g. `['delta.test']`; compared in lower case. */
  domains: string[];
  host: string;
  port: number;
}

/** A running receiving server. */
export interface SmtpReceiver {
  port: number;
  stop(): Promise<void>;
}

/** Starts the receiving SMTP server on 127.0.0.1 (`port` 0 picks a free one). */
export async function startSmtpReceiver(
  port: number,
  accounts: Accounts,
  store: MailStore,
  log: Logger,
  relay?: Relay,
): Promise<SmtpReceiver> {
  const forward = relay ? makeRelayForwarder(relay) : undefined;
  const server = new SMTPServer({
    name: 'ecosmail.test',
    size: MAX_MESSAGE_BYTES,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    // Reverse DNS would send a query off this machine; loopback needs no name.
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 1000,
    onRcptTo(address, _session, callback) {
      if (accounts.isLocalDomain(address.address) && !accounts.find(address.address)) {
        callback(smtpError(550, `no such user here: ${address.address}`));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      receive(stream, session, accounts, store, forward).then(
        () => callback(),
        (err: unknown) => {
          log.error('smtp: could not accept a message', err);
          callback(toSmtpError(err));
        },
      );
    },
  });
  // Socket errors (a client hanging up mid-command) are reported here; without a
  // listener they would take the whole process down.
  server.on('error', (err) => log.warn('smtp: connection error', err));

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  if (!address || typeof address === 'string') throw new Error('smtp: no port bound');
  return {
    port: address.port,
    stop: async () => {
      forward?.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function receive(
  stream: SMTPServerDataStream,
  session: SMTPServerSession,
  accounts: Accounts,
  store: MailStore,
  forward?: RelayForwarder,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  if (stream.sizeExceeded) {
    throw smtpError(552, `message exceeds ${MAX_MESSAGE_BYTES} bytes`);
  }
  const raw = Buffer.concat(chunks);

  // One copy per account and one envelope entry per remote address, even when RCPT
  // named one twice.
  const remote = new Set<string>();
  const delivered = new Set<string>();
  for (const rcpt of session.envelope.rcptTo) {
    const local = accounts.find(rcpt.address);
    if (!local) remote.add(rcpt.address);
    else if (!delivered.has(local)) {
      delivered.add(local);
      await store.add(local, isMarkedSpam(raw) ? 'spam' : 'inbox', raw);
    }
  }
  if (remote.size === 0) return;

  // Relayed first: if the MTA refuses, the client hears so (and may retry) before
  // anything is recorded as gone.
  const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
  await forward?.forward(raw, from, [...remote]);
  await store.addOutbound(raw, [...remote]);
}

/** Passes mail for the relay's domains on to its MTA. */
interface RelayForwarder {
  /**
   * Sends `raw` unchanged to those of `recipients` whose domain is relayed.
   *
   * @throws {Error} with an SMTP `responseCode` when the MTA refuses it
   */
  forward(raw: Buffer, from: string, recipients: string[]): Promise<void>;
  close(): void;
}

function makeRelayForwarder(relay: Relay): RelayForwarder {
  const domains = new Set(relay.domains.map((d) => d.toLowerCase()));
  const transport = nodemailer.createTransport({
    host: relay.host,
    port: relay.port,
    secure: false,
    ignoreTLS: true,
    name: 'ecosmail.test',
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    async forward(raw, from, recipients) {
      const to = recipients.filter((r) => domains.has(domainOf(r)));
      if (to.length === 0) return;
      try {
        const info = await transport.sendMail({ envelope: { from, to }, raw });
        if (info.rejected.length > 0) throw new Error('recipients refused');
      } catch (err) {
        const reason = err instanceof Error ? err.message : 'unknown error';
        // Temporary from the sender's point of view: the relay may come back.
        throw smtpError(451, `relay to ${relay.host}:${relay.port} failed: ${reason}`);
      }
    },
    close: () => transport.close(),
  };
}

function domainOf(addr: string): string {
  return addr.slice(addr.lastIndexOf('@') + 1).toLowerCase();
}

/** A client for our own receiver; one connection per message. */
export interface SmtpSubmitter {
  /**
   * Submits `raw` unchanged with the given envelope.
   *
   * @throws {Error} when the server refuses the message or any recipient
   */
  submit(raw: Uint8Array | string, envelope: Envelope): Promise<void>;
  close(): void;
}

/** A submitter that talks to the receiver at 127.0.0.1:`port`. */
export function makeSmtpSubmitter(port: number): SmtpSubmitter {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    name: 'ecosmail.test',
    // The message is given as bytes; never let it pull in files or URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    async submit(raw, envelope) {
      const bytes = typeof raw === 'string' ? raw : Buffer.from(raw);
      const info = await transport.sendMail({ envelope, raw: bytes });
      const rejected = info.rejected.map(String);
      if (rejected.length > 0) {
        throw new Error(`smtp: recipients refused: ${rejected.join(', ')}`);
      }
    },
    close: () => transport.close(),
  };
}

function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

function toSmtpError(err: unknown): Error {
  if (err instanceof Error && 'responseCode' in err) return err;
  // Storage failures are temporary from the client's point of view: try again later.
  return smtpError(451, 'could not store the message, try again later');
}
