/**
 * Requests about the passphrase protection of our secret key: from the options
 * page (set, change, remove; how long an unlock lasts; Lock) and from our frames
 * (Unlock, Lock). By default the key has no passphrase, as Autocrypt Level 1
 * recommends; the user may add one.
 */
import { ProtocolError } from '../messaging/errors';
import type { ProtectionView } from '../messaging/protocol';
import { protectPrivateKey, unlockPrivateKey } from '../openpgp/gateway';
import { str } from './check';
import { requireAccount, type Handler, type Services } from './context';
import type { PreviousKey } from '../keyring/store';
import { isUnlocked, lockOwnKey, unlockPreviousKeys } from './own-key';

/** Shorter passphrases are refused: they add little over no passphrase at all. */
export const MIN_PASSPHRASE = 8;

/** Bounds of the unlock time the user can choose (minutes). */
const MINUTES = { min: 1, max: 24 * 60 };

/**
 * A new passphrase, checked: a string of {@link MIN_PASSPHRASE} to 1000 characters.
 *
 * @throws ProtocolError `weak-passphrase`, `bad-request`
 */
export function checkedPassphrase(value: unknown): string {
  const passphrase = str(value, 'passphrase', 1000);
  if ([...passphrase].length < MIN_PASSPHRASE) {
    throw new ProtocolError(
      'weak-passphrase',
      `a passphrase needs at least ${MIN_PASSPHRASE} characters`,
    );
  }
  return passphrase;
}

async function view(services: Services): Promise<ProtectionView> {
  const account = await services.keyring.getAccount();
  const { unlock_minutes } = await services.keyring.getSettings();
  const unlockedUntil =
    account?.protected && services.unlocked
      ? await services.unlocked.expiresAt(account.fingerprint)
      : null;
  return { protected: account?.protected === true, unlockedUntil, unlock_minutes };
}

export const protectionGet: Handler<'protection.get'> = async (_p, _c, services) =>
  view(services);

/**
 * The previous keys under the `next` passphrase (none: unprotected). A protected
 * key that `current` does not unlock is left as it was.
 */
async function previousUnder(
  previousKeys: PreviousKey[],
  current: string,
  next: string | null,
): Promise<PreviousKey[]> {
  const unlocked = await unlockPreviousKeys(previousKeys, current);
  const plainOf = new Map(unlocked.map((key) => [key.fingerprint, key.armored]));
  const result: PreviousKey[] = [];
  for (const key of previousKeys) {
    const plain = key.protected ? plainOf.get(key.fingerprint) : key.privateKeyArmored;
    if (plain === undefined) {
      result.push(key);
    } else if (next === null) {
      result.push({
        fingerprint: key.fingerprint,
        privateKeyArmored: plain,
        replacedAt: key.replacedAt,
      });
    } else {
      const armored = await protectPrivateKey(plain, next);
      result.push({ ...key, privateKeyArmored: armored, protected: true });
    }
  }
  return result;
}

/**
 * Sets, changes or removes the passphrase, of the current key and of the previous
 * keys alike: one passphrase protects the account. The current one must unlock a
 * protected key first (an unlocked copy in the cache is not enough: whoever
 * changes the passphrase must know it). Any unlocked copy is forgotten after.
 */
export const protectionSet: Handler<'protection.set'> = async (payload, _c, services) => {
  const account = await requireAccount(services);
  const next = payload.next === null ? null : checkedPassphrase(payload.next);

  let plain = account.privateKeyArmored;
  const current = payload.current == null ? '' : str(payload.current, 'current', 1000);
  if (account.protected) {
    plain = await unlockPrivateKey(account.privateKeyArmored, current);
  }
  const stored = next === null ? plain : await protectPrivateKey(plain, next);
  const previousKeys = account.previousKeys
    ? await previousUnder(account.previousKeys, current, next)
    : undefined;

  await services.keyring.updateAccount((now) => {
    // Another key arrived meanwhile (a Setup Message import): leave it alone.
    if (!now || now.fingerprint !== account.fingerprint) {
      throw new ProtocolError('bad-request', 'the key changed meanwhile; try again');
    }
    const changed = { ...now, privateKeyArmored: stored, protected: next !== null };
    return previousKeys ? { ...changed, previousKeys } : changed;
  });
  await lockOwnKey(services);
  return view(services);
};

export const protectionDuration: Handler<'protection.duration'> = async (
  payload,
  _c,
  services,
) => {
  const minutes = payload.minutes;
  if (!Number.isInteger(minutes) || minutes < MINUTES.min || minutes > MINUTES.max) {
    throw new ProtocolError(
      'bad-request',
      `minutes: a whole number from ${MINUTES.min} to ${MINUTES.max}`,
    );
  }
  await services.keyring.updateSettings({ unlock_minutes: minutes });
  await services.unlocked?.shortenTo(minutes * 60_000);
  return view(services);
};

export const protectionLock: Handler<'protection.lock'> = async (_p, _c, services) => {
  await lockOwnKey(services);
  return view(services);
};

/**
 * Opens our popup for the passphrase, unless the key needs none now. Sent by a
 * frame from the click handler of its Unlock button.
 */
export const unlockAsk: Handler<'unlock.ask'> = async (_p, _c, services) => {
  const account = await requireAccount(services);
  if (await isUnlocked(services, account)) return { unlocked: true };
  if (!services.prompts) throw new ProtocolError('internal', 'no popup window here');

  const { addr, fingerprint } = account;
  const agreed = await services.prompts.ask({ kind: 'unlock', addr, fingerprint });
  return { unlocked: agreed && (await isUnlocked(services, account)) };
};
