import type { Requests } from '../messaging/protocol';
import { base64ToBytes } from '../util/base64';
import { t } from './i18n';
import { showIdentity } from './identity-text';

type Attachment = NonNullable<Requests['reader.decrypt']['response']['attachments']>[0];

/** How long a download's object URL lives: the browser has started by then. */
const URL_LIFETIME_MS = 60_000;

/**
 * The name to save the file under: no bidi controls (TR36), no path, never
 * empty. The browser sanitises it further for the file system.
 */
export function downloadName(name: string): string {
  const plain = Array.from(showIdentity(name).text, (c) =>
    c < ' ' || c === '\u007f' || c === '/' || c === '\\' ? '_' : c,
  )
    .join('')
    .trim();
  return plain === '' ? 'attachment' : plain;
}

/**
 * Saves an attachment. The bytes become a Blob of type application/octet-stream
 * with the `download` attribute, so the browser stores the file instead of
 * showing it: nothing from the mail is rendered or navigated to in our origin
 * (attack suite AU-05; Mailvelope 0.13 ran script from an attachment this way).
 * The base64 is decoded only now, once, for this click.
 */
function save(file: Attachment): void {
  // base64ToBytes returns a fresh buffer of its own (never shared memory).
  const bytes = base64ToBytes(file.data) as Uint8Array<ArrayBuffer>;
  const blob = new Blob([bytes], { type: 'application/octet-stream' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = downloadName(file.name);
  link.rel = 'noopener';
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), URL_LIFETIME_MS);
}

function size(bytes: number): string {
  if (bytes < 1024) return t('sizeBytes', String(bytes));
  if (bytes < 1024 * 1024) return t('sizeKiB', (bytes / 1024).toFixed(1));
  return t('sizeMiB', (bytes / (1024 * 1024)).toFixed(1));
}

/**
 * The files of a decrypted message: each name as text (bidi controls removed,
 * mixed scripts flagged), its declared type and size, and a Download button.
 */
export function AttachmentList({ files }: { files: Attachment[] }) {
  if (files.length === 0) return null;
  return (
    <section class="attachments" data-testid="attachments">
      <h3>{t('readerAttachments')}</h3>
      <ul>
        {files.map((file, i) => {
          const shown = showIdentity(file.name || t('readerAttachmentNoName'));
          return (
            <li key={i} data-testid="attachment">
              <span class="attachment-name" data-testid="attachment-name">
                {shown.text}
              </span>{' '}
              <span class="muted">
                ({file.mimeType}, {size(file.size)})
              </span>
              {(shown.hadBidiControls || shown.mixedScripts) && (
                <span class="status warn" data-testid="attachment-name-warning">
                  {' '}
                  {t('identitySuspicious')}
                </span>
              )}{' '}
              <button
                type="button"
                data-testid="attachment-download"
                onClick={() => save(file)}
              >
                {t('readerDownload')}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
