/**
 * A correspondent outside Gmail for the Gmail tests, the mail she sends our
 * user, and what the tests read from the extension.
 */
import {
  encryptAndSign,
  generateKeyPair,
  minimalPublicKey,
} from '../../src/openpgp/gateway';
import { buildOutgoing, type OutgoingAccount } from '../../src/mail/outgoing';
import { base64ToBytes } from '../../src/util/base64';
import type { ExtensionBrowser } from './browser';
import { randomGmailId, type FixtureConversation } from './gmail-fixture';

/** Our user in Gmail, and the peer who writes to her. */
export const ALICE = 'alice@example.org';
export const DANA = 'dana@example.net';

/** Dana with a fresh key that prefers mutual encryption. */
export async function makeDana(): Promise<OutgoingAccount> {
  const key = await generateKeyPair({ addr: DANA, name: 'Dana' });
  return {
    addr: DANA,
    name: 'Dana',
    privateKeyArmored: key.privateKeyArmored,
    keydata: await minimalPublicKey(key.privateKeyArmored, DANA),
    prefer_encrypt: 'mutual',
  };
}

/** The part of the service worker's `chrome` global these helpers use. */
interface ChromeStorage {
  chrome: {
    storage: Record<
      'local' | 'session',
      {
        get(key: string): Promise<Record<string, unknown>>;
        set(items: Record<string, unknown>): Promise<void>;
      }
    >;
  };
}

/** Our user's public Autocrypt keydata, as the background stores it. */
export async function ownKeydata(browser: ExtensionBrowser): Promise<Uint8Array> {
  const keydata = await browser.worker.evaluate(async () => {
    const { chrome } = globalThis as unknown as ChromeStorage;
    const got = await chrome.storage.local.get('account');
    return (got.account as { keydata: string }).keydata;
  });
  return base64ToBytes(keydata);
}

/**
 * A conversation of two messages from Dana: a plain one carrying her
 * Autocrypt header, then a PGP/MIME one to Alice whose text is `secret`.
 */
export async function danaConversation(
  dana: OutgoingAccount,
  aliceKey: Uint8Array,
  secret: string,
): Promise<{ conv: FixtureConversation; encryptedMessageId: string }> {
  const plain = await buildOutgoing(
    dana,
    { to: [ALICE], cc: [], subject: 'Plans', text: 'Hello Alice, here is my key.' },
    null,
  );
  const encrypted = await buildOutgoing(
    dana,
    { to: [ALICE], cc: [], subject: 'Plans', text: secret },
    [aliceKey],
  );
  const encryptedMessageId = /^Message-ID: (<[^>]+>)/im.exec(encrypted)![1]!;

  const from = { name: 'Dana', email: DANA };
  return {
    encryptedMessageId,
    conv: {
      account: ALICE,
      subject: 'Plans',
      threadDecimal: randomGmailId(),
      messages: [
        {
          raw: Buffer.from(plain),
          decimal: randomGmailId(),
          from,
          to: ALICE,
          body: 'Hello Alice, here is my key.',
          chips: [],
        },
        {
          raw: Buffer.from(encrypted),
          decimal: randomGmailId(),
          from,
          to: ALICE,
          body: '',
          // How Gmail shows an RFC 3156 message: two chips, names by sender.
          chips: ['noname', 'encrypted.asc'],
        },
      ],
    },
  };
}

/** Places an OAuth token where the background looks first (the test seam). */
export async function seedGmailToken(browser: ExtensionBrowser, token: string) {
  await browser.worker.evaluate(async (accessToken) => {
    const { chrome } = globalThis as unknown as ChromeStorage;
    await chrome.storage.session.set({
      'gmail.oauth-token': { accessToken, expiresAt: Date.now() + 3_600_000 },
    });
  }, token);
}

/**
 * What a recipient's Gmail holds after send path A: a text/plain message
 * whose body is the armored message and nothing else (Dana to Alice here).
 */
export async function inlinePgpMessage(
  dana: OutgoingAccount,
  aliceKey: Uint8Array,
  secret: string,
): Promise<{ raw: Buffer; armored: string }> {
  const armored = await encryptAndSign({
    data: new TextEncoder().encode(secret),
    recipientCerts: [aliceKey],
    signingKeyArmored: dana.privateKeyArmored,
  });
  const head = [
    `From: Dana <${DANA}>`,
    `To: ${ALICE}`,
    'Subject: Inline',
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <inline-${Date.now()}@example.net>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: 7bit',
  ];
  const raw = `${head.join('\r\n')}\r\n\r\n${armored.replace(/\r?\n/g, '\r\n')}`;
  return { raw: Buffer.from(raw), armored };
}

/**
 * The shape Gmail is reported to deliver an API-sent PGP/MIME message in
 * (field pitfall P02; FlowCrypt, lieer and Mailvelope reports): rebuilt as
 * multipart/mixed with a new boundary, the armor in a text/plain part and
 * the version part as a nameless, empty application/pgp-encrypted
 * attachment. The other header fields are kept as sent.
 */
export function gmailRebuilt(raw: string): Buffer {
  const split = raw.indexOf('\r\n\r\n');
  const fields = raw
    .slice(0, split)
    .split(/\r\n(?![ \t])/)
    .filter((field) => !/^content-(type|transfer-encoding):/i.test(field));
  const armored = /-----BEGIN PGP MESSAGE-----[^]*?-----END PGP MESSAGE-----/.exec(
    raw,
  )![0];
  const b = '000000000000a1b2c3d4e5f6rebuilt';
  const body = [
    `--${b}`,
    'Content-Type: text/plain; charset="UTF-8"',
    '',
    armored,
    `--${b}`,
    'Content-Type: application/pgp-encrypted',
    'Content-Disposition: attachment',
    '',
    '',
    `--${b}--`,
    '',
  ].join('\r\n');
  const head = [...fields, `Content-Type: multipart/mixed; boundary="${b}"`];
  return Buffer.from(`${head.join('\r\n')}\r\n\r\n${body}`);
}
