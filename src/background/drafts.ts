/**
 * Drafts of the EcosMail composer (attack suite RO-03): saved through the page,
 * encrypted to our own key only, and restored into our composer frame after a click
 * there. The page stores ciphertext and never sees what was written.
 */
import { canonicalAddr } from '../autocrypt/addr';
import { buildDraft, draftTag, readDraft } from '../mail/draft';
import { ProtocolError } from '../messaging/errors';
import { CHANNEL, type PageSaveDraft } from '../messaging/protocol';
import { base64ToBytes } from '../util/base64';
import type { DraftResult } from '../webmail/ecosmail/contract';
import { redeemTicket, requireAccount, type Handler, type Services } from './context';
import { isAddr, str, strList } from './check';
import { KEY_BUDGET, VIEW_BUDGET } from './limits';
import { ownPrivateKey } from './own-key';

/**
 * The largest stored draft a compose slot takes back (base64 characters). Saving
 * checks it too: a draft over it could never be opened again in its slot.
 */
export const MAX_DRAFT_BASE64 = 2_000_000;

/**
 * The secret behind our drafts' tag, made at the first draft save. It is not the
 * key itself, so a passphrase change (which rewrites the stored key) or a key
 * import leaves earlier drafts restorable.
 */
export async function draftSecretOf(services: Services): Promise<string> {
  const account = await requireAccount(services);
  if (account.draftSecret) return account.draftSecret;

  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const fresh = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  const stored = await services.keyring.updateAccount((now) => {
    if (!now) throw new ProtocolError('no-account', 'no account is set up');
    // Another save made one meanwhile: keep that one.
    return now.draftSecret ? now : { ...now, draftSecret: fresh };
  });
  return stored.draftSecret!;
}

/** Complete addresses only: a draft is saved while an address is half typed. */
function completeAddresses(value: unknown, name: string): string[] {
  return [...new Set(strList(value, name).map(canonicalAddr).filter(isAddr))];
}

/**
 * Encrypts the composer's fields to our own key and hands the draft to the page.
 * No private key is used, so no gesture is needed: the composer saves as the user
 * types and when the frame is left.
 */
export const composerSaveDraft: Handler<'composer.saveDraft'> = async (
  payload,
  caller,
  services,
) => {
  const t = await redeemTicket(services, payload, 'composer', caller);
  // Gmail keeps its own drafts of its compose box, which holds no plaintext of ours.
  if (t.gmail) return { saved: false };
  const account = await requireAccount(services);

  const mime = await buildDraft(
    { addr: account.addr, name: account.name || undefined },
    base64ToBytes(account.keydata),
    {
      to: completeAddresses(payload.to, 'to'),
      cc: completeAddresses(payload.cc, 'cc'),
      subject: str(payload.subject, 'subject'),
      text: str(payload.text, 'text', 5_000_000),
    },
    await draftTag(await draftSecretOf(services)),
    new Date(services.now()),
  );
  // TODO(2026-12-04): a draft this large (about a million characters of text) is
  // not saved at all, and the composer says nothing beyond not showing "Draft saved".
  if (Math.ceil(mime.length / 3) * 4 > MAX_DRAFT_BASE64) return { saved: false };

  const save: PageSaveDraft = {
    channel: CHANNEL,
    name: 'page.saveDraft',
    payload: { composeId: t.composeId, mime },
  };
  const result = (await services.toContent(t.tabId, save)) as DraftResult | undefined;
  return { saved: result?.ok === true };
};

/**
 * Decrypts the draft the page offered for this slot. Only a draft this extension
 * wrote is restored: ciphertext somebody else encrypted to us and placed in Drafts
 * is refused (`not-our-draft`), never shown in the editor.
 */
export const composerRestoreDraft: Handler<'composer.restoreDraft'> = async (
  payload,
  caller,
  services,
) => {
  const t = await redeemTicket(services, payload, 'composer', caller);
  if (!t.draft) throw new ProtocolError('no-draft', 'this compose has no stored draft');
  const account = await requireAccount(services);
  // A locked key is answered before the budgets: a try that cannot use the key
  // costs none of them.
  const ownKey = await ownPrivateKey(services, account);

  // The same budgets as reading (attack suite EX-08): a page cannot make us decrypt
  // draft after draft.
  await services.limits.take(`view:${str(payload.ticket, 'ticket')}`, VIEW_BUDGET);
  await services.limits.take(`key:${account.fingerprint}`, KEY_BUDGET);

  return readDraft(
    base64ToBytes(t.draft),
    ownKey,
    await draftTag(await draftSecretOf(services)),
  );
};
