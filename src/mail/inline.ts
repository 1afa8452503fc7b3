/**
 * Inline PGP: an armored OpenPGP message as the whole text body of a mail.
 * This is what reaches a recipient when a webmail (Gmail's own compose) sends
 * our ciphertext, since the webmail cannot build PGP/MIME.
 */

import type { ParsedMail } from '../mime/parse';
import { extractArmoredMessage } from '../mime/parse';
import { encryptAndSign } from '../openpgp/gateway';

/**
 * The armored message of an inline-PGP mail, or null. The armor must be the
 * whole text body (only white space around it): text around a block, or a
 * second block after it, could otherwise pass for part of the encrypted
 * message (field pitfall P08, attack suite EF-13). Such mails are read with
 * {@link embeddedBlocks} instead.
 */
export function inlineArmor(mail: ParsedMail): string | null {
  if (mail.encrypted || !mail.text) return null;
  const text = mail.text.trim();
  if (!text.startsWith('-----BEGIN PGP MESSAGE-----')) return null;
  const armored = extractArmoredMessage(text);
  return armored !== null && armored.length === text.length ? armored : null;
}

/** Armored PGP message blocks, each from its BEGIN line to its END line. */
const ARMORED_BLOCKS = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/g;

/**
 * At most this many embedded blocks of one mail are decrypted: each costs a
 * private-key operation, and a mail full of old ciphertexts must not spend the
 * key's budget (attack suite EX-08). Blocks after these are listed as skipped.
 */
export const MAX_EMBEDDED_BLOCKS = 10;

/** A piece of a mail body: unencrypted text, or one armored block inside it. */
export type BodySegment =
  { kind: 'text'; text: string } | { kind: 'block'; armored: string };

/**
 * The body of a plain mail that holds armored PGP messages among other text (or
 * after other MIME parts), cut at each block, in order; null when it holds none,
 * or when it is inline PGP ({@link inlineArmor}) or PGP/MIME.
 *
 * Such blocks are not the message (EFAIL, "Re: What's Up Johnny?"): somebody
 * wrapped old ciphertext in their own text. They are found in the MIME source,
 * the text body first, else the HTML source (so text hidden by the HTML still
 * counts, attack suite AU-03), and each is decrypted and shown on its own.
 */
export function embeddedBlocks(mail: ParsedMail): BodySegment[] | null {
  if (mail.encrypted || inlineArmor(mail)) return null;
  const source = [mail.text, mail.html].find(
    (body) => !!body && extractArmoredMessage(body) !== null,
  );
  if (!source) return null;

  const segments: BodySegment[] = [];
  let at = 0;
  for (const match of source.matchAll(ARMORED_BLOCKS)) {
    const before = source.slice(at, match.index);
    if (before.trim() !== '') segments.push({ kind: 'text', text: before });
    segments.push({ kind: 'block', armored: match[0] });
    at = match.index + match[0].length;
  }
  const after = source.slice(at);
  if (after.trim() !== '') segments.push({ kind: 'text', text: after });
  return segments;
}

/**
 * Encrypts `text` to every certificate and to the sender's own key, signed by
 * the sender, as one armored message to paste into a webmail's editor.
 *
 * @throws CryptoError as {@link encryptAndSign}
 */
export function encryptInline(
  text: string,
  recipientCerts: Uint8Array[],
  signingKeyArmored: string,
  date?: Date,
): Promise<string> {
  return encryptAndSign({
    data: new TextEncoder().encode(text),
    recipientCerts,
    signingKeyArmored,
    date,
  });
}
