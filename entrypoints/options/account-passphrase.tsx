/**
 * The account's passphrase, asked by an import into a protected account. The
 * imported key is protected by that same passphrase: the user has one passphrase
 * for every key of the account, nothing new to choose or remember, and typing it
 * shows that whoever replaces the key knows it. Removing the passphrase stays in
 * the protection section.
 */
import { request } from '../../src/messaging/client';
import { t } from '../../src/ui/i18n';
import { PassphraseField } from './passphrase-field';

/**
 * Whether the account's key has a passphrase now. Asked when a file is read, not
 * when the page opens: the user may have set one in between.
 */
export async function accountProtected(): Promise<boolean> {
  return (await request('protection.get', {})).protected;
}

/** The field for the account's passphrase; `testId` tells the two imports apart. */
export function AccountPassphrase(props: {
  value: string;
  onInput: (value: string) => void;
  testId: string;
}) {
  return <PassphraseField label={t('importAccountPassphrase')} {...props} />;
}
