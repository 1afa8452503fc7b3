import { t } from './i18n';

/** The catalog's text for an error code, or null when it has none. */
function translated(code: unknown): string | null {
  if (typeof code !== 'string') return null;
  const key = `error_${code.replace(/-/g, '_')}`;
  const text = t(key);
  return text === key ? null : text;
}

/**
 * An error shown to the user in their language: the catalog's text for its
 * code, or a general sentence when the code is unknown. The technical
 * message (English, for bug reports) stays in the tooltip.
 */
export function ErrorLine({ error }: { error: unknown }) {
  if (!error) return null;
  const code = (error as { code?: unknown }).code;
  const detail = error instanceof Error ? error.message : String(error);
  const text = translated(code) ?? t('error_internal');
  return (
    <p
      class="status bad"
      role="alert"
      data-testid="error"
      data-code={typeof code === 'string' ? code : 'unknown'}
      title={detail}
    >
      {text}
    </p>
  );
}
