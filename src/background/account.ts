/**
 * Requests about the user's own account: status and first-run key creation.
 */
import { canonicalAddr } from '../autocrypt/addr';
import { generateKeyPair, minimalPublicKey, protectPrivateKey } from '../openpgp/gateway';
import { checkedPassphrase } from './protection';
import { bytesToBase64 } from '../util/base64';
import { ProtocolError } from '../messaging/errors';
import type { AccountStatus } from '../messaging/protocol';
import type { StoredAccount } from '../keyring/store';
import type { Handler } from './context';
import { isAddr, str } from './check';

/** What extension pages may learn about the account (no secret key). */
export function toStatus(account: StoredAccount | undefined): AccountStatus {
  if (!account) return { configured: false };
  const { addr, name, fingerprint, prefer_encrypt } = account;
  const backedUpAt = account.backedUpAt ?? null;
  return { configured: true, addr, name, fingerprint, prefer_encrypt, backedUpAt };
}

export const accountStatus: Handler<'account.status'> = async (_p, _c, services) =>
  toStatus(await services.keyring.getAccount());

/**
 * Creates the key pair (v4 Ed25519 + Cv25519, the shape every Autocrypt
 * peer can use) and the account. Reached only from the setup page after the
 * user pressed its button.
 */
export const accountCreate: Handler<'account.create'> = async (payload, _c, services) => {
  const addr = canonicalAddr(str(payload.addr, 'addr', 320));
  const name = str(payload.name, 'name', 200).trim();
  const prefer_encrypt = payload.prefer_encrypt === 'mutual' ? 'mutual' : 'nopreference';

  if (!isAddr(addr))
    throw new ProtocolError('bad-request', `not an email address: ${addr}`);
  if (await services.keyring.getAccount()) {
    throw new ProtocolError('account-exists', 'a key is already set up');
  }

  // Checked before the key is made: a refused passphrase must not cost a key.
  const passphrase =
    payload.passphrase === undefined || payload.passphrase === ''
      ? null
      : checkedPassphrase(payload.passphrase);

  const key = await generateKeyPair({ addr, name: name || undefined });
  const keydata = await minimalPublicKey(key.privateKeyArmored, addr);

  // A key protected from the start never reaches the disk unprotected; one
  // protected later may linger unprotected in the browser's storage files.
  const account: StoredAccount = {
    addr,
    name,
    fingerprint: key.fingerprint,
    privateKeyArmored: passphrase
      ? await protectPrivateKey(key.privateKeyArmored, passphrase)
      : key.privateKeyArmored,
    ...(passphrase ? { protected: true } : {}),
    publicKeyArmored: key.publicKeyArmored,
    keydata: bytesToBase64(keydata),
    prefer_encrypt,
    created: services.now(),
  };
  await services.keyring.createAccount(account);

  // The user has just typed the passphrase: the new key starts unlocked.
  if (passphrase && services.unlocked) {
    const { unlock_minutes } = await services.keyring.getSettings();
    await services.unlocked.put(
      key.fingerprint,
      key.privateKeyArmored,
      unlock_minutes * 60_000,
    );
  }
  return toStatus(account);
};
