/**
 * Versioned schema of the keyring. Each migration moves the stored data one
 * version up and then records that version, so an interrupted run (the
 * worker stopped mid-way) resumes at the step that did not finish.
 */
import type { StorageArea } from './area';

/** The schema this code reads and writes. */
export const SCHEMA_VERSION = 2;

const META = 'meta';

interface Meta {
  schema_version: number;
}

/** Raised when stored data cannot be brought to {@link SCHEMA_VERSION}. */
export class MigrationError extends Error {
  readonly code: 'newer-schema' | 'migration-failed';
  readonly version: number;

  constructor(
    code: MigrationError['code'],
    version: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MigrationError';
    this.code = code;
    this.version = version;
  }
}

/** Steps from version N-1 to N, indexed by N. Version 1 is the first layout. */
const STEPS: Record<number, (area: StorageArea) => Promise<void>> = {
  1: async () => {
    // Nothing to convert: version 1 is the first stored layout.
  },
  // Version 2 adds the `settings` record. Written out (not only defaulted on read)
  // so that a later build can tell "never chose" from a stored choice by version.
  2: async (area) => {
    const got = await area.get('settings');
    if (!got.settings) await area.set({ settings: { protect_headers: true } });
  },
};

/** Brings the stored data to the current schema. */
export async function migrate(area: StorageArea): Promise<void> {
  const got = await area.get(META);
  let version = (got[META] as Meta | undefined)?.schema_version ?? 0;

  // Data written by a newer build must not be rewritten by an older one.
  if (version > SCHEMA_VERSION) {
    throw new MigrationError(
      'newer-schema',
      version,
      `stored keyring has schema ${version}, this build reads ${SCHEMA_VERSION}`,
    );
  }

  while (version < SCHEMA_VERSION) {
    const target = version + 1;
    try {
      await STEPS[target]?.(area);
      await area.set({ [META]: { schema_version: target } satisfies Meta });
    } catch (cause) {
      throw new MigrationError(
        'migration-failed',
        target,
        `migration to ${target} failed`,
        {
          cause,
        },
      );
    }
    version = target;
  }
}
