import { describe, expect, it } from 'vitest';
import {
  encodeWords,
  foldHeader,
  formatMailbox,
  quotedPrintable,
  rfc5322Date,
} from '../../src/mime/encode';
import {
  envelopeHeaders,
  pgpMimeEncrypted,
  serializeEntity,
  textPlainEntity,
} from '../../src/mime/build';
import { parseContentType } from '../../src/mime/content-type';
import { parseMail } from '../../src/mime/parse';
import { signedPartBytes } from '../../src/mime/signed';

const bytes = (s: string) => new TextEncoder().encode(s);
const ARMOR = '-----BEGIN PGP MESSAGE-----\n\nwcBMA0\n=AbCd\n-----END PGP MESSAGE-----';

describe('encode', () => {
  it('leaves ASCII header text alone and encodes the rest in words of at most 75', () => {
    expect(encodeWords('Hello there')).toBe('Hello there');
    const words = encodeWords(
      'Grüße aus Köln — 東京からこんにちは、お元気ですか？'.repeat(2),
    ).split(' ');
    expect(words.length).toBeGreaterThan(1);
    expect(
      words.every((w) => /^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/.test(w) && w.length <= 75),
    ).toBe(true);
  });

  it('encodes ASCII that merely looks like an encoded word', () => {
    expect(encodeWords('=?UTF-8?B?Zm9v?=')).toMatch(/^=\?UTF-8\?B\?/);
  });

  it('quotes or encodes display names as needed', () => {
    expect(formatMailbox('a@b.example')).toBe('a@b.example');
    expect(formatMailbox('a@b.example', 'Alice')).toBe('Alice <a@b.example>');
    expect(formatMailbox('a@b.example', 'Smith, "Al"')).toBe(
      '"Smith, \\"Al\\"" <a@b.example>',
    );
    expect(formatMailbox('a@b.example', 'Zoë')).toBe(
      '=?UTF-8?B?Wm/Dqw==?= <a@b.example>',
    );
  });

  it.each(['a@b.example>\r\nBcc: x@y.example', 'not an address', 'a@b@c', ''])(
    'refuses the address %j',
    (addr) => {
      expect(() => formatMailbox(addr)).toThrow(
        expect.objectContaining({ code: 'bad-address' }),
      );
    },
  );

  it('folds long headers at spaces and refuses bare line breaks', () => {
    const folded = foldHeader(
      'To',
      Array.from({ length: 8 }, (_, i) => `user${i}@example.org`).join(', '),
    );
    expect(folded.split('\r\n').every((line) => line.length <= 78)).toBe(true);
    expect(folded.replace(/\r\n/g, '')).toContain('user7@example.org');
    expect(() => foldHeader('Subject', 'hi\r\nBcc: x@y.example')).toThrow(
      expect.objectContaining({ code: 'bad-header' }),
    );
  });

  it('writes quoted-printable with soft breaks, escaped "=" and trailing space', () => {
    const qp = quotedPrintable(`a=b \n${'é'.repeat(40)}`);
    const lines = qp.split('\r\n');
    expect(lines[0]).toBe('a=3Db=20');
    expect(lines.every((line) => line.length <= 76)).toBe(true);
    expect(lines[1]!.endsWith('=')).toBe(true);
  });

  it('formats RFC 5322 dates in UTC', () => {
    expect(rfc5322Date(new Date(Date.UTC(2026, 11, 4, 9, 5, 7)))).toBe(
      'Fri, 04 Dec 2026 09:05:07 +0000',
    );
  });
});

describe('build + parse', () => {
  const envelope = envelopeHeaders({
    from: { addr: 'alice@example.org', name: 'Alice Ämmälä' },
    to: ['bob@example.net'],
    cc: ['carol@example.com'],
    subject: 'Grüße — ünïcödé subject',
    date: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
    messageId: '<id1@example.org>',
    inReplyTo: 'id0@example.org',
    references: ['<id-1@example.org>', '<id0@example.org>'],
  });

  it('round-trips a plain message with non-ASCII subject, names and body', async () => {
    const body = textPlainEntity('Hej då!\nSecond line ☃\n');
    const raw = serializeEntity({
      headers: [
        ...envelope,
        ['Autocrypt', 'addr=alice@example.org; keydata=\r\n AAAA'],
        ...body.headers,
      ],
      body: body.body,
    });

    expect(raw).not.toMatch(/(?<!\r)\n/);
    expect([...raw].every((c) => c.charCodeAt(0) < 128)).toBe(true);

    const mail = await parseMail(bytes(raw));
    expect(mail).toMatchObject({
      from: { addr: 'alice@example.org', name: 'Alice Ämmälä' },
      fromCount: 1,
      to: ['bob@example.net'],
      cc: ['carol@example.com'],
      subject: 'Grüße — ünïcödé subject',
      messageId: '<id1@example.org>',
      references: ['<id-1@example.org>', '<id0@example.org>'],
      contentType: 'text/plain',
      isReport: false,
      autocryptHeaders: ['addr=alice@example.org; keydata= AAAA'],
      encrypted: null,
    });
    expect(mail.date?.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(mail.text?.replace(/\r\n/g, '\n')).toBe('Hej då!\nSecond line ☃\n');
  });

  it('recognises RFC 3156 multipart/encrypted', async () => {
    const encrypted = pgpMimeEncrypted(ARMOR);
    const raw = serializeEntity({
      headers: [...envelope, ...encrypted.headers],
      body: encrypted.body,
    });
    const mail = await parseMail(bytes(raw));
    expect(mail.contentType).toBe('multipart/encrypted');
    expect(mail.encrypted?.armored.replace(/\r\n/g, '\n')).toBe(ARMOR);
    expect(mail.text).toBeNull();
  });

  it('recognises the mixed-up shape with nameless parts (P01, P03)', async () => {
    const raw = [
      'From: alice@example.org',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'Empty Message',
      '--b',
      'Content-Type: application/pgp-encrypted',
      'Content-Transfer-Encoding: base64',
      '',
      'VmVyc2lvbjogMQ==',
      '--b',
      'Content-Type: application/octet-stream',
      '',
      ARMOR,
      '--b--',
      '',
    ].join('\r\n');
    const mail = await parseMail(bytes(raw));
    expect(mail.encrypted?.armored.replace(/\r\n/g, '\n')).toBe(ARMOR);
  });

  it('recognises the armor moved into a text part next to an empty stub (P02)', async () => {
    const raw = [
      'From: alice@example.org',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: application/pgp-encrypted',
      '',
      '',
      '--b',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      ARMOR,
      '--b--',
      '',
    ].join('\r\n');
    const mail = await parseMail(bytes(raw));
    expect(mail.encrypted?.armored.replace(/\r\n/g, '\n')).toBe(ARMOR);
  });

  it('does not treat a pasted armor block in a plain mail as PGP/MIME (P08)', async () => {
    const raw = `From: alice@example.org\r\nSubject: fwd\r\n\r\nSee below\r\n${ARMOR}\r\n`;
    expect((await parseMail(bytes(raw))).encrypted).toBeNull();
  });

  it('counts every From mailbox and ignores bare words', async () => {
    const two = await parseMail(bytes('From: a@example.org, b@example.org\r\n\r\nx\r\n'));
    expect(two.fromCount).toBe(2);
    const none = await parseMail(bytes('From: nobody\r\n\r\nx\r\n'));
    expect(none).toMatchObject({ from: null, fromCount: 0 });
  });
});

describe('content type and signed parts', () => {
  it('parses parameters with quoted semicolons', () => {
    const ct = parseContentType(
      'Multipart/Signed; micalg=pgp-sha256; boundary="a;b"; protocol="application/pgp-signature"',
    );
    expect(ct.type).toBe('multipart/signed');
    expect(ct.params.get('boundary')).toBe('a;b');
    expect(ct.params.get('protocol')).toBe('application/pgp-signature');
  });

  it('takes the first part of a multipart/signed byte for byte, in CRLF', () => {
    const entity = bytes(
      'Content-Type: multipart/signed; boundary="xx"\n\n--xx\nContent-Type: text/plain\n\nhi\n--xxy\n--xx\nsig\n--xx--\n',
    );
    const part = new TextDecoder().decode(signedPartBytes(entity, 'xx')!);
    expect(part).toBe('Content-Type: text/plain\r\n\r\nhi\r\n--xxy');
  });
});
