/**
 * The backup prompt's record (attack suite MV-07): when the user last backed up
 * the key. The options page reminds while there is none.
 */
import type { StoredAccount } from '../keyring/store';
import { toStatus } from './account';
import { requireAccount, type Handler, type Services } from './context';

/** Records that the current key was backed up now. */
export async function recordBackup(services: Services): Promise<StoredAccount> {
  await requireAccount(services);
  const now = services.now();
  return services.keyring.updateAccount((current) => ({ ...current!, backedUpAt: now }));
}

/** The options page saved a Setup Message file for the user. */
export const backupRecord: Handler<'backup.record'> = async (_p, _c, services) =>
  toStatus(await recordBackup(services));
