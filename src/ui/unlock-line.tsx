import { useState } from 'preact/hooks';
import { request } from '../messaging/client';
import { t } from './i18n';

/** Whether an error says our key is locked (the background's `locked` code). */
export function isLocked(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'locked';
}

/**
 * Shown in our frames when the action needs our key and the key is locked. The
 * passphrase is never typed here, in a frame the page can draw over: Unlock opens
 * our own popup window for it, and once the key is unlocked `onUnlocked` carries
 * on with the action the user started. Closing the popup leaves this line, with
 * the button ready again.
 */
export function UnlockLine({
  onUnlocked,
  onError,
}: {
  onUnlocked: () => void;
  onError: (error: unknown) => void;
}) {
  const [waiting, setWaiting] = useState(false);
  const [declined, setDeclined] = useState(false);

  const unlock = async () => {
    setWaiting(true);
    setDeclined(false);
    onError(null);
    try {
      const { unlocked } = await request('unlock.ask', {});
      if (unlocked) onUnlocked();
      else setDeclined(true);
    } catch (err) {
      onError(err);
    } finally {
      setWaiting(false);
    }
  };

  return (
    <div class="status" data-testid="locked" data-declined={String(declined)}>
      <p>{declined ? t('lockedStill') : t('lockedExplain')}</p>
      <button onClick={unlock} disabled={waiting} data-testid="unlock">
        {waiting ? t('unlockWaiting') : t('unlockButton')}
      </button>
    </div>
  );
}
