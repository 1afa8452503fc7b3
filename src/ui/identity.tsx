import { t } from './i18n';
import { showIdentity } from './identity-text';

/**
 * An address or user ID in a list the user trusts (contacts, recipients, key
 * previews): bidirectional controls removed, the text isolated with `<bdi>` so it
 * cannot reorder what stands beside it, and a warning when it mixes scripts or
 * held controls (attack suite AU-04).
 */
export function Identity({ value }: { value: string }) {
  const shown = showIdentity(value);
  const suspicious = shown.hadBidiControls || shown.mixedScripts;
  return (
    <span data-identity={shown.text} data-suspicious={suspicious ? 'true' : 'false'}>
      <bdi>{shown.text}</bdi>
      {suspicious && (
        <strong class="suspicious" data-testid="identity-warning">
          {' '}
          ⚠ {t('identitySuspicious')}
        </strong>
      )}
    </span>
  );
}
