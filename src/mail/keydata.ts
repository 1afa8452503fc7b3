/**
 * The second half of judging an Autocrypt or Autocrypt-Gossip header: after the
 * syntax checks, the keydata must be exactly one public key with an
 * encryption-capable (sub)key.
 */

import type { HeaderVerdict } from '../autocrypt/header';
import { CryptoError } from '../openpgp/errors';
import { readCertificate } from '../openpgp/gateway';
import { bytesToBase64 } from '../util/base64';

/** A verdict after the keydata check, with the key's fingerprint when valid. */
export interface CheckedVerdict {
  /** Invalid with reason `'bad-keydata'` when the keydata failed the check. */
  verdict: HeaderVerdict;
  /** Primary fingerprint of the keydata when the verdict is valid, else null. */
  fingerprint: string | null;
}

/** A key that already passed the check: base64 keydata and its fingerprint. */
export interface CheckedKey {
  keydata: string;
  fingerprint: string;
}

/**
 * Runs `readCertificate` on the keydata of a syntactically valid verdict. Invalid
 * verdicts pass through unchanged.
 *
 * @param known a key that passed this check before (the peer's stored key): the
 *   same bytes give the same answer, so they are not read again. Every mail from
 *   a correspondent repeats their key, and reading it (two signature checks) is
 *   most of the cost of processing a header.
 */
export async function checkKeydata(
  verdict: HeaderVerdict,
  known?: CheckedKey,
): Promise<CheckedVerdict> {
  if (!verdict.valid) return { verdict, fingerprint: null };
  if (known && bytesToBase64(verdict.header.keydata) === known.keydata) {
    return { verdict, fingerprint: known.fingerprint };
  }

  try {
    const certificate = await readCertificate(verdict.header.keydata);
    return { verdict, fingerprint: certificate.fingerprint };
  } catch (error) {
    if (!(error instanceof CryptoError)) throw error;
    const invalid = {
      valid: false as const,
      reason: 'bad-keydata',
      detail: error.message,
    };
    return { verdict: invalid, fingerprint: null };
  }
}
