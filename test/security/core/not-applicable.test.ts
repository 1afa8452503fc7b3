/**
 * Attack-suite rows that cannot apply to the product as it is, each with the reason.
 * They are skipped, so the tally lists them as not applicable, never as passed; each
 * becomes a real test when the feature it guards arrives.
 */
import { describe, it } from 'vitest';

describe('attack-suite rows that do not apply yet', () => {
  // The secret key is stored unprotected, as Autocrypt Level 1 clients such as Delta
  // Chat do ("Secret key generation and storage"): there is no passphrase to ask
  // for, so no prompt a page could imitate. Decision of 2026-12-04: adding an
  // optional passphrase belongs with the options page (another engineer's issue);
  // when it comes, the prompt must open in an extension window (EX-02) and the
  // unlocked key must live in storage.session with a clock-checked expiry (MV-08).
  it.skip('EX-02 n/a: there is no passphrase, so there is no prompt to imitate', () => {});

  it.skip('MV-08 n/a: there is no passphrase, so there is no unlock cache to expire', () => {});
});
