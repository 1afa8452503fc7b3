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
  | 'weak-cipher'
  /** A key uses an algorithm refused for new mail (DSA, ElGamal). */
  | 'key-algorithm-refused'
  /** An RSA key below 2048 bits. */
  | 'key-too-weak'
  /** An elliptic curve openpgp.js does not support here (secp256k1). */
  | 'key-curve-unsupported'
  /** Secret key protected with S2K usage 255 (two-byte checksum). */
  | 'key-protection-checksum'
  /** Secret key protected with the legacy MD5-of-passphrase scheme. */
  | 'key-protection-md5'
  /** The primary secret key is not in the file (GnuPG stub, smartcard). */
  | 'key-secret-missing'
  /** A secret subkey is not in the file (GnuPG stub, smartcard). */
  | 'key-subkey-secret-missing'
  /** The primary key is expired, revoked or its signatures do not verify. */
  | 'key-unusable'
  /** No user ID carries a valid self-signature. */
  | 'no-valid-user-id'
  /** Own-key import got a public key only. */
  | 'not-a-secret-key'
  /** Peer-key import got a secret key: never filed as somebody's public key. */
  | 'secret-key-in-file';

/**
 * Raised by the OpenPGP gateway and the mail layer. `message` says what happened
 * in words; it never contains key material, passphrases or plaintext.
 */
export class CryptoError extends CodedError<CryptoErrorCode> {
  override readonly name = 'CryptoError';
}
