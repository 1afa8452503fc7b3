// Drafts encrypted to ourselves (attack suite RO-03), with real keys: what is outside
// the encryption, who can read it, and which "drafts" are restored.
import { beforeAll, describe, expect, it } from 'vitest';
import * as openpgp from 'openpgp';
import { buildDraft, draftTag, readDraft, type DraftFields } from '../../src/mail/draft';
import {
  generateKeyPair,
  minimalPublicKey,
  type GeneratedKey,
} from '../../src/openpgp/gateway';

const ALICE = 'alice@ecosmail.test';
const FIELDS: DraftFields = {
  to: ['bob@ecosmail.test'],
  cc: ['carol@example.org'],
  subject: 'Réunion secrète',
  text: 'Line one\nline two, ünïcode',
};

let alice: GeneratedKey;
let keydata: Uint8Array;
let tag: string;

beforeAll(async () => {
  alice = await generateKeyPair({ addr: ALICE, name: 'Alice' });
  keydata = await minimalPublicKey(alice.privateKeyArmored, ALICE);
  tag = await draftTag(alice.privateKeyArmored);
});

const bytes = (mime: string) => new TextEncoder().encode(mime);

describe('drafts', () => {
  it('RO-03 keeps subject, recipients and text inside, encrypted to our key only', async () => {
    const mime = await buildDraft({ addr: ALICE, name: 'Alice' }, keydata, FIELDS, tag);
    const head = mime.slice(0, mime.indexOf('\r\n\r\n'));

    expect(head).toMatch(/^Subject: \[\.\.\.\]$/m);
    expect(head).not.toMatch(/^(To|Cc):/im);
    for (const hidden of ['bob@', 'carol@', 'Line one', tag]) {
      expect(mime).not.toContain(hidden);
    }
    const armored = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/.exec(
      mime,
    )![0];
    const message = await openpgp.readMessage({ armoredMessage: armored });
    expect(message.getEncryptionKeyIDs()).toHaveLength(1);

    expect(await readDraft(bytes(mime), alice.privateKeyArmored, tag)).toEqual(FIELDS);
  });

  it('RO-03 refuses ciphertext to our key that is not our draft; a draft of another key is not ours either', async () => {
    const armored = await openpgp.encrypt({
      message: await openpgp.createMessage({
        text: 'Content-Type: text/plain; protected-headers="v1"\r\n\r\nthe captured secret\r\n',
      }),
      encryptionKeys: await openpgp.readKey({ armoredKey: alice.publicKeyArmored }),
    });
    const planted = [
      `From: ${ALICE}`,
      'Subject: [...]',
      'MIME-Version: 1.0',
      'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="b"',
      '',
      '--b',
      'Content-Type: application/pgp-encrypted',
      '',
      'Version: 1',
      '--b',
      'Content-Type: application/octet-stream',
      '',
      armored,
      '--b--',
      '',
    ].join('\r\n');
    await expect(
      readDraft(bytes(planted), alice.privateKeyArmored, tag),
    ).rejects.toMatchObject({ code: 'not-our-draft' });

    // Same key, wrong tag: the tag is what makes a draft ours.
    const mime = await buildDraft({ addr: ALICE }, keydata, FIELDS, 'f'.repeat(64));
    await expect(
      readDraft(bytes(mime), alice.privateKeyArmored, tag),
    ).rejects.toMatchObject({ code: 'not-our-draft' });
    // A plain message is no draft at all.
    const plain = `From: ${ALICE}\r\nSubject: x\r\n\r\nhello\r\n`;
    await expect(
      readDraft(bytes(plain), alice.privateKeyArmored, tag),
    ).rejects.toMatchObject({ code: 'not-our-draft' });
  });

  // Without the mapping in readDraft this rejects with `decrypt-failed`, which the
  // composer does not treat as a dropped draft: "Restore" stayed and no draft was
  // ever saved in that compose again.
  it('RO-03 a planted draft our key cannot open is not ours either (control: ours opens)', async () => {
    const bob = await generateKeyPair({ addr: 'bob@ecosmail.test' });
    const bobCert = await minimalPublicKey(bob.privateKeyArmored, 'bob@ecosmail.test');
    const toBob = await buildDraft({ addr: ALICE }, bobCert, FIELDS, tag);
    await expect(
      readDraft(bytes(toBob), alice.privateKeyArmored, tag),
    ).rejects.toMatchObject({ code: 'not-our-draft' });

    const ours = await buildDraft({ addr: ALICE }, keydata, FIELDS, tag);
    expect(await readDraft(bytes(ours), alice.privateKeyArmored, tag)).toEqual(FIELDS);
  });

  it('derives a tag per key that says nothing about the public key', async () => {
    const other = await generateKeyPair({ addr: ALICE });
    const otherTag = await draftTag(other.privateKeyArmored);
    expect(tag).toMatch(/^[0-9a-f]{64}$/);
    expect(otherTag).not.toBe(tag);
    expect(await draftTag(alice.privateKeyArmored)).toBe(tag);
  });
});
