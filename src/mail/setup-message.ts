/**
 * The Autocrypt Setup Message: our secret key, encrypted with a Setup Code, sent to
 * ourselves; and reading one back.
 *
 * Spec: Autocrypt Level 1, "Autocrypt Setup Message" ("Message Structure", "Setup
 * Message Creation", "Setup Message Import").
 */

import { canonicalAddr } from '../autocrypt/addr';
import type { PreferEncrypt } from '../autocrypt/header';
import {
  NUMERIC_9X4,
  normalizeSetupCode,
  passphraseBegin,
} from '../autocrypt/setup-code';
import {
  encodeWords,
  formatMailbox,
  randomHex,
  rfc5322Date,
  toCrlf,
} from '../mime/encode';
import { newMessageId, serializeEntity, textPlainEntity } from '../mime/build';
import { contentText, parseMailDetailed } from '../mime/parse';
import { CryptoError } from '../openpgp/errors';
import {
  checkPassphraseMessage,
  decryptWithPassphrase,
  encryptWithPassphrase,
  importSecretKey,
} from '../openpgp/gateway';
import { CodedError } from '../util/coded-error';

/** Why a Setup Message was not imported. */
export type SetupMessageErrorCode =
  /** Not a Setup Message at all (no header, no setup part, no armored payload). */
  | 'not-setup-message'
  /** `Autocrypt-Setup-Message` with a value other than v1: "ignore this message". */
  | 'unknown-version'
  /** From and To are not both the user's own address. */
  | 'not-self'
  /** The structure is not as the spec describes (parts, packets, cipher). */
  | 'malformed'
  /** The code does not decrypt it. */
  | 'bad-code'
  /** It decrypts, but holds no usable unprotected secret key. */
  | 'bad-key';

/** Raised by {@link findSetupMessage} and {@link importSetupMessage}. */
export class SetupMessageError extends CodedError<SetupMessageErrorCode> {
  override readonly name = 'SetupMessageError';
}

/** A Setup Message found in a mail or file, not yet decrypted. */
export interface SetupMessage {
  /** The armored, passphrase-encrypted payload. */
  armored: string;
  /** Its `Passphrase-Format` armor header (`numeric9x4`), or null. */
  passphraseFormat: string | null;
  /** Its `Passphrase-Begin` armor header (the code's first digits), or null. */
  passphraseBegin: string | null;
  /** The account it belongs to (From = To) for a mail; null for a bare file. */
  addr: string | null;
}

/** The account a Setup Message carries, ready to store. */
export interface ImportedSetup {
  /** Our secret key, armored, unprotected. */
  privateKeyArmored: string;
  /** Its primary fingerprint. */
  fingerprint: string;
  /** From the key's `Autocrypt-Prefer-Encrypt` armor header. */
  prefer_encrypt: PreferEncrypt;
}

/**
 * Builds the Setup Message for `account` (spec "Setup Message Creation"): the
 * secret key armored with an `Autocrypt-Prefer-Encrypt` header, encrypted with
 * `code`, in a multipart/mixed mail to and from the account with
 * `Autocrypt-Setup-Message: v1`. The code itself appears nowhere in the message
 * except its first two digits (`Passphrase-Begin`).
 *
 * @param texts the human-readable parts, in the user's language
 */
export async function buildSetupMessage(
  account: { addr: string; privateKeyArmored: string; prefer_encrypt: PreferEncrypt },
  code: string,
  texts: { subject: string; description: string },
  date: Date = new Date(),
): Promise<string> {
  const key = withArmorHeaders(account.privateKeyArmored, [
    ['Autocrypt-Prefer-Encrypt', account.prefer_encrypt],
  ]);
  const armored = await encryptWithPassphrase({
    text: key,
    passphrase: code,
    armorHeaders: [
      ['Passphrase-Format', NUMERIC_9X4],
      ['Passphrase-Begin', passphraseBegin(code)],
    ],
  });

  // "The second mime part ... MUST have Content-Type application/autocrypt-setup";
  // the transfer-format recommendation makes it an .html attachment that explains
  // itself when opened in a browser.
  const boundary = `=_ecos_setup_${randomHex(12)}`;
  const description = textPlainEntity(texts.description);
  const html = [
    '<!DOCTYPE html>',
    '<html><body>',
    `<p>${escapeHtml(texts.description)}</p>`,
    '<pre>',
    toCrlf(armored).trim(),
    '</pre>',
    '</body></html>',
  ].join('\r\n');
  const file = 'autocrypt-setup-message.html';

  const body = [
    `--${boundary}`,
    serializeEntity(description).trimEnd(),
    `--${boundary}`,
    `Content-Type: application/autocrypt-setup; name="${file}"`,
    `Content-Disposition: attachment; filename="${file}"`,
    'Content-Transfer-Encoding: 7bit',
    '',
    html,
    `--${boundary}--`,
  ].join('\r\n');

  // "Both the To and From headers MUST be the address of the user account."
  return serializeEntity({
    headers: [
      ['From', formatMailbox(account.addr)],
      ['To', account.addr],
      ['Subject', encodeWords(texts.subject)],
      ['Date', rfc5322Date(date)],
      ['Message-ID', newMessageId(account.addr)],
      ['Autocrypt-Setup-Message', 'v1'],
      ['MIME-Version', '1.0'],
      ['Content-Type', `multipart/mixed; boundary="${boundary}"`],
    ],
    body,
  });
}

/**
 * Finds the Setup Message in `raw`: a mail as the spec describes it, or a bare
 * armored payload (a file the user picked, as Delta Chat exports it).
 *
 * @param ownAddr the user's address; a mail must be from and to exactly it. Without
 *   it, From and To must at least be one and the same address.
 * @throws SetupMessageError `'not-setup-message'`, `'unknown-version'`, `'not-self'`,
 *   `'malformed'`
 */
export async function findSetupMessage(
  raw: Uint8Array,
  ownAddr?: string,
): Promise<SetupMessage> {
  const text = new TextDecoder().decode(raw);
  const { armored, addr } = /^\s*-----BEGIN PGP MESSAGE-----/.test(text)
    ? { armored: firstArmoredMessage(text), addr: null as string | null }
    : await setupPartOfMail(raw, ownAddr);
  if (!armored) {
    throw new SetupMessageError('malformed', 'no armored payload in the setup part');
  }

  // "which contains two OpenPGP packets: a Symmetric-Key Encrypted Session Key
  // followed by a Symmetrically Encrypted Integrity Protected Data Packet", with
  // AES-128 or AES-256.
  try {
    await checkPassphraseMessage(armored);
  } catch (error) {
    if (!(error instanceof CryptoError)) throw error;
    throw new SetupMessageError('malformed', error.message, { cause: error });
  }

  const headers = armorHeaders(armored);
  return {
    armored,
    passphraseFormat: headers.get('passphrase-format') ?? null,
    passphraseBegin: headers.get('passphrase-begin') ?? null,
    addr,
  };
}

/**
 * Decrypts a Setup Message with the code the user typed and reads the key in it.
 * Nothing is stored here: a wrong code changes nothing anywhere.
 *
 * @throws SetupMessageError `'bad-code'`, `'malformed'`, `'bad-key'`
 */
export async function importSetupMessage(
  setup: SetupMessage,
  code: string,
): Promise<ImportedSetup> {
  let payload: string;
  try {
    const data = await decryptWithPassphrase(setup.armored, normalizeSetupCode(code));
    payload = new TextDecoder().decode(data);
  } catch (error) {
    if (!(error instanceof CryptoError)) throw error;
    const code = error.code === 'bad-passphrase' ? 'bad-code' : 'malformed';
    throw new SetupMessageError(code, error.message, { cause: error });
  }

  // "The encrypted payload MUST begin with an ASCII-armored RFC 4880 Transferable
  // Secret Key ... All trailing data after the first ASCII-armor ending delimiter
  // MUST be stripped before processing the secret key."
  const block = SECRET_KEY_BLOCK.exec(payload);
  if (!block || payload.slice(0, block.index).trim() !== '') {
    throw new SetupMessageError(
      'bad-key',
      'the payload does not begin with a secret key',
    );
  }

  try {
    const key = await importSecretKey(block[0]);
    const prefer = armorHeaders(block[0]).get('autocrypt-prefer-encrypt');
    return { ...key, prefer_encrypt: prefer === 'mutual' ? 'mutual' : 'nopreference' };
  } catch (error) {
    if (!(error instanceof CryptoError)) throw error;
    throw new SetupMessageError('bad-key', error.message, { cause: error });
  }
}

async function setupPartOfMail(
  raw: Uint8Array,
  ownAddr?: string,
): Promise<{ armored: string | null; addr: string }> {
  const { mail, email, header } = await parseMailDetailed(raw);

  // "If the MUA discovers an e-mail message that has the Autocrypt-Setup-Message
  // header but its value is not v1, the MUA SHOULD ignore this message entirely."
  const version = header('autocrypt-setup-message')[0]?.trim().toLowerCase();
  if (version === undefined) {
    throw new SetupMessageError('not-setup-message', 'no Autocrypt-Setup-Message header');
  }
  if (version !== 'v1') {
    throw new SetupMessageError('unknown-version', `Autocrypt-Setup-Message: ${version}`);
  }

  // "Both the To and From headers MUST be the address of the user account."
  const from = mail.fromCount === 1 ? mail.from!.addr : null;
  const self = ownAddr ? canonicalAddr(ownAddr) : from;
  const toSelf = mail.to.length === 1 && mail.to[0] === self && mail.cc.length === 0;
  if (!from || from !== self || !toSelf) {
    throw new SetupMessageError('not-self', 'From and To are not both the account');
  }

  if (mail.contentType !== 'multipart/mixed') {
    throw new SetupMessageError('malformed', `root is ${mail.contentType}`);
  }
  const part = email.attachments.find(
    (a) => a.mimeType === 'application/autocrypt-setup',
  );
  if (!part) {
    throw new SetupMessageError('malformed', 'no application/autocrypt-setup part');
  }
  // "There MAY be text above or below the ASCII-armored encrypted data".
  return { armored: firstArmoredMessage(contentText(part)), addr: from };
}

const SECRET_KEY_BLOCK =
  /-----BEGIN PGP PRIVATE KEY BLOCK-----[\s\S]*?-----END PGP PRIVATE KEY BLOCK-----/;

function firstArmoredMessage(text: string): string | null {
  const block = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/.exec(text);
  return block ? block[0].replace(/\r\n/g, '\n') : null;
}

// Armor headers: `Name: value` lines between the BEGIN line and the first blank one.
function armorHeaders(armored: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of armored.split(/\r?\n/).slice(1)) {
    const match = /^([A-Za-z-]+): ?(.*)$/.exec(line.trim());
    if (!match) break;
    headers.set(match[1]!.toLowerCase(), match[2]!.trim());
  }
  return headers;
}

function withArmorHeaders(armored: string, headers: [string, string][]): string {
  const [begin, ...rest] = armored.trim().split(/\r?\n/);
  return [begin, ...headers.map(([n, v]) => `${n}: ${v}`), ...rest].join('\n') + '\n';
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
