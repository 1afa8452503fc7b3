/**
 * A map that keeps at most `limit` entries and forgets the oldest first, for
 * the background's caches of work that depends on its input bytes alone.
 */
export class BoundedCache<T> {
  private readonly entries = new Map<string, T>();
  private readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
  }

  /** The value remembered under `key`, if any. */
  get(key: string): T | undefined {
    return this.entries.get(key);
  }

  /** Remembers a value, forgetting the oldest one beyond the limit. */
  set(key: string, value: T): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.limit) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }
}

/** SHA-256 of `bytes`, hex: a short cache key for large or secret input. */
export async function sha256Hex(bytes: Uint8Array | string): Promise<string> {
  const data =
    typeof bytes === 'string'
      ? new TextEncoder().encode(bytes)
      : (bytes as Uint8Array<ArrayBuffer>);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
