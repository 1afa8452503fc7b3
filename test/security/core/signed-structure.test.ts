/**
 * Attack suite SG-01..SG-07 with the "Johnny, You Are Fired!" mails
 * (`../shared/corpus/attacks/johnny-fired/`). Every signature in them is
 * cryptographically valid: the attacks are in MIME structure and identity, so the
 * tests check what the product reports, not whether a signature verifies.
 *
 * The product gives signed status only inside an encrypted message (one-pass
 * signature, or a multipart/signed root of the decrypted entity), so each fixture
 * is sent here as the decrypted entity of a PGP/MIME message to our test key, its
 * own From/Sender/Reply-To copied to the outer header as an attacker would. The
 * fixture bytes are used unchanged (the signatures cover exact bytes).
 *
 * Controls: the genuine `assets/valid-signed/*-pgp-mime.eml` mails read as valid and
 * matching From in the same harness, so "never say signed" cannot pass.
 *
 * Inline (cleartext-signed) variants: the product verifies no inline signatures at
 * all, in encrypted or plain mail, so they can never give signed status; SG-09
 * checks that with a genuine block. Plain signed mail (not encrypted) is not
 * verified either: the reader only opens encrypted mail.
 */
import * as openpgp from 'openpgp';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decryptMail, type DecryptedMail } from '../../../src/mail/decrypt';
import { ATTACKS_DIR, attackFile, attacksAvailable } from '../attack-corpus';

const available = attacksAvailable();
let recipient: openpgp.PrivateKey;
let certs: Uint8Array[];

beforeAll(async () => {
  if (!available) return;
  recipient = (
    await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ email: 'employee@bigcorporation.de' }],
      format: 'object',
    })
  ).privateKey;
  certs = await Promise.all(
    ['manager@bigcorporation.asc', 'eve@bigcorporation.asc'].map(async (file) => {
      const armoredKey = attackFile(`johnny-fired/assets/public-keys/${file}`).toString();
      return (await openpgp.readKey({ armoredKey })).write();
    }),
  );
});

/** The fixture as the decrypted entity of a PGP/MIME mail, read by the product. */
async function readWrapped(path: string): Promise<DecryptedMail> {
  const fixture = attackFile(path);
  const text = fixture.toString('latin1');
  const headerEnd = text.indexOf('\r\n\r\n');
  const identity = text
    .slice(0, headerEnd)
    .replace(/\r\n[ \t]/g, ' ')
    .split('\r\n')
    .filter((line) => /^(from|sender|reply-to):/i.test(line));

  const armored = await openpgp.encrypt({
    message: await openpgp.createMessage({ binary: new Uint8Array(fixture) }),
    encryptionKeys: recipient.toPublic(),
  });
  const raw = [
    ...identity,
    'To: employee@bigcorporation.de',
    'Subject: wrapped',
    'MIME-Version: 1.0',
    'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="w"',
    '',
    '--w',
    'Content-Type: application/pgp-encrypted',
    '',
    'Version: 1',
    '--w',
    'Content-Type: application/octet-stream',
    '',
    armored,
    '--w--',
    '',
  ].join('\r\n');
  return decryptMail(Buffer.from(raw, 'latin1'), recipient.armor(), certs);
}

const MIME = 'johnny-fired/03-mime';
const ID = 'johnny-fired/04-id';

describe.skipIf(!available)('SG-01..SG-07 with the Johnny mails', () => {
  it.each(['manager-pgp-mime.eml', 'eve-pgp-mime.eml'])(
    'control: the genuine %s reads as validly signed by its From',
    async (file) => {
      const result = await readWrapped(`johnny-fired/assets/valid-signed/${file}`);
      expect(result.signature.status).toBe('valid');
      expect(result.signerMatchesFrom).toBe(true);
      expect(result.fromAmbiguous).toBe(false);
    },
  );

  // Vulnerable: a client that shows "signed" when any part is signed (Thunderbird/
  // Enigmail, Apple Mail, Evolution…) lends the manager's signature to the
  // attacker's text around, before, over or beside it.
  it.each([
    ['SG-01', `${MIME}/m1-prepending-text/m1-pgp-mime.eml`],
    ['SG-02', `${MIME}/m2-hiding-with-html/m2-pgp-mime.eml`],
    ['SG-03', `${MIME}/m3-hiding-in-reference/m3-pgp-mime.eml`],
    ['SG-04', `${MIME}/m4-hiding-as-attachment/m4-pgp-mime.eml`],
  ])('%s a signed sub-part gives the mail no signed status (%s)', async (_id, path) => {
    const result = await readWrapped(path);
    expect(result.signature.status).toBe('none');
    expect(result.signerMatchesFrom).toBe(false);
    // The signed part is still there (the attack is real): its signature text
    // travels in the entity, it just lends no status.
    expect(attackFile(path).toString()).toContain('BEGIN PGP SIGNATURE');
  });

  it.each(['m1-pgp-inline.eml', 'm1-pgp-inline2.eml'])(
    'SG-01 a clear-signed block after attacker text gives no signed status (%s)',
    async (file) => {
      const result = await readWrapped(`${MIME}/m1-prepending-text/${file}`);
      expect(result.signature.status).toBe('none');
    },
  );

  // Vulnerable: binding a valid signature to the mail without comparing signer and
  // From (Johnny I1): Eve's signature reads as the manager's.
  it('SG-05 a valid signature by Eve on a mail From the manager does not match From', async () => {
    const result = await readWrapped(
      `${ID}/i1-sender-signer-checks/i1-from-unequals-signer-pgp-mime.eml`,
    );
    expect(result.signature.status).toBe('valid');
    if (result.signature.status === 'valid') {
      expect(result.signature.signerFingerprint).toBe(
        'F9E600725878C6DAE30688CA4B568F486E960FB5',
      );
    }
    expect(result.signerMatchesFrom).toBe(false);
  });

  // Vulnerable: comparing the display name (Outlook/GpgOL, Airmail). Expected
  // outcome from the addr-spec alone: a match only when the one From address is
  // Eve's, whatever the name says; the reader then shows that address.
  it.each([
    ['i2-from-contains-signer-pgp-mime.eml', true],
    ['i2-from-is-sender-signer-a-pgp-mime.eml', true],
    ['i2-from-is-sender-signer-b-pgp-mime.eml', true],
    ['i2-from-is-signer-sender-a-pgp-mime.eml', false],
    ['i2-from-is-signer-sender-b-pgp-mime.eml', false],
    ['i2-from-is-only-a-name-pgp-mime.eml', false],
    ['i2-from-is-empty-pgp-mime.eml', false],
    ['i2-from-is-nonexistent-pgp-mime.eml', false],
  ])('SG-06 %s matches the signer only by addr-spec (%s)', async (file, match) => {
    const result = await readWrapped(`${ID}/i2-display-name-confusion/${file}`);
    expect(result.signature.status).toBe('valid');
    expect(result.signerMatchesFrom).toBe(match);
  });

  // Vulnerable: taking the first (or last) of several From mailboxes, or letting
  // Sender/Reply-To name the signer (Johnny I3).
  it.each([
    ['i3-from-is-sender-sender-signer-pgp-mime.eml', false, true],
    ['i3-from-is-sender-signer-sender-pgp-mime.eml', false, true],
    ['i3-from1-sender-from2-signer-pgp-mime.eml', false, true],
    ['i3-from1-signer-from2-sender-pgp-mime.eml', false, true],
    ['i3-from-sender-others-signer-pgp-mime.eml', false, false],
    ['i3-from-signer-others-sender-pgp-mime.eml', true, false],
  ])('SG-07 %s: match %s, several From flagged %s', async (file, match, ambiguous) => {
    const result = await readWrapped(`${ID}/i3-from-sender-confusion/${file}`);
    expect(result.signature.status).toBe('valid');
    expect(result.signerMatchesFrom).toBe(match);
    expect(result.fromAmbiguous).toBe(ambiguous);
  });

  it('every fixture of these folders is covered above', () => {
    const folders = [
      `${MIME}/m1-prepending-text`,
      `${ID}/i1-sender-signer-checks`,
      `${ID}/i2-display-name-confusion`,
      `${ID}/i3-from-sender-confusion`,
    ];
    const count = folders.flatMap((f) => readdirSync(join(ATTACKS_DIR, f))).length;
    expect(count).toBe(3 + 1 + 8 + 6);
  });
});
