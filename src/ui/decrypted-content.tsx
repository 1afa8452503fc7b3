import type { Requests } from '../messaging/protocol';
import { contentFrameHtml } from '../render/trusted-html';
import { t } from './i18n';

type Decrypted = Requests['reader.decrypt']['response'];

/**
 * The decrypted content, alone: HTML in a sandboxed frame (`sandbox=""`: no
 * scripts, forms, popups or same-origin access; its CSP allows no request), text
 * in a plain block. Never joined with anything from the outer message. The status
 * banner is drawn by the caller, outside this area.
 */
export function DecryptedContent({ result }: { result: Decrypted }) {
  return (
    <section class="content" data-testid="decrypted-content">
      {result.embedded && (
        <p class="status warn" data-testid="embedded-warning">
          {t('readerEmbedded')}
        </p>
      )}
      {result.html !== null ? (
        <iframe
          sandbox=""
          title={t('readerContentTitle')}
          data-testid="content-frame"
          srcdoc={contentFrameHtml(result.html, t('remoteImageBlocked'))}
          style="width:100%;height:60vh;border:1px solid var(--line);border-radius:4px"
        />
      ) : (
        <pre data-testid="plaintext" style="white-space:pre-wrap;font:inherit;margin:0">
          {result.text}
        </pre>
      )}
    </section>
  );
}
