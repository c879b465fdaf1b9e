import { describedAs } from '../shared/description.ts'
import { createMemorySyncQueue } from './syncQueue/memory.ts'
import { incrementTtlMs, ttlMs } from './ttl.ts'
import type { ListableStorage, QueueingStorage } from './types.ts'

interface Entry {
  value: string
  /** Epoch ms, or null for no expiry. */
  expiresAt: number | null
}

export interface MemoryStorageOptions {
  /** How often, at most, a write also sweeps expired entries (ms). Default 60 000. */
  sweepIntervalMs?: number
}

/**
 * A store inside this process: for tests and single-process apps. Every operation runs to
 * completion without yielding, so `increment` and `getAndDelete` are atomic by construction.
 */
export function createMemoryStorage(
  options: MemoryStorageOptions = {},
): ListableStorage & QueueingStorage {
  const sweepIntervalMs = options.sweepIntervalMs ?? 60_000
  const entries = new Map<string, Entry>()
  let lastSweep = Date.now()

  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key)
    if (entry !== undefined && entry.expiresAt !== null && entry.expiresAt <= Date.now()) {
      entries.delete(key)
      return undefined
    }
    return entry
  }

  const sweepIfDue = (now: number) => {
    if (now - lastSweep < sweepIntervalMs) return
    lastSweep = now
    for (const [key, entry] of entries) {
      if (entry.expiresAt != null && entry.expiresAt <= now) entries.delete(key)
    }
  }

  const storage: ListableStorage & QueueingStorage = {
    syncQueue: createMemorySyncQueue(),
    async get(key) {
      return live(key)?.value ?? null
    },
    async set(key, value, ttl) {
      const now = Date.now()
      const ms = ttlMs(ttl)
      entries.set(key, { value, expiresAt: ms === null ? null : now + ms })
      sweepIfDue(now)
    },
    async delete(key) {
      entries.delete(key)
    },
    async getAndDelete(key) {
      const entry = live(key)
      entries.delete(key)
      return entry?.value ?? null
    },
    async increment(key, ttl) {
      const ms = incrementTtlMs(ttl)
      const entry = live(key)
      if (!entry) {
        const now = Date.now()
        entries.set(key, { value: '1', expiresAt: now + ms })
        sweepIfDue(now)
        return 1
      }
      const next = Number.parseInt(entry.value, 10) + 1
      if (Number.isNaN(next)) throw new TypeError(`increment(${key}): value is not an integer`)
      entry.value = String(next)
      return next
    },
    async listKeys(prefix) {
      const keys: string[] = []
      for (const key of entries.keys()) {
        if (key.startsWith(prefix) && live(key)) keys.push(key)
      }
      return keys
    },
  }
  return describedAs(storage, 'memory (this process only)')
}
