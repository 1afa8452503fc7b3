/**
 * Inline PGP: an armored OpenPGP message as the whole text body of a mail.
 * This is what reaches a recipient when a webmail (Gmail's own compose) sends
 * our ciphertext, since the webmail cannot build PGP/MIME.
 */

import type { ParsedMail } from '../mime/parse';
import { extractArmoredMessage } from '../mime/parse';
import { encryptAndSign } from '../openpgp/gateway';

/**
 * The armored message of an inline-PGP mail, or null. The armor must start
 * the text body (only white space before it): text around a block could
 * otherwise pass for part of the encrypted message (field pitfall P08).
 */
export function inlineArmor(mail: ParsedMail): string | null {
  if (mail.encrypted || !mail.text) return null;
  const text = mail.text.trimStart();
  if (!text.startsWith('-----BEGIN PGP MESSAGE-----')) return null;
  return extractArmoredMessage(text);
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
