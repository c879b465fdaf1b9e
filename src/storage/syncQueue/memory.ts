import type { QueuedTask, SyncQueueStore } from '../types.ts'

/** The sync queue in this process's memory: maps, every call runs without yielding. */
export function createMemorySyncQueue(): SyncQueueStore {
  const tasks = new Map<string, QueuedTask>()
  const records = new Map<string, Map<string, { value: string; expiresAt: number }>>()
  let versions = 0

  const kindOf = (kind: string) => {
    const map = records.get(kind) ?? new Map<string, { value: string; expiresAt: number }>()
    records.set(kind, map)
    return map
  }
  /** The live records of `kind`, dropping the expired ones. */
  const live = (kind: string) => {
    const map = kindOf(kind)
    const now = Date.now()
    for (const [id, record] of map) if (record.expiresAt <= now) map.delete(id)
    return map
  }

  return {
    async put(group, task, notBefore) {
      const version = ++versions
      tasks.set(group, { task, version, notBefore })
      return version
    },
    async read(group) {
      const entry = tasks.get(group)
      return entry ? { ...entry } : null
    },
    async due(now, limit) {
      return [...tasks]
        .filter(([, entry]) => entry.notBefore <= now)
        .sort(([, a], [, b]) => a.notBefore - b.notBefore)
        .slice(0, limit)
        .map(([group]) => group)
    },
    async reschedule(group, version, task, notBefore) {
      if (tasks.get(group)?.version !== version) return false
      tasks.set(group, { task, version, notBefore })
      return true
    },
    async settle(group, version) {
      if (tasks.get(group)?.version !== version) return false
      tasks.delete(group)
      return true
    },
    async size() {
      return tasks.size
    },
    async keep(kind, id, value, ttlMs) {
      kindOf(kind).set(id, { value, expiresAt: Date.now() + ttlMs })
    },
    async list(kind, limit) {
      return [...live(kind)]
        .sort(([, a], [, b]) => b.expiresAt - a.expiresAt)
        .slice(0, limit)
        .map(([id, { value }]) => ({ id, value }))
    },
    async count(kind) {
      return live(kind).size
    },
    async take(kind, id) {
      const map = live(kind)
      const record = map.get(id)
      map.delete(id)
      return record?.value ?? null
    },
  }
}
