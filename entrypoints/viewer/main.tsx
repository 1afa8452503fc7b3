import { render } from 'preact';
import { useState } from 'preact/hooks';
import { request } from '../../src/messaging/client';
import { bytesToBase64 } from '../../src/util/base64';
import { t } from '../../src/ui/i18n';
import { ErrorLine } from '../../src/ui/error-line';
import { MAX_RAW_MAIL_BYTES } from '../../src/messaging/raw-limit';

/** Files above this size are refused before reading (bytes). */
const MAX_FILE_BYTES = MAX_RAW_MAIL_BYTES;

type Shown = { kind: 'encrypted'; ticket: string } | { kind: 'plain' };

/**
 * Our own viewer for when the webmail's layout is not recognised: the user
 * gives it a message's original (Gmail: "Download message"), and an
 * encrypted one opens in our reader frame, inside this extension tab.
 */
function Viewer() {
  const [shown, setShown] = useState<Shown | null>(null);
  const [error, setError] = useState<unknown>(null);

  const open = async (file: File | undefined) => {
    setShown(null);
    setError(null);
    if (!file) return;
    try {
      if (file.size > MAX_FILE_BYTES) throw new Error(t('viewerTooLarge'));
      const raw = bytesToBase64(new Uint8Array(await file.arrayBuffer()));
      const answer = await request('message.opened', {
        messageId: `viewer:${file.name}`,
        raw,
      });
      setShown(
        answer.ticket ? { kind: 'encrypted', ticket: answer.ticket } : { kind: 'plain' },
      );
    } catch (err) {
      setError(err);
    }
  };

  return (
    <main>
      <h1>{t('viewerTitle')}</h1>
      <p class="muted">{t('viewerIntro')}</p>
      <input
        type="file"
        accept=".eml,message/rfc822"
        data-testid="viewer-file"
        onChange={(e) => open(e.currentTarget.files?.[0])}
      />
      {shown?.kind === 'plain' && <p data-testid="viewer-plain">{t('viewerPlain')}</p>}
      {shown?.kind === 'encrypted' && (
        <iframe
          src={`/reader.html#${shown.ticket}`}
          data-ecosmail-frame="reader"
          title={t('extName')}
          style="width:100%;height:480px;border:0;display:block"
        />
      )}
      <ErrorLine error={error} />
    </main>
  );
}

render(<Viewer />, document.getElementById('app')!);
