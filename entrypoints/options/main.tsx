import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { request } from '../../src/messaging/client';
import type { AccountStatus, PeerSummary } from '../../src/messaging/protocol';
import { t } from '../../src/ui/i18n';
import { ErrorLine } from '../../src/ui/error-line';

function date(ms: number): string {
  return ms ? new Date(ms).toLocaleString() : '—';
}

/** Own key and the contacts learned through Autocrypt. */
function Options() {
  const [account, setAccount] = useState<AccountStatus | null>(null);
  const [peers, setPeers] = useState<PeerSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    request('account.status', {}).then(setAccount, setError);
    request('peers.list', {}).then(setPeers, setError);
  }, []);

  return (
    <main>
      <h1>{t('extName')}</h1>
      <h2>{t('optionsOwnKey')}</h2>
      {account?.configured ? (
        <p>
          {account.addr} ·{' '}
          <span class="fingerprint" data-testid="own-fingerprint">
            {account.fingerprint}
          </span>
        </p>
      ) : (
        <p class="muted">{t('optionsNoKey')}</p>
      )}
      <h2 data-testid="contacts" data-loaded={String(peers !== null)}>
        {t('optionsContacts')}
      </h2>
      {peers && peers.length === 0 && <p class="muted">{t('optionsNoContacts')}</p>}
      {peers && peers.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>{t('address')}</th>
              <th>{t('fingerprint')}</th>
              <th>{t('preferEncrypt')}</th>
              <th>{t('lastSeen')}</th>
              <th>{t('recommendation')}</th>
            </tr>
          </thead>
          <tbody>
            {peers.map((p) => (
              <tr key={p.addr} data-testid="peer-row" data-addr={p.addr}>
                <td>{p.addr}</td>
                <td class="fingerprint" data-testid="peer-fingerprint">
                  {p.fingerprint ?? '—'}
                  {p.gossip_only ? ` (${t('gossipOnly')})` : ''}
                </td>
                <td>{t(`pe_${p.prefer_encrypt}`)}</td>
                <td>{date(p.last_seen)}</td>
                <td data-testid="peer-recommendation">{t(`rec_${p.recommendation}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorLine error={error} />
    </main>
  );
}

render(<Options />, document.getElementById('app')!);
