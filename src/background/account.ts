/**
 * Requests about the user's own account: status and first-run key creation.
 */
import { canonicalAddr } from '../autocrypt/addr';
import { generateKeyPair, minimalPublicKey } from '../openpgp/gateway';
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

  const key = await generateKeyPair({ addr, name: name || undefined });
  const keydata = await minimalPublicKey(key.privateKeyArmored, addr);

  const account: StoredAccount = {
    addr,
    name,
    fingerprint: key.fingerprint,
    privateKeyArmored: key.privateKeyArmored,
    publicKeyArmored: key.publicKeyArmored,
    keydata: bytesToBase64(keydata),
    prefer_encrypt,
    created: services.now(),
  };
  await services.keyring.createAccount(account);
  return toStatus(account);
};
