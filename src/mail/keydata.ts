/**
 * The second half of judging an Autocrypt or Autocrypt-Gossip header: after the
 * syntax checks, the keydata must be exactly one public key with an
 * encryption-capable (sub)key.
 */

import type { HeaderVerdict } from '../autocrypt/header';
import { CryptoError } from '../openpgp/errors';
import { readCertificate } from '../openpgp/gateway';
import { bytesToBase64 } from '../util/base64';
import { CheckedKeys, keydataDigest, type KeydataOutcome } from './checked-keys';

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
 * Outcomes are remembered per keydata ({@link CheckedKeys}), so a key seen before
 * is not read again.
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
  const keydata = bytesToBase64(verdict.header.keydata);
  if (known && keydata === known.keydata) {
    return { verdict, fingerprint: known.fingerprint };
  }

  const digest = await keydataDigest(verdict.header.keydata);
  let outcome = checked.get(digest);
  if (!outcome) {
    outcome = await readKeydata(verdict.header.keydata);
    checked.set(digest, outcome);
  }

  if ('fingerprint' in outcome) return { verdict, fingerprint: outcome.fingerprint };
  const invalid = {
    valid: false as const,
    reason: 'bad-keydata',
    detail: outcome.failure,
  };
  return { verdict: invalid, fingerprint: null };
}

// Outcomes of earlier checks in this worker (or process).
const checked = new CheckedKeys();

async function readKeydata(keydata: Uint8Array): Promise<KeydataOutcome> {
  try {
    return { fingerprint: (await readCertificate(keydata)).fingerprint };
  } catch (error) {
    if (!(error instanceof CryptoError)) throw error;
    return { failure: error.message };
  }
}
