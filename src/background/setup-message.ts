/**
 * The Autocrypt Setup Message from the options page: create one (the Setup Code is
 * answered to the page once and never stored), send it to ourselves through the
 * webmail, and import one.
 *
 * Spec: "An Autocrypt MUA MUST NOT create an Autocrypt Setup Message without
 * explicit user interaction"; import is "only user-initiated". Both requests are
 * accepted only from our own extension pages, which send them from click handlers.
 */
import { canonicalAddr } from '../autocrypt/addr';
import { generateSetupCode } from '../autocrypt/setup-code';
import type { StoredAccount } from '../keyring/store';
import {
  buildSetupMessage,
  findSetupMessage,
  importSetupMessage,
} from '../mail/setup-message';
import { ProtocolError } from '../messaging/errors';
import { minimalPublicKey, publicKeyOf } from '../openpgp/gateway';
import { base64ToBytes, bytesToBase64 } from '../util/base64';
import { toStatus } from './account';
import { isAddr, str } from './check';
import { requireAccount, type Handler } from './context';
import { recordBackup } from './backup';
import { keyUnchanged, replaceAccountKey, storedLikeAccount } from './key-replacement';
import { lockOwnKey } from './own-key';
import { ownPrivateKey } from './own-key';

/**
 * The last Setup Message created, until it is sent.
 *
 * TODO(2026-12-04): kept in the worker's memory only, so a worker restart between
 * "Create" and "Send" loses it and the user creates a new one (with a new code).
 * Session storage would keep it, at the cost of holding the encrypted key there.
 */
let pending: { addr: string; mime: string } | null = null;

/** Setup Message files are small: an armored key and some text. */
const MAX_SETUP_BYTES = 1024 * 1024;

/**
 * Creates a Setup Message. The options page passes its human-readable texts in the
 * user's language (the background has no UI language of its own here).
 */
export const setupMessageCreate: Handler<'setupMessage.create'> = async (
  payload,
  _c,
  services,
) => {
  const account = await requireAccount(services);
  const texts = {
    subject: str(payload.subject, 'subject', 200),
    description: str(payload.description, 'description', 4000),
  };
  const code = generateSetupCode();

  const privateKeyArmored = await ownPrivateKey(services, account);
  const mime = await buildSetupMessage(
    { ...account, privateKeyArmored },
    code,
    texts,
    new Date(services.now()),
  );
  pending = { addr: account.addr, mime };
  return { code, mime };
};

/**
 * Hands the pending Setup Message to the webmail: the page contract submits mail
 * for a compose slot, so the user opens a new message in the webmail first; that
 * draft is replaced by the Setup Message, addressed to the user alone.
 */
export const setupMessageSend: Handler<'setupMessage.send'> = async (
  _p,
  _c,
  services,
) => {
  if (!pending) {
    throw new ProtocolError('no-setup-message', 'create a Setup Message first');
  }
  const slot = await services.tickets.newestComposer();
  if (!slot) {
    throw new ProtocolError(
      'no-compose-slot',
      'open a new message in your webmail, then send again',
    );
  }

  const result = await services.submitToPage(slot.tabId, {
    composeId: slot.composeId,
    recipients: [pending.addr],
    mime: pending.mime,
  });
  if (!result.ok) {
    throw new ProtocolError('submit-failed', result.error ?? 'the webmail refused it');
  }
  pending = null;
  // The user's own mailbox now holds the encrypted key: that is the backup (MV-07).
  await recordBackup(services);
  return { sent: true };
};

function readRaw(raw: unknown): Uint8Array {
  const text = str(raw, 'raw', Math.ceil((MAX_SETUP_BYTES * 4) / 3) + 4);
  try {
    return base64ToBytes(text);
  } catch (cause) {
    throw new ProtocolError('bad-request', 'raw: not base64', { cause });
  }
}

// The account a Setup Message must belong to: ours when set up. Before setup, a
// mail must be from and to one address (it becomes ours) and a bare file needs the
// address the user typed.
async function readSetup(raw: unknown, typedAddr: unknown, account?: StoredAccount) {
  const setup = await findSetupMessage(readRaw(raw), account?.addr);
  if (account) return { setup, addr: account.addr };
  if (setup.addr) return { setup, addr: setup.addr };

  const typed = canonicalAddr(str(typedAddr, 'addr', 320));
  if (!isAddr(typed)) throw new ProtocolError('bad-request', `not an address: ${typed}`);
  return { setup, addr: typed };
}

export const setupMessageInspect: Handler<'setupMessage.inspect'> = async (
  payload,
  _c,
  services,
) => {
  const account = await services.keyring.getAccount();
  const { setup } = await readSetup(payload.raw, payload.addr, account);
  return {
    passphraseFormat: setup.passphraseFormat,
    passphraseBegin: setup.passphraseBegin,
  };
};

/**
 * Imports the key of a Setup Message as our account key. A wrong code is refused
 * before anything is written: the stored account changes only after the key was
 * decrypted and read.
 */
export const setupMessageImport: Handler<'setupMessage.import'> = async (
  payload,
  _c,
  services,
) => {
  const current = await services.keyring.getAccount();
  const { setup, addr } = await readSetup(payload.raw, payload.addr, current);
  const imported = await importSetupMessage(setup, str(payload.code, 'code', 200));
  const kept = await storedLikeAccount(
    current,
    imported.privateKeyArmored,
    payload.accountPassphrase,
  );

  const account: StoredAccount = {
    addr,
    name: current?.name ?? '',
    fingerprint: imported.fingerprint,
    ...kept,
    publicKeyArmored: await publicKeyOf(imported.privateKeyArmored),
    keydata: bytesToBase64(await minimalPublicKey(imported.privateKeyArmored, addr)),
    prefer_encrypt: imported.prefer_encrypt,
    created: services.now(),
    // A Setup Message is itself a backup of the key it carries.
    backedUpAt: services.now(),
  };
  const stored = await services.keyring.updateAccount((latest) => {
    keyUnchanged(current, latest);
    return replaceAccountKey(latest, account, services.now());
  });
  await lockOwnKey(services);
  return toStatus(stored);
};
