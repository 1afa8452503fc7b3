import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { request } from '../../src/messaging/client';
import type { AccountStatus } from '../../src/messaging/protocol';
import { t } from '../../src/ui/i18n';
import { ErrorLine } from '../../src/ui/error-line';
import { LocalError } from '../../src/ui/local-error';

/** First run: the user's address, then a key pair made on the spot. */
function Setup() {
  const [status, setStatus] = useState<AccountStatus | null>(null);
  const [addr, setAddr] = useState('');
  const [name, setName] = useState('');
  const [mutual, setMutual] = useState(true);
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    request('account.status', {}).then(setStatus, setError);
  }, []);

  const create = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (passphrase !== repeat) throw new LocalError('passphrase-mismatch');
      const prefer_encrypt = mutual ? 'mutual' : 'nopreference';
      setStatus(
        await request('account.create', { addr, name, prefer_encrypt, passphrase }),
      );
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (status?.configured) {
    return (
      <main>
        <h1>{t('setupDoneTitle')}</h1>
        <p data-testid="setup-done">{t('setupDoneText', status.addr ?? '')}</p>
        <p>
          {t('fingerprint')}:{' '}
          <span class="fingerprint" data-testid="own-fingerprint">
            {status.fingerprint}
          </span>
        </p>
        {!status.backedUpAt && (
          <p class="status warn" data-testid="backup-prompt">
            {t('backupPrompt')}{' '}
            <a href="options.html#backup" data-testid="backup-prompt-link">
              {t('backupReminderLink')}
            </a>
          </p>
        )}
      </main>
    );
  }

  return (
    <main>
      <h1>{t('setupTitle')}</h1>
      <p class="muted">{t('setupIntro')}</p>
      <form onSubmit={create}>
        <label for="addr">{t('setupAddress')}</label>
        <input
          id="addr"
          type="email"
          required
          value={addr}
          onInput={(e) => setAddr(e.currentTarget.value)}
        />
        <label for="name">{t('setupName')}</label>
        <input
          id="name"
          type="text"
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <label>
          <input
            id="mutual"
            type="checkbox"
            checked={mutual}
            onChange={(e) => setMutual(e.currentTarget.checked)}
          />{' '}
          {t('setupMutual')}
        </label>
        <details>
          <summary>{t('setupPassphrase')}</summary>
          <p class="muted">{t('setupPassphraseExplain')}</p>
          <label for="passphrase">{t('protectionNew')}</label>
          <input
            id="passphrase"
            type="password"
            autocomplete="new-password"
            value={passphrase}
            onInput={(e) => setPassphrase(e.currentTarget.value)}
          />
          <label for="passphrase-repeat">{t('protectionRepeat')}</label>
          <input
            id="passphrase-repeat"
            type="password"
            autocomplete="new-password"
            value={repeat}
            onInput={(e) => setRepeat(e.currentTarget.value)}
          />
        </details>
        <p>
          <button
            type="submit"
            disabled={busy || status === null}
            data-testid="create-key"
          >
            {busy ? t('setupCreating') : t('setupCreate')}
          </button>
        </p>
        <ErrorLine error={error} />
      </form>
      <p class="muted">
        {t('setupHaveSetupMessage')}{' '}
        <a href="options.html" data-testid="import-link">
          {t('setupMessageImportTitle')}
        </a>
      </p>
    </main>
  );
}

render(<Setup />, document.getElementById('app')!);
