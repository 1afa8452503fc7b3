/**
 * Attack suite AU-04: bidirectional controls and look-alike letters in the
 * identities our status shows. The reader and the banner show addresses only (no
 * display names, no attachment names), all through `showIdentity`.
 */
import { describe, expect, it } from 'vitest';
import { showIdentity } from '../../../src/ui/identity-text';

describe('AU-04 identities in the trust UI', () => {
  // Vulnerable: showing the address as received, so U+202E turns
  // "moc.knab@evil" around, or Cyrillic "а" passes for Latin "a".
  it.each([
    ['evil\u202Emoc.knab@x.test', 'evilmoc.knab@x.test'],
    ['\u2067manager@bigcorp.de\u2069', 'manager@bigcorp.de'],
    ['a\u200Eb@c.d', 'ab@c.d'],
  ])('AU-04 bidi controls are removed from %j', (input, shown) => {
    expect(showIdentity(input)).toEqual({
      text: shown,
      hadBidiControls: true,
      mixedScripts: false,
    });
  });

  it('AU-04 a Cyrillic look-alike is flagged', () => {
    expect(showIdentity('p\u0430ypal@example.com').mixedScripts).toBe(true);
    // Control: plain Latin, and a wholly Cyrillic address, are not flagged.
    expect(showIdentity('paypal@example.com')).toEqual({
      text: 'paypal@example.com',
      hadBidiControls: false,
      mixedScripts: false,
    });
    expect(showIdentity('почта@пример.рф').mixedScripts).toBe(false);
  });
});
