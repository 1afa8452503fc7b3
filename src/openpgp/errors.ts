/**
 * The one error type of the crypto layer. It lives apart from the gateway so that
 * modules which must not import `openpgp` can still catch and create it.
 */

import { CodedError } from '../util/coded-error';

/** Stable codes the UI and the background worker branch on. */
export type CryptoErrorCode =
  /** Autocrypt keydata or a certificate is not exactly one usable public key. */
  | 'bad-keydata'
  /** A private key could not be read. */
  | 'bad-key'
  /** A private key is passphrase-protected and was not unlocked. */
  | 'key-locked'
  /** The passphrase does not unlock the key. */
  | 'bad-passphrase'
  /** A recipient certificate has no usable encryption (sub)key. */
  | 'no-encryption-key'
  /** Encryption failed or produced a message nobody could decrypt. */
  | 'encrypt-failed'
  /** The mail carries no PGP/MIME payload. */
  | 'not-encrypted'
  /** The payload is not an OpenPGP message (mangled, placeholder text, ...). */
  | 'bad-ciphertext'
  /** None of our keys decrypts the message, or the ciphertext is damaged. */
  | 'decrypt-failed'
  /** The message lacks integrity protection (no MDC / AEAD): refused, EFAIL. */
  | 'unauthenticated'
  /** The message or its decompressed content is over our size bound. */
  | 'too-large'
  /** A passphrase-protected message uses no cipher (algorithm 0) or a weak one. */
  | 'weak-cipher';

/**
 * Raised by the OpenPGP gateway and the mail layer. `message` says what happened
 * in words; it never contains key material, passphrases or plaintext.
 */
export class CryptoError extends CodedError<CryptoErrorCode> {
  override readonly name = 'CryptoError';
}
