/**
 * Importing keys from files on the options page: our own secret key exported by
 * another client (GnuPG, Thunderbird, Proton, Mailvelope), and peers' public keys.
 * Each is read twice: once for the preview the user confirms, and again from the
 * same text on confirmation, so nothing waits in the worker's memory in between
 * (a stopped worker loses nothing).
 *
 * Imported peer keys are filed like gossip (`gossip_key`, history source
 * `imported`): usable for encryption, rated `discourage` while the peer has not
 * confirmed a key by its own Autocrypt header, and a header from the peer, when
 * one comes, takes precedence as the spec says for gossip. See README, "Keys".
 */
import { canonicalAddr } from '../autocrypt/addr';
import { updatePeerGossip, type PeerState } from '../autocrypt/peer-state';
import { MAX_KEY_FILE_CHARS } from '../keyring/key-file-limit';
import type { StoredAccount } from '../keyring/store';
import { ProtocolError } from '../messaging/errors';
import type { KeyPreviewView } from '../messaging/protocol';
import {
  importOwnKey,
  minimalPublicKey,
  peerCertificates,
  previewKeyFile,
  publicKeyOf,
  type KeyPreview,
} from '../openpgp/gateway';
import { bytesToBase64 } from '../util/base64';
import { toStatus } from './account';
import { isAddr, str, strList } from './check';
import type { Handler } from './context';
import { keyUnchanged, replaceAccountKey, storedLikeAccount } from './key-replacement';
import { lockOwnKey } from './own-key';

/** The file text, refused up front when over the limit (MV-03). */
function keyFileText(value: unknown): string {
  if (typeof value !== 'string') {
    throw new ProtocolError('bad-request', 'armored: expected a string');
  }
  if (value.length > MAX_KEY_FILE_CHARS) {
    const mib = MAX_KEY_FILE_CHARS / (1024 * 1024);
    throw new ProtocolError('key-file-too-large', `the key file is over ${mib} MiB`);
  }
  return value;
}

// Distinct canonical addresses of the key's valid user IDs.
function addrsOf(userIDs: { email: string }[]): string[] {
  const addrs = userIDs.map((u) => canonicalAddr(u.email)).filter(isAddr);
  return [...new Set(addrs)];
}

function view(key: KeyPreview, addrs: string[]): KeyPreviewView {
  const { fingerprint, algorithm, created, userIDs, droppedUserIDs, locked } = key;
  return {
    fingerprint,
    algorithm,
    created,
    userIDs,
    droppedUserIDs,
    locked,
    refusal: key.refusal,
    addrs,
  };
}

// The user is told precisely why a key that is fine otherwise is not for this account.
function noMatchingUid(addr: string, userIDs: { email: string }[]) {
  const has = addrsOf(userIDs).join(', ') || 'none';
  return { code: 'no-matching-uid', detail: `${addr} (the key has: ${has})` };
}

export const ownKeyInspect: Handler<'ownKey.inspect'> = async (payload, _c, services) => {
  const file = keyFileText(payload.armored);
  const account = await services.keyring.getAccount();
  const keys = await previewKeyFile(file, 'own');

  return {
    keys: keys.map((key) => {
      const shown = view(key, addrsOf(key.userIDs));
      if (!shown.refusal && account && !shown.addrs.includes(account.addr)) {
        shown.refusal = noMatchingUid(account.addr, key.userIDs);
      }
      return shown;
    }),
    accountAddr: account?.addr ?? null,
  };
};

/**
 * Makes the confirmed key our account key. It is decrypted here, once, with the
 * passphrase typed on the options page, and stored protected by the account's
 * passphrase when the account has one; the key it replaces is kept in
 * `previousKeys`. Sent only from the options page's
 * Import button after the user ticked the confirmation.
 */
export const ownKeyImport: Handler<'ownKey.import'> = async (payload, _c, services) => {
  const file = keyFileText(payload.armored);
  const fingerprint = str(payload.fingerprint, 'fingerprint', 64);
  const passphrase = str(payload.passphrase, 'passphrase', 1000);
  const current = await services.keyring.getAccount();
  const addr = current
    ? current.addr
    : canonicalAddr(str(payload.addr ?? '', 'addr', 320));
  if (!isAddr(addr)) throw new ProtocolError('bad-request', `not an address: ${addr}`);

  const imported = await importOwnKey({
    file,
    fingerprint,
    passphrase: passphrase || undefined,
  });
  if (!addrsOf(imported.userIDs).includes(addr)) {
    const { detail } = noMatchingUid(addr, imported.userIDs);
    throw new ProtocolError('no-matching-uid', `no valid user ID for ${detail}`);
  }

  const kept = await storedLikeAccount(
    current,
    imported.privateKeyArmored,
    payload.accountPassphrase,
  );
  const now = services.now();
  const next: StoredAccount = {
    addr,
    name: current?.name ?? '',
    fingerprint: imported.fingerprint,
    ...kept,
    publicKeyArmored: await publicKeyOf(imported.privateKeyArmored),
    keydata: bytesToBase64(await minimalPublicKey(imported.privateKeyArmored, addr)),
    prefer_encrypt: current?.prefer_encrypt ?? 'mutual',
    created: now,
    // The client it came from holds it too: that copy is the backup.
    backedUpAt: now,
  };
  const stored = await services.keyring.updateAccount((latest) => {
    if (latest && latest.addr !== addr) {
      throw new ProtocolError('account-exists', `the account is ${latest.addr}`);
    }
    keyUnchanged(current, latest);
    return replaceAccountKey(latest, next, now);
  });
  await lockOwnKey(services);
  return toStatus(stored);
};

export const peerKeysInspect: Handler<'peerKeys.inspect'> = async (
  payload,
  _c,
  services,
) => {
  const file = keyFileText(payload.armored);
  const account = await services.keyring.getAccount();
  const keys = await previewKeyFile(file, 'peer');

  return {
    keys: keys.map((key) => {
      // Our own address is never filed as a peer.
      const addrs = addrsOf(key.userIDs).filter((a) => a !== account?.addr);
      const shown = view(key, addrs);
      if (!shown.refusal && addrs.length === 0) {
        shown.refusal = {
          code: 'no-valid-user-id',
          detail: 'no address to file it under',
        };
      }
      return shown;
    }),
  };
};

/**
 * Stores the keys the user confirmed, every one or none: the new peer states are
 * computed first and written in one storage write (MV-01, MV-03). A key of the
 * file that is refused makes the whole import fail before anything is written.
 */
export const peerKeysImport: Handler<'peerKeys.import'> = async (
  payload,
  _c,
  services,
) => {
  const file = keyFileText(payload.armored);
  const fingerprints = strList(payload.fingerprints, 'fingerprints', 100_000, 64);
  if (fingerprints.length === 0) {
    throw new ProtocolError('nothing-chosen', 'no key was chosen for import');
  }
  const account = await services.keyring.getAccount();
  const certs = await peerCertificates(file, fingerprints);

  const entries = certs.flatMap((cert) =>
    addrsOf(cert.userIDs)
      .filter((addr) => addr !== account?.addr)
      .map((addr) => ({ addr, cert })),
  );
  const addrs = [...new Set(entries.map((e) => e.addr))];
  const now = services.now();

  await services.keyring.putPeersAtOnce(addrs, (current) => {
    const next = new Map<string, PeerState>();
    for (const { addr, cert } of entries) {
      const updated = updatePeerGossip(next.get(addr) ?? current.get(addr), {
        addr,
        effectiveDate: now,
        gossip: { keydata: cert.certificate, fingerprint: cert.fingerprint },
        source: 'imported',
      });
      if (updated) next.set(addr, updated);
    }
    return [...next.values()];
  });
  return { addrs };
};
