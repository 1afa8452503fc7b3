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
  // TODO(2026-12-04): the imported key is stored without a passphrase even when
  // the key it replaces had one (the import does not ask for a new one); the
  // options page shows the key as unprotected and the user sets it again.
  const previous = [...(current?.previousKeys ?? [])];
  if (current && current.fingerprint !== next.fingerprint) {
    previous.push({
      fingerprint: current.fingerprint,
      privateKeyArmored: current.privateKeyArmored,
      replacedAt: now,
      ...(current.protected ? { protected: true } : {}),
    });
  }
  // A key imported again is the current key, not also a previous one.
  const kept = previous.filter((key) => key.fingerprint !== next.fingerprint);
  return kept.length > 0 ? { ...next, previousKeys: kept } : next;
}

/**
 * Every key that may decrypt mail to this account, current first, as one block.
 *
 * @param current the account key as `ownPrivateKey` yields it (unlocked)
 */
export function decryptionKeysOf(
  account: StoredAccount,
  current: string,
): Promise<string> {
  // TODO(2026-12-04): a previous key that was passphrase-protected when an import
  // replaced it has no unlock of its own yet, so it is left out; and setting a
  // passphrase protects the current key only, not the previous ones.
  const previous = (account.previousKeys ?? []).filter((key) => !key.protected);
  return joinPrivateKeys([current, ...previous.map((key) => key.privateKeyArmored)]);
}
