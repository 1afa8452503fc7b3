// The reference webmail end to end over loopback: real SMTP in, real SMTP out, files on
// disk, and the HTTP API as the page uses it. Personas: alice and bob are local,
// carol lives at another provider.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newMessageId } from './ids.ts';
import { startWebmail } from './server.ts';
import type { Webmail } from './server.ts';

const ALICE = 'alice@ecosmail.test';
const BOB = 'bob@ecosmail.test';
const CAROL = 'carol@example.org';

let webmail: Webmail;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'ecosmail-webmail-'));
  webmail = await startWebmail({ dataDir });
});

afterAll(async () => {
  await webmail?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** A CRLF message with the given headers and body lines. */
function mail(headers: Record<string, string>, ...body: string[]): string {
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return [...head, '', ...body, ''].join('\r\n');
}

function plainMail(from: string, to: string, subject: string, ...body: string[]) {
  const id = `<${newMessageId()}@test.example>`;
  const headers = { From: from, To: to, Subject: subject, 'Message-ID': id };
  const date = { Date: 'Thu, 01 Jan 2026 10:00:00 +0000' };
  return mail(
    { ...headers, ...date, 'Content-Type': 'text/plain; charset=utf-8' },
    ...body,
  );
}

async function signIn(account: string): Promise<string> {
  const res = await fetch(`${webmail.url}/login`, {
    method: 'POST',
    body: new URLSearchParams({ account }),
    redirect: 'manual',
  });
  expect(res.status).toBe(303);
  const cookie = res.headers.get('set-cookie') ?? '';
  return cookie.split(';')[0] ?? '';
}

async function api(path: string, cookie: string, init: RequestInit = {}) {
  const headers = { cookie, ...(init.headers as Record<string, string> | undefined) };
  return fetch(`${webmail.url}${path}`, { ...init, headers });
}

describe('relay to a real MTA', () => {
  /** A stand-in MTA on loopback that keeps what it is given, with its envelope. */
  async function startMta() {
    const got: { to: string[]; raw: Buffer }[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      disableReverseLookup: true,
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          got.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
    return { got, port, stop };
  }

  it('should pass mail for a relayed domain on unchanged and keep the rest', async () => {
    const mta = await startMta();
    const dir = await mkdtemp(join(tmpdir(), 'ecosmail-webmail-'));
    const relayed = await startWebmail({
      dataDir: dir,
      relay: { domains: ['Relay.Example'], host: '127.0.0.1', port: mta.port },
    });
    try {
      const raw = plainMail(ALICE, 'dora@relay.example', 'Hi', 'Hello Dora,', '.');
      const to = ['dora@relay.example', CAROL, BOB];
      await relayed.deliver(raw, { from: ALICE, to });

      // Only the relayed domain's recipient goes to the MTA, byte for byte.
      expect(mta.got).toHaveLength(1);
      expect(mta.got[0]!.to).toEqual(['dora@relay.example']);
      expect(mta.got[0]!.raw.equals(Buffer.from(raw))).toBe(true);
      expect((await relayed.mailbox(BOB, 'inbox')).length).toBe(1);
      expect((await relayed.outbound())[0]?.recipients).toEqual([
        'dora@relay.example',
        CAROL,
      ]);

      // With the MTA gone the sender is told, and nothing is recorded as gone.
      await mta.stop();
      await expect(
        relayed.deliver(raw, { from: ALICE, to: ['dora@relay.example'] }),
      ).rejects.toThrow(/relay to 127\.0\.0\.1/);
      expect(await relayed.outbound()).toHaveLength(1);
    } finally {
      await mta.stop().catch(() => undefined);
      await relayed.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

async function send(cookie: string, recipients: string[], mime: string) {
  return api('/api/send', cookie, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ recipients, mime }),
  });
}

async function lastOf(addr: string, folder: 'inbox' | 'sent' | 'spam') {
  const messages = await webmail.mailbox(addr, folder);
  return messages.at(-1);
}

describe('SMTP delivery', () => {
  it('should store a delivered message byte for byte and list it', async () => {
    // A line starting with a dot tests SMTP dot-stuffing both ways.
    const raw = plainMail(
      CAROL,
      ALICE,
      '=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=',
      'Hi Alice,',
      '.',
      'C.',
    );
    await webmail.deliver(raw, { from: CAROL, to: [ALICE] });

    const stored = await lastOf(ALICE, 'inbox');
    expect(stored?.raw.equals(Buffer.from(raw))).toBe(true);

    const res = await api('/api/messages/inbox', await signIn(ALICE));
    const { messages } = (await res.json()) as { messages: Record<string, unknown>[] };
    expect(messages[0]).toMatchObject({
      id: stored?.id,
      from: CAROL,
      to: [ALICE],
      subject: 'Grüße',
      encrypted: false,
    });
  });

  it('should file mail the provider flagged as spam into Spam, byte for byte', async () => {
    const raw = `X-Spam-Flag: YES\r\n${plainMail(CAROL, ALICE, 'cheap', 'x')}`;
    await webmail.deliver(raw, { from: CAROL, to: [ALICE] });

    const stored = await lastOf(ALICE, 'spam');
    expect(stored?.raw.equals(Buffer.from(raw))).toBe(true);
    expect((await lastOf(ALICE, 'inbox'))?.raw.toString()).not.toContain('cheap');
    const res = await api('/api/messages/spam', await signIn(ALICE));
    const { messages } = (await res.json()) as { messages: { id: string }[] };
    expect(messages[0]?.id).toBe(stored?.id);
  });

  it('should give ids that sort by arrival', async () => {
    for (const n of [1, 2, 3]) {
      await webmail.deliver(plainMail(CAROL, BOB, `order ${n}`, 'x'), {
        from: CAROL,
        to: [BOB],
      });
    }
    const subjects = (await webmail.mailbox(BOB, 'inbox'))
      .map((m) => m.raw.toString())
      .filter((raw) => raw.includes('Subject: order'))
      .map((raw) => /Subject: (order \d)/.exec(raw)?.[1]);
    expect(subjects).toEqual(['order 1', 'order 2', 'order 3']);
  });

  it('should refuse a recipient at a local domain who does not exist', async () => {
    const raw = plainMail(CAROL, 'nobody@ecosmail.test', 'hello', 'x');
    await expect(
      webmail.deliver(raw, { from: CAROL, to: ['nobody@ecosmail.test'] }),
    ).rejects.toThrow();
  });

  it('should mark multipart/encrypted mail and return no text for it', async () => {
    const raw = mail(
      { From: CAROL, To: ALICE, Subject: '...', 'MIME-Version': '1.0' },
      ...encryptedBody(),
    ).replace('MIME-Version: 1.0', 'MIME-Version: 1.0\r\n' + ENCRYPTED_TYPE);
    await webmail.deliver(raw, { from: CAROL, to: [ALICE] });
    const stored = await lastOf(ALICE, 'inbox');

    const res = await api(`/api/messages/inbox/${stored?.id}`, await signIn(ALICE));
    const message = (await res.json()) as Record<string, unknown>;
    expect(message).toMatchObject({ encrypted: true, text: null });
  });
});

const ENCRYPTED_TYPE =
  'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted";' +
  ' boundary="b1"';

function encryptedBody(): string[] {
  return [
    '--b1',
    'Content-Type: application/pgp-encrypted',
    '',
    'Version: 1',
    '--b1',
    'Content-Type: application/octet-stream',
    '',
    '-----BEGIN PGP MESSAGE-----',
    '',
    'wV4DAAAAAAAAAAASAQdAnotreallyciphertext',
    '-----END PGP MESSAGE-----',
    '--b1--',
  ];
}

describe('POST /api/send', () => {
  it('should send over SMTP, keep a sent copy and deliver byte for byte', async () => {
    const cookie = await signIn(ALICE);
    const raw = plainMail(ALICE, `${BOB}, ${CAROL}`, 'lunch?', 'Noon?', '.hidden dot');

    const res = await send(cookie, [BOB, CAROL], raw);
    expect(await res.json()).toMatchObject({ ok: true });

    expect((await lastOf(ALICE, 'sent'))?.raw.equals(Buffer.from(raw))).toBe(true);
    expect((await lastOf(BOB, 'inbox'))?.raw.equals(Buffer.from(raw))).toBe(true);
    const outbound = (await webmail.outbound()).at(-1);
    expect(outbound?.recipients).toEqual([CAROL]);
    expect(outbound?.raw.equals(Buffer.from(raw))).toBe(true);
  });

  it('should refuse a From header that is not the signed-in account', async () => {
    const before = (await webmail.mailbox(BOB, 'inbox')).length;
    const res = await send(await signIn(ALICE), [BOB], plainMail(BOB, BOB, 'me', 'x'));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ ok: false });
    expect((await webmail.mailbox(BOB, 'inbox')).length).toBe(before);
  });

  it('should refuse two From headers even when one is right', async () => {
    const raw = `From: ${BOB}\r\n` + plainMail(ALICE, BOB, 'two', 'x');
    const res = await send(await signIn(ALICE), [BOB], raw);
    expect(res.status).toBe(403);
  });

  it('should refuse line ends other than CRLF rather than change bytes', async () => {
    const cookie = await signIn(ALICE);
    const raw = plainMail(ALICE, BOB, 'lf', 'x');
    for (const bad of [raw.replaceAll('\r\n', '\n'), raw.slice(0, -2)]) {
      expect((await send(cookie, [BOB], bad)).status).toBe(400);
    }
  });

  it('should refuse without a session and from another origin', async () => {
    expect((await send('', [BOB], plainMail(ALICE, BOB, 's', 'x'))).status).toBe(401);
    const res = await api('/api/send', await signIn(ALICE), {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://evil.test' },
      body: JSON.stringify({ recipients: [BOB], mime: plainMail(ALICE, BOB, 's', 'x') }),
    });
    expect(res.status).toBe(403);
  });

  it('should send one Message-ID once, answer "already sent" after, and say so', async () => {
    const cookie = await signIn(ALICE);
    const raw = plainMail(ALICE, BOB, 'once', 'only one copy');
    const messageId = /Message-ID: (<[^>]+>)/.exec(raw)![1]!;
    const status = async () => {
      const res = await api(`/api/send-status/${encodeURIComponent(messageId)}`, cookie);
      return ((await res.json()) as { state: string }).state;
    };
    const before = (await webmail.mailbox(BOB, 'inbox')).length;
    expect(await status()).toBe('not-sent');

    // Two at once and one after: exactly one goes out.
    const answers = await Promise.all([
      send(cookie, [BOB], raw),
      send(cookie, [BOB], raw),
    ]).then((all) => all.map((r) => r.status).sort());
    expect(answers).toEqual([200, 409]);
    const again = await send(cookie, [BOB], raw);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ ok: false, alreadySent: true });
    expect(await status()).toBe('sent');
    expect((await webmail.mailbox(BOB, 'inbox')).length - before).toBe(1);

    // Positive control: another Message-ID with the same text goes out.
    expect((await send(cookie, [BOB], plainMail(ALICE, BOB, 'once', 'x'))).status).toBe(
      200,
    );
    // Another account's ledger is its own: Bob never sent that id.
    const bobsView = await api(
      `/api/send-status/${encodeURIComponent(messageId)}`,
      await signIn(BOB),
    );
    expect(await bobsView.json()).toMatchObject({ state: 'not-sent' });
  });
});

describe('drafts', () => {
  it('should store a draft, replace it by its next version, list it and delete it', async () => {
    const cookie = await signIn(ALICE);
    const post = (mime: string, replaces?: string) =>
      api('/api/drafts', cookie, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ mime, replaces }),
      });
    const ids = async () =>
      (
        (await (await api('/api/messages/drafts', cookie)).json()) as {
          messages: { id: string }[];
        }
      ).messages.map((m) => m.id);
    const before = await ids();

    const first = (await (await post(plainMail(ALICE, ALICE, '[...]', 'v1'))).json()) as {
      id: string;
    };
    const second = (await (
      await post(plainMail(ALICE, ALICE, '[...]', 'v2'), first.id)
    ).json()) as { id: string };
    expect(await ids()).toEqual([second.id, ...before]);
    const raw = await api(`/api/messages/drafts/${second.id}/raw`, cookie);
    expect(await raw.text()).toContain('v2');

    // Only the author's own From is stored, and only for the signed-in account.
    expect((await post(plainMail(BOB, ALICE, 'x', 'y'))).status).toBe(403);
    const bobsDelete = await api(`/api/messages/drafts/${second.id}`, await signIn(BOB), {
      method: 'DELETE',
    });
    expect(await bobsDelete.json()).toEqual({ ok: false });

    const gone = await api(`/api/messages/drafts/${second.id}`, cookie, {
      method: 'DELETE',
    });
    expect(await gone.json()).toEqual({ ok: true });
    expect(await ids()).toEqual(before);
    // A method a path does not have is still refused.
    expect((await api('/api/drafts', cookie)).status).toBe(405);
  });
});

describe('GET /api/messages/<folder>/<id>/raw', () => {
  it('should answer the exact bytes to the owner only', async () => {
    const raw = plainMail(CAROL, ALICE, 'raw', 'bytes');
    await webmail.deliver(raw, { from: CAROL, to: [ALICE] });
    const id = (await lastOf(ALICE, 'inbox'))?.id ?? '';
    const path = `/api/messages/inbox/${id}/raw`;

    const own = await api(path, await signIn(ALICE));
    expect(own.headers.get('content-type')).toBe('message/rfc822');
    expect(Buffer.from(await own.arrayBuffer()).equals(Buffer.from(raw))).toBe(true);

    expect((await api(path, await signIn(BOB))).status).toBe(404);
    expect((await api(path, '')).status).toBe(401);
  });

  it('should not step outside the folder', async () => {
    const cookie = await signIn(ALICE);
    for (const id of ['..%2F..%2Fbob%40ecosmail.test', '..', 'x.eml']) {
      expect((await api(`/api/messages/inbox/${id}/raw`, cookie)).status).toBe(404);
    }
    expect((await api('/api/messages/_outbound', cookie)).status).toBe(404);
  });
});

describe('malformed mail', () => {
  it('should list what it can and keep serving', async () => {
    const broken = [
      'no headers at all, just text',
      'Subject: =?UTF-8?B?%%%?=\r\nContent-Type: multipart/mixed; boundary="x"\r\n\r\n',
      'From: <<<@@@>>>\r\nSubject: \xff\xfe bad bytes\r\nDate: yesterday\r\n\r\nbody',
      '\r\n\r\n\r\n',
    ];
    for (const raw of broken) {
      await webmail.deliver(Buffer.from(raw, 'latin1'), { from: CAROL, to: [BOB] });
    }
    const cookie = await signIn(BOB);
    const res = await api('/api/messages/inbox', cookie);
    expect(res.status).toBe(200);
    const { messages } = (await res.json()) as { messages: { id: string }[] };
    for (const { id } of messages.slice(0, broken.length)) {
      expect((await api(`/api/messages/inbox/${id}`, cookie)).status).toBe(200);
    }
    expect((await api('/api/session', cookie)).status).toBe(200);
  });
});

describe('the page', () => {
  it('should announce the contract and account only when signed in', async () => {
    const rootTag = (html: string) => /^<html\b[^>]*>/im.exec(html)?.[0];
    const signedOut = await (await fetch(`${webmail.url}/`)).text();
    expect(rootTag(signedOut)).toBe('<html lang="en">');

    const page = await (await api('/', await signIn(BOB))).text();
    expect(rootTag(page)).toContain(' data-ecosmail-contract="1" ');
    expect(rootTag(page)).toContain(` data-ecosmail-account="${BOB}"`);
  });
});
