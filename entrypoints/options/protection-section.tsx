import { useEffect, useState } from 'preact/hooks';
import { request } from '../../src/messaging/client';
import type { ProtectionView } from '../../src/messaging/protocol';
import { t } from '../../src/ui/i18n';
import { LocalError } from '../../src/ui/local-error';
import { PassphraseField } from './passphrase-field';

/**
 * The passphrase of our secret key: none by default (Autocrypt Level 1 favours no
 * passphrase), or one the user sets, changes or removes here. This is our own
 * extension page, never a frame in the webmail. Also how long an unlock lasts,
 * and Lock / Unlock.
 */
export function ProtectionSection({ onError }: { onError: (e: unknown) => void }) {
  const [view, setView] = useState<ProtectionView | null>(null);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [minutes, setMinutes] = useState('');
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);

  const show = (v: ProtectionView) => {
    setView(v);
    setMinutes(String(v.unlock_minutes));
  };
  useEffect(() => {
    request('protection.get', {}).then(show, onError);
  }, []);

  /** Runs one request from a button, showing its error or its new state. */
  const act = async (step: () => Promise<ProtectionView>) => {
    setBusy(true);
    setSaved(false);
    onError(null);
    try {
      show(await step());
      setSaved(true);
    } catch (err) {
      onError(err);
    } finally {
      setBusy(false);
    }
  };

  const change = (remove: boolean) =>
    act(async () => {
      if (!remove && next !== repeat) throw new LocalError('passphrase-mismatch');
      const done = await request('protection.set', {
        current: view?.protected ? current : null,
        next: remove ? null : next,
      });
      setCurrent('');
      setNext('');
      setRepeat('');
      return done;
    });

  const unlock = () =>
    act(async () => {
      await request('unlock.ask', {});
      return request('protection.get', {});
    });

  if (!view) return null;
  const until = view.unlockedUntil ? new Date(view.unlockedUntil).toLocaleString() : null;
  return (
    <section data-testid="protection" data-protected={String(view.protected)}>
      <h2>{t('protectionTitle')}</h2>
      <p data-testid="protection-state" data-unlocked={String(until !== null)}>
        {view.protected ? t('protectionOn') : t('protectionNone')}{' '}
        {view.protected &&
          (until ? t('protectionUnlockedUntil', until) : t('protectionLocked'))}
      </p>
      {view.protected && (
        <p>
          {until ? (
            <button
              onClick={() => act(() => request('protection.lock', {}))}
              data-testid="lock"
            >
              {t('protectionLock')}
            </button>
          ) : (
            <button onClick={unlock} disabled={busy} data-testid="options-unlock">
              {t('unlockButton')}
            </button>
          )}
        </p>
      )}
      {view.protected && (
        <PassphraseField
          label={t('protectionCurrent')}
          autocomplete="current-password"
          value={current}
          onInput={setCurrent}
          testId="passphrase-current"
        />
      )}
      <PassphraseField
        label={t('protectionNew')}
        autocomplete="new-password"
        value={next}
        onInput={setNext}
        testId="passphrase-new"
      />
      <PassphraseField
        label={t('protectionRepeat')}
        autocomplete="new-password"
        value={repeat}
        onInput={setRepeat}
        testId="passphrase-repeat"
      />
      <p>
        <button
          onClick={() => change(false)}
          disabled={busy || !next}
          data-testid="passphrase-set"
        >
          {view.protected ? t('protectionChange') : t('protectionSet')}
        </button>{' '}
        {view.protected && (
          <button
            onClick={() => change(true)}
            disabled={busy}
            data-testid="passphrase-remove"
          >
            {t('protectionRemove')}
          </button>
        )}
      </p>
      <label>
        {t('protectionMinutes')}{' '}
        <input
          type="number"
          min={1}
          max={1440}
          value={minutes}
          onInput={(e) => setMinutes(e.currentTarget.value)}
          data-testid="unlock-minutes"
        />
      </label>{' '}
      <button
        onClick={() =>
          act(() => request('protection.duration', { minutes: Number(minutes) }))
        }
        disabled={busy}
        data-testid="unlock-minutes-save"
      >
        {t('protectionMinutesSave')}
      </button>
      {saved && (
        <p class="muted" data-testid="protection-saved">
          {t('protectionSaved')}
        </p>
      )}
    </section>
  );
}
