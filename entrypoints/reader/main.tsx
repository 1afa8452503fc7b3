import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { request } from '../../src/messaging/client';
import type { Requests } from '../../src/messaging/protocol';
import { t } from '../../src/ui/i18n';
import { ErrorLine } from '../../src/ui/error-line';
import { SignatureBanner } from '../../src/ui/signature-banner';

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

  useEffect(() => {
    request('reader.describe', { ticket }).then(setInfo, setError);
  }, []);

  const decrypt = async () => {
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
          <p>{t('readerEncryptedFrom', info.from || t('unknownSender'))}</p>
          <button onClick={decrypt} disabled={busy} data-testid="decrypt">
            {busy ? t('readerDecrypting') : t('readerDecrypt')}
          </button>
        </div>
      )}
      {result && <SignatureBanner result={result} />}
      {result && (
        <h2 class="subject" data-testid="subject">
          {result.subject}
        </h2>
      )}
      {result && (
        <pre data-testid="plaintext" style="white-space:pre-wrap;font:inherit;margin:0">
          {result.text}
        </pre>
      )}
      <ErrorLine error={error} />
    </main>
  );
}

render(<Reader />, document.getElementById('app')!);
