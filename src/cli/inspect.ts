/**
 * `npm run inspect -- <files…> [--key <secret.asc>[:passphrase]]…
 * [--cert <key.asc>]… [--setup-code <code>] [--account <addr>]
 * [--prefer-encrypt mutual] [--pretty]`
 *
 * Reads mail (and key files, bare OpenPGP messages, Setup Message files) the way the
 * extension's background does, through the very same core, and prints one JSON
 * report per file. The files are processed in order as one mailbox: what one
 * message teaches about a peer is there for the next.
 *
 * It is for people debugging real mail, and it is what the corpus test drives.
 */

import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { PreferEncrypt } from '../autocrypt/header';
import type { PeerState } from '../autocrypt/peer-state';
import { recommend, type Recommendation } from '../autocrypt/recommendation';
import { memoryArea } from '../keyring/area';
import { KeyringStore } from '../keyring/store';
import { applyDecryptedMail } from '../mail/after-decryption';
import {
  decryptMail,
  ingestMessage,
  type DecryptedMail,
  type IngestResult,
} from '../mail/incoming';
import type { CheckedVerdict } from '../mail/keydata';
import { readProtectedHeaders } from '../mail/protected-headers';
import {
  findSetupMessage,
  importSetupMessage,
  SetupMessageError,
} from '../mail/setup-message';
import { verifySignedMail } from '../mail/signed';
import { parseMailDetailed } from '../mime/parse';
import {
  decryptAndVerify,
  describeKeyFile,
  importSecretKey,
  isUsableForEncryption,
  verifyCleartext,
  type SignatureCheck,
} from '../openpgp/gateway';
import { base64ToBytes } from '../util/base64';
import { CodedError } from '../util/coded-error';

/** What a file turned out to be. */
export type FileKind =
  | 'message'
  | 'public-key'
  | 'secret-key'
  | 'pgp-message'
  | 'cleartext'
  | 'setup-message'
  | 'unreadable';

/** An Autocrypt header verdict as reported. */
export type ReportedVerdict =
  | { valid: true; addr: string; prefer_encrypt: PreferEncrypt; fingerprint: string }
  | { valid: false; reason: string; detail: string };

/** A signature verdict as reported. */
export interface ReportedSignature {
  /** `valid`, `invalid`, `unknown-key` or `none`. */
  signature: SignatureCheck['status'];
  /** Primary fingerprint of the certificate that verified, else null. */
  signer_fingerprint: string | null;
  /** Why an invalid signature is invalid, or the unknown signer's key ID. */
  signature_detail?: string;
}

/** One file's report. Dates are ISO 8601; addresses canonical. */
export interface FileReport {
  /** The path as given. */
  file: string;
  /** What the file is. */
  kind: FileKind;
  /** For `unreadable`: the error code and message. */
  error?: { code: string; message: string };
  /** The single From address, or null. */
  from: string | null;
  /** The Date header, or null. */
  date: string | null;
  /** The Level 1 verdict on the OUTER Autocrypt header(s); null when there are none. */
  autocrypt: ReportedVerdict | null;
  /** Where the header that counted came from; null when there was none. */
  autocrypt_location: 'outer' | 'protected' | null;
  /** The verdict on an Autocrypt header found only inside the encryption. */
  autocrypt_protected: ReportedVerdict | null;
  /** Set when Autocrypt ignores the message as a whole (report, several From...). */
  skipped: string | null;
  /** Gossip keys applied from the decrypted payload. */
  gossip: { addr: string; fingerprint: string }[];
  /** The gossiped peers' states after this file, with the recommendation for each. */
  gossip_peers: (ReportedPeer & { recommendation: Recommendation })[];
  /** The sender's peer state after this file, or null when there is none. */
  peer: ReportedPeer | null;
  /** The Autocrypt recommendation for replying to the sender. */
  recommendation: Recommendation | null;
  /** Decryption outcome; null when the file is not encrypted. */
  decrypt:
    | null
    | ({ ok: true; text: string; signer_matches_from: boolean } & ReportedSignature)
    | { ok: false; error: string; detail: string };
  /** Text and signature of unencrypted content; null for encrypted content. */
  verify: null | ({ form: string; text: string } & ReportedSignature);
  /** The subject to display from protected headers, or null. */
  protected_subject: string | null;
  /** Setup Message verdict; null when the file is not one. */
  setup_message: null | {
    passphrase_format: string | null;
    passphrase_begin: string | null;
    imported_fingerprint: string | null;
    prefer_encrypt: PreferEncrypt | null;
    refused: null | { code: string; detail: string };
  };
  /** For key files: each key in it. */
  keys:
    | null
    | {
        fingerprint: string;
        version: number;
        has_secret: boolean;
        locked: boolean;
        usable_for_encryption_now: boolean;
      }[];
}

/** A peer state with keys shown by fingerprint and times as ISO dates. */
export interface ReportedPeer {
  addr: string;
  last_seen: string | null;
  autocrypt_timestamp: string | null;
  public_key: string | null;
  prefer_encrypt: PreferEncrypt;
  gossip_timestamp: string | null;
  gossip_key: string | null;
  history: { fingerprint: string; first_seen: string | null; source: string }[];
}

/** How to inspect. */
export interface InspectOptions {
  /** Our secret keys, unlocked, armored: each is tried on encrypted files. */
  secretKeys?: string[];
  /** Extra certificates (binary) that may have signed something. */
  certs?: Uint8Array[];
  /** The Setup Code to try on Setup Messages. */
  setupCode?: string;
  /** Our address: Setup Messages must be to and from it; gossip about it is ignored. */
  account?: string;
  /** Our `prefer-encrypt`, for the recommendation (default nopreference). */
  preferEncrypt?: PreferEncrypt;
  /** Receipt time of every message (ms; default now). */
  receivedAt?: number;
  /** When to judge key expiry (ms; default now). */
  now?: number;
}

/**
 * Inspects `files` in order as one mailbox, over an in-memory keyring, and returns
 * one report per file. Never throws for a bad file: its report says `unreadable`.
 */
export async function inspectMailbox(
  files: { name: string; bytes: Uint8Array }[],
  options: InspectOptions = {},
): Promise<FileReport[]> {
  const keyring = new KeyringStore(memoryArea());
  const reports: FileReport[] = [];

  for (const file of files) {
    try {
      reports.push(await inspectFile(file, keyring, options));
    } catch (error) {
      const coded = error instanceof CodedError ? error.code : 'failed';
      const message = error instanceof Error ? error.message : String(error);
      reports.push({
        ...emptyReport(file.name, 'unreadable'),
        error: { code: coded, message },
      });
    }
  }

  return reports;
}

async function inspectFile(
  file: { name: string; bytes: Uint8Array },
  keyring: KeyringStore,
  options: InspectOptions,
): Promise<FileReport> {
  const head = new TextDecoder().decode(file.bytes.subarray(0, 200)).trimStart();

  if (/^-----BEGIN PGP (PUBLIC|PRIVATE) KEY BLOCK-----/.test(head)) {
    return inspectKeyFile(file, options);
  }
  if (head.startsWith('-----BEGIN PGP SIGNED MESSAGE-----')) {
    const text = new TextDecoder().decode(file.bytes);
    const checked = await verifyCleartext(text, options.certs ?? []);
    return {
      ...emptyReport(file.name, 'cleartext'),
      verify: { form: 'cleartext', text: checked.text, ...signature(checked.signature) },
    };
  }
  if (head.startsWith('-----BEGIN PGP MESSAGE-----')) {
    return inspectArmoredMessage(file, options);
  }
  return inspectMail(file, keyring, options);
}

async function inspectKeyFile(
  file: { name: string; bytes: Uint8Array },
  options: InspectOptions,
): Promise<FileReport> {
  const now = new Date(options.now ?? Date.now());
  const keys = await describeKeyFile(new TextDecoder().decode(file.bytes), now);
  const secret = keys.some((key) => key.hasSecret);

  return {
    ...emptyReport(file.name, secret ? 'secret-key' : 'public-key'),
    keys: keys.map((key) => ({
      fingerprint: key.fingerprint,
      version: key.version,
      has_secret: key.hasSecret,
      locked: key.locked,
      usable_for_encryption_now: key.usableForEncryption,
    })),
  };
}

// A bare armored message: a Setup Message file when it is passphrase-encrypted,
// otherwise an OpenPGP message to decrypt with our keys.
async function inspectArmoredMessage(
  file: { name: string; bytes: Uint8Array },
  options: InspectOptions,
): Promise<FileReport> {
  const text = new TextDecoder().decode(file.bytes);
  if (/^Passphrase-Format:/im.test(text.split(/\r?\n\r?\n/)[0] ?? '')) {
    return {
      ...emptyReport(file.name, 'setup-message'),
      setup_message: await inspectSetup(file.bytes, options),
    };
  }

  const report = emptyReport(file.name, 'pgp-message');
  try {
    const { data, signature: check } = await decryptAndVerify({
      message: text,
      decryptionKeysArmored: (options.secretKeys ?? []).join('\n'),
      verificationCerts: options.certs ?? [],
    });
    const plain = new TextDecoder().decode(data);
    report.decrypt = {
      ok: true,
      text: plain,
      signer_matches_from: false,
      ...signature(check),
    };
  } catch (error) {
    report.decrypt = failure(error, options);
  }
  return report;
}

async function inspectMail(
  file: { name: string; bytes: Uint8Array },
  keyring: KeyringStore,
  options: InspectOptions,
): Promise<FileReport> {
  const receivedAt = options.receivedAt ?? Date.now();
  const ingested = await keyring.withPeers(async (tx) => {
    const result = await ingestMessage(file.bytes, tx.getPeer, receivedAt);
    if (result.peer) await tx.putPeer(result.peer);
    return result;
  });
  const { mail } = ingested;
  const detailed = await parseMailDetailed(file.bytes);

  const report = emptyReport(file.name, 'message');
  report.from = mail.fromCount === 1 ? mail.from!.addr : null;
  report.date = detailed.header('date')[0]?.trim() ?? null;
  report.skipped = ingested.skipped === 'no-from' ? null : ingested.skipped;
  report.autocrypt = reportedVerdict(ingested);
  report.autocrypt_location = mail.autocryptHeaders.length > 0 ? 'outer' : null;

  if (detailed.header('autocrypt-setup-message').length > 0) {
    report.kind = 'setup-message';
    report.setup_message = await inspectSetup(file.bytes, options);
    return report;
  }

  const certs = async () => [...senderCerts(await peerOf(keyring, mail.from?.addr))];
  if (mail.encrypted) {
    await inspectEncrypted(file.bytes, ingested, report, keyring, options, await certs());
  } else {
    const signed = await verifySignedMail(file.bytes, [
      ...(await certs()),
      ...(options.certs ?? []),
    ]);
    // Form 'none' with signature 'none': the message is not signed.
    report.verify = {
      form: signed.form,
      text: signed.text,
      ...signature(signed.signature),
    };
    // Unsigned and unencrypted: only a root that marks itself as carrying protected
    // headers (a decrypted payload saved to a file) has a protected Subject.
    const own = signed.form === 'none' ? readProtectedHeaders(detailed, true) : null;
    report.protected_subject = (signed.protectedHeaders ?? own)?.subject ?? null;
  }

  const peer = await peerOf(keyring, mail.from?.addr);
  report.peer = peer ? reportedPeer(peer) : null;
  report.recommendation = mail.from
    ? await recommendation(peer, mail.encrypted !== null, options)
    : null;
  return report;
}

async function inspectEncrypted(
  raw: Uint8Array,
  ingested: IngestResult,
  report: FileReport,
  keyring: KeyringStore,
  options: InspectOptions,
  senderKeys: Uint8Array[],
): Promise<void> {
  let decrypted;
  try {
    decrypted = await decryptMail(raw, (options.secretKeys ?? []).join('\n'), [
      ...senderKeys,
      ...(options.certs ?? []),
    ]);
  } catch (error) {
    report.decrypt = failure(error, options);
    return;
  }

  report.decrypt = {
    ok: true,
    text: decrypted.text,
    signer_matches_from: decrypted.signerMatchesFrom,
    ...signature(decrypted.signature),
  };

  // "For an encrypted payload with protected headers but no Subject", the outer
  // Subject is the one to show.
  const hp = decrypted.protectedHeaders;
  report.protected_subject = hp ? (hp.subject ?? ingested.mail.subject) : null;

  const effects = await keyring.withPeers(async (tx) => {
    const applied = await applyDecryptedMail({
      mail: ingested.mail,
      decrypted,
      skipped: ingested.skipped !== null,
      receivedAt: options.receivedAt ?? Date.now(),
      ownAddr: options.account,
      getPeer: tx.getPeer,
    });
    for (const peer of applied.changed) await tx.putPeer(peer);
    return applied;
  });

  report.gossip = effects.acceptedGossip.map(({ addr, fingerprint }) => ({
    addr,
    fingerprint,
  }));
  for (const { addr } of report.gossip) {
    const peer = await keyring.getPeer(addr);
    if (!peer) continue;
    const rec = await recommendation(peer, false, options);
    report.gossip_peers.push({ ...reportedPeer(peer), recommendation: rec });
  }
  if (effects.protectedVerdict) {
    const { verdict, fingerprint } = effects.protectedVerdict;
    report.autocrypt_protected = toReported(verdict, fingerprint);
    report.autocrypt_location ??= 'protected';
  }
}

async function inspectSetup(
  bytes: Uint8Array,
  options: InspectOptions,
): Promise<NonNullable<FileReport['setup_message']>> {
  const verdict: NonNullable<FileReport['setup_message']> = {
    passphrase_format: null,
    passphrase_begin: null,
    imported_fingerprint: null,
    prefer_encrypt: null,
    refused: null,
  };

  try {
    const setup = await findSetupMessage(bytes, options.account);
    verdict.passphrase_format = setup.passphraseFormat;
    verdict.passphrase_begin = setup.passphraseBegin;
    if (options.setupCode === undefined) {
      verdict.refused = { code: 'no-code', detail: 'no --setup-code given' };
      return verdict;
    }
    const imported = await importSetupMessage(setup, options.setupCode);
    verdict.imported_fingerprint = imported.fingerprint;
    verdict.prefer_encrypt = imported.prefer_encrypt;
  } catch (error) {
    if (!(error instanceof SetupMessageError)) throw error;
    verdict.refused = { code: error.code, detail: error.message };
  }
  return verdict;
}

async function recommendation(
  peer: PeerState | undefined,
  replyToEncrypted: boolean,
  options: InspectOptions,
): Promise<Recommendation> {
  const at = new Date(options.now ?? Date.now());
  const usable = async (key: string | null | undefined) =>
    key ? isUsableForEncryption(base64ToBytes(key), at) : false;

  return recommend(
    peer,
    {
      public_key: await usable(peer?.public_key),
      gossip_key: await usable(peer?.gossip_key),
    },
    {
      now: at.getTime(),
      ownPreferEncrypt: options.preferEncrypt ?? 'nopreference',
      replyToEncrypted,
    },
  );
}

function reportedVerdict(ingested: IngestResult): ReportedVerdict | null {
  return ingested.verdict ? toReported(ingested.verdict, ingested.fingerprint) : null;
}

function toReported(
  verdict: NonNullable<CheckedVerdict['verdict']>,
  fingerprint: string | null,
): ReportedVerdict {
  if (!verdict.valid) {
    return { valid: false, reason: verdict.reason, detail: verdict.detail };
  }
  return {
    valid: true,
    addr: verdict.header.addr.toLowerCase(),
    prefer_encrypt: verdict.header.prefer_encrypt,
    fingerprint: fingerprint ?? '',
  };
}

function signature(
  check: SignatureCheck | DecryptedMail['signature'],
): ReportedSignature {
  switch (check.status) {
    case 'valid':
      return { signature: 'valid', signer_fingerprint: check.signerFingerprint };
    case 'invalid':
      return {
        signature: 'invalid',
        signer_fingerprint: null,
        signature_detail: check.reason,
      };
    case 'unknown-key':
      return {
        signature: 'unknown-key',
        signer_fingerprint: null,
        signature_detail: check.keyID,
      };
    default:
      return { signature: 'none', signer_fingerprint: null };
  }
}

function failure(error: unknown, options: InspectOptions) {
  if (!(error instanceof CodedError)) throw error;
  const noKeys = (options.secretKeys ?? []).length === 0 && error.code === 'bad-key';
  return {
    ok: false as const,
    error: noKeys ? 'no-key' : (error.code as string),
    detail: noKeys ? 'no --key given' : error.message,
  };
}

async function peerOf(keyring: KeyringStore, addr: string | undefined) {
  return addr ? keyring.getPeer(addr) : undefined;
}

// The sender's keys we hold: the Autocrypt key first, then a gossiped one.
function senderCerts(peer: PeerState | undefined): Uint8Array[] {
  return [peer?.public_key, peer?.gossip_key]
    .filter((key): key is string => !!key)
    .map(base64ToBytes);
}

function reportedPeer(peer: PeerState): ReportedPeer {
  const iso = (ms: number) => (ms > 0 ? new Date(ms).toISOString() : null);
  return {
    addr: peer.addr,
    last_seen: iso(peer.last_seen),
    autocrypt_timestamp: iso(peer.autocrypt_timestamp),
    public_key: peer.public_key_fingerprint,
    prefer_encrypt: peer.prefer_encrypt,
    gossip_timestamp: iso(peer.gossip_timestamp),
    gossip_key: peer.gossip_key_fingerprint,
    history: peer.history.map((entry) => ({
      fingerprint: entry.fingerprint,
      first_seen: iso(entry.first_seen),
      source: entry.source,
    })),
  };
}

function emptyReport(file: string, kind: FileKind): FileReport {
  return {
    file,
    kind,
    from: null,
    date: null,
    autocrypt: null,
    autocrypt_location: null,
    autocrypt_protected: null,
    skipped: null,
    gossip: [],
    gossip_peers: [],
    peer: null,
    recommendation: null,
    decrypt: null,
    verify: null,
    protected_subject: null,
    setup_message: null,
    keys: null,
  };
}

/**
 * Reads the command line: files, then `--key file[:passphrase]`, `--cert file`,
 * `--setup-code`, `--account`, `--prefer-encrypt`, `--pretty`.
 *
 * @throws Error with a usage message for an unknown option or a missing value
 */
export async function parseArguments(argv: string[]): Promise<{
  files: string[];
  options: InspectOptions;
  pretty: boolean;
}> {
  const files: string[] = [];
  const options: InspectOptions = { secretKeys: [], certs: [] };
  let pretty = false;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return next;
    };

    if (arg === '--key') options.secretKeys!.push(await readSecretKey(value()));
    else if (arg === '--cert') options.certs!.push(...(await readCerts(value())));
    else if (arg === '--setup-code') options.setupCode = value();
    else if (arg === '--account') options.account = value();
    else if (arg === '--prefer-encrypt')
      options.preferEncrypt = value() === 'mutual' ? 'mutual' : 'nopreference';
    else if (arg === '--pretty') pretty = true;
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}\n${USAGE}`);
    else files.push(arg);
  }

  if (files.length === 0) throw new Error(USAGE);
  return { files, options, pretty };
}

const USAGE =
  'usage: npm run inspect -- <files…> [--key <secret.asc>[:passphrase]]… ' +
  '[--cert <key.asc>]… [--setup-code <code>] [--account <addr>] ' +
  '[--prefer-encrypt mutual] [--pretty]';

// `file:passphrase`, unless the whole argument names a file (paths may hold ':').
async function readSecretKey(arg: string): Promise<string> {
  const colon = arg.lastIndexOf(':');
  const [path, passphrase] =
    existsSync(arg) || colon < 0
      ? [arg, undefined]
      : [arg.slice(0, colon), arg.slice(colon + 1)];
  try {
    const { privateKeyArmored } = await importSecretKey(
      readFileSync(path, 'utf8'),
      passphrase,
    );
    return privateKeyArmored;
  } catch (error) {
    const locked = error instanceof CodedError && error.code === 'key-locked';
    const hint = locked ? ' (give it as --key file:passphrase)' : '';
    throw new Error(`--key ${path}: ${(error as Error).message}${hint}`, {
      cause: error,
    });
  }
}

async function readCerts(path: string): Promise<Uint8Array[]> {
  const keys = await describeKeyFile(readFileSync(path, 'utf8'));
  return keys.map((key) => key.certificate);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = await parseArguments(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
    return;
  }

  let inputs;
  try {
    inputs = parsed.files.map((name) => ({
      name,
      bytes: new Uint8Array(readFileSync(name)),
    }));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
    return;
  }
  for (const report of await inspectMailbox(inputs, parsed.options)) {
    console.log(JSON.stringify(report, null, parsed.pretty ? 2 : undefined));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void main();
}
