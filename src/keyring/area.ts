/**
 * The slice of `storage.StorageArea` the stores use. Keeping it this small
 * lets unit tests run the stores over a Map and keeps the storage API behind
 * one seam.
 */
export interface StorageArea {
  get(keys: string | string[] | null): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
}

/**
 * An in-memory area, for tests and for the command-line inspector. With
 * `quotaBytes` it refuses, as a whole, any write that would take the stored JSON
 * over that size, with the message `chrome.storage` uses, and keeps what it had.
 */
export function memoryArea(
  options: { quotaBytes?: number } = {},
): StorageArea & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  const copy = (v: unknown): unknown => structuredClone(v);
  // Chrome counts each key's length plus its value's JSON length.
  const size = (entries: Iterable<[string, unknown]>) => {
    let total = 0;
    for (const [k, v] of entries) total += k.length + JSON.stringify(v).length;
    return total;
  };

  return {
    data,
    async get(keys) {
      const wanted = keys === null ? [...data.keys()] : [keys].flat();
      const out: Record<string, unknown> = {};
      for (const k of wanted) if (data.has(k)) out[k] = copy(data.get(k));
      return out;
    },
    async set(items) {
      if (options.quotaBytes !== undefined) {
        const after = new Map(data);
        for (const [k, v] of Object.entries(items)) after.set(k, v);
        if (size(after) > options.quotaBytes)
          throw new Error('QUOTA_BYTES quota exceeded');
      }
      for (const [k, v] of Object.entries(items)) data.set(k, copy(v));
    },
    async remove(keys) {
      for (const k of [keys].flat()) data.delete(k);
    },
  };
}
