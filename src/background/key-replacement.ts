/**
 * Replacing the account key without losing what the old one can read: an imported
 * key (from another client or a Setup Message) becomes the account key, and the key
 * it replaces moves to `previousKeys`, which still decrypt mail.
 *
 * One passphrase protects them all: an import into a protected account protects the
 * new key with the account's passphrase, a passphrase change applies to every key,
 * and an unlock unlocks every key (see protection.ts, own-key.ts).
 */
import type { StoredAccount } from '../keyring/store';
import { joinPrivateKeys, protectPrivateKey, unlockPrivateKey } from '../openpgp/gateway';
import { ProtocolError } from '../messaging/errors';
import { str } from './check';
import type { Services } from './context';

/** The imported key as it is to be stored in the account. */
export interface StoredKey {
  privateKeyArmored: string;
  protected?: true;
}

/**
 * The imported key `plain` (unlocked), protected by the account's passphrase when
 * the current key has one. The user types that passphrase again: it is checked
 * against the current key, so the account keeps a single passphrase, the one the
 * user knows, and a key is never stored unprotected in a protected account.
 *
 * @param passphrase the account's passphrase as typed on the import
 * @throws CryptoError `bad-passphrase` when it does not unlock the current key
 */
export async function storedLikeAccount(
  current: StoredAccount | undefined,
  plain: string,
  passphrase: unknown,
): Promise<StoredKey> {
  if (!current?.protected) return { privateKeyArmored: plain };

  const typed = passphrase == null ? '' : str(passphrase, 'accountPassphrase', 1000);
  await unlockPrivateKey(current.privateKeyArmored, typed);
  return { privateKeyArmored: await protectPrivateKey(plain, typed), protected: true };
}

/**
 * Refuses to go on when the account's key or its protection changed since the
 * import read it (a passphrase set meanwhile, another import): the new key would
 * be protected, or not, by what no longer holds.
 *
 * @throws ProtocolError `bad-request`
 */
export function keyUnchanged(
  read: StoredAccount | undefined,
  latest: StoredAccount | undefined,
): void {
  const same =
    read?.fingerprint === latest?.fingerprint &&
    read?.protected === latest?.protected &&
    read?.privateKeyArmored === latest?.privateKeyArmored;
  if (!same)
    throw new ProtocolError('bad-request', 'the key changed meanwhile; try again');
}

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
      ...(current.protected ? { protected: true } : {}),
    });
  }
  // A key imported again is the current key, not also a previous one.
  const kept = previous.filter((key) => key.fingerprint !== next.fingerprint);
  // Drafts saved before the replacement stay ours (their tag's secret carries on).
  const carried = current?.draftSecret
    ? { ...next, draftSecret: current.draftSecret }
    : next;
  return kept.length > 0 ? { ...carried, previousKeys: kept } : carried;
}

/**
 * Every key that may decrypt mail to this account, current first, as one block.
 * A protected previous key takes part while it is unlocked: the unlock of the
 * account unlocks it with the current key.
 *
 * @param current the account key as `ownPrivateKey` yields it (unlocked)
 */
export async function decryptionKeysOf(
  services: Pick<Services, 'unlocked'>,
  account: StoredAccount,
  current: string,
): Promise<string> {
  const previous: string[] = [];
  for (const key of account.previousKeys ?? []) {
    const usable = key.protected
      ? await services.unlocked?.get(key.fingerprint)
      : key.privateKeyArmored;
    if (usable) previous.push(usable);
  }
  return joinPrivateKeys([current, ...previous]);
}
