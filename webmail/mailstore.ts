/**
 * Mail on disk as raw RFC 5322 files, one file per message:
 *
 * - `<dataDir>/<addr>/<inbox|sent|drafts>/<id>.eml`, and
 *   `<dataDir>/<addr>/spam/<id>.eml` for mail the provider judged to be spam;
 * - `<dataDir>/_outbound/<id>.eml` with `<id>.json` beside it holding the envelope, for
 *   mail to recipients outside this provider (it "leaves" here; tests read it).
 *
 * Files are written to a temporary name and renamed, so a reader never sees half a
 * message. Files are never changed after that, which lets callers cache by id; a
 * draft is replaced by a new file with a new id, and the old one removed.
 */
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MESSAGE_ID_PATTERN, newMessageId } from './ids.ts';

/** The folders of an account. Drafts hold what the extension saved, encrypted. */
export type Folder = 'inbox' | 'sent' | 'spam' | 'drafts';

/** The folder names, for checking route parameters. */
export const FOLDERS: readonly Folder[] = ['inbox', 'sent', 'spam', 'drafts'];

/** One stored message. */
export interface StoredMessage {
  id: string;
  raw: Buffer;
}

/** One message waiting to leave for another provider, with its envelope recipients. */
export interface OutboundMessage extends StoredMessage {
  recipients: string[];
}

/** Access to the message files under one data directory. */
export interface MailStore {
  readonly dataDir: string;
  /** Creates the folders of the given accounts (idempotent). */
  init(accounts: readonly string[]): Promise<void>;
  /** Stores `raw` unchanged in an account's folder and returns its new id. */
  add(account: string, folder: Folder, raw: Uint8Array): Promise<string>;
  /** Stores `raw` unchanged for delivery elsewhere, with its envelope recipients. */
  addOutbound(raw: Uint8Array, recipients: string[]): Promise<string>;
  /** Ids in a folder, oldest first. */
  ids(account: string, folder: Folder): Promise<string[]>;
  /** A message's exact bytes, or undefined when there is none with that id. */
  read(account: string, folder: Folder, id: string): Promise<Buffer | undefined>;
  /** Every message in a folder, oldest first. */
  list(account: string, folder: Folder): Promise<StoredMessage[]>;
  /** Deletes a message; false when there was none with that id. */
  remove(account: string, folder: Folder, id: string): Promise<boolean>;
  /** Every outbound message, oldest first. */
  outbound(): Promise<OutboundMessage[]>;
}

const OUTBOUND_DIR = '_outbound';

/** Opens the store under `dataDir`; call {@link MailStore.init} before use. */
export function openMailStore(dataDir: string): MailStore {
  const folderDir = (account: string, folder: Folder) => join(dataDir, account, folder);
  const outboundDir = join(dataDir, OUTBOUND_DIR);

  const ids = async (dir: string) => {
    const names = await readdirOrEmpty(dir);
    const found = names
      .filter((name) => name.endsWith('.eml'))
      .map((name) => name.slice(0, -'.eml'.length))
      .filter((id) => MESSAGE_ID_PATTERN.test(id));
    return found.sort();
  };

  const store: MailStore = {
    dataDir,
    async init(accounts) {
      const dirs = accounts.flatMap((a) => FOLDERS.map((f) => folderDir(a, f)));
      for (const dir of [...dirs, outboundDir]) await mkdir(dir, { recursive: true });
    },
    async add(account, folder, raw) {
      const id = newMessageId();
      await writeAtomic(join(folderDir(account, folder), `${id}.eml`), raw);
      return id;
    },
    async addOutbound(raw, recipients) {
      const id = newMessageId();
      // The envelope goes first: once the .eml exists, its sidecar must too.
      const envelope = JSON.stringify({ recipients }) + '\n';
      await writeAtomic(join(outboundDir, `${id}.json`), envelope);
      await writeAtomic(join(outboundDir, `${id}.eml`), raw);
      return id;
    },
    ids: (account, folder) => ids(folderDir(account, folder)),
    async read(account, folder, id) {
      if (!MESSAGE_ID_PATTERN.test(id)) return undefined;
      return readOrUndefined(join(folderDir(account, folder), `${id}.eml`));
    },
    async list(account, folder) {
      const found: StoredMessage[] = [];
      for (const id of await store.ids(account, folder)) {
        const raw = await store.read(account, folder, id);
        if (raw) found.push({ id, raw });
      }
      return found;
    },
    async remove(account, folder, id) {
      if (!MESSAGE_ID_PATTERN.test(id)) return false;
      try {
        await unlink(join(folderDir(account, folder), `${id}.eml`));
        return true;
      } catch (err) {
        if (isNotFound(err)) return false;
        throw err;
      }
    },
    async outbound() {
      const found: OutboundMessage[] = [];
      for (const id of await ids(outboundDir)) {
        const raw = await readOrUndefined(join(outboundDir, `${id}.eml`));
        const sidecar = await readOrUndefined(join(outboundDir, `${id}.json`));
        if (!raw || !sidecar) continue;
        found.push({ id, raw, recipients: parseRecipients(sidecar) });
      }
      return found;
    },
  };
  return store;
}

async function writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
  // Same directory as the target, so the rename cannot cross file systems.
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temp, data, { flag: 'wx' });
  await rename(temp, path);
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

async function readOrUndefined(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

function parseRecipients(sidecar: Buffer): string[] {
  try {
    const parsed: unknown = JSON.parse(sidecar.toString('utf8'));
    const recipients = (parsed as { recipients?: unknown }).recipients;
    if (Array.isArray(recipients)) {
      return recipients.filter((r): r is string => typeof r === 'string');
    }
  } catch {
    // A damaged sidecar still lists the message, with no recipients to show.
  }
  return [];
}

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
