import { QUEUE_SEQUENCE_KEY, QUEUE_TASK_PREFIX, queueTaskKey } from '../../shared/keys.ts'
import type { ListableStorage, SyncQueueStore } from '../types.ts'

// The sync queue over nothing but a storage's key-value calls and `listKeys`: the fallback for a
// custom storage without `syncQueue`, and the reader of the queue's keys from before it had one
// (`queue:task:<group>:<seq>`, `queue:dead:<group>:<seq>`), which a start moves into `syncQueue`.
// Finding work lists keys (a keyspace scan on Redis), so it suits small deployments only. And it
// is atomic per key only: a `reschedule` racing a `settle` of the same version (two workers on one
// group, which the group's lease prevents unless it expired) can bring a settled task back, which
// then runs once more (tasks are idempotent).

const RECORD_PREFIX = 'queue:record:'
const SEQUENCE_TTL_SECONDS = 10 * 365 * 24 * 3600

/** What a task key holds: ours, or (written before) the queue's task itself with its `notBefore`. */
interface Slot {
  v: 1
  task: string
  notBefore: number
}

/** `queue:task:<group>:<seq>` → [group, seq] */
export function parseTaskKey(key: string, prefix = QUEUE_TASK_PREFIX): [string, number] {
  const rest = key.slice(prefix.length)
  const colon = rest.lastIndexOf(':')
  return [rest.slice(0, colon), Number(rest.slice(colon + 1))]
}

function readSlot(raw: string): { task: string; notBefore: number } {
  const parsed = JSON.parse(raw) as Partial<Slot> & { notBefore?: number }
  if (parsed.v === 1 && typeof parsed.task === 'string') {
    return { task: parsed.task, notBefore: Number(parsed.notBefore) || 0 }
  }
  return { task: raw, notBefore: Number(parsed.notBefore) || 0 }
}

export function keyValueSyncQueue(storage: ListableStorage): SyncQueueStore {
  /** The group's task keys, oldest first (a prefix also matches longer group names: filtered). */
  const keysOf = async (group: string) =>
    (await storage.listKeys(`${QUEUE_TASK_PREFIX}${group}:`))
      .filter((key) => parseTaskKey(key)[0] === group)
      .sort()
  const groups = async () =>
    new Set((await storage.listKeys(QUEUE_TASK_PREFIX)).map((key) => parseTaskKey(key)[0]))
  const read = async (group: string) => {
    for (const key of (await keysOf(group)).reverse()) {
      const raw = await storage.get(key)
      if (raw !== null) return { ...readSlot(raw), version: parseTaskKey(key)[1] }
    }
    return null
  }
  // The kind encoded, so that no kind is a prefix of another's keys (`K:a` + `b` vs `K` + `a:b`).
  const recordPrefix = (kind: string) => `${RECORD_PREFIX}${encodeURIComponent(kind)}:`
  const recordKey = (kind: string, id: string) => `${recordPrefix(kind)}${id}`
  const records = async (kind: string) => {
    const prefix = recordPrefix(kind)
    const found: Array<{ id: string; value: string; expiresAt: number }> = []
    for (const key of await storage.listKeys(prefix)) {
      const raw = await storage.get(key)
      if (raw === null) continue
      const { value, expiresAt } = JSON.parse(raw) as { value: string; expiresAt: number }
      if (expiresAt > Date.now()) found.push({ id: key.slice(prefix.length), value, expiresAt })
    }
    return found.sort((a, b) => b.expiresAt - a.expiresAt)
  }

  return {
    async put(group, task, notBefore) {
      const seq = await storage.increment(QUEUE_SEQUENCE_KEY, SEQUENCE_TTL_SECONDS)
      const slot: Slot = { v: 1, task, notBefore }
      await storage.set(queueTaskKey(group, seq), JSON.stringify(slot))
      return seq
    },
    read,
    async due(now, limit) {
      const due: Array<[string, number]> = []
      for (const group of await groups()) {
        const entry = await read(group)
        if (entry && entry.notBefore <= now) due.push([group, entry.notBefore])
      }
      return due
        .sort((a, b) => a[1] - b[1])
        .slice(0, limit)
        .map(([group]) => group)
    },
    async reschedule(group, version, task, notBefore) {
      const keys = await keysOf(group)
      if (keys.at(-1) !== queueTaskKey(group, version)) return false
      const slot: Slot = { v: 1, task, notBefore }
      await storage.set(queueTaskKey(group, version), JSON.stringify(slot))
      for (const key of keys.slice(0, -1)) await storage.delete(key)
      return true
    },
    async settle(group, version) {
      // The run version and every older one go; a newer task stays, and then it was not this one.
      const keys = await keysOf(group)
      let taken = false
      for (const key of keys) {
        const seq = parseTaskKey(key)[1]
        if (seq > version) continue
        if ((await storage.getAndDelete(key)) !== null && seq === version) taken = true
      }
      return taken && keys.at(-1) === queueTaskKey(group, version)
    },
    async size() {
      return (await groups()).size
    },
    async keep(kind, id, value, ttlMs) {
      const expiresAt = Date.now() + ttlMs
      await storage.set(recordKey(kind, id), JSON.stringify({ value, expiresAt }), ttlMs / 1000)
    },
    async list(kind, limit) {
      return (await records(kind)).slice(0, limit).map(({ id, value }) => ({ id, value }))
    },
    async count(kind) {
      return (await records(kind)).length
    },
    async take(kind, id) {
      const raw = await storage.getAndDelete(recordKey(kind, id))
      if (raw === null) return null
      const { value, expiresAt } = JSON.parse(raw) as { value: string; expiresAt: number }
      return expiresAt > Date.now() ? value : null
    },
  }
}
