/**
 * Building the messages we send: plain with our Autocrypt header, or PGP/MIME
 * signed and encrypted to every recipient and to ourselves.
 *
 * Spec: Autocrypt Level 1, "Header injection in outbound mail" and "Message
 * Encryption"; RFC 3156 section 4 for the structure.
 */

import {
  AutocryptHeaderError,
  formatAutocryptHeader,
  type PreferEncrypt,
} from '../autocrypt/header';
import {
  envelopeHeaders,
  newMessageId,
  pgpMimeEncrypted,
  serializeEntity,
  textPlainEntity,
  type HeaderField,
} from '../mime/build';
import { encryptAndSign } from '../openpgp/gateway';

/** The sending account, as the keyring holds it. */
export interface OutgoingAccount {
  /** The From address (`accounts[from-addr]`). */
  addr: string;
  /** Display name for From. */
  name?: string;
  /** Our unlocked private key, armored; signs encrypted mail. */
  privateKeyArmored: string;
  /** Our minimal public key (five packets), sent as Autocrypt keydata. */
  keydata: Uint8Array;
  /** `accounts[from-addr].prefer_encrypt`. */
  prefer_encrypt: PreferEncrypt;
}

/** What the user wrote. */
export interface OutgoingMessage {
  /** Recipient addresses. */
  to: string[];
  /** Carbon-copy addresses. */
  cc: string[];
  /** Subject; may be any Unicode. */
  subject: string;
  /** The plain-text body; any line breaks, any Unicode. */
  text: string;
  /** Message-ID of the message replied to. */
  inReplyTo?: string;
  /** Message-IDs of the thread. */
  references?: string[];
  /**
   * This message's Message-ID (with angle brackets); a new one when absent. A
   * compose session keeps one so that a retried send is the same message.
   */
  messageId?: string;
}

/** How an encrypted message is written. */
export interface EncryptionOptions {
  /**
   * Hide the Subject outside the encryption (RFC 9788 header protection): the outer
   * Subject becomes `[...]` and the real one travels only inside. Default false here;
   * the product's setting (on unless the user turned it off) is the caller's to pass.
   */
  protectHeaders?: boolean;
  /**
   * Recipients' keys to gossip inside the encrypted part (spec "Key Gossip"): the
   * caller passes them when there is more than one recipient.
   */
  gossip?: { addr: string; keydata: Uint8Array }[];
}

/**
 * RFC 9788 section 4.1, `hcp_baseline`: the obscured value of the Subject outside
 * the encryption.
 */
export const OBSCURED_SUBJECT = '[...]';

/**
 * Builds the raw RFC 5322 message (CRLF line breaks) for `msg`.
 *
 * Always carries our Autocrypt header in the outer header section (spec: the MUA
 * "SHOULD include an Autocrypt header" whether or not the message is encrypted).
 * With `encryptTo` the body is RFC 3156 PGP/MIME: the inner text/plain entity,
 * with copies of the header fields (protected-headers="v1"), is signed by us and
 * encrypted to every certificate in `encryptTo` and to our own key.
 *
 * @param encryptTo recipients' certificates; `null` sends in the clear
 * @param date the Date header and signature time (default now)
 * @throws CryptoError `'no-encryption-key'` if a certificate cannot be encrypted to
 *   (a message somebody cannot read is never produced, P14)
 * @throws MimeError `'bad-address'` for an address that cannot be sent
 */
export async function buildOutgoing(
  account: OutgoingAccount,
  msg: OutgoingMessage,
  encryptTo: Uint8Array[] | null,
  date: Date = new Date(),
  options: EncryptionOptions = {},
): Promise<string> {
  const fields = {
    from: { addr: account.addr, name: account.name },
    to: msg.to,
    cc: msg.cc,
    subject: msg.subject,
    date,
    messageId: msg.messageId ?? newMessageId(account.addr),
    inReplyTo: msg.inReplyTo,
    references: msg.references,
  };
  const envelope = envelopeHeaders(fields);
  const hide = encryptTo !== null && (options.protectHeaders ?? false);
  const outerEnvelope = hide
    ? envelopeHeaders({ ...fields, subject: OBSCURED_SUBJECT })
    : envelope;

  const autocrypt = formatAutocryptHeader({
    addr: account.addr,
    prefer_encrypt: account.prefer_encrypt,
    keydata: account.keydata,
  });
  const outerHeaders: HeaderField[] = [
    ...outerEnvelope,
    ['Autocrypt', autocrypt],
    ['MIME-Version', '1.0'],
  ];

  if (encryptTo === null) {
    const body = textPlainEntity(msg.text);
    return serializeEntity({
      headers: [...outerHeaders, ...body.headers],
      body: body.body,
    });
  }

  // The inner entity repeats the header fields so that a reader can show (and check)
  // the ones that were encrypted and signed with the body. RFC 9788 section 2.1:
  // `hp="cipher"` marks them, and each outer field whose value differs is recorded
  // in an HP-Outer field so that a receiver can see what the transport saw.
  const marks = hide ? 'protected-headers="v1"; hp="cipher"' : 'protected-headers="v1"';
  const inner = textPlainEntity(msg.text, marks);
  const hpOuter: HeaderField[] = hide
    ? outerEnvelope.map(([name, value]) => ['HP-Outer', `${name}: ${value}`] as const)
    : [];
  const payload = serializeEntity({
    headers: [...inner.headers, ...envelope, ...hpOuter, ...gossipHeaders(options)],
    body: inner.body,
  });

  const armored = await encryptAndSign({
    data: new TextEncoder().encode(payload),
    recipientCerts: encryptTo,
    signingKeyArmored: account.privateKeyArmored,
    date,
  });

  const outer = pgpMimeEncrypted(armored);
  return serializeEntity({
    headers: [...outerHeaders, ...outer.headers],
    body: outer.body,
  });
}

// Spec, "Key Gossip": "Autocrypt-Gossip headers ... MUST be placed in the root MIME
// part of the encrypted message payload", one per recipient. A key too large for a
// header (over 10 KiB) is left out rather than failing the message.
function gossipHeaders(options: EncryptionOptions): HeaderField[] {
  const headers: HeaderField[] = [];
  for (const { addr, keydata } of options.gossip ?? []) {
    try {
      const value = formatAutocryptHeader({
        addr,
        prefer_encrypt: 'nopreference',
        keydata,
      });
      headers.push(['Autocrypt-Gossip', value]);
    } catch (error) {
      if (!(error instanceof AutocryptHeaderError)) throw error;
    }
  }
  return headers;
}
