// Drafts encrypted to ourselves (attack suite RO-03), with real keys: what is outside
// the encryption, who can read it, and which "drafts" are restored.
import { beforeAll, describe, expect, it } from 'vitest';
import { memoryArea } from '../../src/keyring/area';
import { KeyringStore } from '../../src/keyring/store';
import { TicketStore } from '../../src/background/tickets';
import { OperationLimits } from '../../src/background/limits';
import { handlers } from '../../src/background/handlers';
import type { Services } from '../../src/background/context';
import type { PageSaveDraft } from '../../src/messaging/protocol';
import { bytesToBase64 } from '../../src/util/base64';
import { UnlockCache } from '../../src/keyring/unlock-cache';
import { unlockOwnKey } from '../../src/background/own-key';
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

describe('drafts through the background', () => {
  // Without the size check in composer.saveDraft the large draft is handed to the
  // page (saved: true) and registering its slot again fails with bad-request: the
  // compose that continues it never gets our composer.
  it('RO-03 saves only a draft its compose slot can take back (control: a normal one round-trips)', async () => {
    const stored: string[] = [];
    const services: Services = {
      keyring: new KeyringStore(memoryArea()),
      tickets: new TicketStore(memoryArea()),
      limits: new OperationLimits(memoryArea(), () => Date.now()),
      now: () => Date.now(),
      submitToPage: async () => ({ v: 1, requestId: 'x', ok: true }),
      toContent: async (_tab, message) => {
        stored.push((message as PageSaveDraft).payload.mime);
        return { ok: true };
      },
      gmailToken: async () => '',
    };
    await handlers['account.create'](
      { addr: ALICE, name: '', prefer_encrypt: 'mutual' },
      { kind: 'setup', tabId: undefined },
      services,
    );
    const content = { kind: 'content' as const, tabId: 7 };
    const composer = { kind: 'composer' as const, tabId: 7 };
    const register = (draft: string | null) =>
      handlers['composer.register'](
        {
          composeId: 'c1',
          to: [],
          cc: [],
          subject: '',
          inReplyTo: null,
          references: [],
          pageAccount: ALICE,
          draft,
        },
        content,
        services,
      );
    const save = async (text: string) => {
      const { ticket } = await register(null);
      const fields = { ticket, to: [], cc: [], subject: 's' };
      return handlers['composer.saveDraft']({ ...fields, text }, composer, services);
    };

    expect(await save('A short draft')).toEqual({ saved: true });
    const normal = bytesToBase64(new TextEncoder().encode(stored.pop()!));
    await expect(register(normal)).resolves.toMatchObject({ ticket: expect.any(String) });

    // About 1.6 MB of text that does not compress: its draft is over the limit.
    const random = new Uint8Array(1_200_000);
    for (let i = 0; i < random.length; i += 65_536) {
      crypto.getRandomValues(random.subarray(i, i + 65_536));
    }
    const noise = bytesToBase64(random);
    const large = await save(noise);
    for (const mime of stored) {
      await expect(
        register(bytesToBase64(new TextEncoder().encode(mime))),
      ).resolves.toMatchObject({ ticket: expect.any(String) });
    }
    expect(large).toEqual({ saved: false });
  });

  // Without the key check before the budgets, the 31st locked try already ends in
  // rate-limited (30 tries per view) and the restore after Unlock is refused too.
  it('EX-08 tries that find the key locked cost no budget (control: the restore after unlock works)', async () => {
    const stored: string[] = [];
    const session = memoryArea();
    const services: Services = {
      keyring: new KeyringStore(memoryArea()),
      tickets: new TicketStore(session),
      limits: new OperationLimits(session, () => Date.now()),
      now: () => Date.now(),
      submitToPage: async () => ({ v: 1, requestId: 'x', ok: true }),
      toContent: async (_tab, message) => {
        stored.push((message as PageSaveDraft).payload.mime);
        return { ok: true };
      },
      gmailToken: async () => '',
      unlocked: new UnlockCache(memoryArea(), () => Date.now()),
    };
    await handlers['account.create'](
      { addr: ALICE, name: '', prefer_encrypt: 'mutual', passphrase: 'long passphrase' },
      { kind: 'setup', tabId: undefined },
      services,
    );
    const content = { kind: 'content' as const, tabId: 7 };
    const composer = { kind: 'composer' as const, tabId: 7 };
    const slot = {
      composeId: 'c1',
      to: [],
      cc: [],
      subject: '',
      inReplyTo: null,
      references: [],
      pageAccount: ALICE,
    };
    const first = await handlers['composer.register']({ ...slot }, content, services);
    const fields = { ticket: first.ticket, to: [], cc: [], subject: 's', text: 'kept' };
    await handlers['composer.saveDraft'](fields, composer, services);
    const draft = bytesToBase64(new TextEncoder().encode(stored.pop()!));
    const { ticket } = await handlers['composer.register'](
      { ...slot, draft },
      content,
      services,
    );

    await handlers['protection.lock'](
      {},
      { kind: 'options', tabId: undefined },
      services,
    );
    for (let i = 0; i < 31; i++) {
      await expect(
        handlers['composer.restoreDraft']({ ticket }, composer, services),
      ).rejects.toMatchObject({ code: 'locked' });
    }
    await unlockOwnKey(services, 'long passphrase');
    expect(
      await handlers['composer.restoreDraft']({ ticket }, composer, services),
    ).toMatchObject({ text: 'kept' });
  });
});
