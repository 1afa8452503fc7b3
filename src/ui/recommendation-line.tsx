import type { Requests } from '../messaging/protocol';
import { t } from './i18n';
import { Identity } from './identity';

type Advice = Requests['composer.recommend']['response'];

const TONE = { encrypt: '', available: '', discourage: 'warn', disable: 'warn' } as const;

/** The Autocrypt recommendation, overall and for each recipient. */
export function RecommendationLine({ advice }: { advice: Advice }) {
  if (advice.recipients.length === 0) return null;
  return (
    <div
      class={`status ${TONE[advice.overall]}`}
      data-testid="recommendation"
      data-recommendation={advice.overall}
    >
      <strong>{t(`rec_${advice.overall}`)}</strong>
      <ul style="margin:0.3rem 0 0;padding-left:1.2rem">
        {advice.recipients.map((r) => (
          <li key={r.addr} data-addr={r.addr} data-recommendation={r.recommendation}>
            <Identity value={r.addr} />: {t(`rec_${r.recommendation}`)}
            {r.keyChangedAt !== null && (
              <strong data-testid="key-changed">
                {' · '}
                {t('recKeyChanged', new Date(r.keyChangedAt).toLocaleDateString())}
              </strong>
            )}
          </li>
        ))}
      </ul>
      {advice.notNamedBySender.length > 0 && (
        <p class="status bad" data-testid="not-named-by-sender">
          {t('composerNotNamedBySender', advice.notNamedBySender.join(', '))}
        </p>
      )}
    </div>
  );
}
