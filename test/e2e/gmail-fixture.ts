/**
 * Gmail-shaped pages for the end-to-end tests, served under the real
 * `https://mail.google.com/` origin by Playwright's request interception, so
 * the content script's production match pattern applies. Together with them:
 * a fake of the "download original" route (the raw RFC 5322 bytes), a fake
 * of Gmail's own Send for the fixture compose window, and a fake of the Gmail
 * API's `users.messages.send`. Nothing reaches a Google host: every request
 * to one is answered here or aborted.
 *
 * The markup follows Gmail's structure as ../shared/docs/gmail.md §1-2
 * records it (class names, data-* ids, ARIA roles, hidden compose inputs).
 * Three generations: `current` (2024+ attributes and classes), `older`
 * (renamed classes and missing id attributes: only fallbacks match) and
 * `unknown` (nothing the adapter knows); plus `no-mount`, current markup
 * whose body wrapper has a class no variant knows. Pages send Gmail's Trusted Types
 * CSP, so a string HTML sink in our content script fails the test.
 */
import type { BrowserContext, Request, Route } from 'playwright';

/** Which generation of Gmail's markup a page imitates. */
export type Variant = 'current' | 'older' | 'unknown' | 'no-mount';

/** One message of a conversation. */
export interface FixtureMessage {
  /** The message's raw RFC 5322 bytes, answered by the download route. */
  raw: Buffer;
  /** `msg-f:` decimal id; its hex form is the API id. */
  decimal: bigint;
  from: { name: string; email: string };
  to: string;
  /** What Gmail renders as the body (empty for PGP/MIME). */
  body: string;
  /** Attachment chip names Gmail shows. */
  chips: string[];
  /**
   * Shown first with a `msg-a:` id and no API id, as mail just sent from the
   * tab is, until Gmail syncs it (the page sets the ids a moment later).
   */
  pending?: boolean;
}

/** A conversation view. */
export interface FixtureConversation {
  account: string;
  subject: string;
  /** `thread-f:` decimal id. */
  threadDecimal: bigint;
  messages: FixtureMessage[];
}

/** What the fakes saw. */
export interface GmailFake {
  /** Hex ids requested through the download-original route. */
  rawRequests: string[];
  /** Texts the fixture's own Send button submitted (Gmail's compose body). */
  gmailSends: string[];
  /** Bodies and Authorization headers posted to `messages/send`. */
  apiSends: { body: { raw?: string; threadId?: string }; authorization: string }[];
  /** The page URL of a conversation. */
  conversationUrl: string;
}

/** A random 63-bit id: above 2^53, as Gmail's are. */
export function randomGmailId(): bigint {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  bytes[0]! &= 0x7f;
  bytes[0]! |= 0x10;
  return BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

const hex = (id: bigint) => id.toString(16);

/** Escapes text for HTML built here (the fixture server's side, not a page sink). */
function esc(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** Gmail docks a new message's window at the bottom right of the view. */
const DOCKED =
  'position:fixed;right:16px;bottom:0;width:520px;max-height:90vh;overflow:auto;' +
  'background:#fff;box-shadow:0 0 8px rgba(0,0,0,.3);z-index:5';

/** Markup of one expanded message, per generation. */
function messageHtml(m: FixtureMessage, generation: Variant): string {
  const variant = generation === 'no-mount' ? 'current' : generation;
  const mount = generation === 'no-mount' ? 'q7v zz' : 'ii gt';
  const chips = m.chips
    .map((name) =>
      variant === 'unknown'
        ? `<span class="q9x">${esc(name)}</span>`
        : `<span class="aZo"><a href="#att">` +
          `<span class="aV3">${esc(name)}</span></a></span>`,
    )
    .join('');
  const lines = m.body
    .split(/\r?\n/)
    .map((l) => `<div>${esc(l) || '<br>'}</div>`)
    .join('');
  const sender =
    `<span class="gD" email="${esc(m.from.email)}" name="${esc(m.from.name)}">` +
    `${esc(m.from.name)}</span>`;

  if (variant === 'current') {
    return `<div role="listitem" class="h7">
  ${
    m.pending
      ? `<div class="adn ads" data-message-id="#msg-a:r-${m.decimal % 100000n}"
          data-fixture-sync="${m.decimal}">`
      : `<div class="adn ads" data-message-id="#msg-f:${m.decimal}"
          data-legacy-message-id="${hex(m.decimal)}">`
  }
    <div class="gs">
      <div class="gE iv gt"><table class="cf gJ"><tbody><tr>
        <td class="gF gK"><h3 class="iw">${sender}</h3></td>
        <td class="gH">
          <span class="g3" title="Thu, Dec 3, 2026, 10:00 AM">Dec 3</span>
        </td>
      </tr></tbody></table></div>
      <div class="hb"><span class="g2" email="${esc(m.to)}" name="me">me</span></div>
      <div class="${mount}" jslog="20277; u014N:xr6bB">
        <div class="a3s aiL">${lines}</div>
      </div>
      <div class="hq gt"><div class="aQH">${chips}</div></div>
    </div>
  </div>
</div>`;
  }
  if (variant === 'older') {
    // 2019-2021 classes: .adP body wrapper, .a3s.aXjCH, and only the
    // msg-f id (Gmail had not yet added the legacy id on this container).
    return `<div class="h7">
  <div class="adn" data-message-id="#msg-f:${m.decimal}">
    <div class="gs">
      <table class="cf gJ"><tbody><tr><td class="gF">${sender}</td></tr></tbody></table>
      <div class="adP adO"><div class="a3s aXjCH">${lines}</div></div>
      <div class="hq gt"><div class="aQH">${chips}</div></div>
    </div>
  </div>
</div>`;
  }
  return `<div class="w7k"><div class="p2r"><b>${esc(m.from.name)}</b></div>
  <div class="x0q">${lines}</div><div class="r3n">${chips}</div></div>`;
}

/** A compose form (new message or reply), per generation. */
function composeHtml(
  variant: Variant,
  opts: { composeId: string; to: string[]; subject: string; repliedThread: string },
): string {
  const hidden =
    `<input type="hidden" name="composeid" value="${opts.composeId}">` +
    `<input type="hidden" name="draft" value="#msg-a:r-${opts.composeId.slice(1)}">` +
    `<input type="hidden" name="rt" value="${esc(opts.repliedThread)}">` +
    `<input type="hidden" name="subject" value="${esc(opts.subject)}">`;
  if (variant === 'current') {
    const chips = opts.to
      .map((a) => `<div class="afV" data-hovercard-id="${esc(a)}">${esc(a)}</div>`)
      .join('');
    return `<form method="POST" enctype="multipart/form-data">${hidden}
  <table><tbody><tr class="bzf">
    <td><div name="to" class="aH9">${chips}</div></td>
  </tr></tbody></table>
  <input name="subjectbox" class="aoT" value="${esc(opts.subject)}">
  <div class="Ap"><div class="Am Al editable" g_editable="true" role="textbox"
    contenteditable="true" aria-label="Message Body"></div></div>
  <table class="IZ"><tbody><tr><td class="Up">
    <div role="button" class="T-I J-J5-Ji aoO T-I-atl" data-fixture-send="1">Send</div>
  </td></tr></tbody></table>
</form>`;
  }
  // Older compose: textarea recipients, bare classes, no ARIA.
  return `<form method="POST">${hidden}
  <textarea class="vO" name="to">${esc(opts.to.join(', '))}</textarea>
  <input class="aoT" value="${esc(opts.subject)}">
  <div class="Am Al editable" contenteditable="true"></div>
  <div class="T-I aoO" data-fixture-send="1">Send</div>
</form>`;
}

/** The whole page: shell, templates the page script clones in, page script. */
export function gmailPage(conv: FixtureConversation, generation: Variant): string {
  const variant = generation === 'no-mount' ? 'current' : generation;
  const threadHex = hex(conv.threadDecimal);
  const messages = conv.messages.map((m) => messageHtml(m, generation)).join('\n');
  const last = conv.messages[conv.messages.length - 1]!;
  const reSubject = `Re: ${conv.subject}`;

  const subject =
    variant === 'current'
      ? `<div class="ha"><h2 class="hP"
          data-thread-perm-id="thread-f:${conv.threadDecimal}"
          data-legacy-thread-id="${threadHex}">${esc(conv.subject)}</h2></div>`
      : variant === 'older'
        ? `<div class="ha"><h2 class="hP"
            data-thread-perm-id="thread-f:${conv.threadDecimal}"
          >${esc(conv.subject)}</h2></div>`
        : `<div class="k1"><h2>${esc(conv.subject)}</h2></div>`;
  const root =
    variant === 'current'
      ? `<div class="nH a98 iY" role="list">`
      : variant === 'older'
        ? `<div class="nH if">`
        : `<div class="m5z">`;

  const replyTo = [last.from.email];
  const reply = composeHtml(variant, {
    composeId: 'c9001',
    to: replyTo,
    subject: reSubject,
    repliedThread: `thread-f:${conv.threadDecimal}`,
  });
  const replyBox =
    variant === 'current'
      ? `<div class="gA gt"><div class="nr tMHS5d">
          <div class="M9" role="region">${reply}</div></div></div>`
      : `<div class="gA gt"><div class="nr tMHS5d">${reply}</div></div>`;

  const compose = composeHtml(variant, {
    composeId: 'c9002',
    // As if the user had typed the first sender's address into Gmail's To.
    to: [conv.messages[0]!.from.email],
    subject: '',
    repliedThread: '',
  });
  const dialog =
    variant === 'current'
      ? `<div class="nH Hd" role="dialog" style="${DOCKED}">
          <div class="aaZ"><div class="M9">${compose}</div></div></div>`
      : `<div class="nH Hd" style="${DOCKED}">
          <div class="aaZ"><div class="M9">${compose}</div></div></div>`;

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>${esc(conv.subject)} - ${esc(conv.account)} - Gmail</title></head>
<body>
<div class="nH"><div class="aic"><div class="z0">
  <div class="T-I T-I-KE L3" gh="cm" role="button" data-fixture-compose="1">Compose</div>
</div></div>
<div role="main" id="app"></div></div>
<template id="conversation">${root}
${subject}
${messages}
</div>
<div class="amn">
  <span class="ams bkH" role="link" data-fixture-reply="1">Reply</span>
</div>
<div class="amr"></div></template>
<template id="reply">${replyBox}</template>
<template id="compose">${dialog}</template>
<script>
  // Gmail is a single-page app: content arrives after load, from templates
  // (cloning is not a Trusted Types sink), to exercise the observer.
  const clone = (id) => document.getElementById(id).content.cloneNode(true);
  setTimeout(() => document.getElementById('app').append(clone('conversation')), 100);
  // Gmail syncs mail sent from this tab: its final ids arrive later.
  setTimeout(() => {
    for (const el of document.querySelectorAll('[data-fixture-sync]')) {
      const dec = BigInt(el.getAttribute('data-fixture-sync'));
      el.setAttribute('data-message-id', '#msg-f:' + dec);
      el.setAttribute('data-legacy-message-id', dec.toString(16));
    }
  }, 1500);
  // Gmail attaches files dropped on the compose body; the fixture lists them.
  document.addEventListener('drop', (event) => {
    const form = event.target.closest && event.target.closest('form');
    if (!form || !event.dataTransfer) return;
    event.preventDefault();
    for (const file of event.dataTransfer.files) {
      file.text().then((text) => {
        const chip = document.createElement('div');
        chip.className = 'dL';
        chip.setAttribute('data-fixture-attachment', file.name);
        chip.title = text;
        chip.textContent = file.name;
        form.append(chip);
      });
    }
  });
  document.addEventListener('click', (event) => {
    const target = event.target;
    if (target.closest('[data-fixture-reply]'))
      document.querySelector('.amr').replaceChildren(clone('reply'));
    if (target.closest('[data-fixture-compose]')) document.body.append(clone('compose'));
    const send = target.closest('[data-fixture-send]');
    if (send) {
      const body = send.closest('form').querySelector('[contenteditable]');
      fetch(location.pathname + '?fixture=send', { method: 'POST', body: body.innerText })
        .then(() => send.setAttribute('data-fixture-sent', '1'));
    }
  });
</script>
</body></html>`;
}

/** Gmail's CSP header on its pages (Trusted Types enforced). */
const GMAIL_CSP = "require-trusted-types-for 'script'";

/**
 * Serves `conv` in the generation `variant` under
 * `https://mail.google.com/mail/u/0/`, with the raw-source route and the
 * API fake, and aborts every other request to a Google host.
 */
export async function serveGmail(
  context: BrowserContext,
  conv: FixtureConversation,
  variant: Variant,
): Promise<GmailFake> {
  const fake: GmailFake = {
    rawRequests: [],
    gmailSends: [],
    apiSends: [],
    conversationUrl:
      'https://mail.google.com/mail/u/0/#inbox/FMfcgzQfBZdVqXkRmTnLwHcPjSgDxKtM',
  };
  const byHex = new Map(conv.messages.map((m) => [hex(m.decimal), m.raw]));
  const page = gmailPage(conv, variant);

  // Everything Google that no fake below answers: refused, never sent
  // anywhere. Routes added later take precedence, so this one goes first.
  const hosts = ['*.google.com', '*.googleapis.com', '*.googleusercontent.com'];
  for (const host of [...hosts, '*.gstatic.com']) {
    await context.route(`https://${host}/**`, (route) => route.abort());
  }

  await context.route(
    'https://mail.google.com/**',
    async (route: Route, req: Request) => {
      const url = new URL(req.url());
      const q = url.searchParams;
      if (q.get('view') === 'att' && q.get('disp') === 'comp') {
        const th = q.get('th') ?? '';
        fake.rawRequests.push(th);
        const raw = byHex.get(th);
        return raw
          ? route.fulfill({ status: 200, contentType: 'text/plain', body: raw })
          : route.fulfill({ status: 404, body: 'not found' });
      }
      if (q.get('fixture') === 'send' && req.method() === 'POST') {
        fake.gmailSends.push(req.postData() ?? '');
        return route.fulfill({
          status: 200,
          contentType: 'application/json',
          body: '{}',
        });
      }
      if (url.pathname === '/mail/u/0/' && req.method() === 'GET') {
        return route.fulfill({
          status: 200,
          headers: {
            'content-type': 'text/html; charset=utf-8',
            'content-security-policy': GMAIL_CSP,
          },
          body: page,
        });
      }
      return route.fulfill({ status: 404, body: 'not found' });
    },
  );

  await context.route('https://gmail.googleapis.com/**', async (route, req) => {
    const url = new URL(req.url());
    if (url.pathname === '/gmail/v1/users/me/messages/send' && req.method() === 'POST') {
      const body = JSON.parse(req.postData() ?? '{}') as {
        raw?: string;
        threadId?: string;
      };
      fake.apiSends.push({
        body,
        authorization: (await req.allHeaders()).authorization ?? '',
      });
      const threadId = body.threadId ?? hex(randomGmailId());
      return route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ id: hex(randomGmailId()), threadId, labelIds: ['SENT'] }),
      });
    }
    return route.fulfill({ status: 404, body: '{}' });
  });

  return fake;
}
