/**
 * The only module that imports `openpgp` (eslint enforces it). Everything the
 * product does with keys and OpenPGP messages goes through here, so the limits
 * and the configuration below apply to every call.
 *
 * Inputs and outputs are plain bytes and strings; openpgp objects never leave this
 * file, so callers cannot reuse a `Message` that a failed decryption has consumed.
 */

import * as openpgp from 'openpgp';
import { CryptoError, type CryptoErrorCode } from './errors';
import { BoundedCache, sha256Hex } from '../util/bounded-cache';

/**
 * Upper bound on the plaintext of one message after decompression: 64 MiB.
 *
 * openpgp's default is unlimited, so a few kilobytes of compressed zeros would
 * fill the worker's memory. Webmail providers cap a whole message at 25-50 MB, so no
 * genuine mail comes near this bound, while a browser worker can still hold it.
 */
export const MAX_PLAINTEXT_BYTES = 64 * 1024 * 1024;

// Passed to every openpgp call rather than written into openpgp's global config,
// so that tests or tools using openpgp directly in the same process are unaffected.
const CONFIG: openpgp.PartialConfig = {
  maxDecompressedMessageSize: MAX_PLAINTEXT_BYTES,
  // EFAIL: never hand out plaintext without integrity protection (MDC or AEAD).
  allowUnauthenticatedMessages: false,
  allowUnauthenticatedStream: false,
  // Our peers include GnuPG 2.2 and Sequoia 0.27: they read v4 keys and SEIPDv1
  // but not v6 keys or SEIPDv2, so we make v4 keys only (we still read v6), and
  // SEIPDv2 goes only to keys that advertise it (see sessionKeyFor).
  v6Keys: false,
  aeadProtect: false,
  // openpgp's default, stated so nobody lowers it by accident: RSA keys below 2047
  // bits are neither encrypted to nor trusted for signatures (P12).
  minRSABits: 2047,
  // Keys may carry packets or algorithms this version does not know (a post-quantum
  // subkey, say); skip those packets instead of rejecting the whole key.
  ignoreUnsupportedPackets: true,
};

// Key methods take a complete Config rather than a partial one.
const KEY_CONFIG: openpgp.Config = { ...openpgp.config, ...CONFIG };

// openpgp declares this type but does not export it.
type VerificationResult = Awaited<
  ReturnType<typeof openpgp.verify>
>['signatures'][number];

/** A freshly generated key pair for one of our accounts. */
export interface GeneratedKey {
  /** Unprotected transferable secret key, armored. Protection at rest is the keyring's. */
  privateKeyArmored: string;
  /** The full transferable public key, armored. */
  publicKeyArmored: string;
  /** Upper-case hex fingerprint of the primary key. */
  fingerprint: string;
}

/** What the product needs to know about a certificate it accepted. */
export interface CertificateInfo {
  /** Upper-case hex primary fingerprint (40 digits for v4, 64 for v6). */
  fingerprint: string;
  /** Key packet version: 4 or 6. */
  version: number;
  /** The user IDs the key certified itself, as written; uncertified ones are left out. */
  userIDs: string[];
}

/**
 * The outcome of checking signatures. `valid` names the primary fingerprint of
 * the certificate that verified, and its user IDs so the caller can compare them
 * with the From address.
 */
export type SignatureCheck =
  | { status: 'none' }
  | {
      status: 'valid';
      signerFingerprint: string;
      signerUserIDs: string[];
      /** The signature's creation time (ms), to show beside the Date header. */
      signedAt: number;
      /**
       * Upper-case fingerprints from Intended Recipient Fingerprint subpackets
       * (RFC 9580 5.2.3.36); empty when the signer added none.
       */
      intendedRecipients: string[];
    }
  | { status: 'invalid'; reason: string }
  | { status: 'unknown-key'; keyID: string };

/**
 * Generates an Autocrypt key pair: Ed25519 primary for signing and certifying,
 * Cv25519 subkey for encryption, v4 packets (spec "Secret key generation and
 * storage"). `type: 'ecc'` gives the legacy EdDSA/ECDH algorithm ids; the RFC 9580
 * ids of `'curve25519'` cannot be encrypted to by GnuPG 2.2 or Sequoia 0.27.
 *
 * @param opts.addr the account address, used as the user ID's email
 * @param opts.name optional display name for the user ID
 * @param opts.date creation time (tests pin it; default now)
 */
export async function generateKeyPair(opts: {
  addr: string;
  name?: string;
  date?: Date;
}): Promise<GeneratedKey> {
  const userID = opts.name ? { name: opts.name, email: opts.addr } : { email: opts.addr };

  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [userID],
    date: opts.date,
    format: 'object',
    // aeadProtect here only writes preferences into the self-signature: the
    // SEIPDv2 feature flag and AEAD cipher suites with GCM first (we read
    // SEIPDv2, so others may send it to us). The key itself stays v4.
    config: { ...CONFIG, aeadProtect: true },
  });

  return {
    privateKeyArmored: privateKey.armor(),
    publicKeyArmored: publicKey.armor(),
    fingerprint: fingerprintOf(privateKey),
  };
}

/**
 * The Autocrypt `keydata` for an account: exactly the five packets the spec asks for
 * ("OpenPGP Based key data"): the primary key, the user ID for `addr` (or the primary
 * user ID when none matches), its valid self-signature, the encryption subkey and its
 * valid binding signature. Binary, not armored.
 *
 * @throws CryptoError `'bad-key'` for an unreadable key, `'no-encryption-key'` when
 *   the key has no usable encryption subkey
 */
export async function minimalPublicKey(
  privateKeyArmored: string,
  addr: string,
): Promise<Uint8Array> {
  const key = (await readPrivate(privateKeyArmored)).toPublic();
  const primaryUser = await primaryUserFor(key, addr);

  let encryptionKey: openpgp.PublicKey | openpgp.Subkey;
  try {
    encryptionKey = await key.getEncryptionKey(
      undefined,
      undefined,
      undefined,
      KEY_CONFIG,
    );
  } catch (error) {
    throw new CryptoError('no-encryption-key', 'the key has no usable encryption key', {
      cause: error,
    });
  }

  const packets = new openpgp.PacketList<openpgp.AnyPacket>();
  packets.push(key.keyPacket, primaryUser.user.userID!, primaryUser.selfCertification);

  // An encryption-capable primary key (old RSA keys) needs no subkey at all.
  if (encryptionKey instanceof openpgp.Subkey) {
    const binding = await encryptionKey.verify(undefined, KEY_CONFIG);
    packets.push(encryptionKey.keyPacket, binding);
  }

  return packets.write();
}

/**
 * Reads Autocrypt keydata (or any binary certificate) and checks what an Autocrypt
 * header needs: exactly one public key, no secret material, and an encryption-capable
 * (sub)key. Expiry does not matter here (spec: an expired key is stored and only
 * treated as null by the recommendation); see {@link isUsableForEncryption}.
 *
 * @throws CryptoError `'bad-keydata'` with a message that says which test failed
 */
export async function readCertificate(bytes: Uint8Array): Promise<CertificateInfo> {
  const key = await readOneCertificate(bytes);

  try {
    // `date: null` skips the expiry checks but not the structural ones.
    await key.getEncryptionKey(undefined, null, undefined, KEY_CONFIG);
  } catch (error) {
    const detail = (error as Error).message;
    throw new CryptoError('bad-keydata', `no encryption-capable key: ${detail}`, {
      cause: error,
    });
  }

  return {
    fingerprint: fingerprintOf(key),
    version: key.keyPacket.version,
    userIDs: await certifiedUserIDs(key),
  };
}

/**
 * True when `cert` is a readable certificate with an encryption key that is valid at
 * `date` (default now): not expired, not revoked, not too weak.
 */
export async function isUsableForEncryption(
  cert: Uint8Array,
  date?: Date,
): Promise<boolean> {
  try {
    const key = await readOneCertificate(cert);
    await key.getEncryptionKey(undefined, date ?? new Date(), undefined, KEY_CONFIG);
    return true;
  } catch {
    return false;
  }
}

/**
 * Unlocks a passphrase-protected private key (an imported key, a setup message's
 * key) and returns it armored without protection, ready for the other functions.
 *
 * @throws CryptoError `'bad-key'`, `'bad-passphrase'`
 */
export async function unlockPrivateKey(
  privateKeyArmored: string,
  passphrase: string,
): Promise<string> {
  const key = await readPrivate(privateKeyArmored, { allowLocked: true });
  if (key.isDecrypted()) return key.armor();

  try {
    const unlocked = await openpgp.decryptKey({
      privateKey: key,
      passphrase,
      config: CONFIG,
    });
    return unlocked.armor();
  } catch (error) {
    throw new CryptoError('bad-passphrase', 'the passphrase does not unlock the key', {
      cause: error,
    });
  }
}

/**
 * Protects our private key with a passphrase for storage: the same v4 key, its
 * secret parts encrypted with AES-256 under an iterated and salted S2K (usage 254,
 * SHA-1 check), the form GnuPG, Sequoia and every OpenPGP implementation read, so
 * an exported key stays interoperable. {@link unlockPrivateKey} undoes it.
 *
 * @throws CryptoError `'bad-key'`, `'key-locked'` when the key is protected already
 */
export async function protectPrivateKey(
  privateKeyArmored: string,
  passphrase: string,
): Promise<string> {
  const key = await readPrivate(privateKeyArmored);
  const locked = await openpgp.encryptKey({
    privateKey: key,
    passphrase,
    // AEAD protection (usage 253) is RFC 9580 only; GnuPG 2.2 cannot read it.
    config: {
      ...CONFIG,
      aeadProtect: false,
      s2kType: openpgp.enums.s2k.iterated,
      preferredSymmetricAlgorithm: openpgp.enums.symmetric.aes256,
    },
  });
  return locked.armor();
}

/**
 * Signs `data` with our key and encrypts it to every recipient certificate and to
 * ourselves (spec "Message Encryption": "encrypted to the currently known Autocrypt
 * key of each recipient, as well as the sender's Autocrypt key").
 *
 * Before returning it checks that the message has one session-key packet per
 * recipient plus ours: a message nobody can decrypt is never emitted (P14).
 *
 * @throws CryptoError `'no-encryption-key'` when a certificate has no encryption key
 *   usable at `date`, `'bad-keydata'`, `'bad-key'`, `'key-locked'`, `'encrypt-failed'`
 */
export async function encryptAndSign(opts: {
  data: Uint8Array;
  recipientCerts: Uint8Array[];
  signingKeyArmored: string;
  date?: Date;
}): Promise<string> {
  const date = opts.date ?? new Date();
  const signingKey = await readPrivate(opts.signingKeyArmored);
  const recipients = await Promise.all(opts.recipientCerts.map(readOneCertificate));

  // Check each recipient first so the error can name the certificate; openpgp's own
  // error would not say which one failed.
  for (const cert of recipients) {
    try {
      await cert.getEncryptionKey(undefined, date, undefined, KEY_CONFIG);
    } catch (error) {
      const fingerprint = fingerprintOf(cert);
      throw new CryptoError(
        'no-encryption-key',
        `no usable encryption key in ${fingerprint}`,
        {
          cause: error,
        },
      );
    }
  }

  const encryptionKeys = [...recipients, signingKey.toPublic()];
  const encryptionKeyIDs = await Promise.all(
    encryptionKeys.map((key) => chooseEncryptionKeyID(key, date)),
  );
  let armored: string;
  try {
    armored = await openpgp.encrypt({
      message: await openpgp.createMessage({ binary: opts.data, date }),
      encryptionKeys,
      // openpgp reads an undefined entry as "choose for me".
      encryptionKeyIDs: encryptionKeyIDs as openpgp.KeyID[],
      signingKeys: signingKey,
      sessionKey: await sessionKeyFor(encryptionKeys, date),
      date,
      format: 'armored',
      config: CONFIG,
    });
  } catch (error) {
    throw new CryptoError(
      'encrypt-failed',
      `encryption failed: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }

  const written = await openpgp.readMessage({ armoredMessage: armored, config: CONFIG });
  const sessionKeyPackets = written.getEncryptionKeyIDs().length;
  if (sessionKeyPackets !== encryptionKeys.length) {
    const detail = `${sessionKeyPackets} session-key packets for ${encryptionKeys.length} keys`;
    throw new CryptoError('encrypt-failed', `refusing to send: ${detail}`);
  }

  return armored;
}

/**
 * Decrypts an armored (or binary) OpenPGP message with our key(s) and checks the
 * signatures inside it against `verificationCerts`. The message is read afresh on
 * every call: an openpgp `Message` that went through a failed decryption cannot be
 * decrypted again.
 *
 * @param opts.decryptionKeysArmored one or more unlocked private keys, armored; all
 *   are tried in one call (messages to anonymous key IDs need trial decryption)
 * @throws CryptoError `'bad-ciphertext'`, `'decrypt-failed'`, `'unauthenticated'`,
 *   `'too-large'`, `'bad-key'`, `'key-locked'`
 */
export async function decryptAndVerify(opts: {
  message: string | Uint8Array;
  decryptionKeysArmored: string;
  verificationCerts: Uint8Array[];
}): Promise<{
  data: Uint8Array;
  signature: SignatureCheck;
  /** Primary fingerprints of the keys we decrypted with, for Intended Recipient checks. */
  recipientFingerprints: string[];
}> {
  // The message first: a payload that is no OpenPGP at all is worth saying even
  // to a caller without keys.
  const message = await readEncryptedMessage(opts.message);
  const decryptionKeys = await readDecryptionKeys(opts.decryptionKeysArmored);
  const verificationKeys = await readVerificationKeys(opts.verificationCerts);

  let result: { data: Uint8Array; signatures: VerificationResult[] };
  try {
    result = await openpgp.decrypt({
      message,
      decryptionKeys,
      verificationKeys,
      format: 'binary',
      config: CONFIG,
    });
  } catch (error) {
    throw decryptionError(error);
  }

  return {
    data: result.data,
    signature: await checkSignatures(result.signatures, verificationKeys),
    recipientFingerprints: decryptionKeys.map(fingerprintOf),
  };
}

/**
 * Verifies a detached signature over `data` (the signed part of a multipart/signed,
 * in canonical CRLF form). A signature part that is not OpenPGP at all counts as no
 * signature, like an unsigned message.
 */
export async function verifyDetached(opts: {
  data: Uint8Array;
  signature: string | Uint8Array;
  verificationCerts: Uint8Array[];
}): Promise<SignatureCheck> {
  let signature: openpgp.Signature;
  try {
    signature =
      typeof opts.signature === 'string'
        ? await openpgp.readSignature({
            armoredSignature: opts.signature,
            config: CONFIG,
          })
        : await openpgp.readSignature({
            binarySignature: opts.signature,
            config: CONFIG,
          });
  } catch {
    return { status: 'none' };
  }

  const verificationKeys = await readVerificationKeys(opts.verificationCerts);
  const { signatures } = await openpgp.verify({
    message: await openpgp.createMessage({ binary: opts.data }),
    signature,
    verificationKeys,
    format: 'binary',
    config: CONFIG,
  });

  return checkSignatures(signatures, verificationKeys);
}

/**
 * One verdict for several signatures over the same content (a one-pass signature
 * and an inner multipart/signed, or two signers): an invalid one outweighs a valid
 * one, since somebody tampered with something; a valid one outweighs a signer we
 * do not know; no signatures at all is `none`.
 */
export function combineSignatureChecks(checks: SignatureCheck[]): SignatureCheck {
  return (
    checks.find((check) => check.status === 'invalid') ??
    checks.find((check) => check.status === 'valid') ??
    checks.find((check) => check.status === 'unknown-key') ?? { status: 'none' }
  );
}

/**
 * The session key and its cipher suite for a message to `keys` (ours included).
 * openpgp.js picks SEIPDv2 when every key's self-signature has the SEIPDv2
 * feature (RFC 9580's Features subpacket: v2 only when every recipient has it),
 * with the AEAD mode all of them list. Its fallback when they share no GCM suite
 * is AES-OCB, which 6.3.2 runs in pure JS at a few MiB/s; we write SEIPDv1 then.
 * GCM is native in browsers: `npm run bench` (item 2) measured SEIPDv2 with GCM
 * decrypting about twice as fast as SEIPDv1.
 */
async function sessionKeyFor(keys: openpgp.Key[], date: Date) {
  const chosen = await openpgp.generateSessionKey({
    encryptionKeys: keys as openpgp.PublicKey[],
    date,
    config: CONFIG,
  });
  if (chosen.aeadAlgorithm && chosen.aeadAlgorithm !== 'gcm') {
    return { ...chosen, aeadAlgorithm: undefined };
  }
  return chosen;
}

/**
 * The encryption subkey to use for a certificate with several: the one valid at
 * `date` whose expiry is nearest (one that never expires comes last), newest first
 * among equals. draft-autocrypt-openpgp-v2-cert rotates short-lived encryption
 * subkeys and publishes the next one ahead of time; the soonest-expiring valid one
 * is the one the owner expects to be used now. openpgp's own choice would be the
 * newest, which may be a key its owner does not use yet.
 *
 * @returns the subkey's key ID, or undefined to let openpgp choose (no valid subkey,
 *   or the primary key itself encrypts)
 */
async function chooseEncryptionKeyID(
  key: openpgp.Key,
  date: Date,
): Promise<openpgp.KeyID | undefined> {
  const candidates: { id: openpgp.KeyID; expires: number; created: number }[] = [];
  for (const subkey of key.subkeys) {
    const id = subkey.getKeyID();
    const valid = await key.getEncryptionKey(id, date, undefined, KEY_CONFIG).then(
      (found) => found.getKeyID().equals(id),
      () => false,
    );
    if (!valid) continue;

    const expiry = await subkey.getExpirationTime(date, KEY_CONFIG);
    const expires = expiry instanceof Date ? expiry.getTime() : Infinity;
    candidates.push({ id, expires, created: subkey.getCreationTime().getTime() });
  }

  candidates.sort((a, b) => a.expires - b.expires || b.created - a.created);
  return candidates[0]?.id;
}

function fingerprintOf(key: openpgp.Key): string {
  return key.getFingerprint().toUpperCase();
}

async function readOneCertificate(bytes: Uint8Array): Promise<openpgp.Key> {
  let keys: openpgp.Key[];
  try {
    keys = await openpgp.readKeys({ binaryKeys: bytes, config: CONFIG });
  } catch (error) {
    const detail = (error as Error).message;
    throw new CryptoError('bad-keydata', `not an OpenPGP certificate: ${detail}`, {
      cause: error,
    });
  }

  if (keys.length !== 1) {
    throw new CryptoError(
      'bad-keydata',
      `expected exactly one key, found ${keys.length}`,
    );
  }

  const key = keys[0]!;
  if (key.isPrivate()) {
    throw new CryptoError('bad-keydata', 'contains secret key material');
  }

  return key;
}

// Our own keys from armor; locked keys are refused unless `allowLocked`.
async function readPrivateKeys(
  armored: string,
  opts: { allowLocked?: boolean } = {},
): Promise<openpgp.PrivateKey[]> {
  let keys: openpgp.PrivateKey[];
  try {
    keys = await openpgp.readPrivateKeys({ armoredKeys: armored, config: CONFIG });
  } catch (error) {
    throw new CryptoError('bad-key', 'not an OpenPGP private key', { cause: error });
  }

  if (!opts.allowLocked && keys.some((key) => !key.isDecrypted())) {
    throw new CryptoError('key-locked', 'the private key is locked with a passphrase');
  }

  return keys;
}

async function readPrivate(
  armored: string,
  opts: { allowLocked?: boolean } = {},
): Promise<openpgp.PrivateKey> {
  const keys = await readPrivateKeys(armored, opts);
  if (keys.length !== 1) {
    throw new CryptoError('bad-key', `expected one private key, found ${keys.length}`);
  }
  return keys[0]!;
}

// Parsed keys, by SHA-256 of their armor or bytes. Reading our armored key took
// about a third of a bare 10 KiB decrypt (`npm run bench`, item 1), and every
// message repeats it; the sender's certificate likewise. Keys are only read here,
// never changed, and the same bytes always parse to the same key. Validity at a
// date is still judged on every use (openpgp checks expiry on each verify).
const decryptionKeyCache = new BoundedCache<openpgp.PrivateKey[]>(2);
const verificationKeyCache = new BoundedCache<openpgp.PublicKey[]>(256);

// Our unlocked keys for decryption, parsed once per armored text.
async function readDecryptionKeys(armored: string): Promise<openpgp.PrivateKey[]> {
  const digest = await sha256Hex(armored);
  const cached = decryptionKeyCache.get(digest);
  if (cached) return cached;

  const keys = await readPrivateKeys(armored);
  decryptionKeyCache.set(digest, keys);
  return keys;
}

// Certificates we cannot read are left out: they cannot have made a signature we
// could check, and the result then says "unknown-key" for that signer.
async function readVerificationKeys(certs: Uint8Array[]): Promise<openpgp.PublicKey[]> {
  const keys: openpgp.PublicKey[] = [];
  for (const cert of certs) {
    const digest = await sha256Hex(cert);
    const cached = verificationKeyCache.get(digest);
    if (cached) {
      keys.push(...cached);
      continue;
    }
    try {
      const read = await openpgp.readKeys({ binaryKeys: cert, config: CONFIG });
      verificationKeyCache.set(digest, read);
      keys.push(...read);
    } catch {
      // unreadable certificate: see above
    }
  }
  return keys;
}

async function primaryUserFor(key: openpgp.PublicKey, addr: string) {
  try {
    return await key.getPrimaryUser(undefined, { email: addr }, KEY_CONFIG);
  } catch {
    return await key.getPrimaryUser(undefined, undefined, KEY_CONFIG);
  }
}

async function readEncryptedMessage(input: string | Uint8Array) {
  try {
    return typeof input === 'string'
      ? await openpgp.readMessage({ armoredMessage: input, config: CONFIG })
      : await openpgp.readMessage({ binaryMessage: input, config: CONFIG });
  } catch (error) {
    throw new CryptoError('bad-ciphertext', 'the payload is not an OpenPGP message', {
      cause: error,
    });
  }
}

// openpgp reports everything as Error with a message; map the few cases the UI must
// tell apart. Its own decryption messages are deliberately generic, and so are ours.
function decryptionError(error: unknown): CryptoError {
  const message = error instanceof Error ? error.message : String(error);

  if (message.includes('Maximum decompressed message size exceeded')) {
    return new CryptoError('too-large', 'the decrypted message is over 64 MiB', {
      cause: error,
    });
  }
  if (message.includes('Message is not authenticated')) {
    const detail = 'the message has no integrity protection (outdated sender software)';
    return new CryptoError('unauthenticated', detail, { cause: error });
  }
  return new CryptoError('decrypt-failed', 'the message could not be decrypted', {
    cause: error,
  });
}

async function checkSignatures(
  results: VerificationResult[],
  keys: openpgp.PublicKey[],
): Promise<SignatureCheck> {
  return combineSignatureChecks(await Promise.all(results.map((r) => checkOne(r, keys))));
}

async function checkOne(
  result: VerificationResult,
  keys: openpgp.PublicKey[],
): Promise<SignatureCheck> {
  const signer = keys.find((key) => key.getKeys(result.keyID).length > 0);
  if (!signer) {
    return { status: 'unknown-key', keyID: result.keyID.toHex().toUpperCase() };
  }

  try {
    await result.verified;
  } catch (error) {
    return { status: 'invalid', reason: (error as Error).message };
  }

  const packet = (await result.signature).packets[0] as unknown as SignatureInternals;
  return {
    status: 'valid',
    signerFingerprint: fingerprintOf(signer),
    signerUserIDs: await certifiedUserIDs(signer),
    signedAt: packet.created?.getTime() ?? 0,
    intendedRecipients: intendedRecipientsOf(packet),
  };
}

// openpgp 6.3.2 does not interpret subpacket 35; it keeps hashed subpackets it
// does not know, with their raw body, in `unknownSubpackets`.
interface SignatureInternals {
  created: Date | null;
  unknownSubpackets?: { type: number; body: Uint8Array }[];
}

const INTENDED_RECIPIENT = 35;

// RFC 9580 5.2.3.36: one octet of key version, then the fingerprint.
function intendedRecipientsOf(packet: SignatureInternals): string[] {
  return (packet.unknownSubpackets ?? [])
    .filter((sub) => sub.type === INTENDED_RECIPIENT && sub.body.length > 1)
    .map((sub) =>
      Array.from(sub.body.subarray(1), (b) => b.toString(16).padStart(2, '0'))
        .join('')
        .toUpperCase(),
    );
}

// User IDs with a valid self-certification. `getUserIDs()` lists every user ID
// packet, and anybody can append one claiming any address to a certificate; only
// one the key itself certified says whose key it is (CVE-2019-9148, attack SG-14).
async function certifiedUserIDs(key: openpgp.Key): Promise<string[]> {
  const certified: string[] = [];
  for (const user of key.users) {
    if (!user.userID) continue;
    try {
      await user.verify(undefined, KEY_CONFIG);
      certified.push(user.userID.userID);
    } catch {
      // no valid self-certification: not the key holder's claim
    }
  }
  return certified;
}

/** What one key in a key file is, as the inspector and key import report it. */
export interface KeyFileEntry {
  /** Upper-case hex primary fingerprint. */
  fingerprint: string;
  /** Key packet version: 4 or 6. */
  version: number;
  /** The file holds secret key material for it. */
  hasSecret: boolean;
  /** Its secret material is passphrase-protected. */
  locked: boolean;
  /** An encryption (sub)key is usable at `date`. */
  usableForEncryption: boolean;
  /** The primary key verifies at `date` (not expired, not revoked). */
  primaryValid: boolean;
  /** The certificate (public part), binary. */
  certificate: Uint8Array;
}

/**
 * Reads every key in an armored or binary key file and says what each one is.
 *
 * @param date when to judge expiry (default now)
 * @throws CryptoError `'bad-key'` when the file holds no readable key
 */
export async function describeKeyFile(
  file: string | Uint8Array,
  date: Date = new Date(),
): Promise<KeyFileEntry[]> {
  let keys: openpgp.Key[];
  try {
    keys =
      typeof file === 'string'
        ? await openpgp.readKeys({ armoredKeys: file, config: CONFIG })
        : await openpgp.readKeys({ binaryKeys: file, config: CONFIG });
  } catch (error) {
    throw new CryptoError('bad-key', 'no readable OpenPGP key', { cause: error });
  }

  return Promise.all(
    keys.map(async (key) => ({
      fingerprint: fingerprintOf(key),
      version: key.keyPacket.version,
      hasSecret: key.isPrivate(),
      locked: key.isPrivate() && !(key as openpgp.PrivateKey).isDecrypted(),
      usableForEncryption: await key
        .getEncryptionKey(undefined, date, undefined, KEY_CONFIG)
        .then(
          () => true,
          () => false,
        ),
      primaryValid: await key.verifyPrimaryKey(date, undefined, KEY_CONFIG).then(
        () => true,
        () => false,
      ),
      certificate: key.toPublic().write(),
    })),
  );
}

/**
 * Verifies a cleartext-signed text (`-----BEGIN PGP SIGNED MESSAGE-----`), as found
 * inline in mail bodies. Text that is not a readable cleartext message counts as
 * unsigned.
 */
export async function verifyCleartext(
  armored: string,
  verificationCerts: Uint8Array[],
): Promise<{ text: string; signature: SignatureCheck }> {
  let message: openpgp.CleartextMessage;
  try {
    message = await openpgp.readCleartextMessage({
      cleartextMessage: armored,
      config: CONFIG,
    });
  } catch {
    return { text: armored, signature: { status: 'none' } };
  }

  const verificationKeys = await readVerificationKeys(verificationCerts);
  const { signatures } = await openpgp.verify({
    message,
    verificationKeys,
    config: CONFIG,
  });

  return {
    text: message.getText(),
    signature: await checkSignatures(signatures, verificationKeys),
  };
}

/**
 * Encrypts `text` with a passphrase only (one SKESK, then SEIPDv1), AES-128 with the
 * salted and iterated S2K, and armors it with the given armor headers. This is the
 * shape the Autocrypt Setup Message needs ("The symmetric encryption algorithm used
 * MUST be AES-128 or AES-256 ... used with OpenPGP's salted+iterated S2K").
 */
export async function encryptWithPassphrase(opts: {
  text: string;
  passphrase: string;
  armorHeaders: [string, string][];
}): Promise<string> {
  const armored = await openpgp.encrypt({
    message: await openpgp.createMessage({ text: opts.text, format: 'utf8' }),
    passwords: [opts.passphrase],
    format: 'armored',
    config: {
      ...CONFIG,
      preferredSymmetricAlgorithm: openpgp.enums.symmetric.aes128,
      s2kType: openpgp.enums.s2k.iterated,
      showComment: false,
      showVersion: false,
    },
  });

  // openpgp writes no armor headers of its own here; ours go after the BEGIN line.
  const [begin, ...rest] = armored.split(/\r?\n/);
  const headers = opts.armorHeaders.map(([name, value]) => `${name}: ${value}`);
  return [begin, ...headers, ...rest].join('\n');
}

// The SKESK packet fields openpgp reads but does not declare.
interface SkeskFields {
  encrypted: Uint8Array | null;
  sessionKeyEncryptionAlgorithm: number | null;
  sessionKeyAlgorithm: number | null;
}

/**
 * Checks that `armored` is a message protected by a passphrase with AES: at least
 * one SKESK, every SKESK with an AES cipher, and an integrity-protected data packet.
 * A session key "encrypted" with cipher 0 (plaintext) is readable without the
 * passphrase, so such a message is refused before anyone is asked for a code.
 *
 * @throws CryptoError `'bad-ciphertext'`, `'weak-cipher'`
 */
export async function checkPassphraseMessage(armored: string): Promise<void> {
  const message = await readEncryptedMessage(armored);
  const skesks = message.packets.filterByTag(
    openpgp.enums.packet.symEncryptedSessionKey,
  ) as unknown as SkeskFields[];
  const sealed =
    message.packets.filterByTag(
      openpgp.enums.packet.symEncryptedIntegrityProtectedData,
      openpgp.enums.packet.aeadEncryptedData,
    ).length > 0;
  if (skesks.length === 0 || !sealed) {
    throw new CryptoError('bad-ciphertext', 'not a passphrase-encrypted message');
  }

  const aes = [
    openpgp.enums.symmetric.aes128,
    openpgp.enums.symmetric.aes192,
    openpgp.enums.symmetric.aes256,
  ] as number[];
  // A v4 SKESK without an encrypted session key names the data's cipher itself.
  const cipherOf = (p: SkeskFields) =>
    (p.encrypted ? p.sessionKeyEncryptionAlgorithm : p.sessionKeyAlgorithm) ?? -1;
  if (skesks.some((p) => !aes.includes(cipherOf(p)))) {
    throw new CryptoError('weak-cipher', 'the passphrase protects with no AES cipher');
  }
}

/**
 * Decrypts a passphrase-only message (a Setup Message payload). Refuses a message
 * whose session key is "encrypted" with cipher 0 (plaintext) or anything but AES:
 * such a payload is readable without the code, so the code proves nothing.
 *
 * @throws CryptoError `'bad-ciphertext'`, `'weak-cipher'`, `'bad-passphrase'`,
 *   `'unauthenticated'`, `'too-large'`
 */
export async function decryptWithPassphrase(
  armored: string,
  passphrase: string,
): Promise<Uint8Array> {
  await checkPassphraseMessage(armored);
  const message = await readEncryptedMessage(armored);

  try {
    const { data } = await openpgp.decrypt({
      message,
      passwords: [passphrase],
      format: 'binary',
      config: CONFIG,
    });
    return data;
  } catch (error) {
    const failed = decryptionError(error);
    if (failed.code !== 'decrypt-failed') throw failed;
    throw new CryptoError('bad-passphrase', 'the code does not decrypt the message', {
      cause: error,
    });
  }
}

/**
 * Reads one transferable secret key for import (a Setup Message, a backup): it must
 * be readable and unprotected, or unlocked by `passphrase`.
 *
 * @returns the key armored without protection, and its fingerprint
 * @throws CryptoError `'bad-key'`, `'key-locked'`, `'bad-passphrase'`
 */
export async function importSecretKey(
  armored: string,
  passphrase?: string,
): Promise<{ privateKeyArmored: string; fingerprint: string }> {
  const key = await readPrivate(armored, { allowLocked: true });
  if (!key.isDecrypted() && passphrase === undefined) {
    throw new CryptoError('key-locked', 'the private key is locked with a passphrase');
  }

  const unlocked = key.isDecrypted()
    ? key.armor()
    : await unlockPrivateKey(armored, passphrase!);
  return { privateKeyArmored: unlocked, fingerprint: fingerprintOf(key) };
}

/** The armored public key of our private key, for export. */
export async function publicKeyOf(privateKeyArmored: string): Promise<string> {
  return (await readPrivate(privateKeyArmored)).toPublic().armor();
}

/**
 * Why a key from another client cannot serve here, in words the UI translates by
 * `code`; `detail` names the algorithm, curve or protection (never key material).
 */
export interface KeyRefusal {
  code: CryptoErrorCode;
  detail: string;
}

/** A user ID the key certified itself, split for matching and display. */
export interface ValidUserID {
  /** The user ID as written, e.g. `Alice <alice@example.org>`. */
  userID: string;
  /** Its email part, as written (may be empty). */
  email: string;
}

/** One key of a key file, as the import preview shows it. */
export interface KeyPreview {
  /** Upper-case hex primary fingerprint. */
  fingerprint: string;
  /** Algorithm of the primary key and of the encryption key, e.g. `RSA 4096`. */
  algorithm: string;
  /** Creation time of the primary key (ms). */
  created: number;
  /** User IDs with a valid self-signature; the others are dropped (SG-14). */
  userIDs: ValidUserID[];
  /** How many user IDs were dropped for lacking a valid self-signature. */
  droppedUserIDs: number;
  /** The file holds secret key material for it. */
  hasSecret: boolean;
  /** Its secret material is passphrase-protected. */
  locked: boolean;
  /** Why it cannot be used, or null when it can. */
  refusal: KeyRefusal | null;
}

// Only to read user IDs and algorithms of keys we may go on to refuse: showing the
// user what a DSA or RSA-1024 key claims is safe, using such a key is not, and
// every decision to use one still goes through CONFIG.
const DISPLAY_CONFIG: openpgp.Config = {
  ...KEY_CONFIG,
  rejectPublicKeyAlgorithms: new Set(),
  rejectCurves: new Set(),
  minRSABits: 512,
};

// S2K usage octets (RFC 9580 5.5.3): 254 is SHA-1 checked CFB, 253 AEAD.
const S2K_USAGE_CHECKSUM = 255;
const S2K_USAGE_SHA1 = 254;
const S2K_USAGE_AEAD = 253;

/**
 * Reads an armored (or binary) key file for import and describes each key in it.
 * Nothing is decrypted: protected keys stay locked. For `'own'` a key without its
 * secret part is refused; for `'peer'` a key with one is (a secret key is never
 * filed as somebody's public key, EX-06).
 *
 * @throws CryptoError `'bad-key'` when the file holds no readable key
 */
export async function previewKeyFile(
  file: string | Uint8Array,
  purpose: 'own' | 'peer',
): Promise<KeyPreview[]> {
  const keys = await readKeyFile(file);
  return Promise.all(keys.map((key) => previewKey(key, purpose)));
}

/**
 * Our own secret key from another client: the key with `fingerprint` in `file`,
 * decrypted with `passphrase` when protected, its key material checked against its
 * public part, and user IDs without a valid self-signature removed (SG-14).
 *
 * @returns the unprotected key, armored, ready to be stored as keys are today
 * @throws CryptoError with the refusal's code (see {@link KeyPreview.refusal}),
 *   `'not-a-secret-key'`, `'key-locked'`, `'bad-passphrase'`, `'bad-key'`
 */
export async function importOwnKey(opts: {
  file: string | Uint8Array;
  fingerprint: string;
  passphrase?: string;
}): Promise<{ privateKeyArmored: string; fingerprint: string; userIDs: ValidUserID[] }> {
  const keys = await readKeyFile(opts.file);
  const key = keys.find((k) => fingerprintOf(k) === opts.fingerprint.toUpperCase());
  if (!key) throw new CryptoError('bad-key', 'the key file does not hold that key');
  if (!key.isPrivate()) {
    throw new CryptoError('not-a-secret-key', 'the file holds only the public key');
  }

  const refusal = await refusalOf(key);
  if (refusal) throw new CryptoError(refusal.code, refusal.detail);

  let unlocked: openpgp.PrivateKey = key;
  if (!key.isDecrypted()) {
    if (!opts.passphrase) {
      throw new CryptoError('key-locked', 'the private key is locked with a passphrase');
    }
    try {
      unlocked = await openpgp.decryptKey({
        privateKey: key,
        passphrase: opts.passphrase,
        config: CONFIG,
      });
    } catch (error) {
      throw new CryptoError('bad-passphrase', 'the passphrase does not unlock the key', {
        cause: error,
      });
    }
  }

  // Secret material that does not match the public key was damaged or tampered
  // with; using it would make signatures nobody can verify.
  try {
    // Declared by openpgp's code, not by its types.
    const checked = unlocked as unknown as { validate(c: openpgp.Config): Promise<void> };
    await checked.validate(KEY_CONFIG);
  } catch (error) {
    throw new CryptoError('bad-key', 'the secret key does not match its public key', {
      cause: error,
    });
  }

  await dropUncertifiedUsers(unlocked);
  return {
    privateKeyArmored: unlocked.armor(),
    fingerprint: fingerprintOf(unlocked),
    userIDs: await validUserIDs(unlocked, KEY_CONFIG),
  };
}

/**
 * The public certificates of the keys with `fingerprints` in `file`, for peers:
 * secret material never included (tag 5/7), user IDs without a valid
 * self-signature removed. Keys that are refused, or hold secret material, throw.
 *
 * @throws CryptoError the refusal's code, `'secret-key-in-file'`, `'bad-key'`
 */
export async function peerCertificates(
  file: string | Uint8Array,
  fingerprints: string[],
): Promise<{ fingerprint: string; certificate: Uint8Array; userIDs: ValidUserID[] }[]> {
  const keys = await readKeyFile(file);
  const out = [];
  for (const wanted of fingerprints) {
    const key = keys.find((k) => fingerprintOf(k) === wanted.toUpperCase());
    if (!key) throw new CryptoError('bad-key', `the key file does not hold ${wanted}`);
    const refusal = (await previewKey(key, 'peer')).refusal;
    if (refusal) throw new CryptoError(refusal.code, `${wanted}: ${refusal.detail}`);

    const cert = key.toPublic();
    await dropUncertifiedUsers(cert);
    out.push({
      fingerprint: fingerprintOf(cert),
      certificate: cert.write(),
      userIDs: await validUserIDs(cert, KEY_CONFIG),
    });
  }
  return out;
}

async function readKeyFile(file: string | Uint8Array): Promise<openpgp.Key[]> {
  try {
    return typeof file === 'string'
      ? await openpgp.readKeys({ armoredKeys: file, config: CONFIG })
      : await openpgp.readKeys({ binaryKeys: file, config: CONFIG });
  } catch (error) {
    throw new CryptoError('bad-key', 'no readable OpenPGP key', { cause: error });
  }
}

async function previewKey(
  key: openpgp.Key,
  purpose: 'own' | 'peer',
): Promise<KeyPreview> {
  const all = key.users.filter((user) => user.userID).length;
  const userIDs = await validUserIDs(key, DISPLAY_CONFIG);
  const hasSecret = key.isPrivate();
  let refusal = await refusalOf(key);
  if (purpose === 'peer' && hasSecret) {
    refusal = { code: 'secret-key-in-file', detail: 'the file holds a secret key' };
  }
  if (purpose === 'own' && !hasSecret) {
    refusal = { code: 'not-a-secret-key', detail: 'the file holds only the public key' };
  }
  return {
    fingerprint: fingerprintOf(key),
    algorithm: await algorithmOf(key),
    created: key.getCreationTime().getTime(),
    userIDs,
    droppedUserIDs: all - userIDs.length,
    hasSecret,
    locked: hasSecret && !(key as openpgp.PrivateKey).isDecrypted(),
    refusal,
  };
}

type AnyKeyPacket = openpgp.Key['keyPacket'] | openpgp.Subkey['keyPacket'];

// openpgp's algorithm and curve names, as other OpenPGP software shows them.
const ALGORITHM_NAMES: Record<string, string> = {
  rsaEncryptSign: 'RSA',
  rsaEncrypt: 'RSA',
  rsaSign: 'RSA',
  dsa: 'DSA',
  elgamal: 'ElGamal',
  ecdsa: 'ECDSA',
  ecdh: 'ECDH',
  eddsaLegacy: 'EdDSA',
  ed25519: 'Ed25519',
  ed448: 'Ed448',
  x25519: 'X25519',
  x448: 'X448',
  ed25519Legacy: 'Ed25519',
  curve25519Legacy: 'Curve25519',
};

function describeAlgorithm(packet: AnyKeyPacket): string {
  const info = packet.getAlgorithmInfo();
  const name = (id: string) => ALGORITHM_NAMES[id] ?? id;
  if (info.bits) return `${name(info.algorithm)} ${info.bits}`;
  return info.curve
    ? `${name(info.algorithm)} ${name(info.curve)}`
    : name(info.algorithm);
}

async function algorithmOf(key: openpgp.Key): Promise<string> {
  const primary = describeAlgorithm(key.keyPacket);
  const encryption = await key
    .getEncryptionKey(undefined, null, undefined, DISPLAY_CONFIG)
    .then(
      (found) => (found === key ? null : describeAlgorithm(found.keyPacket)),
      () => null,
    );
  return encryption ? `${primary} + ${encryption}` : primary;
}

// The algorithm rules of CONFIG, said in words a person can act on (P12, P13).
function algorithmRefusal(packet: AnyKeyPacket): KeyRefusal | null {
  const info = packet.getAlgorithmInfo();
  const algorithm = info.algorithm as string;
  if (algorithm === 'dsa' || algorithm === 'elgamal') {
    return {
      code: 'key-algorithm-refused',
      detail: algorithm === 'dsa' ? 'DSA' : 'ElGamal',
    };
  }
  if (algorithm.startsWith('rsa') && (info.bits ?? 0) < KEY_CONFIG.minRSABits) {
    return { code: 'key-too-weak', detail: `RSA-${info.bits}` };
  }
  if (info.curve && KEY_CONFIG.rejectCurves.has(info.curve as never)) {
    return { code: 'key-curve-unsupported', detail: String(info.curve) };
  }
  return null;
}

// How a secret key packet is protected, when openpgp 6 will not decrypt it. Usage
// 255 checks the decrypted material with a two-byte sum only, so tampered material
// can pass (key-overwriting attacks); a cipher id as usage means MD5 of the bare
// passphrase. Neither is relaxed here: the other client re-exports it safely.
function protectionRefusal(packet: AnyKeyPacket): KeyRefusal | null {
  const fields = packet as unknown as {
    s2kUsage: number;
    isDummy(): boolean;
    isDecrypted(): boolean | null;
  };
  if (fields.isDecrypted() !== false || fields.isDummy()) return null;
  if (fields.s2kUsage === S2K_USAGE_CHECKSUM) {
    return { code: 'key-protection-checksum', detail: 'S2K usage 255' };
  }
  if (fields.s2kUsage !== S2K_USAGE_SHA1 && fields.s2kUsage !== S2K_USAGE_AEAD) {
    return { code: 'key-protection-md5', detail: `S2K usage ${fields.s2kUsage}` };
  }
  return null;
}

// The first reason, in the order a person would fix them: the key as a whole, then
// its protection, then whether it can do what an Autocrypt key must.
// TODO(2026-12-04): a refused own key (RSA-1024, DSA/ElGamal) cannot be kept here
// to read old mail only (P12); that mail stays readable in the client holding it.
async function refusalOf(key: openpgp.Key): Promise<KeyRefusal | null> {
  const primary = algorithmRefusal(key.keyPacket);
  if (primary) return primary;

  if (key.isPrivate()) {
    const packets = [key.keyPacket, ...key.subkeys.map((s) => s.keyPacket)];
    const dummy = key.keyPacket as unknown as { isDummy(): boolean };
    if (dummy.isDummy()) {
      return { code: 'key-secret-missing', detail: 'the primary secret key is offline' };
    }
    // A stub (GnuPG's gnu-dummy: the secret on a smartcard) in place of the subkey
    // new mail is encrypted to, or that we would sign with, would be stored as our
    // key and fail every such operation. Stubs of old subkeys nothing picks are fine.
    const picked = await Promise.all([
      key
        .getEncryptionKey(undefined, new Date(), undefined, KEY_CONFIG)
        .catch(() => null),
      key.getSigningKey(undefined, new Date(), undefined, KEY_CONFIG).catch(() => null),
    ]);
    for (const subkey of picked) {
      if (!subkey || subkey === key) continue;
      if ((subkey.keyPacket as unknown as { isDummy(): boolean }).isDummy()) {
        const keyID = subkey.getKeyID().toHex().toUpperCase();
        return { code: 'key-subkey-secret-missing', detail: keyID };
      }
    }
    for (const packet of packets) {
      const refusal = protectionRefusal(packet);
      if (refusal) return refusal;
    }
  }

  try {
    await key.verifyPrimaryKey(new Date(), undefined, KEY_CONFIG);
  } catch (error) {
    return { code: 'key-unusable', detail: (error as Error).message };
  }
  if ((await validUserIDs(key, KEY_CONFIG)).length === 0) {
    return { code: 'no-valid-user-id', detail: 'no user ID has a valid self-signature' };
  }

  try {
    await key.getEncryptionKey(undefined, new Date(), undefined, KEY_CONFIG);
  } catch {
    // Name the subkey's algorithm when that is why none is usable.
    for (const subkey of key.subkeys) {
      const refusal = algorithmRefusal(subkey.keyPacket);
      if (refusal) return refusal;
    }
    return { code: 'no-encryption-key', detail: 'no usable encryption key' };
  }
  return null;
}

async function validUserIDs(key: openpgp.Key, config: openpgp.Config) {
  const valid: ValidUserID[] = [];
  for (const user of key.users) {
    if (!user.userID) continue;
    try {
      await user.verify(undefined, config);
      valid.push({ userID: user.userID.userID, email: user.userID.email });
    } catch {
      // no valid self-certification: not the key holder's claim (SG-14)
    }
  }
  return valid;
}

// Keeps only user IDs (and attributes) the key certified itself, so what we store
// and publish never carries a claim somebody else appended.
async function dropUncertifiedUsers(key: openpgp.Key): Promise<void> {
  const kept = [];
  for (const user of key.users) {
    try {
      await user.verify(undefined, KEY_CONFIG);
      kept.push(user);
    } catch {
      // dropped
    }
  }
  key.users = kept;
}

/**
 * Several armored private keys as one armored block, as {@link decryptAndVerify}
 * takes them: the current key first, then keys it replaced, so mail encrypted to
 * an older key of ours stays readable.
 *
 * @throws CryptoError `'bad-key'`, `'key-locked'`
 */
export async function joinPrivateKeys(armoredKeys: string[]): Promise<string> {
  if (armoredKeys.length === 1) return armoredKeys[0]!;
  const keys = (await Promise.all(armoredKeys.map((a) => readPrivateKeys(a)))).flat();
  const packets = new openpgp.PacketList<openpgp.AnyPacket>();
  for (const key of keys) packets.push(...key.toPacketList());
  return openpgp.armor(openpgp.enums.armor.privateKey, packets.write());
}

/**
 * Encrypts `data` to our own certificate only, without signing: for drafts, which
 * are saved while the user types, when no gesture allows a private-key operation.
 * Nobody but the key's owner can read the result.
 *
 * @param opts.ownCert our public key (binary)
 * @throws CryptoError `'no-encryption-key'`, `'encrypt-failed'`
 */
export async function encryptToSelf(opts: {
  data: Uint8Array;
  ownCert: Uint8Array;
  date?: Date;
}): Promise<string> {
  const date = opts.date ?? new Date();
  const cert = await readOneCertificate(opts.ownCert);
  try {
    await cert.getEncryptionKey(undefined, date, undefined, KEY_CONFIG);
  } catch (error) {
    throw new CryptoError('no-encryption-key', 'our own key cannot be encrypted to', {
      cause: error,
    });
  }
  try {
    return await openpgp.encrypt({
      message: await openpgp.createMessage({ binary: opts.data, date }),
      encryptionKeys: cert,
      date,
      format: 'armored',
      config: CONFIG,
    });
  } catch (error) {
    throw new CryptoError(
      'encrypt-failed',
      `encryption failed: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}
