/**
 * The read path: a message shown by the webmail reaches us as raw bytes;
 * its Autocrypt header updates the peer state; an encrypted message gets a
 * ticket for the reader frame, which decrypts only after the user's click.
 */
import { decryptMail, ingestResult, judgeMessage, nextPeerState } from '../mail/incoming';
import { decryptionKeysOf } from './key-replacement';
import { embeddedBlocks, inlineArmor } from '../mail/inline';
import { parseMail } from '../mime/parse';
import { base64ToBytes, bytesToBase64 } from '../util/base64';
import { ProtocolError } from '../messaging/errors';
import type { HeaderSummary, Requests } from '../messaging/protocol';
import type { IngestResult } from '../mail/incoming';
import type { PeerState } from '../autocrypt/peer-state';
import {
  redeemTicket,
  requireAccount,
  type Caller,
  type Handler,
  type Services,
} from './context';
import { readerProgress } from './progress';
import type { ReaderTicket } from './tickets';
import { str } from './check';
import { KEY_BUDGET, VIEW_BUDGET } from './limits';
import { skipReason } from '../mail/incoming';
import { applyDecryptedMail } from '../mail/after-decryption';
import { parseMailDetailed } from '../mime/parse';
import { ownPrivateKey } from './own-key';
import { MAX_RAW_MAIL_BYTES } from '../messaging/raw-limit';

/** Raw messages above this size are refused before parsing (bytes). */
export const MAX_MESSAGE_BYTES = MAX_RAW_MAIL_BYTES;

function decodeRaw(raw: unknown): Uint8Array {
  // Base64 is 4/3 of the bytes; check the string before decoding it.
  const text = str(raw, 'raw', Math.ceil((MAX_MESSAGE_BYTES * 4) / 3) + 4);
  try {
    return base64ToBytes(text);
  } catch (cause) {
    throw new ProtocolError('bad-request', 'raw: not base64', { cause });
  }
}

function summarise(result: IngestResult): HeaderSummary {
  const { verdict } = result;
  if (result.skipped)
    return { present: verdict !== null, valid: false, reason: result.skipped };
  if (!verdict) return { present: false, valid: false };
  if (!verdict.valid) return { present: true, valid: false, reason: verdict.reason };
  return {
    present: true,
    valid: true,
    addr: verdict.header.addr,
    fingerprint: result.fingerprint ?? undefined,
  };
}

export const messageOpened: Handler<'message.opened'> = async (
  payload,
  caller,
  services,
) => {
  const messageId = str(payload.messageId, 'messageId', 500);
  const bytes = decodeRaw(payload.raw);
  const spam = payload.spam === true;

  // Parse and judge the header (the keydata check included) before touching
  // the keyring: only the peer's read-decide-write step runs in the write queue,
  // batched with the other messages that arrive meanwhile.
  const judged = await judgeMessage(bytes, services.now(), undefined, { spam });
  const from = judged.skipped ? undefined : judged.mail.from?.addr;

  // Our own mail (a Sent copy) is no news about a peer: we are not our own contact.
  const peer = from
    ? await services.keyring.updatePeer(from, (previous, own) =>
        from === own ? undefined : nextPeerState(previous, judged),
      )
    : undefined;
  const result = ingestResult(judged, peer);

  const encrypted = result.mail.encrypted !== null || inlineArmor(result.mail) !== null;
  // A plain mail with old ciphertext inside its text (EF-13, RO-01) gets our
  // reader too, so that it can be read at all; the ticket only lets the user
  // click Decrypt there, nothing is decrypted now.
  const embedded = !encrypted && embeddedBlocks(result.mail) !== null;
  let ticket: string | null = null;
  if ((encrypted || embedded) && caller.tabId !== undefined) {
    ticket = await services.tickets.issue({
      kind: 'reader',
      tabId: caller.tabId,
      messageId,
      raw: payload.raw,
      ...(spam ? { spam } : {}),
      created: services.now(),
    });
    if (encrypted && result.mail.messageId)
      await services.tickets.markEncrypted(result.mail.messageId);
  }

  return { header: summarise(result), encrypted, ticket };
};

export const readerDescribe: Handler<'reader.describe'> = async (
  payload,
  caller,
  services,
) => {
  const ticket = await redeemTicket(services, payload, 'reader', caller);
  const mail = await parseMail(base64ToBytes(ticket.raw));
  // Our frame covers the page's own view of a mail with embedded blocks: its
  // unencrypted text (nothing secret) is shown before any decryption too.
  const segments = embeddedBlocks(mail) ?? [];
  return {
    from: mail.from?.addr ?? '',
    subject: mail.subject,
    date: mail.date ? mail.date.toISOString() : null,
    embeddedBlocks: segments.filter((s) => s.kind === 'block').length,
    unencrypted: segments.flatMap((s) => (s.kind === 'text' ? [s.text] : [])),
  };
};

/** The sender's keys we know: the Autocrypt key first, then a gossiped one. */
function senderCerts(peer: PeerState | undefined): Uint8Array[] {
  const keys = [peer?.public_key, peer?.gossip_key].filter((k): k is string => !!k);
  return keys.map(base64ToBytes);
}

/**
 * Decrypts the ticket's message. The reader frame sends this only from the
 * click handler of its Decrypt button: a private-key operation needs the
 * user's gesture in extension-owned UI.
 */
export const readerDecrypt: Handler<'reader.decrypt'> = async (
  payload,
  caller,
  services,
) => {
  // The account is read while the ticket is checked; a bad ticket still
  // answers first.
  const accountRead = requireAccount(services);
  accountRead.catch(() => undefined);
  const ticket = await redeemTicket(services, payload, 'reader', caller);
  const account = await accountRead;
  // A locked key is answered before the budgets: a Decrypt click that ends in
  // "Unlock" costs none of them.
  const ownKey = await ownPrivateKey(services, account);

  // A page that shows message after message must not get our key to decrypt
  // without bound (attack suite EX-08): one budget per view, one per key.
  const ticketId = str(payload.ticket, 'ticket');
  await services.limits.takeEach([
    [`view:${ticketId}`, VIEW_BUDGET],
    [`key:${account.fingerprint}`, KEY_BUDGET],
  ]);

  // The frame shows these stages while it waits (a large mail takes seconds).
  readerProgress.set(ticketId, caller.tabId, 'reading');
  try {
    return await decryptTicket(ticketId, ticket, account, ownKey, caller, services);
  } finally {
    readerProgress.done(ticketId);
  }
};

// The decryption proper, once the ticket, the account and the budgets passed.
async function decryptTicket(
  ticketId: string,
  ticket: ReaderTicket,
  account: Awaited<ReturnType<typeof requireAccount>>,
  ownKey: string,
  caller: Caller,
  services: Services,
): Promise<Requests['reader.decrypt']['response']> {
  const raw = base64ToBytes(ticket.raw);

  // One parse serves decryption and the peer updates below.
  const parsed = await parseMailDetailed(raw);
  const { mail, header } = parsed;
  const from = mail.from?.addr ?? '';
  const peer = from ? await services.keyring.getPeer(from) : undefined;

  // Each embedded block is a private-key operation of its own: the first was
  // taken above, the others come from the key's budget too (EX-08).
  const beforeBlock = async (index: number) => {
    if (index > 0) await services.limits.take(`key:${account.fingerprint}`, KEY_BUDGET);
  };
  readerProgress.set(ticketId, caller.tabId, 'decrypting');
  const result = await decryptMail(
    raw,
    await decryptionKeysOf(services, account, ownKey),
    senderCerts(peer),
    parsed,
    { beforeBlock },
  );
  readerProgress.set(ticketId, caller.tabId, 'showing');

  // What the payload teaches about peers: a header protected by the encryption and
  // the recipients' gossiped keys. Autocrypt's message-level skips apply here too.
  await services.keyring.withPeers(async (tx) => {
    const effects = await applyDecryptedMail({
      mail,
      decrypted: result,
      skipped: skipReason(mail, header('auto-submitted'), { spam: ticket.spam }) !== null,
      receivedAt: services.now(),
      ownAddr: account.addr,
      getPeer: tx.getPeer,
    });
    for (const changed of effects.changed) await tx.putPeer(changed);
  });

  // HP-02, RO-05: a reply to this message, written in this tab, warns about
  // recipients the sender never named inside the encryption.
  if (mail.messageId) {
    await services.tickets.markAddedRecipients(
      ticket.tabId,
      mail.messageId,
      result.addedRecipients ?? [],
    );
  }

  // RFC 9788: the protected Subject is the one to show; the outer one may be "[...]".
  const hp = result.protectedHeaders;
  return {
    text: result.text,
    html: result.html,
    embedded: result.embedded,
    signature: result.signature,
    signerMatchesFrom: result.signerMatchesFrom,
    fromAmbiguous: result.fromAmbiguous,
    from: result.from,
    subject: hp?.subject ?? mail.subject,
    headerMismatch: result.headerMismatch ?? [],
    protectedFrom: result.headerMismatch?.includes('from') ? (hp?.from ?? null) : null,
    protectedFromForged: result.protectedFromForged ?? false,
    addedRecipients: result.addedRecipients ?? [],
    ...(result.inlineParts ? { inlineParts: result.inlineParts } : {}),
    // One base64 copy per file for the trip to the frame, which decodes it only
    // when the user clicks Download.
    attachments: (result.attachments ?? []).map((file) => ({
      name: file.name,
      mimeType: file.mimeType,
      size: file.content.length,
      data: bytesToBase64(file.content),
    })),
  };
}
