/**
 * The corpus runner: drives the inspector (`src/cli/inspect.ts`, the same core the
 * extension runs) over every entry of `expectations.json` in the shared corpus of
 * real mail and asserts every field the file's `notes` define. Prints a table of
 * results. The corpus folder is `$CORPUS_DIR`, else `../shared/corpus` beside the
 * checkout; it is read at run time, never copied, and without it the tests skip.
 */

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  inspectMailbox,
  type FileReport,
  type InspectOptions,
} from '../../src/cli/inspect';
import { findSetupMessage, importSetupMessage } from '../../src/mail/setup-message';
import { buildOutgoing } from '../../src/mail/outgoing';
import {
  describeKeyFile,
  generateKeyPair,
  importSecretKey,
  minimalPublicKey,
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

type Verdict =
  | null
  | { valid: true; addr: string; prefer_encrypt: string; fingerprint: string }
  | { valid: false; reason: string };

interface Signed {
  signature: 'good' | 'none' | 'unknown-key' | 'bad';
  signer_fingerprint: string | null;
  text_includes?: string;
}

/** One entry of expectations.json (schema 1). */
interface Expectation {
  file: string;
  kind: string;
  from: string | null;
  date: string | null;
  autocrypt: Verdict;
  autocrypt_location: 'outer' | 'protected' | null;
  autocrypt_protected?: Verdict;
  gossip: { addr: string; fingerprint: string }[];
  decrypt:
    | null
    | ({ keys: string[]; passphrase?: string | null; ok: boolean } & Partial<Signed>);
  verify?: { keys: string[] } & Signed;
  protected_subject: string | null;
  setup_message: null | {
    code: string | null;
    imports_fingerprint: string | null;
    must_refuse: boolean;
  };
  key: null | {
    fingerprint: string;
    has_secret: boolean;
    usable_for_encryption_now: boolean;
    version: number;
  };
}

const expectations: Expectation[] = present
  ? JSON.parse(readFileSync(join(CORPUS_DIR, 'expectations.json'), 'utf8')).files
  : [];
const read = (file: string) => new Uint8Array(readFileSync(join(CORPUS_DIR, file)));

// The notes: "key.usable_for_encryption_now = openpgp.js getEncryptionKey() succeeds
// at 2026-12-04". Messages are received long after every Date in the corpus, so the
// Date header is always the effective date.
const NOW = Date.UTC(2026, 11, 4, 12);
const RECEIVED_AT = Date.UTC(2030, 0, 1);

/**
 * Entries whose expectation this product deliberately does not meet, with why. The
 * test still checks them: it fails if the listed field starts to match, so the list
 * cannot go stale.
 */
const DEVIATIONS: Record<string, { field: string; reason: string }> = {};

const rows: { file: string; kind: string; result: string }[] = [];

describe.skipIf(!present)(`corpus runner over ${CORPUS_DIR}`, () => {
  afterAll(() => {
    const width = Math.max(...rows.map((row) => row.file.length));
    const lines = rows
      .sort((a, b) => a.file.localeCompare(b.file))
      .map((row) => `${row.file.padEnd(width)}  ${row.kind.padEnd(13)}  ${row.result}`);
    const passed = rows.filter((row) => row.result === 'pass').length;
    console.log([`corpus: ${passed}/${rows.length} entries pass`, ...lines].join('\n'));
  });

  it.each(expectations.map((e) => [e.file, e] as const))('%s', async (file, expected) => {
    const report = await inspectEntry(expected);
    const mismatches = compare(expected, report);
    const deviation = DEVIATIONS[file];

    if (deviation) {
      rows.push({ file, kind: expected.kind, result: `deviates: ${deviation.reason}` });
      expect(mismatches.map((m) => m.field)).toContain(deviation.field);
      return;
    }

    rows.push({
      file,
      kind: expected.kind,
      result: mismatches.length === 0 ? 'pass' : `FAIL ${mismatches.map((m) => m.field)}`,
    });
    expect(mismatches).toEqual([]);
  });

  it.each(
    expectations
      .filter((e) => e.setup_message?.code)
      .map((e) => [e.file, e.setup_message!.code!] as const),
  )('refuses %s with a wrong Setup Code, importing nothing', async (file, code) => {
    const wrong = code.slice(0, -1) + String((Number(code.at(-1)) + 1) % 10);
    const [report] = await inspectMailbox([{ name: file, bytes: read(file) }], {
      setupCode: wrong,
    });

    expect(report!.setup_message).toMatchObject({
      imported_fingerprint: null,
      refused: { code: 'bad-code' },
    });
  });

  it('sends Carol a message she can decrypt with her own secret key', async () => {
    const carolFile =
      'files/thunderbird/unsigned-unencrypted-0x3099ff1238852b9f-autocrypt.eml';
    const [carolReport] = await inspect([carolFile], {});
    expect(carolReport!.autocrypt).toMatchObject({
      valid: true,
      addr: 'carol@example.com',
    });

    const me = await generateKeyPair({ addr: 'dave@example.org' });
    const account = {
      addr: 'dave@example.org',
      privateKeyArmored: me.privateKeyArmored,
      keydata: await minimalPublicKey(me.privateKeyArmored, 'dave@example.org'),
      prefer_encrypt: 'mutual' as const,
    };
    const carolCert = (
      await describeKeyFile(readFileSync(join(CORPUS_DIR, carolKeyFile), 'utf8'))
    )[0]!.certificate;
    const text = 'Hello Carol, ça va? \u2603\n';
    const raw = await buildOutgoing(
      account,
      { to: ['carol@example.com'], cc: [], subject: 'Hi', text },
      [carolCert],
    );

    const carolKey = await importSecretKey(
      readFileSync(join(CORPUS_DIR, carolKeyFile), 'utf8'),
      'x',
    );
    const [report] = await inspectMailbox(
      [{ name: 'to-carol.eml', bytes: new TextEncoder().encode(raw) }],
      { secretKeys: [carolKey.privateKeyArmored] },
    );

    expect(report!.decrypt).toMatchObject({
      ok: true,
      text,
      signature: 'valid',
      signer_fingerprint: me.fingerprint,
      signer_matches_from: true,
    });
    expect(report!.protected_subject).toBe('Hi');
  });

  it('verifies a first message whose sender key is only inside', async () => {
    // hp_legacy_display.eml (Delta Chat, RFC 9788 hp="cipher"): no outer Autocrypt
    // header and no certificate given, so only the inner header can verify it.
    const file = 'files/deltachat-core/hp_legacy_display.eml';
    const bob = await secretKey('files/deltachat-core/bob-secret.asc', undefined);
    const [report] = await inspectMailbox([{ name: file, bytes: read(file) }], {
      secretKeys: [bob],
      receivedAt: RECEIVED_AT,
      now: NOW,
    });

    expect(report!.decrypt).toMatchObject({
      ok: true,
      signature: 'valid',
      signer_fingerprint: '2E6FA2CB23B532D728634B5864B08F61A9ED9443',
    });
    expect(report!.autocrypt_location).toBe('protected');
    expect(report!.peer?.public_key).toBe('2E6FA2CB23B532D728634B5864B08F61A9ED9443');
  });

  it('recommends disable for a sender whose header key has expired', async () => {
    const [report] = await inspect(
      ['files/autocrypt-spec/example-simple-autocrypt.eml'],
      {},
    );
    expect(report!.autocrypt).toMatchObject({ valid: true });
    expect(report!.recommendation).toBe('disable');
  });
});

const carolKeyFile = 'files/thunderbird/carol@example.com-0x3099ff1238852b9f-secret.asc';

// Runs the inspector on one entry with what the entry says it needs: its secret keys
// (a key inside a Setup Message is taken out with its code), every corpus
// certificate, its Setup Code.
async function inspectEntry(expected: Expectation): Promise<FileReport> {
  const secretKeys: string[] = [];
  for (const keyFile of expected.decrypt?.keys ?? []) {
    secretKeys.push(await secretKey(keyFile, expected.decrypt?.passphrase ?? undefined));
  }

  const [report] = await inspect([expected.file], {
    secretKeys,
    setupCode: expected.setup_message?.code ?? undefined,
  });
  return report!;
}

async function inspect(files: string[], options: InspectOptions): Promise<FileReport[]> {
  return inspectMailbox(
    files.map((name) => ({ name, bytes: read(name) })),
    { certs: await corpusCerts(), receivedAt: RECEIVED_AT, now: NOW, ...options },
  );
}

async function secretKey(file: string, passphrase: string | undefined): Promise<string> {
  const entry = expectations.find((e) => e.file === file);
  if (entry?.kind === 'setup-message') {
    const setup = await findSetupMessage(read(file));
    return (await importSetupMessage(setup, passphrase!)).privateKeyArmored;
  }

  const armored = readFileSync(join(CORPUS_DIR, file), 'utf8');
  const [described] = await describeKeyFile(armored);
  const unlocked = await importSecretKey(
    armored,
    described!.locked ? passphrase : undefined,
  );
  return unlocked.privateKeyArmored;
}

let certs: Promise<Uint8Array[]> | undefined;

// As the notes say: "a keyring of all corpus key files ... one cert per primary
// fingerprint, preferring the copy valid today".
function corpusCerts(): Promise<Uint8Array[]> {
  certs ??= (async () => {
    const byFingerprint = new Map<string, { cert: Uint8Array; valid: boolean }>();
    const keyFiles = expectations.filter((e) => e.kind.endsWith('-key'));

    for (const { file } of keyFiles) {
      let keys;
      try {
        keys = await describeKeyFile(
          readFileSync(join(CORPUS_DIR, file), 'utf8'),
          new Date(NOW),
        );
      } catch {
        continue; // a key this openpgp version cannot read
      }
      for (const key of keys) {
        const known = byFingerprint.get(key.fingerprint);
        if (!known || (key.primaryValid && !known.valid)) {
          byFingerprint.set(key.fingerprint, {
            cert: key.certificate,
            valid: key.primaryValid,
          });
        }
      }
    }
    return [...byFingerprint.values()].map((entry) => entry.cert);
  })();
  return certs;
}

interface Mismatch {
  field: string;
  expected: unknown;
  actual: unknown;
}

// Every field the notes define, compared with the report.
function compare(e: Expectation, r: FileReport): Mismatch[] {
  const out: Mismatch[] = [];
  const check = (field: string, expected: unknown, actual: unknown) => {
    if (JSON.stringify(expected) !== JSON.stringify(actual)) {
      out.push({ field, expected, actual });
    }
  };

  if (r.kind === 'unreadable') check('readable', null, r.error);
  check('from', e.from, r.from);
  check('date', e.date, r.date);
  check('autocrypt', verdictOf(e.autocrypt), verdictOf(r.autocrypt));
  check('autocrypt_location', e.autocrypt_location, r.autocrypt_location);
  if (e.autocrypt_protected !== undefined) {
    check(
      'autocrypt_protected',
      verdictOf(e.autocrypt_protected),
      verdictOf(r.autocrypt_protected),
    );
  }
  check('gossip', e.gossip, r.gossip);
  check('protected_subject', e.protected_subject, r.protected_subject);

  if (e.decrypt === null) check('decrypt', null, r.decrypt);
  else if (!e.decrypt.ok) check('decrypt.ok', false, r.decrypt?.ok);
  else if (!r.decrypt?.ok) check('decrypt.ok', true, r.decrypt);
  else {
    checkSigned(check, 'decrypt', e.decrypt as Signed, r.decrypt);
  }

  if (e.verify) {
    checkSigned(
      check,
      'verify',
      e.verify,
      r.verify ?? { signature: 'none', signer_fingerprint: null, text: '' },
    );
  }

  if (e.setup_message === null) check('setup_message', null, r.setup_message);
  else if (e.setup_message.must_refuse) {
    check('setup_message.refused', true, r.setup_message?.refused != null);
    check('setup_message.imported', null, r.setup_message?.imported_fingerprint);
  } else {
    check(
      'setup_message.imported',
      e.setup_message.imports_fingerprint,
      r.setup_message?.imported_fingerprint,
    );
  }

  if (e.key) {
    const key = r.keys?.[0];
    check(
      'key',
      e.key,
      key && {
        fingerprint: key.fingerprint,
        has_secret: key.has_secret,
        passphrase: (e.key as { passphrase?: unknown }).passphrase,
        usable_for_encryption_now: key.usable_for_encryption_now,
        version: key.version,
      },
    );
  }

  return out;
}

function checkSigned(
  check: (field: string, expected: unknown, actual: unknown) => void,
  prefix: string,
  e: Signed,
  r: { signature: string; signer_fingerprint: string | null; text: string },
) {
  const status = { good: 'valid', bad: 'invalid' }[e.signature as string] ?? e.signature;
  check(`${prefix}.signature`, status, r.signature);
  check(
    `${prefix}.signer_fingerprint`,
    e.signer_fingerprint ?? null,
    r.signer_fingerprint,
  );
  if (e.text_includes !== undefined && !r.text.includes(e.text_includes)) {
    check(`${prefix}.text_includes`, e.text_includes, r.text.slice(0, 200));
  }
}

// The comparable part of a verdict: addr, preference and fingerprint, or the reason.
function verdictOf(v: Verdict | FileReport['autocrypt'] | undefined) {
  if (!v) return null;
  if (!v.valid) return { valid: false, reason: v.reason };
  return {
    valid: true,
    addr: v.addr,
    prefer_encrypt: v.prefer_encrypt,
    fingerprint: v.fingerprint,
  };
}
