/**
 * Checks against the shared corpus of real-world messages and keys
 * (../shared/corpus beside the checkout, or CORPUS_DIR). The corpus is read at run
 * time and never copied into the repository; without it these tests are skipped.
 */

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import type { HeaderVerdict } from '../../src/autocrypt/header';
import { emptyPeer } from '../../src/autocrypt/peer-state';
import { recommend } from '../../src/autocrypt/recommendation';
import { decryptMail, ingestMessage } from '../../src/mail/incoming';
import { buildOutgoing } from '../../src/mail/outgoing';
import {
  generateKeyPair,
  isUsableForEncryption,
  minimalPublicKey,
  unlockPrivateKey,
} from '../../src/openpgp/gateway';

const CORPUS_DIR =
  process.env.CORPUS_DIR ??
  fileURLToPath(new URL('../../../shared/corpus', import.meta.url));
const present = existsSync(join(CORPUS_DIR, 'expectations.json'));

if (!present) {
  console.warn(
    `corpus tests SKIPPED: no expectations.json in ${CORPUS_DIR} (set CORPUS_DIR)`,
  );
}

/** One entry of expectations.json (only the fields these tests read). */
interface Expectation {
  file: string;
  kind: string;
  gossip: { addr: string; fingerprint: string }[];
  autocrypt:
    | null
    | { valid: true; addr: string; prefer_encrypt: string; fingerprint: string }
    | { valid: false; reason: string };
  decrypt: null | {
    keys: string[];
    passphrase?: string | null;
    ok: boolean;
    text_includes?: string;
    signature?: 'good' | 'none' | 'unknown-key';
    signer_fingerprint?: string | null;
  };
}

const expectations: Expectation[] = present
  ? JSON.parse(readFileSync(join(CORPUS_DIR, 'expectations.json'), 'utf8')).files
  : [];
const messages = expectations.filter((e) => e.kind === 'message');
const read = (file: string) => new Uint8Array(readFileSync(join(CORPUS_DIR, file)));
const CAROL = 'files/thunderbird/unsigned-unencrypted-0x3099ff1238852b9f-autocrypt.eml';

// Far after every corpus date: the Date header is then always the effective date.
const RECEIVED_AT = Date.UTC(2030, 0, 1);

describe.skipIf(!present)(`corpus in ${CORPUS_DIR}`, () => {
  it('accepts Carol\u2019s Thunderbird Autocrypt header', async () => {
    const result = await ingestMessage(read(CAROL), async () => undefined, RECEIVED_AT);

    expect(result.verdict).toMatchObject({
      valid: true,
      header: { addr: 'carol@example.com', prefer_encrypt: 'nopreference' },
    });
    expect(result.fingerprint).toBe('B8F2F6F4BD3AD3F82DC446833099FF1238852B9F');
    expect(result.peer?.public_key_fingerprint).toBe(
      'B8F2F6F4BD3AD3F82DC446833099FF1238852B9F',
    );
  });

  it.each(messages.map((e) => [e.file, e] as const))(
    'header verdict of %s',
    async (file, expected) => {
      const { verdict, fingerprint } = await ingestMessage(
        read(file),
        async () => undefined,
        RECEIVED_AT,
      );

      if (expected.autocrypt === null) {
        expect(verdict).toBeNull();
      } else if (expected.autocrypt.valid) {
        expect(verdict).toMatchObject({
          valid: true,
          header: { prefer_encrypt: expected.autocrypt.prefer_encrypt },
        });
        expect(fingerprint).toBe(expected.autocrypt.fingerprint);
      } else {
        expect(verdict).toMatchObject({
          valid: false,
          reason: expected.autocrypt.reason,
        });
      }
    },
  );

  it.each(messages.filter((e) => e.decrypt).map((e) => [e.file, e] as const))(
    'decrypts %s',
    async (file, expected) => {
      const decrypt = expected.decrypt!;
      const keys = await secretKeys(decrypt.keys, decrypt.passphrase ?? null);
      const attempt = decryptMail(read(file), keys, await senderKeyring(file));

      if (!decrypt.ok) {
        await expect(attempt).rejects.toMatchObject({ name: 'CryptoError' });
        return;
      }

      const result = await attempt;
      expect(result.text).toContain(decrypt.text_includes);
      const status = decrypt.signature === 'good' ? 'valid' : decrypt.signature;
      expect(result.signature.status).toBe(status);
      if (result.signature.status === 'valid') {
        expect(result.signature.signerFingerprint).toBe(decrypt.signer_fingerprint);
      }
      const gossip = result.gossip.map(({ addr, fingerprint }) => ({
        addr,
        fingerprint,
      }));
      expect(gossip).toEqual(expected.gossip);
    },
  );

  it('sends Carol a message she can decrypt with her own secret key', async () => {
    const { verdict } = await ingestMessage(
      read(CAROL),
      async () => undefined,
      RECEIVED_AT,
    );
    const carolKeydata = keydataOf(verdict);

    const me = await generateKeyPair({ addr: 'dave@example.org' });
    const account = {
      addr: 'dave@example.org',
      privateKeyArmored: me.privateKeyArmored,
      keydata: await minimalPublicKey(me.privateKeyArmored, 'dave@example.org'),
      prefer_encrypt: 'mutual' as const,
    };
    const text = 'Hello Carol, ça va? \u2603\n';
    const raw = await buildOutgoing(
      account,
      { to: ['carol@example.com'], cc: [], subject: 'Hi', text },
      [carolKeydata],
    );

    const carolSecret = readFileSync(
      join(
        CORPUS_DIR,
        'files/thunderbird/carol@example.com-0x3099ff1238852b9f-secret.asc',
      ),
      'utf8',
    );
    const carolKey = await unlockPrivateKey(carolSecret, 'x');
    const result = await decryptMail(new TextEncoder().encode(raw), carolKey, [
      account.keydata,
    ]);

    expect(result.text).toBe(text);
    expect(result.signature).toEqual({
      status: 'valid',
      signerFingerprint: me.fingerprint,
      signedAt: expect.any(Number),
      addressedToOthers: false,
    });
    expect(result.signerMatchesFrom).toBe(true);
  });

  it('disables encryption to a header key that has expired', async () => {
    const file = 'files/autocrypt-spec/example-simple-autocrypt.eml';
    const { peer, verdict } = await ingestMessage(
      read(file),
      async () => undefined,
      RECEIVED_AT,
    );
    const usable = await isUsableForEncryption(keydataOf(verdict));
    expect(usable).toBe(false);

    const ctx = {
      now: Date.now(),
      ownPreferEncrypt: 'mutual' as const,
      replyToEncrypted: true,
    };
    expect(recommend(peer ?? emptyPeer('alice@autocrypt.example'), usable, ctx)).toBe(
      'disable',
    );
  });
});

function keydataOf(verdict: HeaderVerdict | null): Uint8Array {
  if (!verdict?.valid)
    throw new Error(`expected a valid Autocrypt header, got ${JSON.stringify(verdict)}`);
  return verdict.header.keydata;
}

// The listed secret keys, unlocked, concatenated: decryptMail tries them all.
async function secretKeys(files: string[], passphrase: string | null): Promise<string> {
  if (files.length === 0) {
    return (await generateKeyPair({ addr: 'nobody@example.org' })).privateKeyArmored;
  }

  const armored: string[] = [];
  for (const file of files) {
    const key = readFileSync(join(CORPUS_DIR, file), 'utf8');
    const locked = !(await openpgp.readPrivateKey({ armoredKey: key })).isDecrypted();
    armored.push(locked && passphrase ? await unlockPrivateKey(key, passphrase) : key);
  }
  return armored.join('\n');
}

let corpusCerts: Promise<Uint8Array[]> | undefined;

// As the expectations' notes say: every corpus key file, one certificate per primary
// fingerprint preferring a copy valid today, plus the key of the message's own
// valid Autocrypt header.
async function senderKeyring(file: string): Promise<Uint8Array[]> {
  corpusCerts ??= loadCorpusCerts();
  const { verdict } = await ingestMessage(read(file), async () => undefined, RECEIVED_AT);
  const own = verdict?.valid ? [verdict.header.keydata] : [];
  return [...own, ...(await corpusCerts)];
}

async function loadCorpusCerts(): Promise<Uint8Array[]> {
  const byFingerprint = new Map<string, { cert: Uint8Array; valid: boolean }>();
  const keyFiles = expectations.filter(
    (e) => e.kind === 'public-key' || e.kind === 'secret-key',
  );

  for (const { file } of keyFiles) {
    let keys: openpgp.Key[];
    try {
      keys = await openpgp.readKeys({
        armoredKeys: readFileSync(join(CORPUS_DIR, file), 'utf8'),
      });
    } catch {
      continue; // e.g. a key this openpgp version cannot read
    }

    for (const key of keys) {
      const valid = await key.verifyPrimaryKey().then(
        () => true,
        () => false,
      );
      const known = byFingerprint.get(key.getFingerprint());
      if (!known || (valid && !known.valid)) {
        byFingerprint.set(key.getFingerprint(), { cert: key.toPublic().write(), valid });
      }
    }
  }

  return [...byFingerprint.values()].map((entry) => entry.cert);
}
