/**
 * Replacing the account key without losing what the old one can read: an imported
 * key (from another client or a Setup Message) becomes the account key, and the key
 * it replaces moves to `previousKeys`, which still decrypt mail.
 */
import type { StoredAccount } from '../keyring/store';
import { joinPrivateKeys } from '../openpgp/gateway';

/**
 * The account `next`, carrying over the keys `current` held: its own key (unless it
 * is the same key again) and the keys it had replaced itself.
 */
export function replaceAccountKey(
  current: StoredAccount | undefined,
  next: StoredAccount,
  now: number,
): StoredAccount {
  const previous = [...(current?.previousKeys ?? [])];
  if (current && current.fingerprint !== next.fingerprint) {
    previous.push({
      fingerprint: current.fingerprint,
      privateKeyArmored: current.privateKeyArmored,
      replacedAt: now,
    });
  }
  // A key imported again is the current key, not also a previous one.
  const kept = previous.filter((key) => key.fingerprint !== next.fingerprint);
  return kept.length > 0 ? { ...next, previousKeys: kept } : next;
}

/** Every key that may decrypt mail to this account, current first, as one block. */
export function decryptionKeysOf(account: StoredAccount): Promise<string> {
  return joinPrivateKeys([
    account.privateKeyArmored,
    ...(account.previousKeys ?? []).map((key) => key.privateKeyArmored),
  ]);
}
