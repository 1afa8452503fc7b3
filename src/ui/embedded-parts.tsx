import type { InlinePartSummary, Requests } from '../messaging/protocol';
import { t } from './i18n';
import { showIdentity } from './identity-text';

type Decrypted = Requests['reader.decrypt']['response'];

/** The catalog's text for an error code, or the code itself. */
function reason(code: string): string {
  const key = `error_${code.replace(/-/g, '_')}`;
  const text = t(key);
  return text === key ? code : text;
}

function blockSignature(
  part: Extract<InlinePartSummary, { kind: 'decrypted' }>,
  from: string,
) {
  const { signature } = part;
  if (signature.status !== 'valid') return t('readerBlockUnsigned');
  return part.signerMatchesFrom
    ? t('readerBlockSigned', showIdentity(from).text)
    : t('readerBlockSignedOther', signature.signerFingerprint);
}

/**
 * A plain mail with encrypted blocks inside its text (attack suite EF-13, RO-01):
 * our own banner says it is not encrypted, and every piece gets an area of its
 * own with our label above it. Unencrypted text and decrypted blocks are never
 * joined, so attacker text around old ciphertext cannot pass for part of it, nor
 * turn it into a link, image or form (EFAIL). Everything is shown as text.
 */
export function EmbeddedParts({ result }: { result: Decrypted }) {
  const parts = result.inlineParts ?? [];
  let block = 0;

  return (
    <section class="content" data-testid="embedded-parts">
      <p class="status warn" data-testid="signature-status" data-status="plain">
        {t('readerPlainWithBlocks')}
      </p>
      {parts.map((part, i) => {
        if (part.kind === 'unencrypted') {
          return (
            <div key={i} class="part unencrypted" data-testid="unencrypted-part">
              <p class="part-label">{t('readerUnencryptedPart')}</p>
              <pre class="part-text">{part.text.trim()}</pre>
            </div>
          );
        }
        block += 1;
        const n = String(block);
        if (part.kind === 'failed') {
          return (
            <p
              key={i}
              class="status bad"
              data-testid="block-failed"
              data-code={part.code}
            >
              {t('readerBlockFailed', [n, reason(part.code)])}
            </p>
          );
        }
        if (part.kind === 'skipped') {
          return (
            <p key={i} class="status warn" data-testid="block-skipped">
              {t('readerBlockSkipped', n)}
            </p>
          );
        }
        return (
          <div key={i} class="part decrypted" data-testid="embedded-block">
            <p class="part-label status warn">
              {t('readerEmbeddedBlock', n)} · {blockSignature(part, result.from)}
            </p>
            <pre class="part-text" data-testid="embedded-block-text">
              {part.text}
            </pre>
          </div>
        );
      })}
    </section>
  );
}
