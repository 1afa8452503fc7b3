import { describe, expect, it } from 'vitest';
import {
  formatAutocryptHeader,
  parseAutocryptHeader,
  parseGossipHeader,
  type HeaderVerdict,
} from '../../src/autocrypt/header';
import { canonicalAddr } from '../../src/autocrypt/addr';
import { bytesToBase64 } from '../../src/util/base64';

// Syntax checks only: any bytes serve as keydata here.
const keydata = Uint8Array.from({ length: 300 }, (_, i) => i & 255);
const b64 = bytesToBase64(keydata);

function reasonOf(verdict: HeaderVerdict): string {
  return verdict.valid ? 'valid' : verdict.reason;
}

describe('parseAutocryptHeader', () => {
  it('accepts a minimal header and defaults to nopreference', () => {
    const verdict = parseAutocryptHeader(
      `addr=alice@example.org; keydata=${b64}`,
      'alice@example.org',
    );
    expect(verdict).toEqual({
      valid: true,
      header: { addr: 'alice@example.org', prefer_encrypt: 'nopreference', keydata },
    });
  });

  it('compares addr with From case-insensitively', () => {
    const verdict = parseAutocryptHeader(
      `addr=Alice@Example.org; keydata=${b64}`,
      'alice@EXAMPLE.org',
    );
    expect(verdict.valid).toBe(true);
  });

  it('rejects an addr that differs from From', () => {
    const verdict = parseAutocryptHeader(
      `addr=mallory@example.org; keydata=${b64}`,
      'alice@example.org',
    );
    expect(verdict).toMatchObject({ valid: false, reason: 'addr-mismatch' });
  });

  it('rejects an unknown critical attribute and names it', () => {
    const value = `addr=alice@example.org; type=1; keydata=${b64}`;
    expect(parseAutocryptHeader(value, 'alice@example.org')).toEqual({
      valid: false,
      reason: 'unknown-critical-attribute',
      detail: 'unknown critical attribute(s): type',
    });
  });

  it('ignores unknown attributes that start with an underscore', () => {
    const value = `addr=alice@example.org; _comment=hello; keydata=${b64}`;
    expect(parseAutocryptHeader(value, 'alice@example.org').valid).toBe(true);
  });

  it('rejects keydata that is not strict base64', () => {
    const value = `addr=alice@example.org; keydata=${b64.slice(0, -2)}!!`;
    expect(reasonOf(parseAutocryptHeader(value, 'alice@example.org'))).toBe('bad-base64');
  });

  it('rejects a header above 10 KiB', () => {
    const big = bytesToBase64(new Uint8Array(8000));
    const value = `addr=alice@example.org; keydata=${big}`;
    expect(reasonOf(parseAutocryptHeader(value, 'alice@example.org'))).toBe('too-long');
  });

  it.each([
    ['missing addr', `keydata=${b64}`, 'missing-addr'],
    ['missing keydata', 'addr=alice@example.org', 'missing-keydata'],
    ['empty keydata', 'addr=alice@example.org; keydata=', 'missing-keydata'],
    [
      'duplicate attribute',
      `addr=alice@example.org; addr=alice@example.org; keydata=${b64}`,
      'duplicate-attribute',
    ],
    [
      'attribute without value',
      `addr=alice@example.org; mutual; keydata=${b64}`,
      'bad-syntax',
    ],
  ])('rejects %s', (_name, value, reason) => {
    expect(reasonOf(parseAutocryptHeader(value, 'alice@example.org'))).toBe(reason);
  });

  it.each([
    ['mutual', 'mutual'],
    ['nopreference', 'nopreference'],
    ['reset', 'nopreference'],
    ['Mutual', 'nopreference'],
    ['mutual-ish', 'nopreference'],
  ])('reads prefer-encrypt=%s as %s', (wire, expected) => {
    const value = `addr=alice@example.org; prefer-encrypt=${wire}; keydata=${b64}`;
    const verdict = parseAutocryptHeader(value, 'alice@example.org');
    expect(verdict.valid && verdict.header.prefer_encrypt).toBe(expected);
  });

  it('unfolds CRLF + TAB and CRLF + space inside keydata', () => {
    const folded = b64.match(/.{1,60}/g)!.join('\r\n\t');
    const value = `addr=alice@example.org;\r\n\tprefer-encrypt=mutual;\r\n keydata=\r\n\t${folded}`;
    const verdict = parseAutocryptHeader(value, 'alice@example.org');
    expect(verdict).toEqual({
      valid: true,
      header: { addr: 'alice@example.org', prefer_encrypt: 'mutual', keydata },
    });
  });
});

describe('parseGossipHeader', () => {
  const recipients = ['bob@example.net', 'Carol@Example.com'];

  it('accepts a gossip header for a recipient', () => {
    const verdict = parseGossipHeader(
      `addr=carol@example.com; keydata=${b64}`,
      recipients,
    );
    expect(verdict.valid).toBe(true);
  });

  it('ignores gossip about somebody who is not a recipient', () => {
    const verdict = parseGossipHeader(`addr=eve@example.org; keydata=${b64}`, recipients);
    expect(reasonOf(verdict)).toBe('addr-not-recipient');
  });

  it('rejects gossip with an unknown critical attribute (P18)', () => {
    const value = `addr=bob@example.net; danger=1; keydata=${b64}`;
    expect(reasonOf(parseGossipHeader(value, recipients))).toBe(
      'unknown-critical-attribute',
    );
  });
});

describe('formatAutocryptHeader', () => {
  it('folds at whitespace into lines of at most 78 characters, the name included', () => {
    const value = formatAutocryptHeader({
      addr: 'alice@example.org',
      prefer_encrypt: 'mutual',
      keydata,
    });
    const lines = `Autocrypt: ${value}`.split('\r\n');

    expect(lines[0]).toBe(
      'Autocrypt: addr=alice@example.org; prefer-encrypt=mutual; keydata=',
    );
    expect(lines.every((line) => line.length <= 78)).toBe(true);
    expect(lines.slice(1).every((line) => line.startsWith(' '))).toBe(true);
    expect(value).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
  });

  it('omits prefer-encrypt for nopreference and parses back to the same header', () => {
    const header = {
      addr: 'bob@example.net',
      prefer_encrypt: 'nopreference' as const,
      keydata,
    };
    const value = formatAutocryptHeader(header);
    expect(value).not.toContain('prefer-encrypt');
    expect(parseAutocryptHeader(value, 'bob@example.net')).toEqual({
      valid: true,
      header,
    });
  });

  it('refuses to emit a header above 10 KiB', () => {
    const huge = {
      addr: 'a@b.example',
      prefer_encrypt: 'mutual' as const,
      keydata: new Uint8Array(9000),
    };
    expect(() => formatAutocryptHeader(huge)).toThrow(
      expect.objectContaining({ code: 'too-long' }),
    );
  });

  it('refuses an addr that would break the header syntax', () => {
    const bad = {
      addr: 'a@b.example; keydata=AAAA',
      prefer_encrypt: 'mutual' as const,
      keydata,
    };
    expect(() => formatAutocryptHeader(bad)).toThrow(
      expect.objectContaining({ code: 'bad-addr' }),
    );
  });
});

describe('canonicalAddr', () => {
  it('trims and lower-cases, nothing more', () => {
    expect(canonicalAddr('  Alice.Smith+tag@Example.ORG\t')).toBe(
      'alice.smith+tag@example.org',
    );
  });
});
