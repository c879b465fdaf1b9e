/**
 * The key-value store Better Auth 1.7 calls `secondaryStorage`, shared by both plugins. TTLs are in
 * seconds (fractions allowed); a missing or non-positive TTL on `set` means "never expires", as in
 * Better Auth's own Redis storage.
 */
export interface SecondaryStorage {
  get(key: string): Promise<string | null>
  set(key: string, value: string, ttl?: number): Promise<void>
  delete(key: string): Promise<void>
  /** Returns the value and removes it in one atomic step: of concurrent callers, one gets it. */
  getAndDelete(key: string): Promise<string | null>
  /**
   * Atomically adds one and returns the new value. An absent (or expired) key starts at 1 and
   * expires `ttl` seconds later; later increments never extend that window.
   */
  increment(key: string, ttl: number): Promise<number>
  /**
   * The live keys that start with `prefix` (taken literally: no wildcards), in no set order. Not
   * needed by Better Auth; the sync's durable queue needs it to find pending tasks, and says so at
   * start when a custom storage lacks it.
   */
  listKeys?(prefix: string): Promise<string[]>
}

/** One of our storages: `listKeys` always there. */
export interface ListableStorage extends SecondaryStorage {
  listKeys(prefix: string): Promise<string[]>
}
