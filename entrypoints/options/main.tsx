import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { request } from '../../src/messaging/client';
import type {
  AccountStatus,
  PeerSummary,
  SettingsView,
} from '../../src/messaging/protocol';
import { t } from '../../src/ui/i18n';
import { ErrorLine } from '../../src/ui/error-line';
import { bytesToBase64 } from '../../src/util/base64';
import { Identity } from '../../src/ui/identity';
import { BackupReminder, KeysSection } from './keys-section';
import { ProtectionSection } from './protection-section';
import { AccountPassphrase, accountProtected } from './account-passphrase';

function date(ms: number): string {
  return ms ? new Date(ms).toLocaleString() : '—';
}

/** Offers `text` as a file download (a link the user clicks, in our own page). */
function download(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The two Autocrypt choices: prefer-encrypt and header protection. */
function SettingsSection({ onError }: { onError: (e: unknown) => void }) {
  const [settings, setSettings] = useState<SettingsView | null>(null);

  useEffect(() => {
    request('settings.get', {}).then(setSettings, onError);
  }, []);

  const change = async (next: Partial<SettingsView>) => {
    try {
      setSettings(await request('settings.set', next));
    } catch (err) {
      onError(err);
    }
  };

  if (!settings) return null;
  return (
    <section data-testid="settings" data-loaded="true">
      <h2>{t('optionsSettings')}</h2>
      <label>
        <input
          type="checkbox"
          data-testid="setting-mutual"
          checked={settings.prefer_encrypt === 'mutual'}
          onChange={(e) =>
            change({
              prefer_encrypt: e.currentTarget.checked ? 'mutual' : 'nopreference',
            })
          }
        />{' '}
        {t('settingMutual')}
      </label>
      <label>
        <input
          type="checkbox"
          data-testid="setting-protect-headers"
          checked={settings.protect_headers}
          onChange={(e) => change({ protect_headers: e.currentTarget.checked })}
        />{' '}
        {t('settingProtectHeaders')}
      </label>
    </section>
  );
}

/**
 * Creating a Setup Message: the code is shown here once (it lives only in this
 * page's memory) and the message can be sent to ourselves or saved as a file.
 */
function SetupMessageCreate({
  onError,
  onBackedUp,
}: {
  onError: (e: unknown) => void;
  onBackedUp: (status: AccountStatus) => void;
}) {
  const [created, setCreated] = useState<{ code: string; mime: string } | null>(null);
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);

  const create = async () => {
    setBusy(true);
    try {
      const texts = {
        subject: t('setupMessageSubject'),
        description: t('setupMessageDescription'),
      };
      setCreated(await request('setupMessage.create', texts));
      setSent(false);
    } catch (err) {
      onError(err);
    } finally {
      setBusy(false);
    }
  };
  const send = async () => {
    try {
      await request('setupMessage.send', {});
      setSent(true);
      onBackedUp(await request('account.status', {}));
    } catch (err) {
      onError(err);
    }
  };

  return (
    <div>
      <h3>{t('setupMessageTitle')}</h3>
      <p class="muted">{t('setupMessageExplain')}</p>
      <button onClick={create} disabled={busy} data-testid="setup-create">
        {t('setupMessageCreate')}
      </button>
      {created && (
        <div class="status">
          <p>{t('setupMessageCodeIntro')}</p>
          <p class="fingerprint" data-testid="setup-code">
            {created.code}
          </p>
          <button onClick={send} data-testid="setup-send">
            {t('setupMessageSend')}
          </button>{' '}
          <button
            data-testid="setup-save"
            onClick={() => {
              download('autocrypt-setup-message.eml', created.mime, 'message/rfc822');
              // Saved in our page after the user's click: that file is the backup.
              request('backup.record', {}).then(onBackedUp, onError);
            }}
          >
            {t('setupMessageSave')}
          </button>
          <p class="muted">{t('setupMessageSendHint')}</p>
          {sent && <p data-testid="setup-sent">{t('setupMessageSent')}</p>}
        </div>
      )}
    </div>
  );
}

/** Importing a Setup Message file with its code; only on the user's click. */
function SetupMessageImport({
  onError,
  onImported,
}: {
  onError: (e: unknown) => void;
  onImported: (status: AccountStatus) => void;
}) {
  const [raw, setRaw] = useState<string | null>(null);
  const [begin, setBegin] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [protectedBy, setProtectedBy] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const pick = async (file: File | undefined) => {
    onError(null);
    if (!file) return;
    const bytes = new Uint8Array(await file.arrayBuffer());
    const base64 = bytesToBase64(bytes);
    try {
      const found = await request('setupMessage.inspect', { raw: base64 });
      setProtectedBy((await accountProtected()) ? '' : null);
      setRaw(base64);
      setBegin(found.passphraseBegin);
      setCode(found.passphraseBegin ?? '');
    } catch (err) {
      setRaw(null);
      onError(err);
    }
  };
  const importIt = async () => {
    if (!raw) return;
    onError(null);
    try {
      const status = await request('setupMessage.import', {
        raw,
        code,
        ...(protectedBy === null ? {} : { accountPassphrase: protectedBy }),
      });
      setProtectedBy(null);
      setDone(status.fingerprint ?? '');
      onImported(status);
    } catch (err) {
      onError(err);
    }
  };

  return (
    <div>
      <h3>{t('setupMessageImportTitle')}</h3>
      <label>
        {t('setupMessageImportFile')}{' '}
        <input
          type="file"
          data-testid="import-file"
          onChange={(e) => pick(e.currentTarget.files?.[0])}
        />
      </label>
      {raw && (
        <p>
          {begin && <span class="muted">{t('setupMessageCodeBegins', begin)} </span>}
          <label>
            {t('setupMessageCode')}{' '}
            <input
              data-testid="import-code"
              value={code}
              size={50}
              onInput={(e) => setCode(e.currentTarget.value)}
            />
          </label>{' '}
          {protectedBy !== null && (
            <AccountPassphrase
              value={protectedBy}
              onInput={setProtectedBy}
              testId="import-account-passphrase"
            />
          )}{' '}
          <button onClick={importIt} data-testid="import-submit">
            {t('setupMessageImport')}
          </button>
        </p>
      )}
      {done && <p data-testid="import-done">{t('setupMessageImported', done)}</p>}
    </div>
  );
}

function KeyHistory({ peer }: { peer: PeerSummary }) {
  if (peer.history.length === 0) return null;
  return (
    <details>
      <summary class="nowrap">
        {t('keyHistory')} ({peer.history.length})
      </summary>
      <ul data-testid="peer-history">
        {peer.history.map((entry) => (
          <li key={entry.fingerprint}>
            <span class="fingerprint">{entry.fingerprint}</span> ·{' '}
            {date(entry.first_seen)} · {t(`source_${entry.source}`)}
          </li>
        ))}
      </ul>
    </details>
  );
}

/** Own key, settings, Setup Message, and the contacts learned through Autocrypt. */
function Options() {
  const [account, setAccount] = useState<AccountStatus | null>(null);
  const [peers, setPeers] = useState<PeerSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    request('account.status', {}).then(setAccount, setError);
    request('peers.list', {}).then(setPeers, setError);
  }, []);

  const exportKey = async () => {
    try {
      const { armored, fingerprint } = await request('account.exportPublicKey', {});
      download(`${fingerprint}.asc`, armored, 'application/pgp-keys');
    } catch (err) {
      setError(err);
    }
  };

  return (
    <main class="wide">
      <h1>{t('extName')}</h1>
      <BackupReminder account={account} />
      <h2>{t('optionsOwnKey')}</h2>
      {account?.configured ? (
        <>
          <p>
            {account.addr} ·{' '}
            <span class="fingerprint" data-testid="own-fingerprint">
              {account.fingerprint}
            </span>
          </p>
          <button onClick={exportKey} data-testid="export-public-key">
            {t('exportPublicKey')}
          </button>
          <div id="backup">
            <SetupMessageCreate onError={setError} onBackedUp={setAccount} />
          </div>
          <SetupMessageImport onError={setError} onImported={setAccount} />
        </>
      ) : (
        <>
          <p class="muted">{t('optionsNoKey')}</p>
          <SetupMessageImport onError={setError} onImported={setAccount} />
        </>
      )}
      <KeysSection
        account={account}
        onAccount={setAccount}
        onPeersChanged={() => request('peers.list', {}).then(setPeers, setError)}
        onError={setError}
      />
      {account?.configured && <SettingsSection onError={setError} />}
      {account?.configured && <ProtectionSection onError={setError} />}
      <h2 data-testid="contacts" data-loaded={String(peers !== null)}>
        {t('optionsContacts')}
      </h2>
      {peers && peers.length === 0 && <p class="muted">{t('optionsNoContacts')}</p>}
      {peers && peers.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>{t('address')}</th>
              <th>{t('fingerprint')}</th>
              <th>{t('preferEncrypt')}</th>
              <th>{t('lastSeen')}</th>
              <th>{t('recommendation')}</th>
              <th class="nowrap">{t('keyHistory')}</th>
            </tr>
          </thead>
          <tbody>
            {peers.map((p) => (
              <tr key={p.addr} data-testid="peer-row" data-addr={p.addr}>
                <td>
                  <Identity value={p.addr} />
                </td>
                <td class="fingerprint" data-testid="peer-fingerprint">
                  {p.fingerprint ?? '—'}
                  {p.gossip_only ? ` (${t('gossipOnly')})` : ''}
                </td>
                <td>{t(`pe_${p.prefer_encrypt}`)}</td>
                <td class="nowrap">{date(p.last_seen)}</td>
                <td data-testid="peer-recommendation">{t(`rec_${p.recommendation}`)}</td>
                <td>
                  <KeyHistory peer={p} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorLine error={error} />
    </main>
  );
}

render(<Options />, document.getElementById('app')!);
