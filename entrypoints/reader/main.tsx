import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { request } from '../../src/messaging/client';
import type { Requests } from '../../src/messaging/protocol';
import { t } from '../../src/ui/i18n';
import { ErrorLine } from '../../src/ui/error-line';
import { SignatureBanner } from '../../src/ui/signature-banner';
import { useVisibility } from '../../src/ui/use-visibility';
import { LocalError } from '../../src/ui/local-error';
import { DecryptedContent } from '../../src/ui/decrypted-content';
import { EmbeddedParts } from '../../src/ui/embedded-parts';
import { AttachmentList } from '../../src/ui/attachment-list';
import { showIdentity } from '../../src/ui/identity-text';

type Described = Requests['reader.describe']['response'];
type Decrypted = Requests['reader.decrypt']['response'];

const ticket = location.hash.slice(1);

/**
 * The reader frame: shows one encrypted message. Decryption starts only
 * from the user's click on our button, inside our own origin.
 */
function Reader() {
  const [info, setInfo] = useState<Described | null>(null);
  const [result, setResult] = useState<Decrypted | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [decryptButton, isVisible] = useVisibility();

  useEffect(() => {
    request('reader.describe', { ticket }).then(setInfo, setError);
  }, []);

  const decrypt = async () => {
    // A click on a frame the page has hidden or covered is not consent.
    if (!(await isVisible())) {
      setError(new LocalError('not-visible'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      setResult(await request('reader.decrypt', { ticket }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main>
      {info && !result && (
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
            disabled={busy}
            data-testid="decrypt"
          >
            {busy ? t('readerDecrypting') : t('readerDecrypt')}
          </button>
          {info.unencrypted.map((text, i) => (
            <div key={i} class="part unencrypted" data-testid="unencrypted-before">
              <p class="part-label">{t('readerUnencryptedPart')}</p>
              <pre class="part-text">{text.trim()}</pre>
            </div>
          ))}
        </div>
      )}
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
