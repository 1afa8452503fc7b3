/**
 * Attack suite RO-01, RO-02, RO-05, EF-13 and AU-01, AU-02, AU-03, AU-05: where a
 * ciphertext sits in a mail, what the reply path can carry, and armor and
 * attachment tricks. RO-01 uses the "Re: What's Up Johnny?" mails decrypted with
 * their published test key (`covert-content/assets/secret-keys/`), the "victim".
 */
import * as openpgp from 'openpgp';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decryptMail } from '../../../src/mail/decrypt';
import { MAX_EMBEDDED_BLOCKS } from '../../../src/mail/inline';
import { memoryArea } from '../../../src/keyring/area';
import { KeyringStore, type StoredAccount } from '../../../src/keyring/store';
import { TicketStore } from '../../../src/background/tickets';
import { OperationLimits } from '../../../src/background/limits';
import { createRouter } from '../../../src/background/router';
import { handlers } from '../../../src/background/handlers';
import { CHANNEL, type Answer } from '../../../src/messaging/protocol';
import { bytesToBase64 } from '../../../src/util/base64';
import { ATTACKS_DIR, attackFile, attacksAvailable } from '../attack-corpus';

const available = attacksAvailable();
const ENC = 'covert-content/01-enc';
const PGP_MIME_TEXT = '*** THIS IS A PGP/MIME ENCRYPTED MESSAGE ***';

let managerSecret: string;
let ours: openpgp.PrivateKey;

beforeAll(async () => {
  ours = (
    await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ email: 'alice@ecosmail.test' }],
      format: 'object',
    })
  ).privateKey;
  if (available) {
    managerSecret = attackFile(
      'covert-content/assets/secret-keys/manager@bigcorporation-sec.asc',
    ).toString();
  }
});

/** The background over memory storage, with the given key as the account. */
async function background(privateKey: string, addr: string) {
  const key = await openpgp.readPrivateKey({ armoredKey: privateKey });
  const local = memoryArea();
  const account: StoredAccount = {
    addr,
    name: '',
    fingerprint: key.getFingerprint().toUpperCase(),
    privateKeyArmored: privateKey,
    publicKeyArmored: key.toPublic().armor(),
    keydata: bytesToBase64(key.toPublic().write()),
    prefer_encrypt: 'mutual',
    created: 0,
  };
  // Test setup: the victim's published key as the account, written as the store
  // lays it out (the product has no import yet).
  await local.set({ meta: { schema_version: 1 }, account });
  const session = memoryArea();
  const submitted: string[] = [];
  const route = createRouter(
    handlers,
    {
      keyring: new KeyringStore(local),
      tickets: new TicketStore(session),
      limits: new OperationLimits(session, () => Date.now()),
      // The Gmail seams are not exercised here.
      toContent: async () => undefined,
      gmailToken: async () => '',
      now: () => Date.now(),
      submitToPage: async (_tab, payload) => {
        submitted.push(payload.mime);
        return { v: 1, requestId: 'r', ok: true };
      },
    },
    { id: 'ext', origin: 'chrome-extension://ext' },
  );
  const content = {
    id: 'ext',
    url: 'http://127.0.0.1:8080/',
    frameId: 0,
    tab: { id: 3 },
  };
  const frame = (page: string) => ({
    id: 'ext',
    url: `chrome-extension://ext/${page}.html#x`,
    frameId: 2,
    tab: { id: 3 },
  });
  const ask = async (name: string, payload: object, sender: object) => {
    const answer = (await route({ channel: CHANNEL, name, payload }, sender)) as Answer<
      Record<string, unknown>
    >;
    if (!answer.ok) throw Object.assign(new Error(answer.error.message), answer.error);
    return answer.value;
  };
  return { ask, content, frame, submitted, session, fingerprint: account.fingerprint };
}

/** Private-key operations the key has spent this session (EX-08 budget). */
async function keyOps(bg: Awaited<ReturnType<typeof background>>): Promise<number> {
  const key = `limit:key:${bg.fingerprint}`;
  const usage = (await bg.session.get(key))[key] as { total: number } | undefined;
  return usage?.total ?? 0;
}

/** Opens `raw` as a reply would: report it, decrypt if encrypted, open a reply. */
async function replyTo(bg: Awaited<ReturnType<typeof background>>, raw: Uint8Array) {
  const opened = await bg.ask(
    'message.opened',
    { messageId: 'm', raw: bytesToBase64(raw) },
    bg.content,
  );
  const decrypted = opened.ticket
    ? await bg.ask('reader.decrypt', { ticket: opened.ticket }, bg.frame('reader'))
    : null;
  const { ticket } = await bg.ask(
    'composer.register',
    {
      composeId: 'c',
      to: ['attacker@evil.test'],
      cc: [],
      subject: 'Re: x',
      inReplyTo: '<m@x>',
      references: ['<m@x>'],
    },
    bg.content,
  );
  const composer = await bg.ask('composer.open', { ticket }, bg.frame('composer'));
  return { opened, decrypted, composer, ticket: ticket as string };
}

describe.skipIf(!available)('RO-01 old ciphertext in an innocent mail', () => {
  const pgpMime = available ? readdirSync(join(ATTACKS_DIR, ENC, 'pgp_mime')) : [];
  const attacks = pgpMime.filter((f) => !f.startsWith('00-'));

  it('control: the victim’s genuine PGP/MIME mail decrypts as the root, not embedded', async () => {
    const raw = attackFile(`${ENC}/pgp_mime/00-original-mail.eml`);
    const result = await decryptMail(raw, managerSecret, []);
    expect(result.text.trim()).toBe(PGP_MIME_TEXT);
    expect(result.embedded).toBe(false);
  });

  // Vulnerable (17 of 19 clients in 2019): decrypting the embedded ciphertext as
  // if it were this mail, and quoting it into the attacker's reply.
  it.each(attacks)('RO-01 %s: the ciphertext is labelled embedded', async (file) => {
    const result = await decryptMail(
      attackFile(`${ENC}/pgp_mime/${file}`),
      managerSecret,
      [],
    );
    expect(result.embedded).toBe(true);
  });

  it.each(attacks)(
    'RO-01 %s: a reply carries no decrypted text, nothing is decrypted without a click',
    async (file) => {
      const bg = await background(managerSecret, 'manager@bigcorporation.de');
      const raw = attackFile(`${ENC}/pgp_mime/${file}`);
      const { opened, decrypted, composer } = await replyTo(bg, raw);

      // Opening only issued a ticket: decryption came from our frame's request.
      expect(opened.encrypted).toBe(true);
      expect(String(decrypted?.text)).toMatch(/ENCRYPTED MESSAGE|Please reply/);
      // The reply view knows nothing of it.
      expect(JSON.stringify(composer)).not.toMatch(/ENCRYPTED MESSAGE|Please reply/);
    },
  );

  const pgpInline = available ? readdirSync(join(ATTACKS_DIR, ENC, 'pgp_inline')) : [];
  const inlineAttacks = pgpInline.filter((f) => !f.startsWith('00-'));
  const INLINE_TEXT = /ENCRYPTED MESSAGE|Please reply/;

  it('control: the victim’s genuine inline mail decrypts as the whole message', async () => {
    const raw = attackFile(`${ENC}/pgp_inline/00-original-mail.eml`);
    const result = await decryptMail(raw, managerSecret, []);
    expect(result.text).toMatch(INLINE_TEXT);
    expect(result.embedded).toBe(false);
    expect(result.inlineParts).toBeUndefined();
  });

  // Vulnerable (17 of 19 clients in 2019): decrypting the old inline block as if
  // it were this mail (a merging reader would put it in `text`, beside the
  // attacker's lines), automatically on opening, and quoting it into the reply.
  it.each(inlineAttacks)(
    'RO-01 %s: nothing decrypts on opening; on the click each block stands alone, labelled embedded, and the reply carries none of it',
    async (file) => {
      const bg = await background(managerSecret, 'manager@bigcorporation.de');
      const raw = attackFile(`${ENC}/pgp_inline/${file}`);
      const opened = await bg.ask(
        'message.opened',
        { messageId: 'm', raw: bytesToBase64(raw) },
        bg.content,
      );
      // A ticket lets our frame offer Decrypt; opening spent no key operation.
      expect(opened).toMatchObject({ encrypted: false, ticket: expect.any(String) });
      expect(await keyOps(bg)).toBe(0);

      const { decrypted, composer } = await replyTo(bg, raw);
      const parts = decrypted!.inlineParts as { kind: string; text?: string }[];
      expect(decrypted!.text).toBe('');
      expect(decrypted!.embedded).toBe(true);
      const blocks = parts.filter((p) => p.kind === 'decrypted');
      expect(blocks.length).toBeGreaterThan(0);
      expect(blocks.some((p) => INLINE_TEXT.test(p.text!))).toBe(true);
      // No decrypted block holds armor, padding or markup from around it.
      for (const block of blocks) {
        expect(block.text).not.toMatch(/BEGIN PGP|<plaintext>|^\.$|1ST PART/m);
      }
      expect(JSON.stringify(composer)).not.toMatch(INLINE_TEXT);
    },
  );
});

describe.skipIf(!available)('RO-02 signing oracles with hidden CSS text', () => {
  const files = available ? readdirSync(join(ATTACKS_DIR, 'covert-content/02-sig')) : [];

  // Vulnerable: quoting the received HTML (with its CSS) into a signed reply, so
  // the signature covers text the user never saw.
  it.each(files)(
    'RO-02 %s: the signed reply holds only what the user typed',
    async (file) => {
      const bg = await background(ours.armor(), 'alice@ecosmail.test');
      const raw = attackFile(`covert-content/02-sig/${file}`);
      const { composer, ticket } = await replyTo(bg, raw);
      // No field that could carry the received text (the rest are flags).
      expect(Object.keys(composer).sort()).toEqual(
        [
          'cc',
          'from',
          'gmail',
          'hasDraft',
          'pageAccount',
          'replyToEncrypted',
          'subject',
          'to',
        ].sort(),
      );

      const typed = 'I agree to lunch.';
      await bg.ask(
        'composer.send',
        {
          ticket,
          to: ['bob@example.com'],
          cc: [],
          subject: 'Re',
          text: typed,
          encrypt: false,
        },
        bg.frame('composer'),
      );
      const body = bg.submitted[0]!.split(/\r?\n\r?\n/)
        .slice(1)
        .join('\n\n');
      expect(body).toContain(typed);
      expect(body).not.toMatch(/<style|display\s*:|visibility|font-size|<html/i);
    },
  );
});

describe('RO-05 / EF-13 / AU-03 ciphertext out of context', () => {
  async function encryptToOurs(text: string) {
    return openpgp.encrypt({
      message: await openpgp.createMessage({
        binary: new TextEncoder().encode(`Content-Type: text/plain\r\n\r\n${text}`),
      }),
      encryptionKeys: ours.toPublic(),
    });
  }

  const pgpMimePart = (armored: string) =>
    [
      'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="e"',
      '',
      '--e',
      'Content-Type: application/pgp-encrypted',
      '',
      'Version: 1',
      '--e',
      'Content-Type: application/octet-stream',
      '',
      armored,
      '--e--',
    ].join('\r\n');

  const resent = (armored: string, replyTo: string | null) =>
    new TextEncoder().encode(
      [
        'From: ceo@example.org',
        ...(replyTo ? [`Reply-To: ${replyTo}`] : []),
        'To: alice@ecosmail.test',
        'Message-ID: <resent-1@example.org>',
        'Content-Type: multipart/mixed; boundary="m"',
        '',
        '--m',
        'Content-Type: text/html',
        '',
        '<p>Please comment:</p>',
        '--m',
        pgpMimePart(armored),
        '--m',
        'Content-Type: text/html',
        '',
        '<p>Thanks</p>',
        '--m--',
        '',
      ].join('\r\n'),
    );

  /** Reads `raw` in tab 3, then asks the composer's advice for a reply in `tab`. */
  async function replyAdvice(raw: Uint8Array, to: string[], tab = 3) {
    const bg = await background(ours.armor(), 'alice@ecosmail.test');
    const { ticket } = await bg.ask(
      'message.opened',
      { messageId: 'm', raw: bytesToBase64(raw) },
      bg.content,
    );
    const read = await bg.ask('reader.decrypt', { ticket }, bg.frame('reader'));
    const inTab = <T extends object>(sender: T) => ({ ...sender, tab: { id: tab } });
    const replyTo = /^Message-ID: (\S+)/m.exec(new TextDecoder().decode(raw))![1]!;
    const composer = await bg.ask(
      'composer.register',
      { composeId: 'c', to, cc: [], subject: 'Re', inReplyTo: replyTo, references: [] },
      inTab(bg.content),
    );
    const advice = await bg.ask(
      'composer.recommend',
      { ticket: composer.ticket, to, cc: [] },
      inTab(bg.frame('composer')),
    );
    return { read, advice };
  }

  // Vulnerable (CCS 2020 decryption contexts): a re-sent ciphertext with a new
  // Reply-To, wrapped in attacker HTML, shown as if it were this mail, and a
  // reply that goes to the attacker without a word. Without the Reply-To check
  // `addedRecipients` and `notNamedBySender` below are empty.
  it('RO-05 re-sent ciphertext wrapped in HTML with a new Reply-To is labelled embedded, and a reply to that address warns', async () => {
    const armored = await encryptToOurs('board minutes');
    const raw = resent(armored, 'attacker@evil.test');
    const result = await decryptMail(raw, ours.armor(), []);
    expect(result.text.trim()).toBe('board minutes');
    expect(result.embedded).toBe(true);
    expect(result.text).not.toContain('Please comment');

    const { read, advice } = await replyAdvice(raw, ['attacker@evil.test']);
    expect(read.addedRecipients).toEqual(['attacker@evil.test']);
    expect(advice.notNamedBySender).toEqual(['attacker@evil.test']);
  });

  it('RO-05 positive control: a reply to the From address of the same mail warns about nobody', async () => {
    const raw = resent(await encryptToOurs('board minutes'), null);
    const { read, advice } = await replyAdvice(raw, ['ceo@example.org']);
    expect(read.addedRecipients).toEqual([]);
    expect(advice.notNamedBySender).toEqual([]);
  });

  // With header protection the payload names its own recipients: an outer
  // Reply-To that none of them is, is flagged; one the sender put inside is not.
  it('RO-05 an outer Reply-To absent from the protected headers warns; a protected one does not', async () => {
    const protectedEntity = (replyTo: string) =>
      [
        'Content-Type: text/plain; protected-headers="v1"',
        'From: ceo@example.org',
        'To: alice@ecosmail.test',
        `Reply-To: ${replyTo}`,
        'Subject: minutes',
        '',
        'board minutes',
      ].join('\r\n');
    const mailWith = async (inner: string, outer: string) =>
      new TextEncoder().encode(
        [
          'From: ceo@example.org',
          `Reply-To: ${outer}`,
          'To: alice@ecosmail.test',
          'Message-ID: <hp-1@example.org>',
          pgpMimePart(
            await openpgp.encrypt({
              message: await openpgp.createMessage({
                binary: new TextEncoder().encode(inner),
              }),
              encryptionKeys: ours.toPublic(),
            }),
          ),
          '',
        ].join('\r\n'),
      );

    const added = await mailWith(
      protectedEntity('ceo@example.org'),
      'attacker@evil.test',
    );
    expect((await replyAdvice(added, ['attacker@evil.test'])).advice).toMatchObject({
      notNamedBySender: ['attacker@evil.test'],
    });
    const named = await mailWith(
      protectedEntity('assistant@example.org'),
      'assistant@example.org',
    );
    expect((await replyAdvice(named, ['assistant@example.org'])).advice).toMatchObject({
      notNamedBySender: [],
    });
  });

  // What the decryption recorded stays with the tab it was read in: a compose
  // slot in another tab (another page) cannot probe it.
  it('RO-05 the recorded addresses are bound to the tab the mail was read in', async () => {
    const raw = resent(await encryptToOurs('board minutes'), 'attacker@evil.test');
    const { advice } = await replyAdvice(raw, ['attacker@evil.test'], 4);
    expect(advice.notNamedBySender).toEqual([]);
  });

  const bankMail = (armored: string, after = 'Send the code to mallory.') =>
    new TextEncoder().encode(
      [
        'From: mallory@evil.test',
        'To: alice@ecosmail.test',
        'Content-Type: text/plain',
        '',
        'Trust me, the following is from your bank:',
        armored,
        after,
        '',
      ].join('\r\n'),
    );

  // Vulnerable: decrypting an inline block on opening, or merging it with the
  // text around (EFAIL). A merging reader fails on `text` (it would hold "Trust
  // me" and the secret together) or on the block holding "Send the code"; one
  // that decrypts on opening fails on the key operations counted before the click.
  it('EF-13 a plain mail with an inline block: decrypted only on the click, the block alone, the text around labelled unencrypted', async () => {
    const bg = await background(ours.armor(), 'alice@ecosmail.test');
    const raw = bankMail(await encryptToOurs('inline secret'));
    const opened = await bg.ask(
      'message.opened',
      { messageId: 'm', raw: bytesToBase64(raw) },
      bg.content,
    );
    expect(opened).toMatchObject({ encrypted: false, ticket: expect.any(String) });
    expect(JSON.stringify(opened)).not.toContain('inline secret');
    expect(await keyOps(bg)).toBe(0);

    const described = await bg.ask(
      'reader.describe',
      { ticket: opened.ticket },
      bg.frame('reader'),
    );
    expect(described.embeddedBlocks).toBe(1);
    // The text around is readable before any decryption, and holds no plaintext.
    expect((described.unencrypted as string[]).map((s) => s.trim())).toEqual([
      'Trust me, the following is from your bank:',
      'Send the code to mallory.',
    ]);

    const result = await bg.ask(
      'reader.decrypt',
      { ticket: opened.ticket },
      bg.frame('reader'),
    );
    expect(await keyOps(bg)).toBe(1);
    expect(result).toMatchObject({ text: '', html: null, embedded: true });
    expect(result.signature).toEqual({ status: 'none' });
    const parts = result.inlineParts as { kind: string; text: string }[];
    expect(parts.map((p) => p.kind)).toEqual(['unencrypted', 'decrypted', 'unencrypted']);
    expect(parts[0]!.text.trim()).toBe('Trust me, the following is from your bank:');
    expect(parts[1]!.text.trim()).toBe('Content-Type: text/plain\r\n\r\ninline secret');
    expect(parts[2]!.text.trim()).toBe('Send the code to mallory.');
  });

  // Positive control: the same block as the whole body is an inline-PGP message.
  it('EF-13 control: the block alone is read as the message itself', async () => {
    const armored = await encryptToOurs('whole secret');
    const raw = new TextEncoder().encode(
      `From: dana@example.org\r\nTo: alice@ecosmail.test\r\n\r\n${armored}\r\n`,
    );
    const result = await decryptMail(raw, ours.armor(), []);
    expect(result.text).toContain('whole secret');
    expect(result.embedded).toBe(false);
    expect(result.inlineParts).toBeUndefined();
  });

  it('EF-13 a block that fails is reported in its own place, the others still decrypt', async () => {
    const good = await encryptToOurs('good block');
    const fake =
      '-----BEGIN PGP MESSAGE-----\n\nCall +1 555 0100\n-----END PGP MESSAGE-----';
    const raw = bankMail(good, `${fake}\r\nbye`);
    const result = await decryptMail(raw, ours.armor(), []);
    const parts = result.inlineParts!;
    expect(parts.map((p) => p.kind)).toEqual([
      'unencrypted',
      'decrypted',
      'failed',
      'unencrypted',
    ]);
    expect(parts[2]).toEqual({ kind: 'failed', code: 'bad-ciphertext' });
    const decrypted = parts.filter((p) => p.kind === 'decrypted');
    expect(JSON.stringify(decrypted)).not.toContain('555 0100');
  });

  // Vulnerable: a mail full of old ciphertexts spending the key's whole budget.
  // Without the cap all 12 blocks would decrypt and the count below would be 12.
  it(`EX-08 a mail with 12 embedded blocks spends ${MAX_EMBEDDED_BLOCKS} key operations, no more`, async () => {
    const bg = await background(ours.armor(), 'alice@ecosmail.test');
    const blocks = await Promise.all(
      Array.from({ length: 12 }, (_, i) => encryptToOurs(`block ${i}`)),
    );
    const raw = bankMail(blocks.join('\r\nand\r\n'));
    const { ticket } = await bg.ask(
      'message.opened',
      { messageId: 'm', raw: bytesToBase64(raw) },
      bg.content,
    );
    const result = await bg.ask('reader.decrypt', { ticket }, bg.frame('reader'));
    const kinds = (result.inlineParts as { kind: string }[]).map((p) => p.kind);
    expect(kinds.filter((k) => k === 'decrypted')).toHaveLength(MAX_EMBEDDED_BLOCKS);
    expect(kinds.filter((k) => k === 'skipped')).toHaveLength(12 - MAX_EMBEDDED_BLOCKS);
    expect(await keyOps(bg)).toBe(MAX_EMBEDDED_BLOCKS);
  });

  // Vulnerable: finding ciphertext from the rendered DOM (hidden parts vanish)
  // and presenting a mail with hidden content as a clean encrypted one.
  it('AU-03 a PGP/MIME part beside hidden HTML is found from the MIME source and disclosed', async () => {
    const armored = await encryptToOurs('found it');
    const raw = [
      'From: mallory@evil.test',
      'To: alice@ecosmail.test',
      'Content-Type: multipart/mixed; boundary="m"',
      '',
      '--m',
      'Content-Type: text/html',
      '',
      '<div style="display:none;width:0;height:0">hidden instructions</div>',
      '--m',
      pgpMimePart(armored),
      '--m--',
      '',
    ].join('\r\n');
    const result = await decryptMail(new TextEncoder().encode(raw), ours.armor(), []);
    expect(result.text.trim()).toBe('found it');
    expect(result.embedded).toBe(true);
  });
});

describe('AU-01 / AU-02 / AU-05 armor and attachments', () => {
  const wrap = (data: string) =>
    new TextEncoder().encode(
      [
        'From: dana@example.org',
        'To: alice@ecosmail.test',
        'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="e"',
        '',
        '--e',
        'Content-Type: application/pgp-encrypted',
        '',
        'Version: 1',
        '--e',
        'Content-Type: application/octet-stream',
        '',
        data,
        '--e--',
        '',
      ].join('\r\n'),
    );

  async function armoredTo(
    text: string,
    entity = `Content-Type: text/plain\r\n\r\n${text}`,
  ) {
    return openpgp.encrypt({
      message: await openpgp.createMessage({ binary: new TextEncoder().encode(entity) }),
      encryptionKeys: ours.toPublic(),
    });
  }

  // Vulnerable: rejecting armor that real clients send, or showing armor headers
  // (Comment: "Verified by …") as if they were trusted information.
  it.each([
    ['CRLF line endings', (a: string) => a.replace(/\r?\n/g, '\r\n')],
    [
      'extra armor headers',
      (a: string) =>
        a.replace(
          '-----BEGIN PGP MESSAGE-----\n',
          '-----BEGIN PGP MESSAGE-----\nVersion: Evil 1.0\nComment: Signature verified by your bank\nMessageID: x\nHash: SHA256\n',
        ),
    ],
  ])(
    'AU-01 armor with %s decrypts and no armor header reaches the output',
    async (_c, mangle) => {
      const armored = await armoredTo('armor ok');
      const result = await decryptMail(wrap(mangle(armored)), ours.armor(), []);
      expect(result.text.trim()).toBe('armor ok');
      expect(JSON.stringify(result)).not.toMatch(/verified by your bank|Evil 1\.0/);
    },
  );

  it('AU-01 two concatenated armored blocks: only the first is read, the second is not merged', async () => {
    const first = await armoredTo('first block');
    const second = await armoredTo('second block');
    const result = await decryptMail(wrap(`${first}\n${second}`), ours.armor(), []);
    expect(result.text.trim()).toBe('first block');
    expect(result.text).not.toContain('second block');
  });

  // Vulnerable (Yahoo E2E #18): showing readable text found between armor lines
  // as if it had been decrypted.
  it('AU-02 readable text dressed as an armored block is refused, never shown', async () => {
    const fake =
      '-----BEGIN PGP MESSAGE-----\n\nYour account is locked, call +1 555 0100\n-----END PGP MESSAGE-----';
    await expect(decryptMail(wrap(fake), ours.armor(), [])).rejects.toMatchObject({
      code: 'bad-ciphertext',
    });
  });

  // Vulnerable (Mailvelope 0.13): rendering an attachment's name or HTML body in
  // the extension's origin. Here: the file is kept apart from the text and the
  // HTML view, byte for byte under its literal name; the reader lists the name as
  // text and saves the bytes as application/octet-stream (real Chromium:
  // test/security/browser/reader-parts.test.ts).
  it('AU-05 an HTML attachment is kept as a file: neither rendered nor joined with the text', async () => {
    const page = '<script>alert(1)</script><p>attached page</p>';
    const entity = [
      'Content-Type: multipart/mixed; boundary="a"',
      '',
      '--a',
      'Content-Type: text/plain',
      '',
      'see attachment',
      '--a',
      'Content-Type: text/html; name="\\"><img src=x onerror=alert(1)>.html"',
      'Content-Disposition: attachment; filename="\\"><img src=x onerror=alert(1)>.html"',
      '',
      page,
      '--a--',
      '',
    ].join('\r\n');
    const result = await decryptMail(wrap(await armoredTo('', entity)), ours.armor(), []);
    expect(result.text.trim()).toBe('see attachment');
    expect(result.html).toBeNull();
    expect(result.attachments).toHaveLength(1);
    const [file] = result.attachments!;
    expect(file!.name).toBe('"><img src=x onerror=alert(1)>.html');
    expect(file!.mimeType).toBe('text/html');
    expect(new TextDecoder().decode(file!.content).trim()).toBe(page);
    // Only the file's own fields carry its name and content.
    expect(JSON.stringify({ ...result, attachments: [] })).not.toMatch(
      /onerror|attached page/,
    );
  });
});
