/**
 * A labelled passphrase input of the options page. Every passphrase the page asks
 * for (the key's own, the account's, a new one and its repetition) looks and
 * behaves the same.
 */

/** One passphrase input inside its label. */
export function PassphraseField(props: {
  label: string;
  value: string;
  onInput: (value: string) => void;
  testId: string;
  /** `new-password` or `current-password` where the browser may help; else off. */
  autocomplete?: 'new-password' | 'current-password' | 'off';
}) {
  return (
    <label>
      {props.label}{' '}
      <input
        type="password"
        autocomplete={props.autocomplete ?? 'off'}
        data-testid={props.testId}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    </label>
  );
}
