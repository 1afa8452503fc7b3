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
  return { ask, content, frame, submitted };
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

  it.skip('RO-01 (partial: inline PGP is never decrypted, so inline mails cannot be read at all) pgp_inline', () => {});
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

  // Vulnerable (CCS 2020 decryption contexts): a re-sent ciphertext with a new
  // Reply-To, wrapped in attacker HTML, shown as if it were this mail.
  it('RO-05 (partial: reply recipients come from the page; protected headers are not compared yet) re-sent ciphertext wrapped in HTML with a new Reply-To is labelled embedded', async () => {
    const armored = await encryptToOurs('board minutes');
    const raw = [
      'From: ceo@example.org',
      'Reply-To: attacker@evil.test',
      'To: alice@ecosmail.test',
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
    ].join('\r\n');
    const result = await decryptMail(new TextEncoder().encode(raw), ours.armor(), []);
    expect(result.text.trim()).toBe('board minutes');
    expect(result.embedded).toBe(true);
    expect(result.text).not.toContain('Please comment');
  });

  // Vulnerable: decrypting an inline block and merging it with the text around.
  it('EF-13 (partial: inline PGP blocks are not decrypted at all) a plain mail with an inline block gets no decryption', async () => {
    const bg = await background(ours.armor(), 'alice@ecosmail.test');
    const armored = await encryptToOurs('inline secret');
    const raw = [
      'From: mallory@evil.test',
      'To: alice@ecosmail.test',
      'Content-Type: text/plain',
      '',
      'Trust me, the following is from your bank:',
      armored,
      'Send the code to mallory.',
      '',
    ].join('\r\n');
    const opened = await bg.ask(
      'message.opened',
      { messageId: 'm', raw: bytesToBase64(new TextEncoder().encode(raw)) },
      bg.content,
    );
    expect(opened).toMatchObject({ encrypted: false, ticket: null });
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
  // the extension's origin.
  it('AU-05 (partial: attachments are not offered for download yet) an HTML attachment is neither rendered nor joined with the text', async () => {
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
      '<script>alert(1)</script><p>attached page</p>',
      '--a--',
      '',
    ].join('\r\n');
    const result = await decryptMail(wrap(await armoredTo('', entity)), ours.armor(), []);
    expect(result.text.trim()).toBe('see attachment');
    expect(result.html).toBeNull();
    expect(JSON.stringify(result)).not.toMatch(/onerror|attached page/);
  });
});
