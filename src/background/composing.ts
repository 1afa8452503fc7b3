/**
 * The compose path: the content script registers a compose slot, our
 * composer frame opens it, asks for the Autocrypt recommendation as the user
 * types recipients, and on Send the background builds the message (signed
 * and encrypted when chosen) and hands it to the page for submission.
 */
import { canonicalAddr } from '../autocrypt/addr';
import {
  combineRecommendations,
  recommend,
  targetKey,
  type KeyUsability,
} from '../autocrypt/recommendation';
import type { Recommendation } from '../autocrypt/recommendation';
import { recentKeyChange, type PeerState } from '../autocrypt/peer-state';
import { isUsableForEncryption } from '../openpgp/gateway';
import { buildOutgoing, type OutgoingAccount } from '../mail/outgoing';
import { base64ToBytes } from '../util/base64';
import { newMessageId } from '../mime/build';
import { ProtocolError } from '../messaging/errors';
import { CHANNEL, type PageSendStatus } from '../messaging/protocol';
import type { SendState } from '../webmail/ecosmail/contract';
import type { StoredAccount } from '../keyring/store';
import { redeemTicket, requireAccount, type Handler, type Services } from './context';
import { isAddr, str, strList } from './check';
import { ownPrivateKey } from './own-key';
import { MAX_DRAFT_BASE64 } from './drafts';

/**
 * Whether each stored key can be encrypted to now. Spec: a key that is "revoked,
 * expired, or otherwise known to be unusable for encryption" counts as null, so an
 * expired `public_key` falls back to a usable `gossip_key`.
 */
async function usability(
  peer: PeerState | undefined,
  now: number,
): Promise<KeyUsability> {
  const usable = async (key: string | null | undefined) =>
    !!key && (await isUsableForEncryption(base64ToBytes(key), new Date(now)));
  return {
    public_key: await usable(peer?.public_key),
    gossip_key: await usable(peer?.gossip_key),
  };
}

/** The key we would encrypt to (the spec's `target-keys[to-addr]`), or null. */
async function peerKey(peer: PeerState | undefined, now: number): Promise<string | null> {
  const target = targetKey(peer, await usability(peer, now));
  return target && peer ? peer[target] : null;
}

/**
 * The stored account in the shape the mail builder signs and sends as, with our
 * usable private key when the message is signed (encrypted mail). Mail in the
 * clear is not signed, so it needs no key and no unlock: its key field is empty.
 *
 * @throws ProtocolError `locked` when the key has a passphrase and is not unlocked
 */
export async function sendingAs(
  services: Services,
  account: StoredAccount,
  signs = true,
): Promise<OutgoingAccount> {
  return {
    addr: account.addr,
    name: account.name || undefined,
    privateKeyArmored: signs ? await ownPrivateKey(services, account) : '',
    keydata: base64ToBytes(account.keydata),
    prefer_encrypt: account.prefer_encrypt,
  };
}

/** Canonical, de-duplicated recipient list; refuses anything not an address. */
export function recipientsOf(to: unknown, cc: unknown): string[] {
  const all = [...strList(to, 'to'), ...strList(cc, 'cc')].map(canonicalAddr);
  const bad = all.find((a) => !isAddr(a));
  if (bad !== undefined)
    throw new ProtocolError('bad-request', `not an email address: ${bad}`);
  return [...new Set(all)];
}

/** The recommendation for one peer, checking its key is usable today. */
export async function recommendationFor(
  peer: PeerState | undefined,
  account: StoredAccount,
  replyToEncrypted: boolean,
  now: number,
): Promise<Recommendation> {
  return recommend(peer, await usability(peer, now), {
    now,
    ownPreferEncrypt: account.prefer_encrypt,
    replyToEncrypted,
  });
}

export const composerRegister: Handler<'composer.register'> = async (
  payload,
  caller,
  services,
) => {
  if (caller.tabId === undefined) throw new ProtocolError('bad-request', 'no tab');
  const inReplyTo =
    payload.inReplyTo === null ? null : str(payload.inReplyTo, 'inReplyTo');
  const pageAccount =
    payload.pageAccount == null
      ? null
      : canonicalAddr(str(payload.pageAccount, 'pageAccount', 320));
  const account = await services.keyring.getAccount();
  const ticket = await services.tickets.issue({
    kind: 'composer',
    tabId: caller.tabId,
    composeId: str(payload.composeId, 'composeId', 200),
    to: strList(payload.to, 'to'),
    cc: strList(payload.cc, 'cc'),
    subject: str(payload.subject, 'subject'),
    inReplyTo,
    references: strList(payload.references, 'references', 100, 1000),
    pageAccount,
    ...(payload.draft ? { draft: str(payload.draft, 'draft', MAX_DRAFT_BASE64) } : {}),
    messageId: newMessageId(account?.addr ?? pageAccount ?? 'ecosmail.invalid'),
    created: services.now(),
  });
  return { ticket };
};

/** Whether the message replied to (by Message-ID) arrived encrypted. */
export async function replyToEncrypted(services: Services, inReplyTo: string | null) {
  return inReplyTo !== null && (await services.tickets.wasEncrypted(inReplyTo));
}

export const composerOpen: Handler<'composer.open'> = async (
  payload,
  caller,
  services,
) => {
  const t = await redeemTicket(services, payload, 'composer', caller);
  const account = await services.keyring.getAccount();
  return {
    from: account?.addr ?? null,
    to: t.to,
    cc: t.cc,
    subject: t.subject,
    replyToEncrypted: await replyToEncrypted(services, t.inReplyTo),
    pageAccount: t.pageAccount,
    gmail: t.gmail !== undefined,
    hasDraft: !!t.draft,
  };
};

export const composerRecommend: Handler<'composer.recommend'> = async (
  payload,
  caller,
  services,
) => {
  const t = await redeemTicket(services, payload, 'composer', caller);
  const account = await requireAccount(services);
  const reply = await replyToEncrypted(services, t.inReplyTo);
  const now = services.now();

  const recipients = [];
  for (const addr of recipientsOf(payload.to, payload.cc)) {
    const peer = await services.keyring.getPeer(addr);
    recipients.push({
      addr,
      recommendation: await recommendationFor(peer, account, reply, now),
      keyChangedAt: recentKeyChange(peer, now),
    });
  }
  const overall = combineRecommendations(recipients.map((r) => r.recommendation));
  const added = t.inReplyTo
    ? await services.tickets.addedRecipients(t.tabId, t.inReplyTo)
    : [];
  const notNamedBySender = recipients
    .map((r) => r.addr)
    .filter((addr) => added.includes(addr));
  return { recipients, overall, notNamedBySender };
};

/** Every recipient's usable key, or a `cannot-encrypt` error naming who lacks one. */
export async function keysFor(
  services: Services,
  recipients: string[],
): Promise<Uint8Array[]> {
  const now = new Date(services.now());
  const keys: Uint8Array[] = [];
  for (const addr of recipients) {
    const key = await peerKey(await services.keyring.getPeer(addr), now.getTime());
    if (key === null) {
      throw new ProtocolError('cannot-encrypt', `no usable key for ${addr}`);
    }
    keys.push(base64ToBytes(key));
  }
  return keys;
}

/**
 * Builds and submits the message. The composer sends this only from its
 * Send button's click handler: signing needs the user's gesture.
 */
export const composerSend: Handler<'composer.send'> = async (
  payload,
  caller,
  services,
) => {
  const t = await redeemTicket(services, payload, 'composer', caller);
  // A Gmail compose window has no page contract to submit through.
  if (t.gmail) throw new ProtocolError('bad-request', 'use a Gmail send path');
  const account = await requireAccount(services);
  // The webmail would refuse (or worse, send under another name) a message
  // whose From is not the signed-in account.
  if (t.pageAccount && t.pageAccount !== account.addr) {
    throw new ProtocolError(
      'wrong-account',
      `the webmail is signed in as ${t.pageAccount}, the key is for ${account.addr}`,
    );
  }
  const to = recipientsOf(payload.to, []);
  const cc = recipientsOf([], payload.cc);
  const recipients = [...new Set([...to, ...cc])];
  if (recipients.length === 0)
    throw new ProtocolError('no-recipients', 'add a recipient');

  const encrypt = payload.encrypt === true;
  const certs = encrypt ? await keysFor(services, recipients) : null;
  const settings = await services.keyring.getSettings();

  // Spec, "Key Gossip": with more than one recipient, each one's key goes inside the
  // encryption so that everybody can reply to all encrypted.
  const gossip =
    certs && recipients.length > 1
      ? recipients.map((addr, i) => ({ addr, keydata: certs[i]! }))
      : [];

  const mime = await buildOutgoing(
    await sendingAs(services, account, certs !== null),
    {
      to,
      cc,
      subject: str(payload.subject, 'subject'),
      text: str(payload.text, 'text', 5_000_000),
      inReplyTo: t.inReplyTo ?? undefined,
      references: t.references,
      messageId: t.messageId,
    },
    certs,
    new Date(services.now()),
    { protectHeaders: settings.protect_headers, gossip },
  );

  // The same Message-ID on every try: a webmail that already sent it answers
  // `alreadySent` instead of sending a second copy.
  const result = await services.submitToPage(t.tabId, {
    composeId: t.composeId,
    recipients,
    mime,
    messageId: t.messageId,
  });
  if (!result.ok) {
    throw new ProtocolError(
      'submit-failed',
      result.error ?? 'the webmail refused the message',
    );
  }
  return { encrypted: encrypt, alreadySent: result.alreadySent === true };
};

/**
 * Where this compose slot's send stands, asked by the composer when it lost the
 * answer to `composer.send` (the worker stopped, the wait timed out): the page says
 * whether its provider sent the slot's Message-ID. No key is used.
 */
export const composerSendStatus: Handler<'composer.sendStatus'> = async (
  payload,
  caller,
  services,
) => {
  const t = await redeemTicket(services, payload, 'composer', caller);
  if (t.gmail || !t.messageId) return { state: 'unknown' };
  const ask: PageSendStatus = {
    channel: CHANNEL,
    name: 'page.sendStatus',
    payload: { messageId: t.messageId },
  };
  const answer = await services.toContent(t.tabId, ask);
  const states: SendState[] = ['sent', 'sending', 'not-sent'];
  return { state: states.find((s) => s === answer) ?? 'unknown' };
};
