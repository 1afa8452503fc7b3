import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { request } from '../../src/messaging/client';
import type { PromptView } from '../../src/messaging/protocol';
import { t } from '../../src/ui/i18n';
import { ErrorLine } from '../../src/ui/error-line';

const id = location.hash.slice(1);

/**
 * Our popup window: the one place the passphrase is typed (attack suite EX-02),
 * and where a click our frame could not see is confirmed (EX-03). It is an
 * extension page in its own window, not web-accessible, so no webmail page can
 * frame it, open it or draw over it.
 */
function Prompt() {
  const [prompt, setPrompt] = useState<PromptView | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    request('prompt.describe', { id }).then(setPrompt, setError);
  }, []);

  const unlock = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await request('prompt.unlock', { id, passphrase });
      window.close();
    } catch (err) {
      // Wrong passphrase: say so and let the user try again.
      setError(err);
      setPassphrase('');
    } finally {
      setBusy(false);
    }
  };

  const answer = async (agreed: boolean) => {
    setBusy(true);
    // The background closes this window; closing it here too covers a
    // background that was stopped meanwhile.
    await request('prompt.answer', { id, agreed }).catch(() => undefined);
    window.close();
  };

  if (!prompt) {
    return (
      <main>
        <h1>{t('extName')}</h1>
        <ErrorLine error={error} />
      </main>
    );
  }

  if (prompt.kind === 'unlock') {
    return (
      <main>
        <h1>{t('unlockTitle')}</h1>
        <p data-testid="prompt-text">{t('unlockExplain', prompt.addr)}</p>
        <p class="fingerprint">{prompt.fingerprint}</p>
        <form onSubmit={unlock}>
          <label for="passphrase">{t('unlockPassphrase')}</label>
          <input
            id="passphrase"
            type="password"
            autocomplete="off"
            autoFocus
            value={passphrase}
            onInput={(e) => setPassphrase(e.currentTarget.value)}
            data-testid="passphrase"
          />
          <p>
            <button type="submit" disabled={busy || !passphrase} data-testid="submit">
              {t('unlockButton')}
            </button>{' '}
            <button type="button" onClick={() => answer(false)} data-testid="cancel">
              {t('cancel')}
            </button>
          </p>
        </form>
        <ErrorLine error={error} />
      </main>
    );
  }

  const text =
    prompt.kind === 'confirm-decrypt'
      ? t('confirmDecrypt', [prompt.from || t('unknownSender'), prompt.subject])
      : prompt.kind === 'confirm-restore'
        ? t('confirmRestoreDraft')
        : t(
            prompt.encrypt ? 'confirmSendEncrypted' : 'confirmSendPlain',
            prompt.recipients.join(', '),
          );
  return (
    <main>
      <h1>{t('confirmTitle')}</h1>
      <p data-testid="prompt-text">{text}</p>
      <p class="muted">{t('confirmWhy')}</p>
      <p>
        <button onClick={() => answer(true)} disabled={busy} data-testid="confirm">
          {t('confirm')}
        </button>{' '}
        <button onClick={() => answer(false)} disabled={busy} data-testid="cancel">
          {t('cancel')}
        </button>
      </p>
      <ErrorLine error={error} />
    </main>
  );
}

render(<Prompt />, document.getElementById('app')!);
