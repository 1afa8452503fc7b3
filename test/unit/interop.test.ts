/**
 * Interop with the OpenPGP implementations Debian ships: GnuPG (`gpg`) and Sequoia
 * (`sqop`, the Stateless OpenPGP interface of Sequoia). Both directions: they read
 * our key, our messages and our Setup Message; we read theirs.
 *
 * Each tool runs on files in a temporary folder (gpg with its own GNUPGHOME), never
 * on the user's keyrings. A test skips, saying so, only when its binary is missing.
 */

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectMailbox } from '../../src/cli/inspect';
import {
  pgpMimeEncrypted,
  serializeEntity,
  type HeaderField,
} from '../../src/mime/build';
import { buildOutgoing, type OutgoingAccount } from '../../src/mail/outgoing';
import { buildSetupMessage, findSetupMessage } from '../../src/mail/setup-message';
import { generateSetupCode } from '../../src/autocrypt/setup-code';
import {
  describeKeyFile,
  generateKeyPair,
  minimalPublicKey,
  type GeneratedKey,
} from '../../src/openpgp/gateway';

const has = (binary: string) =>
  spawnSync('sh', ['-c', `command -v ${binary}`]).status === 0;
const GPG = has('gpg');
const SQOP = has('sqop');
if (!GPG) console.warn('interop: gpg not installed (apt-get install gnupg): SKIPPED');
if (!SQOP) console.warn('interop: sqop not installed (apt-get install sqop): SKIPPED');

const dir = mkdtempSync(join(tmpdir(), 'ecosmail-interop-'));
const file = (name: string, content: string | Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

/** Runs a tool; fails the test with its stderr when it exits non-zero. */
function run(cmd: string, args: string[], input?: string | Uint8Array): string {
  const env = { ...process.env, GNUPGHOME: join(dir, 'gnupg'), LC_ALL: 'C' };
  const result = spawnSync(cmd, args, { input, env, maxBuffer: 16 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  }
  return result.stdout.toString('utf8');
}

const gpg = (args: string[], input?: string | Uint8Array) =>
  run('gpg', ['--batch', '--yes', '--pinentry-mode', 'loopback', ...args], input);

let me: OutgoingAccount & { key: GeneratedKey };

beforeAll(async () => {
  const key = await generateKeyPair({ addr: 'me@example.org', name: 'Me' });
  me = {
    addr: 'me@example.org',
    name: 'Me',
    privateKeyArmored: key.privateKeyArmored,
    keydata: await minimalPublicKey(key.privateKeyArmored, 'me@example.org'),
    prefer_encrypt: 'mutual',
    key,
  };
});

afterAll(() => {
  // Stop the gpg-agent this test's GNUPGHOME started before removing its folder.
  if (GPG) {
    spawnSync('gpgconf', ['--kill', 'all'], {
      env: { ...process.env, GNUPGHOME: join(dir, 'gnupg') },
    });
  }
  rmSync(dir, { recursive: true, force: true });
});

// A PGP/MIME mail around a payload another tool encrypted, as its mail client would
// have sent it.
function pgpMimeMail(from: string, to: string, armored: string): Uint8Array {
  const outer = pgpMimeEncrypted(armored);
  const headers: HeaderField[] = [
    ['From', from],
    ['To', to],
    ['Subject', '...'],
    ['Date', 'Fri, 04 Dec 2026 10:00:00 +0000'],
    ['MIME-Version', '1.0'],
    ...outer.headers,
  ];
  return new TextEncoder().encode(serializeEntity({ headers, body: outer.body }));
}

const INNER = [
  'Content-Type: text/plain; charset=utf-8',
  'Subject: Interop',
  '',
  'Héllo from the other side',
  '',
].join('\r\n');

describe.skipIf(!GPG)('GnuPG', () => {
  let gpgFpr: string;
  let gpgCert: Uint8Array;

  beforeAll(() => {
    run('mkdir', ['-p', '-m', '700', join(dir, 'gnupg')]);
    gpg([
      '--passphrase',
      '',
      '--quick-gen-key',
      'gpg@example.net',
      'ed25519',
      'sign',
      'never',
    ]);
    const listing = gpg(['--with-colons', '--list-keys', 'gpg@example.net']);
    gpgFpr = /^fpr:+([0-9A-F]{40}):/m.exec(listing)![1]!;
    gpg(['--passphrase', '', '--quick-add-key', gpgFpr, 'cv25519', 'encr', 'never']);
    gpgCert = new Uint8Array(
      spawnSync('gpg', ['--export', gpgFpr], {
        env: { ...process.env, GNUPGHOME: join(dir, 'gnupg') },
      }).stdout,
    );
  });

  it('imports our Autocrypt keydata and decrypts and verifies our mail', async () => {
    gpg(['--import', file('me.key', me.keydata)]);
    const raw = await buildOutgoing(
      me,
      { to: ['gpg@example.net'], cc: [], subject: 'To GnuPG', text: 'Hello GnuPG\n' },
      [gpgCert],
    );
    const armored = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/.exec(
      raw,
    )![0];

    const statusFile = join(dir, 'gpg-status');
    const plain = gpg([
      '--status-file',
      statusFile,
      '--decrypt',
      file('to-gpg.asc', armored),
    ]);
    expect(plain).toContain('Hello GnuPG');
    expect(plain).toContain('Subject: To GnuPG');
    const status = run('cat', [statusFile]);
    expect(status).toContain(`VALIDSIG ${me.key.fingerprint}`);
    expect(status).toMatch(/GOODSIG/);
  });

  it('writes mail we decrypt, with a signature we verify', async () => {
    const armored = gpg(
      [
        '--armor',
        '--trust-model',
        'always',
        '--encrypt',
        '--sign',
        '-u',
        gpgFpr,
        '-r',
        me.key.fingerprint,
      ],
      INNER,
    );
    const [report] = await inspectMailbox(
      [{ name: 'from-gpg.eml', bytes: pgpMimeMail('gpg@example.net', me.addr, armored) }],
      { secretKeys: [me.privateKeyArmored], certs: [gpgCert] },
    );
    expect(report!.decrypt).toMatchObject({
      ok: true,
      signature: 'valid',
      signer_fingerprint: gpgFpr,
      signer_matches_from: true,
    });
    expect(report!.decrypt?.ok && report!.decrypt.text).toContain(
      'Héllo from the other side',
    );
    expect(report!.protected_subject).toBe('Interop');
  });

  it('reads our full public key as one Ed25519 + Cv25519 v4 certificate', () => {
    const listing = gpg([
      '--with-colons',
      '--import-options',
      'show-only',
      '--import',
      file('me-full.asc', me.key.publicKeyArmored),
    ]);
    expect(listing).toMatch(/^pub:[^:]*:255:22:/m); // EdDSA
    expect(listing).toMatch(/^sub:[^:]*:255:18:.*:e:/m); // ECDH, encrypt
  });

  it('opens our Setup Message with the code, AES-128 with iterated S2K', async () => {
    const code = generateSetupCode();
    const raw = await buildSetupMessage(me, code, { subject: 'Setup', description: 'x' });
    const { armored } = await findSetupMessage(new TextEncoder().encode(raw), me.addr);
    const path = file('setup.asc', armored);

    const packets = gpg(['--list-packets', '--passphrase', code, path]);
    // cipher 7 = AES-128, s2k 3 = iterated and salted
    expect(packets).toMatch(/symkey enc packet: version 4, cipher 7, aead 0, ?s2k 3/);
    const key = gpg(['--passphrase', code, '--decrypt', path]);
    expect(key).toMatch(/^-----BEGIN PGP PRIVATE KEY BLOCK-----/);
    expect(key).toContain('Autocrypt-Prefer-Encrypt: mutual');
    const [described] = await describeKeyFile(key);
    expect(described!.fingerprint).toBe(me.key.fingerprint);

    expect(() => gpg(['--passphrase', '1111', '--decrypt', path])).toThrow(/exited 2/);
  });
});

describe.skipIf(!SQOP)('Sequoia (sqop)', () => {
  let sqKey: string;
  let sqCert: string;
  let sqFpr: string;

  beforeAll(async () => {
    sqKey = file('sq.key', run('sqop', ['generate-key', 'Sq <sq@example.net>']));
    sqCert = file('sq.cert', run('sqop', ['extract-cert'], run('cat', [sqKey])));
    const [described] = await describeKeyFile(run('cat', [sqCert]));
    sqFpr = described!.fingerprint;
  });

  it('decrypts and verifies our mail', async () => {
    const cert = (await describeKeyFile(run('cat', [sqCert])))[0]!.certificate;
    const raw = await buildOutgoing(
      me,
      { to: ['sq@example.net'], cc: [], subject: 'To Sequoia', text: 'Hej\n' },
      [cert],
    );
    const armored = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/.exec(
      raw,
    )![0];
    const myCert = file('me.cert', me.keydata);
    const verifications = join(dir, 'sq-verifications');

    const plain = run(
      'sqop',
      ['decrypt', '--verify-with', myCert, '--verifications-out', verifications, sqKey],
      armored,
    );
    expect(plain).toContain('Hej');
    expect(run('cat', [verifications])).toContain(me.key.fingerprint);
  });

  it('writes mail we decrypt, with a signature we verify', async () => {
    const myCert = file('me2.cert', me.keydata);
    const armored = run('sqop', ['encrypt', '--sign-with', sqKey, myCert], INNER);
    const sqCertBytes = (await describeKeyFile(run('cat', [sqCert])))[0]!.certificate;

    const [report] = await inspectMailbox(
      [{ name: 'from-sq.eml', bytes: pgpMimeMail('sq@example.net', me.addr, armored) }],
      { secretKeys: [me.privateKeyArmored], certs: [sqCertBytes] },
    );
    expect(report!.decrypt).toMatchObject({
      ok: true,
      signature: 'valid',
      signer_fingerprint: sqFpr,
      signer_matches_from: true,
    });
  });

  it('opens our Setup Message with the code as password', async () => {
    const code = generateSetupCode();
    const raw = await buildSetupMessage(me, code, { subject: 'Setup', description: 'x' });
    const { armored } = await findSetupMessage(new TextEncoder().encode(raw), me.addr);
    const password = file('code.txt', code);

    const key = run('sqop', ['decrypt', '--with-password', password], armored);
    expect(key).toContain('-----BEGIN PGP PRIVATE KEY BLOCK-----');
  });
});
