import type { Requests } from '../messaging/protocol';
import { t } from './i18n';
import { showIdentity } from './identity-text';

type Decrypted = Requests['reader.decrypt']['response'];

/**
 * Encryption and signature status, drawn by us above the content and never
 * inside it, so mail text cannot imitate it. It names the From address, not
 * a display name.
 */
export function SignatureBanner({ result }: { result: Decrypted }) {
  const { signature, signerMatchesFrom, fromAmbiguous } = result;
  const shown = showIdentity(result.from);
  const from = shown.text;

  let text: string;
  let tone = '';
  if (signature.status === 'valid' && signature.addressedToOthers) {
    text = t('sigAddressedToOthers', from);
    tone = 'warn';
  } else if (signature.status === 'valid' && signerMatchesFrom) {
    text = t('sigValid', from);
  } else if (signature.status === 'valid') {
    text = t('sigValidOtherSigner', signature.signerFingerprint);
    tone = 'warn';
  } else if (signature.status === 'invalid') {
    text = t('sigInvalid');
    tone = 'bad';
  } else if (signature.status === 'unknown-key') {
    text = t('sigUnknownKey', signature.keyID);
    tone = 'warn';
  } else {
    text = t('sigNone');
    tone = 'warn';
  }

  // A forged sender inside the encryption (HP-01) outweighs any other status.
  if (result.protectedFromForged) tone = 'bad';
  else if (result.addedRecipients.length > 0 && tone === '') tone = 'warn';

  return (
    <div
      class={`status ${tone}`}
      data-testid="signature-status"
      data-status={signature.status}
    >
      <strong>{t('encryptedBadge')}</strong> · {text}
      {signature.status === 'valid' && (
        <span data-testid="signed-at">
          {' · '}
          {t('sigSignedAt', new Date(signature.signedAt).toLocaleString())}
        </span>
      )}
      {(shown.hadBidiControls || shown.mixedScripts) && (
        <span data-testid="identity-warning"> · {t('identitySuspicious')}</span>
      )}
      {fromAmbiguous && (
        <span data-testid="from-ambiguous"> · {t('sigFromAmbiguous')}</span>
      )}
      {result.protectedFrom !== null && (
        <span data-testid="header-mismatch-from">
          {' · '}
          {result.protectedFromForged
            ? t('hpFromForged', showIdentity(result.protectedFrom).text)
            : t('hpFromMismatch', showIdentity(result.protectedFrom).text)}
        </span>
      )}
      {result.addedRecipients.length > 0 && (
        <span data-testid="header-added-recipients">
          {' · '}
          {t(
            'hpAddedRecipients',
            result.addedRecipients.map((addr) => showIdentity(addr).text).join(', '),
          )}
        </span>
      )}
      {result.headerMismatch.includes('subject') && (
        <span data-testid="header-mismatch-subject"> · {t('hpSubjectMismatch')}</span>
      )}
    </div>
  );
}
