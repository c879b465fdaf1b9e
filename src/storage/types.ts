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

/** A queued task as the sync queue stores it: one per group, the newest superseding the rest. */
export interface QueuedTask {
  /** The task, as the queue serialised it. */
  task: string
  /** Changes with every `put`: a worker settles or reschedules only the version it ran. */
  version: number
  /** Epoch ms before which no worker runs it. */
  notBefore: number
}

/**
 * The sync queue's own structures in a storage, so that finding work never scans the keyspace:
 * one task slot per group indexed by due time (Redis: a sorted set and hashes, changed by Lua
 * scripts; SQLite: an indexed table; memory: maps), and expiring records (dead letters, sync
 * failures) listed from an index of their own. Every method is atomic.
 */
export interface SyncQueueStore {
  /** Makes `task` the group's task (superseding the one there), due at `notBefore`; its version. */
  put(group: string, task: string, notBefore: number): Promise<number>
  read(group: string): Promise<QueuedTask | null>
  /** Up to `limit` groups due at `now`, the longest due first. */
  due(now: number, limit: number): Promise<string[]>
  /** Replaces the task and its due time if the group is still at `version`; false otherwise. */
  reschedule(group: string, version: number, task: string, notBefore: number): Promise<boolean>
  /** Removes the group's task if it is still at `version`; false otherwise (a newer one stays). */
  settle(group: string, version: number): Promise<boolean>
  /** How many groups have a task. */
  size(): Promise<number>
  /** Keeps `value` as record `id` of `kind` for `ttlMs` (replacing one with that id). */
  keep(kind: string, id: string, value: string, ttlMs: number): Promise<void>
  /** Up to `limit` live records of `kind`, the latest to expire first. */
  list(kind: string, limit: number): Promise<Array<{ id: string; value: string }>>
  /** How many live records of `kind` there are. */
  count(kind: string): Promise<number>
  /** Removes a record and returns its value (null if absent or expired). */
  take(kind: string, id: string): Promise<string | null>
}

/** A storage with the sync queue's structures (all of ours). */
export interface QueueingStorage extends SecondaryStorage {
  syncQueue: SyncQueueStore
}
