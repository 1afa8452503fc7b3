/**
 * The second half of judging an Autocrypt or Autocrypt-Gossip header: after the
 * syntax checks, the keydata must be exactly one public key with an
 * encryption-capable (sub)key.
 */

import type { HeaderVerdict } from '../autocrypt/header';
import { CryptoError } from '../openpgp/errors';
import { readCertificate } from '../openpgp/gateway';

/** A verdict after the keydata check, with the key's fingerprint when valid. */
export interface CheckedVerdict {
  /** Invalid with reason `'bad-keydata'` when the keydata failed the check. */
  verdict: HeaderVerdict;
  /** Primary fingerprint of the keydata when the verdict is valid, else null. */
  fingerprint: string | null;
}

/**
 * Runs `readCertificate` on the keydata of a syntactically valid verdict. Invalid
 * verdicts pass through unchanged.
 */
export async function checkKeydata(verdict: HeaderVerdict): Promise<CheckedVerdict> {
  if (!verdict.valid) return { verdict, fingerprint: null };

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
