/**
 * Processing received messages: Autocrypt ingestion (header verdict and the
 * sender's new peer state) and, separately, decryption of PGP/MIME mail.
 *
 * Spec: Autocrypt Level 1, "Updating Autocrypt Peer State".
 */

import { parseAutocryptHeader, type HeaderVerdict } from '../autocrypt/header';
import { updatePeerState, type PeerState } from '../autocrypt/peer-state';
import { parseMailDetailed, type ParsedMail } from '../mime/parse';
import { checkKeydata, type CheckedKey, type CheckedVerdict } from './keydata';

export { decryptMail, type DecryptedMail } from './decrypt';

/** Why a message was left out of Autocrypt processing altogether. */
export type SkipReason =
  'multipart-report' | 'multiple-from' | 'no-from' | 'auto-replied' | 'spam';

/** What the webmail knows about a message beyond its bytes. */
export interface ReceivedAs {
  /** The provider filed it as spam (attack suite AC-11). */
  spam?: boolean;
}

/** The outcome of {@link ingestMessage}. */
export interface IngestResult {
  /** The parsed message. */
  mail: ParsedMail;
  /**
   * The verdict on the message's Autocrypt header(s); null when there was none. For
   * a skipped message that had headers: invalid with reason `skipped-<why>`.
   */
  verdict: HeaderVerdict | null;
  /** Set when the spec says to ignore the message; the peer state is then untouched. */
  skipped: null | SkipReason;
  /** The From peer's new state; undefined = unchanged. */
  peer: PeerState | undefined;
  /** Primary fingerprint of the key in the single valid header, else null. */
  fingerprint: string | null;
}

/**
 * What a received message says about its sender, before any stored state is
 * read: the parse, the skip rules and the header verdict (keydata checked).
 * {@link nextPeerState} then applies it to the stored peer; the split lets the
 * background judge messages outside its write queue.
 */
export interface JudgedMessage {
  mail: ParsedMail;
  verdict: HeaderVerdict | null;
  skipped: null | SkipReason;
  /** Primary fingerprint of the key in the single valid header, else null. */
  fingerprint: string | null;
  /** The effective date (ms); 0 for a skipped message. */
  effectiveDate: number;
}

/**
 * Parses a received message and judges its Autocrypt header(s). Nothing is read
 * from or written to the keyring.
 *
 * @param known a key that passed the keydata check before (the peer's stored
 *   key), when the caller has it at hand; see {@link checkKeydata}
 * @param receivedAs what the webmail said about it (spam)
 * @throws MimeError when the message cannot be parsed at all
 */
export async function judgeMessage(
  raw: Uint8Array,
  receivedAt: number,
  known?: (addr: string) => Promise<CheckedKey | undefined>,
  receivedAs: ReceivedAs = {},
): Promise<JudgedMessage> {
  const { mail, header: headerValues } = await parseMailDetailed(raw);
  const skipped = skipReason(mail, headerValues('auto-submitted'), receivedAs);

  // A skipped message must not touch peer state at all, and its Autocrypt header
  // (a report may quote somebody else's) is never used.
  if (skipped || !mail.from) {
    const why = skipped ?? 'no-from';
    const verdict = mail.autocryptHeaders.length > 0 ? skippedVerdict(why) : null;
    return { mail, verdict, skipped: why, fingerprint: null, effectiveDate: 0 };
  }

  const { verdict, fingerprint } = await judgeHeaders(
    mail.autocryptHeaders,
    mail.from.addr,
    await known?.(mail.from.addr),
  );
  const effectiveDate = effectiveDateOf(mail, receivedAt);
  return { mail, verdict, skipped: null, fingerprint, effectiveDate };
}

/**
 * The sender's next peer state after a judged message (Autocrypt Level 1,
 * "Updating Autocrypt Peer State"); undefined = unchanged or skipped.
 */
export function nextPeerState(
  previous: PeerState | undefined,
  judged: JudgedMessage,
): PeerState | undefined {
  const { mail, verdict, fingerprint, effectiveDate } = judged;
  if (judged.skipped || !mail.from) return undefined;

  // An invalid header counts as none: it only moves last_seen.
  const header =
    verdict?.valid && fingerprint
      ? {
          prefer_encrypt: verdict.header.prefer_encrypt,
          keydata: verdict.header.keydata,
          fingerprint,
        }
      : null;
  return updatePeerState(previous, { addr: mail.from.addr, effectiveDate, header });
}

/** The {@link IngestResult} of a judged message and the sender's next state. */
export function ingestResult(
  judged: JudgedMessage,
  peer: PeerState | undefined,
): IngestResult {
  const { mail, verdict, skipped } = judged;
  const valid = !skipped && verdict?.valid === true && judged.fingerprint !== null;
  return { mail, verdict, skipped, peer, fingerprint: valid ? judged.fingerprint : null };
}

/**
 * Reads a received message and works out what it means for the sender's Autocrypt
 * peer state. Nothing is stored here: the caller writes `peer` when it is defined.
 *
 * @param getPeer the stored state for a canonical address
 * @param receivedAt when the message arrived (ms); the effective date when the Date
 *   header is missing or in the future
 * @param receivedAs what the webmail said about it (spam)
 * @throws MimeError when the message cannot be parsed at all
 */
export async function ingestMessage(
  raw: Uint8Array,
  getPeer: (addr: string) => Promise<PeerState | undefined>,
  receivedAt: number,
  receivedAs: ReceivedAs = {},
): Promise<IngestResult> {
  let previous: PeerState | undefined;
  const judged = await judgeMessage(
    raw,
    receivedAt,
    async (addr) => {
      previous = await getPeer(addr);
      return storedKey(previous);
    },
    receivedAs,
  );
  return ingestResult(judged, nextPeerState(previous, judged));
}

/**
 * The message's effective date (ms). Spec: "the sending time of the message as
 * indicated by its Date header, or the time of receipt if that date is in the future
 * or unavailable".
 */
export function effectiveDateOf(mail: ParsedMail, receivedAt: number): number {
  const sent = mail.date?.getTime();
  return sent !== undefined && sent <= receivedAt ? sent : receivedAt;
}

/**
 * Why Autocrypt ignores a message, or null. Spec: messages "SHOULD be ignored" when
 * auto-replied (RFC 3834), multipart/report, or with more than one address in
 * From, and a header "SHOULD NOT" be processed in mail the provider marked as
 * spam. Without any From there is no peer either.
 *
 * @param autoSubmitted the values of the message's Auto-Submitted header
 * @param receivedAs what the webmail said about the message
 */
export function skipReason(
  mail: ParsedMail,
  autoSubmitted: string[],
  receivedAs: ReceivedAs = {},
): SkipReason | null {
  if (mail.isReport) return 'multipart-report';
  if (receivedAs.spam === true) return 'spam';
  if (autoSubmitted.some((value) => /^\s*auto-replied\b/i.test(value)))
    return 'auto-replied';
  if (mail.fromCount > 1) return 'multiple-from';
  if (mail.fromCount === 0) return 'no-from';
  return null;
}

function skippedVerdict(skipped: SkipReason): HeaderVerdict {
  const why = {
    'multipart-report': 'Content-Type multipart/report',
    'auto-replied': 'Auto-Submitted: auto-replied',
    'multiple-from': 'more than one From address',
    'no-from': 'no From address',
    spam: 'filed as spam by the webmail',
  }[skipped];
  const reason = skipped === 'multipart-report' ? 'skipped-report' : `skipped-${skipped}`;
  return { valid: false, reason, detail: `${why}: message ignored for Autocrypt` };
}

/** The peer's stored key: it passed the keydata check when it was stored. */
export function storedKey(peer: PeerState | undefined): CheckedKey | undefined {
  if (!peer?.public_key || !peer.public_key_fingerprint) return undefined;
  return { keydata: peer.public_key, fingerprint: peer.public_key_fingerprint };
}

/**
 * The verdict on a message's Autocrypt header values from `fromAddr`, keydata
 * included. Spec: "If there is more than one valid header, this SHOULD be treated
 * as an error, and all Autocrypt headers discarded as invalid." Valid means syntax
 * and keydata both pass; with no valid header the first problem is reported.
 */
export async function judgeHeaders(
  values: string[],
  fromAddr: string,
  known?: CheckedKey,
): Promise<CheckedVerdict | { verdict: null; fingerprint: null }> {
  if (values.length === 0) return { verdict: null, fingerprint: null };

  const judged = await Promise.all(
    values.map((value) => checkKeydata(parseAutocryptHeader(value, fromAddr), known)),
  );
  const valid = judged.filter((j) => j.verdict.valid);

  if (valid.length > 1) {
    const detail = `${valid.length} valid Autocrypt headers: all discarded`;
    return {
      verdict: { valid: false, reason: 'multiple-headers', detail },
      fingerprint: null,
    };
  }
  return valid[0] ?? judged[0]!;
}
