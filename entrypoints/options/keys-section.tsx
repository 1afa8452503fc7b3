/**
 * The options page's key section: the backup reminder, importing our own secret
 * key from another client, and importing peers' public keys from a file. Every
 * import is previewed (fingerprint, algorithm, valid user IDs, the reason a key is
 * refused) and done only after the user ticks the confirmation and clicks Import.
 */
import { useState } from 'preact/hooks';
import { request } from '../../src/messaging/client';
import type { AccountStatus, KeyPreviewView } from '../../src/messaging/protocol';
import { MAX_KEY_FILE_CHARS } from '../../src/keyring/key-file-limit';
import { t } from '../../src/ui/i18n';
import { Identity } from '../../src/ui/identity';
import { LocalError } from '../../src/ui/local-error';
import { AccountPassphrase, accountProtected } from './account-passphrase';
import { PassphraseField } from './passphrase-field';

type OnError = (error: unknown) => void;

/** Shown while the key was never backed up (attack suite MV-07). */
export function BackupReminder({ account }: { account: AccountStatus | null }) {
  if (!account?.configured || account.backedUpAt) return null;
  return (
    <p class="status warn" data-testid="backup-reminder">
      {t('backupReminder')} <a href="#backup">{t('backupReminderLink')}</a>
    </p>
  );
}

/**
 * The text of a key file the user picked, or null when it is over the limit.
 *
 * TODO(2026-12-04): armored files only; a binary export (`gpg --export` without
 * `--armor`) reads as garbage and is refused as "no readable OpenPGP key".
 */
async function readKeyFile(file: File | undefined, onError: OnError) {
  if (!file) return null;
  // Refused before reading a byte: a huge file would stall the page (MV-03).
  if (file.size > MAX_KEY_FILE_CHARS) {
    onError(new LocalError('key-file-too-large'));
    return null;
  }
  return file.text();
}

/** File picker and paste box; hands the text on. */
function KeySource(props: {
  id: string;
  onText: (text: string) => void;
  onError: OnError;
}) {
  const { id, onText } = props;
  const [pasted, setPasted] = useState('');
  return (
    <div>
      <label>
        {t('keyFile')}{' '}
        <input
          type="file"
          accept=".asc,.txt,.key,.pgp,.gpg,application/pgp-keys"
          data-testid={`${id}-file`}
          onChange={async (e) => {
            const text = await readKeyFile(e.currentTarget.files?.[0], props.onError);
            if (text !== null) onText(text);
          }}
        />
      </label>
      <label for={`${id}-paste`}>{t('keyPaste')}</label>
      <textarea
        id={`${id}-paste`}
        data-testid={`${id}-paste`}
        value={pasted}
        spellcheck={false}
        onInput={(e) => setPasted(e.currentTarget.value)}
      />
      <button type="button" data-testid={`${id}-read`} onClick={() => onText(pasted)}>
        {t('keyRead')}
      </button>
    </div>
  );
}

/** What the preview says about one key. */
function KeyFacts({ keyView }: { keyView: KeyPreviewView }) {
  const { refusal } = keyView;
  return (
    <div>
      <p>
        <span class="fingerprint" data-testid="key-fingerprint">
          {keyView.fingerprint}
        </span>{' '}
        · <span data-testid="key-algorithm">{keyView.algorithm}</span> ·{' '}
        {new Date(keyView.created).toLocaleDateString()}
        {keyView.locked && <span> · {t('keyLocked')}</span>}
      </p>
      <ul data-testid="key-user-ids">
        {keyView.userIDs.map((u) => (
          <li key={u.userID} data-testid="key-user-id">
            <Identity value={u.userID} />
          </li>
        ))}
      </ul>
      {keyView.droppedUserIDs > 0 && (
        <p class="muted" data-testid="key-dropped-uids">
          {t('keyDroppedUserIDs', String(keyView.droppedUserIDs))}
        </p>
      )}
      {refusal && (
        <p class="status bad" data-testid="key-refusal" data-code={refusal.code}>
          {t(`keyRefused_${refusal.code.replace(/-/g, '_')}`, refusal.detail)}
        </p>
      )}
    </div>
  );
}

/** Our own secret key from GnuPG, Thunderbird, Proton, Mailvelope… */
function OwnKeyImport(props: {
  account: AccountStatus | null;
  onImported: (status: AccountStatus) => void;
  onError: OnError;
}) {
  const [armored, setArmored] = useState<string | null>(null);
  const [keys, setKeys] = useState<KeyPreviewView[] | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [addr, setAddr] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [protectedBy, setProtectedBy] = useState<string | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);

  const read = async (text: string) => {
    props.onError(null);
    setDone(null);
    setConfirmed(false);
    try {
      const found = await request('ownKey.inspect', { armored: text });
      setProtectedBy((await accountProtected()) ? '' : null);
      setArmored(text);
      setKeys(found.keys);
      const usable = found.keys.find((k) => !k.refusal);
      setChosen(usable?.fingerprint ?? null);
      setAddr(found.accountAddr ?? usable?.addrs[0] ?? '');
    } catch (err) {
      setKeys(null);
      props.onError(err);
    }
  };

  const key = keys?.find((k) => k.fingerprint === chosen);
  const importIt = async () => {
    if (!armored || !key) return;
    props.onError(null);
    setBusy(true);
    try {
      const status = await request('ownKey.import', {
        armored,
        fingerprint: key.fingerprint,
        passphrase,
        addr,
        ...(protectedBy === null ? {} : { accountPassphrase: protectedBy }),
      });
      setPassphrase('');
      setProtectedBy(null);
      setDone(status.fingerprint ?? '');
      props.onImported(status);
    } catch (err) {
      props.onError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="own-key-import">
      <h3>{t('ownKeyImportTitle')}</h3>
      <p class="muted">{t('ownKeyImportExplain')}</p>
      <KeySource id="own-key" onText={read} onError={props.onError} />
      {keys?.map((k) => (
        <div
          key={k.fingerprint}
          data-testid="own-key-preview"
          data-fingerprint={k.fingerprint}
        >
          {keys.length > 1 && (
            <label style="display:inline">
              <input
                type="radio"
                name="own-key-choice"
                disabled={!!k.refusal}
                checked={chosen === k.fingerprint}
                onChange={() => setChosen(k.fingerprint)}
              />{' '}
              {t('ownKeyChoose')}
            </label>
          )}
          <KeyFacts keyView={k} />
        </div>
      ))}
      {key && (
        <div>
          {!props.account?.configured && key.addrs.length > 1 && (
            <label>
              {t('ownKeyAddress')}{' '}
              <select
                data-testid="own-key-addr"
                value={addr}
                onChange={(e) => setAddr(e.currentTarget.value)}
              >
                {key.addrs.map((a) => (
                  <option key={a} value={a}>
                    {a}
                  </option>
                ))}
              </select>
            </label>
          )}
          {key.locked && (
            <PassphraseField
              label={t('ownKeyPassphrase')}
              value={passphrase}
              onInput={setPassphrase}
              testId="own-key-passphrase"
            />
          )}
          {protectedBy !== null && (
            <AccountPassphrase
              value={protectedBy}
              onInput={setProtectedBy}
              testId="own-key-account-passphrase"
            />
          )}
          <label>
            <input
              type="checkbox"
              data-testid="own-key-confirm"
              checked={confirmed}
              onChange={(e) => setConfirmed(e.currentTarget.checked)}
            />{' '}
            {props.account?.configured
              ? t('ownKeyConfirmReplace', [key.fingerprint, props.account.addr ?? ''])
              : t('ownKeyConfirm', [key.fingerprint, addr])}
          </label>
          <button
            type="button"
            data-testid="own-key-import-button"
            disabled={!confirmed || busy}
            onClick={importIt}
          >
            {t('ownKeyImport')}
          </button>
        </div>
      )}
      {done && <p data-testid="own-key-done">{t('ownKeyImported', done)}</p>}
    </div>
  );
}

/** Peers' public keys, one or many in one file; stored all or none. */
function PeerKeyImport(props: { onImported: () => void; onError: OnError }) {
  const [armored, setArmored] = useState<string | null>(null);
  const [keys, setKeys] = useState<KeyPreviewView[] | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string[] | null>(null);

  const read = async (text: string) => {
    props.onError(null);
    setDone(null);
    setConfirmed(false);
    try {
      setKeys((await request('peerKeys.inspect', { armored: text })).keys);
      setArmored(text);
    } catch (err) {
      setKeys(null);
      props.onError(err);
    }
  };

  const importable = keys?.filter((k) => !k.refusal) ?? [];
  const importIt = async () => {
    if (!armored) return;
    props.onError(null);
    setBusy(true);
    try {
      const fingerprints = importable.map((k) => k.fingerprint);
      setDone((await request('peerKeys.import', { armored, fingerprints })).addrs);
      setKeys(null);
      props.onImported();
    } catch (err) {
      props.onError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="peer-keys-import">
      <h3>{t('peerKeysImportTitle')}</h3>
      <p class="muted">{t('peerKeysImportExplain')}</p>
      <KeySource id="peer-keys" onText={read} onError={props.onError} />
      {keys && (
        <div data-testid="peer-keys-preview" data-count={keys.length}>
          {keys.map((k) => (
            <div
              key={k.fingerprint}
              data-testid="peer-key-row"
              data-fingerprint={k.fingerprint}
            >
              <KeyFacts keyView={k} />
            </div>
          ))}
          {importable.length > 0 && (
            <p>
              <label>
                <input
                  type="checkbox"
                  data-testid="peer-keys-confirm"
                  checked={confirmed}
                  onChange={(e) => setConfirmed(e.currentTarget.checked)}
                />{' '}
                {t('peerKeysConfirm', String(importable.length))}
              </label>
              <button
                type="button"
                data-testid="peer-keys-import-button"
                disabled={!confirmed || busy}
                onClick={importIt}
              >
                {busy ? t('peerKeysImporting') : t('peerKeysImport')}
              </button>
            </p>
          )}
        </div>
      )}
      {done && (
        <p data-testid="peer-keys-done" data-count={done.length}>
          {t('peerKeysImported', String(done.length))}
        </p>
      )}
    </div>
  );
}

/** Key import, own and peers'. */
export function KeysSection(props: {
  account: AccountStatus | null;
  onAccount: (status: AccountStatus) => void;
  onPeersChanged: () => void;
  onError: OnError;
}) {
  return (
    <section data-testid="keys-section">
      <h2>{t('keysSectionTitle')}</h2>
      <OwnKeyImport
        account={props.account}
        onImported={props.onAccount}
        onError={props.onError}
      />
      {props.account?.configured && (
        <PeerKeyImport onImported={props.onPeersChanged} onError={props.onError} />
      )}
    </section>
  );
}
