import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { request } from '../../src/messaging/client';
import type { Requests } from '../../src/messaging/protocol';
import { t } from '../../src/ui/i18n';
import { ErrorLine } from '../../src/ui/error-line';
import { RecommendationLine } from '../../src/ui/recommendation-line';
import { useVisibility } from '../../src/ui/use-visibility';
import { LocalError } from '../../src/ui/local-error';
import { isLocked, UnlockLine } from '../../src/ui/unlock-line';

type Opened = Requests['composer.open']['response'];
type Advice = Requests['composer.recommend']['response'];

const ticket = location.hash.slice(1);

/** Recommendation requests wait until typing pauses. */
const RECOMMEND_DELAY_MS = 250;

/** A draft is saved once typing pauses this long (and when the frame is left). */
const DRAFT_DELAY_MS = 1500;

/** How often, and how far apart, the composer asks where a lost send stands. */
const STATUS_TRIES = 15;
const STATUS_PAUSE_MS = 1000;

type SendState = Requests['composer.sendStatus']['response']['state'];

/**
 * Where this slot's send stands after its answer was lost: the worker may be
 * starting again (the request fails) or the page may still be sending; both are
 * waited out for a while.
 */
async function sendOutcome(): Promise<SendState> {
  let state: SendState = 'unknown';
  for (let i = 0; i < STATUS_TRIES; i++) {
    try {
      state = (await request('composer.sendStatus', { ticket })).state;
      if (state === 'sent' || state === 'not-sent') return state;
    } catch {
      state = 'unknown';
    }
    await new Promise((r) => setTimeout(r, STATUS_PAUSE_MS));
  }
  return state;
}

function addresses(field: string): string[] {
  return field
    .split(/[,;\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The composer frame: the draft lives only here and in the background. The
 * Encrypt toggle follows the Autocrypt recommendation until the user sets it.
 */
function Composer() {
  const [opened, setOpened] = useState<Opened | null>(null);
  const [to, setTo] = useState('');
  const [cc, setCc] = useState('');
  const [subject, setSubject] = useState('');
  const [text, setText] = useState('');
  const [advice, setAdvice] = useState<Advice | null>(null);
  const [encrypt, setEncrypt] = useState(false);
  const [touched, setTouched] = useState(false);
  const [state, setState] = useState<
    | 'editing'
    | 'confirming'
    | 'sending'
    | 'checking'
    | 'sent'
    | 'gmail-inserted'
    | 'gmail-sent'
  >('editing');
  /** The way of sending that found our key locked, to carry on once unlocked. */
  const [locked, setLocked] = useState<'page' | 'inline' | 'api' | 'restore' | null>(
    null,
  );
  const [outcomeUnknown, setOutcomeUnknown] = useState(false);
  // Drafts: `edits` counts the user's changes, `savedEdits` is the count the page
  // last stored; `restoring` while a stored draft waits for its click.
  const [edits, setEdits] = useState(0);
  const [savedEdits, setSavedEdits] = useState(0);
  const draftSaved = edits > 0 && savedEdits === edits;
  const [restoring, setRestoring] = useState(false);
  const [restoreButton, isRestoreVisible] = useVisibility();
  const [gmailApi, setGmailApi] = useState(false);
  const [attachKey, setAttachKey] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [sendButton, isVisible] = useVisibility();
  // Only one of Gmail's two send buttons is shown at a time; the ref guards it.
  const [gmailButton, isGmailVisible] = useVisibility();

  // The recommendation must be for the recipients on screen before Send
  // works: sending earlier could go out in the clear by mistake.
  const recipientsKey = `${to}|${cc}`;
  // The recipients the newest recommendation was asked for: answers can arrive
  // out of order (a busy worker), and an older one must not win.
  const askedFor = useRef('');
  const [adviceKey, setAdviceKey] = useState('');

  useEffect(() => {
    request('composer.open', { ticket }).then((o) => {
      setOpened(o);
      setTo(o.to.join(', '));
      setCc(o.cc.join(', '));
      setSubject(o.subject);
      setRestoring(o.hasDraft);
    }, setError);
  }, []);

  // RO-03: the draft is saved encrypted to our own key, through the page, never as
  // text. Not while a stored draft waits to be restored: that would replace it.
  const canSaveDraft = !!opened && !opened.gmail && !restoring && state === 'editing';
  const fields = { to: addresses(to), cc: addresses(cc), subject, text };
  const pending = useRef<{ fields: typeof fields; edits: number } | null>(null);
  pending.current = canSaveDraft && edits > savedEdits ? { fields, edits } : null;

  const saveDraft = () => {
    const draft = pending.current;
    if (!draft) return;
    pending.current = null;
    request('composer.saveDraft', { ticket, ...draft.fields }).then(
      ({ saved }) => {
        if (saved) setSavedEdits((n) => Math.max(n, draft.edits));
        // A failed save shows no error: the text is still here, "Draft saved" is not
        // shown, and the next pause tries again.
      },
      () => {},
    );
  };

  useEffect(() => {
    if (!pending.current) return;
    const timer = setTimeout(saveDraft, DRAFT_DELAY_MS);
    return () => clearTimeout(timer);
  }, [edits, canSaveDraft]);

  // Leaving (tab hidden, frame unloaded): save what the pause has not saved yet.
  useEffect(() => {
    const onLeave = () => {
      if (document.visibilityState === 'hidden') saveDraft();
    };
    document.addEventListener('visibilitychange', onLeave);
    window.addEventListener('pagehide', saveDraft);
    return () => {
      document.removeEventListener('visibilitychange', onLeave);
      window.removeEventListener('pagehide', saveDraft);
    };
  }, []);

  const edit = (set: (value: string) => void) => (value: string) => {
    set(value);
    setEdits((n) => n + 1);
  };

  // Decrypting the stored draft uses our private key: only from this click (RO-04).
  const restore = async () => {
    setError(null);
    // As for Send: a click the frame could not see is confirmed in our window.
    if (!(await isRestoreVisible())) {
      try {
        const { confirmed } = await request('composer.confirm', {
          ticket,
          to: [],
          cc: [],
          encrypt: false,
          action: 'restore',
        });
        if (!confirmed) {
          setError(new LocalError('not-confirmed'));
          return;
        }
      } catch (err) {
        setError(err);
        return;
      }
    }
    await restoreNow();
  };

  const restoreNow = async () => {
    setLocked(null);
    try {
      const draft = await request('composer.restoreDraft', { ticket });
      setTo(draft.to.join(', '));
      setCc(draft.cc.join(', '));
      setSubject(draft.subject);
      setText(draft.text);
      setRestoring(false);
    } catch (err) {
      if (isLocked(err)) {
        setLocked('restore');
        return;
      }
      setError(err);
      // Not ours (planted ciphertext): nothing to restore, so the user may write
      // afresh, and the first save replaces it.
      if ((err as { code?: unknown }).code === 'not-our-draft') setRestoring(false);
    }
  };

  useEffect(() => {
    if (!opened) return;
    const key = recipientsKey;
    const timer = setTimeout(() => {
      askedFor.current = key;
      request('composer.recommend', {
        ticket,
        to: addresses(to),
        cc: addresses(cc),
      }).then((a) => {
        if (askedFor.current !== key) return;
        setAdvice(a);
        setAdviceKey(key);
      }, setError);
    }, RECOMMEND_DELAY_MS);
    return () => clearTimeout(timer);
  }, [opened, to, cc]);

  const overall = advice?.overall ?? 'disable';
  const canEncrypt = overall !== 'disable';
  useEffect(() => {
    if (!canEncrypt) setEncrypt(false);
    else if (!touched) setEncrypt(overall === 'encrypt');
  }, [overall, canEncrypt, touched]);

  const wrongAccount =
    opened?.pageAccount && opened.from && opened.pageAccount !== opened.from
      ? opened.pageAccount
      : null;
  const ready = advice !== null && adviceKey === recipientsKey && !wrongAccount;

  const send = async () => {
    // A click the frame could not see as visible is confirmed in our own window.
    if (!(await isVisible())) {
      setError(null);
      setState('confirming');
      try {
        const { confirmed } = await request('composer.confirm', {
          ticket,
          to: addresses(to),
          cc: addresses(cc),
          encrypt,
        });
        if (!confirmed) {
          setError(new LocalError('not-confirmed'));
          setState('editing');
          return;
        }
      } catch (err) {
        setError(err);
        setState('editing');
        return;
      }
    }
    await sendNow();
  };

  const sendNow = async () => {
    setState('sending');
    setError(null);
    setLocked(null);
    setOutcomeUnknown(false);
    try {
      await request('composer.send', {
        ticket,
        to: addresses(to),
        cc: addresses(cc),
        subject,
        text,
        encrypt,
      });
      setState('sent');
    } catch (err) {
      if (isLocked(err)) {
        setLocked('page');
      } else {
        // The answer can be lost while the mail went out (attack suite MV-02: the
        // worker stopped after the page sent). Ask before offering Send again; a
        // retry is the same Message-ID anyway, which the webmail never sends twice.
        setState('checking');
        const outcome = await sendOutcome();
        if (outcome === 'sent') {
          setState('sent');
          return;
        }
        setOutcomeUnknown(outcome !== 'not-sent');
        setError(err);
      }
      setState('editing');
    }
  };

  // Gmail: both ways out are encrypted; the plain way is Gmail's own Send. Both sign
  // with our key, so a click the frame could not see is confirmed as for Send (EX-03).
  const sendGmail = async (via: 'inline' | 'api') => {
    if (!(await isGmailVisible())) {
      setError(null);
      setState('confirming');
      try {
        const { confirmed } = await request('composer.confirm', {
          ticket,
          to: addresses(to),
          cc: addresses(cc),
          encrypt: true,
        });
        if (!confirmed) {
          setError(new LocalError('not-confirmed'));
          setState('editing');
          return;
        }
      } catch (err) {
        setError(err);
        setState('editing');
        return;
      }
    }
    await sendGmailNow(via);
  };

  const sendGmailNow = async (via: 'inline' | 'api') => {
    setState('sending');
    setError(null);
    setLocked(null);
    try {
      const fields = { ticket, to: addresses(to), cc: addresses(cc), text };
      if (via === 'inline') await request('gmail.armor', { ...fields, attachKey });
      else await request('gmail.send', { ...fields, subject });
      setState(via === 'inline' ? 'gmail-inserted' : 'gmail-sent');
    } catch (err) {
      if (isLocked(err)) setLocked(via);
      else setError(err);
      setState('editing');
    }
  };

  if (state === 'gmail-inserted' || state === 'gmail-sent') {
    return (
      <main>
        <p class="status" data-testid="sent">
          {state === 'gmail-sent' ? t('composerGmailSent') : t('composerGmailInserted')}
        </p>
      </main>
    );
  }

  if (state === 'sent') {
    return (
      <main>
        <p class="status" data-testid="sent">
          {encrypt ? t('composerSentEncrypted') : t('composerSentPlain')}
        </p>
      </main>
    );
  }

  return (
    <main>
      {/* No <form>: Enter in a field must never send. */}
      <div>
        <p class="muted">{t('composerFrom', opened?.from ?? '…')}</p>
        {restoring && (
          <p>
            <button
              type="button"
              ref={restoreButton}
              onClick={restore}
              data-testid="restore-draft"
            >
              {t('composerRestoreDraft')}
            </button>{' '}
            <span class="muted">{t('composerRestoreDraftHint')}</span>
          </p>
        )}
        {wrongAccount && (
          <p class="status bad" data-testid="wrong-account">
            {t('composerWrongAccount', [wrongAccount, opened?.from ?? ''])}
          </p>
        )}
        <label for="to">{t('composerTo')}</label>
        <input
          id="to"
          type="text"
          value={to}
          onInput={(e) => edit(setTo)(e.currentTarget.value)}
        />
        <label for="cc">{t('composerCc')}</label>
        <input
          id="cc"
          type="text"
          value={cc}
          onInput={(e) => edit(setCc)(e.currentTarget.value)}
        />
        {advice && <RecommendationLine advice={advice} />}
        <label for="subject">{t('composerSubject')}</label>
        <input
          id="subject"
          type="text"
          value={subject}
          onInput={(e) => edit(setSubject)(e.currentTarget.value)}
        />
        <label for="body">{t('composerBody')}</label>
        <textarea
          id="body"
          value={text}
          onInput={(e) => edit(setText)(e.currentTarget.value)}
        />
        {opened?.gmail && (
          <div>
            {!canEncrypt && advice && <p class="muted">{t('composerGmailNeedsKeys')}</p>}
            <p class="muted">{t('composerGmailInlineHint')}</p>
            {!gmailApi && (
              <p>
                <label style="display:inline">
                  <input
                    type="checkbox"
                    data-testid="gmail-attach-key"
                    checked={attachKey}
                    onChange={(e) => setAttachKey(e.currentTarget.checked)}
                  />{' '}
                  {t('composerGmailAttachKey')}
                </label>
              </p>
            )}
            <p>
              <label style="display:inline">
                <input
                  type="checkbox"
                  data-testid="gmail-api-optin"
                  checked={gmailApi}
                  onChange={(e) => setGmailApi(e.currentTarget.checked)}
                />{' '}
                {t('composerGmailApiOptIn')}
              </label>
            </p>
            {gmailApi && <p class="muted">{t('composerGmailApiNote')}</p>}
            <p>
              {gmailApi ? (
                <button
                  type="button"
                  ref={gmailButton}
                  data-testid="gmail-api-send"
                  disabled={!canEncrypt || state === 'sending' || state === 'confirming'}
                  onClick={() => sendGmail('api')}
                >
                  {state === 'sending' ? t('composerSending') : t('composerGmailApiSend')}
                </button>
              ) : (
                <button
                  type="button"
                  ref={gmailButton}
                  data-testid="gmail-inline"
                  disabled={!canEncrypt || state === 'sending' || state === 'confirming'}
                  onClick={() => sendGmail('inline')}
                >
                  {state === 'sending' ? t('composerSending') : t('composerGmailInline')}
                </button>
              )}{' '}
              <button
                type="button"
                data-testid="gmail-dismiss"
                disabled={state === 'sending'}
                onClick={() => request('gmail.dismiss', { ticket }).catch(setError)}
              >
                {t('composerGmailDismiss')}
              </button>
            </p>
          </div>
        )}
        <p hidden={opened?.gmail}>
          <label style="display:inline">
            <input
              type="checkbox"
              data-testid="encrypt-toggle"
              checked={encrypt}
              disabled={!canEncrypt}
              onChange={(e) => {
                setTouched(true);
                setEncrypt(e.currentTarget.checked);
              }}
            />{' '}
            {t('composerEncrypt')}
          </label>{' '}
          <button
            type="button"
            ref={sendButton}
            onClick={send}
            disabled={
              state === 'sending' ||
              state === 'confirming' ||
              state === 'checking' ||
              !ready
            }
            data-testid="send"
          >
            {state === 'sending' ? t('composerSending') : t('composerSend')}
          </button>
        </p>
        {state === 'confirming' && (
          <p class="muted" data-testid="confirming">
            {t('confirmInWindow')}
          </p>
        )}
        {locked && (
          <UnlockLine
            onUnlocked={() =>
              locked === 'page'
                ? sendNow()
                : locked === 'restore'
                  ? restoreNow()
                  : sendGmailNow(locked)
            }
            onError={setError}
          />
        )}
        {draftSaved && !restoring && (
          <p class="muted" data-testid="draft-saved">
            {t('composerDraftSaved')}
          </p>
        )}
        {state === 'checking' && (
          <p class="status" data-testid="checking-sent">
            {t('composerCheckingSent')}
          </p>
        )}
        {outcomeUnknown && (
          <p class="status warn" data-testid="send-unknown">
            {t('composerSendUnknown')}
          </p>
        )}
        <ErrorLine error={error} />
      </div>
    </main>
  );
}

render(<Composer />, document.getElementById('app')!);
