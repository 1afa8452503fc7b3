/**
 * Requests from the options page about the user's choices and own key.
 */
import type { SettingsView } from '../messaging/protocol';
import { requireAccount, type Handler, type Services } from './context';

async function view(services: Services): Promise<SettingsView> {
  const account = await services.keyring.getAccount();
  const settings = await services.keyring.getSettings();
  return {
    prefer_encrypt: account?.prefer_encrypt ?? 'nopreference',
    protect_headers: settings.protect_headers,
  };
}

export const settingsGet: Handler<'settings.get'> = async (_p, _c, services) =>
  view(services);

/**
 * Changes the settings the payload names. `prefer_encrypt` is the account's
 * Autocrypt preference: it goes out in our next header.
 */
export const settingsSet: Handler<'settings.set'> = async (payload, _c, services) => {
  if (payload.prefer_encrypt !== undefined) {
    await requireAccount(services);
    const prefer_encrypt =
      payload.prefer_encrypt === 'mutual' ? 'mutual' : 'nopreference';
    await services.keyring.updateAccount((current) => ({ ...current!, prefer_encrypt }));
  }
  if (payload.protect_headers !== undefined) {
    await services.keyring.updateSettings({
      protect_headers: payload.protect_headers === true,
    });
  }
  return view(services);
};

/** Our full public key, armored, for the user to hand to other OpenPGP software. */
export const exportPublicKey: Handler<'account.exportPublicKey'> = async (
  _p,
  _c,
  services,
) => {
  const account = await requireAccount(services);
  return { armored: account.publicKeyArmored, fingerprint: account.fingerprint };
};
