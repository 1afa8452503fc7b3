/**
 * Attack suite MV-09: our generated key works with other OpenPGP implementations,
 * both ways: they encrypt to our key and we decrypt; we encrypt to keys they made
 * and they decrypt. Uses the Debian tools when installed (`gpg`, `sqop`, `gosop`);
 * a missing tool is reported in the test title, never silently passed.
 *
 * Vulnerable build: `generateKey({ type: 'curve25519' })` keys (RFC 9580 algorithm
 * ids) cannot be encrypted to by GnuPG 2.2 or sqop 0.27 (measured, toolchain.md),
 * so the first half fails for them.
 */
import * as openpgp from 'openpgp';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decryptAndVerify,
  encryptAndSign,
  generateKeyPair,
  readCertificate,
  type GeneratedKey,
} from '../../../src/openpgp/gateway';

const work = mkdtempSync(join(tmpdir(), 'ecosmail-interop-'));
const GNUPGHOME = join(work, 'gnupg');

function installed(tool: string): boolean {
  return ['/usr/bin', '/usr/local/bin'].some((dir) => existsSync(join(dir, tool)));
}

/** Runs a tool with `input` on stdin; returns stdout or throws with stderr. */
function run(cmd: string, args: string[], input?: string | Uint8Array): string {
  const result = spawnSync(cmd, args, {
    input,
    env: { ...process.env, GNUPGHOME },
    timeout: 60_000,
  });
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')}: ${result.stderr?.toString()}`);
  }
  return result.stdout.toString();
}

/** What each tool needs: encrypt to an armored cert, make a key, decrypt. */
interface Sop {
  encryptTo(cert: string, text: string): string;
  newKey(addr: string): { cert: string; decrypt(ciphertext: string): string };
}

const gpg: Sop = {
  encryptTo(cert, text) {
    run('gpg', ['--batch', '--import'], cert);
    const recipient = (/<([^>]+)>/.exec(cert) ?? [])[1] ?? 'alice@ecosmail.test';
    return run(
      'gpg',
      ['--batch', '--trust-model', 'always', '--armor', '--encrypt', '-r', recipient],
      text,
    );
  },
  newKey(addr) {
    run('gpg', [
      '--batch',
      '--pinentry-mode',
      'loopback',
      '--passphrase',
      '',
      '--quick-gen-key',
      `Peer <${addr}>`,
      'future-default',
      'default',
      'never',
    ]);
    return {
      cert: run('gpg', ['--batch', '--armor', '--export', addr]),
      decrypt: (ciphertext) =>
        run('gpg', ['--batch', '--pinentry-mode', 'loopback', '--decrypt'], ciphertext),
    };
  },
};

function sop(tool: string): Sop {
  return {
    encryptTo(cert, text) {
      const file = join(work, `${tool}-cert.asc`);
      writeFileSync(file, cert);
      return run(tool, ['encrypt', file], text);
    },
    newKey(addr) {
      const key = run(tool, ['generate-key', `<${addr}>`]);
      const file = join(work, `${tool}-key.asc`);
      writeFileSync(file, key);
      return {
        cert: run(tool, ['extract-cert'], key),
        decrypt: (ciphertext) => run(tool, ['decrypt', file], ciphertext),
      };
    },
  };
}

const tools: [string, Sop][] = [
  ['gpg', gpg],
  ['sqop', sop('sqop')],
  ['gosop', sop('gosop')],
];

let ours: GeneratedKey;

beforeAll(async () => {
  ours = await generateKeyPair({ addr: 'alice@ecosmail.test', name: 'Alice' });
  spawnSync('mkdir', ['-m', '700', '-p', GNUPGHOME]);
});

afterAll(() => {
  // gpg starts an agent for this home: stop exactly that one.
  if (installed('gpgconf'))
    spawnSync('gpgconf', ['--kill', 'all'], { env: { ...process.env, GNUPGHOME } });
  rmSync(work, { recursive: true, force: true });
});

describe('MV-09 round trips with other implementations', () => {
  for (const [name, tool] of tools) {
    const present = installed(name);
    const title = (what: string) =>
      present
        ? `MV-09 ${name}: ${what}`
        : `MV-09 (partial: ${name} not installed) ${what}`;

    it.skipIf(!present)(
      title('encrypts to our generated key and we decrypt'),
      async () => {
        const text = `hello from ${name}`;
        const ciphertext = tool.encryptTo(ours.publicKeyArmored, text);
        const { data } = await decryptAndVerify({
          message: ciphertext,
          decryptionKeysArmored: ours.privateKeyArmored,
          verificationCerts: [],
        });
        expect(new TextDecoder().decode(data)).toBe(text);
      },
    );

    it.skipIf(!present)(title('decrypts what we encrypt to its key'), async () => {
      const peer = tool.newKey(`peer-${name}@interop.test`);
      const cert = (await openpgp.readKey({ armoredKey: peer.cert })).write();
      expect((await readCertificate(cert)).fingerprint).toMatch(/^[0-9A-F]{40,64}$/);

      const text = `hello ${name}, from us`;
      const ciphertext = await encryptAndSign({
        data: new TextEncoder().encode(text),
        recipientCerts: [cert],
        signingKeyArmored: ours.privateKeyArmored,
      });
      expect(peer.decrypt(ciphertext)).toBe(text);
    });
  }
});
