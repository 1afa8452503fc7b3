/**
 * Building the messages we send: plain with our Autocrypt header, or PGP/MIME
 * signed and encrypted to every recipient and to ourselves.
 *
 * Spec: Autocrypt Level 1, "Header injection in outbound mail" and "Message
 * Encryption"; RFC 3156 section 4 for the structure.
 */

import { formatAutocryptHeader, type PreferEncrypt } from '../autocrypt/header';
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
}

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
): Promise<string> {
  const envelope = envelopeHeaders({
    from: { addr: account.addr, name: account.name },
    to: msg.to,
    cc: msg.cc,
    subject: msg.subject,
    date,
    messageId: newMessageId(account.addr),
    inReplyTo: msg.inReplyTo,
    references: msg.references,
  });

  const autocrypt = formatAutocryptHeader({
    addr: account.addr,
    prefer_encrypt: account.prefer_encrypt,
    keydata: account.keydata,
  });
  const outerHeaders: HeaderField[] = [
    ...envelope,
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
  // the ones that were encrypted and signed with the body.
  const inner = textPlainEntity(msg.text, 'protected-headers="v1"');
  const payload = serializeEntity({
    headers: [...inner.headers, ...envelope],
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
