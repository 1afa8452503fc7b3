// @vitest-environment happy-dom
// The page's own modules (plain browser JavaScript in public/): the contract's submit
// handling and the fallback compose's MIME. The modules are loaded by URL so that
// public/ stays free of type declarations; the shapes used here are declared below.
import PostalMime from 'postal-mime';
import { afterEach, describe, expect, it, vi } from 'vitest';

interface ContractModule {
  newComposeId(): string;
  listenForSubmissions(onSent: (composeId: string) => void): void;
}

interface MimeModule {
  buildTextMessage(fields: {
    from: string;
    to: string[];
    subject: string;
    body: string;
    inReplyTo?: string;
    references?: string;
  }): string;
}

async function load<T>(path: string): Promise<T> {
  return (await import(/* @vite-ignore */ new URL(path, import.meta.url).href)) as T;
}

const ALICE = 'alice@ecosmail.test';
const BOB = 'bob@ecosmail.test';

describe('ecosmail:submit', async () => {
  const contract = await load<ContractModule>('./public/contract.js');
  const sent: string[] = [];
  contract.listenForSubmissions((composeId) => sent.push(composeId));

  afterEach(() => vi.unstubAllGlobals());

  /** Dispatches a submit event and collects the result events that follow. */
  async function submit(detail: unknown): Promise<Record<string, unknown>[]> {
    const results: Record<string, unknown>[] = [];
    const listener = (e: Event) =>
      results.push(
        JSON.parse((e as CustomEvent<string>).detail) as Record<string, unknown>,
      );
    document.addEventListener('ecosmail:submit-result', listener);
    document.dispatchEvent(new CustomEvent('ecosmail:submit', { detail }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    document.removeEventListener('ecosmail:submit-result', listener);
    return results;
  }

  function stubServer(answer: { ok: boolean; error?: string }) {
    const fetch = vi.fn(async () => new Response(JSON.stringify(answer)));
    vi.stubGlobal('fetch', fetch);
    return fetch;
  }

  const mime = `From: ${ALICE}\r\nTo: ${BOB}\r\nSubject: hi\r\n\r\nhello\r\n`;

  it('should post recipients and mime unchanged and report success', async () => {
    const fetch = stubServer({ ok: true });
    const composeId = contract.newComposeId();
    const request = { v: 1, requestId: 'r1', composeId, recipients: [BOB], mime };

    const results = await submit(JSON.stringify(request));

    expect(results).toEqual([{ v: 1, requestId: 'r1', ok: true }]);
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/send');
    expect(JSON.parse(init.body as string)).toEqual({ recipients: [BOB], mime });
    expect(sent).toContain(composeId);
  });

  it('should pass on the server refusal as ok: false', async () => {
    stubServer({ ok: false, error: 'mime: the From header must be exactly x' });
    const request = {
      v: 1,
      requestId: 'r2',
      composeId: contract.newComposeId(),
      recipients: [BOB],
      mime,
    };
    const [result] = await submit(JSON.stringify(request));
    expect(result).toMatchObject({ requestId: 'r2', ok: false, error: /From header/ });
  });

  it('should answer a malformed request whose requestId is readable', async () => {
    const fetch = stubServer({ ok: true });
    const composeId = contract.newComposeId();
    const cases = [
      { v: 2, requestId: 'bad-v', composeId, recipients: [BOB], mime },
      { v: 1, requestId: 'bad-compose', composeId: 'made-up', recipients: [BOB], mime },
      { v: 1, requestId: 'bad-rcpt', composeId, recipients: [], mime },
      { v: 1, requestId: 'bad-mime', composeId, recipients: [BOB], mime: 42 },
    ];
    for (const request of cases) {
      const results = await submit(JSON.stringify(request));
      expect(results).toEqual([
        { v: 1, requestId: request.requestId, ok: false, error: expect.any(String) },
      ]);
    }
    expect(fetch).not.toHaveBeenCalled();
  });

  it('should ignore a request it cannot answer', async () => {
    const fetch = stubServer({ ok: true });
    for (const detail of [{ v: 1, requestId: 'object' }, 'not json', '{"v":1}', '[]']) {
      expect(await submit(detail)).toEqual([]);
    }
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe('fallback compose MIME', async () => {
  const { buildTextMessage } = await load<MimeModule>('./public/mime.js');

  it('should build a CRLF text/plain message that parses back as typed', async () => {
    const body = `Grüße, Bob!  \nA long line: ${'x'.repeat(200)}\n=\n.\nend`;
    const subject = 'Über den Wolken – ein sehr langer Betreff mit Umlauten äöü und mehr';
    const raw = buildTextMessage({ from: ALICE, to: [BOB], subject, body });

    expect(raw).not.toMatch(/(^|[^\r])\n/);
    expect(raw.split('\r\n').every((line) => line.length <= 76)).toBe(true);
    const parsed = await PostalMime.parse(raw);
    expect(parsed.subject).toBe(subject);
    expect(parsed.text?.replace(/\r\n/g, '\n').trimEnd()).toBe(body);
    expect(parsed.from).toMatchObject({ address: ALICE });
  });

  it('should carry the threading headers of a reply', async () => {
    const raw = buildTextMessage({
      from: ALICE,
      to: [BOB],
      subject: 'Re: hi',
      body: 'ok',
      inReplyTo: '<m1@x>',
      references: '<m0@x> <m1@x>',
    });
    const parsed = await PostalMime.parse(raw);
    expect(parsed.inReplyTo).toBe('<m1@x>');
    expect(parsed.references).toBe('<m0@x> <m1@x>');
  });
});
