import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { request } from '../../src/messaging/client';
import type { Requests } from '../../src/messaging/protocol';
import { t } from '../../src/ui/i18n';
import { ErrorLine } from '../../src/ui/error-line';
import { SignatureBanner } from '../../src/ui/signature-banner';
import { useVisibility } from '../../src/ui/use-visibility';
import { LocalError } from '../../src/ui/local-error';
import { isLocked, UnlockLine } from '../../src/ui/unlock-line';
import { DecryptedContent } from '../../src/ui/decrypted-content';
import { EmbeddedParts } from '../../src/ui/embedded-parts';
import { AttachmentList } from '../../src/ui/attachment-list';
import { showIdentity } from '../../src/ui/identity-text';

type Described = Requests['reader.describe']['response'];
type Decrypted = Requests['reader.decrypt']['response'];

const ticket = location.hash.slice(1);

type Stage = Requests['reader.progress']['response']['stage'];

const STAGE_TEXT: Record<NonNullable<Stage>, string> = {
  reading: 'readerStageReading',
  decrypting: 'readerStageDecrypting',
  showing: 'readerStageShowing',
};

/** How often the busy button asks the background how far it is. */
const PROGRESS_POLL_MS = 250;

/**
 * The background's stage of our decryption while `busy`, polled: a 25 MiB
 * attachment takes seconds, and the user should see that work goes on.
 */
function useStage(busy: boolean): Stage {
  const [stage, setStage] = useState<Stage>(null);

  useEffect(() => {
    if (!busy) {
      setStage(null);
      return;
    }
    let stopped = false;
    const poll = () =>
      request('reader.progress', { ticket }).then(
        (answer) => !stopped && setStage(answer.stage),
        () => undefined,
      );
    const timer = setInterval(() => void poll(), PROGRESS_POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [busy]);

  return stage;
}

/**
 * The reader frame: shows one encrypted message. Decryption starts only
 * from the user's click on our button, inside our own origin.
 */
function Reader() {
  const [info, setInfo] = useState<Described | null>(null);
  const [result, setResult] = useState<Decrypted | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [locked, setLocked] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [decryptButton, isVisible] = useVisibility();
  const stage = useStage(busy);

  useEffect(() => {
    request('reader.describe', { ticket }).then(setInfo, setError);
  }, []);

  const run = async () => {
    setBusy(true);
    setError(null);
    setLocked(false);
    try {
      setResult(await request('reader.decrypt', { ticket }));
    } catch (err) {
      // A locked key is a state to act on (Unlock), not a failure.
      if (isLocked(err)) setLocked(true);
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  const decrypt = async () => {
    // A click on a frame the page has hidden or covered is not consent: the
    // user is asked again in our own window, which the page cannot cover.
    if (!(await isVisible())) {
      setError(null);
      setConfirming(true);
      try {
        const { confirmed } = await request('reader.confirm', { ticket });
        if (!confirmed) {
          setError(new LocalError('not-confirmed'));
          return;
        }
      } catch (err) {
        setError(err);
        return;
      } finally {
        setConfirming(false);
      }
    }
    await run();
  };

  return (
    <main>
      {info && !result && !locked && (
        <div class="status">
          <p>
            {info.embeddedBlocks > 0
              ? t('readerEmbeddedIntro', [
                  showIdentity(info.from).text || t('unknownSender'),
                  String(info.embeddedBlocks),
                ])
              : t(
                  'readerEncryptedFrom',
                  showIdentity(info.from).text || t('unknownSender'),
                )}
          </p>
          <button
            ref={decryptButton}
            onClick={decrypt}
            disabled={busy || confirming}
            data-testid="decrypt"
            data-stage={busy ? (stage ?? '') : undefined}
          >
            {busy
              ? t(stage ? STAGE_TEXT[stage] : 'readerDecrypting')
              : t('readerDecrypt')}
          </button>
          {confirming && (
            <p class="muted" data-testid="confirming">
              {t('confirmInWindow')}
            </p>
          )}
          {info.unencrypted.map((text, i) => (
            <div key={i} class="part unencrypted" data-testid="unencrypted-before">
              <p class="part-label">{t('readerUnencryptedPart')}</p>
              <pre class="part-text">{text.trim()}</pre>
            </div>
          ))}
        </div>
      )}
      {locked && !result && <UnlockLine onUnlocked={run} onError={setError} />}
      {result && !result.inlineParts && <SignatureBanner result={result} />}
      {result && (
        <h2 class="subject" data-testid="subject">
          {result.subject}
          {result.headerMismatch.includes('subject') && (
            <small class="protected-mark" data-testid="subject-protected">
              {' '}
              ({t('hpProtectedMark')})
            </small>
          )}
        </h2>
      )}
      {result && result.inlineParts && <EmbeddedParts result={result} />}
      {result && !result.inlineParts && <DecryptedContent result={result} />}
      {result && <AttachmentList files={result.attachments ?? []} />}
      <ErrorLine error={error} />
    </main>
  );
}

render(<Reader />, document.getElementById('app')!);
