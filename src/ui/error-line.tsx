import { t } from './i18n';

/**
 * An error shown to the user: the translated text for its code when the
 * catalog has one, else the error's own message.
 */
export function ErrorLine({ error }: { error: unknown }) {
  if (!error) return null;
  const code = (error as { code?: unknown }).code;
  const known = typeof code === 'string' ? t(`error_${code.replace(/-/g, '_')}`) : '';
  const detail = error instanceof Error ? error.message : String(error);
  const text = known && !known.startsWith('error_') ? `${known} (${detail})` : detail;
  return (
    <p class="status bad" role="alert" data-testid="error">
      {text}
    </p>
  );
}
