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

/** An in-memory area, for tests and for the command-line inspector. */
export function memoryArea(): StorageArea & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  const copy = (v: unknown): unknown => structuredClone(v);

  return {
    data,
    async get(keys) {
      const wanted = keys === null ? [...data.keys()] : [keys].flat();
      const out: Record<string, unknown> = {};
      for (const k of wanted) if (data.has(k)) out[k] = copy(data.get(k));
      return out;
    },
    async set(items) {
      for (const [k, v] of Object.entries(items)) data.set(k, copy(v));
    },
    async remove(keys) {
      for (const k of [keys].flat()) data.delete(k);
    },
  };
}
