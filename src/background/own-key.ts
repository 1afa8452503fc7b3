/**
 * The one place that yields our usable private key. Every private-key operation
 * (decrypting, signing on send, the Setup Message, a passphrase change) takes the
 * key from here: unprotected, it is the stored key; protected by a passphrase, it
 * is the unlocked copy in session storage while that has not expired, and
 * otherwise a `locked` error, which our frames show as an "Unlock" button.
 */
import { ProtocolError } from '../messaging/errors';
import { unlockPrivateKey } from '../openpgp/gateway';
import type { PreviousKey, StoredAccount } from '../keyring/store';
import { str } from './check';
import { requireAccount, type Services } from './context';

const MINUTE = 60_000;

/**
 * Our private key, armored and without protection, ready for the gateway.
 *
 * @throws ProtocolError `locked` when the key has a passphrase and is not unlocked
 */
export async function ownPrivateKey(
  services: Services,
  account: StoredAccount,
): Promise<string> {
  if (!account.protected) return account.privateKeyArmored;

  const unlocked = await services.unlocked?.get(account.fingerprint);
  if (unlocked) return unlocked;
  throw new ProtocolError('locked', 'your key is locked: unlock it with your passphrase');
}

/** Whether {@link ownPrivateKey} would answer without asking for the passphrase. */
export async function isUnlocked(
  services: Services,
  account: StoredAccount,
): Promise<boolean> {
  if (!account.protected) return true;
  return (await services.unlocked?.get(account.fingerprint)) != null;
}

/**
 * The protected previous keys that `passphrase` unlocks, unlocked. One passphrase
 * protects every key of the account; a key it does not unlock (protected by an
 * older passphrase before keys shared one) is left out.
 */
export async function unlockPreviousKeys(
  previousKeys: PreviousKey[] | undefined,
  passphrase: string,
): Promise<{ fingerprint: string; armored: string }[]> {
  const unlocked = [];
  for (const key of previousKeys ?? []) {
    if (!key.protected) continue;
    try {
      const armored = await unlockPrivateKey(key.privateKeyArmored, passphrase);
      unlocked.push({ fingerprint: key.fingerprint, armored });
    } catch {
      // TODO(2026-12-04): a previous key protected by another passphrase than the
      // account's (stored before keys shared one) stays locked and out of decryption.
    }
  }
  return unlocked;
}

/**
 * Unlocks our key with `passphrase` and keeps it unlocked for the configured time,
 * with the previous keys it protects too, so that they still decrypt old mail.
 * Nothing is kept when the passphrase is wrong.
 *
 * @throws CryptoError `bad-passphrase`; ProtocolError `no-account`
 */
export async function unlockOwnKey(
  services: Services,
  passphrase: unknown,
): Promise<void> {
  const account = await requireAccount(services);
  const typed = str(passphrase, 'passphrase', 1000);
  if (!account.protected) return;

  const unlocked = await unlockPrivateKey(account.privateKeyArmored, typed);
  const { unlock_minutes } = await services.keyring.getSettings();
  if (!services.unlocked) {
    throw new ProtocolError('internal', 'no place to keep an unlocked key');
  }
  const ttl = unlock_minutes * MINUTE;
  for (const key of await unlockPreviousKeys(account.previousKeys, typed)) {
    await services.unlocked.put(key.fingerprint, key.armored, ttl);
  }
  await services.unlocked.put(account.fingerprint, unlocked, ttl);
}

/** Forgets every unlocked key ("Lock"). */
export async function lockOwnKey(services: Services): Promise<void> {
  await services.unlocked?.clear();
}
