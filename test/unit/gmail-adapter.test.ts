// @vitest-environment happy-dom
/**
 * Contract tests of the Gmail adapter against the same Gmail-shaped markup
 * the end-to-end tests serve (test/e2e/gmail-fixture.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  accountPath,
  composeFields,
  composeWindows,
  decimalToHex,
  listMessages,
  matchRecord,
  messageIds,
  rawSourceUrl,
  repliedMessage,
  showsConversation,
  showsSpam,
  threadId,
} from '../../src/webmail/gmail/adapter';
import { readThreadHeaders } from '../../src/webmail/gmail/thread-headers';
import { gmailPage, type FixtureConversation, type Variant } from '../e2e/gmail-fixture';

const THREAD = 1581064946762017791n;
const conv: FixtureConversation = {
  account: 'alice@example.org',
  subject: 'Plans',
  threadDecimal: THREAD,
  messages: [1581064946762017792n, 1581064946762017793n].map((decimal) => ({
    raw: Buffer.from(''),
    decimal,
    from: { name: 'Dana', email: 'dana@example.net' },
    to: 'alice@example.org',
    body: 'hello',
    chips: [],
  })),
};

/** Loads a fixture page and clones its templates in, as its script would. */
function load(variant: Variant, open: string[] = ['conversation']): void {
  const html = gmailPage(conv, variant).replace(/<script>[^]*<\/script>/, '');
  document.documentElement.innerHTML = html.replace(/^[^]*?<html[^>]*>/, '');
  const clone = (id: string) =>
    (document.getElementById(id) as HTMLTemplateElement).content.cloneNode(true);
  document.getElementById('app')!.append(clone('conversation'));
  if (open.includes('reply'))
    document.querySelector('.amr')!.replaceChildren(clone('reply'));
  if (open.includes('compose')) document.body.append(clone('compose'));
}

describe('Gmail ids', () => {
  it('should convert msg-f decimals to API hex ids without losing precision', () => {
    expect(decimalToHex('1581064946762017791')).toBe('15f1123136926bff');
    expect(decimalToHex('18446744073709551616')).toBeNull();
    expect(decimalToHex('12ab')).toBeNull();
  });

  it('should prefer the legacy id, derive it from msg-f, and mark msg-a pending', () => {
    const el = document.createElement('div');
    el.setAttribute('data-legacy-message-id', '15F1123136926BFF');
    expect(messageIds(el)).toEqual({ hex: '15f1123136926bff', key: '15f1123136926bff' });

    const synced = document.createElement('div');
    synced.setAttribute('data-message-id', '#msg-f:1581064946762017791');
    expect(messageIds(synced)?.hex).toBe('15f1123136926bff');

    const pending = document.createElement('div');
    pending.setAttribute('data-message-id', '#msg-a:r-8734612');
    expect(messageIds(pending)).toEqual({ hex: null, key: 'msg-a:r-8734612' });

    expect(messageIds(document.createElement('div'))).toBeNull();
  });
});

describe('Gmail URLs', () => {
  it('should find the account path, plain and delegated, only on Gmail', () => {
    expect(accountPath(new URL('https://mail.google.com/mail/u/1/#inbox'))).toBe(
      '/mail/u/1',
    );
    expect(accountPath(new URL('https://mail.google.com/mail/b/x7/u/0/'))).toBe(
      '/mail/b/x7/u/0',
    );
    expect(accountPath(new URL('https://evil.example/mail/u/0/'))).toBeNull();
  });

  it('should build the download-original URL on the same account', () => {
    const url = new URL(
      rawSourceUrl(new URL('https://mail.google.com/mail/u/2/#inbox/x'), 'abc', 'n1')!,
    );
    expect(url.origin + url.pathname).toBe('https://mail.google.com/mail/u/2/');
    expect(url.searchParams.get('view')).toBe('att');
    expect(url.searchParams.get('th')).toBe('abc');
    expect(url.searchParams.get('disp')).toBe('comp');
    expect(url.searchParams.get('attid')).toBe('0');
  });

  it('should tell a conversation view from a list', () => {
    expect(showsConversation(new URL('https://mail.google.com/mail/u/0/#inbox'))).toBe(
      false,
    );
    expect(
      showsConversation(
        new URL('https://mail.google.com/mail/u/0/#inbox/FMfcgzQfBZdVqXk'),
      ),
    ).toBe(true);
  });

  // AC-11: a conversation opened from Spam teaches no Autocrypt key.
  it('should tell the Spam view and its conversations from other views', () => {
    const at = (hash: string) => new URL(`https://mail.google.com/mail/u/0/${hash}`);
    expect(showsSpam(at('#spam/FMfcgzQfBZdVqXk'))).toBe(true);
    expect(showsSpam(at('#spam'))).toBe(true);
    expect(showsSpam(at('#inbox/FMfcgzQfBZdVqXk'))).toBe(false);
    expect(showsSpam(at('#search/spam/FMfcgzQfBZdVqXk'))).toBe(false);
    expect(showsSpam(at('#spamfolder'))).toBe(false);
  });
});

describe('Gmail markup, per generation', () => {
  beforeEach(() => {
    document.documentElement.innerHTML = '';
  });

  it('should find messages and thread by semantic selectors (current)', () => {
    load('current', ['conversation', 'reply', 'compose']);
    const messages = listMessages(document);
    expect(messages.map((m) => messageIds(m)?.hex)).toEqual(
      conv.messages.map((m) => m.decimal.toString(16)),
    );
    expect(threadId(document)).toBe(THREAD.toString(16));

    const windows = composeWindows(document);
    expect(windows).toHaveLength(2);
    const [reply, dialog] = windows;
    expect(composeFields(reply!)).toMatchObject({
      composeId: 'c9001',
      to: ['dana@example.net'],
      subject: 'Re: Plans',
      isReply: true,
    });
    expect(repliedMessage(reply!, document)).toBe(messages[1]);
    expect(composeFields(dialog!).isReply).toBe(false);
    expect(repliedMessage(dialog!, document)).toBeNull();
    expect(matchRecord()).toMatch(/\bmessage:0\b.*\bcompose:0\b/);
  });

  it('should fall back to older classes and msg-f ids', () => {
    load('older', ['conversation', 'reply']);
    const messages = listMessages(document);
    expect(messages).toHaveLength(2);
    expect(messageIds(messages[0]!)?.hex).toBe(conv.messages[0]!.decimal.toString(16));
    expect(threadId(document)).toBe(THREAD.toString(16));
    const [reply] = composeWindows(document);
    expect(composeFields(reply!).to).toEqual(['dana@example.net']);
    expect(matchRecord()).toMatch(/\bmessage:1\b/);
    expect(matchRecord()).toMatch(/\brecipientTo:2\b/);
  });

  it('should find nothing in unknown markup and record the misses', () => {
    load('unknown');
    expect(listMessages(document)).toEqual([]);
    expect(threadId(document)).toBeNull();
    expect(matchRecord()).toMatch(/\bmessage:-/);
  });
});

describe('threading headers from raw bytes', () => {
  it('should read a folded References field and the Message-ID', () => {
    const raw = new TextEncoder().encode(
      'From: a@example.net\r\nReferences: <1@x>\r\n <2@x>\r\nMessage-ID: <3@x>\r\n\r\n' +
        'Message-ID: <not-a-header@x>\r\n',
    );
    expect(readThreadHeaders(raw)).toEqual({
      messageId: '<3@x>',
      references: ['<1@x>', '<2@x>'],
    });
  });
});
